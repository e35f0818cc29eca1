package rest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/connectless/connectless/core/config"
	"github.com/connectless/connectless/core/config/provider"
	"github.com/connectless/connectless/core/connect"
	"github.com/connectless/connectless/core/internal/herder"
	"github.com/connectless/connectless/core/store"
	"github.com/connectless/connectless/core/store/memory"
)

// testSource is a tiny source connector: each task gets the topic and the password.
type testSource struct{ props map[string]string }

func (c *testSource) Version() string            { return "1.0.0" }
func (c *testSource) Config() *connect.ConfigDef { return nil }
func (c *testSource) Start(_ context.Context, props map[string]string) error {
	if props["fail.start"] == "true" {
		return fmt.Errorf("cannot connect with password %s", props["password"])
	}
	c.props = props
	return nil
}
func (c *testSource) TaskConfigs(max int) ([]map[string]string, error) {
	n := min(max, 8)
	if v, err := strconv.Atoi(c.props["tasks.wanted"]); err == nil && v < n {
		n = v
	}
	out := make([]map[string]string, n)
	for i := range out {
		out[i] = map[string]string{"topic": c.props["topic"], "task.id": strconv.Itoa(i)}
		if p, ok := c.props["password"]; ok {
			out[i]["password"] = p
			out[i]["dsn"] = "user:" + p + "@db"
		}
	}
	return out, nil
}
func (c *testSource) Stop() error                 { return nil }
func (c *testSource) NewTask() connect.SourceTask { return nil }

// testSink is a tiny sink connector with empty task configs.
type testSink struct{}

func (testSink) Version() string                                { return "undefined" }
func (testSink) Config() *connect.ConfigDef                     { return nil }
func (testSink) Start(context.Context, map[string]string) error { return nil }
func (testSink) TaskConfigs(max int) ([]map[string]string, error) {
	out := make([]map[string]string, min(max, 4)) // as a sink with four partitions to share
	for i := range out {
		out[i] = map[string]string{}
	}
	return out, nil
}
func (testSink) Stop() error               { return nil }
func (testSink) NewTask() connect.SinkTask { return nil }

func testRegistry(t testing.TB) *connect.Registry {
	t.Helper()
	plugins := []connect.Plugin{
		{Class: "org.example.TestSourceConnector", Type: connect.PluginSource, Version: "1.0.0",
			New: func() connect.Connector { return &testSource{} }},
		{Class: "org.example.TestSinkConnector", Type: connect.PluginSink, Version: "undefined",
			New: func() connect.Connector { return testSink{} }},
	}
	// One built-in plugin of each other type, so listings stay short.
	for _, p := range config.BuiltinPlugins() {
		switch {
		case p.Type == connect.PluginTransformation && p.Class == "org.apache.kafka.connect.transforms.InsertField$Value",
			p.Type == connect.PluginPredicate && p.Class == "org.apache.kafka.connect.transforms.predicates.TopicNameMatches",
			p.Type == connect.PluginConverter && p.Class == "org.apache.kafka.connect.json.JsonConverter",
			p.Type == connect.PluginHeaderConverter && p.Class == "org.apache.kafka.connect.storage.SimpleHeaderConverter":
			plugins = append(plugins, p)
		}
	}
	reg, err := connect.NewRegistry(plugins...)
	if err != nil {
		t.Fatal(err)
	}
	return reg
}

func ptr(s string) *string { return &s }

// testValidate stands in for the framework validation: name, connector.class, tasks.max and
// the sink topics rules, in Kafka's ConfigInfos shape.
func testValidate(_ context.Context, p connect.Plugin, props map[string]string) connect.ConfigInfos {
	common := "Common"
	infos := connect.ConfigInfos{Groups: []string{common}}
	add := func(name string, typ connect.ConfigType, def *string, order int, errs ...string) {
		var val *string
		if v, ok := props[name]; ok {
			val = &v
		} else {
			val = def
		}
		if errs == nil {
			errs = []string{}
		}
		infos.Configs = append(infos.Configs, connect.ConfigInfo{
			Definition: &connect.ConfigKeyInfo{Name: name, Type: typ, Required: def == nil, DefaultValue: def,
				Importance: connect.High, Group: &common, Width: connect.WidthMedium, DisplayName: ptr(name), Dependents: []string{}, Order: order},
			Value: &connect.ConfigValueInfo{Name: name, Value: val, RecommendedValues: []string{}, Errors: errs, Visible: true},
		})
	}
	var nameErrs []string
	if n, ok := props["name"]; !ok {
		nameErrs = []string{`Missing required configuration "name" which has no default value.`}
	} else if strings.TrimSpace(n) == "" {
		nameErrs = []string{fmt.Sprintf("Invalid value %s for configuration name: String may not be empty", n)}
	}
	add("name", connect.ConfigString, nil, 1, nameErrs...)
	add("connector.class", connect.ConfigString, nil, 2)
	var tmErrs []string
	if v, ok := props["tasks.max"]; ok {
		if n, err := strconv.Atoi(v); err != nil {
			tmErrs = []string{fmt.Sprintf("Invalid value %s for configuration tasks.max: Not a number of type INT", v)}
		} else if n < 1 {
			tmErrs = []string{fmt.Sprintf("Invalid value %d for configuration tasks.max: Value must be at least 1", n)}
		}
	}
	add("tasks.max", connect.ConfigInt, ptr("1"), 3, tmErrs...)
	if p.Type == connect.PluginSink {
		var terrs []string
		_, t := props["topics"]
		_, r := props["topics.regex"]
		switch {
		case t && r:
			terrs = []string{"topics and topics.regex are mutually exclusive options, but both are set."}
		case !t && !r:
			terrs = []string{"Must configure one of topics or topics.regex"}
		}
		add("topics", connect.ConfigList, ptr(""), 4, terrs...)
		add("topics.regex", connect.ConfigString, ptr(""), 5, terrs...)
	}
	return infos
}

func testPluginConfig(_ context.Context, p connect.Plugin) ([]connect.ConfigKeyInfo, error) {
	var keys []connect.ConfigKeyInfo
	for _, c := range testValidate(context.Background(), p, map[string]string{"name": "x"}).Configs {
		keys = append(keys, *c.Definition)
	}
	return keys, nil
}

// syncBuffer is a goroutine-safe log sink.
type syncBuffer struct {
	mu      sync.Mutex
	buf     bytes.Buffer
	panics  int
	discard bool // count panics only, keep nothing (for fuzzing)
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if bytes.Contains(p, []byte("handler panic")) {
		b.panics++
	}
	if b.discard {
		return len(p), nil
	}
	return b.buf.Write(p)
}

func (b *syncBuffer) panicCount() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.panics
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

type fixture struct {
	srv   *Server
	h     *herder.Herder
	store *memory.Store
	logs  *syncBuffer
}

var fixedTime = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

func newFixture(t testing.TB, resolver *provider.Resolver) *fixture {
	t.Helper()
	logs := &syncBuffer{}
	logger := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	st := memory.New(memory.WithClock(func() time.Time { return fixedTime }))
	h, err := herder.New(herder.Config{
		Store:        st,
		Plugins:      testRegistry(t),
		Validate:     testValidate,
		PluginConfig: testPluginConfig,
		Resolver:     resolver,
		WorkerID:     "10.0.0.5:8083",
		Logger:       logger,
		Now:          func() time.Time { return fixedTime },
	})
	if err != nil {
		t.Fatal(err)
	}
	loggers := NewLoggers(nil)
	loggers.now = func() time.Time { return fixedTime }
	loggers.Level("org.connectless.herder")
	srv := New(h, Options{Version: "3.9.0", Commit: "connectless", KafkaClusterID: "I4ZmrWqfT2e-upky_4fdPA",
		Loggers: loggers, Logger: logger, MaxBodyBytes: 64 << 10})
	return &fixture{srv: srv, h: h, store: st, logs: logs}
}

// runTask plays a runner: it takes the task's lease and writes its status.
func (f *fixture) runTask(t testing.TB, connector string, task int, state store.State, trace string) {
	t.Helper()
	ctx := context.Background()
	l, err := f.store.Acquire(ctx, connector, task, "10.0.0.6:8083", time.Hour)
	if errors.Is(err, store.ErrLeaseHeld) {
		l, err = f.store.CurrentLease(ctx, connector, task)
	}
	if err != nil {
		t.Fatal(err)
	}
	if err := f.store.PutTaskStatus(ctx, l, store.Status{State: state, WorkerID: "10.0.0.6:8083", Trace: trace}); err != nil {
		t.Fatal(err)
	}
	// A slice releases its lease when it ends; offsets of a stopped connector can be altered
	// only once no lease is held.
	if err := f.store.Release(ctx, l); err != nil {
		t.Fatal(err)
	}
}
