package main

import (
	"context"
	"errors"
	"fmt"
	"github.com/connectless/connectless/core/config/workerprops"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/connectless/connectless/core/rest"
	"github.com/connectless/connectless/core/worker"
	"github.com/connectless/connectless/infra/devstack"
)

func devCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:  "dev",
		Usage: "start Kafka, a Schema Registry, S3, DynamoDB and a worker on this machine and print how to reach each",
		Description: examples("Kafka (kfake, in process) listens on --kafka-port and the worker's REST API on --rest-port;\n"+
			"a Schema Registry (franz-go's in-memory srfake) on --schema-registry-port, for the Avro, Protobuf\n"+
			"and JSON Schema converters; S3 (versitygw) and DynamoDB (dynalite) come from 'make deps' and listen\n"+
			"on the ports printed.\n"+
			"A service whose program is missing is reported and skipped. The worker keeps its state in\n"+
			"--state (a bolt file). Ctrl-C stops everything.",
			"connectless dev",
			"connectless dev --topics orders,app-logs --partitions 3",
			"connectless dev --kafka-port 19092 --rest-port 18083 --no-dynamodb"),
		Flags: []cli.Flag{
			&cli.IntFlag{Name: "kafka-port", Value: 9092, Usage: "Kafka port on 127.0.0.1"},
			&cli.IntFlag{Name: "rest-port", Value: 8083, Usage: "worker REST API port on 127.0.0.1"},
			&cli.StringFlag{Name: "topics", Usage: "topics to create, comma-separated"},
			&cli.IntFlag{Name: "partitions", Value: 1, Usage: "partitions of each topic"},
			&cli.StringFlag{Name: "state", Usage: "worker state file (default: a file in a temporary directory)"},
			&cli.IntFlag{Name: "schema-registry-port", Value: 8081, Usage: "Schema Registry port on 127.0.0.1"},
			&cli.BoolFlag{Name: "no-schema-registry", Usage: "do not start a Schema Registry"},
			&cli.BoolFlag{Name: "no-s3", Usage: "do not start S3"},
			&cli.BoolFlag{Name: "no-dynamodb", Usage: "do not start DynamoDB"},
			&cli.BoolFlag{Name: "no-worker", Usage: "do not start a worker"},
		},
		Action: e.dev,
	}
}

// devService is one started service, for the summary table.
type devService struct {
	name, where, use string
}

func (e *env) dev(c *cli.Context) error {
	ctx := c.Context
	if c.NArg() > 0 {
		return usagef("dev takes no arguments, got %q", c.Args().First())
	}
	var closers []io.Closer
	defer func() {
		for i := len(closers) - 1; i >= 0; i-- {
			_ = closers[i].Close()
		}
	}()
	var services []devService
	var skipped []string
	startCtx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()

	k, err := devstack.StartKafka(startCtx, devstack.KafkaOptions{Port: c.Int("kafka-port"), Topics: workerprops.SplitList(c.String("topics")),
		Partitions: c.Int("partitions"), AutoCreateTopics: true})
	if err != nil {
		return fmt.Errorf("start kafka on port %d: %w (is the port taken? pick another with --kafka-port)", c.Int("kafka-port"), err)
	}
	closers = append(closers, k)
	services = append(services, devService{"Kafka", k.Addr(), "bootstrap.servers=" + k.Addr()})

	if !c.Bool("no-schema-registry") {
		sreg, err := devstack.StartSchemaRegistry(startCtx, devstack.SchemaRegistryOptions{Port: c.Int("schema-registry-port")})
		if err != nil {
			return fmt.Errorf("start schema registry on port %d: %w (is the port taken? pick another with --schema-registry-port)", c.Int("schema-registry-port"), err)
		}
		closers = append(closers, sreg)
		services = append(services, devService{"Schema Registry", sreg.URL(),
			"value.converter=io.confluent.connect.avro.AvroConverter value.converter.schema.registry.url=" + sreg.URL()})
	}
	if !c.Bool("no-s3") {
		s3, err := devstack.StartS3(startCtx, devstack.S3Options{})
		if err != nil {
			skipped = append(skipped, "S3: "+devSkipReason(err))
		} else {
			closers = append(closers, s3)
			services = append(services, devService{"S3", s3.Endpoint, fmt.Sprintf("AWS_ENDPOINT_URL_S3=%s AWS_ACCESS_KEY_ID=%s AWS_SECRET_ACCESS_KEY=%s AWS_REGION=%s (path-style)",
				s3.Endpoint, s3.AccessKey, s3.SecretKey, s3.Region)})
		}
	}
	if !c.Bool("no-dynamodb") {
		d, err := devstack.StartDynamoDB(startCtx)
		if err != nil {
			skipped = append(skipped, "DynamoDB: "+devSkipReason(err))
		} else {
			closers = append(closers, closerFunc(d.Close))
			services = append(services, devService{"DynamoDB", d.Endpoint, fmt.Sprintf("AWS_ENDPOINT_URL_DYNAMODB=%s AWS_ACCESS_KEY_ID=%s AWS_SECRET_ACCESS_KEY=%s AWS_REGION=%s",
				d.Endpoint, d.AccessKey, d.SecretKey, d.Region)})
		}
	}
	var w *worker.Worker
	runErr := make(chan error, 1)
	if !c.Bool("no-worker") {
		state := c.String("state")
		if state == "" {
			dir, err := os.MkdirTemp("", "connectless-dev-")
			if err != nil {
				return fmt.Errorf("state directory: %w", err)
			}
			defer os.RemoveAll(dir)
			state = filepath.Join(dir, "state.db")
		}
		reg, err := e.registry()
		if err != nil {
			return fmt.Errorf("connector registry: %w", err)
		}
		props := map[string]string{
			"bootstrap.servers": k.Addr(), "listeners": "http://127.0.0.1:" + strconv.Itoa(c.Int("rest-port")),
			"rest.advertised.host.name": "127.0.0.1", "state.backend": "bolt", "state.bolt.path": state,
		}
		loggers := rest.NewLoggers(nil)
		log := loggers.Logger(slog.NewTextHandler(e.stderr, nil), "connectless")
		w, err = worker.New(ctx, props, worker.Options{Registry: reg, Logger: log, Loggers: loggers, Version: version})
		if err != nil {
			return fmt.Errorf("start worker on port %d: %w (is the port taken? pick another with --rest-port)", c.Int("rest-port"), err)
		}
		go func() { runErr <- w.Run(ctx) }()
		<-w.Ready()
		if w.State() != worker.StateRunning {
			return fmt.Errorf("start worker on port %d: %w (is the port taken? pick another with --rest-port)", c.Int("rest-port"), <-runErr)
		}
		url := "http://" + w.Addrs()[0].String()
		services = append(services, devService{"REST API", url, fmt.Sprintf("CONNECTLESS_URL=%s connectless get connectors (state in %s)", url, state)})
	}

	p, _ := e.printer(c)
	rows := [][]string{}
	for _, s := range services {
		rows = append(rows, []string{s.name, s.where, s.use})
	}
	fmt.Fprintln(e.stdout, "connectless dev: services on this machine (Ctrl-C stops them)")
	if err := p.Table([]string{"SERVICE", "ADDRESS", "HOW TO USE"}, rows); err != nil {
		return err
	}
	for _, s := range skipped {
		fmt.Fprintf(e.stdout, "not started: %s\n", s)
	}
	if w != nil {
		return <-runErr
	}
	<-ctx.Done()
	return nil
}

// devSkipReason is a one-line reason, with the make target for a missing program.
func devSkipReason(err error) string {
	var me *devstack.MissingError
	if errors.As(err, &me) {
		return me.Error()
	}
	return strings.SplitN(err.Error(), "\n", 2)[0]
}

type closerFunc func() error

func (f closerFunc) Close() error { return f() }
