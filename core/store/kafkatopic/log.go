package kafkatopic

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/segmentio/kafka-go"

	"github.com/connectless/connectless/core/store"
)

// record is one record read from or written to an internal topic. A nil value is a tombstone.
type record struct {
	partition int
	offset    int64
	key       []byte
	value     []byte
	time      time.Time
	headers   []kafka.Header
}

// header returns the value of the record's header named key.
func (r record) header(key string) ([]byte, bool) {
	for _, h := range r.headers {
		if h.Key == key {
			return h.Value, true
		}
	}
	return nil, false
}

// topicLog reads one internal topic in full by explicit partition reads, like Kafka Connect's
// KafkaBasedLog: no consumer group, every partition from its first offset, records handed to
// apply in offset order per partition. It is not safe for concurrent use; Store serializes it.
type topicLog struct {
	client     *kafka.Client
	topic      string
	partitions int
	maxBytes   int
	next       []int64 // next offset to read, per partition
	apply      func(record)
}

func newTopicLog(client *kafka.Client, topic string, partitions, maxBytes int, apply func(record)) *topicLog {
	return &topicLog{client: client, topic: topic, partitions: partitions, maxBytes: maxBytes,
		next: make([]int64, partitions), apply: apply}
}

// readToEnd reads the given partitions (all when none are given) up to the end offsets they had
// when it was called: Kafka Connect's readToEnd barrier.
func (l *topicLog) readToEnd(ctx context.Context, partitions ...int) error {
	if len(partitions) == 0 {
		partitions = make([]int, l.partitions)
		for i := range partitions {
			partitions[i] = i
		}
	}
	reqs := make([]kafka.OffsetRequest, len(partitions))
	for i, p := range partitions {
		reqs[i] = kafka.LastOffsetOf(p)
	}
	res, err := l.client.ListOffsets(ctx, &kafka.ListOffsetsRequest{Topics: map[string][]kafka.OffsetRequest{l.topic: reqs}})
	if err != nil {
		return fmt.Errorf("list end offsets of %s: %w", l.topic, err)
	}
	pos := res.Topics[l.topic]
	slices.SortFunc(pos, func(a, b kafka.PartitionOffsets) int { return a.Partition - b.Partition })
	for _, po := range pos {
		if po.Error != nil {
			return fmt.Errorf("list end offsets of %s/%d: %w", l.topic, po.Partition, po.Error)
		}
		if po.Partition < 0 || po.Partition >= l.partitions {
			continue
		}
		if err := l.readPartition(ctx, po.Partition, po.LastOffset); err != nil {
			return err
		}
	}
	return nil
}

func (l *topicLog) readPartition(ctx context.Context, p int, end int64) error {
	idle := 0
	for l.next[p] < end {
		res, err := l.client.Fetch(ctx, &kafka.FetchRequest{Topic: l.topic, Partition: p, Offset: l.next[p],
			MinBytes: 1, MaxBytes: int64(l.maxBytes), MaxWait: 50 * time.Millisecond})
		if err != nil {
			return fmt.Errorf("read %s/%d at %d: %w", l.topic, p, l.next[p], err)
		}
		if res.Error != nil {
			if errors.Is(res.Error, kafka.OffsetOutOfRange) && res.LogStartOffset > l.next[p] {
				l.next[p] = res.LogStartOffset
				continue
			}
			return fmt.Errorf("read %s/%d at %d: %w", l.topic, p, l.next[p], res.Error)
		}
		n, err := l.drain(p, res.Records)
		if err != nil {
			return fmt.Errorf("read %s/%d at %d: %w", l.topic, p, l.next[p], err)
		}
		if n == 0 {
			// Compaction gaps and transaction markers can leave a fetch empty below the end.
			if res.LogStartOffset > l.next[p] {
				l.next[p] = res.LogStartOffset
				continue
			}
			if idle++; idle > 20 {
				return fmt.Errorf("read %s/%d: no progress at offset %d below end %d", l.topic, p, l.next[p], end)
			}
		}
	}
	return nil
}

func (l *topicLog) drain(p int, rr kafka.RecordReader) (int, error) {
	if rr == nil {
		return 0, nil
	}
	n := 0
	for {
		r, err := rr.ReadRecord()
		if errors.Is(err, io.EOF) {
			return n, nil
		}
		if err != nil {
			return n, err
		}
		if r.Offset < l.next[p] {
			continue
		}
		key, err := kafka.ReadAll(r.Key)
		if err != nil {
			return n, err
		}
		value, err := kafka.ReadAll(r.Value)
		if err != nil {
			return n, err
		}
		l.apply(record{partition: p, offset: r.Offset, key: key, value: value, time: r.Time, headers: r.Headers})
		l.next[p] = r.Offset + 1
		n++
	}
}

// produce writes records to one partition with acks=all and returns the offset of the first.
func produce(ctx context.Context, client *kafka.Client, topic string, partition int, recs []record) (int64, error) {
	krecs := make([]kafka.Record, len(recs))
	for i, r := range recs {
		krecs[i] = kafka.Record{Time: r.time, Key: kafka.NewBytes(r.key), Value: kafka.NewBytes(r.value), Headers: r.headers}
	}
	res, err := client.Produce(ctx, &kafka.ProduceRequest{Topic: topic, Partition: partition,
		RequiredAcks: kafka.RequireAll, Records: kafka.NewRecordReader(krecs...)})
	if err != nil {
		return 0, fmt.Errorf("write to %s/%d: %w", topic, partition, err)
	}
	if errors.Is(res.Error, kafka.MessageSizeTooLarge) || errors.Is(res.Error, kafka.RecordListTooLarge) {
		return 0, fmt.Errorf("write to %s/%d: %w: %w", topic, partition, res.Error, store.ErrTooLarge)
	}
	if res.Error != nil {
		return 0, fmt.Errorf("write to %s/%d: %w", topic, partition, res.Error)
	}
	for _, e := range res.RecordErrors {
		return 0, fmt.Errorf("write to %s/%d: %w", topic, partition, e)
	}
	return res.BaseOffset, nil
}

// Record is one record of a topic as ReadTopic hands it over; a nil Value is a tombstone.
type Record struct {
	Partition int    // partition read from; ignored by WriteRecords
	Offset    int64  // offset read at; ignored by WriteRecords
	Key       []byte // key bytes
	Value     []byte // value bytes, nil for a tombstone
}

// ReadTopic reads every partition of a topic from its first offset to the end offsets it had
// when the call began, by explicit partition reads (no consumer group), and calls fn for each
// record in offset order per partition. It returns the topic's partition count.
func ReadTopic(ctx context.Context, client *kafka.Client, topic string, fn func(Record)) (int, error) {
	md, err := client.Metadata(ctx, &kafka.MetadataRequest{Topics: []string{topic}})
	if err != nil {
		return 0, fmt.Errorf("describe topic %q: %w", topic, err)
	}
	if len(md.Topics) != 1 || md.Topics[0].Error != nil {
		var cause error = kafka.UnknownTopicOrPartition
		if len(md.Topics) == 1 {
			cause = md.Topics[0].Error
		}
		return 0, fmt.Errorf("describe topic %q: %w", topic, cause)
	}
	n := len(md.Topics[0].Partitions)
	l := newTopicLog(client, topic, n, 8<<20, func(r record) {
		fn(Record{Partition: r.partition, Offset: r.offset, Key: r.key, Value: r.value})
	})
	return n, l.readToEnd(ctx)
}

// WriteRecords writes records to a topic with acks=all, each to the partition Kafka's Java
// default partitioner picks for its key among partitions (Record.Partition is ignored).
func WriteRecords(ctx context.Context, client *kafka.Client, topic string, partitions int, recs []Record) error {
	byPart := map[int][]record{}
	for _, r := range recs {
		p := PartitionFor(r.Key, partitions)
		byPart[p] = append(byPart[p], record{partition: p, key: r.Key, value: r.Value})
	}
	ps := make([]int, 0, len(byPart))
	for p := range byPart {
		ps = append(ps, p)
	}
	slices.Sort(ps)
	for _, p := range ps {
		if _, err := produce(ctx, client, topic, p, byPart[p]); err != nil {
			return err
		}
	}
	return nil
}
