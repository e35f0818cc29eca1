package connect

import (
	"context"
	"log/slog"
)

// Connector is Kafka's Connector: it validates its configuration and splits the work into
// task configurations. It runs in the management path (REST create/update, scheduler), never
// in the data path. Start is called once per configuration, TaskConfigs any number of times
// after Start, and Stop once at the end; Stop after a failed Start must be safe.
type Connector interface {
	// Version is the connector's version string, shown by /connector-plugins.
	Version() string
	// Config describes the connector's configuration keys.
	Config() *ConfigDef
	// Start takes the connector's configuration (already resolved from config providers).
	Start(ctx context.Context, props map[string]string) error
	// TaskConfigs returns at most maxTasks task configurations.
	TaskConfigs(maxTasks int) ([]map[string]string, error)
	// Stop releases what Start acquired.
	Stop() error
}

// SourceConnector is a Connector whose tasks read from an external system into Kafka.
type SourceConnector interface {
	Connector
	// NewTask returns a fresh, unstarted task.
	NewTask() SourceTask
}

// SinkConnector is a Connector whose tasks write records from Kafka into an external system.
type SinkConnector interface {
	Connector
	// NewTask returns a fresh, unstarted task.
	NewTask() SinkTask
}

// Validator is an optional Connector ability: cross-field validation beyond the ConfigDef
// (Kafka's Connector.validate). It may add error messages to the per-key results.
type Validator interface {
	Validate(ctx context.Context, props map[string]string, results *ConfigInfos) error
}

// OffsetReader reads committed source offsets (Kafka's OffsetStorageReader).
type OffsetReader interface {
	// Offset returns the last committed offset for one source partition, or nil if none.
	Offset(ctx context.Context, partition map[string]any) (map[string]any, error)
}

// SourceTaskContext is what the runtime gives a SourceTask at Start.
type SourceTaskContext interface {
	OffsetReader() OffsetReader
	// Logger is the task's logger, carrying the connector and task attributes (see
	// TaskLogger); never nil.
	Logger() *slog.Logger
}

// TaskStatusReporter is an optional ability of the task contexts the runtime gives (source
// and sink): a task finds it with a type assertion on its context. What a task reports
// during a slice is shown after the slice: each gauge as the worker metric
// connectless_task_gauge{connector,task,name} and, on Lambda, an Embedded Metric Format
// metric named after the gauge, and
// both the note and the gauges in the task's status trace (and so in `connectless
// describe`). A slice starts with no note and no gauges: what a task does not report again
// is not shown after its next slice.
type TaskStatusReporter interface {
	// SetGauge sets the gauge name (lower case, Prometheus-style, e.g. "slot_lag_bytes")
	// to value.
	SetGauge(name string, value float64)
	// SetStatusNote sets a one-line warning shown in the task's status while it stays
	// RUNNING; the empty string clears it.
	SetStatusNote(note string)
}

// SourceTask is Kafka's SourceTask. Calls are never concurrent: Start, then Poll repeatedly,
// then Stop. Poll should return within a short time (a second or so) even when there is
// nothing to read, returning no records; it must honour ctx cancellation. Returning a
// RetriableError makes the runtime back off and poll again; any other error fails the task.
// The records Poll returns, and the values, maps and bytes they hold, belong to the runtime
// from then on: it may still be producing them while later Polls run.
type SourceTask interface {
	Start(ctx context.Context, props map[string]string, tctx SourceTaskContext) error
	Poll(ctx context.Context) ([]SourceRecord, error)
	Stop() error
}

// SourceCommitter is an optional SourceTask ability: Commit is called after the offsets of
// all records polled so far were committed (Kafka's SourceTask.commit).
type SourceCommitter interface {
	Commit(ctx context.Context) error
}

// RecordCommitter is an optional SourceTask ability: CommitRecord is called once per record
// after Kafka acknowledged it (Kafka's SourceTask.commitRecord). meta is nil when a
// transformation dropped the record.
type RecordCommitter interface {
	CommitRecord(ctx context.Context, rec SourceRecord, meta *RecordMetadata) error
}

// ErrantRecordReporter sends a record that the sink cannot handle to the runtime's error
// handling (log, dead-letter queue), as Kafka's ErrantRecordReporter. With errors.tolerance=none
// it returns an error that the task should return from Put.
type ErrantRecordReporter interface {
	Report(ctx context.Context, rec SinkRecord, err error) error
}

// SinkTaskContext is what the runtime gives a SinkTask at Start.
//
// A task that produces to Kafka itself (a notification topic) may reach the cluster secured
// as the worker's producers are: the runtime's context also has the optional method
// KafkaTransport() returning a github.com/segmentio/kafka-go RoundTripper (TLS and SASL from
// the worker's producer keys), which the task finds with a type assertion on an interface of
// its own, so that this package does not depend on kafka-go.
type SinkTaskContext interface {
	// Assignment is the set of partitions this task reads in this slice.
	Assignment() []TopicPartition
	// ResetOffsets asks the runtime to resume the given partitions from the given offsets
	// (the next offset to read), e.g. after recovering state from the external system.
	ResetOffsets(offsets map[TopicPartition]int64)
	// Reporter returns the errant record reporter; never nil.
	Reporter() ErrantRecordReporter
	// Logger is the task's logger, carrying the connector and task attributes (see
	// TaskLogger); never nil.
	Logger() *slog.Logger
}

// SinkTask is Kafka's SinkTask. Calls are never concurrent: Start, optionally Open, then Put
// and Flush/PreCommit repeatedly, optionally Close, then Stop.
//
// Offsets in maps are the next offset to read in each partition, as Kafka commits them.
type SinkTask interface {
	Start(ctx context.Context, props map[string]string, tctx SinkTaskContext) error
	// Put hands over a batch of records. A RetriableError makes the runtime retry the same batch.
	Put(ctx context.Context, records []SinkRecord) error
	// Flush makes every record passed to Put so far durable in the external system. It is
	// called at the end of every slice and before Stop; current holds the offsets after the
	// last record passed to Put, per partition.
	Flush(ctx context.Context, current map[TopicPartition]int64) error
	Stop() error
}

// PreCommitter is an optional SinkTask ability (Kafka's SinkTask.preCommit): it is called at
// commit points instead of Flush and returns the offsets that are safe to commit, which may
// trail current (e.g. while files are still open).
type PreCommitter interface {
	PreCommit(ctx context.Context, current map[TopicPartition]int64) (map[TopicPartition]int64, error)
}

// BatchReleaser is an optional SinkTask ability: once Put returns, the task holds nothing of
// the batch it was handed, neither the slice nor a record nor a pointer into one (a record's
// Partition and Offset, a *JSONBytes value): what it keeps, it copies. The memory a record
// refers to, such as the bytes of a []byte value or of RawValue, is not the batch's and may
// be kept. The runtime then refills the same memory for the next Put instead of allocating
// a batch per Put.
type BatchReleaser interface {
	// ReleasesBatches reports, after Start, whether Put keeps nothing of its batch.
	ReleasesBatches() bool
}

// PartitionAware is an optional SinkTask ability: Open is called with the partitions assigned
// for the slice before the first Put, and Close with them after the last Flush.
type PartitionAware interface {
	Open(ctx context.Context, partitions []TopicPartition) error
	Close(ctx context.Context, partitions []TopicPartition) error
}
