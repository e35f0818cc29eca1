package taskslice

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"reflect"
	"time"

	"github.com/connectless/connectless/core/connect"
	"github.com/connectless/connectless/core/kafka"
	"github.com/connectless/connectless/core/store"
)

// SourceSlice is one bounded run of a source task.
type SourceSlice struct {
	// Task is constructed but not started; the slice starts and stops it.
	Task       connect.SourceTask
	TaskConfig map[string]string
	// TaskLogger is what the task's context gives it; nil means
	// connect.TaskLogger(logger, ConnectorName, TaskID).
	TaskLogger *slog.Logger
	// OffsetReader gives the task its committed source offsets; nil means none committed.
	OffsetReader connect.OffsetReader
	// Client is used to make Writer when it is nil.
	Client *kafka.Client
	// Writer produces the records; nil makes one on Client with acks=all.
	Writer *kafka.Writer
	// Deadline ends the slice (no new Poll after Deadline-Margin); zero means none.
	Deadline time.Time
	// Margin is kept free before Deadline to produce the last batches and commit. Default 0.
	Margin time.Duration
	// MaxRecords ends the slice once that many records were polled; 0 means no limit.
	MaxRecords int
	// IdlePolls ends the slice after that many consecutive polls returned nothing; 0 means
	// never. A slice needs at least one of Deadline, MaxRecords and IdlePolls.
	IdlePolls  int
	Converters Converters
	// Transform is the connector's transformation chain; nil means none.
	Transform Transformer
	// TransformClass names the chain in error reports (default from ClassNamer or Go type).
	TransformClass string
	Errors         ErrorConfig
	// ClassifyError, when set, names the failing class and exception class of errors.
	ClassifyError ErrorClassifier
	ConnectorName string
	TaskID        int
	// Commit, when set, is called once at the end of the slice (also when it fails) with
	// the committable offsets, e.g. to write them to the offset store; the task's
	// SourceCommitter.Commit runs only after it succeeded.
	Commit func(ctx context.Context, offsets []store.SourceOffset) error
}

// SourceResult is what a source slice did and what may be committed.
type SourceResult struct {
	// Committable holds, per source partition in the order first seen, the latest source
	// offset such that its record and every earlier record of that source partition were
	// acknowledged by Kafka (or dropped by a transformation, or skipped with tolerance all:
	// a record the converters or transformations failed on, or that Kafka refused as too
	// large or invalid; a record Kafka could not take because it was unreachable or
	// unavailable is never skipped). It is valid also when RunSourceSlice returns an error.
	Committable []store.SourceOffset
	// Polled records, Produced (acknowledged), Filtered by transformations and Skipped
	// after errors (tolerance all).
	Polled, Produced, Filtered, Skipped int
	// Interrupted is the retriable failure of Poll (a RetriableError) that was still being
	// retried when the slice's time ran out; nil otherwise. Committable still holds what
	// Kafka acknowledged.
	Interrupted error
	// Gauges and Note are what the task reported through connect.TaskStatusReporter
	// (until and including Stop); nil and empty when it reported nothing.
	Gauges map[string]float64
	Note   string
}

type itemState int

const (
	itemPending itemState = iota
	itemDone              // acknowledged, filtered or skipped: its offset may be committed
	itemFailed            // not written: nothing after it in its source partition may be committed
)

// sourceItem is one polled record on its way to Kafka.
type sourceItem struct {
	rec   *connect.SourceRecord // in the slice Poll returned, which the runtime owns
	key   string                // canonical source partition
	msg   int                   // index in the produce batch, -1 when not produced
	topic string
	state itemState
}

type sourceRun struct {
	s           SourceSlice
	interrupted error
	logger      *slog.Logger
	h           *handler
	stopAt      time.Time
	writer      *kafka.Writer
	order       []string // source partitions in the order first seen
	seen        map[string]bool
	latest      map[string]store.SourceOffset
	blocked     map[string]bool
	keys        partitionKeys
	res         SourceResult
	status      statusReport
}

// RunSourceSlice runs one slice of a source task: see the package documentation. The
// result's Committable is valid even when an error is returned: it covers the records Kafka
// acknowledged before the failure.
func RunSourceSlice(ctx context.Context, logger *slog.Logger, s SourceSlice) (SourceResult, error) {
	switch {
	case s.Task == nil:
		return SourceResult{}, fmt.Errorf("%w: no task", ErrBadSlice)
	case s.Writer == nil && s.Client == nil:
		return SourceResult{}, fmt.Errorf("%w: no kafka client or writer", ErrBadSlice)
	case s.Converters.Key == nil || s.Converters.Value == nil:
		return SourceResult{}, fmt.Errorf("%w: key and value converters are required", ErrBadSlice)
	case s.Deadline.IsZero() && s.MaxRecords <= 0 && s.IdlePolls <= 0:
		return SourceResult{}, fmt.Errorf("%w: a source slice needs a deadline, max records or idle polls", ErrBadSlice)
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	r := &sourceRun{s: s, logger: logger, writer: s.Writer, latest: map[string]store.SourceOffset{}, blocked: map[string]bool{}, seen: map[string]bool{}}
	if !s.Deadline.IsZero() {
		r.stopAt = s.Deadline.Add(-s.Margin)
	}
	if r.writer == nil {
		r.writer = s.Client.NewWriter(kafka.WriterOptions{})
		defer r.writer.Close()
	}
	r.h = newHandler(s.Errors, logger, s.ConnectorName, s.TaskID, r.stopAt)
	r.h.classify = s.ClassifyError
	err := r.run(ctx)
	r.res.Skipped = r.h.skipped
	if err == nil {
		r.res.Interrupted = r.interrupted
	}
	r.res.Committable = r.committable()
	if s.Commit != nil {
		if cerr := s.Commit(ctx, r.res.Committable); cerr != nil {
			return r.res, errors.Join(err, fmt.Errorf("commit source offsets: %w", cerr))
		}
		if sc, ok := s.Task.(connect.SourceCommitter); ok && err == nil {
			if cerr := sc.Commit(ctx); cerr != nil {
				logger.Warn("source task commit hook", attrConnector, s.ConnectorName, attrTask, s.TaskID, attrError, cerr)
			}
		}
	}
	if serr := s.Task.Stop(); serr != nil {
		logger.Warn("stop source task", attrConnector, s.ConnectorName, attrTask, s.TaskID, attrError, serr)
		if err == nil {
			err = fmt.Errorf("stop source task: %w", serr)
		}
	}
	r.res.Gauges, r.res.Note = r.status.result()
	return r.res, err
}

func (r *sourceRun) committable() []store.SourceOffset {
	out := make([]store.SourceOffset, 0, len(r.order))
	for _, k := range r.order {
		if o, ok := r.latest[k]; ok {
			out = append(out, o)
		}
	}
	return out
}

type sourceContext struct {
	*statusReport
	r   connect.OffsetReader
	log *slog.Logger
}

// OffsetReader returns the committed source offsets.
func (c sourceContext) OffsetReader() connect.OffsetReader { return c.r }

// Logger returns the task's logger.
func (c sourceContext) Logger() *slog.Logger { return c.log }

// noOffsets is the offset reader of a slice given none: no partition has an offset.
type noOffsets struct{}

// Offset returns nil: nothing was committed.
func (noOffsets) Offset(context.Context, map[string]any) (map[string]any, error) { return nil, nil }

// run starts the task and the pipeline that produces its records, polls until the slice
// ends and waits for every record handed to the pipeline to be acknowledged or to fail.
func (r *sourceRun) run(ctx context.Context) error {
	p := r.startPipeline(ctx)
	err := r.loop(ctx, p)
	if cerr := p.close(ctx); err == nil {
		err = cerr
	}
	return err
}

func (r *sourceRun) loop(ctx context.Context, p *sourcePipeline) error {
	reader := r.s.OffsetReader
	if reader == nil {
		reader = noOffsets{}
	}
	tlog := cmp.Or(r.s.TaskLogger, connect.TaskLogger(r.logger, r.s.ConnectorName, r.s.TaskID))
	if err := r.s.Task.Start(ctx, r.s.TaskConfig, sourceContext{&r.status, reader, tlog}); err != nil {
		return fmt.Errorf("start source task: %w", err)
	}
	idle := 0
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		if (!r.stopAt.IsZero() && !time.Now().Before(r.stopAt)) || (r.s.MaxRecords > 0 && r.res.Polled >= r.s.MaxRecords) {
			return nil
		}
		recs, err := r.poll(ctx)
		if errors.Is(err, errSliceOver) {
			return nil
		}
		if err != nil {
			return err
		}
		if len(recs) == 0 {
			if idle++; r.s.IdlePolls > 0 && idle >= r.s.IdlePolls {
				return nil
			}
			// Nothing new: settle what is on its way before waiting for more.
			if err := p.flush(ctx); err != nil {
				return err
			}
			continue
		}
		idle = 0
		r.res.Polled += len(recs)
		if err := ctx.Err(); err != nil {
			return err // nothing new is sent once the slice is cancelled
		}
		b := r.prepareBatch(ctx, recs)
		if err := p.send(ctx, b); err != nil {
			return err
		}
		if b.failErr != nil {
			return nil // the pipeline's end reports it, after the records before it
		}
	}
}

// poll calls Poll, backing off and polling again after a RetriableError.
func (r *sourceRun) poll(ctx context.Context) ([]connect.SourceRecord, error) {
	for attempt := 1; ; attempt++ {
		recs, err := r.s.Task.Poll(ctx)
		if err == nil {
			return recs, nil
		}
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		if !connect.IsRetriable(err) {
			return nil, fmt.Errorf("poll: %w", err)
		}
		d := wait(err, attempt, r.s.Errors.RetryDelayMax)
		r.logger.Warn("poll failed, retrying", attrConnector, r.s.ConnectorName, attrTask, r.s.TaskID, "attempt", attempt, "delay", d, attrError, err)
		if serr := sleep(ctx, d, r.stopAt); serr != nil {
			if errors.Is(serr, errSliceOver) {
				r.interrupted = fmt.Errorf("poll: %w", err)
			}
			return nil, serr
		}
	}
}

// prepare transforms and converts one record into the Kafka message m. It returns false
// (and marks the item done) for a record dropped by a transformation or skipped with
// tolerance all.
func (r *sourceRun) prepare(ctx context.Context, it *sourceItem, m *kafka.Message) (bool, error) {
	rec := &it.rec.Record
	it.topic = rec.Topic
	fail := func(stage Stage, class string, err error) (bool, error) {
		if ctx.Err() != nil {
			return false, ctx.Err()
		}
		// A polled record cannot be handed back: a retry cut short by the slice's end is a
		// failure like any other, for the tolerance to decide.
		if ferr := r.h.fail(failure{stage: stage, class: class, err: err, topic: rec.Topic, partition: -1, offset: -1, rec: &it.rec.Record}); ferr != nil {
			return false, ferr
		}
		it.state = itemDone
		return false, nil
	}
	if r.s.Transform != nil {
		var out *connect.Record
		if err := r.h.retry(ctx, func() (err error) {
			in := *rec
			out, err = r.s.Transform.Apply(&in)
			return err
		}); err != nil {
			return fail(StageTransformation, transformClass(err, r.s.TransformClass, r.s.Transform), err)
		}
		if out == nil {
			r.res.Filtered++
			it.state = itemDone
			return false, nil
		}
		rec = out
		it.topic = rec.Topic
	}
	cv := r.s.Converters
	*m = kafka.Message{Topic: rec.Topic, Partition: kafka.AnyPartition, Time: rec.Timestamp}
	if rec.Partition != nil {
		m.Partition = *rec.Partition
	}
	if err := r.h.retry(ctx, func() (err error) {
		m.Key, err = cv.Key.FromConnect(rec.Topic, rec.KeySchema, rec.Key)
		return err
	}); err != nil {
		return fail(StageKeyConverter, className(cv.KeyClass, cv.Key), err)
	}
	if err := r.h.retry(ctx, func() (err error) {
		m.Value, err = cv.Value.FromConnect(rec.Topic, rec.ValueSchema, rec.Value)
		return err
	}); err != nil {
		return fail(StageValueConverter, className(cv.ValueClass, cv.Value), err)
	}
	for _, h := range rec.Headers {
		var v []byte
		if cv.Header == nil {
			b, ok := h.Value.([]byte)
			if !ok && h.Value != nil {
				return fail(StageHeaderConverter, "none", fmt.Errorf("header %q: value of type %T needs a header converter", h.Key, h.Value))
			}
			v = b
		} else if err := r.h.retry(ctx, func() (err error) {
			v, err = cv.Header.FromConnectHeader(rec.Topic, h.Key, h.Schema, h.Value)
			return err
		}); err != nil {
			return fail(StageHeaderConverter, className(cv.HeaderClass, cv.Header), err)
		}
		m.Headers = append(m.Headers, kafka.Header{Key: h.Key, Value: v})
	}
	return true, nil
}

func (r *sourceRun) commitRecord(ctx context.Context, rc connect.RecordCommitter, rec *connect.SourceRecord, meta *connect.RecordMetadata) {
	if err := rc.CommitRecord(ctx, *rec, meta); err != nil {
		r.logger.Warn("source task commit record hook", attrConnector, r.s.ConnectorName, attrTask, r.s.TaskID, attrError, err)
	}
}

// partitionKeys gives the partitionKey of a batch's records, remembering the last one: a
// batch's records mostly share their source partition, and a map equal to the last one in
// keys and scalar values has its key without encoding it again.
type partitionKeys struct {
	last    map[string]any
	lastKey string
}

func (k *partitionKeys) key(p map[string]any) string {
	if k.last != nil && (sameMap(k.last, p) || samePartition(k.last, p)) {
		return k.lastKey
	}
	k.last, k.lastKey = p, partitionKey(p)
	return k.lastKey
}

// sameMap reports whether a and b are the same map (a task that gives its records one
// partition map), without comparing their entries.
func sameMap(a, b map[string]any) bool {
	return reflect.ValueOf(a).UnsafePointer() == reflect.ValueOf(b).UnsafePointer()
}

// samePartition reports whether two source partitions hold the same keys with equal values
// of the same scalar types (string, bool, integers, float64), both nil or neither; anything
// else is not known to be the same and reports false.
func samePartition(a, b map[string]any) bool {
	if len(a) != len(b) || (a == nil) != (b == nil) { // a nil map encodes as null, an empty one as {}
		return false
	}
	for k, va := range a {
		vb, ok := b[k]
		if !ok || !sameScalar(va, vb) {
			return false
		}
	}
	return true
}

func sameScalar(a, b any) bool {
	switch x := a.(type) {
	case string:
		y, ok := b.(string)
		return ok && x == y
	case bool:
		y, ok := b.(bool)
		return ok && x == y
	case int:
		y, ok := b.(int)
		return ok && x == y
	case int32:
		y, ok := b.(int32)
		return ok && x == y
	case int64:
		y, ok := b.(int64)
		return ok && x == y
	case float64:
		y, ok := b.(float64)
		return ok && x == y
	}
	return false
}

// partitionKey is a canonical form of a source partition (JSON with sorted keys).
func partitionKey(p map[string]any) string {
	b, err := json.Marshal(p)
	if err != nil {
		return fmt.Sprint(p)
	}
	return string(b)
}
