package s3sink

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"

	"github.com/connectless/connectless/connectors/archive/format"
	"github.com/connectless/connectless/connectors/archive/layout"
	"github.com/connectless/connectless/core/connect"
)

// ErrNullValue is returned by Put for a tombstone under behavior.on.null.values=fail.
var ErrNullValue = errors.New("null valued records are not writeable with current behavior.on.null.values 'settings")

// fileSet is the open value file of one encoded partition and its keys/headers companions.
type fileSet struct {
	enc          string
	start, last  int64
	count        int
	minTs, maxTs int64
	schema       *connect.Schema // value schema of the file
	spools       [3]*spool       // by view; nil when the view is not stored
	schemas      [3]*connect.Schema
}

func (f *fileSet) discard() {
	for _, s := range f.spools {
		if s != nil {
			s.close()
		}
	}
}

// tpWriter is the state of one Kafka partition: its open files (one per encoded partition,
// committed together as Confluent's TopicPartitionWriter does) and what is known durable.
type tpWriter struct {
	tp    connect.TopicPartition
	files map[string]*fileSet
	order []string // encoded partitions in open order
	// lastFile is the open file found last, nil when none or when it was closed: a
	// partition's records mostly go to one file, whose lookup it saves.
	lastFile *fileSet

	recordCount   int
	baseTs        int64 // first record's timestamp since the last commit; math.MinInt64 when unset
	currentEnc    string
	nextScheduled int64

	// lastProcessed is the last offset absorbed (written, skipped as already stored, or
	// dropped as errant); -1 before the first. Redelivered records at or below it are ignored.
	lastProcessed int64
	// covered maps an encoded partition to the object found in the bucket (or just uploaded)
	// that holds its records from first to last: those records are already stored.
	covered map[string]span
	// listed are objects found by listRecent (Wallclock recovery); listDone once it ran.
	listed   []span
	listDone bool
	// reported is the highest offset returned by PreCommit.
	reported int64
}

// span is the first and last offset an object holds.
type span struct{ first, last int64 }

func newTPWriter(tp connect.TopicPartition) *tpWriter {
	return &tpWriter{tp: tp, files: map[string]*fileSet{}, covered: map[string]span{}, baseTs: math.MinInt64, lastProcessed: -1, reported: -1}
}

// durable is the offset safe to commit: every record below it is stored in an object or was
// deliberately dropped. Open files hold it back to their first record, and it never falls
// inside an object still being skipped through (the next run could not find that object by
// its start, and would store the rest of its records again).
func (w *tpWriter) durable() int64 {
	if w.lastProcessed < 0 {
		return -1
	}
	d := w.lastProcessed + 1
	for _, f := range w.files {
		d = min(d, f.start)
	}
	for _, c := range w.covered {
		if c.last > w.lastProcessed {
			d = min(d, c.first)
		}
	}
	for _, c := range w.listed {
		if c.last > w.lastProcessed {
			d = min(d, c.first)
		}
	}
	return d
}

// file returns the open file of enc, nil when there is none.
func (w *tpWriter) file(enc string) *fileSet {
	if w.lastFile != nil && w.lastFile.enc == enc {
		return w.lastFile
	}
	f := w.files[enc]
	if f != nil {
		w.lastFile = f
	}
	return f
}

// discardOpen drops the open files (their records are re-read after a rewind).
func (w *tpWriter) discardOpen() {
	for _, f := range w.files {
		f.discard()
	}
	clear(w.files)
	w.lastFile = nil
	w.order = w.order[:0]
	w.recordCount = 0
	w.baseTs = math.MinInt64
}

// write routes one record into its file, rotating first when a rule says so. Each step is
// a method below; a record the sink cannot store goes to the errant record reporter.
func (t *Task) write(ctx context.Context, w *tpWriter, rec *connect.SinkRecord, nowMs int64) error {
	off := rec.KafkaOffset()
	t.skipIdleSchedule(w, nowMs)
	if err := t.ensureListed(ctx, w, rec, nowMs); err != nil {
		return err
	}
	if rec.Value != nil && w.inListed(off) {
		w.lastProcessed = off
		return nil // stored by an earlier run in another wall-clock directory
	}
	enc, ts, err := t.route(rec, nowMs)
	if err != nil {
		return t.reject(ctx, w, rec, err)
	}
	if cv, ok := w.covered[enc]; ok && off <= cv.last {
		w.lastProcessed = off
		return nil // already in an object of the bucket
	}
	change, err := t.schemaChange(w.file(enc), rec)
	if err != nil {
		return t.reject(ctx, w, rec, err)
	}
	if err := t.rotateBefore(ctx, w, change, enc, ts, nowMs); err != nil {
		return err
	}
	f := w.file(enc) // the open file of enc after any rotation; nil when the record starts one
	if rec, err = t.projectToFile(f, rec); err != nil {
		return t.reject(ctx, w, rec, err)
	}
	// Encode every stored view first so a bad record never opens a file.
	var enced encoded
	if err := t.encodeViews(f, rec, &enced); err != nil {
		return t.reject(ctx, w, rec, err)
	}
	if f == nil {
		var stored bool
		if f, stored, err = t.openFile(ctx, w, rec, enc, &enced); err != nil || stored {
			return err
		}
	}
	if f.spools[layout.ValueView] == nil && enced.bytes[layout.ValueView] != nil ||
		f.spools[layout.KeysView] == nil && enced.bytes[layout.KeysView] != nil ||
		f.spools[layout.HeadersView] == nil && enced.bytes[layout.HeadersView] != nil {
		return t.reject(ctx, w, rec, fmt.Errorf("%w: record at offset %d does not fit the open file of %q", ErrData, rec.KafkaOffset(), enc))
	}
	if err := appendViews(f, &enced); err != nil {
		return err
	}
	t.account(w, f, rec, enc, ts)
	if w.recordCount >= int(t.cfg.FlushSize) {
		return t.commitFiles(ctx, w)
	}
	return nil
}

// skipIdleSchedule moves the scheduled rotation to the next boundary when it expired while
// nothing was pending, so the first record after an idle period is not flushed alone
// (CCMSG-1582).
func (t *Task) skipIdleSchedule(w *tpWriter, nowMs int64) {
	if t.cfg.RotateScheduleMs > 0 && w.recordCount == 0 && w.nextScheduled != 0 && nowMs >= w.nextScheduled {
		w.nextScheduled = t.nextSchedule(nowMs)
	}
}

// route returns a record's encoded partition and its timestamp for rotate.interval.ms
// (math.MinInt64 when it has none).
func (t *Task) route(rec *connect.SinkRecord, nowMs int64) (enc string, ts int64, err error) {
	ts = math.MinInt64
	if t.extract != nil && rec.Value != nil {
		if ts, err = t.extract(rec, nowMs); err != nil {
			return "", 0, err
		}
	} else if rec.Value == nil && !rec.Timestamp.IsZero() {
		ts = rec.Timestamp.UnixMilli()
	}
	enc, err = t.part.Encode(rec, nowMs)
	return enc, ts, err
}

// rotateBefore uploads the open files when a rule says the record starts new ones: a
// schema change, or a size or time rotation that failed to upload before (a retried Put), so
// files keep the size a run without errors gives them.
func (t *Task) rotateBefore(ctx context.Context, w *tpWriter, schemaChange bool, enc string, ts, nowMs int64) error {
	if schemaChange {
		if err := t.commitFiles(ctx, w); err != nil {
			return err
		}
	}
	if w.recordCount > 0 && (w.recordCount >= int(t.cfg.FlushSize) || t.rotateOnTime(w, enc, ts, nowMs)) {
		return t.commitFiles(ctx, w)
	}
	return nil
}

// encoded is a record's stored form per view.
type encoded struct {
	bytes    [3][]byte
	verbatim [3]bool // bytes holds a value as read, to be written with the line terminator
	schemas  [3]*connect.Schema
}

// encodeViews encodes the record for every stored view into e, with the schema of each view
// of the open file f when there is one (f is nil when the record starts a file).
func (t *Task) encodeViews(f *fileSet, rec *connect.SinkRecord, e *encoded) error {
	for v, fm := range t.formats {
		if fm == nil || (layout.View(v) == layout.ValueView && rec.Value == nil) {
			continue
		}
		s, val, err := pick(layout.View(v), rec)
		if err != nil {
			return err
		}
		if f != nil && f.schemas[v] != nil {
			s = f.schemas[v]
		}
		var b []byte
		if rf, ok := fm.(format.RawEncoder); ok && layout.View(v) == layout.ValueView && rec.RawValue != nil {
			b, e.verbatim[v], err = rf.EncodeRaw(t.line[:0], rec.RawValue, s, val)
			if err == nil && !e.verbatim[v] {
				t.line = b[:0] // written to the spool (a copy) before the next record
			}
		} else {
			b, err = fm.Encode(s, val)
		}
		if err != nil {
			return err
		}
		e.bytes[v], e.schemas[v] = b, s
	}
	return nil
}

// openFile opens the file of enc for a record that starts one. A new file's key may already
// be in the bucket (a crashed or racing run wrote it): then stored is true, the record counts
// as written, and the object's range is skipped.
func (t *Task) openFile(ctx context.Context, w *tpWriter, rec *connect.SinkRecord, enc string, e *encoded) (f *fileSet, stored bool, err error) {
	off := rec.KafkaOffset()
	arbiter := layout.ValueView
	if rec.Value == nil && t.formats[layout.ValueView] != nil {
		arbiter = layout.KeysView
	}
	key := t.key(w.tp, enc, off, arbiter)
	meta, found, err := t.store.head(ctx, key)
	if err != nil {
		return nil, false, err
	}
	if found {
		if err := t.queueExisting(ctx, w.tp, enc, off, arbiter, meta); err != nil {
			return nil, false, err
		}
		w.covered[enc] = span{first: meta.first, last: meta.last}
		w.lastProcessed = off
		t.log.Debug("resuming after object already in bucket", "key", key, "last_offset", meta.last)
		return nil, true, nil
	}
	f = &fileSet{enc: enc, start: off, minTs: math.MaxInt64, maxTs: math.MinInt64, schema: rec.ValueSchema, schemas: e.schemas}
	for v, b := range e.bytes {
		if t.formats[v] == nil || (layout.View(v) == layout.ValueView && b == nil) {
			continue
		}
		sp, err := newSpool(t.spillDir, t.budget)
		if err != nil {
			return nil, false, err
		}
		f.spools[v] = sp
	}
	w.files[enc] = f
	w.order = append(w.order, enc)
	return f, false, nil
}

// appendViews appends the encoded views to the file's spools.
func appendViews(f *fileSet, e *encoded) error {
	for v, b := range e.bytes {
		if b == nil {
			continue
		}
		var err error
		if e.verbatim[v] {
			err = f.spools[v].writeLine(b, '\n')
		} else {
			err = f.spools[v].write(b)
		}
		if err != nil {
			return err
		}
		f.spools[v].count++
	}
	return nil
}

// account records a written record in its file and partition.
func (t *Task) account(w *tpWriter, f *fileSet, rec *connect.SinkRecord, enc string, ts int64) {
	off := rec.KafkaOffset()
	f.last, f.count = off, f.count+1
	if !rec.Timestamp.IsZero() {
		ms := rec.Timestamp.UnixMilli()
		f.minTs, f.maxTs = min(f.minTs, ms), max(f.maxTs, ms)
	}
	if w.baseTs == math.MinInt64 {
		w.baseTs = ts
	}
	w.currentEnc = enc
	w.lastProcessed = off
	w.recordCount++
}

// rotateOnTime is Confluent's rotateOnTime: rotate.interval.ms on record time (with the
// partition-change rule) and rotate.schedule.interval.ms on the wall clock.
func (t *Task) rotateOnTime(w *tpWriter, enc string, ts, nowMs int64) bool {
	c := t.cfg
	if c.RotateIntervalMs > 0 && t.cfg.TimeBased() {
		if w.baseTs != math.MinInt64 && ts != math.MinInt64 && ts-w.baseTs >= c.RotateIntervalMs {
			return true
		}
		if c.RotateOnPartitionChng && w.currentEnc != "" && enc != w.currentEnc && enc != c.TombstonePartition && w.currentEnc != c.TombstonePartition {
			return true
		}
	}
	if c.RotateScheduleMs > 0 {
		if w.nextScheduled == 0 {
			w.nextScheduled = t.nextSchedule(nowMs)
		}
		if nowMs >= w.nextScheduled {
			w.nextScheduled = t.nextSchedule(nowMs)
			return true
		}
	}
	return false
}

// nextSchedule is the next scheduled rotation after nowMs.
func (t *Task) nextSchedule(nowMs int64) int64 {
	return layout.NextScheduledRotation(nowMs, t.cfg.RotateScheduleMs, t.loc)
}

// reject sends a record the sink cannot write to the errant record reporter and skips it;
// the reporter's error (errors.tolerance=none) fails the Put.
func (t *Task) reject(ctx context.Context, w *tpWriter, rec *connect.SinkRecord, cause error) error {
	if !isRecordError(cause) {
		return cause
	}
	t.log.Warn("record rejected", "topic", rec.Topic, "partition", rec.KafkaPartition(), "offset", rec.KafkaOffset(), "error", cause)
	if err := t.tctx.Reporter().Report(ctx, *rec, &rejectedError{err: cause}); err != nil {
		return fmt.Errorf("report record %s-%d@%d: %w", rec.Topic, rec.KafkaPartition(), rec.KafkaOffset(), err)
	}
	w.lastProcessed = rec.KafkaOffset()
	return nil
}

// commitFiles uploads every open file of the partition (Confluent's commitFiles). A conflict
// with an object a racing run wrote rewinds the partition to its durable offset.
func (t *Task) commitFiles(ctx context.Context, w *tpWriter) error {
	for len(w.order) > 0 {
		enc := w.order[0]
		f := w.files[enc]
		entries, err := t.upload(ctx, w.tp, f)
		if err != nil {
			var conflict *conflictError
			if errors.As(err, &conflict) {
				return t.rewind(ctx, w, err)
			}
			return err
		}
		if t.cfg.ManifestEnabled {
			t.manifest = append(t.manifest, entries...)
		}
		t.queueNotifications(entries...)
		f.discard()
		delete(w.files, enc)
		w.lastFile = nil
		w.order = w.order[1:]
		w.covered[enc] = span{first: f.start, last: f.last}
	}
	w.recordCount = 0
	w.baseTs = math.MinInt64
	// Forget coverage that no later record can fall in.
	maps.DeleteFunc(w.covered, func(_ string, c span) bool { return c.last <= w.lastProcessed })
	w.listed = slices.DeleteFunc(w.listed, func(c span) bool { return c.last <= w.lastProcessed })
	return nil
}

// errRewound tells Put to drop the rest of a batch for a partition that was rewound.
var errRewound = errors.New("partition rewound")

// rewind forgets the open files of a partition, re-learns the bucket on the next records and
// asks the runtime to resend from the durable offset.
func (t *Task) rewind(ctx context.Context, w *tpWriter, cause error) error {
	d := w.durable()
	t.log.Warn("rewinding partition after conflicting object", "topic", w.tp.Topic, "partition", w.tp.Partition, "offset", d, "error", cause)
	w.discardOpen()
	clear(w.covered)
	w.currentEnc = ""
	if d >= 0 {
		w.lastProcessed = d - 1
		t.tctx.ResetOffsets(map[connect.TopicPartition]int64{w.tp: d})
	}
	return errRewound
}

// key returns a view's object key for a file of an encoded partition.
func (t *Task) key(tp connect.TopicPartition, enc string, start int64, v layout.View) string {
	return t.cfg.ObjectKey(tp.Topic, tp.Partition, enc, start, v.Suffix()+t.formats[v].Extension())
}

// sortedTPs returns the writers' partitions in a stable order.
func (t *Task) sortedTPs() []connect.TopicPartition {
	tps := slices.Collect(maps.Keys(t.writers))
	slices.SortFunc(tps, func(a, b connect.TopicPartition) int {
		if a.Topic != b.Topic {
			if a.Topic < b.Topic {
				return -1
			}
			return 1
		}
		return int(a.Partition - b.Partition)
	})
	return tps
}

// isRecordError reports whether err is about one record (its value does not fit the format,
// or its encoded partition cannot be computed): such records go to the errant record
// reporter instead of failing the task.
func isRecordError(err error) bool {
	var de *connect.DataError
	return errors.Is(err, format.ErrData) || errors.Is(err, layout.ErrPartition) || errors.As(err, &de)
}

// rejectedError is what the errant record reporter receives: the cause, named as the Java
// exception Confluent's sink would report (dead letter queue header
// __connect.errors.exception.class.name).
type rejectedError struct{ err error }

// Error returns the cause's message.
func (e *rejectedError) Error() string { return e.err.Error() }

// Unwrap returns the cause.
func (e *rejectedError) Unwrap() error { return e.err }

// ExceptionClassName names the Java exception class of the rejection.
func (e *rejectedError) ExceptionClassName() string {
	if errors.Is(e.err, layout.ErrPartition) {
		return "io.confluent.connect.storage.errors.PartitionException"
	}
	return "org.apache.kafka.connect.errors.DataException"
}
