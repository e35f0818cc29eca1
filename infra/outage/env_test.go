package outage

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/connectless/connectless/connectors"
	"github.com/connectless/connectless/core/connect"
	"github.com/connectless/connectless/core/kafka"
	"github.com/connectless/connectless/core/schedule"
	"github.com/connectless/connectless/core/store"
	"github.com/connectless/connectless/core/store/memory"
	"github.com/connectless/connectless/core/taskrun"
)

// sliceEnv is a taskrun environment over a broker and the memory store, with the shipped
// connectors and the default pipeline (JSON converters with schemas).
type sliceEnv struct {
	env    *taskrun.Env
	store  store.Store
	client *kafka.Client
}

func newSliceEnv(t *testing.T, brokers []string) *sliceEnv {
	t.Helper()
	client, err := kafka.NewClient(kafka.Options{Brokers: brokers})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { client.Close() })
	reg, err := connectors.Registry()
	if err != nil {
		t.Fatal(err)
	}
	st := memory.New()
	return &sliceEnv{
		env:    &taskrun.Env{Store: st, Registry: reg, Kafka: client, Holder: "outage", Margin: 200 * time.Millisecond, IdlePolls: 2, Logger: testLogger(t)},
		store:  st,
		client: client,
	}
}

// create stores a connector with the task configurations its Start and TaskConfigs give,
// and deals a sink's partitions.
func (e *sliceEnv) create(t *testing.T, name string, cfg map[string]string) {
	t.Helper()
	ctx := t.Context()
	if storeConnector(t, e.store, e.env.Registry, name, cfg) == connect.PluginSink {
		sc, err := e.store.Connector(ctx, name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := taskrun.Assign(ctx, e.store, e.env.Registry, e.client, sc); err != nil {
			t.Fatal(err)
		}
	}
}

// storeConnector stores a RUNNING connector with one task configuration from its Start
// and TaskConfigs, and returns its type.
func storeConnector(t *testing.T, st store.Store, reg *connect.Registry, name string, cfg map[string]string) connect.PluginType {
	t.Helper()
	ctx := t.Context()
	p, err := reg.Lookup(cfg["connector.class"])
	if err != nil {
		t.Fatal(err)
	}
	c := p.New()
	if err := c.Start(ctx, cfg); err != nil {
		t.Fatalf("start %s: %v", name, err)
	}
	tasks, err := c.TaskConfigs(1)
	_ = c.Stop()
	if err != nil {
		t.Fatal(err)
	}
	if err := st.CreateConnector(ctx, name, cfg, store.TargetRunning); err != nil {
		t.Fatal(err)
	}
	if _, err := st.PutTaskConfigs(ctx, name, tasks); err != nil {
		t.Fatal(err)
	}
	return p.Type
}

// run runs one slice of task 0, waiting out a retry backoff (the lease the last retrying
// slice holds) first.
func (e *sliceEnv) run(t *testing.T, name string) (taskrun.Result, error) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
		res, err := taskrun.Run(ctx, e.env, schedule.Payload{Connector: name}, time.Now().Add(10*time.Second))
		cancel()
		if !errors.Is(err, store.ErrLeaseHeld) || time.Now().After(deadline) {
			return res, err
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// status returns task 0's status.
func (e *sliceEnv) status(t *testing.T, name string) store.Status {
	t.Helper()
	sts, err := e.store.Statuses(t.Context(), name)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range sts {
		if s.Task == 0 {
			return s
		}
	}
	t.Fatalf("%s: no task status", name)
	return store.Status{}
}

// wantRetrying checks that a slice ended retrying: no error, RUNNING, "retrying since" with
// the attempt and a cause containing cause.
func (e *sliceEnv) wantRetrying(t *testing.T, name string, res taskrun.Result, err error, attempt int, cause string) {
	t.Helper()
	if err != nil || !res.Retrying || res.RetryAttempt != attempt || res.Committed {
		t.Fatalf("%s: slice = %+v, %v; want retrying attempt %d, nothing committed", name, res, err, attempt)
	}
	st := e.status(t, name)
	note := schedule.ParseNote(st.Trace)
	if st.State != store.StateRunning || !note.Retrying() || note.Attempt != attempt || !containsFold(st.Trace, cause) {
		t.Fatalf("%s: status = %s %q; want RUNNING retrying (attempt %d) because %q", name, st.State, st.Trace, attempt, cause)
	}
	t.Logf("%s: %s", name, firstLine(st.Trace))
}

// wantRecovered checks that a slice succeeded and the status is RUNNING without trace.
func (e *sliceEnv) wantRecovered(t *testing.T, name string, res taskrun.Result, err error) {
	t.Helper()
	if err != nil || res.Retrying {
		t.Fatalf("%s: slice = %+v, %v; want success", name, res, err)
	}
	if st := e.status(t, name); st.State != store.StateRunning || st.Trace != "" {
		t.Fatalf("%s: status = %s %q; want RUNNING without trace", name, st.State, st.Trace)
	}
}
