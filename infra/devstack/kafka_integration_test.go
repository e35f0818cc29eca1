package devstack_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"testing"
	"time"

	"github.com/segmentio/kafka-go"

	"github.com/connectless/connectless/infra/devstack"
	"github.com/connectless/connectless/infra/devstack/devstacktest"
)

func TestIntegrationKafka(t *testing.T) {
	tests := []struct {
		name         string
		outOfProcess bool
		partitions   int
	}{
		{name: "in process", partitions: 1},
		{name: "out of process", outOfProcess: true, partitions: 3},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			const topic = "orders"
			k := devstacktest.Kafka(t, devstack.KafkaOptions{
				OutOfProcess: tc.outOfProcess,
				Partitions:   tc.partitions,
				Topics:       []string{topic},
			})
			if got := k.OutOfProcess(); got != tc.outOfProcess {
				t.Fatalf("OutOfProcess() = %v, want %v", got, tc.outOfProcess)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			checkPartitionCount(ctx, t, k.Addr(), topic, tc.partitions)
			sent := produce(ctx, t, k.Brokers(), topic, 12)
			got := fetchAll(ctx, t, k.Addr(), topic, tc.partitions)
			if len(got) != len(sent) {
				t.Fatalf("fetched %d records, want %d: %v", len(got), len(sent), got)
			}
			for key, value := range sent {
				if got[key] != value {
					t.Errorf("record %q = %q, want %q", key, got[key], value)
				}
			}
			commitAndReadBack(ctx, t, k.Addr(), "connect-"+tc.name, topic, tc.partitions)
		})
	}
}

func TestIntegrationKafkaKill(t *testing.T) {
	t.Parallel()
	in := devstacktest.Kafka(t, devstack.KafkaOptions{})
	if err := in.Kill(); !errors.Is(err, devstack.ErrInProcess) {
		t.Errorf("Kill() on an in-process broker = %v, want ErrInProcess", err)
	}

	k := devstacktest.Kafka(t, devstack.KafkaOptions{OutOfProcess: true, Topics: []string{"t"}})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	produce(ctx, t, k.Brokers(), "t", 1)
	if err := k.Kill(); err != nil {
		t.Fatalf("Kill() = %v", err)
	}
	var d net.Dialer
	dctx, dcancel := context.WithTimeout(ctx, 2*time.Second)
	defer dcancel()
	if c, err := d.DialContext(dctx, "tcp", k.Addr()); err == nil {
		c.Close()
		t.Fatalf("dial %s after Kill succeeded, want connection refused", k.Addr())
	}
	if err := k.Close(); err != nil {
		t.Errorf("Close() after Kill = %v", err)
	}
}

func checkPartitionCount(ctx context.Context, t *testing.T, addr, topic string, want int) {
	t.Helper()
	conn, err := kafka.DialContext(ctx, "tcp", addr)
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	defer conn.Close()
	parts, err := conn.ReadPartitions(topic)
	if err != nil {
		t.Fatalf("read partitions: %v", err)
	}
	if len(parts) != want {
		t.Fatalf("topic %q has %d partitions, want %d", topic, len(parts), want)
	}
}

// produce writes n keyed records and returns key -> value.
func produce(ctx context.Context, t *testing.T, brokers []string, topic string, n int) map[string]string {
	t.Helper()
	w := &kafka.Writer{
		Addr:         kafka.TCP(brokers...),
		Topic:        topic,
		Balancer:     &kafka.Hash{},
		BatchTimeout: 10 * time.Millisecond,
		RequiredAcks: kafka.RequireAll,
	}
	defer w.Close()
	sent := map[string]string{}
	var msgs []kafka.Message
	for i := range n {
		key, value := fmt.Sprintf("k%02d", i), fmt.Sprintf("value %d", i*i)
		sent[key] = value
		msgs = append(msgs, kafka.Message{Key: []byte(key), Value: []byte(value)})
	}
	if err := w.WriteMessages(ctx, msgs...); err != nil {
		t.Fatalf("produce: %v", err)
	}
	return sent
}

// fetchAll reads every partition from offset 0 up to its high watermark.
func fetchAll(ctx context.Context, t *testing.T, addr, topic string, partitions int) map[string]string {
	t.Helper()
	got := map[string]string{}
	for p := range partitions {
		conn, err := kafka.DialLeader(ctx, "tcp", addr, topic, p)
		if err != nil {
			t.Fatalf("dial leader of partition %d: %v", p, err)
		}
		last, err := conn.ReadLastOffset()
		conn.Close()
		if err != nil {
			t.Fatalf("last offset of partition %d: %v", p, err)
		}
		if last == 0 {
			continue
		}
		r := kafka.NewReader(kafka.ReaderConfig{
			Brokers:   []string{addr},
			Topic:     topic,
			Partition: p,
			MaxWait:   100 * time.Millisecond,
		})
		for {
			m, err := r.ReadMessage(ctx)
			if err != nil {
				r.Close()
				t.Fatalf("fetch partition %d: %v", p, err)
			}
			if m.Partition != p {
				t.Errorf("message from partition %d on a reader of partition %d", m.Partition, p)
			}
			got[string(m.Key)] = string(m.Value)
			if m.Offset >= last-1 {
				break
			}
		}
		r.Close()
	}
	return got
}

// commitAndReadBack commits offsets for a consumer group (as an explicitly assigned consumer
// does: generation -1, no member) and reads them back.
func commitAndReadBack(ctx context.Context, t *testing.T, addr, group, topic string, partitions int) {
	t.Helper()
	c := &kafka.Client{Addr: kafka.TCP(addr), Timeout: 10 * time.Second}
	var commits []kafka.OffsetCommit
	var ids []int
	for p := range partitions {
		commits = append(commits, kafka.OffsetCommit{Partition: p, Offset: int64(100 + p), Metadata: "m"})
		ids = append(ids, p)
	}
	resp, err := c.OffsetCommit(ctx, &kafka.OffsetCommitRequest{
		GroupID:      group,
		GenerationID: -1,
		Topics:       map[string][]kafka.OffsetCommit{topic: commits},
	})
	if err != nil {
		t.Fatalf("offset commit: %v", err)
	}
	for _, p := range resp.Topics[topic] {
		if p.Error != nil {
			t.Fatalf("offset commit partition %d: %v", p.Partition, p.Error)
		}
	}
	fetched, err := c.OffsetFetch(ctx, &kafka.OffsetFetchRequest{GroupID: group, Topics: map[string][]int{topic: ids}})
	if err != nil {
		t.Fatalf("offset fetch: %v", err)
	}
	if fetched.Error != nil {
		t.Fatalf("offset fetch: %v", fetched.Error)
	}
	if n := len(fetched.Topics[topic]); n != partitions {
		t.Fatalf("offset fetch returned %d partitions, want %d", n, partitions)
	}
	for _, p := range fetched.Topics[topic] {
		if p.Error != nil {
			t.Errorf("offset fetch partition %d: %v", p.Partition, p.Error)
		}
		if want := int64(100 + p.Partition); p.CommittedOffset != want {
			t.Errorf("committed offset of partition %d = %d, want %d", p.Partition, p.CommittedOffset, want)
		}
		if p.Metadata != "m" {
			t.Errorf("committed metadata of partition %d = %q, want %q", p.Partition, p.Metadata, "m")
		}
	}
}
