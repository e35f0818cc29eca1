package serverless

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/connectless/connectless/core/config"
	"github.com/connectless/connectless/core/connect"
	"github.com/connectless/connectless/core/schedule"
	"github.com/connectless/connectless/core/store"
	"github.com/connectless/connectless/infra/devstack"
	"github.com/connectless/connectless/infra/devstack/devstacktest"
)

// idleSource is a source whose tasks never have anything to do.
type idleSource struct{ polls *atomic.Int64 }

func (idleSource) Version() string                                { return "1" }
func (idleSource) Config() *connect.ConfigDef                     { return connect.NewConfigDef() }
func (idleSource) Start(context.Context, map[string]string) error { return nil }
func (idleSource) Stop() error                                    { return nil }
func (idleSource) TaskConfigs(n int) ([]map[string]string, error) {
	out := make([]map[string]string, n)
	for i := range out {
		out[i] = map[string]string{}
	}
	return out, nil
}
func (s idleSource) NewTask() connect.SourceTask { return idleTask(s) }

type idleTask idleSource

func (idleTask) Start(context.Context, map[string]string, connect.SourceTaskContext) error {
	return nil
}
func (t idleTask) Poll(context.Context) ([]connect.SourceRecord, error) {
	t.polls.Add(1)
	return nil, nil
}
func (idleTask) Stop() error { return nil }

// sinkStub is a sink plugin only ever scheduled, never run.
type sinkStub struct{ idleSource }

func (sinkStub) NewTask() connect.SinkTask { return nil }

// memoryRuntime opens a runtime on the memory backend with the idle source and sink stub.
func memoryRuntime(t testing.TB, props map[string]string) (*Runtime, *atomic.Int64) {
	t.Helper()
	polls := &atomic.Int64{}
	reg, err := connect.NewRegistry(append(config.BuiltinPlugins(),
		connect.Plugin{Class: "test.IdleSource", Type: connect.PluginSource, Version: "1", New: func() connect.Connector { return idleSource{polls} }},
		connect.Plugin{Class: "test.SinkStub", Type: connect.PluginSink, Version: "1", New: func() connect.Connector { return sinkStub{idleSource{polls}} }},
		connect.Plugin{Class: "test.CheckedSink", Type: connect.PluginSink, Version: "1", New: func() connect.Connector { return checkedSink{sinkStub{idleSource{polls}}} }},
	)...)
	if err != nil {
		t.Fatal(err)
	}
	all := map[string]string{"state.backend": "memory", "task.shutdown.margin.ms": "10"}
	for k, v := range props {
		all[k] = v
	}
	rt, err := Open(context.Background(), all, Options{Registry: reg, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { rt.Close() })
	return rt, polls
}

func createConnector(t testing.TB, rt *Runtime, name, class string, tasks int, state store.TargetState) {
	t.Helper()
	ctx := context.Background()
	if err := rt.Store.CreateConnector(ctx, name, map[string]string{"connector.class": class, "tasks.max": fmt.Sprint(tasks)}, state); err != nil {
		t.Fatal(err)
	}
	cfgs := make([]map[string]string, tasks)
	for i := range cfgs {
		cfgs[i] = map[string]string{}
	}
	if _, err := rt.Store.PutTaskConfigs(ctx, name, cfgs); err != nil {
		t.Fatal(err)
	}
}

// TestIntegrationScheduleInProcess runs the scheduler → task flow in one process: every task
// of every RUNNING connector is invoked once per tick, runs a slice and reports RUNNING;
// paused ones are not.
func TestIntegrationScheduleInProcess(t *testing.T) {
	k := devstacktest.Kafka(t, devstack.KafkaOptions{Partitions: 1, Topics: []string{"logs"}})
	rt, polls := memoryRuntime(t, map[string]string{"bootstrap.servers": strings.Join(k.Brokers(), ",")})
	createConnector(t, rt, "a", "test.IdleSource", 2, store.TargetRunning)
	createConnector(t, rt, "b", "test.IdleSource", 3, store.TargetRunning)
	createConnector(t, rt, "p", "test.IdleSource", 2, store.TargetPaused)
	createConnector(t, rt, "s", "test.SinkStub", 1, store.TargetRunning)
	var ran atomic.Int64
	inv := &InProcess{Run: func(ctx context.Context, p schedule.Payload) error {
		if p.Connector == "s" {
			return nil
		}
		res, err := rt.RunTask(ctx, "", p)
		if err == nil && !res.Skipped {
			ran.Add(1)
		}
		return err
	}}
	ctx := context.Background()
	for tick := 1; tick <= 2; tick++ {
		got, err := rt.Schedule(ctx, time.Now(), inv)
		if err != nil {
			t.Fatal(err)
		}
		inv.Wait()
		if got.Due != 6 || got.Sent != 6 || len(got.Errors) != 0 {
			t.Errorf("tick %d: %+v, want 6 due and sent", tick, got)
		}
		if ran.Load() != int64(5*tick) {
			t.Errorf("tick %d: %d slices ran, want %d", tick, ran.Load(), 5*tick)
		}
	}
	if polls.Load() < 10 {
		t.Errorf("%d polls, want at least one per slice", polls.Load())
	}
	for _, name := range []string{"a", "b"} {
		st, err := rt.Store.Statuses(ctx, name)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range st {
			if s.Task >= 0 && s.State != store.StateRunning {
				t.Errorf("%s/%d: %s %s, want RUNNING", name, s.Task, s.State, s.Trace)
			}
		}
	}
}

// TestRunTaskLeaseHeld: an invocation that finds the lease held by another exits cleanly,
// skipped, and says why.
func TestRunTaskLeaseHeld(t *testing.T) {
	rt, polls := memoryRuntime(t, nil)
	createConnector(t, rt, "a", "test.IdleSource", 1, store.TargetRunning)
	ctx := context.Background()
	if _, err := rt.Store.Acquire(ctx, "a", 0, "other", time.Minute); err != nil {
		t.Fatal(err)
	}
	res, err := rt.RunTask(ctx, "me", schedule.Payload{Connector: "a", Task: 0})
	if err != nil || !res.Skipped || !strings.Contains(res.Reason, "skipped") || polls.Load() != 0 {
		t.Errorf("got %+v, %v after %d polls; want a clean skip without running", res, err, polls.Load())
	}
	if _, err := rt.RunTask(ctx, "me", schedule.Payload{}); err == nil {
		t.Error("a payload without a connector gave no error")
	}
}

// TestScheduleSinkWithoutKafka: a sink connector cannot be assigned without Kafka; the tick
// reports it and still dispatches the others.
func TestScheduleSinkWithoutKafka(t *testing.T) {
	rt, _ := memoryRuntime(t, nil)
	createConnector(t, rt, "s", "test.SinkStub", 1, store.TargetRunning)
	createConnector(t, rt, "a", "test.IdleSource", 1, store.TargetRunning)
	var sent atomic.Int64
	got, err := rt.Schedule(context.Background(), time.Now(), schedule.InvokerFunc(func(context.Context, schedule.Payload) error { sent.Add(1); return nil }))
	if err != nil || len(got.Errors) != 1 || !strings.Contains(got.Errors[0], "bootstrap.servers") || sent.Load() != int64(got.Sent) {
		t.Errorf("got %+v, %v; want the sink reported and the tick done", got, err)
	}
}

// TestLambdaInvokerNeedsFunction: the scheduler refuses to start without task.function.name.
func TestLambdaInvokerNeedsFunction(t *testing.T) {
	rt, _ := memoryRuntime(t, nil)
	if _, err := rt.LambdaInvoker(context.Background()); !errors.Is(err, ErrConfig) || !strings.Contains(err.Error(), "task.function.name") {
		t.Errorf("got %v, want an ErrConfig naming task.function.name", err)
	}
}

// BenchmarkSchedulePlanDispatch1000 measures one scheduler tick over 1,000 due tasks (100
// connectors of 10 tasks) on the memory store, with an invoker that only counts.
func BenchmarkSchedulePlanDispatch1000(b *testing.B) {
	rt, _ := memoryRuntime(b, nil)
	for i := range 100 {
		createConnector(b, rt, fmt.Sprintf("c%03d", i), "test.IdleSource", 10, store.TargetRunning)
	}
	var sent atomic.Int64
	inv := schedule.InvokerFunc(func(context.Context, schedule.Payload) error { sent.Add(1); return nil })
	ctx := context.Background()
	for b.Loop() {
		tick, err := rt.Schedule(ctx, time.Now(), inv)
		if err != nil || tick.Sent != 1000 {
			b.Fatalf("tick %+v, %v", tick, err)
		}
	}
}

// BenchmarkWarmIdleSlice measures one task invocation whose source has nothing to do: lease,
// config, a slice of three empty polls, status and release, on the memory store.
func BenchmarkWarmIdleSlice(b *testing.B) {
	k := devstacktest.Kafka(b, devstack.KafkaOptions{Partitions: 1, Topics: []string{"logs"}})
	rt, _ := memoryRuntime(b, map[string]string{"bootstrap.servers": strings.Join(k.Brokers(), ",")})
	createConnector(b, rt, "a", "test.IdleSource", 1, store.TargetRunning)
	ctx := context.Background()
	p := schedule.Payload{Connector: "a", Task: 0}
	for b.Loop() {
		if res, err := rt.RunTask(ctx, "bench", p); err != nil || res.Skipped {
			b.Fatalf("%+v, %v", res, err)
		}
	}
}
