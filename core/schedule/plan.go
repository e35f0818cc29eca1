package schedule

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/connectless/connectless/core/connect"
	"github.com/connectless/connectless/core/store"
)

// ScheduleKey is the connector config key holding the connector's schedule expression.
// Default "continuous". It has no Kafka Connect equivalent.
const ScheduleKey = "schedule"

// Payload is what a scheduler sends to one task invocation: an assignment, never records.
type Payload struct {
	Connector  string    `json:"connector"`
	Task       int       `json:"task"`
	Generation int64     `json:"generation"`
	NotAfter   time.Time `json:"not_after"`
	// Class is the connector's connector.class when planned: the functions route a task to
	// the task function that links its connector by it. Empty in payloads made otherwise.
	Class string `json:"class,omitempty"`
}

// Invoker starts one task invocation without waiting for it to finish.
type Invoker interface {
	Invoke(ctx context.Context, p Payload) error
}

// InvokerFunc adapts a function to Invoker.
type InvokerFunc func(ctx context.Context, p Payload) error

// Invoke calls f.
func (f InvokerFunc) Invoke(ctx context.Context, p Payload) error { return f(ctx, p) }

// Planner decides which tasks are due at a tick.
type Planner struct {
	Store  store.Store
	Logger *slog.Logger
	// SliceBudget is how long an invocation may run; the payload's NotAfter is the tick plus
	// this. Default 14 minutes (under Lambda's 15-minute limit).
	SliceBudget time.Duration
}

// Plan returns one payload per due task, sorted by connector and task. A task is due when
// its connector's target state is RUNNING, its schedule fired since its last slice, it is not
// FAILED, and no unexpired lease is held on it. A task retrying an outage is due again once
// its backoff (the lease it holds) has passed, whatever its schedule. A FAILED task whose connector has
// task.restart.policy=on-failure is due again once its restart backoff passed and while
// under its hourly cap: Plan marks it RESTARTING and records the restart in its trace.
func (p *Planner) Plan(ctx context.Context, now time.Time) ([]Payload, error) {
	names, err := p.Store.Connectors(ctx)
	if err != nil {
		return nil, fmt.Errorf("list connectors: %w", err)
	}
	budget := cmp.Or(p.SliceBudget, 14*time.Minute)
	var out []Payload
	for _, name := range names {
		c, err := p.Store.Connector(ctx, name)
		if errors.Is(err, store.ErrNotFound) {
			continue // deleted while planning
		}
		if err != nil {
			return nil, fmt.Errorf("read connector %q: %w", name, err)
		}
		if c.TargetState != store.TargetRunning || len(c.Tasks) == 0 {
			continue
		}
		sched, err := Parse(c.Config[ScheduleKey])
		if err != nil {
			p.logger().Warn("connector skipped: bad schedule", "connector", name, "error", err)
			continue
		}
		fire, ok := sched.Prev(now)
		if !ok {
			continue
		}
		statuses, err := p.Store.Statuses(ctx, name)
		if err != nil {
			return nil, fmt.Errorf("read status of %q: %w", name, err)
		}
		byTask := map[int]store.Status{}
		for _, st := range statuses {
			byTask[st.Task] = st
		}
		for task := range c.Tasks {
			st, seen := byTask[task]
			if seen && st.State == store.StateFailed {
				if p.restart(ctx, c, st, now) {
					out = append(out, Payload{Connector: name, Task: task, Generation: c.Generation, NotAfter: now.Add(budget), Class: c.Config["connector.class"]})
				}
				continue
			}
			if seen && st.State != store.StateRestarting && st.Generation == c.Generation &&
				sched.String() != Continuous && !st.Updated.Before(fire) && !ParseNote(st.Trace).Retrying() {
				continue // already ran since the last firing (and is not retrying an outage)
			}
			lease, err := p.Store.CurrentLease(ctx, name, task)
			if err == nil && lease.Expires.After(now) {
				continue // someone is running it
			}
			if err != nil && !errors.Is(err, store.ErrNotFound) {
				return nil, fmt.Errorf("read lease of %s/%d: %w", name, task, err)
			}
			out = append(out, Payload{Connector: name, Task: task, Generation: c.Generation, NotAfter: now.Add(budget), Class: c.Config["connector.class"]})
		}
	}
	return out, nil
}

// restart decides whether a FAILED task is restarted automatically now, and if so marks it
// RESTARTING with the restart recorded in its trace.
func (p *Planner) restart(ctx context.Context, c store.Connector, st store.Status, now time.Time) bool {
	pol, err := ParsePolicy(c.Config)
	if err != nil || pol.Restart != RestartOnFailure || st.Generation != c.Generation {
		return false
	}
	note := ParseNote(st.Trace)
	at, ok := pol.NextRestart(st.Updated, note.Restarts, now)
	if !ok || now.Before(at) {
		return false
	}
	if lease, err := p.Store.CurrentLease(ctx, c.Name, st.Task); err == nil && lease.Expires.After(now) {
		return false
	}
	note.GaveUp, note.RetryingSince, note.Attempt = false, time.Time{}, 0
	note.Restarts = append(RecentRestarts(note.Restarts, now), now)
	restarting := store.Status{Connector: c.Name, Task: st.Task, State: store.StateRestarting, WorkerID: st.WorkerID,
		Trace: note.Trace(), Generation: st.Generation, Updated: now}
	if err := p.Store.PutStatus(ctx, restarting); err != nil {
		p.logger().Warn("restart failed task", "connector", c.Name, "task", st.Task, "error", err)
		return false
	}
	p.logger().Info("failed task restarted automatically", "connector", c.Name, "task", st.Task,
		"restarts_last_hour", len(note.Restarts), "policy", KeyRestartPolicy+"="+pol.Restart)
	return true
}

func (p *Planner) logger() *slog.Logger {
	if p.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return p.Logger
}

// Dispatch invokes every payload with at most concurrency invocations in flight (default
// 32). It returns how many were sent and the errors of those that were not, joined.
func Dispatch(ctx context.Context, inv Invoker, payloads []Payload, concurrency int) (int, error) {
	if concurrency <= 0 {
		concurrency = 32
	}
	var (
		mu   sync.Mutex
		sent int
		errs []error
		wg   sync.WaitGroup
		sem  = make(chan struct{}, concurrency)
	)
	for _, pl := range payloads {
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
			wg.Wait()
			return sent, errors.Join(append(errs, ctx.Err())...)
		}
		wg.Add(1)
		go func() {
			defer func() { <-sem; wg.Done() }()
			err := inv.Invoke(ctx, pl)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				errs = append(errs, fmt.Errorf("invoke %s/%d: %w", pl.Connector, pl.Task, err))
				return
			}
			sent++
		}()
	}
	wg.Wait()
	return sent, errors.Join(errs...)
}

// AssignPartitions deals topic-partitions over n tasks: sorted by topic then partition,
// then round-robin, so every caller computes the same assignment for the same set.
func AssignPartitions(tps []connect.TopicPartition, n int) [][]connect.TopicPartition {
	if n <= 0 {
		return nil
	}
	sorted := slices.Clone(tps)
	slices.SortFunc(sorted, func(a, b connect.TopicPartition) int {
		return cmp.Or(cmp.Compare(a.Topic, b.Topic), cmp.Compare(a.Partition, b.Partition))
	})
	sorted = slices.Compact(sorted)
	out := make([][]connect.TopicPartition, n)
	for i, tp := range sorted {
		out[i%n] = append(out[i%n], tp)
	}
	return out
}
