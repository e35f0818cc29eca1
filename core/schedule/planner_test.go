package schedule

import (
	"context"
	"testing"
	"time"

	"github.com/connectless/connectless/core/store"
	"github.com/connectless/connectless/core/store/memory"
)

func TestPlan(t *testing.T) {
	ctx := context.Background()
	now := mustTime(t, "2026-11-26T10:17:00Z")
	clock := now
	st := memory.New(memory.WithClock(func() time.Time { return clock }))
	mk := func(name, sched string, state store.TargetState, tasks int) {
		t.Helper()
		if err := st.CreateConnector(ctx, name, map[string]string{"schedule": sched}, state); err != nil {
			t.Fatal(err)
		}
		if tasks > 0 {
			cfgs := make([]map[string]string, tasks)
			for i := range cfgs {
				cfgs[i] = map[string]string{"task": "x"}
			}
			if _, err := st.PutTaskConfigs(ctx, name, cfgs); err != nil {
				t.Fatal(err)
			}
		}
	}
	mk("cont", "continuous", store.TargetRunning, 2)
	mk("hourly", "rate(1 hour)", store.TargetRunning, 2)
	mk("paused", "", store.TargetPaused, 1)
	mk("notasks", "", store.TargetRunning, 0)
	mk("badsched", "every hour", store.TargetRunning, 1)

	// hourly/0 ran at 10:05 (after the 10:00 firing): not due. hourly/1 last ran at 09:30: due.
	c, _ := st.Connector(ctx, "hourly")
	for task, at := range map[int]string{0: "2026-11-26T10:05:00Z", 1: "2026-11-26T09:30:00Z"} {
		clock = mustTime(t, at)
		l, err := st.Acquire(ctx, "hourly", task, "w", time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		if err := st.PutTaskStatus(ctx, l, store.Status{Connector: "hourly", Task: task, State: store.StateRunning, Generation: c.Generation, Updated: clock}); err != nil {
			t.Fatal(err)
		}
		if err := st.Release(ctx, l); err != nil {
			t.Fatal(err)
		}
	}
	// cont/1 is leased until 10:18: not dispatched again.
	clock = now
	if _, err := st.Acquire(ctx, "cont", 1, "w", time.Minute); err != nil {
		t.Fatal(err)
	}

	p := &Planner{Store: st, SliceBudget: 5 * time.Minute}
	got, err := p.Plan(ctx, now)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, pl := range got {
		ids = append(ids, pl.Connector+"/"+string(rune('0'+pl.Task)))
		if !pl.NotAfter.Equal(now.Add(5 * time.Minute)) {
			t.Errorf("%s/%d NotAfter = %s", pl.Connector, pl.Task, pl.NotAfter)
		}
	}
	want := []string{"cont/0", "hourly/1"}
	if len(ids) != len(want) || ids[0] != want[0] || ids[1] != want[1] {
		t.Errorf("due = %v, want %v", ids, want)
	}

	// At 11:00 the hourly schedule fires again: both hourly tasks are due.
	got, err = p.Plan(ctx, mustTime(t, "2026-11-26T11:00:30Z"))
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, pl := range got {
		if pl.Connector == "hourly" {
			n++
		}
	}
	if n != 2 {
		t.Errorf("hourly tasks due at 11:00 = %d, want 2 (%v)", n, got)
	}
}
