package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/connectless/connectless/cli/internal/output"
	"github.com/connectless/connectless/cli/internal/progress"
	"github.com/connectless/connectless/core/client"
)

// DefaultWaitTimeout bounds --wait.
const DefaultWaitTimeout = 2 * time.Minute

func waitFlags() []cli.Flag {
	return []cli.Flag{
		&cli.BoolFlag{Name: "wait", Aliases: []string{"w"}, Usage: "wait until the connector and its tasks reach the target state"},
		&cli.DurationFlag{Name: "timeout", Value: DefaultWaitTimeout, Usage: "how long --wait waits"},
	}
}

// errWaitFailed reports an instance that FAILED while waiting.
var errWaitFailed = errors.New("failed")

// waitState polls a connector's status until the connector is in state want (RUNNING,
// PAUSED or STOPPED) and, unless want is STOPPED, every task is too; a STOPPED connector
// has no tasks. A FAILED instance ends the wait with its trace's first line.
func (e *env) waitState(c *cli.Context, cl *client.Client, name, want string) error {
	ctx, cancel := context.WithTimeout(c.Context, c.Duration("timeout"))
	defer cancel()
	disp := progress.New(e.stderr, isTerminal(e.stderr), fmt.Sprintf("waiting for %s to be %s", name, want))
	tick := time.NewTicker(e.poll)
	defer tick.Stop()
	desc := "no status yet"
	timedOut := func() error {
		disp.Finish("")
		return fmt.Errorf("connector %s not %s after %s (%s): %w", name, want, c.Duration("timeout"), desc, context.DeadlineExceeded)
	}
	for {
		done, total, d, err := e.poll1(ctx, cl, name, want)
		if err != nil && ctx.Err() != nil && c.Context.Err() == nil {
			return timedOut()
		}
		if err != nil {
			disp.Finish(fmt.Sprintf("connector/%s: %v", name, err))
			return err
		}
		desc = d
		if done != total {
			disp.Update(done, total, desc)
		}
		if done == total {
			disp.Finish(fmt.Sprintf("connector/%s is %s (%s)", name, want, desc))
			return nil
		}
		select {
		case <-ctx.Done():
			if c.Context.Err() != nil {
				return c.Context.Err()
			}
			return timedOut()
		case <-tick.C:
		}
	}
}

// poll1 reads the status once: done of total instances are in the wanted state.
func (e *env) poll1(ctx context.Context, cl *client.Client, name, want string) (done, total int, desc string, err error) {
	info, err := cl.Connector(ctx, name)
	if err != nil {
		return 0, 0, "", err
	}
	st, err := cl.ConnectorStatus(ctx, name)
	if errors.Is(err, client.ErrNotFound) {
		return 0, 1 + len(info.Tasks), "no status yet", nil
	}
	if err != nil {
		return 0, 0, "", err
	}
	if st.Connector.State == "FAILED" {
		return 0, 0, "", fmt.Errorf("connector %s %w: %s: see 'connectless describe connector %s'", name, errWaitFailed, output.FirstLine(st.Connector.Trace), name)
	}
	tasks := len(info.Tasks)
	if want == "STOPPED" {
		tasks = 0
	}
	total = 1 + tasks
	if st.Connector.State == want {
		done++
	}
	running := 0
	for _, t := range st.Tasks {
		if t.State == "FAILED" {
			return 0, 0, "", fmt.Errorf("task %s/%d %w: %s: see 'connectless describe connector %s'", name, t.ID, errWaitFailed, output.FirstLine(t.Trace), name)
		}
		if t.ID < tasks && t.State == want {
			running++
		}
	}
	done += running
	if want == "STOPPED" && len(st.Tasks) > 0 {
		// Tasks still listed: not stopped yet.
		done = min(done, total-1)
	}
	desc = fmt.Sprintf("connector %s, %d/%d tasks %s", st.Connector.State, running, tasks, want)
	if want == "STOPPED" {
		desc = fmt.Sprintf("connector %s, %d tasks left", st.Connector.State, len(st.Tasks))
	}
	return done, total, desc, nil
}
