package s3sink

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"runtime/debug"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/segmentio/kafka-go"

	"github.com/connectless/connectless/connectors/archive/format"
	"github.com/connectless/connectless/connectors/archive/layout"
	"github.com/connectless/connectless/connectors/archive/s3client"
	"github.com/connectless/connectless/core/connect"
)

// ErrNoBucket is returned by Start when s3.bucket.name does not exist.
var ErrNoBucket = s3client.ErrNoBucket

// Task is the S3 sink task. It implements connect.SinkTask, connect.PreCommitter and
// connect.PartitionAware.
type Task struct {
	log     *slog.Logger
	now     func() time.Time
	cfg     *Config
	tctx    connect.SinkTaskContext
	store   *store
	part    layout.Partitioner
	extract layout.Extractor // set for time-based partitioners (rotate.interval.ms)
	loc     *time.Location
	formats [3]format.Format // by view; nil when the view is not stored
	// line is reused for a value's members copied in key order (encodeRaw); the spool
	// copies each line before the next record is encoded.
	line     []byte
	spillDir string
	budget   *spoolBudget // memory the spools may hold before going to disk
	object   []byte       // the buffer the last object built in memory took, for the next
	writers  map[connect.TopicPartition]*tpWriter
	manifest []ManifestEntry
	notifier *kafka.Writer   // nil without s3.notification.topic
	notes    []ManifestEntry // objects in the bucket whose notification is not sent yet
}

// NewTask returns an unstarted task that logs to log (nil: the task context's logger).
func NewTask(log *slog.Logger) *Task {
	return &Task{log: log, now: time.Now}
}

// TakesJSONBytes reports, after Start, whether Put takes values checked but not built
// (connect.JSONBytesSink): the value format writes them from their bytes (JsonFormat) and
// neither the partitioner nor the timestamp extractor reads a field of a value.
func (t *Task) TakesJSONBytes() bool {
	return t.cfg != nil && format.TakesJSONBytes(t.formats[layout.ValueView]) && !t.cfg.Layout.ReadsValueFields()
}

// ReleasesBatches reports that Put keeps nothing of its batch (connect.BatchReleaser): every
// view of a record is encoded and copied to its file's spool, and what a file keeps of its
// first record is its value's schema. It says so only in a process whose Go memory limit is
// not below 256 MiB (releaseBatchesMinLimit): a small function keeps its memory instead.
func (t *Task) ReleasesBatches() bool { return releasesBatches(debug.SetMemoryLimit(-1)) }

var _ connect.BatchReleaser = (*Task)(nil)

// Start parses the configuration, builds the S3 client and checks that the bucket exists.
func (t *Task) Start(ctx context.Context, props map[string]string, tctx connect.SinkTaskContext) error {
	if t.log == nil {
		t.log = tctx.Logger()
	}
	cfg, err := ParseConfig(props)
	if err != nil {
		return err
	}
	t.cfg, t.tctx = cfg, tctx
	t.writers = map[connect.TopicPartition]*tpWriter{}
	if t.part, err = layout.NewPartitioner(&cfg.Layout); err != nil {
		return err
	}
	if cfg.TimeBased() {
		t.extract = layout.NewExtractor(&cfg.Layout)
	}
	t.loc = time.UTC
	if cfg.Timezone != "" {
		if t.loc, err = layout.LoadZone(cfg.Timezone); err != nil {
			return fmt.Errorf("%w: timezone: %w", ErrConfig, err)
		}
	}
	if t.formats[layout.ValueView], err = newFormat(cfg, cfg.FormatClass); err != nil {
		return err
	}
	if cfg.StoreKeys {
		if t.formats[layout.KeysView], err = newFormat(cfg, cfg.KeysFormatClass); err != nil {
			return err
		}
	}
	if cfg.StoreHeaders {
		if t.formats[layout.HeadersView], err = newFormat(cfg, cfg.HeadersFormatClass); err != nil {
			return err
		}
	}
	t.budget = processSpoolBudget()
	if t.spillDir, err = os.MkdirTemp(cfg.SpillDir, "s3sink-"); err != nil {
		return fmt.Errorf("create spill dir in %q: %w", cfg.SpillDir, err)
	}
	sess, err := s3client.Open(ctx, cfg.ClientOptions())
	if err != nil {
		return err
	}
	client := sess.Client
	sess.ShowRegion(tctx)
	t.store = &store{client: client, cfg: cfg, partSize: int64(cfg.PartSize)}
	t.notifier = newNotifier(cfg)
	if _, err := client.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: &cfg.Bucket}); err != nil {
		// One line naming the key to change, the region, endpoint and identity.
		p := sess.Explain(ctx, err, cfg.Bucket, "read")
		switch {
		case errors.Is(p, s3client.ErrAccess):
			// Exists, as Confluent's bucketExists treats a 403: the identity may write
			// without listing.
		case p.Retriable:
			return connect.Retriable(p)
		default:
			return p
		}
	}
	return nil
}

// newClient builds the S3 client of the sink's configuration.
func newClient(ctx context.Context, cfg *Config) (*s3.Client, error) {
	return s3client.New(ctx, cfg.ClientOptions())
}

// Open prepares writers for the partitions of the slice. Recovery is lazy: a writer learns
// from the bucket when it opens each file (see doc.go).
func (t *Task) Open(_ context.Context, partitions []connect.TopicPartition) error {
	for _, tp := range partitions {
		if _, ok := t.writers[tp]; !ok {
			t.writers[tp] = newTPWriter(tp)
		}
	}
	return nil
}

// Close forgets the partitions: open files are discarded (their offsets were never returned
// by PreCommit, so the next owner re-reads them).
func (t *Task) Close(_ context.Context, partitions []connect.TopicPartition) error {
	for _, tp := range partitions {
		if w, ok := t.writers[tp]; ok {
			w.discardOpen()
			delete(t.writers, tp)
		}
	}
	return nil
}

// Put writes records to their files, uploading files as rotation rules fire.
func (t *Task) Put(ctx context.Context, records []connect.SinkRecord) error {
	nowMs := t.now().UnixMilli()
	rewound := map[connect.TopicPartition]bool{}
	var w *tpWriter // the writer of the previous record's partition: batches come in runs of one
	for i := range records {
		rec := &records[i]
		tp := assignedPartition(rec)
		if rewound[tp] {
			continue
		}
		if w == nil || w.tp != tp {
			var ok bool
			if w, ok = t.writers[tp]; !ok {
				w = newTPWriter(tp)
				t.writers[tp] = w
			}
		}
		if rec.KafkaOffset() <= w.lastProcessed {
			continue // redelivered: already absorbed
		}
		if rec.Value == nil {
			switch t.cfg.NullBehavior {
			case "fail":
				return fmt.Errorf("record %s-%d@%d: %w", rec.Topic, rec.KafkaPartition(), rec.KafkaOffset(), ErrNullValue)
			case "ignore":
				if t.cfg.ReportNullToDLQ {
					if err := t.reject(ctx, w, rec, fmt.Errorf("%w: skipping null value record", ErrData)); err != nil {
						return err
					}
				}
				w.lastProcessed = rec.KafkaOffset()
				continue
			}
		}
		if err := t.write(ctx, w, rec, nowMs); err != nil {
			if errors.Is(err, errRewound) {
				rewound[tp] = true
				continue
			}
			return err
		}
	}
	for _, tp := range t.sortedTPs() {
		w := t.writers[tp]
		if rewound[tp] || w.recordCount == 0 || t.cfg.RotateScheduleMs <= 0 {
			continue
		}
		if t.rotateOnTime(w, w.currentEnc, w.baseTs, nowMs) {
			if err := t.commitFiles(ctx, w); err != nil && !errors.Is(err, errRewound) {
				return err
			}
		}
	}
	return nil
}

// assignedPartition is the partition a record was read from: writers, file names and
// committed offsets use it, so a topic-renaming transformation does not lose the record
// (Confluent's sink fails with "No writer found" there).
func assignedPartition(rec *connect.SinkRecord) connect.TopicPartition {
	if rec.OriginalTopic != "" {
		return connect.TopicPartition{Topic: rec.OriginalTopic, Partition: rec.OriginalPartition}
	}
	return connect.TopicPartition{Topic: rec.Topic, Partition: rec.KafkaPartition()}
}

// Flush is called at the end of every slice and before Stop: with s3.flush.on.slice.end
// (the default) every open file is uploaded, so quiet partitions never wait for new data.
//
// Notifications of every object uploaded (or found already in the bucket) since the last
// Flush are sent before it returns, whatever s3.flush.on.slice.end says; one that cannot be
// sent fails the Flush.
func (t *Task) Flush(ctx context.Context, _ map[connect.TopicPartition]int64) error {
	if t.cfg.FlushOnSliceEnd {
		for _, tp := range t.sortedTPs() {
			if err := t.commitFiles(ctx, t.writers[tp]); err != nil && !errors.Is(err, errRewound) {
				// Objects uploaded before the failure are notified still: their offsets may
				// be committed by a later PreCommit.
				return errors.Join(err, t.sendNotifications(ctx))
			}
		}
	}
	if err := t.sendNotifications(ctx); err != nil {
		return err
	}
	if !t.cfg.FlushOnSliceEnd {
		return nil
	}
	return t.writeManifest(ctx)
}

// PreCommit flushes as Flush does and returns, per partition, the offset below which every
// record is stored in an object (or was deliberately skipped): never past an open file.
func (t *Task) PreCommit(ctx context.Context, _ map[connect.TopicPartition]int64) (map[connect.TopicPartition]int64, error) {
	ferr := t.Flush(ctx, nil)
	hold := t.notificationHold()
	out := map[connect.TopicPartition]int64{}
	for tp, w := range t.writers {
		// Every call answers for every partition, so a caller that keeps only the last
		// answer loses nothing; an offset once returned stays (it was durable then). An
		// object whose notification is not sent yet holds the offset back to its start.
		d := w.durable()
		if h, ok := hold[tp]; ok && d >= 0 {
			d = min(d, h)
		}
		if d = max(d, w.reported); d >= 0 {
			out[tp] = d
			w.reported = d
		}
	}
	return out, ferr
}

// Stop discards open files and removes the spill directory.
func (t *Task) Stop() error {
	for _, w := range t.writers {
		w.discardOpen()
	}
	var errs []error
	if t.notifier != nil {
		if err := t.notifier.Close(); err != nil {
			errs = append(errs, fmt.Errorf("close notification writer: %w", err))
		}
		t.notifier = nil
	}
	if t.spillDir != "" {
		errs = append(errs, os.RemoveAll(t.spillDir))
	}
	return errors.Join(errs...)
}
