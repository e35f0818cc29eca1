package herder_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/connectless/connectless/core/connect"
	"github.com/connectless/connectless/core/internal/herder"
	"github.com/connectless/connectless/core/store"
	"github.com/connectless/connectless/core/store/memory"
)

// src is a tiny source connector: tasks.max tasks, unless "tasks" caps them; "fail" makes a
// lifecycle step fail or panic.
type src struct{ props map[string]string }

func (c *src) Version() string            { return "1" }
func (c *src) Config() *connect.ConfigDef { return nil }
func (c *src) Start(ctx context.Context, p map[string]string) error {
	switch p["fail"] {
	case "start":
		return errors.New("start refused")
	case "panic":
		panic("connector bug")
	case "block":
		<-ctx.Done()
		return ctx.Err()
	}
	c.props = p
	return nil
}
func (c *src) TaskConfigs(max int) ([]map[string]string, error) {
	if c.props["fail"] == "tasks" {
		return nil, errors.New("no task configs")
	}
	n := max
	if v, err := strconv.Atoi(c.props["tasks"]); err == nil {
		n = v
	}
	out := make([]map[string]string, n)
	for i := range out {
		out[i] = map[string]string{"i": strconv.Itoa(i), "v": c.props["v"]}
	}
	return out, nil
}
func (c *src) Stop() error                 { return nil }
func (c *src) NewTask() connect.SourceTask { return nil }

type snk struct{}

func (snk) Version() string                                { return "1" }
func (snk) Config() *connect.ConfigDef                     { return nil }
func (snk) Start(context.Context, map[string]string) error { return nil }
func (snk) TaskConfigs(max int) ([]map[string]string, error) {
	return []map[string]string{{}}, nil
}
func (snk) Stop() error               { return nil }
func (snk) NewTask() connect.SinkTask { return nil }

func newHerder(t *testing.T) (*herder.Herder, *memory.Store) {
	t.Helper()
	reg, err := connect.NewRegistry(
		connect.Plugin{Class: "x.SrcConnector", Type: connect.PluginSource, New: func() connect.Connector { return &src{} }},
		connect.Plugin{Class: "x.SnkConnector", Type: connect.PluginSink, New: func() connect.Connector { return snk{} }},
	)
	if err != nil {
		t.Fatal(err)
	}
	st := memory.New()
	h, err := herder.New(herder.Config{Store: st, Plugins: reg, WorkerID: "w1:8083", Logger: slog.New(slog.DiscardHandler),
		ConnectorTimeout: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	return h, st
}

func raw(kv ...string) herder.RawConfig {
	out := herder.RawConfig{}
	for i := 0; i < len(kv); i += 2 {
		v := kv[i+1]
		out[kv[i]] = &v
	}
	return out
}

func connectorState(t *testing.T, h *herder.Herder, name string) string {
	t.Helper()
	st, err := h.ConnectorStatus(context.Background(), name)
	if err != nil {
		t.Fatal(err)
	}
	return st.Connector.State
}

func TestCreateInitialState(t *testing.T) {
	for _, tc := range []struct {
		initial   store.TargetState
		wantTasks int
		wantState string
	}{
		{"", 2, "RUNNING"},
		{store.TargetRunning, 2, "RUNNING"},
		{store.TargetPaused, 2, "PAUSED"},
		{store.TargetStopped, 0, "STOPPED"},
	} {
		t.Run(string(tc.initial), func(t *testing.T) {
			h, st := newHerder(t)
			ctx := context.Background()
			info, err := h.CreateConnector(ctx, "c", raw("connector.class", "Src", "tasks.max", "2"), tc.initial)
			if err != nil {
				t.Fatal(err)
			}
			if len(info.Tasks) != 0 || info.Type != "source" || info.Config["name"] != "c" {
				t.Fatalf("create info %+v", info)
			}
			c, err := st.Connector(ctx, "c")
			if err != nil {
				t.Fatal(err)
			}
			want := tc.initial
			if want == "" {
				want = store.TargetRunning
			}
			if c.TargetState != want || len(c.Tasks) != tc.wantTasks {
				t.Fatalf("stored %s with %d tasks, want %s with %d", c.TargetState, len(c.Tasks), want, tc.wantTasks)
			}
			if got := connectorState(t, h, "c"); got != tc.wantState {
				t.Fatalf("status %s, want %s", got, tc.wantState)
			}
			_, err = h.CreateConnector(ctx, "c", raw("connector.class", "Src"), "")
			if !errors.Is(err, herder.ErrConflict) || err.Error() != "Connector c already exists" {
				t.Fatalf("second create: %v", err)
			}
		})
	}
}

func TestCreateRejects(t *testing.T) {
	h, _ := newHerder(t)
	ctx := context.Background()
	for _, tc := range []struct {
		name, cname string
		cfg         herder.RawConfig
		kind        error
		msg         string
	}{
		{"name mismatch", "a", raw("name", "b", "connector.class", "Src"), herder.ErrBadRequest,
			"Connector name configuration (b) doesn't match connector name in the URL (a)"},
		{"no class", "a", raw("tasks.max", "1"), herder.ErrBadRequest, "Connector config {name=a, tasks.max=1} contains no connector type"},
		{"unknown class", "a", raw("connector.class", "Nope"), herder.ErrInternal,
			"Failed to find any class that implements Connector and which name matches Nope, available connectors are: x.SnkConnector, x.SrcConnector"},
		{"null value", "a", herder.RawConfig{"connector.class": ptr("Src"), "k": nil}, herder.ErrBadRequest,
			"Connector configuration is invalid and contains the following 1 error(s):\nNull value can not be supplied as the configuration value.\n" +
				"You can also find the above list of errors at the endpoint `/connector-plugins/{connectorType}/config/validate`"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := h.CreateConnector(ctx, tc.cname, tc.cfg, "")
			if !errors.Is(err, tc.kind) || err.Error() != tc.msg {
				t.Fatalf("got %v (%T), want %q", err, err, tc.msg)
			}
			if names, _ := h.Connectors(ctx); len(names) != 0 {
				t.Fatalf("a rejected create stored %v", names)
			}
		})
	}
}

func ptr(s string) *string { return &s }

func TestUpdateNewGeneration(t *testing.T) {
	h, st := newHerder(t)
	ctx := context.Background()
	if _, err := h.CreateConnector(ctx, "c", raw("connector.class", "Src", "tasks.max", "3", "v", "1"), ""); err != nil {
		t.Fatal(err)
	}
	before, _ := st.Connector(ctx, "c")
	info, created, err := h.PutConnectorConfig(ctx, "c", raw("connector.class", "Src", "tasks.max", "3", "v", "2"))
	if err != nil || created {
		t.Fatalf("put: created=%v err=%v", created, err)
	}
	if len(info.Tasks) != 3 {
		t.Fatalf("put returns the tasks from before the update, got %d", len(info.Tasks))
	}
	after, _ := st.Connector(ctx, "c")
	if after.Generation <= before.Generation || after.Tasks[0]["v"] != "2" {
		t.Fatalf("generation %d -> %d, task %v", before.Generation, after.Generation, after.Tasks[0])
	}
	// PATCH: null removes a key, others are set.
	info, err = h.PatchConnectorConfig(ctx, "c", herder.RawConfig{"v": nil, "tasks": ptr("1")})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := info.Config["v"]; ok || info.Config["tasks"] != "1" || info.Config["name"] != "c" {
		t.Fatalf("patched config %v", info.Config)
	}
	if c, _ := st.Connector(ctx, "c"); len(c.Tasks) != 1 {
		t.Fatalf("after patch %d tasks, want 1", len(c.Tasks))
	}
	if _, err := h.PatchConnectorConfig(ctx, "nope", raw("a", "b")); !errors.Is(err, herder.ErrNotFound) || err.Error() != "Connector nope not found" {
		t.Fatalf("patch unknown: %v", err)
	}
	_, created, err = h.PutConnectorConfig(ctx, "d", raw("connector.class", "Src"))
	if err != nil || !created {
		t.Fatalf("put new: created=%v err=%v", created, err)
	}
}

func TestStopAndResume(t *testing.T) {
	h, st := newHerder(t)
	ctx := context.Background()
	if _, err := h.CreateConnector(ctx, "c", raw("connector.class", "Src", "tasks.max", "2"), ""); err != nil {
		t.Fatal(err)
	}
	if err := h.StopConnector(ctx, "c"); err != nil {
		t.Fatal(err)
	}
	c, _ := st.Connector(ctx, "c")
	if c.TargetState != store.TargetStopped || len(c.Tasks) != 0 || connectorState(t, h, "c") != "STOPPED" {
		t.Fatalf("after stop: %s, %d tasks", c.TargetState, len(c.Tasks))
	}
	if err := h.PauseConnector(ctx, "c"); err != nil {
		t.Fatal(err)
	}
	if err := h.ResumeConnector(ctx, "c"); err != nil {
		t.Fatal(err)
	}
	c, _ = st.Connector(ctx, "c")
	if c.TargetState != store.TargetRunning || len(c.Tasks) != 2 || connectorState(t, h, "c") != "RUNNING" {
		t.Fatalf("after resume: %s, %d tasks", c.TargetState, len(c.Tasks))
	}
	for _, op := range []func(context.Context, string) error{h.PauseConnector, h.ResumeConnector, h.StopConnector} {
		if err := op(ctx, "nope"); !errors.Is(err, herder.ErrNotFound) || err.Error() != "Unknown connector nope" {
			t.Fatalf("unknown connector: %v", err)
		}
	}
}

func TestConnectorFailureIsStatus(t *testing.T) {
	for _, fail := range []string{"start", "tasks", "panic", "block"} {
		t.Run(fail, func(t *testing.T) {
			h, _ := newHerder(t)
			ctx := context.Background()
			if _, err := h.CreateConnector(ctx, "c", raw("connector.class", "Src", "fail", fail), ""); err != nil {
				t.Fatalf("a connector failure is not a create error: %v", err)
			}
			st, err := h.ConnectorStatus(ctx, "c")
			if err != nil || st.Connector.State != "FAILED" || st.Connector.Trace == "" {
				t.Fatalf("status %+v %v", st, err)
			}
		})
	}
}

func TestTooManyTasks(t *testing.T) {
	h, _ := newHerder(t)
	ctx := context.Background()
	if _, err := h.CreateConnector(ctx, "c", raw("connector.class", "Src", "tasks.max", "1", "tasks", "3"), ""); err != nil {
		t.Fatal(err)
	}
	st, _ := h.ConnectorStatus(ctx, "c")
	if st.Connector.State != "FAILED" || !strings.Contains(st.Connector.Trace, "generated 3 tasks, which is greater than 1") {
		t.Fatalf("status %+v", st)
	}
}

// runner writes a task status under a lease, as a worker does.
func runner(t *testing.T, st *memory.Store, conn string, task int, state store.State) {
	t.Helper()
	ctx := context.Background()
	l, err := st.Acquire(ctx, conn, task, "w2", time.Minute)
	if errors.Is(err, store.ErrLeaseHeld) {
		l, err = st.CurrentLease(ctx, conn, task)
	}
	if err != nil {
		t.Fatal(err)
	}
	if err := st.PutTaskStatus(ctx, l, store.Status{State: state, WorkerID: "w2"}); err != nil {
		t.Fatal(err)
	}
}

func TestRestartPlan(t *testing.T) {
	for _, tc := range []struct {
		includeTasks, onlyFailed bool
		connFailed               bool
		wantNil                  bool
		wantConn                 string
		wantTasks                string // states of task 0 (RUNNING) and 1 (FAILED) in the plan
	}{
		{false, false, false, true, "", ""},
		{true, false, false, false, "RESTARTING", "RESTARTING,RESTARTING"},
		{true, true, false, false, "RUNNING", "RUNNING,RESTARTING"},
		{false, true, false, false, "RUNNING", "RUNNING,FAILED"},
		{false, true, true, false, "RESTARTING", "RUNNING,FAILED"},
		{true, true, true, false, "RESTARTING", "RUNNING,RESTARTING"},
	} {
		t.Run(fmt.Sprintf("tasks=%v,failed=%v,connFailed=%v", tc.includeTasks, tc.onlyFailed, tc.connFailed), func(t *testing.T) {
			h, st := newHerder(t)
			ctx := context.Background()
			if _, err := h.CreateConnector(ctx, "c", raw("connector.class", "Src", "tasks.max", "2"), ""); err != nil {
				t.Fatal(err)
			}
			runner(t, st, "c", 0, store.StateRunning)
			runner(t, st, "c", 1, store.StateFailed)
			if tc.connFailed {
				if err := st.PutStatus(ctx, store.Status{Connector: "c", Task: -1, State: store.StateFailed, WorkerID: "w1:8083"}); err != nil {
					t.Fatal(err)
				}
			}
			plan, err := h.RestartConnector(ctx, "c", tc.includeTasks, tc.onlyFailed)
			if err != nil {
				t.Fatal(err)
			}
			if tc.wantNil {
				if plan != nil {
					t.Fatalf("plain restart returned a plan %+v", plan)
				}
				return
			}
			var states []string
			for _, ts := range plan.Tasks {
				states = append(states, ts.State)
			}
			if plan.Connector.State != tc.wantConn || strings.Join(states, ",") != tc.wantTasks {
				t.Fatalf("plan connector %s tasks %v, want %s %s", plan.Connector.State, states, tc.wantConn, tc.wantTasks)
			}
			// The task restarts are recorded for runners.
			got, err := h.ConnectorStatus(ctx, "c")
			if err != nil {
				t.Fatal(err)
			}
			for i, ts := range got.Tasks {
				wantRestarting := plan.Tasks[i].State == "RESTARTING"
				if (ts.State == "RESTARTING") != wantRestarting {
					t.Fatalf("stored task %d state %s, plan %s", i, ts.State, plan.Tasks[i].State)
				}
			}
		})
	}
}

func TestRestartErrors(t *testing.T) {
	h, st := newHerder(t)
	ctx := context.Background()
	if _, err := h.RestartConnector(ctx, "nope", true, false); err == nil || err.Error() != "Unknown connector: nope" {
		t.Fatalf("restart unknown: %v", err)
	}
	if err := st.CreateConnector(ctx, "bare", map[string]string{"connector.class": "Src", "name": "bare"}, store.TargetRunning); err != nil {
		t.Fatal(err)
	}
	if _, err := h.RestartConnector(ctx, "bare", true, false); !errors.Is(err, herder.ErrNotFound) || err.Error() != "Status for connector bare not found" {
		t.Fatalf("restart without status: %v", err)
	}
	if err := h.RestartTask(ctx, "nope", 0); err == nil || err.Error() != "Unknown connector: nope" {
		t.Fatalf("task restart unknown connector: %v", err)
	}
	if _, err := h.CreateConnector(ctx, "c", raw("connector.class", "Src", "tasks.max", "1"), ""); err != nil {
		t.Fatal(err)
	}
	for _, id := range []int{-1, 1} {
		if err := h.RestartTask(ctx, "c", id); err == nil || err.Error() != fmt.Sprintf("Unknown task: c-%d", id) {
			t.Fatalf("task restart %d: %v", id, err)
		}
	}
	if err := h.RestartTask(ctx, "c", 0); err != nil {
		t.Fatal(err)
	}
	ts, err := h.TaskStatus(ctx, "c", 0)
	if err != nil || ts.State != "RESTARTING" {
		t.Fatalf("task status after restart request: %+v %v", ts, err)
	}
}

func TestOffsetsRules(t *testing.T) {
	h, _ := newHerder(t)
	ctx := context.Background()
	if _, err := h.CreateConnector(ctx, "s", raw("connector.class", "Snk", "topics", "a"), ""); err != nil {
		t.Fatal(err)
	}
	one := []herder.ConnectorOffset{{Partition: map[string]any{"kafka_topic": "a", "kafka_partition": "0"}, Offset: map[string]any{"kafka_offset": "3"}}}
	_, err := h.AlterOffsets(ctx, "s", one)
	if !errors.Is(err, herder.ErrBadRequest) || !strings.HasPrefix(err.Error(), "Connectors must be in the STOPPED state") {
		t.Fatalf("alter while running: %v", err)
	}
	if _, err := h.AlterOffsets(ctx, "nope", one); !errors.Is(err, herder.ErrNotFound) {
		t.Fatalf("alter unknown: %v", err)
	}
	if err := h.StopConnector(ctx, "s"); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		in   herder.ConnectorOffset
		msg  string
	}{
		{"null partition", herder.ConnectorOffset{}, "The partition for a sink connector offset cannot be null or missing"},
		{"missing keys", herder.ConnectorOffset{Partition: map[string]any{"kafka_topic": "a"}}, "The partition for a sink connector offset must contain the keys 'kafka_topic' and 'kafka_partition'"},
		{"null topic", herder.ConnectorOffset{Partition: map[string]any{"kafka_topic": nil, "kafka_partition": 1.0}}, "Kafka topic names must be valid strings and may not be null"},
		{"null partition number", herder.ConnectorOffset{Partition: map[string]any{"kafka_topic": "a", "kafka_partition": nil}}, "Kafka partitions must be valid numbers and may not be null"},
		{"float partition", herder.ConnectorOffset{Partition: map[string]any{"kafka_topic": "a", "kafka_partition": 1.5}},
			"Failed to parse the following Kafka partition value in the provided offsets: '1.5'. Partition values for sink connectors need to be integers."},
		// Jackson reads 1e3 and 1E20 as Doubles, and Integer.parseInt(String.valueOf(d)) fails on
		// Java's Double.toString forms "1000.0" and "1.0E20" (Kafka's SinkUtils.parseSinkConnectorOffsets).
		{"exponent partition", herder.ConnectorOffset{Partition: map[string]any{"kafka_topic": "a", "kafka_partition": json.Number("1e3")}},
			"Failed to parse the following Kafka partition value in the provided offsets: '1000.0'. Partition values for sink connectors need to be integers."},
		{"large double offset", herder.ConnectorOffset{Partition: map[string]any{"kafka_topic": "a", "kafka_partition": "1"}, Offset: map[string]any{"kafka_offset": 1e20}},
			"Failed to parse the following Kafka offset value in the provided offsets: '1.0E20'. Offset values for sink connectors need to be integers."},
		{"no kafka_offset", herder.ConnectorOffset{Partition: map[string]any{"kafka_topic": "a", "kafka_partition": "1"}, Offset: map[string]any{"x": 1}},
			"The offset for a sink connector should either be null or contain the key 'kafka_offset'"},
		{"text offset", herder.ConnectorOffset{Partition: map[string]any{"kafka_topic": "a", "kafka_partition": "1"}, Offset: map[string]any{"kafka_offset": "x"}},
			"Failed to parse the following Kafka offset value in the provided offsets: 'x'. Offset values for sink connectors need to be integers."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := h.AlterOffsets(ctx, "s", []herder.ConnectorOffset{tc.in})
			if !errors.Is(err, herder.ErrBadRequest) || err.Error() != tc.msg {
				t.Fatalf("got %v, want %q", err, tc.msg)
			}
		})
	}
	if _, err := h.AlterOffsets(ctx, "s", one); err != nil {
		t.Fatal(err)
	}
	got, err := h.Offsets(ctx, "s")
	if err != nil || len(got.Offsets) != 1 || got.Offsets[0].Offset != (herder.SinkOffset{KafkaOffset: 3}) {
		t.Fatalf("offsets %+v %v", got, err)
	}
	if _, err := h.ResetOffsets(ctx, "s"); err != nil {
		t.Fatal(err)
	}
	if got, _ := h.Offsets(ctx, "s"); len(got.Offsets) != 0 {
		t.Fatalf("after reset %+v", got)
	}
}

func TestDeleteKeepsNothingVisible(t *testing.T) {
	h, _ := newHerder(t)
	ctx := context.Background()
	if _, err := h.CreateConnector(ctx, "c", raw("connector.class", "Src"), ""); err != nil {
		t.Fatal(err)
	}
	if err := h.DeleteConnector(ctx, "c"); err != nil {
		t.Fatal(err)
	}
	if err := h.DeleteConnector(ctx, "c"); !errors.Is(err, herder.ErrNotFound) || err.Error() != "Connector c not found" {
		t.Fatalf("second delete: %v", err)
	}
	if _, err := h.ConnectorStatus(ctx, "c"); err == nil || err.Error() != "No status found for connector c" {
		t.Fatalf("status after delete: %v", err)
	}
}
