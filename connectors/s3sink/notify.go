package s3sink

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/segmentio/kafka-go"

	"github.com/connectless/connectless/connectors/archive/layout"
	"github.com/connectless/connectless/core/connect"
	"github.com/connectless/connectless/core/connect/transient"
)

// ErrNotification is wrapped when an object notification cannot be sent to
// s3.notification.topic; the offsets of the objects it describes are not committed.
var ErrNotification = errors.New("send object notification")

// Notification is the JSON value of the record sent to s3.notification.topic for every
// object the sink wrote (value files and keys/headers companions). The record key is the
// object key. Notifications are at-least-once: a run re-run after a crash sends again the
// notifications of the objects it finds in the bucket, so a consumer deduplicates by key.
type Notification struct {
	Bucket      string `json:"bucket"`
	Key         string `json:"key"`
	Topic       string `json:"topic"`
	Partition   int32  `json:"partition"`
	FirstOffset int64  `json:"first_offset"`
	LastOffset  int64  `json:"last_offset"`
	RecordCount int    `json:"record_count"`
	SizeBytes   int64  `json:"size_bytes"`
	// MinTimestamp and MaxTimestamp are the record timestamps (ms) of the object; null when
	// no record had one (or the object was written before they were recorded).
	MinTimestamp *int64 `json:"min_timestamp"`
	MaxTimestamp *int64 `json:"max_timestamp"`
	// Format is json, avro, parquet or bytearray.
	Format string `json:"format"`
	// Compression is s3.compression.type for json and bytearray, avro.codec for avro and
	// parquet.codec for parquet.
	Compression string `json:"compression"`
}

// newNotifier returns the Kafka writer of s3.notification.topic, or nil when it is not set.
// Every notification is acknowledged by all in-sync replicas; a record keyed by the object key
// lands on the partition Java's default partitioner would choose.
func newNotifier(cfg *Config) *kafka.Writer {
	if cfg.NotificationTopic == "" {
		return nil
	}
	return &kafka.Writer{
		Addr:         kafka.TCP(cfg.NotificationServers...),
		Topic:        cfg.NotificationTopic,
		Balancer:     &kafka.Murmur2Balancer{Consistent: true},
		RequiredAcks: kafka.RequireAll,
		BatchTimeout: 5 * time.Millisecond,
		MaxAttempts:  3,
	}
}

// kafkaTransporter is the optional task-context ability that gives the transport of the
// worker's producers (see connect.SinkTaskContext), so that notifications reach a secured
// cluster (TLS, SASL) as the worker's own records do.
type kafkaTransporter interface {
	KafkaTransport() kafka.RoundTripper
}

// notifierTransport secures the notifier's connections as the worker's producers, when the
// task context offers it; otherwise they stay plaintext.
func (t *Task) notifierTransport() {
	if t.notifier.Transport != nil {
		return
	}
	if p, ok := t.tctx.(kafkaTransporter); ok {
		if rt := p.KafkaTransport(); rt != nil {
			t.notifier.Transport = rt
		}
	}
}

// queueNotifications records objects that exist in the bucket and still need a notification.
func (t *Task) queueNotifications(entries ...ManifestEntry) {
	if t.notifier != nil {
		t.notes = append(t.notes, entries...)
	}
}

// sendNotifications sends the queued notifications and waits for their acknowledgement. On
// failure they stay queued (the next Flush sends them again) and the error wraps
// ErrNotification and is retriable.
func (t *Task) sendNotifications(ctx context.Context) error {
	if t.notifier == nil || len(t.notes) == 0 {
		return nil
	}
	t.notifierTransport()
	msgs := make([]kafka.Message, len(t.notes))
	for i, e := range t.notes {
		b, err := json.Marshal(t.notification(e))
		if err != nil {
			return fmt.Errorf("encode notification of %q: %w", e.Key, err)
		}
		msgs[i] = kafka.Message{Key: []byte(e.Key), Value: b}
	}
	if err := t.notifier.WriteMessages(ctx, msgs...); err != nil {
		err = fmt.Errorf("%w: %d objects to topic %q: %w", ErrNotification, len(msgs), t.cfg.NotificationTopic, err)
		if transient.Is(err) {
			return connect.Retriable(err)
		}
		return err
	}
	t.notes = t.notes[:0]
	return nil
}

// notification describes one object.
func (t *Task) notification(e ManifestEntry) Notification {
	class := t.cfg.FormatClass
	switch e.view {
	case layout.KeysView:
		class = t.cfg.KeysFormatClass
	case layout.HeadersView:
		class = t.cfg.HeadersFormatClass
	}
	n := Notification{Bucket: t.cfg.Bucket, Key: e.Key, Topic: e.Topic, Partition: e.Partition,
		FirstOffset: e.FirstOffset, LastOffset: e.LastOffset, RecordCount: e.RecordCount, SizeBytes: e.ByteSize,
		MinTimestamp: e.MinTimestamp, MaxTimestamp: e.MaxTimestamp}
	switch class {
	case AvroFormatClass:
		n.Format, n.Compression = "avro", t.cfg.AvroCodec
	case ParquetFormatClass:
		n.Format, n.Compression = "parquet", t.cfg.ParquetCodec
	case ByteArrayFormatClass:
		n.Format, n.Compression = "bytearray", t.cfg.CompressionType
	default:
		n.Format, n.Compression = "json", t.cfg.CompressionType
	}
	return n
}

// notificationHold returns, per partition, the first offset of the earliest object whose
// notification is still queued: PreCommit never reports past it.
func (t *Task) notificationHold() map[connect.TopicPartition]int64 {
	hold := map[connect.TopicPartition]int64{}
	for _, e := range t.notes {
		tp := connect.TopicPartition{Topic: e.Topic, Partition: e.Partition}
		if h, ok := hold[tp]; !ok || e.FirstOffset < h {
			hold[tp] = e.FirstOffset
		}
	}
	return hold
}

// queueExisting queues notifications for a file set a crashed or racing run left in the
// bucket: the arbiter found by key (described by m) and the companions stored with it. The
// earlier run may have sent them already; sending again keeps them at-least-once.
func (t *Task) queueExisting(ctx context.Context, tp connect.TopicPartition, enc string, start int64, arbiter layout.View, m objectMeta) error {
	if t.notifier == nil {
		return nil
	}
	t.queueNotifications(existingEntry(t.key(tp, enc, start, arbiter), tp, arbiter, m))
	for v, fm := range t.formats {
		if fm == nil || layout.View(v) == arbiter || (arbiter == layout.KeysView && layout.View(v) == layout.ValueView) {
			continue
		}
		key := t.key(tp, enc, start, layout.View(v))
		cm, found, err := t.store.head(ctx, key)
		if err != nil {
			return err
		}
		if found {
			t.queueNotifications(existingEntry(key, tp, layout.View(v), cm))
		}
	}
	return nil
}

// existingEntry describes an object found in the bucket from its metadata.
func existingEntry(key string, tp connect.TopicPartition, v layout.View, m objectMeta) ManifestEntry {
	return ManifestEntry{Key: key, Topic: tp.Topic, Partition: tp.Partition, FirstOffset: m.first, LastOffset: m.last,
		RecordCount: m.count, ByteSize: m.size, MinTimestamp: m.minTs, MaxTimestamp: m.maxTs, view: v}
}

// tsMeta adds the min/max record timestamps of a file set to its object metadata, so a re-run
// that finds the object can describe it.
func tsMeta(meta map[string]string, f *fileSet) {
	if f.minTs <= f.maxTs {
		meta[metaMinTimestamp] = strconv.FormatInt(f.minTs, 10)
		meta[metaMaxTimestamp] = strconv.FormatInt(f.maxTs, 10)
	}
}

// parseTsMeta reads a timestamp metadata value; nil when absent or not a number.
func parseTsMeta(s string) *int64 {
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return nil
	}
	return &v
}
