package connecttest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/connectless/connectless/core/connect"
)

// Suite describes the connector under test and how to drive its external system.
type Suite struct {
	// Plugin is the connector's plugin value.
	Plugin connect.Plugin
	// Config is a valid connector configuration (name and connector.class may be left out).
	Config map[string]string
	// MaxTasks is the largest tasks.max tried by the task-splitting check; default 4.
	MaxTasks int
	// Timeout bounds every blocking call (Poll, Put, Flush, Stop); default 5s.
	Timeout time.Duration
	// CancelBound is how long Poll/Put may take to return after their context is cancelled;
	// default 2s.
	CancelBound time.Duration

	// PrepareSource, for source connectors, makes the external system hold at least n records
	// for the task to read. It is called before each source task starts and must be
	// idempotent (optional: leave nil for generators).
	PrepareSource func(t testing.TB, n int)
	// Records, for sink connectors, returns n records for the task to Put (default: string
	// keys and values on topic "connecttest", partition 0, offsets 0..n-1).
	Records func(t testing.TB, n int) []connect.SinkRecord
	// CheckSink, for sink connectors, checks that the external system holds the records
	// after Put and Flush (optional).
	CheckSink func(t testing.TB, written []connect.SinkRecord)
	// Skip names checks not to run (e.g. "SourceOffsetsRoundTrip" for a source without
	// resumable offsets), with the reason logged.
	Skip map[string]string
}

func (s *Suite) defaults() {
	if s.MaxTasks == 0 {
		s.MaxTasks = 4
	}
	if s.Timeout == 0 {
		s.Timeout = 5 * time.Second
	}
	if s.CancelBound == 0 {
		s.CancelBound = 2 * time.Second
	}
	if s.Records == nil {
		s.Records = defaultRecords
	}
}

func defaultRecords(_ testing.TB, n int) []connect.SinkRecord {
	out := make([]connect.SinkRecord, n)
	for i := range out {
		r := connect.NewSinkRecord("connecttest", 0, int64(i))
		r.KeySchema, r.Key = connect.OptionalStringSchema(), fmt.Sprintf("key-%d", i)
		r.ValueSchema, r.Value = connect.OptionalStringSchema(), fmt.Sprintf("value-%d", i)
		r.Timestamp = time.UnixMilli(1700000000000 + int64(i)).UTC()
		r.TimestampType = connect.CreateTime
		out[i] = r
	}
	return out
}

type check struct {
	name string
	f    func(testing.TB, Suite)
}

// subRunner runs a named check as a subtest.
type subRunner func(t testing.TB, name string, f func(t testing.TB))

// Run runs the conformance checks on a connector: version, ConfigDef sanity, Start/Stop
// idempotence (including Stop after a failed Start), task splitting for tasks.max 1..MaxTasks,
// the task lifecycle, context cancellation of Poll/Put, and for sources the JSON-serialisable
// source partitions and offsets and the restart from a committed offset.
func Run(t *testing.T, s Suite) {
	t.Helper()
	run(t, s, func(t testing.TB, name string, f func(testing.TB)) {
		t.(*testing.T).Run(name, func(t *testing.T) { f(t) })
	})
}

func run(t testing.TB, s Suite, sub subRunner) {
	s.defaults()
	checks := []check{
		{"Version", checkVersion},
		{"ConfigDef", checkConfigDef},
		{"StartStopIdempotent", checkStartStop},
		{"StopAfterFailedStart", checkStopAfterFailedStart},
		{"TaskConfigs", checkTaskConfigs},
	}
	switch s.Plugin.Type {
	case connect.PluginSource:
		checks = append(checks,
			check{"SourceTaskLifecycle", checkSourceTask},
			check{"SourcePollCancellation", checkSourceCancel},
			check{"SourceOffsetsRoundTrip", checkSourceOffsets})
	case connect.PluginSink:
		checks = append(checks,
			check{"SinkTaskLifecycle", checkSinkTask},
			check{"SinkPutCancellation", checkSinkCancel})
	default:
		t.Fatalf("plugin %s: type %q is neither source nor sink", s.Plugin.Class, s.Plugin.Type)
	}
	for _, c := range checks {
		sub(t, c.name, func(t testing.TB) {
			if why, ok := s.Skip[c.name]; ok {
				t.Skip(why)
			}
			c.f(t, s)
		})
	}
}

func (s Suite) config() map[string]string {
	cfg := maps.Clone(s.Config)
	if cfg == nil {
		cfg = map[string]string{}
	}
	if _, ok := cfg["name"]; !ok {
		cfg["name"] = "connecttest"
	}
	if _, ok := cfg["connector.class"]; !ok {
		cfg["connector.class"] = s.Plugin.Class
	}
	return cfg
}

// bounded runs f and fails the test when it does not return within d.
func bounded(t testing.TB, what string, d time.Duration, f func()) {
	t.Helper()
	done := make(chan struct{})
	go func() {
		defer close(done)
		f()
	}()
	select {
	case <-done:
	case <-time.After(d):
		t.Fatalf("%s did not return within %v", what, d)
	}
}

// safely calls f, turning a panic into a test failure.
func safely(t testing.TB, what string, f func() error) (err error) {
	t.Helper()
	defer func() {
		if r := recover(); r != nil {
			t.Errorf("%s panicked: %v", what, r)
			err = fmt.Errorf("%s panicked: %v", what, r)
		}
	}()
	return f()
}

func newConnector(t testing.TB, s Suite) connect.Connector {
	t.Helper()
	if s.Plugin.New == nil {
		t.Fatalf("plugin %s has no constructor", s.Plugin.Class)
	}
	c := s.Plugin.New()
	if c == nil {
		t.Fatalf("plugin %s: New returned nil", s.Plugin.Class)
	}
	switch s.Plugin.Type {
	case connect.PluginSource:
		if _, ok := c.(connect.SourceConnector); !ok {
			t.Fatalf("plugin %s is a source but %T is not a connect.SourceConnector", s.Plugin.Class, c)
		}
	case connect.PluginSink:
		if _, ok := c.(connect.SinkConnector); !ok {
			t.Fatalf("plugin %s is a sink but %T is not a connect.SinkConnector", s.Plugin.Class, c)
		}
	}
	return c
}

func checkVersion(t testing.TB, s Suite) {
	if s.Plugin.Version == "" {
		t.Errorf("plugin %s has an empty Version", s.Plugin.Class)
	}
	if v := newConnector(t, s).Version(); v == "" {
		t.Errorf("connector Version() is empty")
	}
}

func checkConfigDef(t testing.TB, s Suite) {
	def := newConnector(t, s).Config()
	if def == nil {
		t.Fatalf("Config() returned nil")
	}
	seen := map[string]bool{}
	for _, k := range def.Keys() {
		if seen[k.Name] {
			t.Errorf("key %s defined twice", k.Name)
		}
		seen[k.Name] = true
		if k.Internal {
			continue
		}
		if k.Doc == "" {
			t.Errorf("key %s has no documentation", k.Name)
		}
		if k.Type == "" || k.Importance == "" {
			t.Errorf("key %s lacks a type or an importance", k.Name)
		}
	}
	if _, err := def.Parse(s.config()); err != nil {
		t.Errorf("the suite's Config does not parse with the connector's ConfigDef: %v", err)
	}
	if infos := connect.ValidateAll(s.Plugin.Class, s.config(), def); infos.ErrorCount > 0 {
		t.Errorf("the suite's Config fails validation: %v", infos.Err())
	}
}

func checkStartStop(t testing.TB, s Suite) {
	c := newConnector(t, s)
	var err error
	bounded(t, "Start", s.Timeout, func() { err = safely(t, "Start", func() error { return c.Start(t.Context(), s.config()) }) })
	if err != nil {
		t.Fatalf("Start with the suite's Config: %v", err)
	}
	for i := range 2 {
		bounded(t, "Stop", s.Timeout, func() { err = safely(t, "Stop", c.Stop) })
		if err != nil {
			t.Errorf("Stop #%d: %v", i+1, err)
		}
	}
}

func checkStopAfterFailedStart(t testing.TB, s Suite) {
	c := newConnector(t, s)
	var startErr, stopErr error
	bounded(t, "Start", s.Timeout, func() {
		startErr = safely(t, "Start with an empty config", func() error { return c.Start(t.Context(), map[string]string{}) })
	})
	bounded(t, "Stop", s.Timeout, func() { stopErr = safely(t, "Stop after Start failed", c.Stop) })
	if startErr != nil && stopErr != nil {
		t.Logf("Stop after a failed Start returned %v", stopErr)
	}
}

func checkTaskConfigs(t testing.TB, s Suite) {
	c := newConnector(t, s)
	if err := c.Start(t.Context(), s.config()); err != nil {
		t.Fatalf("Start: %v", err)
	}
	defer func() { _ = c.Stop() }()
	for n := 1; n <= s.MaxTasks; n++ {
		cfgs, err := c.TaskConfigs(n)
		if err != nil {
			t.Errorf("TaskConfigs(%d): %v", n, err)
			continue
		}
		if len(cfgs) < 1 || len(cfgs) > n {
			t.Errorf("TaskConfigs(%d) returned %d configs, want 1..%d", n, len(cfgs), n)
		}
		for i, cfg := range cfgs {
			if cfg == nil {
				t.Errorf("TaskConfigs(%d)[%d] is nil", n, i)
			}
		}
		again, err := c.TaskConfigs(n)
		if err == nil && !reflect.DeepEqual(again, cfgs) {
			t.Errorf("TaskConfigs(%d) is not deterministic: %v then %v", n, cfgs, again)
		}
	}
}

// taskConfig starts a connector and returns its first task config.
func taskConfig(t testing.TB, s Suite) (connect.Connector, map[string]string) {
	t.Helper()
	c := newConnector(t, s)
	if err := c.Start(t.Context(), s.config()); err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() { _ = c.Stop() })
	cfgs, err := c.TaskConfigs(1)
	if err != nil || len(cfgs) == 0 {
		t.Fatalf("TaskConfigs(1) = %v, %v", cfgs, err)
	}
	return c, cfgs[0]
}

// poll polls until at least want records arrived or the timeout passed.
func poll(t testing.TB, s Suite, task connect.SourceTask, want int) []connect.SourceRecord {
	t.Helper()
	var out []connect.SourceRecord
	deadline := time.Now().Add(s.Timeout)
	for len(out) < want && time.Now().Before(deadline) {
		var recs []connect.SourceRecord
		var err error
		bounded(t, "Poll", s.Timeout, func() { recs, err = task.Poll(t.Context()) })
		if err != nil && !connect.IsRetriable(err) {
			t.Fatalf("Poll: %v", err)
		}
		out = append(out, recs...)
	}
	return out
}

// pollFew polls up to n times, stopping at the first non-empty batch.
func pollFew(t testing.TB, s Suite, task connect.SourceTask, n int) []connect.SourceRecord {
	t.Helper()
	for range n {
		var recs []connect.SourceRecord
		var err error
		bounded(t, "Poll", s.Timeout, func() { recs, err = task.Poll(t.Context()) })
		if err != nil && !connect.IsRetriable(err) {
			t.Fatalf("Poll: %v", err)
		}
		if len(recs) > 0 {
			return recs
		}
	}
	return nil
}

func startSource(t testing.TB, s Suite, reader connect.OffsetReader) connect.SourceTask {
	t.Helper()
	if s.PrepareSource != nil {
		s.PrepareSource(t, 10)
	}
	c, cfg := taskConfig(t, s)
	task := c.(connect.SourceConnector).NewTask()
	if task == nil {
		t.Fatalf("NewTask returned nil")
	}
	var err error
	bounded(t, "task Start", s.Timeout, func() { err = task.Start(t.Context(), cfg, SourceContext{Reader: reader}) })
	if err != nil {
		t.Fatalf("task Start: %v", err)
	}
	return task
}

func checkSourceTask(t testing.TB, s Suite) {
	task := startSource(t, s, NewOffsets())
	recs := poll(t, s, task, 1)
	if len(recs) == 0 {
		t.Errorf("no record polled within %v", s.Timeout)
	}
	for i, r := range recs {
		if r.Topic == "" {
			t.Errorf("record %d has no topic", i)
		}
		if err := ValidateOffsetMap(fmt.Sprintf("record %d source partition", i), r.SourcePartition); err != nil {
			t.Error(err)
		}
		if err := ValidateOffsetMap(fmt.Sprintf("record %d source offset", i), r.SourceOffset); err != nil {
			t.Error(err)
		}
	}
	for i := range 2 {
		var err error
		bounded(t, "task Stop", s.Timeout, func() { err = safely(t, "task Stop", task.Stop) })
		if err != nil {
			t.Errorf("task Stop #%d: %v", i+1, err)
		}
	}
}

func checkSourceCancel(t testing.TB, s Suite) {
	task := startSource(t, s, NewOffsets())
	defer func() { _ = task.Stop() }()
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	var err error
	bounded(t, "Poll with a cancelled context", s.CancelBound, func() { _, err = task.Poll(ctx) })
	if err != nil && !errors.Is(err, context.Canceled) && !connect.IsRetriable(err) {
		t.Errorf("Poll with a cancelled context returned %v; want nil, an error wrapping context.Canceled, or a RetriableError", err)
	}
}

// recordKey identifies a source record by its partition and offset.
func recordKey(r connect.SourceRecord) string {
	p, _ := json.Marshal(r.SourcePartition)
	o, _ := json.Marshal(r.SourceOffset)
	return string(p) + "@" + string(o)
}

func checkSourceOffsets(t testing.TB, s Suite) {
	offsets := NewOffsets()
	first := startSource(t, s, offsets)
	recs := poll(t, s, first, 1)
	_ = first.Stop()
	if len(recs) == 0 {
		t.Fatalf("no record polled within %v", s.Timeout)
	}
	if err := offsets.CommitRecords(recs); err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, r := range recs {
		seen[recordKey(r)] = true
	}
	second := startSource(t, s, offsets)
	defer func() { _ = second.Stop() }()
	again := pollFew(t, s, second, 3)
	for _, r := range again {
		if seen[recordKey(r)] {
			t.Fatalf("after restart from committed offsets the task re-read %s", recordKey(r))
		}
	}
	// Offsets must also survive a JSON round trip, as the offset stores keep them.
	for _, r := range recs {
		b, err := json.Marshal(r.SourceOffset)
		if err != nil {
			t.Fatal(err)
		}
		var back map[string]any
		if err := json.Unmarshal(b, &back); err != nil || len(back) != len(r.SourceOffset) {
			t.Fatalf("source offset %s does not survive JSON: %v", b, err)
		}
	}
}

func startSink(t testing.TB, s Suite, records []connect.SinkRecord) (connect.SinkTask, *SinkContext) {
	t.Helper()
	c, cfg := taskConfig(t, s)
	task := c.(connect.SinkConnector).NewTask()
	if task == nil {
		t.Fatalf("NewTask returned nil")
	}
	tctx := &SinkContext{}
	for tp := range sinkOffsets(records) {
		tctx.Partitions = append(tctx.Partitions, tp)
	}
	slices.SortFunc(tctx.Partitions, func(a, b connect.TopicPartition) int {
		if a.Topic != b.Topic {
			if a.Topic < b.Topic {
				return -1
			}
			return 1
		}
		return int(a.Partition - b.Partition)
	})
	var err error
	bounded(t, "task Start", s.Timeout, func() { err = task.Start(t.Context(), cfg, tctx) })
	if err != nil {
		t.Fatalf("task Start: %v", err)
	}
	if pa, ok := task.(connect.PartitionAware); ok {
		if err := pa.Open(t.Context(), tctx.Assignment()); err != nil {
			t.Fatalf("Open: %v", err)
		}
	}
	return task, tctx
}

func checkSinkTask(t testing.TB, s Suite) {
	records := s.Records(t, 10)
	task, tctx := startSink(t, s, records)
	var err error
	bounded(t, "Put", s.Timeout, func() { err = task.Put(t.Context(), records) })
	if err != nil {
		t.Fatalf("Put: %v", err)
	}
	current := sinkOffsets(records)
	if pc, ok := task.(connect.PreCommitter); ok {
		var safe map[connect.TopicPartition]int64
		bounded(t, "PreCommit", s.Timeout, func() { safe, err = pc.PreCommit(t.Context(), current) })
		if err != nil {
			t.Fatalf("PreCommit: %v", err)
		}
		for tp, o := range safe {
			if cur, ok := current[tp]; !ok || o > cur {
				t.Errorf("PreCommit returned offset %d for %v beyond what was Put (%d)", o, tp, cur)
			}
		}
	} else {
		bounded(t, "Flush", s.Timeout, func() { err = task.Flush(t.Context(), current) })
		if err != nil {
			t.Fatalf("Flush: %v", err)
		}
	}
	if pa, ok := task.(connect.PartitionAware); ok {
		if err := pa.Close(t.Context(), tctx.Assignment()); err != nil {
			t.Errorf("Close: %v", err)
		}
	}
	for i := range 2 {
		bounded(t, "task Stop", s.Timeout, func() { err = safely(t, "task Stop", task.Stop) })
		if err != nil {
			t.Errorf("task Stop #%d: %v", i+1, err)
		}
	}
	if s.CheckSink != nil {
		s.CheckSink(t, records)
	}
}

func checkSinkCancel(t testing.TB, s Suite) {
	records := s.Records(t, 3)
	task, _ := startSink(t, s, records)
	defer func() { _ = task.Stop() }()
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	var err error
	bounded(t, "Put with a cancelled context", s.CancelBound, func() { err = task.Put(ctx, records) })
	if err != nil && !errors.Is(err, context.Canceled) && !connect.IsRetriable(err) {
		t.Errorf("Put with a cancelled context returned %v; want nil, an error wrapping context.Canceled, or a RetriableError", err)
	}
}
