package taskslice

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/connectless/connectless/core/connect"
	"github.com/connectless/connectless/core/kafka"
	"github.com/connectless/connectless/infra/devstack"
	"github.com/connectless/connectless/infra/devstack/devstacktest"
)

// newKafka starts a kfake broker with seed topics and returns a client on it.
func newKafka(t testing.TB, partitions int32, topics ...string) *kafka.Client {
	t.Helper()
	return newClient(t, devstacktest.Kafka(t, devstack.KafkaOptions{Partitions: int(partitions), Topics: topics}))
}

func newClient(t testing.TB, k *devstack.Kafka) *kafka.Client {
	t.Helper()
	c, err := kafka.NewClient(kafka.Options{Brokers: k.Brokers(), Timeout: 10 * time.Second, DialTimeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return c
}

func testContext(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// produce writes messages and fails the test on any error.
func produce(t *testing.T, c *kafka.Client, msgs ...kafka.Message) []kafka.ProduceResult {
	t.Helper()
	w := c.NewWriter(kafka.WriterOptions{})
	defer w.Close()
	res := w.Produce(testContext(t), msgs)
	for i, r := range res {
		if r.Err != nil {
			t.Fatalf("produce %d: %v", i, r.Err)
		}
	}
	return res
}

// readAll reads a partition from offset 0 up to its end.
func readAll(t *testing.T, c *kafka.Client, tp connect.TopicPartition) []kafka.Message {
	t.Helper()
	ctx := testContext(t)
	ends, err := c.EndOffsets(ctx, []connect.TopicPartition{tp})
	if err != nil {
		t.Fatal(err)
	}
	var out []kafka.Message
	for next := int64(0); next < ends[tp]; {
		fr, err := c.Fetch(ctx, tp, next, kafka.FetchOptions{})
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, fr.Messages...)
		next = fr.Next
	}
	return out
}

var bytesSchema = &connect.Schema{Type: connect.TypeBytes, Optional: true}

// bytesConverter passes bytes through; values starting with "poison" fail to convert, and
// the first `flaky` conversions of values starting with "flaky" fail with a RetriableError.
type bytesConverter struct {
	mu    sync.Mutex
	flaky int
}

func (*bytesConverter) Configure(map[string]string, bool) error { return nil }

func (*bytesConverter) ClassName() string {
	return "org.apache.kafka.connect.converters.ByteArrayConverter"
}

func (*bytesConverter) FromConnect(topic string, _ *connect.Schema, v any) ([]byte, error) {
	switch v := v.(type) {
	case nil:
		return nil, nil
	case []byte:
		if bytes.HasPrefix(v, []byte("poison")) {
			return nil, fmt.Errorf("cannot serialize %q for %s", v, topic)
		}
		return v, nil
	case string:
		return []byte(v), nil
	}
	return nil, fmt.Errorf("unsupported %T", v)
}

func (c *bytesConverter) ToConnect(_ string, data []byte) (*connect.Schema, any, error) {
	if bytes.HasPrefix(data, []byte("poison")) {
		return nil, nil, errors.New("converting byte[] to Kafka Connect data failed due to serialization error")
	}
	if bytes.HasPrefix(data, []byte("flaky")) {
		c.mu.Lock()
		defer c.mu.Unlock()
		if c.flaky > 0 {
			c.flaky--
			return nil, nil, connect.Retriable(errors.New("schema registry unavailable"))
		}
	}
	return bytesSchema, data, nil
}

func byteConverters() Converters {
	return Converters{Key: &bytesConverter{}, Value: &bytesConverter{}}
}

// collector keeps what sink tasks of successive slices received, as an external system.
type collector struct {
	mu      sync.Mutex
	got     []connect.SinkRecord
	flushed map[connect.TopicPartition]int64
}

func (c *collector) values() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make([]string, len(c.got))
	for i, r := range c.got {
		b, _ := r.Value.([]byte)
		out[i] = string(b)
	}
	return out
}

// memSink is a sink task writing to a collector.
type memSink struct {
	out  *collector
	tctx connect.SinkTaskContext
	// retriable makes the next Puts fail with a RetriableError.
	retriable int
	// startErr and putErr make Start and Put fail.
	startErr, putErr error
	// putDelay slows every Put down.
	putDelay time.Duration
	// report makes the task report records whose value starts with "bad".
	report bool
	// onPut runs at the start of every Put.
	onPut func()
	// resetAtStart asks the runtime to move partitions at Start.
	resetAtStart map[connect.TopicPartition]int64
	// preCommit, when set, is what PreCommit returns.
	preCommit                        func(current map[connect.TopicPartition]int64) map[connect.TopicPartition]int64
	started, stopped, opened, closed int
	puts                             int
}

func (s *memSink) Start(_ context.Context, _ map[string]string, tctx connect.SinkTaskContext) error {
	s.started++
	s.tctx = tctx
	if s.startErr != nil {
		return s.startErr
	}
	if s.resetAtStart != nil {
		tctx.ResetOffsets(s.resetAtStart)
	}
	return nil
}

func (s *memSink) Open(context.Context, []connect.TopicPartition) error  { s.opened++; return nil }
func (s *memSink) Close(context.Context, []connect.TopicPartition) error { s.closed++; return nil }

func (s *memSink) Put(ctx context.Context, recs []connect.SinkRecord) error {
	s.puts++
	if s.onPut != nil {
		s.onPut()
	}
	if s.putDelay > 0 {
		time.Sleep(s.putDelay)
	}
	if s.retriable > 0 {
		s.retriable--
		return connect.Retriable(errors.New("downstream busy"))
	}
	if s.putErr != nil {
		return s.putErr
	}
	var keep []connect.SinkRecord
	for _, r := range recs {
		if b, _ := r.Value.([]byte); s.report && strings.HasPrefix(string(b), "bad") {
			if err := s.tctx.Reporter().Report(ctx, r, errors.New("record rejected by the external system")); err != nil {
				return err
			}
			continue
		}
		keep = append(keep, r)
	}
	s.out.mu.Lock()
	s.out.got = append(s.out.got, keep...)
	s.out.mu.Unlock()
	return nil
}

func (s *memSink) Flush(_ context.Context, current map[connect.TopicPartition]int64) error {
	s.out.mu.Lock()
	defer s.out.mu.Unlock()
	s.out.flushed = current
	return nil
}

func (s *memSink) Stop() error { s.stopped++; return nil }

// preCommitSink adds PreCommit to memSink.
type preCommitSink struct{ *memSink }

func (s preCommitSink) PreCommit(_ context.Context, current map[connect.TopicPartition]int64) (map[connect.TopicPartition]int64, error) {
	return s.preCommit(current), nil
}

// valuesOf returns the values of messages as strings.
func valuesOf(msgs []kafka.Message) []string {
	out := make([]string, len(msgs))
	for i, m := range msgs {
		out[i] = string(m.Value)
	}
	return out
}

func sortedCopy(s []string) []string {
	c := slices.Clone(s)
	slices.Sort(c)
	return c
}
