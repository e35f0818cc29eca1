package bench

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/connectless/connectless/connectors"
	"github.com/connectless/connectless/core/schedule"
	"github.com/connectless/connectless/core/serverless"
	"github.com/connectless/connectless/core/startup"
	"github.com/connectless/connectless/core/store"
	"github.com/connectless/connectless/core/store/dynamo"
	"github.com/connectless/connectless/core/taskrun"
)

// connectorName names the archive connector of every job.
const connectorName = "bench-archive"

// sliceBudget is the longest slice: long enough for a task to catch up in one slice.
const sliceBudget = 10 * time.Minute

// connectorConfig is the S3 sink configuration of a job: JsonFormat of schemaless JSON
// values (ByteArrayFormat of ByteArrayConverter values for FormatBytes, ParquetFormat of AvroConverter values for the Avro row), the default partitioner,
// FlushSize records per object.
func connectorConfig(j Job) map[string]string {
	compression := cmp.Or(j.Compression, "none")
	cfg := map[string]string{
		"connector.class":                "io.confluent.connect.s3.S3SinkConnector",
		"topics":                         j.Topic,
		"tasks.max":                      strconv.Itoa(max(j.Tasks, 1)),
		"format.class":                   "io.confluent.connect.s3.format.json.JsonFormat",
		"storage.class":                  "io.confluent.connect.s3.storage.S3Storage",
		"s3.bucket.name":                 j.Bucket,
		"s3.region":                      j.Region,
		"store.url":                      j.S3Endpoint,
		"s3.path.style.access.enabled":   "true",
		"aws.access.key.id":              j.AccessKey,
		"aws.secret.access.key":          j.SecretKey,
		"s3.compression.type":            compression,
		"flush.size":                     strconv.Itoa(j.FlushSize),
		"key.converter":                  "org.apache.kafka.connect.storage.StringConverter",
		"value.converter":                "org.apache.kafka.connect.json.JsonConverter",
		"value.converter.schemas.enable": "false",
	}
	withAsRead(j, cfg)
	if j.Format == FormatBytes {
		delete(cfg, "value.converter.schemas.enable")
		cfg["format.class"] = "io.confluent.connect.s3.format.bytearray.ByteArrayFormat"
		cfg["value.converter"] = "org.apache.kafka.connect.converters.ByteArrayConverter"
	}
	if j.Format == FormatSchemaJSONParquet {
		schemaParquetConfig(cfg, j.RegistryURL) // the S3 sink's Parquet beside the Iceberg row (icebergparquet.go)
	} else if j.RegistryURL != "" {
		delete(cfg, "value.converter.schemas.enable")
		cfg["format.class"] = "io.confluent.connect.s3.format.parquet.ParquetFormat"
		cfg["value.converter"] = "io.confluent.connect.avro.AvroConverter"
		cfg["value.converter.schema.registry.url"] = j.RegistryURL
	}
	return cfg
}

func rawConfig(cfg map[string]string) startup.RawConfig {
	raw := startup.RawConfig{}
	for k, v := range cfg {
		raw[k] = &v
	}
	return raw
}

// openRuntime opens the runtime the functions and the worker build, on the given backend.
func openRuntime(ctx context.Context, j Job, props map[string]string) (*serverless.Runtime, error) {
	reg, err := connectors.Registry()
	if err != nil {
		return nil, fmt.Errorf("connector registry: %w", err)
	}
	props["bootstrap.servers"] = strings.Join(j.Brokers, ",")
	props["task.slice.max.ms"] = strconv.FormatInt(sliceBudget.Milliseconds(), 10)
	props["task.shutdown.margin.ms"] = "2000"
	rt, err := serverless.Open(ctx, props, serverless.Options{Registry: reg, Logger: slog.New(slog.DiscardHandler), WorkerID: "bench"})
	if err != nil {
		return nil, fmt.Errorf("open runtime: %w", err)
	}
	return rt, nil
}

// runWorker runs the S3 sink (FileStreamSource for KindSourceWorker) as the worker does:
// every task runs slice after slice in its own goroutine until it caught up, on a bolt
// store.
func runWorker(ctx context.Context, j Job) (JobResult, error) {
	cfg := connectorConfig(j)
	if j.Kind == KindSourceWorker {
		cfg = sourceConfig(j)
	}
	dir, err := os.MkdirTemp("", "connectless-bench-")
	if err != nil {
		return JobResult{}, fmt.Errorf("state directory: %w", err)
	}
	defer os.RemoveAll(dir)
	rt, err := openRuntime(ctx, j, map[string]string{"state.backend": serverless.BackendBolt, "state.bolt.path": filepath.Join(dir, "state.db")})
	if err != nil {
		return JobResult{}, err
	}
	defer rt.Close()
	if _, err := rt.Herder.CreateConnector(ctx, connectorName, rawConfig(cfg), store.TargetRunning); err != nil {
		return JobResult{}, fmt.Errorf("create connector: %w", err)
	}
	c, err := rt.Store.Connector(ctx, connectorName)
	if err != nil {
		return JobResult{}, fmt.Errorf("read connector: %w", err)
	}
	if c, err = taskrun.Assign(ctx, rt.Store, rt.Registry, rt.Kafka, c); err != nil {
		return JobResult{}, fmt.Errorf("assign: %w", err)
	}
	start := time.Now()
	var (
		mu    sync.Mutex
		total int64
		errs  []error
		wg    sync.WaitGroup
	)
	for task := range c.Tasks {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 100 {
				deadline := time.Now().Add(sliceBudget)
				res, err := taskrun.Run(ctx, rt.Env, schedule.Payload{Connector: connectorName, Task: task, NotAfter: deadline}, deadline)
				mu.Lock()
				total += int64(res.Written)
				if err != nil {
					errs = append(errs, fmt.Errorf("task %d: %w", task, err))
				}
				mu.Unlock()
				if err != nil || res.CaughtUp {
					return
				}
			}
		}()
	}
	wg.Wait()
	return JobResult{Records: total, Seconds: since(start)}, errors.Join(errs...)
}

// runServerless runs the S3 sink as the functions do: each scheduler tick assigns, plans and
// dispatches the due tasks to in-process invocations (RunTask), state on DynamoDB; ticks
// follow each other, a minute apart on the scheduler's clock, until every task caught up.
func runServerless(ctx context.Context, j Job) (JobResult, error) {
	ac, err := awsconfig.LoadDefaultConfig(ctx)
	if err != nil {
		return JobResult{}, fmt.Errorf("load AWS configuration: %w", err)
	}
	if err := dynamo.CreateTable(ctx, dynamodb.NewFromConfig(ac), j.Table); err != nil {
		return JobResult{}, fmt.Errorf("create table %s: %w", j.Table, err)
	}
	rt, err := openRuntime(ctx, j, map[string]string{"state.backend": serverless.BackendDynamoDB, "state.dynamodb.table": j.Table})
	if err != nil {
		return JobResult{}, err
	}
	defer rt.Close()
	if _, err := rt.Herder.CreateConnector(ctx, connectorName, rawConfig(connectorConfig(j)), store.TargetRunning); err != nil {
		return JobResult{}, fmt.Errorf("create connector: %w", err)
	}
	start := time.Now()
	now := start
	caughtUp := map[int]bool{}
	var total int64
	for tick := 0; tick < 100 && len(caughtUp) < max(j.Tasks, 1); tick++ {
		var (
			mu   sync.Mutex
			errs []error
		)
		inv := &serverless.InProcess{Run: func(ctx context.Context, p schedule.Payload) error {
			res, err := rt.RunTask(ctx, "", p)
			mu.Lock()
			defer mu.Unlock()
			total += int64(res.Written)
			if err != nil {
				errs = append(errs, fmt.Errorf("task %d: %w", p.Task, err))
			} else if res.CaughtUp {
				caughtUp[p.Task] = true
			}
			return err
		}}
		if _, err := rt.Schedule(ctx, now, inv); err != nil {
			return JobResult{Records: total}, fmt.Errorf("scheduler tick: %w", err)
		}
		inv.Wait()
		if err := errors.Join(errs...); err != nil {
			return JobResult{Records: total, Seconds: since(start)}, err
		}
		now = now.Add(time.Minute)
	}
	return JobResult{Records: total, Seconds: since(start)}, nil
}
