package bench

import (
	"context"
	"io"
	"time"

	"github.com/connectless/connectless/core/startup"
	"github.com/connectless/connectless/infra/bench/archivejob"
)

// Job is one archive run, handed to a child process as JSON on its standard input.
type Job = archivejob.Job

// JobResult is what a child reports.
type JobResult = archivejob.JobResult

// Job kinds and connector formats (see package archivejob).
const (
	KindCeiling       = archivejob.KindCeiling
	KindWorker        = archivejob.KindWorker
	KindServerless    = archivejob.KindServerless
	KindSourceCeiling = archivejob.KindSourceCeiling
	KindSourceWorker  = archivejob.KindSourceWorker
	FormatJSON        = archivejob.FormatJSON
	FormatBytes       = archivejob.FormatBytes
)

// ErrUnknownKind is wrapped when a job names no known variant.
var ErrUnknownKind = archivejob.ErrUnknownKind

const (
	connectorName = archivejob.ConnectorName
	sliceBudget   = archivejob.SliceBudget
)

// RunChild runs the job read from in and writes its JobResult to out: the body of
// `connectless bench child`, which runs every job kind.
func RunChild(ctx context.Context, in io.Reader, out io.Writer) error {
	return archivejob.RunChild(ctx, in, out, map[string]archivejob.Runner{
		KindCeiling:       runCeiling,
		KindWorker:        archivejob.Worker(connectorConfig),
		KindServerless:    runServerless,
		KindSourceCeiling: runSourceCeiling,
		KindSourceWorker:  archivejob.Worker(archivejob.SourceConfig),
		KindIceberg:       runIceberg,
	})
}

func rawConfig(cfg map[string]string) startup.RawConfig { return archivejob.RawConfig(cfg) }

// connectorConfig is archivejob.ConnectorConfig with the formats of P1's extra rows:
// json.write.as.read (FormatJSONAsRead) and JsonSchemaConverter + ParquetFormat
// (FormatSchemaJSONParquet, which replaces the converter and format its registry URL set).
func connectorConfig(j Job) map[string]string {
	cfg := archivejob.ConnectorConfig(j)
	withAsRead(j, cfg)
	if j.Format == FormatSchemaJSONParquet {
		schemaParquetConfig(cfg, j.RegistryURL) // the S3 sink's Parquet beside the Iceberg row (icebergparquet.go)
	}
	return cfg
}

func since(t time.Time) float64 { return archivejob.Since(t) }
