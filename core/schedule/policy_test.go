package schedule

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/connectless/connectless/core/store"
	"github.com/connectless/connectless/core/store/memory"
)

func TestParsePolicy(t *testing.T) {
	def, err := ParsePolicy(nil)
	if err != nil || def.RetryTimeout >= 0 || def.Restart != RestartNever || def.RestartMaxPerHour != 3 || def.RestartBackoff != time.Minute {
		t.Fatalf("defaults = %+v, %v; want unbounded retries, never restart", def, err)
	}
	p, err := ParsePolicy(map[string]string{KeyRetryTimeout: "600000", KeyRestartPolicy: "on-failure", KeyRestartBackoff: " 5000 ",
		KeyRestartMaxPerHour: "2", "errors.retry.delay.max.ms": "2000"})
	if err != nil || p.RetryTimeout != 10*time.Minute || p.Restart != RestartOnFailure || p.RestartBackoff != 5*time.Second ||
		p.RestartMaxPerHour != 2 || p.RetryDelayMax != 2*time.Second {
		t.Fatalf("policy = %+v, %v", p, err)
	}
	_, err = ParsePolicy(map[string]string{KeyRetryTimeout: "-2", KeyRestartPolicy: "always", KeyRestartMaxPerHour: "0", KeyRestartBackoff: "soon"})
	if !errors.Is(err, ErrBadPolicy) {
		t.Fatalf("err = %v, want ErrBadPolicy", err)
	}
	var keys []string
	for _, e := range PolicyErrors(err) {
		keys = append(keys, e.Key)
	}
	if strings.Join(keys, ",") != KeyRetryTimeout+","+KeyRestartBackoff+","+KeyRestartPolicy+","+KeyRestartMaxPerHour {
		t.Errorf("refused keys = %v, want each bad key once", keys)
	}
}

func TestRetryDelay(t *testing.T) {
	p := DefaultPolicy()
	for attempt, want := range map[int]time.Duration{1: time.Second, 2: 2 * time.Second, 4: 8 * time.Second, 10: 60 * time.Second} {
		for range 20 {
			if d := p.RetryDelay(attempt, time.Hour); d < want/2 || d > want {
				t.Fatalf("attempt %d: delay %v outside [%v, %v]", attempt, d, want/2, want)
			}
		}
	}
	if d := p.RetryDelay(10, 3*time.Second); d > 3*time.Second {
		t.Errorf("delay %v exceeds the slice length", d)
	}
}

func TestNoteRoundTrip(t *testing.T) {
	since := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	r1, r2 := since.Add(-30*time.Minute), since.Add(-10*time.Minute)
	tests := []Note{
		{Cause: "head bucket \"b\": dial tcp 127.0.0.1:9000: connect: connection refused", RetryingSince: since, Attempt: 3, NextIn: 4 * time.Second},
		{Cause: "line one\nline two", RetryingSince: since, Attempt: 1, Restarts: []time.Time{r1, r2}},
		{Cause: "pg: 57P01 terminating connection", RetryingSince: since, Attempt: 12, GaveUp: true, RetryTimeout: time.Minute},
		{Cause: "invalid value for s3.bucket.name", Restarts: []time.Time{r2}},
		{Restarts: []time.Time{r1}},
		{Cause: "plain Kafka-style trace\n\tat x"},
	}
	for _, n := range tests {
		got := ParseNote(n.Trace())
		if got.Cause != n.Cause || !got.RetryingSince.Equal(n.RetryingSince) || got.Attempt != n.Attempt || got.GaveUp != n.GaveUp ||
			len(got.Restarts) != len(n.Restarts) || got.Retrying() != n.Retrying() {
			t.Errorf("ParseNote(%q) = %+v, want %+v", n.Trace(), got, n)
		}
	}
	tr := tests[0].Trace()
	if want := "retrying since 2026-01-02T03:04:05Z (attempt 3, next in 4s): head bucket"; !strings.HasPrefix(tr, want) {
		t.Errorf("trace = %q, want prefix %q", tr, want)
	}
}

func TestPlanRestartsFailedTasks(t *testing.T) {
	ctx := context.Background()
	now := mustTime(t, "2026-11-26T10:00:00Z")
	st := memory.New(memory.WithClock(func() time.Time { return now }))
	for name, cfg := range map[string]map[string]string{
		"auto":   {KeyRestartPolicy: RestartOnFailure, KeyRestartBackoff: "1000", KeyRestartMaxPerHour: "2"},
		"manual": {},
	} {
		if err := st.CreateConnector(ctx, name, cfg, store.TargetRunning); err != nil {
			t.Fatal(err)
		}
		if _, err := st.PutTaskConfigs(ctx, name, []map[string]string{{}}); err != nil {
			t.Fatal(err)
		}
	}
	fail := func(name string, at time.Time) {
		t.Helper()
		sts, _ := st.Statuses(ctx, name)
		note := Note{Cause: "boom"}
		for _, s := range sts {
			if s.Task == 0 {
				note.Restarts = ParseNote(s.Trace).Restarts
			}
		}
		c, _ := st.Connector(ctx, name)
		if err := st.PutStatus(ctx, store.Status{Connector: name, Task: 0, State: store.StateFailed, Trace: note.Trace(), Generation: c.Generation, Updated: at}); err != nil {
			t.Fatal(err)
		}
	}
	due := func(at time.Time) []string {
		t.Helper()
		got, err := (&Planner{Store: st}).Plan(ctx, at)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, p := range got {
			names = append(names, p.Connector)
		}
		return names
	}
	fail("auto", now)
	fail("manual", now)
	if got := due(now.Add(500 * time.Millisecond)); len(got) != 0 {
		t.Fatalf("due before the backoff = %v", got)
	}
	if got := due(now.Add(1500 * time.Millisecond)); len(got) != 1 || got[0] != "auto" {
		t.Fatalf("due after the backoff = %v, want [auto] (manual has policy never)", got)
	}
	sts, _ := st.Statuses(ctx, "auto")
	last := sts[len(sts)-1]
	if last.State != store.StateRestarting || len(ParseNote(last.Trace).Restarts) != 1 || !strings.HasPrefix(last.Trace, "boom") {
		t.Fatalf("status after restart = %+v", last)
	}
	// It fails again: the second restart waits twice as long.
	second := now.Add(2 * time.Second)
	fail("auto", second)
	if got := due(second.Add(1500 * time.Millisecond)); len(got) != 0 {
		t.Fatalf("second restart before the doubled backoff: %v", got)
	}
	if got := due(second.Add(2500 * time.Millisecond)); len(got) != 1 {
		t.Fatalf("second restart after the doubled backoff: %v", got)
	}
	// Two restarts in the hour: the third failure stays FAILED until the hour has passed.
	third := second.Add(5 * time.Second)
	fail("auto", third)
	if got := due(third.Add(10 * time.Minute)); len(got) != 0 {
		t.Fatalf("restarted past task.restart.max.per.hour: %v", got)
	}
	if got := due(now.Add(61 * time.Minute)); len(got) != 1 {
		t.Fatalf("not restarted once the hour passed: %v", got)
	}
}

// A task with an hourly schedule whose slice ended retrying is due again after the
// backoff, not at the next firing.
func TestPlanRetryingTaskIgnoresSchedule(t *testing.T) {
	ctx := context.Background()
	now := mustTime(t, "2026-11-26T10:17:00Z")
	st := memory.New(memory.WithClock(func() time.Time { return now }))
	if err := st.CreateConnector(ctx, "hourly", map[string]string{"schedule": "rate(1 hour)"}, store.TargetRunning); err != nil {
		t.Fatal(err)
	}
	if _, err := st.PutTaskConfigs(ctx, "hourly", []map[string]string{{}, {}}); err != nil {
		t.Fatal(err)
	}
	c, _ := st.Connector(ctx, "hourly")
	retrying := Note{Cause: "connection refused", RetryingSince: now.Add(-time.Minute), Attempt: 2}.Trace()
	for task, trace := range []string{"", retrying} {
		l, err := st.Acquire(ctx, "hourly", task, "w", time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		if err := st.PutTaskStatus(ctx, l, store.Status{Connector: "hourly", Task: task, State: store.StateRunning, Trace: trace,
			Generation: c.Generation, Updated: now.Add(-2 * time.Minute)}); err != nil {
			t.Fatal(err)
		}
		if err := st.Release(ctx, l); err != nil {
			t.Fatal(err)
		}
	}
	got, err := (&Planner{Store: st}).Plan(ctx, now)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].Task != 1 {
		t.Errorf("due = %+v, want only the retrying task 1", got)
	}
}
