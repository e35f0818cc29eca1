package taskslice

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"strconv"
	"time"

	"github.com/connectless/connectless/core/connect"
	"github.com/connectless/connectless/core/connect/transient"
	"github.com/connectless/connectless/core/kafka"
)

// Log attribute keys.
const (
	attrConnector = "connector"
	attrTask      = "task"
	attrStage     = "stage"
	attrClass     = "class"
	attrTopic     = "topic"
	attrPartition = "partition"
	attrOffset    = "offset"
	attrError     = "error"
)

// Transformer is what the runtime needs of a connector's transformation chain: Apply
// returns the transformed record, or nil to drop it.
type Transformer interface {
	Apply(r *connect.Record) (*connect.Record, error)
}

// Converters are a connector's converters and the Kafka Connect class names reported when
// they fail (empty names fall back to the value's ClassName method or its Go type).
type Converters struct {
	Key         connect.Converter
	Value       connect.Converter
	Header      connect.HeaderConverter // nil passes header values as raw bytes
	KeyClass    string
	ValueClass  string
	HeaderClass string
}

// ClassNamer may be implemented by a converter, a transformation chain or an error to name
// the Kafka Connect class reported in logs and __connect.errors.class.name.
type ClassNamer interface {
	ClassName() string
}

// ExceptionClassNamer may be implemented by an error to name the Java exception class
// reported in __connect.errors.exception.class.name (default DataException for record
// stages, RetriableException for retriable errors).
type ExceptionClassNamer interface {
	ExceptionClassName() string
}

func className(explicit string, v any) string {
	if explicit != "" {
		return explicit
	}
	if n, ok := v.(ClassNamer); ok {
		return n.ClassName()
	}
	return fmt.Sprintf("%T", v)
}

func exceptionClass(err error, stage Stage) string {
	var n ExceptionClassNamer
	if errors.As(err, &n) {
		return n.ExceptionClassName()
	}
	if connect.IsRetriable(err) {
		return retriableExceptionClass
	}
	if stage.tolerant() || stage == StageTaskPut {
		return dataExceptionClass
	}
	return connectExceptionClass
}

// ErrorClassifier names, for a failure, the Kafka Connect class that failed (used for the
// TRANSFORMATION stage, where a chain knows which SMT failed) and the Java exception class;
// an empty result keeps the default. It lets the wiring layer map its own error types
// (such as a transformation chain's stage errors) without this package importing them.
type ErrorClassifier func(err error) (class, exceptionClass string)

// errSliceOver stops a slice early and cleanly: a retry would run past the slice's end.
var errSliceOver = errors.New("slice time is over")

// failure is one failed record on its way to the error reporters.
type failure struct {
	stage     Stage
	class     string
	err       error
	topic     string
	partition int32
	offset    int64
	raw       *kafka.Message  // sink: the record as read
	rec       *connect.Record // source: the record as polled
	exception string          // Java exception class; empty means derived from err
}

// handler is Kafka Connect's RetryWithToleranceOperator plus its reporters (log, DLQ).
type handler struct {
	cfg       ErrorConfig
	logger    *slog.Logger
	connector string
	task      int
	stopAt    time.Time
	dlq       *dlq
	classify  ErrorClassifier
	skipped   int
}

func newHandler(cfg ErrorConfig, logger *slog.Logger, connector string, task int, stopAt time.Time) *handler {
	if cfg.Tolerance == "" {
		cfg.Tolerance = ToleranceNone
	}
	return &handler{cfg: cfg, logger: logger, connector: connector, task: task, stopAt: stopAt}
}

// retriable reports whether a retry may fix err (the one classification, transient.Is).
func retriable(err error) bool {
	return transient.Is(err)
}

// backoff is Kafka Connect's retry delay: 300ms doubled each attempt; past max, a random
// delay below max.
func backoff(attempt int, max time.Duration) time.Duration {
	d := retryDelayMin
	if attempt > 1 {
		shift := min(attempt-1, 30)
		d = retryDelayMin << shift
	}
	if d > max {
		if max <= 0 {
			return 0
		}
		d = time.Duration(rand.Int64N(int64(max)))
	}
	return d
}

// wait returns the delay before retrying err at attempt, at least the error's own Wait.
func wait(err error, attempt int, max time.Duration) time.Duration {
	d := backoff(attempt, max)
	var r *connect.RetriableError
	if errors.As(err, &r) && r.Wait > d {
		d = r.Wait
	}
	return d
}

// sleep waits d unless the slice ends first (errSliceOver) or ctx is done.
func sleep(ctx context.Context, d time.Duration, stopAt time.Time) error {
	if !stopAt.IsZero() && time.Now().Add(d).After(stopAt) {
		return errSliceOver
	}
	return connect.Sleep(ctx, d)
}

// retry runs fn, retrying retriable errors for errors.retry.timeout with Kafka's backoff.
// It returns an error wrapping errSliceOver (and the last failure) when a retry would
// outlast the slice.
func (h *handler) retry(ctx context.Context, fn func() error) error {
	var start time.Time
	if h.cfg.RetryTimeout != 0 { // without retries (the default) no clock read per record
		start = time.Now()
	}
	for attempt := 1; ; attempt++ {
		err := fn()
		if err == nil || ctx.Err() != nil || !retriable(err) || h.cfg.RetryTimeout == 0 {
			return err
		}
		d := wait(err, attempt, h.cfg.RetryDelayMax)
		if h.cfg.RetryTimeout > 0 {
			left := time.Until(start.Add(h.cfg.RetryTimeout))
			if left <= 0 {
				return err
			}
			d = min(d, left)
		}
		h.logger.Debug("retrying", attrConnector, h.connector, attrTask, h.task, "attempt", attempt, "delay", d, attrError, err)
		if serr := sleep(ctx, d, h.stopAt); serr != nil {
			return fmt.Errorf("%w: %w", serr, err)
		}
	}
}

// fail reports a failed record (log, dead-letter queue) and returns the RecordError that
// fails the task when errors.tolerance is none, or nil when the record is to be skipped.
func (h *handler) fail(f failure) error {
	if h.classify != nil {
		class, exc := h.classify(f.err)
		if class != "" && f.stage == StageTransformation {
			f.class = class
		}
		f.exception = exc
	}
	if f.exception == "" {
		f.exception = exceptionClass(f.err, f.stage)
	}
	h.log(f)
	if h.dlq != nil && f.raw != nil {
		h.dlq.add(f, h.connector, h.task)
	}
	if h.cfg.Tolerance != ToleranceAll {
		return &RecordError{Topic: f.topic, Partition: f.partition, Offset: f.offset, Stage: f.stage, Class: f.class, Err: f.err}
	}
	h.skipped++
	return nil
}

func (h *handler) log(f failure) {
	if !h.cfg.LogEnable {
		return
	}
	attrs := []any{
		attrConnector, h.connector, attrTask, h.task, attrStage, string(f.stage), attrClass, f.class,
		attrTopic, f.topic, attrPartition, f.partition, attrOffset, f.offset, attrError, f.err.Error(),
	}
	if h.cfg.LogIncludeMessages {
		switch {
		case f.raw != nil:
			hs := make([]string, len(f.raw.Headers))
			for i, hd := range f.raw.Headers {
				hs[i] = hd.Key + "=" + string(hd.Value)
			}
			attrs = append(attrs, "key", string(f.raw.Key), "value", string(f.raw.Value), "headers", hs, "timestamp", f.raw.Time)
		case f.rec != nil:
			attrs = append(attrs, "key", fmt.Sprint(f.rec.Key), "value", fmt.Sprint(f.rec.Value))
		}
	}
	h.logger.Error("error encountered in task, executing stage "+string(f.stage), attrs...)
}

// Dead-letter queue context headers, as Kafka Connect's DeadLetterQueueReporter.
const (
	HeaderTopic            = "__connect.errors.topic"
	HeaderPartition        = "__connect.errors.partition"
	HeaderOffset           = "__connect.errors.offset"
	HeaderConnectorName    = "__connect.errors.connector.name"
	HeaderTaskID           = "__connect.errors.task.id"
	HeaderStage            = "__connect.errors.stage"
	HeaderClassName        = "__connect.errors.class.name"
	HeaderExceptionClass   = "__connect.errors.exception.class.name"
	HeaderExceptionMessage = "__connect.errors.exception.message"
	HeaderExceptionStack   = "__connect.errors.exception.stacktrace"
)

// dlq buffers dead-letter records and writes them before the slice commits.
type dlq struct {
	client   *kafka.Client
	writer   *kafka.Writer
	cfg      ErrorConfig
	created  bool
	pending  []kafka.Message
	origins  []string // where each pending record was read from, for errors
	produced int
}

func (d *dlq) add(f failure, connector string, task int) {
	m := kafka.Message{
		Topic:     d.cfg.DLQTopic,
		Partition: kafka.AnyPartition,
		Key:       f.raw.Key,
		Value:     f.raw.Value,
		Time:      f.raw.Time,
		Headers:   append([]kafka.Header(nil), f.raw.Headers...),
	}
	if d.cfg.DLQContextHeaders {
		exc := f.exception
		var msg []byte
		if s := f.err.Error(); s != "" {
			msg = []byte(s)
		}
		m.Headers = append(m.Headers,
			kafka.Header{Key: HeaderTopic, Value: []byte(f.raw.Topic)},
			kafka.Header{Key: HeaderPartition, Value: []byte(strconv.Itoa(int(f.raw.Partition)))},
			kafka.Header{Key: HeaderOffset, Value: []byte(strconv.FormatInt(f.raw.Offset, 10))},
			kafka.Header{Key: HeaderConnectorName, Value: []byte(connector)},
			kafka.Header{Key: HeaderTaskID, Value: []byte(strconv.Itoa(task))},
			kafka.Header{Key: HeaderStage, Value: []byte(f.stage)},
			kafka.Header{Key: HeaderClassName, Value: []byte(f.class)},
			kafka.Header{Key: HeaderExceptionClass, Value: []byte(exc)},
			kafka.Header{Key: HeaderExceptionMessage, Value: msg},
			kafka.Header{Key: HeaderExceptionStack, Value: []byte(exc + ": " + f.err.Error())},
		)
	}
	d.pending = append(d.pending, m)
	d.origins = append(d.origins, fmt.Sprintf("%s-%d@%d", f.raw.Topic, f.raw.Partition, f.raw.Offset))
}

// flush writes the pending dead-letter records, creating the topic (one partition) first
// if needed. A record that cannot be written fails the slice: it would otherwise be lost.
func (d *dlq) flush(ctx context.Context) error {
	if len(d.pending) == 0 {
		return nil
	}
	if !d.created {
		if err := d.client.CreateTopics(ctx, kafka.TopicSpec{Name: d.cfg.DLQTopic, Partitions: 1, ReplicationFactor: int(d.cfg.DLQReplicationFactor)}); err != nil {
			return fmt.Errorf("dead letter queue: %w", err)
		}
		d.created = true
	}
	var errs []error
	for i, r := range d.writer.Produce(ctx, d.pending) {
		if r.Err != nil {
			errs = append(errs, fmt.Errorf("dead letter queue: record %s: %w", d.origins[i], r.Err))
		}
	}
	d.produced += len(d.pending) - len(errs)
	d.pending, d.origins = d.pending[:0], d.origins[:0]
	return errors.Join(errs...)
}
