package herder

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/connectless/connectless/core/schedule"
	"github.com/connectless/connectless/core/store"
)

// ConnectorSchedule answers when a connector's tasks run (GET /connectors?expand=schedule, a
// connectless extension): its schedule expression, the schedule's latest firing, the latest
// status a task wrote and how many tasks hold their lease, as of the herder's clock.
func (h *Herder) ConnectorSchedule(ctx context.Context, name string) (ConnectorSchedule, error) {
	c, err := h.connector(ctx, name, "Connector %s not found")
	if err != nil {
		return ConnectorSchedule{}, err
	}
	out := ConnectorSchedule{Schedule: schedule.Continuous}
	if sched, err := schedule.Parse(c.Config[schedule.ScheduleKey]); err == nil {
		out.Schedule = sched.String()
		if fire, ok := sched.Prev(h.cfg.Now()); ok && sched.String() != schedule.Continuous {
			out.LastFire = fire.UTC().Format(time.RFC3339)
		}
	} else {
		out.Schedule = c.Config[schedule.ScheduleKey] // shown as written; validation refuses it on update
	}
	statuses, err := h.cfg.Store.Statuses(ctx, name)
	if err != nil {
		return ConnectorSchedule{}, fmt.Errorf("read statuses of %q: %w", name, err)
	}
	_, tasks := splitStatuses(statuses, len(c.Tasks))
	var last store.Status
	for _, t := range tasks {
		if t.Updated.After(last.Updated) {
			last = t
		}
	}
	if !last.Updated.IsZero() {
		out.LastSlice = last.Updated.UTC().Format(time.RFC3339)
		out.LastSliceState = string(last.State)
	}
	for task := range c.Tasks {
		l, err := h.cfg.Store.CurrentLease(ctx, name, task)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return ConnectorSchedule{}, fmt.Errorf("read lease of %s/%d: %w", name, task, err)
		}
		if err == nil && l.Expires.After(h.cfg.Now()) {
			out.LeasedTasks++
		}
	}
	return out, nil
}
