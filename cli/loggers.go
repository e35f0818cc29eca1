package main

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/connectless/connectless/cli/internal/output"
	"github.com/connectless/connectless/core/client"
)

func loggersCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:  "loggers",
		Usage: "list or change the worker's log levels (/admin/loggers)",
		Description: examples("",
			"connectless loggers",
			"connectless loggers get root",
			"connectless loggers set connectless.runtime DEBUG",
			"connectless loggers set root WARN --scope cluster"),
		Flags:  withFlags(),
		Action: e.listLoggers,
		Subcommands: []*cli.Command{
			{
				Name: "get", ArgsUsage: "LOGGER", Usage: "show one logger's level",
				Description: examples("", "connectless loggers get root"),
				Flags:       withFlags(),
				Action: func(c *cli.Context) error {
					name, err := oneArg(c, "logger name")
					if err != nil {
						return err
					}
					return e.printLoggers(c, func(cl *client.Client) (map[string]client.LoggerLevel, error) {
						l, err := cl.Logger(c.Context, name)
						return map[string]client.LoggerLevel{name: l}, err
					})
				},
			},
			{
				Name: "set", ArgsUsage: "LOGGER LEVEL", Usage: "set a logger's level (OFF, FATAL, ERROR, WARN, INFO, DEBUG, TRACE, ALL)",
				Description: examples("", "connectless loggers set connectless.runtime DEBUG"),
				Flags:       withFlags(&cli.StringFlag{Name: "scope", Usage: "worker (default) or cluster"}),
				Action:      e.setLogger,
			},
		},
	}
}

func (e *env) listLoggers(c *cli.Context) error {
	if c.NArg() > 0 {
		return usagef("unknown loggers subcommand %q: use get or set", c.Args().First())
	}
	return e.printLoggers(c, func(cl *client.Client) (map[string]client.LoggerLevel, error) { return cl.Loggers(c.Context) })
}

func (e *env) printLoggers(c *cli.Context, get func(*client.Client) (map[string]client.LoggerLevel, error)) error {
	p, cl, err := e.printerAndClient(c)
	if err != nil {
		return err
	}
	ls, err := get(cl)
	if err != nil {
		return err
	}
	if p.Format != output.Table {
		return p.Data(ls)
	}
	rows := [][]string{}
	for _, n := range slices.Sorted(maps.Keys(ls)) {
		mod := ""
		if t := ls[n].LastModified; t != nil {
			mod = time.UnixMilli(*t).UTC().Format(time.RFC3339)
		}
		rows = append(rows, []string{n, ls[n].Level, mod})
	}
	return p.Table([]string{"LOGGER", "LEVEL", "LAST MODIFIED"}, rows)
}

func (e *env) setLogger(c *cli.Context) error {
	if c.NArg() != 2 {
		return usagef("loggers set: want LOGGER LEVEL, got %d arguments", c.NArg())
	}
	name, level := c.Args().Get(0), strings.ToUpper(c.Args().Get(1))
	scope := c.String("scope")
	if scope != "" && scope != "worker" && scope != "cluster" {
		return usagef("loggers set: --scope %q: use worker or cluster", scope)
	}
	cl, err := e.client(c)
	if err != nil {
		return err
	}
	changed, err := cl.SetLogger(c.Context, name, level, scope)
	if err != nil {
		return err
	}
	if len(changed) == 0 {
		_, err = fmt.Fprintf(e.stdout, "logger %s set to %s\n", name, level)
		return err
	}
	_, err = fmt.Fprintf(e.stdout, "logger %s set to %s (%s)\n", name, level, strings.Join(changed, ", "))
	return err
}
