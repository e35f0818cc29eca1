package main

import (
	"fmt"
	"log/slog"
	"math"
	"os"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/connectless/connectless/core/rest"
	"github.com/connectless/connectless/core/worker"
)

func workerCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:      "worker",
		Usage:     "run a long-lived worker: REST API, herder and task runners in one process",
		ArgsUsage: "[worker.properties]",
		Description: examples("Reads Kafka Connect worker properties from the file, if given, and from CONNECT_* environment\n"+
			"variables (CONNECT_BOOTSTRAP_SERVERS is bootstrap.servers; they win over the file). Workers on the\n"+
			"same store (state.backend=dynamodb or kafka) share the tasks. SIGTERM or Ctrl-C stops gracefully:\n"+
			"running slices finish, commit and release their leases. See docs/worker.md for every property.",
			"connectless worker worker.properties",
			"CONNECT_BOOTSTRAP_SERVERS=localhost:9092 connectless worker"),
		Action: func(c *cli.Context) error {
			if c.NArg() > 1 {
				return usagef("worker takes at most one properties file, got %d arguments", c.NArg())
			}
			props, err := workerProps(e, c.Args().First())
			if err != nil {
				return err
			}
			return runWorker(c, e, props, nil)
		},
	}
}

func standaloneCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:      "standalone",
		Usage:     "run one worker on the embedded state file, creating or updating the connectors given as files",
		ArgsUsage: "worker.properties connector1.properties|.json [connector2 ...]",
		Description: examples("Behaves like Kafka's connect-standalone: the state (configurations, offsets, statuses) lives in\n"+
			"one bolt file (state.bolt.path, else offset.storage.file.filename, else connectless.db), and each\n"+
			"connector file (Java properties, or JSON with or without a config wrapper) is created or updated\n"+
			"at start. The REST API is served as in worker mode.",
			"connectless standalone worker.properties file-source.properties file-sink.json"),
		Action: func(c *cli.Context) error {
			if c.NArg() < 1 {
				return usagef("standalone needs a worker properties file")
			}
			props, err := workerProps(e, c.Args().First())
			if err != nil {
				return err
			}
			if b := strings.TrimSpace(props[worker.KeyBackend]); b != "" && !strings.EqualFold(b, worker.BackendBolt) {
				return usagef("standalone keeps its state in the embedded bolt file; %s=%s is for worker mode", worker.KeyBackend, b)
			}
			props[worker.KeyBackend] = worker.BackendBolt
			var conns []worker.ConnectorFile
			for _, path := range c.Args().Slice()[1:] {
				name, cfg, err := worker.LoadConnector(path)
				if err != nil {
					return err
				}
				conns = append(conns, worker.ConnectorFile{Name: name, Config: cfg})
			}
			return runWorker(c, e, props, conns)
		},
	}
}

// workerProps reads the properties file (optional) and the CONNECT_* environment variables.
func workerProps(e *env, path string) (map[string]string, error) {
	file := map[string]string{}
	if path != "" {
		var err error
		if file, err = worker.LoadProperties(path); err != nil {
			return nil, err
		}
	}
	return worker.Merge(file, worker.FromEnv(os.Environ())), nil
}

// runWorker runs a worker until the command's context ends (SIGTERM, Ctrl-C).
func runWorker(c *cli.Context, e *env, props map[string]string, conns []worker.ConnectorFile) error {
	reg, err := e.registry()
	if err != nil {
		return fmt.Errorf("connector registry: %w", err)
	}
	loggers := rest.NewLoggers(nil)
	base := slog.NewTextHandler(e.stderr, &slog.HandlerOptions{Level: slog.Level(math.MinInt32)})
	log := loggers.Logger(base, "connectless")
	w, err := worker.New(c.Context, props, worker.Options{Registry: reg, Logger: log, Loggers: loggers, Version: version, Connectors: conns})
	if err != nil {
		return err
	}
	go func() {
		<-w.Ready()
		if w.State() == worker.StateRunning {
			fmt.Fprintf(e.stderr, "connectless worker %s listening on %v\n", w.ID(), w.Addrs())
		}
	}()
	return w.Run(c.Context)
}
