package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/apache/iceberg-go/catalog"

	"github.com/connectless/connectless/connectors"
	"github.com/connectless/connectless/connectors/iceberg"
	"github.com/connectless/connectless/core/serverless"
	"github.com/connectless/connectless/core/store"
	"github.com/connectless/connectless/core/taskrun"
	"github.com/connectless/connectless/infra/bench/archivejob"
	"github.com/connectless/connectless/infra/devstack"
)

// KindIceberg is the job kind of the Iceberg row: P1's JSON log topic written to an Apache
// Iceberg table by the Iceberg sink (sql catalog on PostgreSQL, warehouse in versitygw), task
// invocations run one after the other as the scheduler dispatches them.
const KindIceberg = "iceberg"

// IcebergRow is the Iceberg row of P1: the same records as P1's archive rows, in the same
// run, into an Iceberg table.
type IcebergRow struct {
	Variant
	// CommitMs is the time per commit (write the buffered data files, append the snapshot,
	// retries included), over every commit of every run.
	CommitMs Stat `json:"commit_ms"`
	// DataFiles and Snapshots are the table's after the last run.
	DataFiles int `json:"data_files"`
	Snapshots int `json:"snapshots"`
	// S3Parquet is the S3 sink's ParquetFormat on the same log lines in the same run (worker
	// path, as the Iceberg row's invocations run), its runs interleaved with the Iceberg
	// row's. Its CPU-s/GB is over the lines' bytes (P1's value bytes).
	S3Parquet *Variant `json:"s3_parquet,omitempty"`
	// ParquetTopicBytes is the value bytes of S3Parquet's topic: the lines in JSON Schema wire
	// format (5 bytes more each).
	ParquetTopicBytes int64 `json:"parquet_topic_bytes,omitempty"`
}

// s3ParquetName is the name of the S3 ParquetFormat variant beside the Iceberg row.
const s3ParquetName = KindWorker + "/" + FormatSchemaJSONParquet

// icebergTable is the table of the Iceberg row.
const icebergTable = "bench.logs"

// iceberg runs the Iceberg row: Runs runs over P1's topic, each into a fresh catalog.
func (r *runner) iceberg(ctx context.Context) error {
	if !r.wants(KindIceberg) {
		return nil
	}
	pg, err := devstack.StartPostgres(ctx)
	if err != nil {
		r.progress("P1: Iceberg row skipped: %v", err)
		return nil
	}
	defer pg.Close()
	row := &IcebergRow{Variant: Variant{Name: "iceberg/sql", Path: KindIceberg, Compression: "snappy"}}
	// The S3 sink's ParquetFormat runs whenever the Iceberg row does, beside it.
	start := time.Now()
	if row.ParquetTopicBytes, err = r.loadSchemaLogs(ctx); err != nil {
		return fmt.Errorf("P1 iceberg: %w", err)
	}
	r.progress("P1: loaded %d log lines in JSON Schema wire format into %s, %.1f MB, in %.1fs",
		r.opts.Records, schemaLogTopic, float64(row.ParquetTopicBytes)/1e6, time.Since(start).Seconds())
	pq := &Variant{Name: s3ParquetName, Path: KindWorker, Compression: "snappy", Format: FormatSchemaJSONParquet, Tasks: r.opts.Tasks}
	var commits []float64
	for run := 1; run <= r.opts.Runs; run++ {
		ps, err := r.runJob(ctx, Job{Kind: KindWorker, Topic: schemaLogTopic, Format: FormatSchemaJSONParquet, FlushSize: r.flushSize(), Tasks: r.opts.Tasks,
			RegistryURL: r.svc.registry.URL()})
		if err == nil && ps.Counted != int64(r.opts.Records) {
			err = fmt.Errorf("%w: %d counted, %d loaded", ErrCount, ps.Counted, r.opts.Records)
		}
		pq.Runs = append(pq.Runs, ps)
		if err != nil {
			return fmt.Errorf("P1 %s run %d: %w", pq.Name, run, err)
		}
		r.progress("P1: %-18s run %d: %8.0f msg/s, %5.1f CPU-s, peak RSS %5.1f MiB, %d records in %d objects",
			pq.Name, run, float64(ps.Counted)/ps.Seconds, ps.CPUSeconds, ps.PeakRSSMB, ps.Counted, ps.Objects)
		r.seq++
		j := Job{Kind: KindIceberg, Topic: archiveTopic, Tasks: r.opts.Tasks, Brokers: r.svc.kafka.Brokers(),
			Bucket: fmt.Sprintf("bench-%03d-iceberg", r.seq), S3Endpoint: r.svc.s3.Endpoint, Region: r.svc.s3.Region,
			AccessKey: r.svc.s3.AccessKey, SecretKey: r.svc.s3.SecretKey, CatalogURI: pg.DSN, Table: fmt.Sprintf("c%03d", r.seq)}
		if err := r.svc.s3.CreateBucket(ctx, j.Bucket); err != nil {
			return err
		}
		s, res, err := r.spawnIceberg(ctx, j)
		if err == nil {
			s.Counted, row.DataFiles, row.Snapshots, err = countTable(ctx, j)
		}
		if err == nil && s.Counted != int64(r.opts.Records) {
			err = fmt.Errorf("iceberg run %d: %w: %d rows, %d loaded", run, ErrCount, s.Counted, r.opts.Records)
		}
		if emptyErr := emptyBucket(context.WithoutCancel(ctx), r.svc.s3c, j.Bucket); emptyErr != nil {
			r.opts.Logger.Warn("bench: empty bucket", "bucket", j.Bucket, "error", emptyErr)
		}
		row.Runs = append(row.Runs, s)
		if err != nil {
			return fmt.Errorf("P1 iceberg run %d: %w", run, err)
		}
		commits = append(commits, res.CommitMs...)
		r.progress("P1: %-18s run %d: %8.0f msg/s, %5.1f CPU-s, peak RSS %5.1f MiB, %d rows in %d data files, %d commits",
			row.Name, run, float64(s.Counted)/s.Seconds, s.CPUSeconds, s.PeakRSSMB, s.Counted, row.DataFiles, len(res.CommitMs))
	}
	summarize(&row.Variant, r.rep.ValueBytes, r.opts.Records)
	row.CommitMs = statOf(commits)
	r.rep.Iceberg = row
	line := fmt.Sprintf("P1: JSON logs → Iceberg: %.0f msg/s, %.1f CPU-s/GB, peak RSS %.0f MiB, commit %.0f ms (median)",
		row.MsgsPerS.Median, row.CPUSPerGB.Median, row.PeakRSSMB.Median, row.CommitMs.Median)
	summarize(pq, r.rep.ValueBytes, r.opts.Records)
	row.S3Parquet = pq
	line += fmt.Sprintf("; the S3 sink's ParquetFormat on the same lines (JsonSchemaConverter): %.0f msg/s, %.1f CPU-s/GB, peak RSS %.0f MiB",
		pq.MsgsPerS.Median, pq.CPUSPerGB.Median, pq.PeakRSSMB.Median)
	for _, v := range r.rep.Archive {
		if v.Path == KindServerless && v.Compression == "none" {
			line += fmt.Sprintf("; the S3 sink's JsonFormat on the same records (serverless): %.0f msg/s, %.1f CPU-s/GB, peak RSS %.0f MiB",
				v.MsgsPerS.Median, v.CPUSPerGB.Median, v.PeakRSSMB.Median)
		}
	}
	r.progress("%s", line)
	return nil
}

// printIceberg writes the Iceberg row and the S3 sink's ParquetFormat beside it.
func printIceberg(w io.Writer, tw *tabwriter.Writer, rep *Report) {
	ib := rep.Iceberg
	if ib == nil {
		return
	}
	fmt.Fprintf(w, "\nP1 JSON logs -> Iceberg (sql catalog; %d data files, %d snapshots; commit ms %s) beside the S3 sink's ParquetFormat on the same lines (JsonSchemaConverter)\n",
		ib.DataFiles, ib.Snapshots, fmtStat(ib.CommitMs))
	fmt.Fprintln(tw, "variant\tmsg/s min\tmedian\tmax\tCPU-s/GB\tpeak RSS MiB\tcounted\t")
	for _, v := range []*Variant{&ib.Variant, ib.S3Parquet} {
		if v != nil {
			fmt.Fprintf(tw, "%s\t%.0f\t%.0f\t%.0f\t%.1f\t%.1f\t%d\t\n", v.Name, v.MsgsPerS.Min, v.MsgsPerS.Median, v.MsgsPerS.Max,
				v.CPUSPerGB.Median, v.PeakRSSMB.Median, lastCounted(*v))
		}
	}
	tw.Flush()
}

// spawnIceberg runs an Iceberg job in a child process and reads its rusage.
func (r *runner) spawnIceberg(ctx context.Context, j Job) (Sample, JobResult, error) {
	in, err := json.Marshal(j)
	if err != nil {
		return Sample{}, JobResult{}, fmt.Errorf("job: %w", err)
	}
	cmd := r.opts.Child(ctx)
	var stdout, stderr bytes.Buffer
	cmd.Stdin, cmd.Stdout, cmd.Stderr = bytes.NewReader(in), &stdout, &stderr
	cmd.Env = append(cmd.Environ(), "GOMAXPROCS="+strconv.Itoa(runtime.NumCPU()))
	runErr := cmd.Run()
	var s Sample
	if cmd.ProcessState != nil {
		if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
			s.CPUSeconds, s.PeakRSSMB = tvSeconds(ru.Utime)+tvSeconds(ru.Stime), maxRSSMB(ru.Maxrss)
		}
	}
	var res JobResult
	if err := json.Unmarshal(stdout.Bytes(), &res); err != nil {
		return s, res, fmt.Errorf("iceberg job: %w (%v): %s", err, runErr, tail(stderr.String()))
	}
	s.Seconds, s.Read = res.Seconds, res.Records
	if res.PeakRSSMB > 0 {
		s.PeakRSSMB = res.PeakRSSMB
	}
	if res.Error != "" || runErr != nil {
		s.Error = res.Error + fmt.Sprint(runErr)
		return s, res, fmt.Errorf("iceberg job: %s: %s", s.Error, tail(stderr.String()))
	}
	return s, res, nil
}

// icebergConfig is the Iceberg sink's configuration of a job.
func icebergConfig(j Job) map[string]string {
	return map[string]string{
		"connector.class":                iceberg.ConnectorClass,
		"topics":                         j.Topic,
		"tasks.max":                      strconv.Itoa(max(j.Tasks, 1)),
		"key.converter":                  "org.apache.kafka.connect.storage.StringConverter",
		"value.converter":                "org.apache.kafka.connect.json.JsonConverter",
		"value.converter.schemas.enable": "false",
		iceberg.TablesConfig:             icebergTable,
		iceberg.AutoCreateConfig:         "true",
		iceberg.CatalogTypeConfig:        "sql",
		iceberg.CatalogNameConfig:        j.Table,
		iceberg.CatalogURIConfig:         j.CatalogURI,
		iceberg.CatalogWarehouseConfig:   "s3://" + j.Bucket + "/warehouse",
		iceberg.S3EndpointConfig:         j.S3Endpoint,
		iceberg.S3PathStyleConfig:        "true",
		iceberg.S3AccessKeyConfig:        j.AccessKey,
		iceberg.S3SecretKeyConfig:        j.SecretKey,
		iceberg.ClientRegionConfig:       j.Region,
	}
}

// commitLog collects the duration of every "iceberg commit" the tasks log.
type commitLog struct {
	mu sync.Mutex
	ms []float64
}

func (c *commitLog) Enabled(_ context.Context, l slog.Level) bool { return l >= slog.LevelInfo }
func (c *commitLog) Handle(_ context.Context, rec slog.Record) error {
	if rec.Message != "iceberg commit" {
		return nil
	}
	rec.Attrs(func(a slog.Attr) bool {
		if a.Key == "ms" {
			c.mu.Lock()
			c.ms = append(c.ms, float64(a.Value.Int64()))
			c.mu.Unlock()
		}
		return true
	})
	return nil
}
func (c *commitLog) WithAttrs([]slog.Attr) slog.Handler { return c }
func (c *commitLog) WithGroup(string) slog.Handler      { return c }

// runIceberg is the child of an Iceberg job: task invocations (taskrun.Run, as the task
// function runs them) on a bolt state file, each task until it caught up; it reports the
// time of each commit.
func runIceberg(ctx context.Context, j Job) (JobResult, error) {
	dir, err := os.MkdirTemp("", "connectless-bench-")
	if err != nil {
		return JobResult{}, fmt.Errorf("state directory: %w", err)
	}
	defer os.RemoveAll(dir)
	reg, err := connectors.Registry()
	if err != nil {
		return JobResult{}, fmt.Errorf("connector registry: %w", err)
	}
	log := &commitLog{}
	props := map[string]string{"state.backend": serverless.BackendBolt, "state.bolt.path": filepath.Join(dir, "state.db"),
		"bootstrap.servers": strings.Join(j.Brokers, ","), "task.slice.max.ms": strconv.FormatInt(sliceBudget.Milliseconds(), 10),
		"task.shutdown.margin.ms": "2000"}
	rt, err := serverless.Open(ctx, props, serverless.Options{Registry: reg, Logger: slog.New(log), WorkerID: "bench"})
	if err != nil {
		return JobResult{}, fmt.Errorf("open runtime: %w", err)
	}
	defer rt.Close()
	if _, err := rt.Herder.CreateConnector(ctx, connectorName, rawConfig(icebergConfig(j)), store.TargetRunning); err != nil {
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
	total, err := archivejob.RunTasks(ctx, rt, len(c.Tasks)) // at once, as the scheduler dispatches them
	if err != nil {
		return JobResult{Records: total, Seconds: since(start)}, err
	}
	return JobResult{Records: total, Seconds: since(start), CommitMs: log.ms}, nil
}

// countTable scans the job's table with iceberg-go and returns its rows, data files and
// snapshots.
func countTable(ctx context.Context, j Job) (rows int64, files, snapshots int, err error) {
	cat, err := iceberg.OpenCatalog(ctx, icebergConfig(j))
	if err != nil {
		return 0, 0, 0, err
	}
	defer iceberg.CloseCatalog(cat)
	tbl, err := cat.LoadTable(ctx, catalog.ToIdentifier(icebergTable))
	if err != nil {
		return 0, 0, 0, fmt.Errorf("load %s: %w", icebergTable, err)
	}
	tasks, err := tbl.Scan().PlanFiles(ctx)
	if err != nil {
		return 0, 0, 0, fmt.Errorf("plan scan: %w", err)
	}
	for _, t := range tasks {
		rows += t.File.Count()
	}
	return rows, len(tasks), len(tbl.Metadata().Snapshots()), nil
}
