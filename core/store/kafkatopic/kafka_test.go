package kafkatopic

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/connectless/connectless/infra/devstack"
	"github.com/connectless/connectless/infra/devstack/devstacktest"
)

// startKafka starts a kfake broker for the test through infra/devstack.
func startKafka(t testing.TB) []string {
	t.Helper()
	return devstacktest.Kafka(t, devstack.KafkaOptions{Partitions: 8, Topics: sinkTopics}).Brokers()
}

func openStore(t testing.TB, brokers []string, mod ...func(*Config)) *Store {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	cfg := Config{Brokers: brokers, ReplicationFactor: 1}
	for _, m := range mod {
		m(&cfg)
	}
	s, err := Open(ctx, cfg)
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// sinkTopics exist on the test broker: Kafka refuses group offset commits for unknown topics,
// and the suite commits sink offsets for these.
var sinkTopics = []string{"t", "u", "logs", "audit", "ok"}

func itoa(i int) string { return strconv.Itoa(i) }
