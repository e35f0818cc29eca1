package kafka

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

const scramJAAS = `org.apache.kafka.common.security.scram.ScramLoginModule required username="alice" password="s3cr\"et";`

func TestParseSecurity(t *testing.T) {
	tests := []struct {
		name    string
		props   map[string]string
		prefix  string
		want    Security
		wantErr []string // substrings of the error; nil means no error
	}{
		{name: "plaintext by default", props: map[string]string{}, want: Security{Protocol: Plaintext, VerifyHost: true}},
		{name: "sasl_ssl scram", props: map[string]string{"security.protocol": "sasl_ssl", "sasl.mechanism": "SCRAM-SHA-512",
			"sasl.jaas.config": scramJAAS, "ssl.truststore.location": "/ca.pem", "ssl.truststore.type": "PEM"},
			want: Security{Protocol: SASLSSL, Mechanism: MechanismSCRAMSHA512, Username: "alice", Password: `s3cr"et`, TruststoreLocation: "/ca.pem", VerifyHost: true}},
		{name: "plain with its module", props: map[string]string{"security.protocol": "SASL_PLAINTEXT", "sasl.mechanism": "PLAIN",
			"sasl.jaas.config": `org.apache.kafka.common.security.plain.PlainLoginModule required username='x' password="y";`},
			want: Security{Protocol: SASLPlaintext, Mechanism: MechanismPlain, Username: "x", Password: "y", VerifyHost: true}},
		{name: "jaas without password", props: map[string]string{"security.protocol": "SASL_PLAINTEXT", "sasl.mechanism": "PLAIN",
			"sasl.jaas.config": `org.apache.kafka.common.security.plain.PlainLoginModule required username="x";`},
			wantErr: []string{"sasl.jaas.config", `username="…" password="…"`}},
		{name: "host check off", props: map[string]string{"security.protocol": "SSL", "ssl.endpoint.identification.algorithm": ""},
			want: Security{Protocol: SSL}},
		// Kafka's default sasl.mechanism is GSSAPI (SaslConfigs.DEFAULT_SASL_MECHANISM).
		{name: "gssapi default refused", props: map[string]string{"security.protocol": "SASL_SSL", "sasl.jaas.config": scramJAAS},
			wantErr: []string{"sasl.mechanism: GSSAPI"}},
		{name: "module must match mechanism", props: map[string]string{"security.protocol": "SASL_SSL", "sasl.mechanism": "PLAIN", "sasl.jaas.config": scramJAAS},
			wantErr: []string{"sasl.jaas.config: sasl.mechanism PLAIN takes the login module org.apache.kafka.common.security.plain.PlainLoginModule"}},
		{name: "jks truststore", props: map[string]string{"security.protocol": "SSL", "ssl.truststore.type": "JKS", "ssl.truststore.password": "changeit"},
			wantErr: []string{"ssl.truststore.type: JKS is not supported: convert the trust store to PEM", "ssl.truststore.password"}},
		{name: "pkcs12 keystore", props: map[string]string{"security.protocol": "SSL", "ssl.keystore.type": "PKCS12"},
			wantErr: []string{"ssl.keystore.type: PKCS12 is not supported"}},
		{name: "bad protocol names the prefixed key", prefix: "producer.", props: map[string]string{"producer.security.protocol": "TLS"},
			wantErr: []string{"producer.security.protocol: want PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL"}},
		{name: "msk iam", props: map[string]string{"security.protocol": "SASL_SSL", "sasl.mechanism": "AWS_MSK_IAM",
			"sasl.jaas.config":                   "software.amazon.msk.auth.iam.IAMLoginModule required;",
			"sasl.client.callback.handler.class": "software.amazon.msk.auth.iam.IAMClientCallbackHandler"},
			want: Security{Protocol: SASLSSL, Mechanism: MechanismAWSMSKIAM, VerifyHost: true}},
		{name: "msk iam role option refused", props: map[string]string{"security.protocol": "SASL_SSL", "sasl.mechanism": "AWS_MSK_IAM",
			"sasl.jaas.config": `software.amazon.msk.auth.iam.IAMLoginModule required awsRoleArn="arn:aws:iam::1:role/x";`},
			wantErr: []string{"sasl.jaas.config: IAMLoginModule option awsRoleArn is not supported"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseSecurity(tt.props, tt.prefix)
			if tt.wantErr != nil {
				if !errors.Is(err, ErrConfig) {
					t.Fatalf("err = %v, want ErrConfig", err)
				}
				for _, w := range tt.wantErr {
					if !strings.Contains(err.Error(), w) {
						t.Errorf("err = %v, want it to contain %q", err, w)
					}
				}
				if strings.Contains(err.Error(), "changeit") || strings.Contains(err.Error(), "s3cr") {
					t.Errorf("err %v quotes a secret", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got = got.unprefixed(); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestParseClientConfigRoles(t *testing.T) {
	c, err := ParseClientConfig(map[string]string{
		"security.protocol": "SASL_SSL", "sasl.mechanism": "SCRAM-SHA-512", "sasl.jaas.config": scramJAAS,
		"producer.sasl.mechanism": "SCRAM-SHA-256",
	})
	if err != nil {
		t.Fatal(err)
	}
	if p := c.Roles[RoleProducer]; p.Mechanism != MechanismSCRAMSHA256 || p.Username != "alice" || p.Protocol != SASLSSL {
		t.Errorf("producer = %+v, want the worker's keys with SCRAM-SHA-256", p)
	}
	if p := c.Roles[RoleConsumer]; p.Mechanism != MechanismSCRAMSHA512 {
		t.Errorf("consumer = %+v, want the worker's SCRAM-SHA-512", p)
	}
	_, err = ParseClientConfig(map[string]string{"consumer.security.protocol": "SASL_SSL", "consumer.sasl.mechanism": "PLAIN"})
	if err == nil || !strings.Contains(err.Error(), "consumer.sasl.jaas.config") && !strings.Contains(err.Error(), "sasl.jaas.config") {
		t.Fatalf("err = %v, want the consumer's missing sasl.jaas.config named", err)
	}
}

func TestCheckOverrides(t *testing.T) {
	conn := map[string]string{
		"producer.override.sasl.jaas.config":        scramJAAS,
		"consumer.override.ssl.truststore.location": "/ca.pem",
		"producer.override.linger.ms":               "5",
		"consumer.override.auto.offset.reset":       "earliest",
	}
	// Kafka's message: AbstractConnectorClientConfigOverridePolicy adds "The '<policy>' policy
	// does not allow '<name>' to be overridden" to each disallowed key.
	tests := []struct {
		policy string
		want   map[string]string
	}{
		{PolicyNone, map[string]string{
			"producer.override.sasl.jaas.config":        "The 'None' policy does not allow 'sasl.jaas.config' to be overridden",
			"consumer.override.ssl.truststore.location": "The 'None' policy does not allow 'ssl.truststore.location' to be overridden",
			"producer.override.linger.ms":               "The 'None' policy does not allow 'linger.ms' to be overridden",
			"consumer.override.auto.offset.reset":       "The 'None' policy does not allow 'auto.offset.reset' to be overridden",
		}},
		{PolicyPrincipal, map[string]string{
			"consumer.override.ssl.truststore.location": "The 'Principal' policy does not allow 'ssl.truststore.location' to be overridden",
			"producer.override.linger.ms":               "The 'Principal' policy does not allow 'linger.ms' to be overridden",
			"consumer.override.auto.offset.reset":       "The 'Principal' policy does not allow 'auto.offset.reset' to be overridden",
		}},
		{PolicyAll, map[string]string{
			"producer.override.linger.ms": "Overriding 'linger.ms' is not supported; only the client security keys (" + strings.Join(SecurityKeys, ", ") + ") may be overridden",
		}},
	}
	for _, tt := range tests {
		got := CheckOverrides(tt.policy, conn)
		if len(got) != len(tt.want) {
			t.Errorf("%s: got %v, want %v", tt.policy, got, tt.want)
		}
		for k, w := range tt.want {
			if got[k] != w {
				t.Errorf("%s: %s = %q, want %q", tt.policy, k, got[k], w)
			}
		}
	}
	for in, want := range map[string]string{"": PolicyAll, "none": PolicyNone,
		"org.apache.kafka.connect.connector.policy.PrincipalConnectorClientConfigOverridePolicy": PolicyPrincipal} {
		if got, err := ParsePolicy(in); err != nil || got != want {
			t.Errorf("ParsePolicy(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	if _, err := ParsePolicy("Some"); !errors.Is(err, ErrConfig) {
		t.Errorf("ParsePolicy(Some) = %v, want ErrConfig", err)
	}
}

func TestForConnector(t *testing.T) {
	c, err := ParseClientConfig(map[string]string{"security.protocol": "SASL_PLAINTEXT", "sasl.mechanism": "PLAIN",
		"sasl.jaas.config": `org.apache.kafka.common.security.plain.PlainLoginModule required username="worker" password="w";`})
	if err != nil {
		t.Fatal(err)
	}
	conn := map[string]string{"producer.override.sasl.jaas.config": `org.apache.kafka.common.security.plain.PlainLoginModule required username="orders" password="o";`}
	got, changed, err := c.ForConnector(PolicyPrincipal, conn)
	if err != nil || !changed {
		t.Fatalf("ForConnector = %v, %v; want a change", changed, err)
	}
	if got.Roles[RoleProducer].Username != "orders" || got.Roles[RoleConsumer].Username != "worker" {
		t.Errorf("producer %q consumer %q; want orders and worker", got.Roles[RoleProducer].Username, got.Roles[RoleConsumer].Username)
	}
	if _, _, err := c.ForConnector(PolicyNone, conn); !errors.Is(err, ErrConfig) || !strings.Contains(err.Error(), "producer.override.sasl.jaas.config") {
		t.Errorf("None policy: err = %v, want the key named", err)
	}
	if _, changed, err := c.ForConnector(PolicyAll, map[string]string{"name": "x"}); err != nil || changed {
		t.Errorf("no overrides: changed=%v err=%v", changed, err)
	}
}

func TestStoreFormats(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	tests := []struct {
		name, file string
		want       string
	}{
		{"jks", write("ts.jks", []byte{0xFE, 0xED, 0xFE, 0xED, 0, 0, 0, 2}), "JKS key store, which is not supported: convert it to PEM"},
		{"pkcs12", write("ts.p12", []byte{0x30, 0x82, 0x0a, 0x01}), "PKCS12 (or DER) file, which is not supported"},
		{"empty", write("ts.pem", []byte("hello")), "no PEM block found"},
	}
	for _, tt := range tests {
		s := Security{Protocol: SSL, VerifyHost: true, TruststoreLocation: tt.file}
		_, _, err := s.Build(t.Context(), BuildOptions{})
		if !errors.Is(err, ErrConfig) || !strings.Contains(err.Error(), "ssl.truststore.location") || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: err = %v, want ErrConfig naming ssl.truststore.location and %q", tt.name, err, tt.want)
		}
	}
}
