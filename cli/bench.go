package main

import (
	"encoding/json"
	"fmt"
	"os"

	"github.com/urfave/cli/v2"

	"github.com/connectless/connectless/infra/bench"
)

func benchCommand(e *env) *cli.Command {
	def := bench.DefaultPrices()
	return &cli.Command{
		Name:  "bench",
		Usage: "measure archive throughput, memory, invocation overhead, fan-out and cost per TB on local services",
		Description: examples("Starts Kafka (kfake in its own process), S3 (versitygw) and DynamoDB (dynalite) on loopback,\n"+
			"loads JSON log lines and archives them to S3 with plain loops (the ceilings: uncompressed, and gzip\n"+
			"and zstd through the sink's own compressors) and with the S3 sink through the worker path\n"+
			"(JsonFormat; ByteArrayFormat uncompressed) and the serverless path; then Avro log lines in Schema\n"+
			"Registry wire format archived as Parquet by a plain loop and by the S3 sink; each run in a child\n"+
			"process whose CPU seconds come from rusage and peak RSS from its VmHWM; the records counted in the\n"+
			"bucket are the ground truth. Then peak RSS against partitions, invocation overhead, scheduler\n"+
			"fan-out, cost per TB, tasks.max scaling, and a file written to Kafka by FileStreamSource beside a\n"+
			"plain kafka-go writer (counted by end offsets). See docs/benchmarks.md.",
			"connectless bench",
			"connectless bench --records 200000 --runs 3 --json bench.json",
			"connectless bench --task-bootstrap bin/task-bootstrap --lambda-memory-mb 1024"),
		Flags: []cli.Flag{
			&cli.IntFlag{Name: "records", Value: 2_000_000, Usage: "log lines P1 loads"},
			&cli.IntFlag{Name: "record-size", Value: 200, Usage: "approximate bytes per log line"},
			&cli.IntFlag{Name: "partitions", Value: 4, Usage: "partitions of the P1 topic"},
			&cli.IntFlag{Name: "tasks", Value: 2, Usage: "tasks.max of the S3 sink in P1"},
			&cli.IntFlag{Name: "runs", Value: 3, Usage: "runs of each P1 variant, interleaved"},
			&cli.IntFlag{Name: "object-mib", Value: 8, Usage: "uncompressed object size in MiB (sets flush.size)"},
			&cli.IntFlag{Name: "memory-records", Usage: "records per P2 topic (default records/4)"},
			&cli.IntFlag{Name: "memory-mb", Value: 64, Usage: "memory of P2's task process (sets its Go memory limit and GC percentage as the task function does)"},
			&cli.IntSliceFlag{Name: "memory-partitions", Usage: "partition counts of P2 (default 1,16,64,256)"},
			&cli.IntFlag{Name: "source-records", Usage: "log lines P7 writes from a file to Kafka (default records/4; -1 skips it)"},
			&cli.IntFlag{Name: "scaling-records", Usage: "log lines of P6's topic (default records/4)"},
			&cli.IntSliceFlag{Name: "scaling-tasks", Usage: "tasks.max values of P6 (default 1,2,4; -1 skips P6)"},
			&cli.IntFlag{Name: "avro-records", Usage: "records of P1's Avro -> Parquet row (default records/4; -1 skips it)"},
			&cli.IntFlag{Name: "fanout-connectors", Value: 100, Usage: "P4 connectors"},
			&cli.IntFlag{Name: "fanout-tasks", Value: 10, Usage: "P4 tasks per connector"},
			&cli.StringFlag{Name: "task-bootstrap", Usage: "task function bootstrap for the cold-init figure (make bench builds it)"},
			&cli.StringFlag{Name: "iceberg-task-bootstrap", Usage: "Iceberg task function bootstrap for a second cold-init figure (make bench builds it)"},
			&cli.StringFlag{Name: "json", Usage: "write the results as JSON to this file"},
			&cli.StringSliceFlag{Name: "only", Usage: "run only the variants whose names contain one of these (each with its ceiling) and the sections P2..P4 named; e.g. --only worker/none --only P2"},
			&cli.StringFlag{Name: "profile-dir", Usage: "write a CPU profile of each connectless P1 run here"},
			&cli.IntFlag{Name: "lambda-memory-mb", Value: 1769, Usage: "Lambda memory size of the cost model"},
			&cli.Float64Flag{Name: "invocation-seconds", Value: 300, Usage: "length of one task invocation in the cost model"},
			&cli.Float64Flag{Name: "mcu-mb-per-s", Value: 6.25, Usage: "MB/s one MSK Connect MCU archives"},
			&cli.Float64Flag{Name: "price-lambda-gb-s", Value: def.LambdaGBSecond, Usage: "Lambda arm64 USD per GB-second"},
			&cli.Float64Flag{Name: "price-lambda-requests", Value: def.LambdaPerMillionRequests, Usage: "Lambda USD per million requests"},
			&cli.Float64Flag{Name: "price-mcu-hour", Value: def.MSKConnectMCUHour, Usage: "MSK Connect USD per MCU-hour"},
			&cli.Float64Flag{Name: "price-firehose-gb", Value: def.FirehosePerGB, Usage: "Firehose USD per GB ingested"},
		},
		Subcommands: []*cli.Command{{
			Name:   "child",
			Usage:  "run one benchmark job read as JSON from stdin (used by bench itself)",
			Hidden: true,
			Action: func(c *cli.Context) error { return bench.RunChild(c.Context, e.stdin, e.stdout) },
		}},
		Action: func(c *cli.Context) error {
			opts := bench.Options{
				Out: e.stdout, Records: c.Int("records"), RecordSize: c.Int("record-size"), Partitions: c.Int("partitions"),
				Tasks: c.Int("tasks"), Runs: c.Int("runs"), ObjectBytes: c.Int("object-mib") << 20,
				MemoryRecords: c.Int("memory-records"), MemoryPartitions: c.IntSlice("memory-partitions"), MemoryMB: c.Int("memory-mb"), ScalingTasks: c.IntSlice("scaling-tasks"), ScalingRecords: c.Int("scaling-records"), SourceRecords: c.Int("source-records"), AvroRecords: c.Int("avro-records"), FanOutConnectors: c.Int("fanout-connectors"), FanOutTasks: c.Int("fanout-tasks"),
				TaskBootstrap: c.String("task-bootstrap"), IcebergTaskBootstrap: c.String("iceberg-task-bootstrap"), ProfileDir: c.String("profile-dir"), Only: c.StringSlice("only"),
				Cost: bench.CostModel{
					Prices: bench.Prices{LambdaGBSecond: c.Float64("price-lambda-gb-s"), LambdaPerMillionRequests: c.Float64("price-lambda-requests"),
						MSKConnectMCUHour: c.Float64("price-mcu-hour"), FirehosePerGB: c.Float64("price-firehose-gb")},
					LambdaMemoryMB: c.Int("lambda-memory-mb"), InvocationSeconds: c.Float64("invocation-seconds"), MCUMBPerSecond: c.Float64("mcu-mb-per-s"),
				},
			}
			rep, err := bench.Run(c.Context, opts)
			if path := c.String("json"); path != "" && rep != nil {
				b, jerr := json.MarshalIndent(rep, "", "  ")
				if jerr == nil {
					jerr = os.WriteFile(path, append(b, '\n'), 0o644)
				}
				if jerr != nil {
					return fmt.Errorf("write %s: %w", path, jerr)
				}
			}
			return err
		},
	}
}
