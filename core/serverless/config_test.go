package serverless

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/connectless/connectless/core/config"
	"github.com/connectless/connectless/core/connect"
)

func TestParseConfigDefaults(t *testing.T) {
	c, err := ParseConfig(map[string]string{})
	if err != nil {
		t.Fatal(err)
	}
	if c.Backend != BackendDynamoDB || c.DynamoDBTable != "connectless" || c.SliceBudget != 14*time.Minute ||
		c.Margin != 5*time.Second || c.DispatchConcurrency != 32 || c.SecurityProtocol != "PLAINTEXT" {
		t.Errorf("defaults %+v", c)
	}
}

func TestParseConfig(t *testing.T) {
	c, err := ParseConfig(map[string]string{
		"bootstrap.servers": " b1:9092, b2:9092 ,", "state.backend": "Kafka", "config.storage.topic": "cfg",
		"key.converter": "StringConverter", "value.converter.schemas.enable": "false",
		"security.protocol": "sasl_ssl", "sasl.mechanism": "scram-sha-256",
		"sasl.jaas.config":  `org.apache.kafka.common.security.scram.ScramLoginModule required username="u" password="p\"w";`,
		"task.slice.max.ms": "60000", "group.id": "connect-cluster", "listeners": "http://:8083",
		"config.providers": "env", "config.providers.env.class": "EnvVarConfigProvider",
		"topic.tracking.allow.reset": "false", "rest.port": "8083", "task.lease.timeout.ms": "30000",
	})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(c.Brokers, ",") != "b1:9092,b2:9092" || c.Backend != BackendKafka || c.ConfigTopic != "cfg" ||
		c.KeyConverter != "StringConverter" || c.ValueConverterProps["schemas.enable"] != "false" ||
		c.SASLMechanism != "SCRAM-SHA-256" || c.SASLUsername != "u" || c.SASLPassword != `p"w` || c.SliceBudget != time.Minute || !c.TopicTracking || c.TopicReset {
		t.Errorf("parsed %+v", c)
	}
	if _, mech, err := c.tlsAndSASL(); err != nil || mech == nil {
		t.Errorf("sasl mechanism %v, %v", mech, err)
	}
}

func TestParseConfigErrors(t *testing.T) {
	tests := []struct {
		name  string
		props map[string]string
		key   string
	}{
		{"unknown key", map[string]string{"bootstrap.server": "b:9092"}, "bootstrap.server"},
		{"bad backend", map[string]string{"state.backend": "redis"}, "state.backend"},
		{"bad millis", map[string]string{"task.shutdown.margin.ms": "5s"}, "task.shutdown.margin.ms"},
		{"negative millis", map[string]string{"task.lease.grace.ms": "-1"}, "task.lease.grace.ms"},
		{"bad concurrency", map[string]string{"scheduler.dispatch.concurrency": "0"}, "scheduler.dispatch.concurrency"},
		{"bad protocol", map[string]string{"security.protocol": "TLS"}, "security.protocol"},
		{"bad mechanism", map[string]string{"sasl.mechanism": "GSSAPI"}, "sasl.mechanism"},
		{"jaas without password", map[string]string{"sasl.jaas.config": `x required username="u";`}, "sasl.jaas.config"},
		{"sasl without credentials", map[string]string{"security.protocol": "SASL_SSL"}, "sasl.jaas.config"},
		{"kafka backend without brokers", map[string]string{"state.backend": "kafka"}, "bootstrap.servers"},
		{"bad boolean", map[string]string{"topic.tracking.enable": "yes please"}, "topic.tracking.enable"},
		{"empty table", map[string]string{"state.dynamodb.table": " "}, "state.dynamodb.table"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseConfig(tc.props)
			if !errors.Is(err, ErrConfig) || !strings.Contains(err.Error(), tc.key) {
				t.Errorf("got %v, want an ErrConfig naming %s", err, tc.key)
			}
		})
	}
}

func TestPipeline(t *testing.T) {
	c, err := ParseConfig(map[string]string{"value.converter": "StringConverter"})
	if err != nil {
		t.Fatal(err)
	}
	reg, err := config.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	p, err := c.Pipeline(reg)(map[string]string{"key.converter": "org.apache.kafka.connect.json.JsonConverter", "key.converter.schemas.enable": "false",
		"transforms": "route", "transforms.route.type": "org.apache.kafka.connect.transforms.RegexRouter",
		"transforms.route.regex": "(.*)", "transforms.route.replacement": "copy-$1"})
	if err != nil {
		t.Fatal(err)
	}
	if p.Converters.KeyClass != "org.apache.kafka.connect.json.JsonConverter" || p.Converters.ValueClass != "org.apache.kafka.connect.storage.StringConverter" || p.Transform == nil {
		t.Errorf("pipeline %+v", p)
	}
	if _, err := c.Pipeline(reg)(map[string]string{"value.converter": "NoSuchConverter"}); err == nil || !strings.Contains(err.Error(), "value.converter") {
		t.Errorf("unknown converter: %v", err)
	}
	if _, err := c.Pipeline(reg)(map[string]string{"transforms": "x"}); err == nil || !strings.Contains(err.Error(), "transforms") {
		t.Errorf("bad transforms: %v", err)
	}
}

func TestOpenLambdaEnvironment(t *testing.T) {
	reg, err := connect.NewRegistry()
	if err != nil {
		t.Fatal(err)
	}
	rt, err := OpenLambda(context.Background(), []string{"CONNECT_STATE_BACKEND=memory", "CONNECT_LOG_LEVEL=debug",
		"CONNECT_TASK_SHUTDOWN_MARGIN_MS=250", "AWS_LAMBDA_FUNCTION_NAME=connectless-task"}, reg)
	if err != nil {
		t.Fatal(err)
	}
	defer rt.Close()
	if rt.Env.Holder != "connectless-task" || rt.Env.Margin != 250*time.Millisecond || rt.Kafka != nil {
		t.Errorf("runtime holder %q margin %v kafka %v", rt.Env.Holder, rt.Env.Margin, rt.Kafka)
	}
	for _, environ := range [][]string{
		{"CONNECT_STATE_BACKEND=memory", "CONNECT_LOG_LEVEL=loud"},
		{"CONNECT_STATE_BACKEND=memory", "CONNECT_BOOTSTRAP_SERVER=x:9092"},
	} {
		if _, err := OpenLambda(context.Background(), environ, reg); !errors.Is(err, ErrConfig) {
			t.Errorf("%v: got %v, want ErrConfig", environ, err)
		}
	}
}
