package bench

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"runtime"
	"sync"
	"syscall"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/connectless/connectless/core/kafka"
	"github.com/connectless/connectless/infra/devstack"
)

// ErrCount is wrapped when the records counted in a bucket differ from the records loaded.
var ErrCount = errors.New("records in the bucket differ from the records loaded")

// Options configure Run. Zero values take the defaults.
type Options struct {
	// Out receives progress lines and the table. Default io.Discard.
	Out io.Writer
	// Records is how many log lines P1 loads. Default 2,000,000.
	Records int
	// RecordSize is the approximate size of one JSON log line in bytes. Default 200.
	RecordSize int
	// Partitions of the P1 topic. Default 4.
	Partitions int
	// Tasks is tasks.max of the S3 sink in P1. Default 2 (one per core here).
	Tasks int
	// Runs of each P1 variant, interleaved A/B/A/B. Default 3.
	Runs int
	// ObjectBytes is the target uncompressed object size; flush.size is ObjectBytes over
	// RecordSize. Default 8 MiB.
	ObjectBytes int
	// AvroRecords is how many records the Avro → Parquet row of P1 archives. Default
	// Records/4; negative skips the row.
	AvroRecords int
	// MemoryRecords is how many records each P2 topic gets. Default Records/4.
	MemoryRecords int
	// MemoryMB is the memory P2's task process runs in (its Go memory limit and GC
	// percentage follow from it as in the task function). Default 64.
	MemoryMB int
	// MemoryPartitions are the partition counts P2 archives with one task. Default 1, 16,
	// 64, 256.
	MemoryPartitions []int
	// SourceRecords is how many log lines P7 writes from a file to Kafka. Default Records/4;
	// negative skips P7.
	SourceRecords int
	// ScalingRecords is how many log lines P6's topic holds. Default Records/4.
	ScalingRecords int
	// ScalingTasks are the tasks.max values of P6 (the worker path on P1's topic). Default
	// 1, 2, 4; a first value below zero skips P6.
	ScalingTasks []int
	// FanOutConnectors × FanOutTasks is the task count of P4. Default 100 × 10.
	FanOutConnectors, FanOutTasks int
	// TaskBootstrap is the task function's bootstrap binary for the cold-init figure of P3;
	// empty skips it.
	TaskBootstrap string
	// IcebergTaskBootstrap is the Iceberg task function's bootstrap (the task function with
	// iceberg-go linked) for P3's second cold-init figure; empty skips it.
	IcebergTaskBootstrap string
	// Cost is the P5 cost model; zero prices take DefaultPrices.
	Cost CostModel
	// Only, when set, narrows the run to the P1, P6 and Avro variants whose names contain one
	// of its entries (each group keeps its ceiling) and to the sections P2 … P5 it names;
	// for iterating on one path.
	Only []string
	// ProfileDir, when set, receives a CPU profile of each connectless P1 run.
	ProfileDir string
	// Child returns the command that runs one job (RunChild) in a child process. Default: this
	// executable with the arguments "bench child".
	Child func(ctx context.Context) *exec.Cmd
	// Logger receives diagnostics. Default: discarded.
	Logger *slog.Logger
}

func (o *Options) defaults() {
	o.Out = cmp.Or[io.Writer](o.Out, io.Discard)
	o.Records = cmp.Or(o.Records, 2_000_000)
	o.RecordSize = cmp.Or(o.RecordSize, 200)
	o.Partitions = cmp.Or(o.Partitions, 4)
	o.Tasks = cmp.Or(o.Tasks, 2)
	o.Runs = cmp.Or(o.Runs, 3)
	o.ObjectBytes = cmp.Or(o.ObjectBytes, 8<<20)
	o.MemoryRecords = cmp.Or(o.MemoryRecords, o.Records/4)
	o.AvroRecords = cmp.Or(o.AvroRecords, o.Records/4)
	o.MemoryMB = cmp.Or(o.MemoryMB, 64)
	o.SourceRecords = cmp.Or(o.SourceRecords, o.Records/4)
	o.ScalingRecords = cmp.Or(o.ScalingRecords, o.Records/4)
	if len(o.MemoryPartitions) == 0 {
		o.MemoryPartitions = []int{1, 16, 64, 256}
	}
	if len(o.ScalingTasks) == 0 {
		o.ScalingTasks = []int{1, 2, 4}
	}
	o.FanOutConnectors = cmp.Or(o.FanOutConnectors, 100)
	o.FanOutTasks = cmp.Or(o.FanOutTasks, 10)
	if o.Cost.Prices == (Prices{}) {
		o.Cost.Prices = DefaultPrices()
	}
	o.Cost.defaults()
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Child == nil {
		o.Child = func(ctx context.Context) *exec.Cmd {
			exe, err := os.Executable()
			if err != nil {
				exe = os.Args[0]
			}
			return exec.CommandContext(ctx, exe, "bench", "child")
		}
	}
}

// Sample is one run of one variant.
type Sample struct {
	Seconds    float64 `json:"seconds"`
	CPUSeconds float64 `json:"cpu_seconds"`
	PeakRSSMB  float64 `json:"peak_rss_mb"`
	FileRSSMB  float64 `json:"file_rss_mb,omitempty"`
	// Read is what the job says it read; Counted is what the bucket holds afterwards.
	Read    int64 `json:"read"`
	Counted int64 `json:"counted"`
	Objects int   `json:"objects"`
	// StoredBytes is the size of the objects in the bucket.
	StoredBytes int64  `json:"stored_bytes"`
	Error       string `json:"error,omitempty"`
}

// Variant is one P1 archive variant over its runs. Rates use the counted records.
type Variant struct {
	Name        string   `json:"name"`
	Path        string   `json:"path"`
	Compression string   `json:"compression"`
	Format      string   `json:"format,omitempty"`
	Tasks       int      `json:"tasks,omitempty"`
	Runs        []Sample `json:"runs"`
	MsgsPerS    Stat     `json:"msgs_per_s"`
	MBPerS      Stat     `json:"mb_per_s"`
	CPUSPerGB   Stat     `json:"cpu_s_per_gb"`
	PeakRSSMB   Stat     `json:"peak_rss_mb"`
	// RatioToCeiling is the median msg/s over the ceiling's median msg/s, same compression.
	RatioToCeiling float64 `json:"ratio_to_ceiling"`
}

// MemoryRun is one P2 run: peak RSS archiving Records records over Partitions partitions.
type MemoryRun struct {
	Partitions int     `json:"partitions"`
	Records    int64   `json:"records"`
	Counted    int64   `json:"counted"`
	PeakRSSMB  float64 `json:"peak_rss_mb"`
	// FileRSSMB is the part of the resident memory that maps files (the executable).
	FileRSSMB float64 `json:"file_rss_mb"`
	Seconds   float64 `json:"seconds"`
	Error     string  `json:"error,omitempty"`
}

// Overhead is P3, in milliseconds.
type Overhead struct {
	// StoreMs is lease + connector + offsets + commit + status + release on DynamoDB.
	StoreMs Stat `json:"store_ms"`
	// ColdInitMs and WarmInvokeMs are the task bootstrap's first and second invocation under
	// aws-lambda-rie; zero when no bootstrap was given.
	ColdInitMs   Stat `json:"cold_init_ms"`
	WarmInvokeMs Stat `json:"warm_invoke_ms"`
	// IcebergColdInitMs and IcebergWarmInvokeMs are the same of the Iceberg task bootstrap;
	// zero when none was given.
	IcebergColdInitMs   Stat   `json:"iceberg_cold_init_ms"`
	IcebergWarmInvokeMs Stat   `json:"iceberg_warm_invoke_ms"`
	Error               string `json:"error,omitempty"`
}

// FanOut is P4: scheduler ticks over Tasks tasks.
type FanOut struct {
	Tasks  int    `json:"tasks"`
	TickMs Stat   `json:"tick_ms"`
	Error  string `json:"error,omitempty"`
}

// Report is what Run measured.
type Report struct {
	Date       string  `json:"date"`
	CPUs       int     `json:"cpus"`
	GoVersion  string  `json:"go_version"`
	Records    int     `json:"records"`
	ValueBytes int64   `json:"value_bytes"`
	Partitions int     `json:"partitions"`
	Tasks      int     `json:"tasks"`
	FlushSize  int     `json:"flush_size"`
	LoadMsgsPS float64 `json:"load_msgs_per_s"`
	// Archive is P1, Memory P2, Overhead P3, FanOut P4, Cost P5, Scaling P6.
	Archive []Variant `json:"archive"`
	Scaling []Variant `json:"scaling"`
	// ScalingRecords are the records of P6's topic.
	ScalingRecords int `json:"scaling_records"`
	// AvroParquet is P1's Avro → Parquet row (ceiling and worker) over AvroRecords records
	// of AvroValueBytes bytes in Schema Registry wire format.
	AvroParquet    []Variant `json:"avro_parquet"`
	AvroRecords    int       `json:"avro_records"`
	AvroValueBytes int64     `json:"avro_value_bytes"`
	// Source is P7 (file → Kafka, ceiling and worker) over SourceRecords lines of
	// SourceValueBytes bytes.
	Source           []Variant   `json:"source"`
	SourceRecords    int         `json:"source_records"`
	SourceValueBytes int64       `json:"source_value_bytes"`
	Memory           []MemoryRun `json:"memory"`
	MemoryMB         int         `json:"memory_mb"`
	Overhead         Overhead    `json:"overhead"`
	FanOut           FanOut      `json:"fan_out"`
	Cost             []Cost      `json:"cost_per_tb"`
	Model            CostModel   `json:"cost_model"`
	Seconds          float64     `json:"seconds"`

	// Iceberg is P1's JSON logs → Iceberg row (iceberg.go); nil when PostgreSQL is missing.
	Iceberg *IcebergRow `json:"iceberg,omitempty"`
}

// services are the running local services.
type services struct {
	kafka   *devstack.Kafka
	s3      *devstack.S3
	s3c     *s3.Client
	dynamo  *devstack.DynamoDB
	dynamoc *dynamodb.Client
	kc      *kafka.Client
	// registry is the Schema Registry (srfake over HTTP) of the Avro row.
	registry *devstack.SchemaRegistry
}

type runner struct {
	opts  Options
	start time.Time
	svc   services
	rep   *Report
	seq   int
}

func (r *runner) progress(format string, args ...any) {
	fmt.Fprintf(r.opts.Out, "[%6.1fs] %s\n", time.Since(r.start).Seconds(), fmt.Sprintf(format, args...))
}

// Run starts the services, runs P1 to P5 and prints the table to opts.Out. The report is
// filled as far as the run got, also on error.
func Run(ctx context.Context, opts Options) (*Report, error) {
	opts.defaults()
	r := &runner{opts: opts, start: time.Now()}
	r.rep = &Report{Date: time.Now().UTC().Format(time.RFC3339), CPUs: runtime.NumCPU(), GoVersion: runtime.Version(),
		Records: opts.Records, MemoryMB: opts.MemoryMB, Partitions: opts.Partitions, Tasks: opts.Tasks, FlushSize: r.flushSize(), Model: opts.Cost}
	defer func() { r.rep.Seconds = time.Since(r.start).Seconds() }()
	if opts.ProfileDir != "" {
		if err := os.MkdirAll(opts.ProfileDir, 0o755); err != nil {
			return r.rep, fmt.Errorf("profile directory: %w", err)
		}
	}
	stop, err := r.startServices(ctx)
	defer stop()
	if err != nil {
		return r.rep, err
	}
	if err := r.archive(ctx); err != nil {
		return r.rep, err
	}
	if err := r.scaling(ctx); err != nil {
		return r.rep, err
	}
	if err := r.avroParquet(ctx); err != nil {
		return r.rep, err
	}
	if err := r.iceberg(ctx); err != nil { // P1's Iceberg row (iceberg.go)
		return r.rep, err
	}
	if err := r.source(ctx); err != nil {
		return r.rep, err
	}
	if r.wants("P2") {
		if err := r.memory(ctx); err != nil {
			return r.rep, err
		}
	}
	if r.wants("P3") {
		r.overhead(ctx)
	}
	if r.wants("P4") {
		r.fanOut(ctx)
	}
	r.cost()
	r.rep.Seconds = time.Since(r.start).Seconds()
	PrintTable(r.opts.Out, r.rep)
	return r.rep, nil
}

func (r *runner) flushSize() int { return max(r.opts.ObjectBytes/r.opts.RecordSize, 1) }

// startServices starts Kafka (kfake in its own process), S3 and DynamoDB.
func (r *runner) startServices(ctx context.Context) (stop func(), err error) {
	var closers []func() error
	stop = func() {
		for i := len(closers) - 1; i >= 0; i-- {
			if cerr := closers[i](); cerr != nil {
				r.opts.Logger.Warn("bench: stop", "error", cerr)
			}
		}
	}
	var (
		wg               sync.WaitGroup
		kErr, sErr, dErr error
	)
	wg.Add(3)
	go func() {
		defer wg.Done()
		r.svc.kafka, kErr = devstack.StartKafka(ctx, devstack.KafkaOptions{OutOfProcess: true, Partitions: r.opts.Partitions, Topics: []string{archiveTopic}})
	}()
	go func() { defer wg.Done(); r.svc.s3, sErr = devstack.StartS3(ctx, devstack.S3Options{}) }()
	go func() { defer wg.Done(); r.svc.dynamo, dErr = devstack.StartDynamoDB(ctx) }()
	wg.Wait()
	for _, c := range []io.Closer{r.svc.kafka, r.svc.s3, r.svc.dynamo} {
		if c != nil && !isNilCloser(c) {
			closers = append(closers, c.Close)
		}
	}
	if err := errors.Join(kErr, sErr, dErr); err != nil {
		return stop, fmt.Errorf("start services (make deps builds them): %w", err)
	}
	r.progress("services: Kafka (kfake process) %s, S3 (versitygw) %s, DynamoDB (dynalite) %s", r.svc.kafka.Addr(), r.svc.s3.Endpoint, r.svc.dynamo.Endpoint)
	if r.svc.s3c, err = r.svc.s3.NewClient(ctx); err != nil {
		return stop, fmt.Errorf("s3 client: %w", err)
	}
	if r.svc.dynamoc, err = r.svc.dynamo.NewClient(ctx); err != nil {
		return stop, fmt.Errorf("dynamodb client: %w", err)
	}
	if r.svc.kc, err = kafka.NewClient(kafka.Options{Brokers: r.svc.kafka.Brokers()}); err != nil {
		return stop, fmt.Errorf("kafka client: %w", err)
	}
	closers = append(closers, r.svc.kc.Close)
	if r.svc.registry, err = devstack.StartSchemaRegistry(ctx, devstack.SchemaRegistryOptions{}); err != nil {
		return stop, fmt.Errorf("schema registry: %w", err)
	}
	closers = append(closers, r.svc.registry.Close)
	return stop, nil
}

// isNilCloser reports whether c holds a nil pointer (a service that did not start).
func isNilCloser(c io.Closer) bool {
	switch v := c.(type) {
	case *devstack.Kafka:
		return v == nil
	case *devstack.S3:
		return v == nil
	case *devstack.DynamoDB:
		return v == nil
	}
	return false
}

// archiveTopic is P1's topic.
const archiveTopic = "bench-logs"

// runJob runs one job in a child process on a fresh bucket, counts the bucket and removes it.
func (r *runner) runJob(ctx context.Context, j Job) (Sample, error) {
	r.seq++
	j.Brokers = r.svc.kafka.Brokers()
	if isSource(j.Kind) {
		var err error
		if j.Topic, err = r.newSourceTopic(ctx); err != nil {
			return Sample{}, err
		}
		defer func() { // the broker keeps topics in memory
			if err := r.svc.kc.DeleteTopics(context.WithoutCancel(ctx), j.Topic); err != nil {
				r.opts.Logger.Warn("bench: delete topic", "topic", j.Topic, "error", err)
			}
		}()
	} else {
		j.Bucket = fmt.Sprintf("bench-%03d-%s", r.seq, j.Kind)
		j.S3Endpoint, j.Region, j.AccessKey, j.SecretKey = r.svc.s3.Endpoint, r.svc.s3.Region, r.svc.s3.AccessKey, r.svc.s3.SecretKey
		if err := r.svc.s3.CreateBucket(ctx, j.Bucket); err != nil {
			return Sample{}, err
		}
		defer func() {
			if err := emptyBucket(context.WithoutCancel(ctx), r.svc.s3c, j.Bucket); err != nil {
				r.opts.Logger.Warn("bench: empty bucket", "bucket", j.Bucket, "error", err)
			}
		}()
	}
	j.Table = fmt.Sprintf("bench-%03d", r.seq)
	in, err := json.Marshal(j)
	if err != nil {
		return Sample{}, fmt.Errorf("job: %w", err)
	}
	cmd := r.opts.Child(ctx)
	var stdout, stderr bytes.Buffer
	cmd.Stdin, cmd.Stdout, cmd.Stderr = bytes.NewReader(in), &stdout, &stderr
	cmd.Env = append(append(cmd.Environ(), r.svc.dynamo.Env()...), "GOMAXPROCS="+fmt.Sprint(runtime.NumCPU()))
	runErr := cmd.Run()
	var s Sample
	if cmd.ProcessState != nil {
		if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
			s.CPUSeconds = tvSeconds(ru.Utime) + tvSeconds(ru.Stime)
			s.PeakRSSMB = maxRSSMB(ru.Maxrss)
		}
	}
	var res JobResult
	if err := json.Unmarshal(stdout.Bytes(), &res); err != nil {
		return s, fmt.Errorf("%s job: %w (%v): %s", j.Kind, err, runErr, tail(stderr.String()))
	}
	s.Seconds, s.Read, s.FileRSSMB = res.Seconds, res.Records, res.FileRSSMB
	if res.PeakRSSMB > 0 {
		s.PeakRSSMB = res.PeakRSSMB
	}
	if res.Error != "" || runErr != nil {
		s.Error = cmp.Or(res.Error, fmt.Sprint(runErr))
		return s, fmt.Errorf("%s job: %s: %s", j.Kind, s.Error, tail(stderr.String()))
	}
	count := func() (BucketCount, error) { return countBucket(ctx, r.svc.s3c, j.Bucket) }
	if isSource(j.Kind) {
		count = func() (BucketCount, error) { return r.countTopic(ctx, j.Topic) }
	}
	c, err := count()
	if err != nil {
		return s, err
	}
	s.Counted, s.Objects, s.StoredBytes = c.Records, c.Objects, c.Bytes
	return s, nil
}

func tvSeconds(tv syscall.Timeval) float64 { return float64(tv.Sec) + float64(tv.Usec)/1e6 }

// maxRSSMB converts rusage's ru_maxrss (KiB on Linux) to MiB.
func maxRSSMB(kib int64) float64 { return float64(kib) / 1024 }

func tail(s string) string {
	if len(s) > 2000 {
		return "…" + s[len(s)-2000:]
	}
	return s
}

// archive is P1: load the topic, then run every variant Runs times, interleaved.
func (r *runner) archive(ctx context.Context) error {
	r.progress("P1: loading %d JSON log lines of about %d bytes into %s (%d partitions)", r.opts.Records, r.opts.RecordSize, archiveTopic, r.opts.Partitions)
	start := time.Now()
	n, err := load(ctx, r.svc.kafka.Brokers(), archiveTopic, r.opts.Records, r.opts.RecordSize)
	if err != nil {
		return err
	}
	r.rep.ValueBytes = n
	r.rep.LoadMsgsPS = float64(r.opts.Records) / time.Since(start).Seconds()
	r.progress("P1: loaded %d records, %.1f MB, in %.1fs (%.0f msg/s)", r.opts.Records, float64(n)/1e6, time.Since(start).Seconds(), r.rep.LoadMsgsPS)
	for _, g := range r.archiveGroups() {
		vs, err := r.interleave(ctx, "P1", g, r.opts.Records, r.rep.ValueBytes)
		r.rep.Archive = append(r.rep.Archive, vs...)
		if err != nil {
			return err
		}
	}
	return nil
}

// scalingTopic is P6's topic: ScalingRecords log lines over P1's partition count.
const scalingTopic = "bench-scaling"

// scaling is P6: the worker path at tasks.max 1, 2, 4 on a topic of its own (as many
// partitions as P1's, ScalingRecords lines); report only.
func (r *runner) scaling(ctx context.Context) error {
	g := r.scalingGroup()
	if len(r.opts.ScalingTasks) == 0 || r.opts.ScalingTasks[0] < 0 || len(g) == 0 {
		return nil
	}
	if err := r.svc.kc.CreateTopics(ctx, kafka.TopicSpec{Name: scalingTopic, Partitions: r.opts.Partitions, ReplicationFactor: 1}); err != nil {
		return fmt.Errorf("P6: %w", err)
	}
	if err := r.waitPartitions(ctx, scalingTopic, r.opts.Partitions); err != nil {
		return fmt.Errorf("P6: %w", err)
	}
	n, err := load(ctx, r.svc.kafka.Brokers(), scalingTopic, r.opts.ScalingRecords, r.opts.RecordSize)
	if err != nil {
		return fmt.Errorf("P6: %w", err)
	}
	r.rep.ScalingRecords = r.opts.ScalingRecords
	vs, err := r.interleave(ctx, "P6", g, r.opts.ScalingRecords, n)
	r.rep.Scaling = vs
	return err
}

// summarize fills a variant's statistics from its runs over records records of valueBytes.
func summarize(v *Variant, valueBytes int64, records int) {
	var msgs, mb, cpu, rss []float64
	for _, s := range v.Runs {
		if s.Seconds <= 0 {
			continue
		}
		bytes := float64(valueBytes) * float64(s.Counted) / float64(records)
		msgs = append(msgs, float64(s.Counted)/s.Seconds)
		mb = append(mb, bytes/1e6/s.Seconds)
		cpu = append(cpu, s.CPUSeconds/(bytes/1e9))
		rss = append(rss, s.PeakRSSMB)
	}
	v.MsgsPerS, v.MBPerS, v.CPUSPerGB, v.PeakRSSMB = statOf(msgs), statOf(mb), statOf(cpu), statOf(rss)
}

// memory is P2: one task archives MemoryRecords records spread over 1, 16 and 64 partitions.
func (r *runner) memory(ctx context.Context) error {
	for _, p := range r.opts.MemoryPartitions {
		topic := fmt.Sprintf("bench-mem-%d", p)
		if err := r.svc.kc.CreateTopics(ctx, kafka.TopicSpec{Name: topic, Partitions: p, ReplicationFactor: 1}); err != nil {
			return fmt.Errorf("P2: %w", err)
		}
		if err := r.waitPartitions(ctx, topic, p); err != nil {
			return fmt.Errorf("P2: %w", err)
		}
		if _, err := load(ctx, r.svc.kafka.Brokers(), topic, r.opts.MemoryRecords, r.opts.RecordSize); err != nil {
			return fmt.Errorf("P2: %w", err)
		}
		s, err := r.runJob(ctx, Job{Kind: KindWorker, Topic: topic, FlushSize: r.flushSize(), Tasks: 1, MemoryMB: r.opts.MemoryMB})
		m := MemoryRun{Partitions: p, Records: int64(r.opts.MemoryRecords), Counted: s.Counted, PeakRSSMB: s.PeakRSSMB, FileRSSMB: s.FileRSSMB, Seconds: s.Seconds}
		if err == nil && s.Counted != m.Records {
			err = fmt.Errorf("%w: %d counted, %d loaded", ErrCount, s.Counted, m.Records)
		}
		if err != nil {
			m.Error = err.Error()
			r.rep.Memory = append(r.rep.Memory, m)
			return fmt.Errorf("P2 %d partitions: %w", p, err)
		}
		r.rep.Memory = append(r.rep.Memory, m)
		r.progress("P2: %3d partitions, one task: peak RSS %.1f MiB, %.1f MiB of it file-backed at the end (%d records in %.1fs)", p, m.PeakRSSMB, m.FileRSSMB, m.Counted, m.Seconds)
	}
	return nil
}

// overhead is P3. Failures are reported in the table, not fatal.
func (r *runner) overhead(ctx context.Context) {
	ds, err := invocationStoreOps(ctx, r.svc.dynamoc, "bench-overhead", 30)
	r.rep.Overhead.StoreMs = msStat(ds)
	var errs []error
	if err != nil {
		errs = append(errs, fmt.Errorf("store: %w", err))
	}
	r.progress("P3: lease+connector+offsets+commit+status+release on DynamoDB: median %.1f ms", r.rep.Overhead.StoreMs.Median)
	if r.opts.TaskBootstrap != "" {
		cold, warm, err := coldInit(ctx, r.opts.TaskBootstrap, r.svc.kafka.Addr(), 3)
		r.rep.Overhead.ColdInitMs, r.rep.Overhead.WarmInvokeMs = msStat(cold), msStat(warm)
		if err != nil {
			errs = append(errs, fmt.Errorf("cold init: %w", err))
		}
		r.progress("P3: task bootstrap under aws-lambda-rie: cold %.1f ms, warm %.1f ms (median)", r.rep.Overhead.ColdInitMs.Median, r.rep.Overhead.WarmInvokeMs.Median)
	}
	if r.opts.IcebergTaskBootstrap != "" {
		cold, warm, err := coldInit(ctx, r.opts.IcebergTaskBootstrap, r.svc.kafka.Addr(), 3)
		r.rep.Overhead.IcebergColdInitMs, r.rep.Overhead.IcebergWarmInvokeMs = msStat(cold), msStat(warm)
		if err != nil {
			errs = append(errs, fmt.Errorf("iceberg cold init: %w", err))
		}
		r.progress("P3: Iceberg task bootstrap under aws-lambda-rie: cold %.1f ms, warm %.1f ms (median)", r.rep.Overhead.IcebergColdInitMs.Median, r.rep.Overhead.IcebergWarmInvokeMs.Median)
	}
	if err := errors.Join(errs...); err != nil {
		r.rep.Overhead.Error = err.Error()
		r.progress("P3: %v", err)
	}
}

// fanOut is P4.
func (r *runner) fanOut(ctx context.Context) {
	n := r.opts.FanOutConnectors * r.opts.FanOutTasks
	if err := r.svc.kc.CreateTopics(ctx, kafka.TopicSpec{Name: fanOutTopic, Partitions: 1, ReplicationFactor: 1}); err != nil {
		r.rep.FanOut = FanOut{Tasks: n, Error: err.Error()}
		r.progress("P4: %v", err)
		return
	}
	start := time.Now()
	ds, err := fanOut(ctx, r.svc.kafka.Brokers(), "bench-fanout", r.svc.dynamo, r.svc.dynamoc, r.opts.FanOutConnectors, r.opts.FanOutTasks, 3)
	r.rep.FanOut = FanOut{Tasks: n, TickMs: msStat(ds)}
	if err != nil {
		r.rep.FanOut.Error = err.Error()
		r.progress("P4: %v", err)
		return
	}
	r.progress("P4: scheduler tick over %d tasks on DynamoDB: median %.0f ms (set-up %.1fs)", n, r.rep.FanOut.TickMs.Median, time.Since(start).Seconds()-r.rep.FanOut.TickMs.Median*3/1000)
}

// cost is P5: from each connectless variant's median CPU seconds per GB.
func (r *runner) cost() {
	for _, v := range r.rep.Archive {
		if v.Path == KindCeiling || v.CPUSPerGB.Median == 0 {
			continue
		}
		r.rep.Cost = append(r.rep.Cost, r.opts.Cost.CostPerTB(v.Name, v.CPUSPerGB.Median))
	}
}

// waitPartitions waits until the broker's metadata shows n partitions of topic.
func (r *runner) waitPartitions(ctx context.Context, topic string, n int) error {
	deadline := time.Now().Add(10 * time.Second)
	for {
		tps, err := r.svc.kc.Partitions(ctx, topic)
		if err == nil && len(tps) == n {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("topic %s: %d of %d partitions after 10s: %v", topic, len(tps), n, err)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
}
