package main

import (
	"fmt"
	"log/slog"
	"math"
	"os"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/connectless/connectless/connectors/file"
	"github.com/connectless/connectless/core/connect"
	"github.com/connectless/connectless/core/connfile"
	"github.com/connectless/connectless/core/rest"
	"github.com/connectless/connectless/core/store"
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
			return runWorker(c, e, props, nil, false)
		},
	}
}

func standaloneCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:      "standalone",
		Usage:     "run one worker with the connectors given as files, as Kafka's connect-standalone",
		ArgsUsage: "worker.properties connector1.properties|.json [connector2 ...]",
		Description: examples("Behaves like Kafka's connect-standalone: it runs the connectors given as files (Java properties,\n"+
			"or JSON, flat or {\"name\",\"config\",\"initial_state\"}, told apart by content) and those created\n"+
			"over REST while it runs; configurations and statuses last for the run. Only offsets are kept, in\n"+
			"offset.storage.file.filename (or state.bolt.path, else connectless.db); a Kafka Connect offsets\n"+
			"file found there is imported into <file>.connectless and left unchanged. The REST API is served\n"+
			"as in worker mode.",
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
				cs, err := connfile.Load(path, e.stdin)
				if err != nil {
					return err
				}
				for _, cn := range cs {
					conns = append(conns, worker.ConnectorFile{Name: cn.Name, Config: cn.Config, InitialState: store.TargetState(cn.InitialState)})
				}
			}
			return runWorker(c, e, props, conns, true)
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
func runWorker(c *cli.Context, e *env, props map[string]string, conns []worker.ConnectorFile, standalone bool) error {
	reg, err := e.registry()
	if err != nil {
		return fmt.Errorf("connector registry: %w", err)
	}
	if standalone {
		// As Kafka's connect-standalone, FileStreamSource without a file reads standard input.
		plugins := reg.Plugins()
		for i, p := range plugins {
			if p.Class == file.SourceClass {
				plugins[i] = file.NewSourcePlugin(e.stdin)
			}
		}
		if reg, err = connect.NewRegistry(plugins...); err != nil {
			return fmt.Errorf("connector registry: %w", err)
		}
	}
	loggers := rest.NewLoggers(nil)
	base := slog.NewTextHandler(e.stderr, &slog.HandlerOptions{Level: slog.Level(math.MinInt32)})
	log := loggers.Logger(base, "connectless")
	w, err := worker.New(c.Context, props, worker.Options{Registry: reg, Logger: log, Loggers: loggers, Version: builtVersion(), Connectors: conns, Standalone: standalone})
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

// builtVersion is the version GET / reports: the one set with -ldflags, else "" so that the
// REST API reports the build's module version (rest.BuildInfo).
func builtVersion() string {
	if version == "dev" {
		return ""
	}
	return version
}
