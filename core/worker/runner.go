package worker

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/connectless/connectless/core/connect"
	"github.com/connectless/connectless/core/schedule"
	"github.com/connectless/connectless/core/store"
	"github.com/connectless/connectless/core/taskrun"
)

// taskKey names one task.
type taskKey struct {
	connector string
	task      int
}

// reconcile is one pass of the task runners: it deals sink partitions over the tasks of
// RUNNING sink connectors, shows the tasks of PAUSED connectors as PAUSED, and starts a
// runner goroutine for every due task that has none in this process. Runners run on
// taskCtx and are counted in slices.
func (w *Worker) reconcile(ctx, taskCtx context.Context, slices *sync.WaitGroup) {
	names, err := w.store.Connectors(ctx)
	if err != nil {
		w.log.Warn("list connectors", "error", err)
		return
	}
	types := map[string]connect.PluginType{}
	for _, name := range names {
		c, err := w.store.Connector(ctx, name)
		if err != nil {
			continue // deleted meanwhile, or a store blip: the next pass sees it
		}
		if p, err := w.opts.Registry.Lookup(c.Config["connector.class"]); err == nil {
			types[name] = p.Type
		}
		switch c.TargetState {
		case store.TargetRunning:
			if c, err = taskrun.Assign(ctx, w.store, w.opts.Registry, w.kafka, c); err != nil {
				w.log.Warn("assign partitions", "connector", name, "error", err)
			}
			w.restartReconfigured(ctx, c)
		case store.TargetPaused:
			w.showPaused(ctx, c)
		}
	}
	planner := schedule.Planner{Store: w.store, Logger: w.log, SliceBudget: w.cfg.SliceLength}
	due, err := planner.Plan(ctx, time.Now())
	if err != nil {
		w.log.Warn("plan tasks", "error", err)
		return
	}
	if w.State() != StateRunning {
		return
	}
	for _, p := range due {
		k := taskKey{p.Connector, p.Task}
		w.mu.Lock()
		busy := w.running[k]
		w.running[k] = true
		w.mu.Unlock()
		if busy {
			continue
		}
		slices.Add(1)
		go func() {
			defer slices.Done()
			defer func() {
				w.mu.Lock()
				delete(w.running, k)
				w.mu.Unlock()
			}()
			w.runTask(ctx, taskCtx, k, types[k.connector])
		}()
	}
}

// runTask runs slices of one task back to back while it has work waiting, and returns when
// it caught up, when the task is no longer this worker's to run (lease held elsewhere, not
// RUNNING, deleted, FAILED), or when the worker stops. The next reconcile pass starts it
// again when it is due.
func (w *Worker) runTask(ctx, taskCtx context.Context, k taskKey, typ connect.PluginType) {
	if w.continuous(ctx, k.connector) {
		w.runHeld(ctx, taskCtx, k, typ)
		return
	}
	for ctx.Err() == nil {
		deadline := time.Now().Add(w.cfg.SliceLength)
		res, err := taskrun.Run(taskCtx, w.env, schedule.Payload{Connector: k.connector, Task: k.task, NotAfter: deadline}, deadline)
		w.metrics.observe(k, typ, res, err)
		switch {
		case errors.Is(err, taskrun.ErrSkipped):
			return
		case errors.Is(err, store.ErrFenced):
			w.log.Warn("task taken over by another worker", "connector", k.connector, "task", k.task)
			return
		case err != nil:
			w.log.Warn("task slice failed", "connector", k.connector, "task", k.task, "error", err)
			return
		}
		w.log.Debug("slice done", "connector", k.connector, "task", k.task, "records", res.Records,
			"written", res.Written, "caught_up", res.CaughtUp, "duration", res.Duration)
		if res.CaughtUp || res.Retrying {
			return // a retrying task holds its lease for the backoff; a later pass runs it
		}
	}
}

// continuous reports whether the connector runs continuously (no schedule of its own).
func (w *Worker) continuous(ctx context.Context, name string) bool {
	c, err := w.store.Connector(ctx, name)
	if err != nil {
		return false
	}
	sched, err := schedule.Parse(c.Config[schedule.ScheduleKey])
	return err == nil && sched.String() == schedule.Continuous
}

// runHeld runs a continuous task's slices under one lease: after a slice that caught up it
// waits task.poll.interval.ms and runs the next, renewing the lease only every half lease
// timeout and writing the status only when it changes, so an idle task costs a lease record
// now and then instead of three records per slice. It returns, releasing the lease, when
// the task stops being this worker's to run (not RUNNING, deleted, failed) or the worker
// stops; a lease taken over is not released.
func (w *Worker) runHeld(ctx, taskCtx context.Context, k taskKey, typ connect.PluginType) {
	h, err := taskrun.Hold(taskCtx, w.env, schedule.Payload{Connector: k.connector, Task: k.task}, time.Now().Add(w.cfg.SliceLength))
	if err != nil {
		if !errors.Is(err, taskrun.ErrSkipped) {
			w.log.Warn("take task lease", "connector", k.connector, "task", k.task, "error", err)
		}
		return
	}
	kept := false // fenced, or kept for a retry backoff: not released
	defer func() {
		if !kept {
			h.Release(taskCtx)
		}
	}()
	for ctx.Err() == nil {
		res, err := h.Run(taskCtx, time.Now().Add(w.cfg.SliceLength))
		w.metrics.observe(k, typ, res, err)
		switch {
		case errors.Is(err, taskrun.ErrSkipped):
			return
		case errors.Is(err, store.ErrFenced):
			kept = true
			w.log.Warn("task taken over by another worker", "connector", k.connector, "task", k.task)
			return
		case err != nil:
			w.log.Warn("task slice failed", "connector", k.connector, "task", k.task, "error", err)
			return
		case res.Retrying:
			kept = true
			h.Keep(taskCtx, res.RetryIn) // a later pass runs it after the backoff
			return
		}
		if res.CaughtUp {
			select {
			case <-ctx.Done():
				return
			case <-time.After(w.cfg.PollInterval):
			}
		}
	}
}

// restartReconfigured marks RESTARTING the FAILED tasks of an older generation: as in Kafka
// Connect, new task configurations (a config update, a new partition assignment) restart
// the tasks, failed ones included.
func (w *Worker) restartReconfigured(ctx context.Context, c store.Connector) {
	statuses, err := w.store.Statuses(ctx, c.Name)
	if err != nil {
		return
	}
	for _, st := range statuses {
		if st.Task < 0 || st.Task >= len(c.Tasks) || st.State != store.StateFailed || st.Generation >= c.Generation {
			continue
		}
		st.State, st.Trace, st.Updated = store.StateRestarting, "", time.Now()
		if err := w.store.PutStatus(ctx, st); err != nil {
			w.log.Warn("write task status", "connector", c.Name, "task", st.Task, "state", string(store.StateRestarting), "error", err)
			continue
		}
		w.log.Info("failed task restarted with new task configurations", "connector", c.Name, "task", st.Task, "generation", c.Generation)
	}
}

// showPaused writes status PAUSED for the tasks of a paused connector that no slice is
// running (a running slice ends at its deadline; the pass after it marks the task).
func (w *Worker) showPaused(ctx context.Context, c store.Connector) {
	statuses, err := w.store.Statuses(ctx, c.Name)
	if err != nil {
		return
	}
	state := map[int]store.State{}
	for _, s := range statuses {
		state[s.Task] = s.State
	}
	for task := range c.Tasks {
		if st := state[task]; st == store.StatePaused || st == store.StateFailed {
			continue
		}
		lease, err := w.store.Acquire(ctx, c.Name, task, w.id, w.cfg.LeaseTimeout)
		if err != nil {
			continue // a slice is running it, here or elsewhere
		}
		st := store.Status{Connector: c.Name, Task: task, State: store.StatePaused, WorkerID: w.id, Generation: c.Generation, Updated: time.Now()}
		if err := w.store.PutTaskStatus(ctx, lease, st); err != nil {
			w.log.Warn("write task status", "connector", c.Name, "task", task, "state", string(store.StatePaused), "error", err)
		}
		if err := w.store.Release(ctx, lease); err != nil {
			w.log.Warn("release lease", "connector", c.Name, "task", task, "error", err)
		}
	}
}
