package kafka

import (
	"context"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/connectless/connectless/core/connect"
	"github.com/connectless/connectless/infra/devstack"
	"github.com/connectless/connectless/infra/devstack/devstacktest"
)

func TestIntegrationPreflight(t *testing.T) {
	k := devstacktest.Kafka(t, devstack.KafkaOptions{Topics: []string{"orders", "orders-eu"}})
	c, err := NewClient(Options{Brokers: k.Brokers()})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	tests := []struct {
		name     string
		typ      connect.PluginType
		props    map[string]string
		creation bool
		key      string // "" for no finding
		want     string
	}{
		{"sink topics exist", connect.PluginSink, map[string]string{"topics": "orders, orders-eu"}, true, "", ""},
		{"sink topic missing", connect.PluginSink, map[string]string{"topics": "orders,ordres"}, true, "topics", `topic "ordres" does not exist in Kafka at ` + k.Addr()},
		{"regex matches", connect.PluginSink, map[string]string{"topics.regex": "orders-.*"}, true, "", ""},
		{"regex matches nothing", connect.PluginSink, map[string]string{"topics.regex": "order"}, true, "topics.regex", `no topic in Kafka at ` + k.Addr() + ` matches topics.regex "order"`},
		{"source topic exists", connect.PluginSource, map[string]string{"topic": "orders"}, true, "", ""},
		{"source topic template", connect.PluginSource, map[string]string{"topic": "${topic}-copy"}, true, "", ""},
		{"source topic created by its group", connect.PluginSource, map[string]string{"topic": "new",
			"topic.creation.default.replication.factor": "1", "topic.creation.default.partitions": "2"}, true, "", ""},
		{"source topic nobody creates", connect.PluginSource, map[string]string{"topic": "new"}, true,
			"topic", `topic "new" does not exist and will not be created: Kafka at ` + k.Addr() + ` has auto.create.topics.enable=false and no topic.creation group applies`},
		{"source topic with topic creation off in the worker", connect.PluginSource, map[string]string{"topic": "new",
			"topic.creation.default.replication.factor": "1", "topic.creation.default.partitions": "2"}, false, "topic", `auto.create.topics.enable=false`},
		{"source topic refused by the broker", connect.PluginSource, map[string]string{"kafka.topic": "new",
			"topic.creation.default.replication.factor": "3", "topic.creation.default.partitions": "2"}, true,
			"topic.creation.default.replication.factor", `topic "new" does not exist and topic.creation group "default" would create it with 3 replicas, but Kafka at ` + k.Addr() + ` has 1 broker(s); set topic.creation.default.replication.factor to at most 1`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := c.Preflight(ctx, tt.typ, tt.props, tt.creation)
			if tt.key == "" {
				if len(got) != 0 {
					t.Fatalf("findings %v, want none", got)
				}
				return
			}
			if len(got) != 1 || got[0].Key != tt.key || !strings.Contains(got[0].Message, tt.want) {
				t.Fatalf("findings %v, want one on %s with %q", got, tt.key, tt.want)
			}
		})
	}
	if exists, _ := c.TopicExists(ctx, "new"); exists {
		t.Error("the preflight created a topic")
	}

	// Brokers that create topics: a sink's missing topic will appear (a producer or a source
	// creates it, as in Kafka's quickstart, where the sink comes first), a source's too.
	auto := devstacktest.Kafka(t, devstack.KafkaOptions{AutoCreateTopics: true})
	ac, err := NewClient(Options{Brokers: auto.Brokers()})
	if err != nil {
		t.Fatal(err)
	}
	defer ac.Close()
	for _, tt := range []struct {
		typ   connect.PluginType
		props map[string]string
	}{
		{connect.PluginSink, map[string]string{"topics": "connect-test"}},
		{connect.PluginSink, map[string]string{"topics.regex": "connect-.*"}},
		{connect.PluginSource, map[string]string{"topic": "connect-test"}},
	} {
		if got := ac.Preflight(ctx, tt.typ, tt.props, true); len(got) != 0 {
			t.Errorf("%s %v on an auto-creating cluster: %v, want no finding", tt.typ, tt.props, got)
		}
	}

	// A cluster that is not there.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	down := ln.Addr().String()
	ln.Close()
	dc, err := NewClient(Options{Brokers: []string{down}})
	if err != nil {
		t.Fatal(err)
	}
	got := dc.Preflight(ctx, connect.PluginSink, map[string]string{"topics": "orders"}, true)
	if len(got) != 1 || got[0].Key != "bootstrap.servers" || !strings.Contains(got[0].Message, "Kafka at "+down+" did not answer") {
		t.Errorf("findings %v, want one on bootstrap.servers", got)
	}
}

// TestIntegrationPreflightSecured checks the brokers with the connector's effective security
// settings: the worker's pass, a connector's consumer override with a wrong password does not.
func TestIntegrationPreflightSecured(t *testing.T) {
	k := devstacktest.SecuredKafkaBroker(t, map[string]string{"connect": "connect-secret"}, "orders")
	jaas := func(pass string) string {
		return `org.apache.kafka.common.security.scram.ScramLoginModule required username="connect" password="` + pass + `";`
	}
	cfg, err := ParseClientConfig(map[string]string{"security.protocol": "SASL_SSL", "sasl.mechanism": "SCRAM-SHA-512",
		"sasl.jaas.config": jaas("connect-secret"), "ssl.truststore.location": k.Truststore})
	if err != nil {
		t.Fatal(err)
	}
	cfg.Brokers = k.Brokers()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, err := Open(ctx, cfg, BuildOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if got := c.Preflight(ctx, connect.PluginSink, map[string]string{"topics": "orders"}, true); len(got) != 0 {
		t.Fatalf("the worker's settings: %v, want no finding", got)
	}
	props := map[string]string{"topics": "orders", "consumer.override.sasl.jaas.config": jaas("wrong")}
	cc, err := c.ForConnector(ctx, props)
	if err != nil {
		t.Fatal(err)
	}
	defer cc.Close()
	got := cc.Preflight(ctx, connect.PluginSink, props, true)
	t.Logf("finding: %v", got)
	if len(got) != 1 || got[0].Key != "bootstrap.servers" || !strings.Contains(got[0].Message, "consumer.override.sasl.jaas.config") ||
		strings.Contains(got[0].Message, "wrong") || strings.Contains(got[0].Message, "\n") {
		t.Errorf("a wrong override password: %v, want one finding naming consumer.override.sasl.jaas.config and no password", got)
	}
}
