package archivejob

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

	"github.com/connectless/connectless/connectors/light"
	"github.com/connectless/connectless/core/schedule"
	"github.com/connectless/connectless/core/serverless"
	"github.com/connectless/connectless/core/startup"
	"github.com/connectless/connectless/core/store"
	"github.com/connectless/connectless/core/taskrun"
)

// ConnectorName names the archive connector of every job.
const ConnectorName = "bench-archive"

// SliceBudget is the longest slice: long enough for a task to catch up in one slice.
const SliceBudget = 10 * time.Minute

// ConnectorConfig is the S3 sink configuration of a job: JsonFormat of schemaless JSON
// values (ByteArrayFormat of ByteArrayConverter values for FormatBytes, ParquetFormat of AvroConverter values for the Avro row), the default partitioner,
// FlushSize records per object.
func ConnectorConfig(j Job) map[string]string {
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
	if j.Format == FormatBytes {
		delete(cfg, "value.converter.schemas.enable")
		cfg["format.class"] = "io.confluent.connect.s3.format.bytearray.ByteArrayFormat"
		cfg["value.converter"] = "org.apache.kafka.connect.converters.ByteArrayConverter"
	}
	if j.RegistryURL != "" {
		delete(cfg, "value.converter.schemas.enable")
		cfg["format.class"] = "io.confluent.connect.s3.format.parquet.ParquetFormat"
		cfg["value.converter"] = "io.confluent.connect.avro.AvroConverter"
		cfg["value.converter.schema.registry.url"] = j.RegistryURL
	}
	return cfg
}

// RawConfig is cfg as the herder takes a connector configuration.
func RawConfig(cfg map[string]string) startup.RawConfig {
	raw := startup.RawConfig{}
	for k, v := range cfg {
		raw[k] = &v
	}
	return raw
}

// OpenRuntime opens the runtime the task function and the worker build, on the given
// backend, with the connectors the task function links (every one but the Iceberg sink).
func OpenRuntime(ctx context.Context, j Job, props map[string]string) (*serverless.Runtime, error) {
	reg, err := light.Registry()
	if err != nil {
		return nil, fmt.Errorf("connector registry: %w", err)
	}
	props["bootstrap.servers"] = strings.Join(j.Brokers, ",")
	props["task.slice.max.ms"] = strconv.FormatInt(SliceBudget.Milliseconds(), 10)
	props["task.shutdown.margin.ms"] = "2000"
	rt, err := serverless.Open(ctx, props, serverless.Options{Registry: reg, Logger: slog.New(slog.DiscardHandler), WorkerID: "bench"})
	if err != nil {
		return nil, fmt.Errorf("open runtime: %w", err)
	}
	return rt, nil
}

// Worker returns the runner of the worker path with the connector configuration config
// gives for a job (ConnectorConfig for the S3 sink, SourceConfig for FileStreamSource):
// every task runs slice after slice in its own goroutine until it caught up, on a bolt
// store.
func Worker(config func(Job) map[string]string) Runner {
	return func(ctx context.Context, j Job) (JobResult, error) { return runWorker(ctx, j, config(j)) }
}

func runWorker(ctx context.Context, j Job, cfg map[string]string) (JobResult, error) {
	dir, err := os.MkdirTemp("", "connectless-bench-")
	if err != nil {
		return JobResult{}, fmt.Errorf("state directory: %w", err)
	}
	defer os.RemoveAll(dir)
	rt, err := OpenRuntime(ctx, j, map[string]string{"state.backend": serverless.BackendBolt, "state.bolt.path": filepath.Join(dir, "state.db")})
	if err != nil {
		return JobResult{}, err
	}
	defer rt.Close()
	if _, err := rt.Herder.CreateConnector(ctx, ConnectorName, RawConfig(cfg), store.TargetRunning); err != nil {
		return JobResult{}, fmt.Errorf("create connector: %w", err)
	}
	c, err := rt.Store.Connector(ctx, ConnectorName)
	if err != nil {
		return JobResult{}, fmt.Errorf("read connector: %w", err)
	}
	if c, err = taskrun.Assign(ctx, rt.Store, rt.Registry, rt.Kafka, c); err != nil {
		return JobResult{}, fmt.Errorf("assign: %w", err)
	}
	start := time.Now()
	total, err := RunTasks(ctx, rt, len(c.Tasks))
	return JobResult{Records: total, Seconds: Since(start)}, err
}

// RunTasks runs the tasks of the connector ConnectorName at once, each slice after slice
// (taskrun.Run, as the worker and the task function run them) until it caught up or failed,
// and returns the records they wrote.
func RunTasks(ctx context.Context, rt *serverless.Runtime, tasks int) (int64, error) {
	var (
		mu    sync.Mutex
		total int64
		errs  []error
		wg    sync.WaitGroup
	)
	for task := range tasks {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 100 {
				deadline := time.Now().Add(SliceBudget)
				res, err := taskrun.Run(ctx, rt.Env, schedule.Payload{Connector: ConnectorName, Task: task, NotAfter: deadline}, deadline)
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
	return total, errors.Join(errs...)
}

// SourceConfig is FileStreamSource reading the job's file into its topic as strings.
func SourceConfig(j Job) map[string]string {
	return map[string]string{
		"connector.class": "org.apache.kafka.connect.file.FileStreamSourceConnector",
		"tasks.max":       strconv.Itoa(max(j.Tasks, 1)),
		"file":            j.File,
		"topic":           j.Topic,
		"key.converter":   "org.apache.kafka.connect.storage.StringConverter",
		"value.converter": "org.apache.kafka.connect.storage.StringConverter",
	}
}
