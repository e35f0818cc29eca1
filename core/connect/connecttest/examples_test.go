package connecttest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/connectless/connectless/core/connect"
)

// counterSource emits numbered records from a counter; its offset is the last number emitted.
type counterSource struct {
	cfg     map[string]string
	started bool
	// faults
	panicOnSecondStop bool
	tooManyTasks      bool
	ignoreOffsets     bool
	cancelAsFailure   bool
	stops             int
}

func counterDef() *connect.ConfigDef {
	return connect.NewConfigDef().
		Define(connect.ConfigKey{Name: "topic", Type: connect.ConfigString, Required: true, Importance: connect.High, Doc: "Topic to write to."}).
		Define(connect.ConfigKey{Name: "batch", Type: connect.ConfigInt, Default: 5, Validator: connect.AtLeast(1), Importance: connect.Low, Doc: "Records per poll. Default 5."})
}

func (c *counterSource) Version() string            { return "1.0" }
func (c *counterSource) Config() *connect.ConfigDef { return counterDef() }
func (c *counterSource) Start(_ context.Context, props map[string]string) error {
	if _, err := counterDef().Parse(props); err != nil {
		return fmt.Errorf("counter source: %w", err)
	}
	c.cfg, c.started = props, true
	return nil
}
func (c *counterSource) TaskConfigs(max int) ([]map[string]string, error) {
	n := 1
	if c.tooManyTasks {
		n = max + 1
	}
	out := make([]map[string]string, n)
	for i := range out {
		out[i] = c.cfg
	}
	return out, nil
}
func (c *counterSource) Stop() error {
	c.stops++
	if c.panicOnSecondStop && c.stops > 1 {
		panic("stopped twice")
	}
	return nil
}
func (c *counterSource) NewTask() connect.SourceTask {
	return &counterTask{ignoreOffsets: c.ignoreOffsets, cancelAsFailure: c.cancelAsFailure}
}

type counterTask struct {
	topic           string
	batch           int
	next            int64
	ignoreOffsets   bool
	cancelAsFailure bool // Poll reports a cancelled context as a plain error
}

var counterPartition = map[string]any{"counter": "c"}

func (t *counterTask) Start(ctx context.Context, props map[string]string, tctx connect.SourceTaskContext) error {
	v, err := counterDef().Parse(props)
	if err != nil {
		return err
	}
	t.topic, t.batch = v.String("topic"), int(v.Int("batch"))
	off, err := tctx.OffsetReader().Offset(ctx, counterPartition)
	if err != nil {
		return err
	}
	if n, ok := off["n"].(int64); ok && !t.ignoreOffsets {
		t.next = n + 1
	}
	return nil
}

func (t *counterTask) Poll(ctx context.Context) ([]connect.SourceRecord, error) {
	if err := ctx.Err(); err != nil {
		if t.cancelAsFailure {
			return nil, errors.New("counter source: poll failed")
		}
		return nil, err
	}
	out := make([]connect.SourceRecord, t.batch)
	for i := range out {
		out[i] = connect.SourceRecord{
			Record:          connect.Record{Topic: t.topic, ValueSchema: connect.Int64Schema(), Value: t.next},
			SourcePartition: counterPartition,
			SourceOffset:    map[string]any{"n": t.next},
		}
		t.next++
	}
	return out, nil
}

func (t *counterTask) Stop() error { return nil }

func counterPlugin(c func() *counterSource) connect.Plugin {
	return connect.Plugin{Class: "com.example.CounterSourceConnector", Type: connect.PluginSource, Version: "1.0",
		New: func() connect.Connector { return c() }}
}

// memorySink writes values into a shared slice.
type memorySink struct {
	store    *memStore
	blockPut bool
}

type memStore struct {
	mu      sync.Mutex
	pending []connect.SinkRecord
	durable []connect.SinkRecord
}

func (m *memorySink) Version() string { return "1.0" }
func (m *memorySink) Config() *connect.ConfigDef {
	return connect.NewConfigDef().Define(connect.ConfigKey{Name: "topics", Type: connect.ConfigList, Default: []string{}, Importance: connect.High, Doc: "Topics."})
}
func (m *memorySink) Start(context.Context, map[string]string) error { return nil }
func (m *memorySink) TaskConfigs(max int) ([]map[string]string, error) {
	out := make([]map[string]string, max)
	for i := range out {
		out[i] = map[string]string{"task": fmt.Sprint(i)}
	}
	return out, nil
}
func (m *memorySink) Stop() error { return nil }
func (m *memorySink) NewTask() connect.SinkTask {
	return &memoryTask{store: m.store, blockPut: m.blockPut}
}

type memoryTask struct {
	store    *memStore
	blockPut bool
}

func (t *memoryTask) Start(context.Context, map[string]string, connect.SinkTaskContext) error {
	return nil
}
func (t *memoryTask) Put(ctx context.Context, records []connect.SinkRecord) error {
	if t.blockPut {
		time.Sleep(time.Hour) // ignores ctx: the suite must catch it
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	t.store.mu.Lock()
	defer t.store.mu.Unlock()
	t.store.pending = append(t.store.pending, records...)
	return nil
}
func (t *memoryTask) Flush(context.Context, map[connect.TopicPartition]int64) error {
	t.store.mu.Lock()
	defer t.store.mu.Unlock()
	t.store.durable = append(t.store.durable, t.store.pending...)
	t.store.pending = nil
	return nil
}
func (t *memoryTask) Stop() error { return nil }

func TestSuiteOnGoodSource(t *testing.T) {
	Run(t, Suite{
		Plugin: counterPlugin(func() *counterSource { return &counterSource{} }),
		Config: map[string]string{"topic": "numbers"},
	})
}

func TestSuiteOnGoodSink(t *testing.T) {
	store := &memStore{}
	Run(t, Suite{
		Plugin: connect.Plugin{Class: "com.example.MemorySinkConnector", Type: connect.PluginSink, Version: "1.0",
			New: func() connect.Connector { return &memorySink{store: store} }},
		Config: map[string]string{"topics": "connecttest"},
		CheckSink: func(t testing.TB, written []connect.SinkRecord) {
			store.mu.Lock()
			defer store.mu.Unlock()
			got := store.durable[len(store.durable)-len(written):]
			for i := range written {
				if got[i].Value != written[i].Value {
					t.Errorf("record %d: stored %v, want %v", i, got[i].Value, written[i].Value)
				}
			}
		},
	})
}

// fakeT records failures instead of failing the real test, so the suite's own checks can be
// shown to catch broken connectors.
type fakeT struct {
	testing.TB
	ctx      context.Context
	mu       sync.Mutex
	msgs     []string
	failed   bool
	cleanups []func()
}

func (f *fakeT) Helper() {}
func (f *fakeT) Errorf(format string, args ...any) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.failed = true
	f.msgs = append(f.msgs, fmt.Sprintf(format, args...))
}
func (f *fakeT) Error(args ...any)                 { f.Errorf("%s", fmt.Sprint(args...)) }
func (f *fakeT) Fatalf(format string, args ...any) { f.Errorf(format, args...); panic(fatal{}) }
func (f *fakeT) Fatal(args ...any)                 { f.Error(args...); panic(fatal{}) }
func (f *fakeT) Skip(...any)                       { panic(fatal{}) }
func (f *fakeT) Logf(string, ...any)               {}
func (f *fakeT) Context() context.Context          { return f.ctx }
func (f *fakeT) Cleanup(fn func())                 { f.cleanups = append(f.cleanups, fn) }
func (f *fakeT) Failed() bool                      { return f.failed }

type fatal struct{}

// runFake runs the suite with fake subtests and returns the failure messages per check.
func runFake(t *testing.T, s Suite) map[string][]string {
	out := map[string][]string{}
	root := &fakeT{ctx: t.Context()}
	run(root, s, func(_ testing.TB, name string, f func(testing.TB)) {
		ctx, cancel := context.WithCancel(t.Context())
		child := &fakeT{ctx: ctx}
		func() {
			defer func() {
				if r := recover(); r != nil {
					if _, ok := r.(fatal); !ok {
						child.Errorf("panic: %v", r)
					}
				}
			}()
			f(child)
		}()
		for i := len(child.cleanups) - 1; i >= 0; i-- {
			child.cleanups[i]()
		}
		cancel()
		if child.failed {
			out[name] = child.msgs
		}
	})
	return out
}

func TestSuiteCatchesBrokenConnectors(t *testing.T) {
	tests := []struct {
		name  string
		suite Suite
		want  string // the check that must fail
	}{
		{"stop twice panics", Suite{Plugin: counterPlugin(func() *counterSource { return &counterSource{panicOnSecondStop: true} }),
			Config: map[string]string{"topic": "n"}}, "StartStopIdempotent"},
		{"too many tasks", Suite{Plugin: counterPlugin(func() *counterSource { return &counterSource{tooManyTasks: true} }),
			Config: map[string]string{"topic": "n"}}, "TaskConfigs"},
		{"offsets ignored on restart", Suite{Plugin: counterPlugin(func() *counterSource { return &counterSource{ignoreOffsets: true} }),
			Config: map[string]string{"topic": "n"}}, "SourceOffsetsRoundTrip"},
		{"poll reports cancellation as a failure", Suite{Plugin: counterPlugin(func() *counterSource { return &counterSource{cancelAsFailure: true} }),
			Config: map[string]string{"topic": "n"}}, "SourcePollCancellation"},
		{"config rejected", Suite{Plugin: counterPlugin(func() *counterSource { return &counterSource{} }),
			Config: map[string]string{"batch": "0"}}, "ConfigDef"},
		{"put ignores cancellation", Suite{Plugin: connect.Plugin{Class: "com.example.Blocking", Type: connect.PluginSink, Version: "1",
			New: func() connect.Connector { return &memorySink{store: &memStore{}, blockPut: true} }},
			Timeout: 200 * time.Millisecond, CancelBound: 100 * time.Millisecond}, "SinkPutCancellation"},
		{"empty version", Suite{Plugin: connect.Plugin{Class: "com.example.NoVersion", Type: connect.PluginSink,
			New: func() connect.Connector { return &memorySink{store: &memStore{}} }}}, "Version"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			failures := runFake(t, tt.suite)
			if _, ok := failures[tt.want]; !ok {
				t.Fatalf("check %s did not fail; failures: %v", tt.want, failures)
			}
		})
	}
}

func TestValidateOffsetMap(t *testing.T) {
	if err := ValidateOffsetMap("o", map[string]any{"a": int64(1), "b": "x", "c": nil, "d": true}); err != nil {
		t.Fatal(err)
	}
	if err := ValidateOffsetMap("o", map[string]any{"a": []any{1}}); err == nil {
		t.Fatal("nested list accepted")
	}
	if err := ValidateOffsetMap("o", map[string]any{"a": map[string]any{}}); err == nil {
		t.Fatal("nested map accepted")
	}
}

func TestSinkContextRecords(t *testing.T) {
	c := &SinkContext{Partitions: []connect.TopicPartition{{Topic: "a"}}}
	c.ResetOffsets(map[connect.TopicPartition]int64{{Topic: "a"}: 5})
	if c.Resets()[connect.TopicPartition{Topic: "a"}] != 5 {
		t.Fatal("reset not recorded")
	}
	boom := errors.New("boom")
	_ = c.Reporter().Report(t.Context(), connect.NewSinkRecord("a", 0, 1), boom)
	if r := c.Reported(); len(r) != 1 || !errors.Is(r[0].Err, boom) {
		t.Fatal("report not recorded")
	}
}
