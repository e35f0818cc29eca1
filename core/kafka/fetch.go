package kafka

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	kafkago "github.com/segmentio/kafka-go"
	"github.com/segmentio/kafka-go/protocol"

	"github.com/connectless/connectless/core/connect"
)

// Header is one Kafka record header.
type Header struct {
	Key   string
	Value []byte
}

// Message is one Kafka record, as read by Fetch or written by Writer.Produce.
type Message struct {
	Topic     string
	Partition int32
	Offset    int64
	Key       []byte
	Value     []byte
	Headers   []Header
	// Time is the record timestamp; zero means none.
	Time time.Time
	// LogAppendTime is true when the broker set Time (the topic's
	// message.timestamp.type=LogAppendTime); false means the producer set it.
	LogAppendTime bool
}

// FetchOptions bound one Fetch.
type FetchOptions struct {
	// MaxBytes bounds the size of the response. Default 1 MiB. The broker still returns
	// a first batch larger than this, so a large record never blocks a partition. Mirrors
	// Kafka's max.partition.fetch.bytes.
	MaxBytes int
	// MaxWait is how long the broker may wait for data when there is none. Default 500ms.
	// Mirrors Kafka's fetch.max.wait.ms.
	MaxWait time.Duration
}

// FetchResult is what one Fetch read.
type FetchResult struct {
	// Messages are the records at or after the requested offset, in offset order.
	Messages []Message
	// Next is the offset to fetch next: one past the last record or transaction marker
	// read, or the requested offset when nothing was read.
	Next int64
	// HighWatermark is the partition's end offset as the broker saw it.
	HighWatermark int64
	// LogStartOffset is the earliest offset still in the partition.
	LogStartOffset int64
}

// ErrOffsetOutOfRange is wrapped by Fetch when the offset is before the log start or after
// the log end; it is kafka-go's OffsetOutOfRange.
var ErrOffsetOutOfRange = kafkago.OffsetOutOfRange

// timestampTypeLogAppend is the record-batch attribute bit for LogAppendTime.
const timestampTypeLogAppend = 1 << 3

// Fetch reads records of one partition from offset, by explicit assignment: no consumer
// group, no background prefetch. It returns as soon as the broker answers.
func (c *Client) Fetch(ctx context.Context, tp connect.TopicPartition, offset int64, opts FetchOptions) (FetchResult, error) {
	if opts.MaxBytes <= 0 {
		opts.MaxBytes = 1 << 20
	}
	if opts.MaxWait <= 0 {
		opts.MaxWait = 500 * time.Millisecond
	}
	if offset < 0 {
		return c.fetchGo(ctx, tp, offset, opts)
	}
	resp, err := c.fetchRaw(ctx, tp.Topic, tp.Partition, offset, opts)
	if err != nil {
		return FetchResult{}, fmt.Errorf("fetch %s at %d: %w", FormatPartition(tp), offset, err)
	}
	p := resp.partition
	if p.errorCode != 0 {
		return FetchResult{}, fmt.Errorf("fetch %s at %d: %w", FormatPartition(tp), offset, kafkago.Error(p.errorCode))
	}
	res := FetchResult{Next: offset, HighWatermark: p.highWatermark, LogStartOffset: p.logStartOffset}
	if err := decodeBatches(tp, offset, p.records, &res); err != nil {
		return FetchResult{}, fmt.Errorf("fetch %s at %d: %w", FormatPartition(tp), offset, err)
	}
	return res, nil
}

// fetchGo is Fetch through kafka-go's own fetch request and decoder, for the symbolic
// offsets (kafka-go's FirstOffset and LastOffset) it resolves first.
func (c *Client) fetchGo(ctx context.Context, tp connect.TopicPartition, offset int64, opts FetchOptions) (FetchResult, error) {
	resp, err := c.fetchKC.Fetch(ctx, &kafkago.FetchRequest{
		Topic:     tp.Topic,
		Partition: int(tp.Partition),
		Offset:    offset,
		MinBytes:  1,
		MaxBytes:  int64(opts.MaxBytes),
		MaxWait:   opts.MaxWait,
	})
	if err != nil {
		return FetchResult{}, fmt.Errorf("fetch %s at %d: %w", FormatPartition(tp), offset, err)
	}
	if resp.Error != nil {
		return FetchResult{}, fmt.Errorf("fetch %s at %d: %w", FormatPartition(tp), offset, resp.Error)
	}
	res := FetchResult{Next: offset, HighWatermark: resp.HighWatermark, LogStartOffset: resp.LogStartOffset}
	if err := decodeRecords(tp, offset, resp.Records, &res); err != nil {
		return FetchResult{}, fmt.Errorf("fetch %s at %d: %w", FormatPartition(tp), offset, err)
	}
	return res, nil
}

// decodeRecords walks the record batches of a fetch response, skipping records before
// offset and transaction markers (which still move Next).
func decodeRecords(tp connect.TopicPartition, offset int64, rr protocol.RecordReader, res *FetchResult) error {
	batches := []protocol.RecordReader{rr}
	if s, ok := rr.(*protocol.RecordStream); ok {
		batches = s.Records
	}
	var a arena
	for _, b := range batches {
		control, logAppend := false, false
		switch v := b.(type) {
		case *protocol.ControlBatch:
			control = true
		case *protocol.RecordBatch:
			logAppend = v.Attributes&timestampTypeLogAppend != 0
		case *protocol.MessageSet:
			logAppend = v.Attributes&timestampTypeLogAppend != 0
		}
		for {
			r, err := b.ReadRecord()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				return fmt.Errorf("decode records: %w", err)
			}
			m, err := a.readRecord(tp, r, logAppend)
			if err != nil {
				return err
			}
			if r.Offset < offset {
				continue
			}
			if r.Offset >= res.Next {
				res.Next = r.Offset + 1
			}
			if !control {
				res.Messages = append(res.Messages, m)
			}
		}
	}
	return nil
}

// arenaChunk is the size of the blocks an arena carves keys, values and headers from.
const arenaChunk = 64 << 10

// arena holds the bytes of a fetch's records: keys, values and header values are carved
// from shared blocks instead of one allocation each. Every slice it returns has its capacity
// clipped to its length, so appending to one never writes into its neighbour.
type arena struct{ buf []byte }

// take returns n bytes of the arena.
func (a *arena) take(n int) []byte {
	if n == 0 {
		return []byte{}
	}
	if cap(a.buf)-len(a.buf) < n {
		if n > arenaChunk/4 {
			return make([]byte, n) // a large one alone: a block keeps no tail unused
		}
		a.buf = make([]byte, 0, arenaChunk)
	}
	l := len(a.buf)
	a.buf = a.buf[:l+n]
	return a.buf[l : l+n : l+n]
}

// read copies a record's key or value out of the response: nil for null, empty for empty.
func (a *arena) read(b protocol.Bytes) ([]byte, error) {
	if b == nil {
		return nil, nil
	}
	defer b.Close()
	out := a.take(b.Len())
	if _, err := io.ReadFull(b, out); err != nil {
		return nil, err
	}
	return out, nil
}

// clone copies b into the arena; nil stays nil.
func (a *arena) clone(b []byte) []byte {
	if b == nil {
		return nil
	}
	out := a.take(len(b))
	copy(out, b)
	return out
}

func (a *arena) readRecord(tp connect.TopicPartition, r *protocol.Record, logAppend bool) (Message, error) {
	m := Message{Topic: tp.Topic, Partition: tp.Partition, Offset: r.Offset, LogAppendTime: logAppend}
	if !r.Time.IsZero() && r.Time.UnixMilli() >= 0 {
		m.Time = r.Time
	}
	var err error
	if m.Key, err = a.read(r.Key); err != nil {
		return Message{}, fmt.Errorf("read key at offset %d: %w", r.Offset, err)
	}
	if m.Value, err = a.read(r.Value); err != nil {
		return Message{}, fmt.Errorf("read value at offset %d: %w", r.Offset, err)
	}
	if len(r.Headers) > 0 {
		m.Headers = make([]Header, len(r.Headers))
		for i, h := range r.Headers {
			m.Headers[i] = Header{Key: h.Key, Value: a.clone(h.Value)}
		}
	}
	return m, nil
}
