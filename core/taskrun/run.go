package taskrun

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"time"

	"github.com/connectless/connectless/core/config/provider"
	"github.com/connectless/connectless/core/connect"
	"github.com/connectless/connectless/core/connect/transient"
	"github.com/connectless/connectless/core/internal/taskslice"
	"github.com/connectless/connectless/core/kafka"
	"github.com/connectless/connectless/core/schedule"
	"github.com/connectless/connectless/core/store"
)

// ErrSkipped is returned when an invocation had nothing to do: the lease is held elsewhere,
// the connector is not RUNNING, or the task no longer exists. It is a clean exit.
var ErrSkipped = errors.New("invocation skipped")

// Pipeline is what a task's records pass through besides the task itself.
type Pipeline struct {
	Converters Converters
	Transform  Transformer // nil means none
	// Close releases the pipeline's resources; may be nil.
	Close func() error
}

// PipelineFunc builds a task's converters and transformation chain from its connector's
// resolved configuration.
type PipelineFunc func(connectorConfig map[string]string) (Pipeline, error)

// Env is what invocations need; one Env serves many invocations concurrently.
type Env struct {
	Store store.Store
	// Registry holds the connectors and the converters, transformations and predicates that
	// DefaultPipeline builds.
	Registry *connect.Registry
	Kafka    *kafka.Client
	// Pipeline builds converters and transformations. Default DefaultPipeline(Registry, nil).
	Pipeline PipelineFunc
	// Resolver resolves config-provider references in task configurations; nil resolves none.
	Resolver *provider.Resolver
	// Holder identifies this runner in leases and statuses (worker id or invocation id).
	Holder string
	// Margin is kept free before the deadline for flush, commit and status. Default 5s.
	Margin time.Duration
	// LeaseGrace is added to the slice deadline to make the lease's lifetime. Default 30s.
	LeaseGrace time.Duration
	// IdlePolls ends a source slice after that many empty polls. Default 3.
	IdlePolls int
	// TopicCreationDisabled mirrors the worker's topic.creation.enable=false: source
	// connectors' topic.creation.* settings are not used. TopicTrackingDisabled mirrors
	// topic.tracking.enable=false: the topics tasks use are not recorded.
	TopicCreationDisabled, TopicTrackingDisabled bool
	// Preflight runs the live checks of a connector configuration (package preflight); nil
	// runs none. A task runs them when it starts (its first slice in a generation, or after
	// a restart) if PreflightAlways or its connector has preflight.enable=false: the herder
	// ran them before storing the configuration otherwise.
	Preflight func(ctx context.Context, plugin connect.Plugin, props map[string]string) []connect.PreflightFinding
	// PreflightAlways mirrors the worker's preflight.enable=false.
	PreflightAlways bool
	Logger          *slog.Logger
}

// Result is what one invocation did.
type Result struct {
	Connector  string
	Task       int
	Generation int64
	Token      int64
	// Records read (sink) or polled (source), and written to Kafka or the sink.
	Records, Written int
	// Skipped records after errors (errors.tolerance=all) and records DeadLettered (sinks).
	Skipped, DeadLettered int
	// CaughtUp is true when a sink reached the end offsets it saw at start, or a source ran
	// out of data; false means more work is waiting and the task should run again soon.
	CaughtUp bool
	// Committed is true when offsets were committed.
	Committed bool
	Duration  time.Duration
	// Retrying is true when the slice ended on a retriable error (RetryCause): nothing it
	// did not cover was committed, the task stays RUNNING with "retrying since …" in its
	// status trace, and its lease is held for RetryIn so that no scheduler or worker runs
	// it again before. RetryAttempt counts the failed slices of the outage. Run returns no
	// error for such a slice: it is not a failure of the invocation.
	Retrying     bool
	RetryAttempt int
	RetryIn      time.Duration
	RetryCause   error
	// Gauges and Note are what the task reported through connect.TaskStatusReporter during
	// the slice; both are also written to its status trace (schedule.Note).
	Gauges map[string]float64
	Note   string
	// Lag, for a sink slice that read its partitions' end offsets, is how many records
	// below those end offsets (seen at slice start) the slice left uncommitted, over the
	// partitions whose position is known (committed now or before); -1 when none is (a
	// source, a slice that failed before reading or committing anything).
	Lag int64
}

// newResult is the result of a task's slice before it ran: nothing done, lag unknown.
func newResult(connector string, task int) Result {
	return Result{Connector: connector, Task: task, Lag: -1}
}

// Run runs one invocation of one task until deadline (minus Env.Margin) or until caught up.
func Run(ctx context.Context, env *Env, p schedule.Payload, deadline time.Time) (res Result, err error) {
	started := time.Now()
	log := connect.TaskLogger(env.Logger, p.Connector, p.Task)
	res = newResult(p.Connector, p.Task)
	defer func() { res.Duration = time.Since(started) }()

	if !p.NotAfter.IsZero() && p.NotAfter.Before(deadline) {
		deadline = p.NotAfter
	}
	if !time.Now().Before(deadline) {
		// A queued invocation that starts too late has no time for a slice.
		log.Info("deadline already passed; invocation skipped", "deadline", deadline)
		return res, fmt.Errorf("task %s/%d: %w: deadline %s already passed", p.Connector, p.Task, ErrSkipped, deadline.Format(time.RFC3339))
	}
	ttl := time.Until(deadline) + cmp.Or(env.LeaseGrace, 30*time.Second)
	lease, err := env.Store.Acquire(ctx, p.Connector, p.Task, env.Holder, ttl)
	if errors.Is(err, store.ErrLeaseHeld) {
		log.Info("task already running elsewhere; invocation skipped")
		return res, fmt.Errorf("task %s/%d: %w: %w", p.Connector, p.Task, ErrSkipped, err)
	}
	if err != nil {
		return res, unreachable(log, &res, fmt.Errorf("acquire lease of %s/%d: %w", p.Connector, p.Task, err))
	}
	res.Token = lease.Token
	defer func() {
		// Release on a fresh context: the invocation's may be done. A retrying task keeps
		// its lease for the backoff instead: that is what delays its next slice, here and
		// in every other scheduler or worker.
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		if res.Retrying && res.RetryIn > 0 {
			if _, rerr := env.Store.Renew(rctx, lease, res.RetryIn); rerr != nil {
				log.Warn("hold lease for the retry backoff; it expires as first taken", "error", rerr)
			}
			return
		}
		if rerr := env.Store.Release(rctx, lease); rerr != nil {
			log.Warn("release lease", "error", rerr)
		}
	}()
	err = env.leased(ctx, log, p, lease, deadline, &res, nil)
	return res, err
}

// leased runs one slice under a lease the caller holds. last, when not nil, is the status
// last written under this lease: a status equal to it (state, trace, generation) is not
// written again, and last is updated.
func (env *Env) leased(ctx context.Context, log *slog.Logger, p schedule.Payload, lease store.Lease, deadline time.Time, res *Result, last *store.Status) error {
	started := time.Now()
	c, err := env.Store.Connector(ctx, p.Connector)
	if errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("connector %q: %w: deleted", p.Connector, ErrSkipped)
	}
	if err != nil {
		return unreachable(log, res, fmt.Errorf("read connector %q: %w", p.Connector, err))
	}
	res.Generation = c.Generation
	if c.TargetState != store.TargetRunning {
		return fmt.Errorf("connector %q is %s: %w", p.Connector, c.TargetState, ErrSkipped)
	}
	if p.Task < 0 || p.Task >= len(c.Tasks) {
		return fmt.Errorf("task %s/%d: %w: generation %d has %d tasks", p.Connector, p.Task, ErrSkipped, c.Generation, len(c.Tasks))
	}

	prev, running := env.previousNote(ctx, log, p.Connector, p.Task, c.Generation)
	policy, perr := schedule.ParsePolicy(c.Config)
	status := func(state store.State, trace string) {
		if last != nil && last.State == state && last.Trace == trace && last.Generation == c.Generation && env.statusIs(ctx, *last) {
			return // unchanged, and nobody else wrote one since: idle slices of a held task write nothing
		}
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		st := store.Status{Connector: p.Connector, Task: p.Task, State: state, WorkerID: env.Holder, Trace: trace, Generation: c.Generation, Updated: time.Now()}
		if err := env.Store.PutTaskStatus(sctx, lease, st); err != nil {
			log.Warn("write task status", "state", state, "error", err)
			return
		}
		if last != nil {
			*last = st
		}
	}
	if perr != nil {
		err := fmt.Errorf("connector %q: %w", p.Connector, perr)
		status(store.StateFailed, err.Error())
		return err
	}
	secrets, runErr := env.slice(ctx, log, c, p.Task, lease, deadline, res, !running)
	if runErr != nil && len(secrets) > 0 {
		// A trace may quote resolved values: it is stored, shown and logged redacted.
		runErr = &redactedError{msg: secrets.Redact(runErr.Error()), err: runErr}
	}
	return settle(log, res, runErr, ctx.Err() != nil, lease, prev, policy, deadline.Sub(started), status)
}

// settle writes the task's status after a slice from its error: none (RUNNING), one a
// retry may fix (RUNNING, "retrying since …", res.Retrying, and no error returned; FAILED
// once the outage outlasted task.retry.timeout.ms), or any other, or any error of an
// invocation that was stopped (FAILED). It returns the error the invocation ends with.
func settle(log *slog.Logger, res *Result, runErr error, stopped bool, lease store.Lease, prev schedule.Note, policy schedule.Policy,
	slice time.Duration, status func(store.State, string)) error {
	now := time.Now()
	restarts := schedule.RecentRestarts(prev.Restarts, now)
	// What the task reported rides along every status written after a slice.
	gauges, taskNote := res.Gauges, res.Note
	switch {
	case errors.Is(runErr, store.ErrFenced):
		log.Warn("lease taken over by another invocation; nothing committed", "token", lease.Token, "error", runErr)
		return runErr
	case runErr != nil && !stopped && transient.Is(runErr):
		note := schedule.Note{Cause: runErr.Error(), RetryingSince: now, Attempt: 1, TaskNote: taskNote, Gauges: gauges, Restarts: restarts}
		if prev.Retrying() {
			note.RetryingSince, note.Attempt = prev.RetryingSince, prev.Attempt+1
		}
		if policy.RetriesExhausted(note.RetryingSince, now) {
			note.GaveUp, note.RetryTimeout = true, policy.RetryTimeout
			log.Error("outage outlasted "+schedule.KeyRetryTimeout+"; task failed", "since", note.RetryingSince,
				"attempts", note.Attempt, "error", runErr)
			status(store.StateFailed, note.Trace())
			return runErr
		}
		note.NextIn = policy.RetryDelay(note.Attempt, slice)
		res.Retrying, res.RetryAttempt, res.RetryIn, res.RetryCause = true, note.Attempt, note.NextIn, runErr
		res.CaughtUp = false
		log.Warn("slice ended on a retriable error; retrying", "attempt", note.Attempt, "since", note.RetryingSince,
			"next_in", note.NextIn, "error", runErr)
		status(store.StateRunning, note.Trace())
		return nil
	case runErr != nil:
		status(store.StateFailed, schedule.Note{Cause: runErr.Error(), TaskNote: taskNote, Gauges: gauges, Restarts: restarts}.Trace())
		return runErr
	}
	if prev.Retrying() {
		log.Info("recovered from a retriable failure", "since", prev.RetryingSince, "attempts", prev.Attempt)
	}
	status(store.StateRunning, schedule.Note{TaskNote: taskNote, Gauges: gauges, Restarts: restarts}.Trace())
	return nil
}

// unreachable ends an invocation that could not reach the state store before its slice:
// a retriable cause (the store is briefly down) is a retry, not a failure, so Lambda does
// not send it to the on-failure destination and the next tick or pass runs the task again;
// no status can say so while the store is away. Any other cause is returned.
func unreachable(log *slog.Logger, res *Result, err error) error {
	if !transient.Is(err) {
		return err
	}
	log.Warn("state store unreachable; the task runs again at the next tick", "error", err)
	res.Retrying, res.RetryCause = true, err
	return nil
}

// previousNote reads what the task's last status says about an outage in progress and its
// recent automatic restarts; a store that cannot answer yields an empty note. started is
// true when the task is RUNNING in the connector's generation: a slice ran before, so this
// one is not the task's start.
func (env *Env) previousNote(ctx context.Context, log *slog.Logger, connector string, task int, generation int64) (note schedule.Note, started bool) {
	statuses, err := env.Store.Statuses(ctx, connector)
	if err != nil {
		log.Warn("read task status", "error", err)
		return schedule.Note{}, true
	}
	for _, st := range statuses {
		if st.Task == task {
			return schedule.ParseNote(st.Trace), st.State == store.StateRunning && st.Generation == generation
		}
	}
	return schedule.Note{}, false
}

// redactedError shows a message with resolved config values replaced by their references
// and keeps the original error for errors.Is and errors.As.
type redactedError struct {
	msg string
	err error
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return e.err }

// slice runs one slice; secrets are the values resolved from config-provider references,
// for redacting the error.
func (env *Env) slice(ctx context.Context, log *slog.Logger, c store.Connector, taskID int, lease store.Lease, deadline time.Time, res *Result,
	starting bool) (secrets provider.Secrets, err error) {
	cfg, taskCfg := c.Config, c.Tasks[taskID]
	if env.Resolver != nil {
		var s1, s2 provider.Secrets
		if cfg, s1, err = env.Resolver.ResolveSecrets(ctx, cfg); err != nil {
			return nil, fmt.Errorf("resolve config of %q: %w", c.Name, err)
		}
		if taskCfg, s2, err = env.Resolver.ResolveSecrets(ctx, taskCfg); err != nil {
			return s1, fmt.Errorf("resolve task config of %s/%d: %w", c.Name, taskID, err)
		}
		secrets = append(s1, s2...)
	}
	return secrets, env.runSlice(ctx, log, c, taskID, lease, deadline, res, cfg, taskCfg, starting)
}

func (env *Env) runSlice(ctx context.Context, log *slog.Logger, c store.Connector, taskID int, lease store.Lease, deadline time.Time, res *Result,
	cfg, taskCfg map[string]string, starting bool) error {
	plugin, err := env.Registry.Lookup(c.Config["connector.class"])
	if err != nil {
		return fmt.Errorf("connector %q: %w", c.Name, err)
	}
	if starting {
		if err := env.preflight(ctx, log, c.Name, taskID, plugin, cfg); err != nil {
			return err
		}
	}
	errCfg, err := taskslice.ParseErrorConfig(cfg)
	if err != nil {
		return fmt.Errorf("connector %q: %w", c.Name, err)
	}
	build := env.Pipeline
	if build == nil {
		build = DefaultPipeline(env.Registry, nil)
	}
	pipe, err := build(cfg)
	if err != nil {
		return fmt.Errorf("connector %q: %w", c.Name, err)
	}
	if pipe.Close != nil {
		defer pipe.Close()
	}
	margin := cmp.Or(env.Margin, 5*time.Second)
	conn := plugin.New()
	switch plugin.Type {
	case connect.PluginSink:
		sc, ok := conn.(connect.SinkConnector)
		if !ok {
			return fmt.Errorf("connector %q: plugin %s is not a sink connector", c.Name, plugin.Class)
		}
		return env.sink(ctx, log, c, taskID, lease, sc, taskCfg, pipe, errCfg, deadline, margin, res)
	case connect.PluginSource:
		sc, ok := conn.(connect.SourceConnector)
		if !ok {
			return fmt.Errorf("connector %q: plugin %s is not a source connector", c.Name, plugin.Class)
		}
		return env.source(ctx, log, c, taskID, lease, sc, taskCfg, pipe, errCfg, deadline, margin, res)
	}
	return fmt.Errorf("connector %q: plugin %s has unknown type %q", c.Name, plugin.Class, plugin.Type)
}

func (env *Env) sink(ctx context.Context, log *slog.Logger, c store.Connector, taskID int, lease store.Lease, sc connect.SinkConnector,
	taskCfg map[string]string, pipe Pipeline, errCfg taskslice.ErrorConfig, deadline time.Time, margin time.Duration, res *Result) error {
	assignment, err := ParseAssignment(taskCfg[AssignmentKey])
	if err != nil {
		return fmt.Errorf("task %s/%d: %w", c.Name, taskID, err)
	}
	if len(assignment) == 0 {
		res.CaughtUp = true
		return nil
	}
	committed, err := env.Store.SinkOffsets(ctx, c.Name)
	if err != nil {
		return fmt.Errorf("read sink offsets of %q: %w", c.Name, err)
	}
	start := map[connect.TopicPartition]int64{}
	for _, tp := range assignment {
		if off, ok := committed[tp]; ok {
			start[tp] = off
		}
	}
	props := maps.Clone(taskCfg)
	delete(props, AssignmentKey)
	client, err := env.connectorClient(ctx, c)
	if err != nil {
		return err
	}
	if client != env.Kafka {
		defer client.Close()
	}
	out, err := taskslice.RunSinkSlice(ctx, log, taskslice.SinkSlice{
		Task:          sc.NewTask(),
		TaskConfig:    props,
		TaskLogger:    connect.TaskLogger(env.Logger, c.Name, taskID),
		Client:        client,
		Assignment:    assignment,
		Start:         start,
		OffsetReset:   c.Config["consumer.override.auto.offset.reset"],
		Deadline:      deadline,
		Margin:        margin,
		Converters:    pipe.Converters,
		Transform:     pipe.Transform,
		Errors:        errCfg,
		ClassifyError: ClassifyError,
		ConnectorName: c.Name,
		TaskID:        taskID,
		LeaseToken:    lease.Token,
		LeaseTookOver: lease.TookOver,
		LeaseCurrent: func(ctx context.Context) (bool, error) {
			cur, err := env.Store.CurrentLease(ctx, c.Name, taskID)
			if err != nil {
				return false, fmt.Errorf("lease of %s/%d: %w", c.Name, taskID, err)
			}
			return cur.Token == lease.Token, nil
		},
	})
	if err != nil {
		err = env.fencedOr(ctx, c.Name, taskID, lease, err)
	}
	res.Records, res.Written, res.CaughtUp = out.Records, out.Delivered, out.CaughtUp
	res.Skipped, res.DeadLettered = out.Skipped, out.DeadLettered
	res.Gauges, res.Note = out.Gauges, out.Note
	for tp, end := range out.EndOffsets {
		pos, ok := out.Committable[tp]
		if !ok {
			if pos, ok = start[tp]; !ok {
				continue // never committed and not reached: its position is not known
			}
		}
		res.Lag = max(res.Lag, 0) + max(0, end-pos)
	}
	if len(out.Committable) > 0 {
		changed := map[connect.TopicPartition]int64{}
		for tp, off := range out.Committable {
			if prev, ok := start[tp]; !ok || prev != off {
				changed[tp] = off
			}
		}
		used := map[string]bool{}
		for tp := range changed {
			if !used[tp.Topic] {
				used[tp.Topic] = true
				env.recordTopic(ctx, log, c.Name, taskID, tp.Topic)
			}
		}
		if len(changed) > 0 {
			if cerr := env.Store.CommitSinkOffsets(ctx, lease, changed); cerr != nil {
				return errors.Join(err, fmt.Errorf("commit sink offsets of %s/%d: %w", c.Name, taskID, cerr))
			}
			res.Committed = true
			if merr := taskslice.MirrorSinkOffsets(ctx, client, c.Name, out.Committable); merr != nil {
				log.Warn("mirror offsets to consumer group", "error", merr)
			}
		}
	}
	if err == nil && out.Interrupted != nil {
		// What was durable is committed; the rest waits for a later slice.
		return connect.Retriable(out.Interrupted)
	}
	return err
}

// fencedOr marks a failed slice's error as fenced when the task's lease was taken over
// meanwhile: a sink that fences itself in its external system (the Iceberg sink's commit,
// conditioned on the snapshot it read) fails the slice of a stale invocation, which then
// ends as any fenced invocation does, not as a failure of the task.
func (env *Env) fencedOr(ctx context.Context, connector string, task int, lease store.Lease, err error) error {
	if errors.Is(err, store.ErrFenced) {
		return err
	}
	cur, lerr := env.Store.CurrentLease(context.WithoutCancel(ctx), connector, task)
	if lerr == nil && cur.Token != lease.Token {
		return fmt.Errorf("%w: %w", store.ErrFenced, err)
	}
	return err
}

func (env *Env) source(ctx context.Context, log *slog.Logger, c store.Connector, taskID int, lease store.Lease, sc connect.SourceConnector,
	taskCfg map[string]string, pipe Pipeline, errCfg taskslice.ErrorConfig, deadline time.Time, margin time.Duration, res *Result) error {
	offsets, err := env.Store.SourceOffsets(ctx, c.Name)
	if err != nil {
		return fmt.Errorf("read source offsets of %q: %w", c.Name, err)
	}
	idle := cmp.Or(env.IdlePolls, 3)
	client, err := env.connectorClient(ctx, c)
	if err != nil {
		return err
	}
	if client != env.Kafka {
		defer client.Close()
	}
	writer, err := env.sourceWriter(client, c, taskID, log)
	if err != nil {
		return err
	}
	defer writer.Close()
	out, err := taskslice.RunSourceSlice(ctx, cmp.Or(env.Logger, slog.New(slog.DiscardHandler)), taskslice.SourceSlice{
		Task:          sc.NewTask(),
		TaskConfig:    taskCfg,
		TaskLogger:    connect.TaskLogger(env.Logger, c.Name, taskID),
		OffsetReader:  offsetReader(offsets),
		Client:        client,
		Writer:        writer,
		Deadline:      deadline,
		Margin:        margin,
		IdlePolls:     idle,
		Converters:    pipe.Converters,
		Transform:     pipe.Transform,
		Errors:        errCfg,
		ClassifyError: ClassifyError,
		ConnectorName: c.Name,
		TaskID:        taskID,
		Commit: func(ctx context.Context, offs []store.SourceOffset) error {
			if len(offs) == 0 {
				return nil
			}
			if err := env.Store.CommitSourceOffsets(ctx, lease, offs); err != nil {
				return fmt.Errorf("commit source offsets of %s/%d: %w", c.Name, taskID, err)
			}
			res.Committed = true
			return nil
		},
	})
	res.Records, res.Written = out.Polled, out.Produced
	res.Skipped = out.Skipped
	res.Gauges, res.Note = out.Gauges, out.Note
	res.CaughtUp = err == nil && out.Interrupted == nil && time.Now().Before(deadline.Add(-margin))
	if err == nil && out.Interrupted != nil {
		return connect.Retriable(out.Interrupted)
	}
	return err
}

// offsetReader serves committed source offsets to a task.
type offsetReader []store.SourceOffset

func (o offsetReader) Offset(_ context.Context, partition map[string]any) (map[string]any, error) {
	want, err := store.PartitionKey(partition)
	if err != nil {
		return nil, err
	}
	for _, so := range o {
		got, err := store.PartitionKey(so.Partition)
		if err == nil && got == want {
			return so.Offset, nil
		}
	}
	return nil, nil
}

// connectorClient is the Kafka client of a connector's tasks: the worker's, or one with the
// connector's producer.override.*, consumer.override.* and admin.override.* client keys.
func (env *Env) connectorClient(ctx context.Context, c store.Connector) (*kafka.Client, error) {
	client, err := env.Kafka.ForConnector(ctx, c.Config)
	if err != nil {
		return nil, fmt.Errorf("connector %q: %w", c.Name, err)
	}
	return client, nil
}
