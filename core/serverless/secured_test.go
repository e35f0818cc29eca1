package serverless

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/connectless/connectless/core/connect"
	"github.com/connectless/connectless/core/kafka"
	"github.com/connectless/connectless/infra/devstack/devstacktest"
)

// TestIntegrationLambdaSecuredCluster: the functions read the same client keys from CONNECT_*
// variables as the worker; with a wrong password the function's init fails with one error
// naming sasl.jaas.config.
func TestIntegrationLambdaSecuredCluster(t *testing.T) {
	k := devstacktest.SecuredKafkaBroker(t, map[string]string{"fn": "fn-secret"}, "in")
	reg, err := connect.NewRegistry()
	if err != nil {
		t.Fatal(err)
	}
	environ := func(pw string) []string {
		return []string{"CONNECT_STATE_BACKEND=memory", "CONNECT_BOOTSTRAP_SERVERS=" + k.Addr(),
			"CONNECT_SECURITY_PROTOCOL=SASL_SSL", "CONNECT_SASL_MECHANISM=SCRAM-SHA-512",
			"CONNECT_SSL_TRUSTSTORE_LOCATION=" + k.Truststore,
			`CONNECT_SASL_JAAS_CONFIG=org.apache.kafka.common.security.scram.ScramLoginModule required username="fn" password="` + pw + `";`}
	}
	rt, err := OpenLambda(context.Background(), environ("fn-secret"), reg)
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	defer rt.Close()
	tps, err := rt.Kafka.Partitions(context.Background(), "in")
	if err != nil || len(tps) != 1 {
		t.Fatalf("partitions over SASL_SSL: %v %v", tps, err)
	}
	_, err = OpenLambda(context.Background(), environ("wrong"), reg)
	if !errors.Is(err, kafka.ErrConnect) || !strings.Contains(err.Error(), "sasl.jaas.config") || strings.Contains(err.Error(), "fn-secret") {
		t.Fatalf("wrong password: %v; want one error naming sasl.jaas.config", err)
	}
}
