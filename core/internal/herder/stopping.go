package herder

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/connectless/connectless/core/store"
)

// TaskStopWait bounds how long an offsets alteration or reset waits for the slices that
// were running when the connector was stopped. Default 30s, under the REST request timeout.
const TaskStopWait = 30 * time.Second

// waitForStoppedTasks waits until no task of a stopped connector holds an unexpired lease.
// A slice that was running when the connector was stopped commits its offsets when it ends;
// altering offsets before that would let the slice's commit overwrite the new ones. It
// fails with Kafka Connect's message for tasks that have not stopped.
func (h *Herder) waitForStoppedTasks(ctx context.Context, name string, sink bool) error {
	deadline := time.Now().Add(TaskStopWait) // a wall-clock wait, whatever the herder's clock
	for {
		busy, err := h.leasedTask(ctx, name)
		if err != nil || !busy {
			return err
		}
		if !time.Now().Before(deadline) || ctx.Err() != nil {
			return tasksNotStopped(name, sink)
		}
		select {
		case <-ctx.Done():
			return tasksNotStopped(name, sink)
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// leasedTask reports whether a task of the connector (one with a status) holds an unexpired
// lease.
func (h *Herder) leasedTask(ctx context.Context, name string) (bool, error) {
	statuses, err := h.cfg.Store.Statuses(ctx, name)
	if err != nil {
		return false, storeErr("read statuses", name, err)
	}
	for _, st := range statuses {
		if st.Task < 0 {
			continue
		}
		l, err := h.cfg.Store.CurrentLease(ctx, name, st.Task)
		if errors.Is(err, store.ErrNotFound) {
			continue
		}
		if err != nil {
			return false, storeErr("read lease", name, err)
		}
		if l.Expires.After(h.cfg.Now()) {
			return true, nil
		}
	}
	return false, nil
}

func tasksNotStopped(name string, sink bool) error {
	if sink {
		return &Error{Kind: ErrInternal, Message: fmt.Sprintf("Failed to alter consumer group offsets for connector %s either because its tasks "+
			"haven't stopped completely yet or the connector was resumed before the request to alter its offsets could be successfully "+
			"completed. If the connector is in a stopped state, this operation can be safely retried. If it doesn't eventually succeed, "+
			"the Connect cluster may need to be restarted to get rid of the zombie sink tasks.", name)}
	}
	return &Error{Kind: ErrInternal, Message: fmt.Sprintf("Failed to alter offsets for source connector %s because its tasks have not "+
		"stopped completely yet. If the connector is in a stopped state, this operation can be safely retried.", name)}
}
