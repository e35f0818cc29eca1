package serverless

import (
	"maps"
	"testing"
)

func TestFromEnv(t *testing.T) {
	tests := []struct {
		name    string
		environ []string
		want    map[string]string
	}{
		{"dots", []string{"CONNECT_BOOTSTRAP_SERVERS=b1:9092,b2:9092"}, map[string]string{"bootstrap.servers": "b1:9092,b2:9092"}},
		{"state keys", []string{"CONNECT_STATE_BACKEND=dynamodb", "CONNECT_STATE_DYNAMODB_TABLE=connect"},
			map[string]string{"state.backend": "dynamodb", "state.dynamodb.table": "connect"}},
		{"dash and underscore", []string{"CONNECT_A__B___C=v"}, map[string]string{"a-b_c": "v"}},
		{"value keeps equals signs", []string{"CONNECT_SASL_JAAS_CONFIG=x password=\"a=b\";"}, map[string]string{"sasl.jaas.config": "x password=\"a=b\";"}},
		{"empty value kept", []string{"CONNECT_GROUP_ID="}, map[string]string{"group.id": ""}},
		{"others ignored", []string{"PATH=/bin", "CONNECT_=x", "CONNECT", "AWS_REGION=eu-west-1", "connect_lower=x"}, map[string]string{}},
		{"later duplicate wins", []string{"CONNECT_CLIENT_ID=a", "CONNECT_CLIENT_ID=b"}, map[string]string{"client.id": "b"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := FromEnv(tc.environ); !maps.Equal(got, tc.want) {
				t.Errorf("FromEnv(%q) = %v, want %v", tc.environ, got, tc.want)
			}
		})
	}
}

func TestEnvNameRoundTrip(t *testing.T) {
	for _, key := range []string{"bootstrap.servers", "state.dynamodb.table", "key.converter.schemas.enable", "a-b_c.d", "config.providers.secretsmanager.param.region"} {
		env := EnvName(key)
		if got := PropertyName(env); got != key {
			t.Errorf("PropertyName(EnvName(%q)) = %q via %q", key, got, env)
		}
	}
	if got := EnvName("bootstrap.servers"); got != "CONNECT_BOOTSTRAP_SERVERS" {
		t.Errorf("EnvName(bootstrap.servers) = %q", got)
	}
}
