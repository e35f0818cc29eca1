package taskrun

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	kafkago "github.com/segmentio/kafka-go"
	"github.com/twmb/franz-go/pkg/kfake"

	"github.com/connectless/connectless/core/connect"
	"github.com/connectless/connectless/core/internal/taskslice"
	"github.com/connectless/connectless/core/kafka"
	"github.com/connectless/connectless/core/schedule"
	"github.com/connectless/connectless/core/store"
	"github.com/connectless/connectless/core/store/memory"
)

// bytesConverter passes bytes through unchanged.
type bytesConverter struct{}

func (bytesConverter) Configure(map[string]string, bool) error { return nil }
func (bytesConverter) FromConnect(_ string, _ *connect.Schema, v any) ([]byte, error) {
	b, _ := v.([]byte)
	return b, nil
}
func (bytesConverter) ToConnect(_ string, b []byte) (*connect.Schema, any, error) { return nil, b, nil }

// collector is the external system of the test sink: what it holds after Flush.
type collector struct {
	mu      sync.Mutex
	flushed map[connect.TopicPartition][]int64
	onFlush func()
	// flushErr, when set, is asked before each flush; an error fails it with nothing kept.
	flushErr func() error
	// putErr, when set, is asked before each Put; an error refuses the batch.
	putErr func() error
	// onStop, when set, is called at Stop with the task's context.
	onStop func(connect.SinkTaskContext)
}

func (c *collector) offsets(tp connect.TopicPartition) []int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]int64(nil), c.flushed[tp]...)
}

type testSink struct{ c *collector }

func (testSink) Version() string                                { return "1" }
func (testSink) Config() *connect.ConfigDef                     { return connect.NewConfigDef() }
func (testSink) Start(context.Context, map[string]string) error { return nil }
func (testSink) TaskConfigs(n int) ([]map[string]string, error) {
	out := make([]map[string]string, n)
	for i := range out {
		out[i] = map[string]string{}
	}
	return out, nil
}
func (testSink) Stop() error                 { return nil }
func (s testSink) NewTask() connect.SinkTask { return &testSinkTask{c: s.c} }

type testSinkTask struct {
	c       *collector
	tctx    connect.SinkTaskContext
	pending []connect.SinkRecord
}

func (t *testSinkTask) Start(_ context.Context, _ map[string]string, tctx connect.SinkTaskContext) error {
	t.tctx = tctx
	return nil
}
func (t *testSinkTask) Put(_ context.Context, recs []connect.SinkRecord) error {
	if t.c.putErr != nil {
		if err := t.c.putErr(); err != nil {
			return err
		}
	}
	t.pending = append(t.pending, recs...)
	return nil
}
func (t *testSinkTask) Flush(context.Context, map[connect.TopicPartition]int64) error {
	if t.c.flushErr != nil {
		if err := t.c.flushErr(); err != nil {
			t.pending = nil
			return err
		}
	}
	t.c.mu.Lock()
	defer t.c.mu.Unlock()
	for _, r := range t.pending {
		tp := connect.TopicPartition{Topic: r.OriginalTopic, Partition: r.OriginalPartition}
		t.c.flushed[tp] = append(t.c.flushed[tp], r.OriginalOffset)
	}
	t.pending = nil
	if t.c.onFlush != nil {
		t.c.onFlush()
	}
	return nil
}
func (t *testSinkTask) Stop() error {
	if t.c.onStop != nil {
		t.c.onStop(t.tctx)
	}
	return nil
}

func setup(t *testing.T, records int, opts ...memory.Option) (*Env, *collector, store.Store) {
	t.Helper()
	ctx := context.Background()
	cluster, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(2, "logs"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cluster.Close)
	brokers := cluster.ListenAddrs()
	w := &kafkago.Writer{Addr: kafkago.TCP(brokers...), Topic: "logs", Balancer: &kafkago.RoundRobin{}, BatchSize: 100, BatchTimeout: time.Millisecond, RequiredAcks: kafkago.RequireAll}
	msgs := make([]kafkago.Message, records)
	for i := range msgs {
		msgs[i] = kafkago.Message{Value: fmt.Appendf(nil, `{"n":%d}`, i)}
	}
	if err := w.WriteMessages(ctx, msgs...); err != nil {
		t.Fatal(err)
	}
	w.Close()

	client, err := kafka.NewClient(kafka.Options{Brokers: brokers})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { client.Close() })
	col := &collector{flushed: map[connect.TopicPartition][]int64{}}
	reg, err := connect.NewRegistry(connect.Plugin{
		Class: "test.CollectSinkConnector", Type: connect.PluginSink, Version: "1",
		New: func() connect.Connector { return testSink{c: col} },
	})
	if err != nil {
		t.Fatal(err)
	}
	st := memory.New(opts...)
	if err := st.CreateConnector(ctx, "archive", map[string]string{
		"connector.class": "CollectSink", "topics": "logs", "tasks.max": "1",
	}, store.TargetRunning); err != nil {
		t.Fatal(err)
	}
	if _, err := st.PutTaskConfigs(ctx, "archive", []map[string]string{{}}); err != nil {
		t.Fatal(err)
	}
	env := &Env{
		Store: st, Registry: reg, Kafka: client, Holder: "test-worker", Margin: 100 * time.Millisecond,
		Pipeline: func(map[string]string) (Pipeline, error) {
			return Pipeline{Converters: taskslice.Converters{Key: bytesConverter{}, Value: bytesConverter{}}}, nil
		},
	}
	c, _ := st.Connector(ctx, "archive")
	if _, err := Assign(ctx, st, reg, client, c); err != nil {
		t.Fatal(err)
	}
	return env, col, st
}

func TestRunSinkCommitsWhatWasFlushed(t *testing.T) {
	ctx := context.Background()
	env, col, st := setup(t, 60)
	c, _ := st.Connector(ctx, "archive")
	if got := c.Tasks[0][AssignmentKey]; got != "logs:0,logs:1" {
		t.Fatalf("assignment = %q", got)
	}
	p := schedule.Payload{Connector: "archive", Task: 0, Generation: c.Generation}
	res, err := Run(ctx, env, p, time.Now().Add(10*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	if res.Records != 60 || !res.CaughtUp || !res.Committed {
		t.Errorf("result = %+v, want 60 records, caught up, committed", res)
	}
	offs, err := st.SinkOffsets(ctx, "archive")
	if err != nil {
		t.Fatal(err)
	}
	// What the slice left below the end offsets it saw (60 records) is its lag.
	if left := 60 - offs[connect.TopicPartition{Topic: "logs", Partition: 0}] - offs[connect.TopicPartition{Topic: "logs", Partition: 1}]; res.Lag != left {
		t.Errorf("lag = %d, want the %d records not committed", res.Lag, left)
	}
	for _, p := range []int32{0, 1} {
		tp := connect.TopicPartition{Topic: "logs", Partition: p}
		got := col.offsets(tp)
		if int64(len(got)) != offs[tp] {
			t.Errorf("%v: flushed %d records, committed offset %d", tp, len(got), offs[tp])
		}
		for i, o := range got {
			if o != int64(i) {
				t.Fatalf("%v: record %d has offset %d: gap or duplicate", tp, i, o)
			}
		}
	}
	sts, err := st.Statuses(ctx, "archive")
	if err != nil {
		t.Fatal(err)
	}
	if len(sts) == 0 || sts[len(sts)-1].State != store.StateRunning || sts[len(sts)-1].WorkerID != "test-worker" {
		t.Errorf("statuses = %+v", sts)
	}
	// A second invocation finds nothing new and commits nothing.
	res, err = Run(ctx, env, p, time.Now().Add(10*time.Second))
	if err != nil || res.Records != 0 || res.Committed {
		t.Errorf("second run = %+v, %v", res, err)
	}
	if _, err := st.CurrentLease(ctx, "archive", 0); err != nil && !errors.Is(err, store.ErrNotFound) {
		t.Fatal(err)
	}
}

func TestRunSkipsWhenLeaseHeld(t *testing.T) {
	ctx := context.Background()
	env, col, st := setup(t, 10)
	if _, err := st.Acquire(ctx, "archive", 0, "other", time.Minute); err != nil {
		t.Fatal(err)
	}
	_, err := Run(ctx, env, schedule.Payload{Connector: "archive", Task: 0}, time.Now().Add(5*time.Second))
	if !errors.Is(err, ErrSkipped) || !errors.Is(err, store.ErrLeaseHeld) {
		t.Fatalf("err = %v, want ErrSkipped wrapping ErrLeaseHeld", err)
	}
	if n := len(col.offsets(connect.TopicPartition{Topic: "logs"})); n != 0 {
		t.Errorf("skipped invocation delivered %d records", n)
	}
}

func TestRunSkipsPausedAndMissing(t *testing.T) {
	ctx := context.Background()
	env, _, st := setup(t, 1)
	if err := st.PutTargetState(ctx, "archive", store.TargetPaused); err != nil {
		t.Fatal(err)
	}
	for _, p := range []schedule.Payload{{Connector: "archive"}, {Connector: "nope"}, {Connector: "archive", Task: 5}} {
		if _, err := Run(ctx, env, p, time.Now().Add(time.Second)); !errors.Is(err, ErrSkipped) {
			t.Errorf("%+v: err = %v, want ErrSkipped", p, err)
		}
	}
}

func TestAssignmentRoundTrip(t *testing.T) {
	in := []connect.TopicPartition{{Topic: "a:b", Partition: 3}, {Topic: "c", Partition: 0}}
	got, err := ParseAssignment(FormatAssignment(in))
	if err != nil || len(got) != 2 || got[0] != in[0] || got[1] != in[1] {
		t.Fatalf("round trip = %v, %v", got, err)
	}
	if _, err := ParseAssignment("topic"); err == nil {
		t.Error("missing partition accepted")
	}
}

func TestRunFencedCommitIsRefused(t *testing.T) {
	ctx := context.Background()
	var mu sync.Mutex
	now := time.Now()
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	env, col, st := setup(t, 20, memory.WithClock(clock))
	// While the invocation flushes, its lease expires and another holder takes the task.
	col.onFlush = func() {
		mu.Lock()
		now = now.Add(time.Hour)
		mu.Unlock()
		if _, err := st.Acquire(ctx, "archive", 0, "successor", time.Minute); err != nil {
			t.Errorf("successor acquire: %v", err)
		}
	}
	res, err := Run(ctx, env, schedule.Payload{Connector: "archive"}, time.Now().Add(5*time.Second))
	if !errors.Is(err, store.ErrFenced) {
		t.Fatalf("err = %v, want ErrFenced", err)
	}
	if res.Committed {
		t.Error("fenced invocation reports a commit")
	}
	offs, err := st.SinkOffsets(ctx, "archive")
	if err != nil {
		t.Fatal(err)
	}
	if len(offs) != 0 {
		t.Errorf("fenced invocation committed %v", offs)
	}
	l, err := st.CurrentLease(ctx, "archive", 0)
	if err != nil || l.Holder != "successor" {
		t.Errorf("lease after fenced run = %+v, %v; the successor must keep it", l, err)
	}
}

func TestDefaultPipeline(t *testing.T) {
	reg := builtinRegistry(t)
	p, err := DefaultPipeline(reg, map[string]string{"value.converter": "StringConverter"})(map[string]string{
		"key.converter": "org.apache.kafka.connect.json.JsonConverter", "key.converter.schemas.enable": "false",
		"transforms": "route", "transforms.route.type": "RegexRouter",
		"transforms.route.regex": "(.*)", "transforms.route.replacement": "$1-copy",
	})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	if p.Converters.ValueClass != "org.apache.kafka.connect.storage.StringConverter" || p.Converters.KeyClass != "org.apache.kafka.connect.json.JsonConverter" {
		t.Errorf("classes = %q, %q", p.Converters.KeyClass, p.Converters.ValueClass)
	}
	_, v, err := p.Converters.Value.ToConnect("t", []byte("plain text"))
	if err != nil || v != "plain text" {
		t.Errorf("value converter: %v, %v", v, err)
	}
	_, k, err := p.Converters.Key.ToConnect("t", []byte(`{"a":1}`))
	if m, ok := k.(map[string]any); err != nil || !ok || m["a"] != int64(1) {
		t.Errorf("key converter (schemaless JSON): %#v, %v", k, err)
	}
	out, err := p.Transform.Apply(&connect.Record{Topic: "logs"})
	if err != nil || out.Topic != "logs-copy" {
		t.Errorf("transform: %+v, %v", out, err)
	}
	if _, err := DefaultPipeline(reg, nil)(map[string]string{"value.converter": "NoSuchConverter"}); err == nil {
		t.Error("unknown converter accepted")
	}
	if _, err := DefaultPipeline(reg, nil)(map[string]string{"transforms": "x"}); err == nil {
		t.Error("transform without type accepted")
	}
}

func TestRunSkipsPastDeadline(t *testing.T) {
	ctx := context.Background()
	env, col, st := setup(t, 5)
	p := schedule.Payload{Connector: "archive", NotAfter: time.Now().Add(-time.Minute)}
	if _, err := Run(ctx, env, p, time.Now().Add(time.Hour)); !errors.Is(err, ErrSkipped) {
		t.Fatalf("late invocation: err = %v, want ErrSkipped", err)
	}
	if _, err := st.CurrentLease(ctx, "archive", 0); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("late invocation took the lease: %v", err)
	}
	if n := len(col.offsets(connect.TopicPartition{Topic: "logs"})); n != 0 {
		t.Errorf("late invocation delivered %d records", n)
	}
}

// TestRunSinkLagLeftByAFailedSlice checks a sink slice's lag: none once it committed up to
// the end offsets, and the records above the committed positions when a later slice fails
// with nothing kept.
func TestRunSinkLagLeftByAFailedSlice(t *testing.T) {
	ctx := context.Background()
	env, col, st := setup(t, 60)
	c, _ := st.Connector(ctx, "archive")
	p := schedule.Payload{Connector: "archive", Task: 0, Generation: c.Generation}
	if res, err := Run(ctx, env, p, time.Now().Add(10*time.Second)); err != nil || res.Lag != 0 {
		t.Fatalf("first slice: lag %d, %v; want 0 after committing everything", res.Lag, err)
	}
	w := env.Kafka.NewWriter(kafka.WriterOptions{})
	defer w.Close()
	var more []kafka.Message
	for i := range 7 {
		more = append(more, kafka.Message{Topic: "logs", Partition: int32(i % 2), Value: []byte("more")})
	}
	for _, r := range w.Produce(ctx, more) {
		if r.Err != nil {
			t.Fatal(r.Err)
		}
	}
	col.flushErr = func() error { return errors.New("invalid value for configuration s3.bucket.name") }
	res, err := Run(ctx, env, p, time.Now().Add(10*time.Second))
	if err == nil || res.Lag != 7 {
		t.Errorf("failed slice: lag %d, %v; want the 7 new records and the error", res.Lag, err)
	}
}
