package s3source

import (
	"cmp"
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/connectless/connectless/connectors/archive/format"
	"github.com/connectless/connectless/connectors/archive/layout"
	"github.com/connectless/connectless/connectors/archive/s3client"
	"github.com/connectless/connectless/core/connect"
	"github.com/connectless/connectless/core/connect/transient"
)

// Source partition and offset fields.
const (
	// TopicField and PartitionField name the archived topic and Kafka partition: one source
	// partition per archived Kafka partition.
	TopicField     = "topic"
	PartitionField = "partition"
	// ObjectField and IndexField are the source offset: the object key of the file set
	// being read (its value file, or its keys file for a tombstone-only file set) and the
	// number of its records consumed so far.
	ObjectField = "object"
	IndexField  = "index"
)

// ErrNoBucket is returned by Start when s3.bucket.name does not exist.
var ErrNoBucket = s3client.ErrNoBucket

// Task is the S3 source task: it lists the archived objects of its Kafka partitions at
// Start and restores their records in offset order per partition. It implements
// connect.SourceTask.
type Task struct {
	log     *slog.Logger
	cfg     *Config
	client  *s3.Client
	parts   []*partState
	pi      int   // partition being restored
	pending error // a non-retriable error, returned by every later Poll
}

// NewTask returns an unstarted task that logs to log (nil: the task context's logger).
func NewTask(log *slog.Logger) *Task {
	return &Task{log: log}
}

// fileSet is the value, keys and headers objects of one file the sink wrote.
type fileSet struct {
	name                layout.ObjectName // of the arbiter
	value, keys, hdrs   string
	bucketStart         int64
	hasBucket           bool
	valueName, keysName layout.ObjectName
	hdrsName            layout.ObjectName
}

// partState is the restore state of one archived Kafka partition.
type partState struct {
	tp    connect.TopicPartition
	files []*fileSet
	next  int
	skip  int64 // records of files[next] already restored (resume)
	cur   *openSet
}

// Start parses the configuration, checks the bucket, lists the objects of this task's
// partitions and positions each partition after its committed offset.
func (t *Task) Start(ctx context.Context, props map[string]string, tctx connect.SourceTaskContext) error {
	switch {
	case t.log != nil:
	case tctx != nil:
		t.log = tctx.Logger()
	default:
		t.log = slog.New(slog.DiscardHandler)
	}
	cfg, err := ParseConfig(props)
	if err != nil {
		return err
	}
	t.cfg = cfg
	sess, err := s3client.Open(ctx, cfg.Client)
	if err != nil {
		return err
	}
	t.client = sess.Client
	sess.ShowRegion(tctx)
	bucket := cfg.Bucket
	if _, err := t.client.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: &bucket}); err != nil {
		// One line naming the key to change, the region, endpoint and identity.
		p := sess.Explain(ctx, err, bucket, "read")
		if p.Retriable {
			return connect.Retriable(p)
		}
		return p
	}
	sets, err := t.list(ctx)
	if err != nil {
		return err
	}
	byTP := map[connect.TopicPartition]*partState{}
	for _, fs := range sets {
		tp := connect.TopicPartition{Topic: fs.name.Topic, Partition: fs.name.Partition}
		p := byTP[tp]
		if p == nil {
			p = &partState{tp: tp}
			byTP[tp] = p
			t.parts = append(t.parts, p)
		}
		p.files = append(p.files, fs)
	}
	slices.SortFunc(t.parts, func(a, b *partState) int {
		return cmp.Or(strings.Compare(a.tp.Topic, b.tp.Topic), cmp.Compare(a.tp.Partition, b.tp.Partition))
	})
	for _, p := range t.parts {
		slices.SortFunc(p.files, compareSets)
		if tctx == nil || tctx.OffsetReader() == nil {
			continue
		}
		off, err := tctx.OffsetReader().Offset(ctx, sourcePartition(p.tp))
		if err != nil {
			return fmt.Errorf("read source offset of %s-%d: %w", p.tp.Topic, p.tp.Partition, err)
		}
		if err := t.position(p, off); err != nil {
			return err
		}
	}
	n := 0
	for _, p := range t.parts {
		n += len(p.files) - p.next
	}
	t.log.Info("s3 source started", "bucket", bucket, "partitions", len(t.parts), "file_sets", n)
	return nil
}

func compareSets(a, b *fileSet) int {
	return cmp.Or(cmp.Compare(a.name.StartOffset, b.name.StartOffset), strings.Compare(a.name.Base, b.name.Base))
}

// position moves a partition after its committed source offset.
func (t *Task) position(p *partState, off map[string]any) error {
	if off == nil {
		return nil
	}
	key, _ := off[ObjectField].(string)
	idx, ok := connect.OffsetInt(off[IndexField])
	name, parsed := t.cfg.Layout.ParseObjectKey(key)
	if !ok || !parsed {
		return fmt.Errorf("%w: committed offset %v of %s-%d is not an object key and index", ErrConfig, off, p.tp.Topic, p.tp.Partition)
	}
	at := &fileSet{name: name}
	i, found := slices.BinarySearchFunc(p.files, at, compareSets)
	p.next, p.skip = i, 0
	if found {
		p.skip = idx
	}
	return nil
}

func sourcePartition(tp connect.TopicPartition) map[string]any {
	return map[string]any{TopicField: tp.Topic, PartitionField: int64(tp.Partition)}
}

// list finds the file sets of this task's partitions, pruned to the time range's buckets
// when the partitioner is time-based.
func (t *Task) list(ctx context.Context) ([]*fileSet, error) {
	c := t.cfg
	topics := c.Topics
	if len(topics) == 0 {
		var err error
		if topics, err = t.discoverTopics(ctx); err != nil {
			return nil, err
		}
	}
	var out []*fileSet
	for _, topic := range topics {
		prefixes := []string{c.Layout.TopicPrefix(topic)}
		var buckets map[string]int64
		if c.HasTimeRange && c.Layout.TimeBased() {
			start, end := c.TimeStart, c.TimeEnd
			if start == minInt64 {
				start = 0
			}
			if end == maxInt64 {
				end = time.Now().Add(24 * time.Hour).UnixMilli()
			}
			encs, starts, err := c.Layout.TimeBuckets(start, end, maxTimeBuckets)
			if err != nil {
				return nil, err
			}
			buckets = make(map[string]int64, len(encs))
			for i, e := range encs {
				buckets[e] = starts[i]
			}
			if len(encs) <= listPerBucket {
				prefixes = prefixes[:0]
				for _, e := range encs {
					prefixes = append(prefixes, c.Layout.TopicPrefix(topic)+e+c.Layout.DirectoryDelim)
				}
			}
		}
		sets := map[string]*fileSet{}
		for _, prefix := range prefixes {
			err := t.listPrefix(ctx, prefix, func(key string) {
				name, ok := c.Layout.ParseObjectKey(key)
				if !ok || name.Topic != topic || int(name.Partition)%c.TaskCount != c.TaskIndex {
					return
				}
				var bucketStart int64
				if buckets != nil {
					var in bool
					if bucketStart, in = buckets[name.Encoded]; !in {
						return
					}
				}
				if name.View == layout.ValueView && !t.valueExt(name.Ext) {
					t.log.Debug("skipping object of another format", "key", key)
					return
				}
				fs := sets[name.Base]
				if fs == nil {
					fs = &fileSet{bucketStart: bucketStart, hasBucket: buckets != nil}
					sets[name.Base] = fs
				}
				switch name.View {
				case layout.KeysView:
					fs.keys, fs.keysName = key, name
				case layout.HeadersView:
					fs.hdrs, fs.hdrsName = key, name
				default:
					fs.value, fs.valueName = key, name
				}
			})
			if err != nil {
				return nil, err
			}
		}
		for _, fs := range sets {
			switch {
			case fs.value != "":
				fs.name = fs.valueName
			case fs.keys != "":
				fs.name = fs.keysName // tombstone-only file set
			default:
				continue
			}
			out = append(out, fs)
		}
	}
	return out, nil
}

// valueExt reports whether a value file's extension belongs to format.class.
func (t *Task) valueExt(ext string) bool {
	base := strings.TrimSuffix(strings.TrimSuffix(ext, ".gz"), ".zst")
	switch t.cfg.FormatClass {
	case format.JSONFormatClass:
		return base == ".json"
	case format.ByteArrayFormatClass:
		return base == t.cfg.Formats.ByteArrayExtension
	case format.AvroFormatClass:
		return ext == ".avro"
	case format.ParquetFormatClass:
		return strings.HasSuffix(ext, ".parquet")
	}
	return false
}

func (t *Task) listPrefix(ctx context.Context, prefix string, fn func(key string)) error {
	bucket := t.cfg.Bucket
	pg := s3.NewListObjectsV2Paginator(t.client, &s3.ListObjectsV2Input{Bucket: &bucket, Prefix: &prefix})
	for pg.HasMorePages() {
		page, err := pg.NextPage(ctx)
		if err != nil {
			return retriable(fmt.Errorf("list %q in bucket %q: %w", prefix, bucket, err))
		}
		for _, o := range page.Contents {
			fn(*o.Key)
		}
	}
	return nil
}

// discoverTopics lists the topic folders under topics.dir.
func (t *Task) discoverTopics(ctx context.Context) ([]string, error) {
	c := &t.cfg.Layout
	prefix := ""
	if strings.TrimSpace(c.TopicsDir) != "" {
		prefix = c.TopicsDir + c.DirectoryDelim
	}
	bucket := t.cfg.Bucket
	var topics []string
	pg := s3.NewListObjectsV2Paginator(t.client, &s3.ListObjectsV2Input{Bucket: &bucket, Prefix: &prefix, Delimiter: &c.DirectoryDelim})
	for pg.HasMorePages() {
		page, err := pg.NextPage(ctx)
		if err != nil {
			return nil, retriable(fmt.Errorf("list topics under %q in bucket %q: %w", prefix, bucket, err))
		}
		for _, cp := range page.CommonPrefixes {
			topics = append(topics, strings.TrimSuffix(strings.TrimPrefix(*cp.Prefix, prefix), c.DirectoryDelim))
		}
	}
	return topics, nil
}

// Poll returns up to record.batch.max.size restored records. When every partition is
// restored it waits briefly and returns none.
func (t *Task) Poll(ctx context.Context) ([]connect.SourceRecord, error) {
	if err := t.pending; err != nil {
		return nil, err
	}
	batch := make([]connect.SourceRecord, 0, min(t.cfg.BatchSize, 1024))
	for len(batch) < t.cfg.BatchSize && t.pi < len(t.parts) {
		rec, ok, err := t.next(ctx, t.parts[t.pi])
		if err != nil {
			// A retriable error (S3 unavailable while opening a file set) is returned
			// once and the next Poll tries the same file set again; any other error
			// sticks. Records read before the error are returned first.
			if !connect.IsRetriable(err) {
				t.pending = err
			}
			if len(batch) > 0 {
				return batch, nil
			}
			return nil, err
		}
		if !ok {
			t.pi++
			continue
		}
		batch = append(batch, rec)
	}
	if len(batch) == 0 {
		_ = connect.Sleep(ctx, 100*time.Millisecond) // a done ctx ends the slice after this poll
	}
	return batch, nil
}

// Done reports whether every listed record was restored.
func (t *Task) Done() bool { return t.pi >= len(t.parts) }

// Stop closes open objects.
func (t *Task) Stop() error {
	for _, p := range t.parts {
		if p.cur != nil {
			p.cur.close()
			p.cur = nil
		}
	}
	return nil
}

// httpStatus returns the HTTP status of an SDK error, or 0.
// retriable marks err as a RetriableError when a retry may fix it (transient.Is: an outage,
// a throttle), so that the runtime polls again; refused access and the like stay permanent.
func retriable(err error) error {
	if transient.Is(err) {
		return connect.Retriable(err)
	}
	return err
}

var _ connect.SourceTask = (*Task)(nil)
