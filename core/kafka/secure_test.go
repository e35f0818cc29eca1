package kafka

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/segmentio/kafka-go/sasl"

	"github.com/connectless/connectless/core/connect"
	"github.com/connectless/connectless/infra/devstack"
	"github.com/connectless/connectless/infra/devstack/devstacktest"
)

// securedCluster starts a kfake broker on SASL_SSL with the SCRAM-SHA-512 users alice and
// bob, its certificate issued for 127.0.0.1 only, and returns it with the path of a PEM
// trust store holding its CA.
func securedCluster(t *testing.T) (*devstacktest.SecuredKafka, string) {
	k := devstacktest.SecuredKafkaBroker(t, map[string]string{"alice": "alice-secret", "bob": "bob-secret"})
	return k, k.Truststore
}

func securedProps(truststore, password string) map[string]string {
	return map[string]string{
		"security.protocol": "SASL_SSL", "sasl.mechanism": "SCRAM-SHA-512", "ssl.truststore.type": "PEM",
		"ssl.truststore.location": truststore,
		"sasl.jaas.config":        `org.apache.kafka.common.security.scram.ScramLoginModule required username="alice" password="` + password + `";`,
	}
}

func openSecured(t *testing.T, brokers []string, props map[string]string) *Client {
	t.Helper()
	cfg, err := ParseClientConfig(props)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Brokers, cfg.Timeout = brokers, 10*time.Second
	c, err := Open(t.Context(), cfg, BuildOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// TestIntegrationSecuredCluster produces and fetches over SASL_SSL with SCRAM-SHA-512, and
// checks that each wrong setting gives one error naming the key to fix.
func TestIntegrationSecuredCluster(t *testing.T) {
	k, truststore := securedCluster(t)
	ctx := testContext(t)

	c := openSecured(t, k.Brokers(), securedProps(truststore, "alice-secret"))
	if err := c.Ping(ctx); err != nil {
		t.Fatalf("ping: %v", err)
	}
	if err := c.CreateTopics(ctx, TopicSpec{Name: "secured", Partitions: 1, ReplicationFactor: 1}); err != nil {
		t.Fatal(err)
	}
	w := c.NewWriter(WriterOptions{})
	defer w.Close()
	if res := w.Produce(ctx, []Message{{Topic: "secured", Partition: AnyPartition, Key: []byte("k"), Value: []byte("over tls")}}); res[0].Err != nil {
		t.Fatalf("produce: %v", res[0].Err)
	}
	got, err := c.Fetch(ctx, connect.TopicPartition{Topic: "secured"}, 0, FetchOptions{})
	if err != nil || len(got.Messages) != 1 || string(got.Messages[0].Value) != "over tls" {
		t.Fatalf("fetch = %+v, %v; want the produced record", got.Messages, err)
	}

	other, err := devstack.NewCertAuthority("other-ca")
	if err != nil {
		t.Fatal(err)
	}
	untrusted := filepath.Join(t.TempDir(), "other.pem")
	if err := os.WriteFile(untrusted, other.PEM(), 0o600); err != nil {
		t.Fatal(err)
	}
	port := k.Addr()[strings.LastIndex(k.Addr(), ":"):]
	wrongHost := securedProps(truststore, "alice-secret")
	noHostCheck := securedProps(truststore, "alice-secret")
	noHostCheck["ssl.endpoint.identification.algorithm"] = ""
	plaintext := securedProps(truststore, "alice-secret")
	plaintext["security.protocol"] = "SASL_PLAINTEXT"
	tests := []struct {
		name    string
		brokers []string
		props   map[string]string
		want    string // the key the error must name; "" means success
	}{
		{"wrong password", k.Brokers(), securedProps(truststore, "wrong"), "check the username and password in sasl.jaas.config"},
		{"untrusted certificate", k.Brokers(), securedProps(untrusted, "alice-secret"), "set ssl.truststore.location to a PEM file with the CA"},
		{"wrong host name", []string{"localhost" + port}, wrongHost, `not valid for host "localhost"`},
		{"host check off", []string{"localhost" + port}, noHostCheck, ""},
		{"plaintext to a tls port", k.Brokers(), plaintext, "security.protocol (SASL_PLAINTEXT)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
			defer cancel()
			err := openSecured(t, tt.brokers, tt.props).Ping(ctx)
			if tt.want == "" {
				if err != nil {
					t.Fatalf("ping: %v", err)
				}
				return
			}
			if !errors.Is(err, ErrConnect) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("ping: %v; want ErrConnect containing %q", err, tt.want)
			}
			if strings.Contains(err.Error(), "alice-secret") {
				t.Errorf("error quotes the password: %v", err)
			}
		})
	}
}

// TestIntegrationConnectorOverrides: a connector's producer.override.sasl.jaas.config makes
// its own client with its own user, as the override policy allows; a wrong override
// password is reported against the connector's key.
func TestIntegrationConnectorOverrides(t *testing.T) {
	k, truststore := securedCluster(t)
	ctx := testContext(t)
	worker := openSecured(t, k.Brokers(), securedProps(truststore, "alice-secret"))
	bob := func(pw string) map[string]string {
		return map[string]string{"producer.override.sasl.jaas.config": `org.apache.kafka.common.security.scram.ScramLoginModule required username="bob" password="` + pw + `";`}
	}
	same, err := worker.ForConnector(ctx, map[string]string{"name": "plain"})
	if err != nil || same != worker {
		t.Fatalf("no overrides: %v, same client %v", err, same == worker)
	}
	c, err := worker.ForConnector(ctx, bob("bob-secret"))
	if err != nil || c == worker {
		t.Fatalf("override: %v, new client %v", err, c != worker)
	}
	defer c.Close()
	if err := c.Ping(ctx); err != nil {
		t.Fatalf("ping as bob: %v", err)
	}
	wrong, err := worker.ForConnector(ctx, bob("nope"))
	if err != nil {
		t.Fatal(err)
	}
	defer wrong.Close()
	if err := wrong.Ping(ctx); !errors.Is(err, ErrConnect) || !strings.Contains(err.Error(), "producer.override.sasl.jaas.config") {
		t.Fatalf("ping with a wrong override: %v; want the connector key named", err)
	}
	cfg, err := ParseClientConfig(map[string]string{})
	if err != nil {
		t.Fatal(err)
	}
	cfg.Brokers, cfg.Policy = k.Brokers(), PolicyNone
	none, err := Open(ctx, cfg, BuildOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer none.Close()
	if _, err := none.ForConnector(ctx, bob("bob-secret")); !errors.Is(err, ErrConfig) || !strings.Contains(err.Error(), "The 'None' policy does not allow 'sasl.jaas.config' to be overridden") {
		t.Fatalf("policy None: %v", err)
	}
}

// TestMSKIAMSignsWithSDKCredentials builds AWS_MSK_IAM from the config and checks the
// authentication payload kafka-go's signer makes with the SDK's credentials (taken from the
// environment here). No local broker speaks AWS_MSK_IAM, so the payload is checked against
// the format of AWS's aws-msk-iam-auth library (README "Details"): version 2020_10_22,
// action kafka-cluster:Connect, a SigV4 credential scope ending in kafka-cluster/aws4_request.
func TestMSKIAMSignsWithSDKCredentials(t *testing.T) {
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
	t.Setenv("AWS_SESSION_TOKEN", "")
	t.Setenv("AWS_REGION", "eu-west-1")
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(t.TempDir(), "none"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(t.TempDir(), "none"))
	sec, err := ParseSecurity(map[string]string{"security.protocol": "SASL_SSL", "sasl.mechanism": "AWS_MSK_IAM",
		"sasl.jaas.config": "software.amazon.msk.auth.iam.IAMLoginModule required;"}, "")
	if err != nil {
		t.Fatal(err)
	}
	tc, mech, err := sec.Build(t.Context(), BuildOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if tc == nil || mech.Name() != "AWS_MSK_IAM" {
		t.Fatalf("tls %v mechanism %v; want TLS and AWS_MSK_IAM", tc, mech)
	}
	ctx := sasl.WithMetadata(t.Context(), &sasl.Metadata{Host: "b-1.msk.example.com", Port: 9098})
	_, payload, err := mech.Start(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var p map[string]string
	if err := json.Unmarshal(payload, &p); err != nil {
		t.Fatalf("payload %s: %v", payload, err)
	}
	day := time.Now().UTC().Format("20060102")
	want := map[string]string{"version": "2020_10_22", "action": "kafka-cluster:Connect", "host": "b-1.msk.example.com",
		"x-amz-credential": "AKIDEXAMPLE/" + day + "/eu-west-1/kafka-cluster/aws4_request", "x-amz-algorithm": "AWS4-HMAC-SHA256"}
	for k, v := range want {
		if p[k] != v && !(k == "x-amz-credential" && strings.HasSuffix(p[k], "/eu-west-1/kafka-cluster/aws4_request") && strings.HasPrefix(p[k], "AKIDEXAMPLE/")) {
			t.Errorf("%s = %q, want %q", k, p[k], v)
		}
	}
	if !regexp.MustCompile(`^[0-9a-f]{64}$`).MatchString(p["x-amz-signature"]) {
		t.Errorf("x-amz-signature = %q, want a SigV4 signature", p["x-amz-signature"])
	}

	t.Setenv("AWS_REGION", "")
	t.Setenv("AWS_DEFAULT_REGION", "")
	if _, _, err := sec.Build(t.Context(), BuildOptions{}); !errors.Is(err, ErrConfig) || !strings.Contains(err.Error(), "AWS_REGION") {
		t.Errorf("without a region: err = %v, want ErrConfig naming AWS_REGION", err)
	}
}
