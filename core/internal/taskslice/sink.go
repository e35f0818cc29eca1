package taskslice

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"strings"
	"sync"
	"time"

	"github.com/connectless/connectless/core/connect"
	"github.com/connectless/connectless/core/kafka"
)

// Offset reset policies for partitions without a committed offset (or whose committed
// offset is no longer in the log), as the consumer's auto.offset.reset.
const (
	ResetEarliest = "earliest"
	ResetLatest   = "latest"
	ResetNone     = "none"
)

// ErrNoOffset is returned when a partition has no usable committed offset and the reset
// policy is none.
var ErrNoOffset = errors.New("no committed offset and offset reset is none")

// ErrBadSlice is wrapped when a slice is missing something it needs.
var ErrBadSlice = errors.New("bad slice")

// SinkSlice is one bounded run of a sink task.
type SinkSlice struct {
	// Task is constructed but not started; the slice starts and stops it.
	Task       connect.SinkTask
	TaskConfig map[string]string
	// TaskLogger is what the task's context gives it; nil means
	// connect.TaskLogger(logger, ConnectorName, TaskID).
	TaskLogger *slog.Logger
	// Client reads the assigned partitions and writes the dead-letter queue.
	Client *kafka.Client
	// DLQWriter writes dead-letter records; nil makes one on Client when a dead-letter
	// topic is configured.
	DLQWriter *kafka.Writer
	// Assignment is the set of partitions this task reads.
	Assignment []connect.TopicPartition
	// Start holds the committed offsets (next offset to read); a partition without one
	// starts as OffsetReset says.
	Start map[connect.TopicPartition]int64
	// OffsetReset is where a partition without a usable committed offset starts: earliest,
	// latest or none (case-insensitive). Default earliest. Mirrors Kafka Connect's
	// consumer.override.auto.offset.reset (Connect's default is earliest).
	OffsetReset string
	// Deadline ends the slice; zero means none (the slice ends when caught up).
	Deadline time.Time
	// Margin is kept free before Deadline for Flush and the commit. Default 0.
	Margin time.Duration
	// MaxRecords ends the slice after that many records were read; 0 means no limit.
	MaxRecords int
	// BatchSize bounds the records in one Put. Default 500. Mirrors Kafka's max.poll.records.
	BatchSize int
	// Fetch bounds each fetch request. When Fetch.MaxBytes is 0, one round of fetches reads
	// about FetchRoundBytes in all (at least 64 KiB and at most 1 MiB per partition; beyond
	// 64 pending partitions a round takes 64 of them in turn), so memory stays flat as
	// partitions are added. Mirrors Kafka's
	// fetch.max.bytes and max.partition.fetch.bytes.
	Fetch      kafka.FetchOptions
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
	// LeaseToken is the fencing token of the task lease the slice runs under, given to the
	// task through its context's optional LeaseToken method; 0 when there is none.
	LeaseToken int64
	// LeaseTookOver is store.Lease.TookOver of that lease, given to the task through its
	// context's optional LeaseTookOver method.
	LeaseTookOver bool
	// LeaseCurrent, when set, reports whether the lease is still the task's current one in
	// the state store; the task asks it through its context's optional LeaseCurrent method.
	LeaseCurrent func(ctx context.Context) (bool, error)
}

// SinkResult is what a sink slice did and what may be committed.
type SinkResult struct {
	// Committable holds, per partition, the offset (next to read) up to which every record
	// is durable in the external system (or was skipped by the error handling). It never
	// exceeds what the task flushed or returned from PreCommit. Nil when the slice failed.
	Committable map[connect.TopicPartition]int64
	// EndOffsets are the partitions' end offsets seen at slice start.
	EndOffsets map[connect.TopicPartition]int64
	// Records read, Delivered to Put, Filtered by transformations, Skipped after errors
	// (tolerance all) and DeadLettered.
	Records, Delivered, Filtered, Skipped, DeadLettered int
	// CaughtUp is true when every partition reached the end offsets seen at slice start.
	CaughtUp bool
	// Interrupted is the retriable failure that was still being retried when the slice's
	// time ran out (a Put redelivered after RetriableErrors, fetches failing, a converter
	// retried for errors.retry.timeout); nil when the slice ended for another reason.
	// Committable still holds what is durable: the caller commits it and retries the rest
	// in a later slice, after a backoff.
	Interrupted error
	// Gauges and Note are what the task reported through connect.TaskStatusReporter
	// (until and including Stop); nil and empty when it reported nothing.
	Gauges map[string]float64
	Note   string
}

// GroupID returns the consumer group that mirrors a sink connector's offsets, as Kafka
// Connect names it: connect-<name>.
func GroupID(connector string) string { return "connect-" + connector }

// MirrorSinkOffsets commits offsets to the consumer group connect-<connector> (without
// joining it) so standard lag tools see the sink's progress. Call it after the offsets
// were committed to the store; the store stays the source of truth.
func MirrorSinkOffsets(ctx context.Context, client *kafka.Client, connector string, offsets map[connect.TopicPartition]int64) error {
	if err := client.CommitGroupOffsets(ctx, GroupID(connector), offsets); err != nil {
		return fmt.Errorf("mirror offsets of %q: %w", connector, err)
	}
	return nil
}

// sinkRun is the state of one sink slice.
type sinkRun struct {
	s       SinkSlice
	logger  *slog.Logger
	h       *handler
	mu      sync.Mutex // guards h and resets: the task may report or reset from its goroutines
	stopAt  time.Time
	tps     []connect.TopicPartition
	ends    map[connect.TopicPartition]int64
	pos     map[connect.TopicPartition]int64 // next offset to read
	current map[connect.TopicPartition]int64 // after the last record handled (Put or skipped)
	resets  map[connect.TopicPartition]int64 // asked by the task, applied between Puts
	moved   map[connect.TopicPartition]bool  // reset by the task since the last fetch
	// putTP and putMsgs are the partition and the messages (by offset) of the Put in
	// progress, for Report to find a record's bytes as read.
	putTP   connect.TopicPartition
	putMsgs []kafka.Message
	// checker is the value converter when the task takes values it checked but did not
	// build (connect.JSONBytes) and no transformation runs; nil otherwise.
	checker connect.JSONBytesConverter
	// unbuilt holds the JSONBytes values of the batch being converted; partitions and
	// offsets what its records' Partition and Offset point to (one allocation per batch
	// instead of two per record).
	unbuilt    []connect.JSONBytes
	partitions []int32
	offsets    []int64
	// reuse is set when the task keeps nothing of a batch after Put (connect.BatchReleaser):
	// batch (the last one's memory), unbuilt, partitions and offsets are then refilled for
	// the next batch.
	reuse bool
	batch []connect.SinkRecord
	// nextRound is where the next partial fetch round starts among the pending partitions.
	nextRound int
	// fetchFailures counts consecutive rounds in which every fetch failed retriably.
	fetchFailures int
	// interrupted is the retriable failure being retried, cleared by progress.
	interrupted error
	res         SinkResult
	status      statusReport
}

// RunSinkSlice runs one slice of a sink task: see the package documentation. On error the
// result's Committable is nil and nothing may be committed; the task is stopped either way.
func RunSinkSlice(ctx context.Context, logger *slog.Logger, s SinkSlice) (SinkResult, error) {
	switch {
	case s.Task == nil:
		return SinkResult{}, fmt.Errorf("%w: no task", ErrBadSlice)
	case s.Client == nil:
		return SinkResult{}, fmt.Errorf("%w: no kafka client", ErrBadSlice)
	case s.Converters.Key == nil || s.Converters.Value == nil:
		return SinkResult{}, fmt.Errorf("%w: key and value converters are required", ErrBadSlice)
	}
	s.OffsetReset = strings.ToLower(strings.TrimSpace(s.OffsetReset))
	switch s.OffsetReset {
	case "":
		s.OffsetReset = ResetEarliest
	case ResetEarliest, ResetLatest, ResetNone:
	default:
		return SinkResult{}, fmt.Errorf("%w: offset reset %q is not earliest, latest or none", ErrBadSlice, s.OffsetReset)
	}
	if s.BatchSize <= 0 {
		s.BatchSize = 500
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	r := &sinkRun{s: s, logger: logger, resets: map[connect.TopicPartition]int64{}, moved: map[connect.TopicPartition]bool{}}
	if !s.Deadline.IsZero() {
		r.stopAt = s.Deadline.Add(-s.Margin)
	}
	r.h = newHandler(s.Errors, logger, s.ConnectorName, s.TaskID, r.stopAt)
	r.h.classify = s.ClassifyError
	if s.Errors.DLQTopic != "" {
		w := s.DLQWriter
		if w == nil {
			w = s.Client.NewWriter(kafka.WriterOptions{})
			defer w.Close()
		}
		r.h.dlq = &dlq{client: s.Client, writer: w, cfg: s.Errors}
	}
	err := r.run(ctx)
	r.res.Gauges, r.res.Note = r.status.result()
	r.res.Skipped = r.h.skipped
	if r.h.dlq != nil {
		r.res.DeadLettered = r.h.dlq.produced
	}
	if err != nil {
		r.res.Committable = nil
		return r.res, err
	}
	if !r.res.CaughtUp {
		r.res.Interrupted = r.interrupted
	}
	return r.res, nil
}

func (r *sinkRun) run(ctx context.Context) (err error) {
	seen := map[connect.TopicPartition]bool{}
	for _, tp := range r.s.Assignment {
		if !seen[tp] {
			seen[tp] = true
			r.tps = append(r.tps, tp)
		}
	}
	kafka.SortPartitions(r.tps)
	if err := r.positions(ctx); err != nil {
		return err
	}
	r.res.EndOffsets = maps.Clone(r.ends)

	task := r.s.Task
	defer func() {
		if serr := task.Stop(); serr != nil {
			r.logger.Warn("stop sink task", attrConnector, r.s.ConnectorName, attrTask, r.s.TaskID, attrError, serr)
			if err == nil {
				err = fmt.Errorf("stop sink task: %w", serr)
			}
		}
	}()
	if err := task.Start(ctx, r.s.TaskConfig, &sinkContext{r: r}); err != nil {
		return fmt.Errorf("start sink task: %w", err)
	}
	r.applyResets()
	r.checker = jsonBytesChecker(task, r.s.Converters.Value, r.s.Transform)
	if br, ok := task.(connect.BatchReleaser); ok {
		r.reuse = br.ReleasesBatches()
	}
	pa, _ := task.(connect.PartitionAware)
	if pa != nil {
		if err := pa.Open(ctx, r.tps); err != nil {
			return fmt.Errorf("open partitions: %w", err)
		}
		defer func() {
			if cerr := pa.Close(ctx, r.tps); cerr != nil && err == nil {
				err = fmt.Errorf("close partitions: %w", cerr)
			}
		}()
	}

	if err := r.loop(ctx); err != nil {
		if r.h.dlq != nil { // report the failing record before failing, as Kafka Connect does
			if derr := r.h.dlq.flush(ctx); derr != nil {
				err = errors.Join(err, derr)
			}
		}
		return err
	}
	if r.h.dlq != nil {
		if err := r.h.dlq.flush(ctx); err != nil {
			return err
		}
	}
	if err := r.commitPoint(ctx); err != nil {
		return err
	}
	if r.h.dlq != nil {
		return r.h.dlq.flush(ctx) // what the task reported in Flush or PreCommit
	}
	return nil
}

// positions resolves where each partition starts and the end offsets to catch up with.
func (r *sinkRun) positions(ctx context.Context) error {
	var err error
	if r.ends, err = r.s.Client.EndOffsets(ctx, r.tps); err != nil {
		return err
	}
	starts, err := r.s.Client.StartOffsets(ctx, r.tps)
	if err != nil {
		return err
	}
	r.pos = make(map[connect.TopicPartition]int64, len(r.tps))
	for _, tp := range r.tps {
		off, ok := r.s.Start[tp]
		if ok && off >= starts[tp] && off <= r.ends[tp] {
			r.pos[tp] = off
			continue
		}
		switch r.s.OffsetReset {
		case ResetNone:
			return fmt.Errorf("partition %s: %w", kafka.FormatPartition(tp), ErrNoOffset)
		case ResetLatest:
			r.pos[tp] = r.ends[tp]
		default:
			r.pos[tp] = starts[tp]
		}
		if ok {
			r.logger.Warn("committed offset out of range, resetting", attrConnector, r.s.ConnectorName, attrTask, r.s.TaskID,
				attrTopic, tp.Topic, attrPartition, tp.Partition, attrOffset, off, "reset_to", r.pos[tp], "policy", r.s.OffsetReset)
		}
	}
	r.current = maps.Clone(r.pos)
	return nil
}

func (r *sinkRun) over() bool { return !r.stopAt.IsZero() && !time.Now().Before(r.stopAt) }

// loop fetches and delivers until caught up, the deadline, MaxRecords or a failure.
func (r *sinkRun) loop(ctx context.Context) error {
	stalled := map[connect.TopicPartition]bool{}
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		if r.over() || (r.s.MaxRecords > 0 && r.res.Records >= r.s.MaxRecords) {
			return nil
		}
		var pending []connect.TopicPartition
		for _, tp := range r.tps {
			if !stalled[tp] && r.pos[tp] < r.ends[tp] {
				pending = append(pending, tp)
			}
		}
		if len(pending) == 0 {
			r.res.CaughtUp = true
			return nil
		}
		pending = r.round(pending)
		r.dropBatch()
		results, err := r.fetch(ctx, pending)
		if err != nil {
			return err
		}
		clear(r.moved)
		for _, tp := range pending {
			fr, ok := results[tp]
			if !ok || r.moved[tp] {
				// deadline or a retriable error (the next round or slice retries), or the
				// task moved the partition since the fetch
				continue
			}
			if fr.Next == r.pos[tp] && len(fr.Messages) == 0 {
				stalled[tp] = true // nothing readable below the end offset (e.g. aborted tail)
				continue
			}
			done, err := r.deliver(ctx, tp, fr)
			if err != nil {
				return err
			}
			if !done {
				return nil
			}
		}
	}
}

// deliver converts, transforms and Puts one partition's fetched records in batches. It
// returns false when the slice must end (deadline, MaxRecords).
func (r *sinkRun) deliver(ctx context.Context, tp connect.TopicPartition, fr kafka.FetchResult) (bool, error) {
	end := r.ends[tp]
	msgs := fr.Messages
	for len(msgs) > 0 && msgs[len(msgs)-1].Offset >= end {
		msgs = msgs[:len(msgs)-1] // arrived after the slice started: the next slice reads them
	}
	for len(msgs) > 0 {
		if r.over() {
			return false, nil
		}
		n := min(len(msgs), r.s.BatchSize)
		if r.s.MaxRecords > 0 {
			n = min(n, r.s.MaxRecords-r.res.Records)
		}
		chunk := msgs[:n]
		batch := r.newBatch(len(chunk))
		handled := 0
		for i := range chunk {
			m := &chunk[i]
			batch = batch[:len(batch)+1] // within its capacity; convert sets every field
			keep, err := r.convert(ctx, m, &batch[len(batch)-1])
			if !keep {
				batch = batch[:len(batch)-1]
			}
			if errors.Is(err, errSliceOver) {
				r.interrupted = err
				break
			}
			if err != nil {
				return false, err
			}
			handled++
		}
		if handled == 0 {
			return false, nil
		}
		if len(batch) > 0 {
			r.mu.Lock()
			r.putTP, r.putMsgs = tp, chunk[:handled]
			r.mu.Unlock()
			err := r.put(ctx, batch)
			r.mu.Lock()
			r.putMsgs = nil
			r.mu.Unlock()
			if errors.Is(err, errSliceOver) {
				return false, nil
			}
			if err != nil {
				return false, err
			}
			r.res.Delivered += len(batch)
			r.interrupted = nil
		}
		r.res.Records += handled
		next := chunk[handled-1].Offset + 1
		r.pos[tp], r.current[tp] = next, next
		r.applyResets()
		if r.moved[tp] {
			return true, nil // the task moved this partition: drop what was fetched
		}
		if handled < len(chunk) || (r.s.MaxRecords > 0 && r.res.Records >= r.s.MaxRecords) {
			return false, nil
		}
		msgs = msgs[n:]
	}
	// Everything below the end offset was handled; skip transaction markers up to there.
	if next := min(fr.Next, end); next > r.pos[tp] {
		r.pos[tp], r.current[tp] = next, next
	}
	return true, nil
}

// newBatch returns an empty batch for n records and readies unbuilt, partitions and offsets
// for it: new memory for every batch, as the task may keep the records, or the last batch's
// when it keeps nothing of them (reuse).
func (r *sinkRun) newBatch(n int) []connect.SinkRecord {
	if r.reuse && cap(r.batch) >= n {
		r.partitions, r.offsets, r.unbuilt = r.partitions[:0], r.offsets[:0], r.unbuilt[:0]
		return r.batch[:0]
	}
	batch := make([]connect.SinkRecord, 0, n)
	r.partitions, r.offsets, r.unbuilt = make([]int32, 0, n), make([]int64, 0, n), nil
	if r.checker != nil {
		r.unbuilt = make([]connect.JSONBytes, 0, n)
	}
	if r.reuse {
		r.batch = batch
	}
	return batch
}

// dropBatch forgets what the kept batch holds (reuse), so that it keeps no fetched bytes
// alive while the next round is fetched.
func (r *sinkRun) dropBatch() {
	if !r.reuse {
		return // the last batch and its JSONBytes values may be the task's
	}
	clear(r.batch[:cap(r.batch)])
	clear(r.unbuilt[:cap(r.unbuilt)])
}

// convert turns a Kafka message into the sink record rec: key, value and header
// converters, then the transformations. It reports false for a record that was filtered or
// skipped by the error handling (with no error) or that failed. It sets every field of
// rec, whatever rec held before.
func (r *sinkRun) convert(ctx context.Context, m *kafka.Message, rec *connect.SinkRecord) (bool, error) {
	if len(r.offsets) < cap(r.offsets) {
		r.partitions, r.offsets = append(r.partitions, m.Partition), append(r.offsets, m.Offset)
		*rec = connect.SinkRecord{
			Record:        connect.Record{Topic: m.Topic, Partition: &r.partitions[len(r.partitions)-1], Offset: &r.offsets[len(r.offsets)-1]},
			OriginalTopic: m.Topic, OriginalPartition: m.Partition, OriginalOffset: m.Offset,
		}
	} else {
		*rec = connect.NewSinkRecord(m.Topic, m.Partition, m.Offset)
	}
	if !m.Time.IsZero() {
		rec.Timestamp = m.Time
		rec.TimestampType = connect.CreateTime
		if m.LogAppendTime {
			rec.TimestampType = connect.LogAppendTime
		}
	}
	cv := r.s.Converters
	fail := func(stage Stage, class string, err error) (bool, error) {
		if errors.Is(err, errSliceOver) || ctx.Err() != nil {
			return false, err
		}
		r.mu.Lock()
		defer r.mu.Unlock()
		return false, r.h.fail(failure{stage: stage, class: class, err: err, topic: m.Topic, partition: m.Partition, offset: m.Offset, raw: m})
	}
	if err := r.h.retry(ctx, func() (err error) {
		rec.KeySchema, rec.Key, err = cv.Key.ToConnect(m.Topic, m.Key)
		return err
	}); err != nil {
		return fail(StageKeyConverter, className(cv.KeyClass, cv.Key), err)
	}
	if r.checker != nil && len(r.unbuilt) < cap(r.unbuilt) && r.checker.CheckJSON(m.Topic, m.Value) {
		r.unbuilt = append(r.unbuilt, connect.NewJSONBytes(m.Value, cv.Value, m.Topic))
		rec.Value = &r.unbuilt[len(r.unbuilt)-1]
	} else if err := r.h.retry(ctx, func() (err error) {
		rec.ValueSchema, rec.Value, err = cv.Value.ToConnect(m.Topic, m.Value)
		return err
	}); err != nil {
		return fail(StageValueConverter, className(cv.ValueClass, cv.Value), err)
	}
	if len(m.Headers) > 0 {
		rec.Headers = make(connect.Headers, 0, len(m.Headers))
		for _, hd := range m.Headers {
			h := connect.Header{Key: hd.Key}
			if cv.Header == nil {
				h.Value = hd.Value
			} else if err := r.h.retry(ctx, func() (err error) {
				h.Schema, h.Value, err = cv.Header.ToConnectHeader(m.Topic, hd.Key, hd.Value)
				return err
			}); err != nil {
				return fail(StageHeaderConverter, className(cv.HeaderClass, cv.Header), err)
			}
			rec.Headers = append(rec.Headers, h)
		}
	}
	if !transforms(r.s.Transform) {
		rec.RawValue = m.Value
	} else {
		var out *connect.Record
		if err := r.h.retry(ctx, func() (err error) {
			in := rec.Record
			out, err = r.s.Transform.Apply(&in)
			return err
		}); err != nil {
			return fail(StageTransformation, transformClass(err, r.s.TransformClass, r.s.Transform), err)
		}
		if out == nil {
			r.res.Filtered++
			return false, nil
		}
		rec.Record = *out
	}
	return true, nil
}

// jsonBytesChecker returns the value converter as a checker when the started task takes
// values checked but not built (connect.JSONBytesSink), the converter can check them
// (connect.JSONBytesConverter) and no transformation needs a built value; nil otherwise.
func jsonBytesChecker(task connect.SinkTask, value connect.Converter, t Transformer) connect.JSONBytesConverter {
	ts, ok := task.(connect.JSONBytesSink)
	if !ok || transforms(t) || !ts.TakesJSONBytes() {
		return nil
	}
	c, _ := value.(connect.JSONBytesConverter)
	return c
}

// transforms reports whether a chain may change records: it is set and, when it can say
// how many transformations it holds (Len), holds at least one.
func transforms(t Transformer) bool {
	if t == nil {
		return false
	}
	if l, ok := t.(interface{ Len() int }); ok {
		return l.Len() > 0
	}
	return true
}

// transformClass names the transformation that failed: the error's own ClassName when it
// has one (the failing SMT), else the configured or derived name of the chain.
func transformClass(err error, explicit string, t Transformer) string {
	var n ClassNamer
	if errors.As(err, &n) {
		return n.ClassName()
	}
	return className(explicit, t)
}

// put hands a batch to the task, redelivering it after a RetriableError (Kafka Connect
// redelivers the same batch) until the slice's time is over.
func (r *sinkRun) put(ctx context.Context, batch []connect.SinkRecord) error {
	for attempt := 1; ; attempt++ {
		err := r.s.Task.Put(ctx, batch)
		if err == nil {
			return nil
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if !connect.IsRetriable(err) {
			first, last := batch[0], batch[len(batch)-1]
			return fmt.Errorf("put %d records %s-%d@%d..%d: %w", len(batch), first.OriginalTopic, first.OriginalPartition, first.OriginalOffset, last.OriginalOffset, err)
		}
		d := wait(err, attempt, r.s.Errors.RetryDelayMax)
		r.logger.Warn("put failed, redelivering", attrConnector, r.s.ConnectorName, attrTask, r.s.TaskID, "attempt", attempt, "delay", d, attrError, err)
		if serr := sleep(ctx, d, r.stopAt); serr != nil {
			if errors.Is(serr, errSliceOver) {
				first, last := batch[0], batch[len(batch)-1]
				r.interrupted = fmt.Errorf("put %d records %s-%d@%d..%d: %w", len(batch), first.OriginalTopic, first.OriginalPartition, first.OriginalOffset, last.OriginalOffset, err)
			}
			return serr
		}
	}
}

// applyResets moves the partitions the task reset and marks them moved.
func (r *sinkRun) applyResets() {
	r.mu.Lock()
	defer r.mu.Unlock()
	for tp, off := range r.resets {
		if _, ok := r.pos[tp]; ok {
			r.pos[tp], r.current[tp] = off, off
			r.moved[tp] = true
		}
	}
	clear(r.resets)
}

// commitPoint asks the task what is durable (PreCommit, or Flush then everything handled)
// and fills Committable, never beyond what was handled.
func (r *sinkRun) commitPoint(ctx context.Context) error {
	current := maps.Clone(r.current)
	durable := current
	if pc, ok := r.s.Task.(connect.PreCommitter); ok {
		got, err := pc.PreCommit(ctx, maps.Clone(current))
		if err != nil {
			return fmt.Errorf("pre-commit: %w", err)
		}
		durable = got
	} else if err := r.s.Task.Flush(ctx, maps.Clone(current)); err != nil {
		return fmt.Errorf("flush: %w", err)
	}
	r.res.Committable = make(map[connect.TopicPartition]int64, len(durable))
	for tp, off := range durable {
		cur, ok := current[tp]
		if !ok {
			continue // not assigned to this task
		}
		r.res.Committable[tp] = min(off, cur)
	}
	return nil
}
