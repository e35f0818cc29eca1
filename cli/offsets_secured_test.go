package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	kafkago "github.com/segmentio/kafka-go"
	"github.com/segmentio/kafka-go/sasl/scram"

	"github.com/connectless/connectless/core/connect"
	"github.com/connectless/connectless/core/store/kafkatopic"
	"github.com/connectless/connectless/infra/devstack/devstacktest"
)

// TestIntegrationOffsetsImportSecured imports a sink's consumer-group offsets from a cluster
// on SASL_SSL (SCRAM-SHA-512, a private CA): the client keys come from --command-config, the
// password from a CONNECT_* variable; a wrong password is one error naming sasl.jaas.config.
func TestIntegrationOffsetsImportSecured(t *testing.T) {
	k := devstacktest.SecuredKafkaBroker(t, map[string]string{"ops": "ops-secret"}, "orders")
	mech, err := scram.Mechanism(scram.SHA512, "ops", "ops-secret")
	if err != nil {
		t.Fatal(err)
	}
	kc := &kafkago.Client{Addr: kafkago.TCP(k.Brokers()...), Timeout: 10 * time.Second,
		Transport: &kafkago.Transport{TLS: k.ClientTLS, SASL: mech}}
	if err := kafkatopic.CommitGroupOffsets(context.Background(), kc, "connect-legacy-sink",
		map[connect.TopicPartition]int64{{Topic: "orders", Partition: 0}: 42}); err != nil {
		t.Fatal(err)
	}

	dir := t.TempDir()
	caFile := k.Truststore
	cfgFile := filepath.Join(dir, "client.properties")
	if err := os.WriteFile(cfgFile, []byte("security.protocol=SASL_SSL\nsasl.mechanism=SCRAM-SHA-512\n"+
		"ssl.truststore.location="+caFile+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	s := startServer(t, nil)
	s.create(t, "legacy-sink", "connector.class", "FileStreamSink", "file", "/data/out", "topics", "orders")
	cli := newCLI(t, s.URL)
	cli.ok("stop", "legacy-sink")
	brokers := strings.Join(k.Brokers(), ",")
	jaas := func(pw string) string {
		return `org.apache.kafka.common.security.scram.ScramLoginModule required username="ops" password="` + pw + `";`
	}

	cli.env["CONNECT_SASL_JAAS_CONFIG"] = jaas("wrong")
	r := cli.run("offsets", "import", "legacy-sink", "--bootstrap-servers", brokers, "--command-config", cfgFile)
	if r.code != exitError || !strings.Contains(r.stderr, "sasl.jaas.config") || strings.Contains(r.stderr, "ops-secret") {
		t.Errorf("wrong password: exit %d %s; want one error naming sasl.jaas.config", r.code, r.stderr)
	}
	if offs, _ := s.Store.SinkOffsets(context.Background(), "legacy-sink"); len(offs) != 0 {
		t.Errorf("a failed import wrote offsets: %v", offs)
	}

	cli.env["CONNECT_SASL_JAAS_CONFIG"] = jaas("ops-secret")
	cli.ok("offsets", "import", "legacy-sink", "--bootstrap-servers", brokers, "--command-config", cfgFile)
	sink, err := s.Store.SinkOffsets(context.Background(), "legacy-sink")
	if err != nil || sink[connect.TopicPartition{Topic: "orders", Partition: 0}] != 42 {
		t.Errorf("imported sink offsets %v (%v), want orders-0 at 42", sink, err)
	}
}
