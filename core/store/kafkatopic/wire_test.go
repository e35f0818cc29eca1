package kafkatopic

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/segmentio/kafka-go"

	"github.com/connectless/connectless/core/connect"
	"github.com/connectless/connectless/core/store"
)

// dumpTopic reads a whole topic with explicit partition reads and renders every record, one a
// line: topic/partition@offset, key, value (null for a tombstone) and headers, bytes quoted.
func dumpTopic(t *testing.T, brokers []string, topic string, partitions int) string {
	t.Helper()
	var b strings.Builder
	client := &kafka.Client{Addr: kafka.TCP(brokers...), Timeout: 10 * time.Second}
	l := newTopicLog(client, topic, partitions, 4<<20, func(r record) {
		value := "null"
		if r.value != nil {
			value = strconv.Quote(string(r.value))
		}
		fmt.Fprintf(&b, "%s/%d@%d key=%s value=%s", topic, r.partition, r.offset, strconv.Quote(string(r.key)), value)
		for _, h := range r.headers {
			fmt.Fprintf(&b, " header:%s=%s", h.Key, strconv.Quote(string(h.Value)))
		}
		b.WriteString("\n")
	})
	if err := l.readToEnd(context.Background()); err != nil {
		t.Fatalf("dump %s: %v", topic, err)
	}
	return b.String()
}

// TestIntegrationWireGolden drives a connector's life through a Store and pins every record
// it wrote to the three topics, byte for byte, partition by partition: testdata/wire.golden.
func TestIntegrationWireGolden(t *testing.T) {
	brokers := startKafka(t)
	clock := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	s := openStore(t, brokers, func(c *Config) { c.Now = func() time.Time { return clock } })
	ctx := t.Context()
	const c = "my-connector"
	steps := []struct {
		what string
		fn   func() error
	}{
		{"create paused", func() error {
			return s.CreateConnector(ctx, c, map[string]string{"connector.class": "FileStreamSource",
				"file": "/tmp/in.txt", "name": c, "tasks.max": "2", "topic": "connect-test"}, store.TargetPaused)
		}},
		{"task configs", func() error {
			_, err := s.PutTaskConfigs(ctx, c, []map[string]string{
				{"file": "/tmp/in.txt", "task.class": "org.apache.kafka.connect.file.FileStreamSourceTask", "topic": "connect-test"},
				{"file": "/tmp/in2.txt", "task.class": "org.apache.kafka.connect.file.FileStreamSourceTask", "topic": "connect-test"},
			})
			return err
		}},
		{"resume", func() error { return s.PutTargetState(ctx, c, store.TargetRunning) }},
		{"connector status", func() error {
			return s.PutStatus(ctx, store.Status{Connector: c, Task: -1, State: store.StateRunning, WorkerID: "10.0.0.5:8083", Generation: 7, Updated: clock})
		}},
		{"lease, offsets and task status", func() error {
			l, err := s.Acquire(ctx, c, 0, "invocation-1", time.Minute)
			if err != nil {
				return err
			}
			if err := s.CommitSourceOffsets(ctx, l, []store.SourceOffset{
				{Partition: map[string]any{"filename": "/tmp/in.txt"}, Offset: map[string]any{"position": 42}},
				{Partition: map[string]any{"filename": "/tmp/in2.txt"}, Offset: map[string]any{"position": 7}},
			}); err != nil {
				return err
			}
			if err := s.CommitSinkOffsets(ctx, l, map[connect.TopicPartition]int64{{Topic: "t", Partition: 0}: 5}); err != nil {
				return err
			}
			if err := s.PutTaskStatus(ctx, l, store.Status{State: store.StateFailed, WorkerID: "10.0.0.5:8083", Generation: 7,
				Trace: "org.apache.kafka.connect.errors.ConnectException: boom\n\tat x.y(Z.java:1)"}); err != nil {
				return err
			}
			return s.Release(ctx, l)
		}},
		{"stop", func() error {
			if _, err := s.PutTaskConfigs(ctx, c, nil); err != nil {
				return err
			}
			return s.PutTargetState(ctx, c, store.TargetStopped)
		}},
		{"delete one offset", func() error {
			return s.AlterSourceOffsets(ctx, c, []store.SourceOffset{{Partition: map[string]any{"filename": "/tmp/in2.txt"}}})
		}},
		{"delete", func() error { return s.DeleteConnector(ctx, c) }},
	}
	for _, st := range steps {
		if err := st.fn(); err != nil {
			t.Fatalf("%s: %v", st.what, err)
		}
	}
	got := dumpTopic(t, brokers, "connect-configs", 1) + dumpTopic(t, brokers, "connect-offsets", 25) +
		dumpTopic(t, brokers, "connect-status", 5)
	golden(t, "wire.golden", []byte(got))
}

// TestIntegrationTopicsCreatedCompacted checks the topics Open creates: Kafka Connect's
// partition counts and compaction.
func TestIntegrationTopicsCreatedCompacted(t *testing.T) {
	brokers := startKafka(t)
	openStore(t, brokers, func(c *Config) { c.ConfigTopic, c.OffsetsTopic, c.StatusTopic = "cfg", "off", "st" })
	client := &kafka.Client{Addr: kafka.TCP(brokers...), Timeout: 10 * time.Second}
	md, err := client.Metadata(t.Context(), &kafka.MetadataRequest{Topics: []string{"cfg", "off", "st"}})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]int{"cfg": 1, "off": 25, "st": 5}
	for _, tp := range md.Topics {
		if len(tp.Partitions) != want[tp.Name] {
			t.Errorf("topic %s has %d partitions, want %d", tp.Name, len(tp.Partitions), want[tp.Name])
		}
		delete(want, tp.Name)
	}
	if len(want) != 0 {
		t.Errorf("topics not created: %v", want)
	}
	req := &kafka.DescribeConfigsRequest{}
	for _, n := range []string{"cfg", "off", "st"} {
		req.Resources = append(req.Resources, kafka.DescribeConfigRequestResource{ResourceType: kafka.ResourceTypeTopic, ResourceName: n, ConfigNames: []string{"cleanup.policy"}})
	}
	res, err := client.DescribeConfigs(t.Context(), req)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range res.Resources {
		if len(r.ConfigEntries) != 1 || r.ConfigEntries[0].ConfigValue != "compact" {
			t.Errorf("topic %s configs %+v, want cleanup.policy=compact", r.ResourceName, r.ConfigEntries)
		}
	}
}

func TestTopicSpecsDefaults(t *testing.T) {
	got := Config{}.TopicSpecs()
	want := []TopicSpec{
		{Name: "connect-configs", Partitions: 1, ReplicationFactor: 3},
		{Name: "connect-offsets", Partitions: 25, ReplicationFactor: 3},
		{Name: "connect-status", Partitions: 5, ReplicationFactor: 3},
	}
	for i, w := range want {
		g := got[i]
		if g.Name != w.Name || g.Partitions != w.Partitions || g.ReplicationFactor != w.ReplicationFactor || g.Configs["cleanup.policy"] != "compact" {
			t.Errorf("topic %d: %+v, want %+v compacted", i, g, w)
		}
	}
}

// An existing topic that is not compacted, or a config topic with several partitions, is
// refused at Open with a clear error: Kafka Connect refuses them too.
func TestIntegrationOpenRefusesBadTopics(t *testing.T) {
	brokers := startKafka(t)
	client := &kafka.Client{Addr: kafka.TCP(brokers...), Timeout: 10 * time.Second}
	res, err := client.CreateTopics(t.Context(), &kafka.CreateTopicsRequest{Topics: []kafka.TopicConfig{
		{Topic: "deleting-status", NumPartitions: 5, ReplicationFactor: 1, ConfigEntries: []kafka.ConfigEntry{{ConfigName: "cleanup.policy", ConfigValue: "delete"}}},
		{Topic: "wide-configs", NumPartitions: 3, ReplicationFactor: 1, ConfigEntries: []kafka.ConfigEntry{{ConfigName: "cleanup.policy", ConfigValue: "compact"}}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	for n, e := range res.Errors {
		if e != nil {
			t.Fatalf("create %s: %v", n, e)
		}
	}
	for _, c := range []struct {
		what string
		cfg  Config
		want error
	}{
		{"status topic with delete policy", Config{StatusTopic: "deleting-status"}, ErrTopicNotCompacted},
		{"config topic with 3 partitions", Config{ConfigTopic: "wide-configs"}, store.ErrInvalid},
		{"no brokers", Config{}, store.ErrInvalid},
	} {
		cfg := c.cfg
		if c.what != "no brokers" {
			cfg.Brokers = brokers
		}
		cfg.ReplicationFactor = 1
		_, err := Open(t.Context(), cfg)
		if !errors.Is(err, c.want) {
			t.Errorf("%s: got %v, want %v", c.what, err, c.want)
		}
	}
}
