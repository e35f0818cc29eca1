package taskrun

import (
	"context"
	"errors"
	"net"
	"os"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/connectless/connectless/core/connect"
	"github.com/connectless/connectless/core/schedule"
	"github.com/connectless/connectless/core/store"
	"github.com/connectless/connectless/core/store/memory"
)

func refused() error {
	return &net.OpError{Op: "dial", Net: "tcp", Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)}
}

func taskStatus(t *testing.T, st store.Store, name string) store.Status {
	t.Helper()
	sts, err := st.Statuses(context.Background(), name)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range sts {
		if s.Task == 0 {
			return s
		}
	}
	t.Fatalf("no status for %s/0 in %+v", name, sts)
	return store.Status{}
}

func TestRunRetriesRetriableFailureAcrossSlices(t *testing.T) {
	ctx := context.Background()
	var mu sync.Mutex
	now := time.Now()
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	advance := func(d time.Duration) { mu.Lock(); now = now.Add(d); mu.Unlock() }
	env, col, st := setup(t, 30, memory.WithClock(clock))
	failures := 2
	col.flushErr = func() error {
		if failures == 0 {
			return nil
		}
		failures--
		return refused()
	}
	p := schedule.Payload{Connector: "archive"}

	var since string
	for attempt := 1; attempt <= 2; attempt++ {
		res, err := Run(ctx, env, p, time.Now().Add(10*time.Second))
		if err != nil {
			t.Fatalf("attempt %d: err = %v; a retriable failure is not an invocation failure", attempt, err)
		}
		if !res.Retrying || res.RetryAttempt != attempt || res.Committed || res.RetryIn <= 0 {
			t.Fatalf("attempt %d: result = %+v", attempt, res)
		}
		if offs, _ := st.SinkOffsets(ctx, "archive"); len(offs) != 0 {
			t.Fatalf("attempt %d committed %v though nothing was flushed", attempt, offs)
		}
		s := taskStatus(t, st, "archive")
		note := schedule.ParseNote(s.Trace)
		if s.State != store.StateRunning || !note.Retrying() || note.Attempt != attempt || !strings.Contains(s.Trace, "connection refused") {
			t.Fatalf("attempt %d: status = %+v", attempt, s)
		}
		if attempt == 1 {
			since = note.RetryingSince.String()
		} else if note.RetryingSince.String() != since {
			t.Errorf("outage start moved from %s to %s", since, note.RetryingSince)
		}
		// The lease is held for the backoff: nobody runs the task before it passed.
		if _, err := Run(ctx, env, p, time.Now().Add(10*time.Second)); !errors.Is(err, ErrSkipped) {
			t.Fatalf("run during the backoff: err = %v, want ErrSkipped", err)
		}
		advance(time.Minute)
	}
	res, err := Run(ctx, env, p, time.Now().Add(10*time.Second))
	if err != nil || res.Retrying || !res.Committed {
		t.Fatalf("after the outage: %+v, %v", res, err)
	}
	if s := taskStatus(t, st, "archive"); s.State != store.StateRunning || s.Trace != "" {
		t.Errorf("status after recovery = %+v, want RUNNING without trace", s)
	}
	offs, _ := st.SinkOffsets(ctx, "archive")
	total := 0
	for _, part := range []int32{0, 1} {
		tp := connect.TopicPartition{Topic: "logs", Partition: part}
		got := col.offsets(tp)
		total += len(got)
		if int64(len(got)) != offs[tp] {
			t.Errorf("%v: %d records flushed, offset %d committed", tp, len(got), offs[tp])
		}
		for i, o := range got {
			if o != int64(i) {
				t.Fatalf("%v: record %d has offset %d: gap or duplicate", tp, i, o)
			}
		}
	}
	if total != 30 {
		t.Errorf("flushed %d records, want 30", total)
	}
}

func TestRunFailsPermanentErrorAtOnce(t *testing.T) {
	ctx := context.Background()
	env, col, st := setup(t, 5)
	col.flushErr = func() error { return errors.New("invalid value for configuration s3.bucket.name") }
	res, err := Run(ctx, env, schedule.Payload{Connector: "archive"}, time.Now().Add(10*time.Second))
	if err == nil || res.Retrying {
		t.Fatalf("permanent error: %+v, %v", res, err)
	}
	if s := taskStatus(t, st, "archive"); s.State != store.StateFailed || !strings.Contains(s.Trace, "s3.bucket.name") {
		t.Errorf("status = %+v, want FAILED naming the key", s)
	}
}

func TestRunGivesUpPastRetryTimeout(t *testing.T) {
	ctx := context.Background()
	env, col, st := setup(t, 5)
	c, _ := st.Connector(ctx, "archive")
	c.Config[schedule.KeyRetryTimeout] = "0"
	if err := st.PutConnectorConfig(ctx, "archive", c.Config); err != nil {
		t.Fatal(err)
	}
	col.flushErr = refused
	_, err := Run(ctx, env, schedule.Payload{Connector: "archive"}, time.Now().Add(10*time.Second))
	if err == nil {
		t.Fatal("no error past task.retry.timeout.ms")
	}
	s := taskStatus(t, st, "archive")
	if s.State != store.StateFailed || !strings.Contains(s.Trace, "gave up retrying") || !strings.Contains(s.Trace, schedule.KeyRetryTimeout) ||
		!strings.HasPrefix(s.Trace, "flush: ") {
		t.Errorf("status = %+v, want FAILED with the last cause and the bound", s)
	}
}

// A Put refused with RetriableError is redelivered within the slice (as Kafka Connect
// does); when the slice's time runs out first, what was durable is committed and the task
// says it is retrying instead of looking healthy.
func TestRunReportsPutRetriesCutByTheSliceEnd(t *testing.T) {
	ctx := context.Background()
	env, col, st := setup(t, 10)
	col.putErr = func() error { return connect.Retriable(errors.New("endpoint busy")) }
	res, err := Run(ctx, env, schedule.Payload{Connector: "archive"}, time.Now().Add(1500*time.Millisecond))
	if err != nil || !res.Retrying || res.RetryAttempt != 1 {
		t.Fatalf("slice = %+v, %v; want retrying", res, err)
	}
	s := taskStatus(t, st, "archive")
	if s.State != store.StateRunning || !strings.HasPrefix(s.Trace, "retrying since ") || !strings.Contains(s.Trace, "put 5 records") ||
		!strings.Contains(s.Trace, "endpoint busy") {
		t.Errorf("status = %s %q", s.State, s.Trace)
	}
}
