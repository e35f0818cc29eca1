package main

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/connectless/connectless/cli/internal/output"
	"github.com/connectless/connectless/core/client"
)

func deleteCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:        "delete",
		Usage:       "delete connectors",
		Description: examples("", "connectless delete connector orders-archive", "connectless delete connector a b c"),
		Subcommands: []*cli.Command{{
			Name: "connector", Aliases: []string{"connectors", "conn", "c"}, ArgsUsage: "NAME...",
			Usage:        "delete connectors (their offsets stay in the store)",
			Description:  examples("", "connectless delete connector orders-archive"),
			Flags:        withFlags(),
			BashComplete: e.completeConnectors,
			Action: func(c *cli.Context) error {
				return e.eachConnector(c, "deleted", func(cl *client.Client, n string) error {
					return cl.DeleteConnector(c.Context, n)
				}, nil)
			},
		}},
	}
}

// stateVerb is pause, resume or stop.
func (e *env) stateVerb(verb, past, want, desc string, wait bool) *cli.Command {
	flags := withFlags()
	ex := []string{"connectless " + verb + " orders-archive"}
	if wait {
		flags = withFlags(waitFlags()...)
		ex = append(ex, "connectless "+verb+" orders-archive --wait --timeout 1m")
	}
	return &cli.Command{
		Name: verb, ArgsUsage: "NAME...", Usage: desc,
		Description:  examples("", ex...),
		Flags:        flags,
		BashComplete: e.completeConnectors,
		Action: func(c *cli.Context) error {
			var after func(*client.Client, string) error
			if wait && c.Bool("wait") {
				after = func(cl *client.Client, n string) error { return e.waitState(c, cl, n, want) }
			}
			return e.eachConnector(c, past, func(cl *client.Client, n string) error {
				switch verb {
				case "pause":
					return cl.PauseConnector(c.Context, n)
				case "resume":
					return cl.ResumeConnector(c.Context, n)
				}
				return cl.StopConnector(c.Context, n)
			}, after)
		},
	}
}

// eachConnector runs act on each connector named in the arguments, printing
// "connector/NAME past" after each, then after (when not nil); it stops at the first error.
func (e *env) eachConnector(c *cli.Context, past string, act, after func(cl *client.Client, name string) error) error {
	names, err := someArgs(c, "connector name")
	if err != nil {
		return err
	}
	cl, err := e.client(c)
	if err != nil {
		return err
	}
	for _, n := range names {
		if err := act(cl, n); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "connector/%s %s\n", n, past)
		if after != nil {
			if err := after(cl, n); err != nil {
				return err
			}
		}
	}
	return nil
}

func pauseCommand(e *env) *cli.Command {
	return e.stateVerb("pause", "paused", "PAUSED", "pause connectors and their tasks", false)
}

func resumeCommand(e *env) *cli.Command {
	return e.stateVerb("resume", "resumed", "RUNNING", "resume paused or stopped connectors", true)
}

func stopCommand(e *env) *cli.Command {
	return e.stateVerb("stop", "stopped", "STOPPED", "stop connectors and remove their tasks (needed before changing offsets)", true)
}

func restartCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:  "restart",
		Usage: "restart a connector or one task",
		Description: examples("",
			"connectless restart connector orders-archive --include-tasks --only-failed --wait",
			"connectless restart task orders-archive/0"),
		Subcommands: []*cli.Command{
			{
				Name: "connector", Aliases: []string{"connectors", "conn", "c"}, ArgsUsage: "NAME",
				Usage: "restart a connector (and with --include-tasks its tasks)",
				Description: examples("",
					"connectless restart connector orders-archive",
					"connectless restart connector orders-archive --include-tasks --only-failed --wait"),
				Flags: withFlags(append(waitFlags(),
					&cli.BoolFlag{Name: "include-tasks", Usage: "restart the tasks too"},
					&cli.BoolFlag{Name: "only-failed", Usage: "restart only instances that FAILED"})...),
				BashComplete: e.completeConnectors,
				Action:       e.restartConnector,
			},
			{
				Name: "task", Aliases: []string{"tasks", "t"}, ArgsUsage: "NAME/ID",
				Usage:        "restart one task",
				Description:  examples("", "connectless restart task orders-archive/0", "connectless restart task orders-archive/0 --wait"),
				Flags:        withFlags(waitFlags()...),
				BashComplete: e.completeConnectors,
				Action:       e.restartTask,
			},
		},
	}
}

func (e *env) restartConnector(c *cli.Context) error {
	name, err := oneArg(c, "connector name")
	if err != nil {
		return err
	}
	p, cl, err := e.printerAndClient(c)
	if err != nil {
		return err
	}
	plan, err := cl.RestartConnector(c.Context, name, c.Bool("include-tasks"), c.Bool("only-failed"))
	if err != nil {
		return err
	}
	switch {
	case plan != nil && p.Format != output.Table:
		if err := p.Data(plan); err != nil {
			return err
		}
	case plan != nil:
		rows := [][]string{{"connector", p.State(plan.Connector.State), plan.Connector.WorkerID}}
		for _, t := range plan.Tasks {
			rows = append(rows, []string{"task " + strconv.Itoa(t.ID), p.State(t.State), t.WorkerID})
		}
		fmt.Fprintf(e.stdout, "connector/%s restart requested:\n", name)
		ip := *p
		ip.W = &indenter{w: e.stdout, pad: "  "}
		if err := ip.Table([]string{"INSTANCE", "STATE", "WORKER"}, rows); err != nil {
			return err
		}
	default:
		fmt.Fprintf(e.stdout, "connector/%s restarted\n", name)
	}
	if c.Bool("wait") {
		return e.waitState(c, cl, name, "RUNNING")
	}
	return nil
}

func (e *env) restartTask(c *cli.Context) error {
	arg, err := oneArg(c, "task as NAME/ID")
	if err != nil {
		return err
	}
	i := strings.LastIndexByte(arg, '/')
	if i <= 0 {
		return usagef("restart task: want NAME/ID such as orders-archive/0, got %q", arg)
	}
	name := arg[:i]
	id, err := strconv.Atoi(arg[i+1:])
	if err != nil || id < 0 {
		return usagef("restart task: task id %q in %q is not a number: want NAME/ID such as %s/0", arg[i+1:], arg, name)
	}
	cl, err := e.client(c)
	if err != nil {
		return err
	}
	if err := cl.RestartTask(c.Context, name, id); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "task/%s/%d restarted\n", name, id)
	if c.Bool("wait") {
		return e.waitState(c, cl, name, "RUNNING")
	}
	return nil
}
