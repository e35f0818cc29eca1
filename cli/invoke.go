package main

import (
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/connectless/connectless/cli/internal/output"
	"github.com/connectless/connectless/core/connfile"
	"github.com/connectless/connectless/core/schedule"
	"github.com/connectless/connectless/core/serverless"
	"github.com/connectless/connectless/core/taskrun"
)

func invokeCommand(e *env) *cli.Command {
	return &cli.Command{
		Name: "invoke", ArgsUsage: "CONNECTOR TASK",
		Usage: "run one slice of one task here, against a store, to debug a connector",
		Description: examples("Does what one Lambda invocation of the task function does: takes the task's lease, runs\n"+
			"the task until --budget ends or it caught up, commits offsets, writes status. The store and\n"+
			"Kafka come from worker properties (state.backend, bootstrap.servers, ...): --worker-config\n"+
			"and/or --set. Sink partitions are dealt first, as the scheduler does. Logs go to stderr.",
			"connectless invoke --worker-config worker.properties orders-archive 0",
			"connectless invoke --set state.backend=bolt --set state.bolt.path=/tmp/c.db --set bootstrap.servers=localhost:9092 file-source 0 --budget 10s"),
		Flags: append(outputFlags(),
			&cli.StringFlag{Name: "worker-config", Aliases: []string{"c"}, Usage: "worker .properties file"},
			&cli.StringSliceFlag{Name: "set", Usage: "worker property key=value (overrides the file); repeatable"},
			&cli.DurationFlag{Name: "budget", Value: 30 * time.Second, Usage: "time the slice may take"},
			&cli.BoolFlag{Name: "verbose", Aliases: []string{"v"}, Usage: "debug logs"}),
		Action: e.invoke,
	}
}

// invokeResult is invoke's output.
type invokeResult struct {
	Connector  string `json:"connector"`
	Task       int    `json:"task"`
	Outcome    string `json:"outcome"`
	Generation int64  `json:"generation"`
	Records    int    `json:"records"`
	Written    int    `json:"written"`
	CaughtUp   bool   `json:"caught_up"`
	Committed  bool   `json:"committed"`
	DurationMS int64  `json:"duration_ms"`
	Error      string `json:"error,omitempty"`
}

func (e *env) invoke(c *cli.Context) error {
	if c.NArg() != 2 {
		return usagef("invoke: want CONNECTOR TASK, got %d arguments", c.NArg())
	}
	name := c.Args().Get(0)
	task, err := strconv.Atoi(c.Args().Get(1))
	if err != nil || task < 0 {
		return usagef("invoke: task %q is not a task number such as 0", c.Args().Get(1))
	}
	p, err := e.printer(c)
	if err != nil {
		return err
	}
	props := map[string]string{}
	if f := c.String("worker-config"); f != "" {
		data, err := os.ReadFile(f)
		if err != nil {
			return fmt.Errorf("read worker config: %w", err)
		}
		if props, err = connfile.ParseProperties(string(data)); err != nil {
			return fmt.Errorf("worker config %s: %w", f, err)
		}
	}
	for _, kv := range c.StringSlice("set") {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || strings.TrimSpace(k) == "" {
			return usagef("invoke: --set %q: want key=value", kv)
		}
		props[strings.TrimSpace(k)] = v
	}
	if len(props) == 0 {
		return usagef("invoke: no worker properties: give --worker-config FILE or --set state.backend=... (and bootstrap.servers)")
	}
	reg, err := e.registry()
	if err != nil {
		return fmt.Errorf("connector registry: %w", err)
	}
	level := slog.LevelInfo
	if c.Bool("verbose") {
		level = slog.LevelDebug
	}
	log := slog.New(slog.NewTextHandler(e.stderr, &slog.HandlerOptions{Level: level}))
	ctx := c.Context
	rt, err := serverless.Open(ctx, props, serverless.Options{Registry: reg, Logger: log, WorkerID: "connectless-invoke"})
	if err != nil {
		return err
	}
	defer rt.Close()
	conn, err := rt.Store.Connector(ctx, name)
	if err != nil {
		return fmt.Errorf("connector %q in the store: %w", name, err)
	}
	if rt.Kafka != nil {
		if _, err := taskrun.Assign(ctx, rt.Store, reg, rt.Kafka, conn); err != nil {
			return err
		}
	}
	res, runErr := taskrun.Run(ctx, rt.Env, schedule.Payload{Connector: name, Task: task}, time.Now().Add(c.Duration("budget")))
	out := invokeResult{Connector: name, Task: task, Outcome: "ran", Generation: res.Generation, Records: res.Records, Written: res.Written,
		CaughtUp: res.CaughtUp, Committed: res.Committed, DurationMS: res.Duration.Milliseconds()}
	switch {
	case errors.Is(runErr, taskrun.ErrSkipped):
		out.Outcome, out.Error = "skipped", runErr.Error()
		runErr = nil
	case runErr != nil:
		out.Outcome, out.Error = "failed", runErr.Error()
	case res.Retrying:
		// A retriable failure: the task stays RUNNING and is retried after the backoff.
		out.Outcome = "retrying"
		out.Error = fmt.Sprintf("attempt %d, next in %s: %v", res.RetryAttempt, res.RetryIn.Round(time.Millisecond), res.RetryCause)
	}
	if p.Format != output.Table {
		if err := p.Data(out); err != nil {
			return err
		}
	} else {
		fields := [][2]string{{"Task", fmt.Sprintf("%s/%d", name, task)}, {"Outcome", out.Outcome}, {"Generation", strconv.FormatInt(out.Generation, 10)},
			{"Records", strconv.Itoa(out.Records)}, {"Written", strconv.Itoa(out.Written)}, {"Caught up", strconv.FormatBool(out.CaughtUp)},
			{"Committed", strconv.FormatBool(out.Committed)}, {"Duration", res.Duration.Round(time.Millisecond).String()}}
		if out.Error != "" {
			fields = append(fields, [2]string{"Reason", out.Error})
		}
		if err := p.Fields(0, fields); err != nil {
			return err
		}
	}
	if runErr != nil {
		return fmt.Errorf("task %s/%d: %w", name, task, runErr)
	}
	return nil
}
