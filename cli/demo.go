package main

import (
	"log/slog"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/connectless/connectless/infra/demo"
)

func demoCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:  "demo",
		Usage: "archive application logs to a local S3 store and restore an hour of them, all on this machine",
		Description: examples("Starts an in-process Kafka broker, a local S3 store (versitygw, from 'make deps') and an\n"+
			"embedded state file; writes application logs into app-logs; creates an hourly S3 sink through\n"+
			"the REST API and runs it through the scheduler and task invocations, as on Lambda; shows the\n"+
			"objects, the connector status and checks the counts; then restores one hour with the S3 source.\n"+
			"Exits 1 when a check fails.",
			"connectless demo",
			"connectless demo --records 20000 --verbose",
			"connectless demo --wait"),
		Flags: []cli.Flag{
			&cli.IntFlag{Name: "records", Value: 100000, Usage: "log records to write"},
			&cli.IntFlag{Name: "partitions", Value: 4, Usage: "partitions of app-logs"},
			&cli.DurationFlag{Name: "span", Value: 4 * time.Hour, Usage: "the records' timestamps cover the last span"},
			&cli.BoolFlag{Name: "wait", Usage: "keep the services, REST API and data up after the checks until Ctrl-C"},
			&cli.BoolFlag{Name: "verbose", Aliases: []string{"v"}, Usage: "runtime logs on stderr"},
			&cli.BoolFlag{Name: "iceberg", Usage: "archive into an Apache Iceberg table instead (sql catalog on a throwaway PostgreSQL) and count it by hour and level"},
		},
		Action: func(c *cli.Context) error {
			log := slog.New(slog.DiscardHandler)
			if c.Bool("verbose") {
				log = slog.New(slog.NewTextHandler(e.stderr, nil))
			}
			opts := demo.Options{Out: e.stdout, Records: c.Int("records"), Partitions: c.Int("partitions"),
				Span: c.Duration("span"), Logger: log, Wait: c.Bool("wait")}
			if c.Bool("iceberg") {
				_, err := demo.RunIceberg(c.Context, opts)
				return err
			}
			_, err := demo.Run(c.Context, opts)
			return err
		},
	}
}
