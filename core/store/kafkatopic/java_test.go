package kafkatopic

import (
	"bytes"
	"context"
	"maps"
	"strings"
	"testing"
	"time"

	"github.com/segmentio/kafka-go"

	"github.com/connectless/connectless/core/store"
)

// produceRaw writes records as a Kafka Connect worker would: key and value bytes, partitioned
// by murmur2 of the key.
func produceRaw(t *testing.T, brokers []string, topic string, partitions int, kv ...[2]string) {
	t.Helper()
	client := &kafka.Client{Addr: kafka.TCP(brokers...), Timeout: 10 * time.Second}
	for _, r := range kv {
		var value []byte
		if r[1] != "null" {
			value = []byte(r[1])
		}
		p := PartitionFor([]byte(r[0]), partitions)
		if _, err := produce(context.Background(), client, topic, p, []record{{key: []byte(r[0]), value: value}}); err != nil {
			t.Fatalf("produce %s: %v", r[0], err)
		}
	}
}

func createTopics(t *testing.T, brokers []string) {
	t.Helper()
	s := openStore(t, brokers) // creates the three topics
	_ = s.Close()
}

// TestIntegrationReadsKafkaConnectRecords replays records in the bytes Kafka Connect writes,
// including its commit rule and records we must skip.
func TestIntegrationReadsKafkaConnectRecords(t *testing.T) {
	brokers := startKafka(t)
	createTopics(t, brokers)
	produceRaw(t, brokers, "connect-configs", 1,
		[2]string{"connector-a-b", `{"properties":{"connector.class":"FileStreamSource","name":"a-b","tasks.max":"2"}}`},
		[2]string{"task-a-b-0", `{"properties":{"task.class":"X","n":"0"}}`},
		[2]string{"task-a-b-1", `{"properties":{"task.class":"X","n":"1"}}`},
		[2]string{"commit-a-b", `{"tasks":2}`},
		// An inconsistent commit: task 1 of this round is missing.
		[2]string{"connector-inc", `{"properties":{"name":"inc"}}`},
		[2]string{"task-inc-0", `{"properties":{"n":"0"}}`},
		[2]string{"commit-inc", `{"tasks":2}`},
		// A commit for a connector that is gone, a session key, a logger record, garbage.
		[2]string{"commit-gone", `{"tasks":1}`},
		[2]string{"session-key", `{"key":"c2VjcmV0","algorithm":"HmacSHA256","creation-timestamp":1}`},
		[2]string{"logger-cluster-org.apache", `{"level":"DEBUG"}`},
		[2]string{"connector-bad", `not json`},
		[2]string{"target-state-a-b", `{"state":"PAUSED"}`},
		// A second round for a-b: task records then the commit, counted as generation 2.
		[2]string{"task-a-b-0", `{"properties":{"task.class":"X","n":"0","round":"2"}}`},
		[2]string{"commit-a-b", `{"tasks":1}`},
		// A third round cut short before its commit (a leader crash): not applied.
		[2]string{"task-a-b-0", `{"properties":{"task.class":"X","n":"0","round":"3"}}`},
	)
	produceRaw(t, brokers, "connect-status", 5,
		[2]string{"status-connector-a-b", `{"state":"RUNNING","trace":null,"worker_id":"10.0.0.5:8083","generation":3}`},
		[2]string{"status-task-a-b-0", `{"state":"FAILED","trace":"boom","worker_id":"10.0.0.5:8083","generation":3}`},
		[2]string{"status-topic-logs:connector-a-b", `{"topic":{"name":"logs","connector":"a-b","task":0,"discoverTimestamp":1}}`},
		[2]string{"status-task-a-b-1", `{"state":"RUNNING","trace":null,"worker_id":"w","generation":3}`},
		[2]string{"status-task-a-b-1", `null`},
	)
	s := openStore(t, brokers)
	ctx := t.Context()
	names, err := s.Connectors(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(names, ",") != "a-b,inc" {
		t.Fatalf("connectors %v, want [a-b inc]", names)
	}
	c, err := s.Connector(ctx, "a-b")
	if err != nil {
		t.Fatal(err)
	}
	if c.TargetState != store.TargetPaused || c.Generation != 2 || len(c.Tasks) != 1 ||
		!maps.Equal(c.Tasks[0], map[string]string{"task.class": "X", "n": "0", "round": "2"}) {
		t.Fatalf("connector a-b: %+v", c)
	}
	inc, err := s.Connector(ctx, "inc")
	if err != nil {
		t.Fatal(err)
	}
	if len(inc.Tasks) != 0 || inc.Generation != 0 || inc.TargetState != store.TargetRunning {
		t.Fatalf("inconsistent connector: %+v", inc)
	}
	sts, err := s.Statuses(ctx, "a-b")
	if err != nil {
		t.Fatal(err)
	}
	if len(sts) != 2 || sts[0].Task != -1 || sts[0].Generation != 3 || sts[1].Task != 0 || sts[1].Trace != "boom" ||
		sts[1].Updated.IsZero() {
		t.Fatalf("statuses: %+v", sts)
	}
	// Completing the inconsistent connector's tasks makes it consistent again.
	if _, err := s.PutTaskConfigs(ctx, "inc", []map[string]string{{"n": "0"}}); err != nil {
		t.Fatal(err)
	}
	if inc, _ = s.Connector(ctx, "inc"); len(inc.Tasks) != 1 || inc.Generation != 1 {
		t.Fatalf("inconsistent connector after new task configs: %+v", inc)
	}
}

// An offset written by a Java connector with a multi-field partition keeps its key bytes: a
// commit for the same partition reuses them (so Kafka Connect still finds it) and lands on the
// same partition of the topic.
func TestIntegrationReusesKafkaConnectOffsetKeys(t *testing.T) {
	brokers := startKafka(t)
	createTopics(t, brokers)
	javaKey := `["jdbc",{"table":"t1","db":"x"}]` // Java's map order, not sorted
	produceRaw(t, brokers, "connect-offsets", 25, [2]string{javaKey, `{"ts":1700000000000}`})
	s := openStore(t, brokers)
	ctx := t.Context()
	offs, err := s.SourceOffsets(ctx, "jdbc")
	if err != nil || len(offs) != 1 || offs[0].Partition["table"] != "t1" {
		t.Fatalf("offsets %+v, %v", offs, err)
	}
	if err := s.AlterSourceOffsets(ctx, "jdbc", []store.SourceOffset{{Partition: map[string]any{"db": "x", "table": "t1"},
		Offset: map[string]any{"ts": 1700000000001}}}); err != nil {
		t.Fatal(err)
	}
	dump := dumpTopic(t, brokers, "connect-offsets", 25)
	p := PartitionFor([]byte(javaKey), 25)
	if strings.Count(dump, `key="[\"jdbc\",{\"table\":\"t1\",\"db\":\"x\"}]"`) != 2 || strings.Contains(dump, `{\"db\":\"x\",\"table\":\"t1\"}`) {
		t.Fatalf("the commit did not reuse the Java key bytes:\n%s", dump)
	}
	if !strings.Contains(dump, "connect-offsets/"+itoa(p)+"@1 ") {
		t.Fatalf("the commit did not land on partition %d after the Java record:\n%s", p, dump)
	}
	if !bytes.Contains([]byte(dump), []byte("1700000000001")) {
		t.Fatalf("new offset missing:\n%s", dump)
	}
}
