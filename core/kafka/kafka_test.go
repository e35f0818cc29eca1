package kafka

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	kafkago "github.com/segmentio/kafka-go"

	"github.com/connectless/connectless/core/connect"
	"github.com/connectless/connectless/infra/devstack"
	"github.com/connectless/connectless/infra/devstack/devstacktest"
)

// newTestClient starts a kfake broker with the seed topics and returns a client on it;
// both are closed at the end of the test.
func newTestClient(t testing.TB, partitions int32, topics ...string) *Client {
	t.Helper()
	k := devstacktest.Kafka(t, devstack.KafkaOptions{Partitions: int(partitions), Topics: topics})
	c, err := NewClient(Options{Brokers: k.Brokers(), Timeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return c
}

func testContext(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func TestNewClientWithoutBrokers(t *testing.T) {
	if _, err := NewClient(Options{}); !errors.Is(err, ErrNoBrokers) {
		t.Fatalf("NewClient without brokers: got %v, want ErrNoBrokers", err)
	}
}

func TestIntegrationAdmin(t *testing.T) {
	c := newTestClient(t, 1)
	ctx := testContext(t)

	if err := c.CreateTopics(ctx, TopicSpec{Name: "orders", Partitions: 3, ReplicationFactor: 1}); err != nil {
		t.Fatalf("create: %v", err)
	}
	if err := c.CreateTopics(ctx, TopicSpec{Name: "orders", Partitions: 3}); err != nil {
		t.Fatalf("create again must not fail: %v", err)
	}
	topics, err := c.Topics(ctx)
	if err != nil || !slices.Contains(topics, "orders") {
		t.Fatalf("topics = %v, %v; want orders listed", topics, err)
	}
	tps, err := c.Partitions(ctx, "orders")
	if err != nil {
		t.Fatal(err)
	}
	want := []connect.TopicPartition{{Topic: "orders", Partition: 0}, {Topic: "orders", Partition: 1}, {Topic: "orders", Partition: 2}}
	if !slices.Equal(tps, want) {
		t.Fatalf("partitions = %v, want %v", tps, want)
	}

	w := c.NewWriter(WriterOptions{})
	defer w.Close()
	var msgs []Message
	for i := range 7 {
		msgs = append(msgs, Message{Topic: "orders", Partition: int32(i % 3), Value: []byte{byte(i)}})
	}
	for i, r := range w.Produce(ctx, msgs) {
		if r.Err != nil {
			t.Fatalf("produce %d: %v", i, r.Err)
		}
	}
	ends, err := c.EndOffsets(ctx, tps)
	if err != nil {
		t.Fatal(err)
	}
	starts, err := c.StartOffsets(ctx, tps)
	if err != nil {
		t.Fatal(err)
	}
	wantEnds := map[connect.TopicPartition]int64{want[0]: 3, want[1]: 2, want[2]: 2}
	for _, tp := range tps {
		if ends[tp] != wantEnds[tp] || starts[tp] != 0 {
			t.Errorf("%v: start %d end %d, want 0 and %d", tp, starts[tp], ends[tp], wantEnds[tp])
		}
	}

	if err := c.DeleteTopics(ctx, "orders", "never-existed"); err != nil {
		t.Fatalf("delete: %v", err)
	}
	if tps, err := c.Partitions(ctx, "orders"); !errors.Is(err, kafkago.UnknownTopicOrPartition) {
		t.Fatalf("partitions of a deleted topic: got %v, %v, want UnknownTopicOrPartition", tps, err)
	}
}

func TestIntegrationFetch(t *testing.T) {
	c := newTestClient(t, 2, "logs")
	ctx := testContext(t)
	w := c.NewWriter(WriterOptions{})
	defer w.Close()

	base := time.UnixMilli(1_700_000_000_000)
	var msgs []Message
	for i := range 10 {
		msgs = append(msgs, Message{
			Topic: "logs", Partition: 1, Key: []byte(fmt.Sprintf("k%d", i)), Value: []byte(fmt.Sprintf("v%d", i)),
			Headers: []Header{{Key: "h", Value: []byte{byte(i)}}, {Key: "empty", Value: nil}},
			Time:    base.Add(time.Duration(i) * time.Millisecond),
		})
	}
	msgs = append(msgs, Message{Topic: "logs", Partition: 1, Key: nil, Value: nil})
	res := w.Produce(ctx, msgs)
	for i, r := range res {
		if r.Err != nil || r.Partition != 1 || r.Offset != int64(i) {
			t.Fatalf("produce %d: %+v, want partition 1 offset %d", i, r, i)
		}
	}

	tp := connect.TopicPartition{Topic: "logs", Partition: 1}
	var got []Message
	next := int64(3)
	for next < 11 {
		fr, err := c.Fetch(ctx, tp, next, FetchOptions{MaxBytes: 256})
		if err != nil {
			t.Fatal(err)
		}
		if fr.HighWatermark != 11 || fr.Next <= next {
			t.Fatalf("fetch at %d: hwm %d next %d", next, fr.HighWatermark, fr.Next)
		}
		got = append(got, fr.Messages...)
		next = fr.Next
	}
	if len(got) != 8 {
		t.Fatalf("got %d messages from offset 3, want 8", len(got))
	}
	for j, m := range got[:7] {
		i := j + 3
		if m.Offset != int64(i) || string(m.Key) != fmt.Sprintf("k%d", i) || string(m.Value) != fmt.Sprintf("v%d", i) {
			t.Errorf("message %d: offset %d key %q value %q", i, m.Offset, m.Key, m.Value)
		}
		if !m.Time.Equal(base.Add(time.Duration(i)*time.Millisecond)) || m.LogAppendTime {
			t.Errorf("message %d: time %v logAppend %v", i, m.Time, m.LogAppendTime)
		}
		if len(m.Headers) != 2 || m.Headers[0].Key != "h" || m.Headers[0].Value[0] != byte(i) || m.Headers[1].Value != nil {
			t.Errorf("message %d: headers %+v", i, m.Headers)
		}
	}
	if last := got[7]; last.Key != nil || last.Value != nil {
		t.Errorf("null key and value came back as %q / %q", last.Key, last.Value)
	}

	fr, err := c.Fetch(ctx, tp, 11, FetchOptions{MaxWait: 10 * time.Millisecond})
	if err != nil || len(fr.Messages) != 0 || fr.Next != 11 {
		t.Fatalf("fetch at end: %+v, %v; want nothing and next 11", fr, err)
	}
	if _, err := c.Fetch(ctx, tp, 50, FetchOptions{}); !errors.Is(err, ErrOffsetOutOfRange) {
		t.Fatalf("fetch past the end: got %v, want ErrOffsetOutOfRange", err)
	}
}

func TestIntegrationProducePartitioning(t *testing.T) {
	c := newTestClient(t, 5, "keyed")
	ctx := testContext(t)
	w := c.NewWriter(WriterOptions{})
	defer w.Close()

	// Kafka's own test vectors for Utils.murmur2 (UtilsTest#testMurmur2).
	vectors := map[string]int32{
		"21":                         -973932308,
		"foobar":                     -790332482,
		"a-little-bit-long-string":   -985981536,
		"a-little-bit-longer-string": -1486304829,
		"lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8": -58897971,
		"abc": 479470107,
	}
	var keys []string
	var msgs []Message
	for k := range vectors {
		keys = append(keys, k)
		msgs = append(msgs, Message{Topic: "keyed", Partition: AnyPartition, Key: []byte(k), Value: []byte("v")})
	}
	msgs = append(msgs,
		Message{Topic: "keyed", Partition: 4, Key: []byte("21"), Value: []byte("explicit")},
		Message{Topic: "keyed", Partition: 5, Value: []byte("no such partition")},
		Message{Topic: "", Partition: AnyPartition, Value: []byte("no topic")},
	)
	res := w.Produce(ctx, msgs)
	for i, k := range keys {
		want := int32(uint32(vectors[k])&0x7fffffff) % 5
		if res[i].Err != nil || res[i].Partition != want {
			t.Errorf("key %q: %+v, want partition %d", k, res[i], want)
		}
	}
	n := len(keys)
	if res[n].Err != nil || res[n].Partition != 4 {
		t.Errorf("explicit partition: %+v, want partition 4", res[n])
	}
	if !errors.Is(res[n+1].Err, ErrInvalidPartition) {
		t.Errorf("partition 5 of 5: %v, want ErrInvalidPartition", res[n+1].Err)
	}
	if res[n+2].Err == nil {
		t.Errorf("message without topic was accepted")
	}
}

func TestIntegrationProduceTooLarge(t *testing.T) {
	c := newTestClient(t, 1)
	ctx := testContext(t)
	if err := c.CreateTopics(ctx, TopicSpec{Name: "small", Partitions: 1, Configs: map[string]string{"max.message.bytes": "500"}}); err != nil {
		t.Fatal(err)
	}
	w := c.NewWriter(WriterOptions{})
	defer w.Close()
	res := w.Produce(ctx, []Message{{Topic: "small", Partition: 0, Value: make([]byte, 2000)}})
	if !errors.Is(res[0].Err, kafkago.MessageSizeTooLarge) || IsRetriable(res[0].Err) {
		t.Fatalf("oversized record: %v, want non-retriable MessageTooLarge", res[0].Err)
	}
	res = w.Produce(ctx, []Message{{Topic: "small", Partition: 0, Value: []byte("fits")}})
	if res[0].Err != nil || res[0].Offset != 0 {
		t.Fatalf("small record after the rejected one: %+v", res[0])
	}
}

func TestIntegrationGroupOffsets(t *testing.T) {
	c := newTestClient(t, 3, "t")
	ctx := testContext(t)
	tps, err := c.Partitions(ctx, "t")
	if err != nil {
		t.Fatal(err)
	}
	got, err := c.FetchGroupOffsets(ctx, "connect-x", tps)
	if err != nil || len(got) != 0 {
		t.Fatalf("offsets of an unknown group: %v, %v; want none", got, err)
	}
	commit := map[connect.TopicPartition]int64{tps[0]: 5, tps[2]: 9}
	if err := c.CommitGroupOffsets(ctx, "connect-x", commit); err != nil {
		t.Fatalf("commit: %v", err)
	}
	commit[tps[0]] = 7
	if err := c.CommitGroupOffsets(ctx, "connect-x", map[connect.TopicPartition]int64{tps[0]: 7}); err != nil {
		t.Fatalf("second commit: %v", err)
	}
	got, err = c.FetchGroupOffsets(ctx, "connect-x", tps)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[tps[0]] != 7 || got[tps[2]] != 9 {
		t.Fatalf("fetched %v, want %v", got, commit)
	}
}

func TestIsRetriable(t *testing.T) {
	tests := []struct {
		err  error
		want bool
	}{
		{nil, false},
		{errors.New("plain"), false},
		{fmt.Errorf("wrapped: %w", kafkago.NotLeaderForPartition), true},
		{fmt.Errorf("wrapped: %w", kafkago.RequestTimedOut), true},
		{kafkago.MessageSizeTooLarge, false},
		{kafkago.TopicAuthorizationFailed, false},
		{context.DeadlineExceeded, true},
	}
	for _, tt := range tests {
		if got := IsRetriable(tt.err); got != tt.want {
			t.Errorf("IsRetriable(%v) = %v, want %v", tt.err, got, tt.want)
		}
	}
}

func TestIntegrationProduceMissingTopic(t *testing.T) {
	c := newTestClient(t, 1, "t")
	w := c.NewWriter(WriterOptions{})
	defer w.Close()
	res := w.Produce(testContext(t), []Message{
		{Topic: "missing", Partition: AnyPartition, Value: []byte("x")},
		{Topic: "t", Partition: AnyPartition, Value: []byte("y")},
	})
	if !errors.Is(res[0].Err, kafkago.UnknownTopicOrPartition) {
		t.Errorf("missing topic: %v, want UnknownTopicOrPartition", res[0].Err)
	}
	if res[1].Err != nil || res[1].Offset != 0 {
		t.Errorf("existing topic in the same call: %+v, want written at offset 0", res[1])
	}
}

func TestIntegrationProduceOversizedAmongOthers(t *testing.T) {
	c := newTestClient(t, 1, "t")
	w := c.NewWriter(WriterOptions{BatchBytes: 1000})
	defer w.Close()
	res := w.Produce(testContext(t), []Message{
		{Topic: "t", Partition: 0, Value: []byte("a")},
		{Topic: "t", Partition: 0, Value: make([]byte, 5000)},
		{Topic: "t", Partition: 0, Value: []byte("c")},
	})
	if !IsRecordError(res[1].Err) || !errors.Is(res[1].Err, kafkago.MessageSizeTooLarge) {
		t.Errorf("oversized message: %v, want a record error", res[1].Err)
	}
	if res[0].Err != nil || res[2].Err != nil || res[0].Offset != 0 || res[2].Offset != 1 {
		t.Errorf("the other messages of the call: %+v %+v, want written at 0 and 1", res[0], res[2])
	}
}

func TestIsRecordError(t *testing.T) {
	tests := []struct {
		err  error
		want bool
	}{
		{nil, false},
		{fmt.Errorf("produce: %w", kafkago.MessageSizeTooLarge), true},
		{fmt.Errorf("produce: %w", kafkago.TopicAuthorizationFailed), true},
		{fmt.Errorf("produce: %w", ErrInvalidPartition), true},
		{fmt.Errorf("produce: %w", ErrNoTopic), true},
		{kafkago.MessageTooLargeError{}, true},
		{fmt.Errorf("produce: %w", kafkago.NotLeaderForPartition), false},
		{fmt.Errorf("produce: %w", kafkago.UnknownTopicOrPartition), false},
		{errors.New("dial tcp 127.0.0.1:9092: connect: connection refused"), false},
		{context.Canceled, false},
	}
	for _, tt := range tests {
		if got := IsRecordError(tt.err); got != tt.want {
			t.Errorf("IsRecordError(%v) = %v, want %v", tt.err, got, tt.want)
		}
	}
}

// TestIntegrationProduceReusesEncoders produces rounds of different sizes with one writer,
// whose batch encoders (and their buffers) go from one round to the next, and reads every
// record back as written.
func TestIntegrationProduceReusesEncoders(t *testing.T) {
	c := newTestClient(t, 2, "logs")
	ctx := testContext(t)
	w := c.NewWriter(WriterOptions{BatchSize: 50})
	defer w.Close()
	var want []string
	for round, n := range []int{120, 7, 60, 1, 200} {
		msgs := make([]Message, n)
		for i := range msgs {
			v := fmt.Sprintf("r%d-%d-%s", round, i, strings.Repeat("x", (round*31+i*7)%90))
			msgs[i] = Message{Topic: "logs", Partition: 0, Value: []byte(v)}
			want = append(want, v)
		}
		msgs = append(msgs, Message{Topic: "logs", Partition: 1, Value: []byte("other")})
		for i, r := range w.Produce(ctx, msgs) {
			if r.Err != nil {
				t.Fatalf("round %d, message %d: %v", round, i, r.Err)
			}
		}
	}
	tp := connect.TopicPartition{Topic: "logs", Partition: 0}
	var got []string
	for next := int64(0); next < int64(len(want)); {
		fr, err := c.Fetch(ctx, tp, next, FetchOptions{})
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range fr.Messages {
			got = append(got, string(m.Value))
		}
		next = fr.Next
	}
	if !slices.Equal(got, want) {
		t.Fatalf("read %d records back, want %d as written", len(got), len(want))
	}
}
