package storetest

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/connectless/connectless/core/connect"
	"github.com/connectless/connectless/core/store"
)

func wantStatuses(e *env, s store.Store, connector string, want []store.Status) {
	t := e.t
	t.Helper()
	got, err := s.Statuses(ctx(t), connector)
	must(t, err, "statuses")
	if len(got) != len(want) {
		t.Fatalf("statuses of %q:\n got %+v\nwant %+v", connector, got, want)
	}
	for i := range got {
		g, w := got[i], want[i]
		if g.Connector != w.Connector || g.Task != w.Task || g.State != w.State || g.WorkerID != w.WorkerID ||
			g.Trace != w.Trace || g.Generation != w.Generation || !g.Updated.Equal(w.Updated) {
			t.Fatalf("status %d of %q:\n got %+v\nwant %+v", i, connector, g, w)
		}
	}
}

func testStatuses(e *env) {
	t, s := e.t, e.s
	a := e.name("status")
	wantStatuses(e, s, a, nil)
	leases := map[int]store.Lease{}
	for _, task := range []int{2, 0, 1, 10} {
		l, err := s.Acquire(ctx(t), a, task, fmt.Sprintf("w%d", task), time.Minute)
		must(t, err, "acquire")
		leases[task] = l
	}
	now := e.clock.Now()
	trace := "org.apache.kafka.connect.errors.ConnectException: boom\n\tat x.y(Z.java:1)\n\tcaused by: ünïcödé ✓"
	must(t, s.PutTaskStatus(ctx(t), leases[2], store.Status{State: store.StateFailed, WorkerID: "w2", Trace: trace, Generation: 3, Updated: now}), "task 2")
	must(t, s.PutTaskStatus(ctx(t), leases[10], store.Status{State: store.StateRunning, WorkerID: "w10", Generation: 3, Updated: now}), "task 10")
	must(t, s.PutTaskStatus(ctx(t), leases[0], store.Status{State: store.StateRunning, WorkerID: "w0", Generation: 3, Updated: now}), "task 0")
	must(t, s.PutStatus(ctx(t), store.Status{Connector: a, Task: -1, State: store.StateRunning, WorkerID: "rest-1", Generation: 3, Updated: now}), "connector")
	must(t, s.PutTaskStatus(ctx(t), leases[1], store.Status{State: store.StatePaused, WorkerID: "w1", Generation: 3, Updated: now.Add(time.Second)}), "task 1")
	want := []store.Status{
		{Connector: a, Task: -1, State: store.StateRunning, WorkerID: "rest-1", Generation: 3, Updated: now},
		{Connector: a, Task: 0, State: store.StateRunning, WorkerID: "w0", Generation: 3, Updated: now},
		{Connector: a, Task: 1, State: store.StatePaused, WorkerID: "w1", Generation: 3, Updated: now.Add(time.Second)},
		{Connector: a, Task: 2, State: store.StateFailed, WorkerID: "w2", Trace: trace, Generation: 3, Updated: now},
		{Connector: a, Task: 10, State: store.StateRunning, WorkerID: "w10", Generation: 3, Updated: now},
	}
	wantStatuses(e, s, a, want)

	// Overwrites replace the whole status (the trace goes away once running again).
	later := now.Add(time.Minute)
	must(t, s.PutTaskStatus(ctx(t), leases[2], store.Status{State: store.StateRunning, WorkerID: "w2", Generation: 4, Updated: later}), "task 2 again")
	must(t, s.PutStatus(ctx(t), store.Status{Connector: a, Task: -1, State: store.StatePaused, WorkerID: "rest-2", Generation: 4, Updated: later}), "connector again")
	want[0] = store.Status{Connector: a, Task: -1, State: store.StatePaused, WorkerID: "rest-2", Generation: 4, Updated: later}
	want[3] = store.Status{Connector: a, Task: 2, State: store.StateRunning, WorkerID: "w2", Generation: 4, Updated: later}
	wantStatuses(e, s, a, want)

	// Task statuses are written under the lease: the lease names the connector and task.
	must(t, s.PutTaskStatus(ctx(t), leases[1], store.Status{Connector: "someone-else", Task: 7, State: store.StateRunning, WorkerID: "w1", Updated: later}), "task 1 with other names")
	want[2] = store.Status{Connector: a, Task: 1, State: store.StateRunning, WorkerID: "w1", Updated: later}
	wantStatuses(e, s, a, want)

	wantErr(t, s.PutStatus(ctx(t), store.Status{Connector: "", Task: -1, State: store.StateRunning}), store.ErrInvalid, "status with empty connector")
	wantErr(t, s.PutStatus(ctx(t), store.Status{Connector: a, Task: -2, State: store.StateRunning}), store.ErrInvalid, "status of task -2")
	wantStatuses(e, s, a, want)
}

func testTooLarge(e *env) {
	t, s := e.t, e.s
	n := e.h.MaxValueSize
	a := e.name("large")
	must(t, s.CreateConnector(ctx(t), a, map[string]string{"k": "v"}, store.TargetRunning), "create")
	gen, err := s.PutTaskConfigs(ctx(t), a, []map[string]string{{"t": "0"}})
	must(t, err, "task configs")
	l, err := s.Acquire(ctx(t), a, 0, "w", time.Minute)
	must(t, err, "acquire")
	must(t, s.CommitSourceOffsets(ctx(t), l, []store.SourceOffset{{Partition: part("f"), Offset: map[string]any{"blob": bigString(n / 4)}}}), "commit a quarter of the limit")
	must(t, s.CommitSinkOffsets(ctx(t), l, map[connect.TopicPartition]int64{tp("t", 0): 1}), "commit sink")

	huge := bigString(n + 1)
	cases := []struct {
		what string
		err  error
	}{
		{"source offset", s.CommitSourceOffsets(ctx(t), l, []store.SourceOffset{{Partition: part("g"), Offset: map[string]any{"blob": huge}}})},
		{"source partition", s.CommitSourceOffsets(ctx(t), l, []store.SourceOffset{{Partition: part(huge), Offset: off(1)}})},
		{"altered source offset", s.AlterSourceOffsets(ctx(t), a, []store.SourceOffset{{Partition: part("g"), Offset: map[string]any{"blob": huge}}})},
		{"new connector config", s.CreateConnector(ctx(t), e.name("large-new"), map[string]string{"k": huge}, store.TargetRunning)},
		{"replaced connector config", s.PutConnectorConfig(ctx(t), a, map[string]string{"k": huge})},
		{"task config", func() error { _, err := s.PutTaskConfigs(ctx(t), a, []map[string]string{{"t": huge}}); return err }()},
		{"task status trace", s.PutTaskStatus(ctx(t), l, store.Status{State: store.StateFailed, Trace: huge})},
		{"connector status trace", s.PutStatus(ctx(t), store.Status{Connector: a, Task: -1, State: store.StateFailed, Trace: huge})},
	}
	for _, c := range cases {
		wantErr(t, c.err, store.ErrTooLarge, c.what)
		if msg := c.err.Error(); !strings.Contains(msg, "bytes") || !strings.Contains(msg, a) && !strings.Contains(msg, e.name("large-new")) {
			t.Errorf("%s: error %q should name the connector and give sizes in bytes", c.what, msg)
		}
	}
	// Nothing was lost or half-written.
	got, err := s.Connector(ctx(t), a)
	must(t, err, "get")
	wantConnector(t, got, store.Connector{Name: a, Config: map[string]string{"k": "v"}, TargetState: store.TargetRunning, Generation: gen, Tasks: []map[string]string{{"t": "0"}}})
	_, err = s.Connector(ctx(t), e.name("large-new"))
	wantErr(t, err, store.ErrNotFound, "refused connector")
	wantSource(t, s, a, map[string]string{`{"filename":"f"}`: fmt.Sprintf(`{"blob":"%s"}`, bigString(n/4))})
	wantSink(t, s, a, map[connect.TopicPartition]int64{tp("t", 0): 1})
	must(t, s.CommitSinkOffsets(ctx(t), l, map[connect.TopicPartition]int64{tp("t", 0): 2}), "commit after refusals")
}

func testConcurrentWriters(e *env) {
	t, s := e.t, e.s
	a := e.name("conc")
	must(t, s.CreateConnector(ctx(t), a, map[string]string{"k": "v"}, store.TargetRunning), "create")
	const rounds = 4
	var wg sync.WaitGroup
	errs := make(chan error, e.h.Concurrency*(rounds*3+2))
	gens := make(chan int64, e.h.Concurrency)
	for i := range e.h.Concurrency {
		wg.Go(func() {
			l, err := s.Acquire(ctx(t), a, i, fmt.Sprintf("w%d", i), time.Minute)
			if err != nil {
				errs <- err
				return
			}
			for r := range rounds {
				errs <- s.CommitSourceOffsets(ctx(t), l, []store.SourceOffset{{Partition: map[string]any{"task": i, "round": r}, Offset: off(r)}})
				errs <- s.CommitSinkOffsets(ctx(t), l, map[connect.TopicPartition]int64{tp("t", int32(i)): int64(r)})
				errs <- s.PutTaskStatus(ctx(t), l, store.Status{State: store.StateRunning, WorkerID: fmt.Sprintf("w%d", i), Generation: int64(r)})
			}
			gen, err := s.PutTaskConfigs(ctx(t), a, []map[string]string{{"writer": fmt.Sprint(i)}})
			errs <- err
			gens <- gen
		})
	}
	wg.Wait()
	close(errs)
	close(gens)
	for err := range errs {
		if err != nil {
			t.Fatalf("concurrent write: %v", err)
		}
	}
	wantSrc := map[string]string{}
	wantSk := map[connect.TopicPartition]int64{}
	var wantSt []store.Status
	for i := range e.h.Concurrency {
		for r := range rounds {
			wantSrc[fmt.Sprintf(`{"round":%d,"task":%d}`, r, i)] = fmt.Sprintf(`{"position":%d}`, r)
		}
		wantSk[tp("t", int32(i))] = rounds - 1
		wantSt = append(wantSt, store.Status{Connector: a, Task: i, State: store.StateRunning, WorkerID: fmt.Sprintf("w%d", i), Generation: rounds - 1})
	}
	wantSource(t, s, a, wantSrc)
	wantSink(t, s, a, wantSk)
	wantStatuses(e, s, a, wantSt)

	// Concurrent task config writes got distinct generations and the highest one is stored
	// with its own tasks, whole.
	seen := map[int64]bool{}
	var maxGen int64
	for g := range gens {
		if seen[g] {
			t.Fatalf("generation %d handed out twice", g)
		}
		seen[g] = true
		maxGen = max(maxGen, g)
	}
	got, err := s.Connector(ctx(t), a)
	must(t, err, "get")
	if got.Generation != maxGen || len(got.Tasks) != 1 || got.Tasks[0]["writer"] == "" {
		t.Fatalf("after concurrent task config writes: generation %d (want %d), tasks %v", got.Generation, maxGen, got.Tasks)
	}
}

// testConcurrentCommitsOneLease has several goroutines commit under one lease at once (a
// runtime may commit from more than one goroutine): no commit may lose another's offsets.
func testConcurrentCommitsOneLease(e *env) {
	t, s := e.t, e.s
	a := e.name("onelease")
	l, err := s.Acquire(ctx(t), a, 0, "w", time.Minute)
	must(t, err, "acquire")
	var wg sync.WaitGroup
	errs := make(chan error, e.h.Concurrency*2)
	for i := range e.h.Concurrency {
		wg.Go(func() {
			errs <- s.CommitSourceOffsets(ctx(t), l, []store.SourceOffset{{Partition: map[string]any{"g": i}, Offset: off(i)}})
			errs <- s.CommitSinkOffsets(ctx(t), l, map[connect.TopicPartition]int64{tp("t", int32(i)): int64(i)})
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		must(t, err, "concurrent commit under one lease")
	}
	wantSrc := map[string]string{}
	wantSk := map[connect.TopicPartition]int64{}
	for i := range e.h.Concurrency {
		wantSrc[fmt.Sprintf(`{"g":%d}`, i)] = fmt.Sprintf(`{"position":%d}`, i)
		wantSk[tp("t", int32(i))] = int64(i)
	}
	wantSource(t, s, a, wantSrc)
	wantSink(t, s, a, wantSk)
}

func testReopen(e *env) {
	t, s := e.t, e.s
	a := e.name("reopen")
	cfg := map[string]string{"connector.class": "S3Sink", "topics": "logs"}
	tasks := []map[string]string{{"t": "0"}, {"t": "1"}}
	must(t, s.CreateConnector(ctx(t), a, cfg, store.TargetPaused), "create")
	gen, err := s.PutTaskConfigs(ctx(t), a, tasks)
	must(t, err, "task configs")
	l, err := s.Acquire(ctx(t), a, 1, "w1", time.Minute)
	must(t, err, "acquire")
	must(t, s.CommitSourceOffsets(ctx(t), l, []store.SourceOffset{{Partition: part("f"), Offset: off(3)}}), "commit source")
	must(t, s.CommitSinkOffsets(ctx(t), l, map[connect.TopicPartition]int64{tp("logs", 4): 44}), "commit sink")
	now := e.clock.Now()
	must(t, s.PutTaskStatus(ctx(t), l, store.Status{State: store.StateRunning, WorkerID: "w1", Generation: gen, Updated: now}), "status")
	must(t, s.PutStatus(ctx(t), store.Status{Connector: a, Task: -1, State: store.StatePaused, WorkerID: "w0", Generation: gen, Updated: now}), "connector status")

	must(t, s.Close(), "close the first client")
	r := e.reopen(t)
	t.Cleanup(func() { _ = r.Close() })

	got, err := r.Connector(ctx(t), a)
	must(t, err, "get after reopen")
	wantConnector(t, got, store.Connector{Name: a, Config: cfg, TargetState: store.TargetPaused, Generation: gen, Tasks: tasks})
	wantSource(t, r, a, map[string]string{`{"filename":"f"}`: `{"position":3}`})
	wantSink(t, r, a, map[connect.TopicPartition]int64{tp("logs", 4): 44})
	wantStatuses(e, r, a, []store.Status{
		{Connector: a, Task: -1, State: store.StatePaused, WorkerID: "w0", Generation: gen, Updated: now},
		{Connector: a, Task: 1, State: store.StateRunning, WorkerID: "w1", Generation: gen, Updated: now},
	})
	cur, err := r.CurrentLease(ctx(t), a, 1)
	must(t, err, "lease after reopen")
	if cur.Token != l.Token || cur.Holder != l.Holder || !cur.Expires.Equal(l.Expires) {
		t.Fatalf("lease after reopen %+v, want %+v", cur, l)
	}
	_, err = r.Acquire(ctx(t), a, 1, "w2", time.Minute)
	wantErr(t, err, store.ErrLeaseHeld, "acquire a lease held before the restart")
	// The holder keeps working through the new client, and its token is still checked.
	must(t, r.CommitSinkOffsets(ctx(t), l, map[connect.TopicPartition]int64{tp("logs", 4): 45}), "commit after reopen")
	stale := l
	stale.Token--
	if err := r.CommitSinkOffsets(ctx(t), stale, map[connect.TopicPartition]int64{tp("logs", 4): 1}); !errors.Is(err, store.ErrFenced) {
		t.Fatalf("stale commit after reopen: %v, want ErrFenced", err)
	}
	names, err := r.Connectors(ctx(t))
	must(t, err, "list after reopen")
	if !containsAll(names, []string{a}) {
		t.Fatalf("connectors after reopen %v miss %q", names, a)
	}
}
