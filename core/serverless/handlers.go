package serverless

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/aws/aws-lambda-go/lambdacontext"

	"github.com/connectless/connectless/core/connect"
	"github.com/connectless/connectless/core/rest"
	"github.com/connectless/connectless/core/schedule"
	"github.com/connectless/connectless/core/store"
	"github.com/connectless/connectless/core/taskrun"
)

// TaskResult is what the task function answers for one invocation.
type TaskResult struct {
	Connector  string `json:"connector"`
	Task       int    `json:"task"`
	Generation int64  `json:"generation"`
	// Skipped is true when the invocation did nothing and exited cleanly: the task is running
	// elsewhere (lease held or taken over), stopped, paused or gone. Reason says which.
	Skipped bool   `json:"skipped"`
	Reason  string `json:"reason,omitempty"`
	// Records read (sink) or polled (source), and Written to the sink or to Kafka.
	Records   int  `json:"records"`
	Written   int  `json:"written"`
	Committed bool `json:"committed"`
	CaughtUp  bool `json:"caught_up"`
	// Retrying is true when the slice ended on a retriable error: the task stays RUNNING
	// and the scheduler runs it again after the backoff; RetryAttempt counts the failed
	// slices of the outage and RetryCause says what failed. It is not an invocation
	// failure, so it never reaches the on-failure destination.
	Retrying     bool   `json:"retrying,omitempty"`
	RetryAttempt int    `json:"retry_attempt,omitempty"`
	RetryCause   string `json:"retry_cause,omitempty"`
	Token        int64  `json:"token,omitempty"`
	// DurationMs is how long the invocation ran.
	DurationMs int64 `json:"duration_ms"`
	// Gauges are what the task reported (connect.TaskStatusReporter), e.g. slot_lag_bytes.
	Gauges map[string]float64 `json:"gauges,omitempty"`
}

// RunTask runs one task invocation: one slice until ctx's deadline (the Lambda deadline)
// minus the margin, or until p.NotAfter, whichever is first. An invocation that finds the
// task running elsewhere, or loses its lease to another, returns a skipped result and no
// error: it is a clean exit that Lambda must not retry. holder names the invocation in the
// lease (the request id); empty means the worker id.
func (rt *Runtime) RunTask(ctx context.Context, holder string, p schedule.Payload) (TaskResult, error) {
	if p.Connector == "" {
		return TaskResult{}, errors.New("task payload: no connector")
	}
	if err := rt.linked(ctx, p); err != nil {
		// Before the lease: the task's state is the right function's to write.
		rt.Logger.Error("invocation refused", "connector", p.Connector, "task", p.Task, "error", err)
		return TaskResult{Connector: p.Connector, Task: p.Task}, err
	}
	env := *rt.Env
	if holder != "" {
		env.Holder = holder
	}
	deadline, ok := ctx.Deadline()
	if !ok {
		deadline = time.Now().Add(rt.Config.SliceBudget)
	}
	res, err := taskrun.Run(ctx, &env, p, deadline)
	out := TaskResult{Connector: p.Connector, Task: p.Task, Generation: res.Generation, Records: res.Records, Written: res.Written,
		Committed: res.Committed, CaughtUp: res.CaughtUp, Token: res.Token, DurationMs: res.Duration.Milliseconds(),
		Retrying: res.Retrying, RetryAttempt: res.RetryAttempt, Gauges: res.Gauges}
	if res.RetryCause != nil {
		out.RetryCause = res.RetryCause.Error()
	}
	log := rt.Logger.With("connector", p.Connector, "task", p.Task, "holder", env.Holder)
	switch {
	case errors.Is(err, taskrun.ErrSkipped):
		out.Skipped, out.Reason = true, err.Error()
		log.Info("invocation skipped", "reason", out.Reason)
		return out, nil
	case errors.Is(err, store.ErrFenced):
		out.Skipped, out.Reason = true, "lease taken over by another invocation; nothing committed: "+err.Error()
		log.Warn("invocation fenced", "reason", out.Reason)
		return out, nil
	case err != nil:
		log.Error("invocation failed", "error", err)
		return out, err
	}
	log.Info("invocation done", "records", out.Records, "written", out.Written, "committed", out.Committed,
		"caught_up", out.CaughtUp, "token", out.Token, "duration_ms", out.DurationMs)
	return out, nil
}

// TaskHandler is the task functions' Lambda handler. A payload's kind selects what it does:
// a task payload (schedule.Payload, no kind) runs RunTask under the invocation's request id,
// then writes one EMF metrics line; a preflight request (KindPreflight, a PreflightRequest)
// runs Preflight and answers its PreflightResult. Any other kind is ErrPayloadKind.
func (rt *Runtime) TaskHandler(m *Metrics) func(ctx context.Context, payload json.RawMessage) (any, error) {
	return func(ctx context.Context, payload json.RawMessage) (any, error) {
		var kind struct {
			Kind string `json:"kind"`
		}
		if err := json.Unmarshal(payload, &kind); err != nil {
			return nil, fmt.Errorf("decode payload: %w", err)
		}
		switch kind.Kind {
		case "":
			var p schedule.Payload
			if err := json.Unmarshal(payload, &p); err != nil {
				return nil, fmt.Errorf("decode task payload: %w", err)
			}
			return rt.task(ctx, m, p)
		case KindPreflight:
			var req PreflightRequest
			if err := json.Unmarshal(payload, &req); err != nil {
				return nil, fmt.Errorf("decode preflight request: %w", err)
			}
			res, err := rt.Preflight(ctx, req)
			if err != nil {
				rt.Logger.Error("preflight refused", "connector_class", req.Config["connector.class"], "error", err)
				return nil, err
			}
			return res, nil
		default:
			return nil, fmt.Errorf("%w: %q (want none, a task, or %q)", ErrPayloadKind, kind.Kind, KindPreflight)
		}
	}
}

// task runs one task invocation under the invocation's request id and writes its metrics.
func (rt *Runtime) task(ctx context.Context, m *Metrics, p schedule.Payload) (TaskResult, error) {
	holder := ""
	if lc, ok := lambdacontext.FromContext(ctx); ok {
		holder = lambdacontext.FunctionName + "/" + lc.AwsRequestID
	}
	res, err := rt.RunTask(ctx, holder, p)
	if m != nil && p.Connector != "" {
		if merr := m.Task(res, rt.pluginType(ctx, p.Connector)); merr != nil {
			rt.Logger.Warn("write metrics", "error", merr)
		}
	}
	return res, err
}

// pluginType returns the connector's plugin type, or "" when it cannot be known.
func (rt *Runtime) pluginType(ctx context.Context, connector string) connect.PluginType {
	c, err := rt.Store.Connector(ctx, connector)
	if err != nil {
		return ""
	}
	p, err := rt.Registry.Lookup(c.Config["connector.class"])
	if err != nil {
		return ""
	}
	return p.Type
}

// Tick is what one scheduler invocation did.
type Tick struct {
	// Due is how many tasks were due; Sent how many invocations were started.
	Due  int `json:"due"`
	Sent int `json:"sent"`
	// Errors are the connectors that could not be assigned and the invocations that could not
	// be sent; they are retried at the next tick.
	Errors []string `json:"errors,omitempty"`
}

// Schedule runs one scheduler tick at now: it deals the partitions of every RUNNING sink
// connector over its tasks (bumping the generation when they changed), plans the due tasks
// and invokes each once through inv, at most scheduler.dispatch.concurrency at a time. A
// connector that cannot be assigned is reported and skipped; the others still run.
func (rt *Runtime) Schedule(ctx context.Context, now time.Time, inv schedule.Invoker) (Tick, error) {
	var tick Tick
	names, err := rt.Store.Connectors(ctx)
	if err != nil {
		return tick, fmt.Errorf("list connectors: %w", err)
	}
	for _, name := range names {
		c, err := rt.Store.Connector(ctx, name)
		if errors.Is(err, store.ErrNotFound) {
			continue
		}
		if err != nil {
			return tick, fmt.Errorf("read connector %q: %w", name, err)
		}
		if c.TargetState != store.TargetRunning || len(c.Tasks) == 0 {
			continue
		}
		if rt.Kafka == nil {
			if p, err := rt.Registry.Lookup(c.Config["connector.class"]); err == nil && p.Type == connect.PluginSink {
				tick.Errors = append(tick.Errors, fmt.Sprintf("assign %q: bootstrap.servers not set", name))
			}
			continue
		}
		if _, err := taskrun.Assign(ctx, rt.Store, rt.Registry, rt.Kafka, c); err != nil {
			rt.Logger.Warn("assign partitions", "connector", name, "error", err)
			tick.Errors = append(tick.Errors, fmt.Sprintf("assign %q: %v", name, err))
		}
	}
	planner := &schedule.Planner{Store: rt.Store, Logger: rt.Logger, SliceBudget: rt.Config.SliceBudget}
	due, err := planner.Plan(ctx, now)
	if err != nil {
		return tick, fmt.Errorf("plan: %w", err)
	}
	tick.Due = len(due)
	sent, err := schedule.Dispatch(ctx, inv, due, rt.Config.DispatchConcurrency)
	tick.Sent = sent
	if err != nil {
		rt.Logger.Warn("dispatch", "sent", sent, "due", len(due), "error", err)
		tick.Errors = append(tick.Errors, err.Error())
		if sent == 0 {
			return tick, fmt.Errorf("dispatch %d tasks: %w", len(due), err)
		}
	}
	rt.Logger.Info("tick", "due", tick.Due, "sent", tick.Sent, slog.Int("errors", len(tick.Errors)))
	return tick, nil
}

// SchedulerHandler is the scheduler function's Lambda handler: one Schedule per EventBridge
// Scheduler event (whose content is not used).
func (rt *Runtime) SchedulerHandler(inv schedule.Invoker) func(ctx context.Context, ev json.RawMessage) (Tick, error) {
	return func(ctx context.Context, _ json.RawMessage) (Tick, error) {
		return rt.Schedule(ctx, time.Now(), inv)
	}
}

// RESTHandler is the REST function's Lambda handler: API Gateway events served by the
// Connect REST API over this runtime's herder.
func (rt *Runtime) RESTHandler(opts rest.Options) func(ctx context.Context, ev json.RawMessage) (any, error) {
	if opts.Logger == nil {
		opts.Logger = rt.Logger
	}
	if opts.KafkaClusterID == "" && rt.Kafka != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		opts.KafkaClusterID, _ = rt.Kafka.ClusterID(ctx) // unknown: GET / reports null
		cancel()
	}
	return APIGateway{Handler: rest.New(rt.Herder, opts)}.Invoke
}
