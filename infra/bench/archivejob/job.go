package archivejob

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/connectless/connectless/core/memtune"
)

// Variant kinds of an archive job.
const (
	// KindCeiling is the plain loop: kafka-go partition reads → (gzip) → PutObject.
	KindCeiling = "ceiling"
	// KindWorker is the S3 sink through the worker path: task slices in a loop, as the worker
	// runs them, on a bolt store.
	KindWorker = "worker"
	// KindServerless is the S3 sink through the serverless path: scheduler ticks fan out
	// in-process task invocations, state on DynamoDB.
	KindServerless = "serverless"
)

// Source path kinds: P7 writes the lines of a file to a fresh topic.
const (
	// KindSourceCeiling reads the file line by line and writes each line with a kafka-go
	// writer set as the runtime's producer is (acks all, batches of 1,000 records or 1 MiB,
	// 2 ms linger), one WriteMessages call per 10,000 lines.
	KindSourceCeiling = "source-ceiling"
	// KindSourceWorker runs FileStreamSource (StringConverter values) through the worker
	// path, slice after slice, until the file is read.
	KindSourceWorker = "source-worker"
)

// Formats of the connector in a job.
const (
	// FormatJSON is JsonConverter (schemas off) + JsonFormat.
	FormatJSON = "json"
	// FormatBytes is ByteArrayConverter + ByteArrayFormat: the value bytes and a newline.
	FormatBytes = "bytes"
)

// Job is one archive run, handed to a child process as JSON on its standard input.
type Job struct {
	Kind    string   `json:"kind"`
	Brokers []string `json:"brokers"`
	Topic   string   `json:"topic"`
	// Bucket receives the objects; it exists and is empty.
	Bucket string `json:"bucket"`
	// S3 endpoint and credentials; DynamoDB is reached through AWS_ENDPOINT_URL_DYNAMODB.
	S3Endpoint string `json:"s3_endpoint"`
	Region     string `json:"region"`
	AccessKey  string `json:"access_key"`
	SecretKey  string `json:"secret_key"`
	// Compression is s3.compression.type of each object: none (or empty), gzip or zstd. The
	// ceiling uses the sink's compressors at the sink's default levels (klauspost/compress).
	Compression string `json:"compression,omitempty"`
	// Format of the connector's objects: FormatJSON (or empty) for JsonConverter + JsonFormat,
	// FormatBytes for ByteArrayConverter + ByteArrayFormat. The ceiling writes the same lines
	// for both.
	Format string `json:"format,omitempty"`
	// FlushSize is the records per object (flush.size).
	FlushSize int `json:"flush_size"`
	// Tasks is tasks.max of the connector (the ceiling reads every partition concurrently).
	Tasks int `json:"tasks"`
	// Table is the DynamoDB table of the serverless path; it is created by the job.
	Table string `json:"table,omitempty"`
	// RegistryURL, when set, makes the job the Avro → Parquet row: values in Schema Registry
	// wire format, archived as Parquet (the ceiling decodes with hamba/avro and writes with
	// parquet-go; the connector uses AvroConverter and ParquetFormat).
	RegistryURL string `json:"registry_url,omitempty"`
	// File is the file a source job (P7) reads, one record per line.
	File string `json:"file,omitempty"`
	// MemoryMB, when above zero, is the memory the child runs the job in: it sets the Go
	// collector as the task function does for that function memory size (memtune.ForMemory).
	MemoryMB int `json:"memory_mb,omitempty"`
	// Profile, when set, is a file that receives a CPU profile of the run.
	Profile string `json:"profile,omitempty"`
	// CatalogURI is the sql catalog's database of the Iceberg row (KindIceberg).
	CatalogURI string `json:"catalog_uri,omitempty"`
}

// JobResult is what a child reports.
type JobResult struct {
	// Records the job read from Kafka, and Seconds of wall time from the first read to the
	// last upload (set-up excluded).
	Records int64   `json:"records"`
	Seconds float64 `json:"seconds"`
	// PeakRSSMB is the process's VmHWM at the end (rusage's maxrss of a child starts at the
	// parent's size when it forked, so the child reads its own).
	PeakRSSMB float64 `json:"peak_rss_mb"`
	// FileRSSMB is the process's RssFile at the end: resident pages of mapped files, mostly
	// the executable's, which no Go memory limit bounds.
	FileRSSMB float64 `json:"file_rss_mb"`
	// Error is set when the job failed.
	Error string `json:"error,omitempty"`
	// CommitMs holds the duration of each commit of the Iceberg row.
	CommitMs []float64 `json:"commit_ms,omitempty"`
}

// ErrUnknownKind is wrapped when a job names no known variant.
var ErrUnknownKind = errors.New("unknown job kind")

// Runner runs one job of a kind in the child process.
type Runner func(ctx context.Context, j Job) (JobResult, error)

// RunChild runs the job read from in with the runner of its kind and writes its JobResult
// to out. It is the body of a child process: `connectless bench child` (every kind) and the
// task child that P2 measures (the worker kinds only, linked as the task function is).
func RunChild(ctx context.Context, in io.Reader, out io.Writer, runners map[string]Runner) error {
	var j Job
	if err := json.NewDecoder(in).Decode(&j); err != nil {
		return fmt.Errorf("read job: %w", err)
	}
	run, ok := runners[j.Kind]
	if !ok {
		run = func(context.Context, Job) (JobResult, error) {
			return JobResult{}, fmt.Errorf("job kind %q: %w", j.Kind, ErrUnknownKind)
		}
	}
	memtune.Apply(os.Environ(), memtune.ForMemory(j.MemoryMB))
	stopProfile, err := startProfile(j.Profile)
	if err != nil {
		return err
	}
	res, err := run(ctx, j)
	stopProfile()
	res.PeakRSSMB, res.FileRSSMB = procStatusMB("VmHWM:"), procStatusMB("RssFile:")
	if err != nil {
		res.Error = err.Error()
	}
	if werr := json.NewEncoder(out).Encode(res); werr != nil {
		return fmt.Errorf("write result: %w", werr)
	}
	return err
}

// procStatusMB reads a kB field of /proc/self/status (VmHWM:, RssFile:) in MiB; 0 where
// there is none.
func procStatusMB(field string) float64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for line := range strings.Lines(string(b)) {
		if v, ok := strings.CutPrefix(line, field); ok {
			kib, _ := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 64)
			return kib / 1024
		}
	}
	return 0
}

// Since is the wall time from t in seconds.
func Since(t time.Time) float64 { return time.Since(t).Seconds() }
