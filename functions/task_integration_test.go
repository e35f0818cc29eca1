package functions_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/connectless/connectless/core/serverless"
	"github.com/connectless/connectless/core/store"
	"github.com/connectless/connectless/infra/devstack"
	"github.com/connectless/connectless/infra/devstack/devstacktest"
)

// TestIntegrationTaskFunction runs one real slice of an S3 sink task in the built task
// function under RIE: records go from Kafka to the bucket, offsets are committed under the
// lease, the status is RUNNING and the metrics line is in EMF.
func TestIntegrationTaskFunction(t *testing.T) {
	t.Parallel()
	s := newStack(t, 2)
	const n = 40
	s.produce(t, 0, n)
	s.createSink(t, "archive", 5, nil)
	r := devstacktest.RIE(t, devstack.RIEOptions{Bootstrap: bootstrap(t, "task"), Env: s.env})
	p := s.assign(t, "archive", time.Now().Add(time.Minute)) // after the build, which may take long

	res, err := invokeTask(t, r, p)
	if err != nil {
		t.Fatalf("%v\n%s", err, r.Log())
	}
	if res.Skipped || !res.Committed || res.Records != n || !res.CaughtUp {
		t.Errorf("result %+v, want %d records committed and caught up", res, n)
	}
	counts, objects := s.archived(t)
	exactlyOnce(t, counts, n)
	if objects != n/5 {
		t.Errorf("%d objects, want %d (flush.size 5)", objects, n/5)
	}
	ctx := context.Background()
	offs, err := s.rt.Store.SinkOffsets(ctx, "archive")
	if err != nil {
		t.Fatal(err)
	}
	var total int64
	for _, off := range offs {
		total += off
	}
	if total != n {
		t.Errorf("committed offsets %v sum to %d, want %d", offs, total, n)
	}
	st, err := s.rt.Store.Statuses(ctx, "archive")
	if err != nil {
		t.Fatal(err)
	}
	running := false
	for _, x := range st {
		if x.Task == 0 {
			running = x.State == store.StateRunning && strings.HasPrefix(x.WorkerID, "test_function/")
		}
	}
	if !running {
		t.Errorf("statuses %+v, want task 0 RUNNING, written by the invocation", st)
	}

	// A second invocation finds nothing new: nothing read, nothing committed.
	res, err = invokeTask(t, r, p)
	if err != nil || res.Records != 0 || res.Committed || !res.CaughtUp {
		t.Errorf("second invocation: %+v, %v; want an idle, caught-up slice", res, err)
	}
	log := string(r.Log())
	for _, want := range []string{`"sink-record-read-total":40`, `"offset-commit-completion-total":1`, `"CloudWatchMetrics"`} {
		if !strings.Contains(log, want) {
			t.Errorf("function output lacks %s:\n%s", want, log)
		}
	}
}

// TestIntegrationTaskBadPayload: a payload without a connector is a function error, and
// the function keeps serving.
func TestIntegrationTaskBadPayload(t *testing.T) {
	t.Parallel()
	s := newStack(t, 1)
	r := devstacktest.RIE(t, devstack.RIEOptions{Bootstrap: bootstrap(t, "task"), Env: s.env})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	out, err := r.Invoke(ctx, []byte(`{"task":0}`))
	if err != nil || !strings.Contains(string(out), "no connector") {
		t.Errorf("got %s, %v; want an error naming the missing connector", out, err)
	}
	res, err := invokeTask(t, r, serverlessPayload("gone"))
	if err != nil || !res.Skipped || !strings.Contains(res.Reason, "gone") {
		t.Errorf("unknown connector: %+v, %v; want a clean skip naming it", res, err)
	}
}

// TestIntegrationConcurrentInvocations: two invocations of one task at once (two function
// instances); exactly one commits, the other finds the lease held, exits cleanly and says so.
func TestIntegrationConcurrentInvocations(t *testing.T) {
	t.Parallel()
	s := newStack(t, 2)
	const n = 600
	s.produce(t, 0, n)
	s.createSink(t, "archive", 2, nil)
	a := devstacktest.RIE(t, devstack.RIEOptions{Bootstrap: bootstrap(t, "task"), Env: s.env})
	b := devstacktest.RIE(t, devstack.RIEOptions{Bootstrap: bootstrap(t, "task"), Env: s.env})
	// Warm both instances so that the race is between handlers, not process starts.
	for _, r := range []*devstack.RIE{a, b} {
		if _, err := invokeTask(t, r, serverlessPayload("warm-up")); err != nil {
			t.Fatal(err)
		}
	}
	// The payload's deadline counts from here: the bootstrap's build and the emulators'
	// start, minutes on a loaded machine, must not spend it (a payload past its deadline is
	// skipped before the lease, and the lease below never appeared).
	p := s.assign(t, "archive", time.Now().Add(time.Minute))
	ctx := context.Background()
	results := make([]serverless.TaskResult, 2)
	errs := make([]error, 2)
	first := make(chan struct{})
	go func() { defer close(first); results[0], errs[0] = invokeTask(t, a, p) }()
	waitFor(t, 20*time.Second, "the first invocation's lease", func() bool {
		select {
		case <-first:
			t.Fatalf("the first invocation ended before its lease was seen: %+v, %v\n%s", results[0], errs[0], a.Log())
		default:
		}
		l, err := s.rt.Store.CurrentLease(ctx, "archive", 0)
		return err == nil && l.Expires.After(time.Now())
	})
	results[1], errs[1] = invokeTask(t, b, p)
	<-first
	for i, err := range errs {
		if err != nil {
			t.Fatalf("invocation %d: %v", i, err)
		}
	}
	if !results[0].Committed || results[0].Skipped {
		t.Errorf("first invocation %+v, want it to commit", results[0])
	}
	if results[1].Committed || !results[1].Skipped || !strings.Contains(results[1].Reason, "skipped") {
		t.Errorf("second invocation %+v, want a clean skip that says so", results[1])
	}
	if !strings.Contains(string(b.Log()), "invocation skipped") {
		t.Errorf("second instance's log does not say it skipped:\n%s", b.Log())
	}
	counts, _ := s.archived(t)
	exactlyOnce(t, counts, n)
}

// TestIntegrationKilledMidSlice: an invocation killed with SIGKILL mid-slice, then dispatched
// again once its lease has expired: every record is archived exactly once.
func TestIntegrationKilledMidSlice(t *testing.T) {
	t.Parallel()
	s := newStack(t, 2)
	const n = 600
	s.produce(t, 0, n)
	s.createSink(t, "archive", 2, nil)
	// A private copy of the binary, so that the kill finds this test's process only.
	killable := filepath.Join(t.TempDir(), "bootstrap")
	b, err := os.ReadFile(bootstrap(t, "task"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(killable, b, 0o755); err != nil {
		t.Fatal(err)
	}
	// The first slice may run 3s; its lease lasts that plus the 1s grace.
	first := s.assign(t, "archive", time.Now().Add(3*time.Second))
	r := devstacktest.RIE(t, devstack.RIEOptions{Bootstrap: killable, Env: s.env})
	done := make(chan error, 1)
	go func() { _, err := invokeTask(t, r, first); done <- err }()
	waitFor(t, 20*time.Second, "objects in the bucket", func() bool {
		_, objects := s.archived(t)
		return objects >= 3
	})
	sigkill(t, killable)
	if err := <-done; err == nil {
		t.Log("killed invocation reported no error")
	}
	counts, objects := s.archived(t)
	if len(counts) >= n {
		t.Fatalf("the slice finished before the kill (%d objects); nothing was tested", objects)
	}
	lease, err := s.rt.Store.CurrentLease(context.Background(), "archive", 0)
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(time.Until(lease.Expires) + 50*time.Millisecond)

	again := devstacktest.RIE(t, devstack.RIEOptions{Bootstrap: bootstrap(t, "task"), Env: s.env})
	res, err := invokeTask(t, again, s.assign(t, "archive", time.Now().Add(time.Minute)))
	if err != nil || !res.Committed || !res.CaughtUp {
		t.Fatalf("second dispatch: %+v, %v\n%s", res, err, again.Log())
	}
	counts, _ = s.archived(t)
	exactlyOnce(t, counts, n)
}

// TestIntegrationTaskSIGTERM: the task function closes its store and Kafka client on SIGTERM
// (lambda.WithEnableSIGTERM) and says so.
func TestIntegrationTaskSIGTERM(t *testing.T) {
	t.Parallel()
	s := newStack(t, 1)
	bin := filepath.Join(t.TempDir(), "bootstrap")
	b, err := os.ReadFile(bootstrap(t, "task"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(bin, b, 0o755); err != nil {
		t.Fatal(err)
	}
	r := devstacktest.RIE(t, devstack.RIEOptions{Bootstrap: bin, Env: s.env})
	if _, err := invokeTask(t, r, serverlessPayload("warm-up")); err != nil {
		t.Fatal(err)
	}
	pid, ok := pidOf(bin)
	if !ok {
		t.Fatal("the function process is not running")
	}
	if err := syscall.Kill(pid, syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 10*time.Second, "the shutdown log line", func() bool {
		return strings.Contains(string(r.Log()), "shutdown: store and Kafka client closed")
	})
}
