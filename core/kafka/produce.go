package kafka

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"slices"
	"sync"
	"time"

	kafkago "github.com/segmentio/kafka-go"
	"github.com/segmentio/kafka-go/protocol"
	metadataapi "github.com/segmentio/kafka-go/protocol/metadata"

	"github.com/connectless/connectless/core/connect"
)

// Produce writes the messages and waits for each to be acknowledged or to fail; the
// result at index i is the outcome of msgs[i]. Messages to one partition are written in
// order. A message whose Partition is AnyPartition is placed by the partitioner; its Offset
// and LogAppendTime are ignored. A message without a topic fails.
//
// Each partition's messages go out as record batches of up to BatchSize records and
// BatchBytes bytes, encoded here (no compression) and sent one after the other with a raw
// produce request to the partition's leader; partitions are written concurrently. A batch
// that fails with a retriable error is sent again, up to MaxAttempts times.
func (w *Writer) Produce(ctx context.Context, msgs []Message) []ProduceResult {
	out := make([]ProduceResult, len(msgs))
	if len(msgs) == 0 {
		return out
	}
	type topicState struct {
		partitions []int // 0..n-1, for the balancers
		err        error
	}
	topics := map[string]*topicState{}
	type tp struct {
		topic     string
		partition int32
	}
	groups := map[tp][]int{}
	var order []tp
	for i, m := range msgs {
		if m.Topic == "" {
			out[i] = ProduceResult{Partition: m.Partition, Offset: -1, Err: fmt.Errorf("produce: %w", ErrNoTopic)}
			continue
		}
		ts := topics[m.Topic]
		if ts == nil {
			ts = &topicState{}
			if ts.err = w.prepare(ctx, m.Topic); ts.err == nil {
				var n int
				if n, ts.err = w.partitionCount(ctx, m.Topic); ts.err == nil {
					ts.partitions = make([]int, n)
					for p := range ts.partitions {
						ts.partitions[p] = p
					}
				}
			}
			topics[m.Topic] = ts
		}
		if ts.err != nil {
			out[i] = ProduceResult{Partition: m.Partition, Offset: -1, Err: fmt.Errorf("produce to %q: %w", m.Topic, ts.err)}
			continue
		}
		p := m.Partition
		switch {
		case p != AnyPartition:
			if p < 0 || int(p) >= len(ts.partitions) {
				out[i] = ProduceResult{Partition: p, Offset: -1, Err: fmt.Errorf("produce to %q partition %d of %d: %w", m.Topic, p, len(ts.partitions), ErrInvalidPartition)}
				continue
			}
		case m.Key != nil:
			// murmur2 of the key, as the Java client's default partitioner
			p = int32(kafkago.Murmur2Balancer{Consistent: true}.Balance(kafkago.Message{Key: m.Key}, ts.partitions...))
		default:
			p = int32(w.rr.Balance(kafkago.Message{}, ts.partitions...))
		}
		k := tp{m.Topic, p}
		if groups[k] == nil {
			order = append(order, k)
		}
		groups[k] = append(groups[k], i)
	}
	var wg sync.WaitGroup
	for _, k := range order {
		wg.Add(1)
		go func() {
			defer wg.Done()
			w.writePartition(ctx, k.topic, k.partition, msgs, groups[k], out)
		}()
	}
	wg.Wait()
	return out
}

// partitionCount reads the partition count from the producer's metadata cache (creating
// the topic when AllowAutoTopicCreation is set and the broker allows it).
func (w *Writer) partitionCount(ctx context.Context, topic string) (int, error) {
	r, err := w.kc.Transport.RoundTrip(ctx, w.c.addr, &metadataapi.Request{TopicNames: []string{topic}, AllowAutoTopicCreation: w.opts.AllowAutoTopicCreation})
	if err != nil {
		return 0, err
	}
	for _, t := range r.(*metadataapi.Response).Topics {
		if t.Name == topic {
			if t.ErrorCode != 0 {
				return 0, kafkago.Error(t.ErrorCode)
			}
			return len(t.Partitions), nil
		}
	}
	return 0, kafkago.UnknownTopicOrPartition
}

// writePartition writes the messages at idx (all to topic/partition, in order) in batches
// and sets their outcomes.
func (w *Writer) writePartition(ctx context.Context, topic string, partition int32, msgs []Message, idx []int, out []ProduceResult) {
	now := time.Now()
	enc, _ := w.encoders.Get().(*batchEncoder)
	if enc == nil {
		enc = &batchEncoder{}
	}
	reuse := true // no request that may still be writing from enc.buf
	for len(idx) > 0 {
		n, size := 0, 0
		for n < len(idx) && n < w.opts.BatchSize {
			rs := recordSize(&msgs[idx[n]])
			if batchHeaderSize+rs > int(w.opts.BatchBytes) {
				if n == 0 { // alone it is too large: it fails, the others go on
					i := idx[0]
					out[i] = ProduceResult{Partition: partition, Offset: -1, Err: fmt.Errorf("produce to %q: %w", topic,
						kafkago.MessageTooLargeError{Message: kafkago.Message{Topic: topic, Partition: int(partition), Key: msgs[i].Key, Value: msgs[i].Value}})}
					idx = idx[1:]
					continue
				}
				break
			}
			if n > 0 && batchHeaderSize+size+rs > int(w.opts.BatchBytes) {
				break
			}
			size += rs
			n++
		}
		if n == 0 {
			continue
		}
		batch := idx[:n]
		idx = idx[n:]
		raw, times := enc.encode(msgs, batch, now, size)
		reuse = w.sendBatch(ctx, topic, partition, raw, batch, times, out) && reuse
	}
	if reuse {
		w.encoders.Put(enc)
	}
}

// sendBatch produces one encoded batch, retrying retriable failures, and sets the outcome of
// its messages. It reports whether raw may be reused: every attempt was answered, so no
// request can still be writing from it (one abandoned on a cancelled context or a broken
// connection may).
func (w *Writer) sendBatch(ctx context.Context, topic string, partition int32, raw []byte, batch []int, times []time.Time, out []ProduceResult) (reusable bool) {
	var (
		res *kafkago.ProduceResponse
		err error
	)
	reusable = true
	backoff := 50 * time.Millisecond
	for attempt := 1; ; attempt++ {
		res, err = w.kc.RawProduce(ctx, &kafkago.RawProduceRequest{
			Topic: topic, Partition: int(partition), RequiredAcks: kafkago.RequiredAcks(w.opts.RequiredAcks),
			RawRecords: protocol.RawRecordSet{Reader: bytes.NewReader(raw)},
		})
		if err != nil {
			reusable = false
		}
		if err == nil && res != nil && res.Error != nil {
			err = res.Error
		}
		if err == nil || attempt >= w.opts.MaxAttempts || !IsRetriable(err) || ctx.Err() != nil {
			break
		}
		_ = connect.Sleep(ctx, backoff) // with ctx done, the next attempt fails and ends the loop
		backoff = min(2*backoff, time.Second)
	}
	for k, i := range batch {
		r := ProduceResult{Partition: partition, Offset: -1}
		switch {
		case err != nil:
			r.Err = fmt.Errorf("produce to %q: %w", topic, err)
			if res != nil && res.RecordErrors[k] != nil {
				r.Err = fmt.Errorf("produce to %q: %w: %w", topic, err, res.RecordErrors[k])
			}
		case res == nil: // acks=0: no offsets
			r.Time = times[k]
		default:
			r.Offset, r.Time = res.BaseOffset+int64(k), times[k]
			if !res.LogAppendTime.IsZero() {
				r.Time = res.LogAppendTime
			}
		}
		out[i] = r
	}
	return reusable
}

// recordSize is an upper bound of a message's encoded size in a batch: its fields and at
// most 5 bytes for each of its varints.
func recordSize(m *Message) int {
	n := 1 + 3*binary.MaxVarintLen32 + 2*binary.MaxVarintLen64 + len(m.Key) + len(m.Value)
	for _, h := range m.Headers {
		n += 2*binary.MaxVarintLen32 + len(h.Key) + len(h.Value)
	}
	return n
}

// batchEncoder writes record batches (magic 2, uncompressed, CreateTime, no producer id)
// into a buffer it reuses.
type batchEncoder struct {
	buf   []byte
	times []time.Time
}

// encode writes the messages at batch as one record batch after a 4-byte size, as a raw
// produce request carries it, and returns it with each record's timestamp. A message
// without a time takes now, as Kafka's producer stamps it. size bounds the records' encoded
// size (the sum of their recordSize): the buffer grows once, to fit it.
func (e *batchEncoder) encode(msgs []Message, batch []int, now time.Time, size int) ([]byte, []time.Time) {
	b := append(slices.Grow(e.buf[:0], 4+batchHeaderSize+size), make([]byte, 4+batchHeaderSize)...)
	e.times = e.times[:0]
	var first, maxTs int64
	for k, i := range batch {
		m := &msgs[i]
		t := m.Time
		if t.IsZero() {
			t = now
		}
		e.times = append(e.times, t)
		ts := t.UnixMilli()
		if k == 0 {
			first, maxTs = ts, ts
		}
		maxTs = max(maxTs, ts)
		b = appendRecord(b, m, ts-first, int64(k))
	}
	h := b[4:]
	binary.BigEndian.PutUint32(b, uint32(len(h)))
	// baseOffset 0: the broker assigns offsets
	binary.BigEndian.PutUint32(h[8:], uint32(len(h)-batchLengthEnd))
	binary.BigEndian.PutUint32(h[12:], ^uint32(0)) // partitionLeaderEpoch -1
	h[batchMagicAt] = 2
	binary.BigEndian.PutUint16(h[batchAttrsAt:], 0)
	binary.BigEndian.PutUint32(h[batchLastDeltaAt:], uint32(len(batch)-1))
	binary.BigEndian.PutUint64(h[batchBaseTimeAt:], uint64(first))
	binary.BigEndian.PutUint64(h[batchMaxTimeAt:], uint64(maxTs))
	binary.BigEndian.PutUint64(h[43:], ^uint64(0)) // producerId -1
	binary.BigEndian.PutUint16(h[51:], 0xffff)     // producerEpoch -1
	binary.BigEndian.PutUint32(h[53:], ^uint32(0)) // baseSequence -1
	binary.BigEndian.PutUint32(h[batchCountAt:], uint32(len(batch)))
	binary.BigEndian.PutUint32(h[batchCRCAt:], crc32.Checksum(h[batchAttrsAt:], castagnoli))
	e.buf = b
	return b, e.times
}

// appendRecord appends one record: its length, attributes, timestamp and offset deltas, key,
// value and headers.
func appendRecord(b []byte, m *Message, tsDelta, offDelta int64) []byte {
	n := 1 + varintLen(tsDelta) + varintLen(offDelta) + bytesLen(m.Key) + bytesLen(m.Value) + varintLen(int64(len(m.Headers)))
	for _, h := range m.Headers {
		n += varintLen(int64(len(h.Key))) + len(h.Key) + bytesLen(h.Value)
	}
	b = binary.AppendVarint(b, int64(n))
	b = append(b, 0) // attributes
	b = binary.AppendVarint(b, tsDelta)
	b = binary.AppendVarint(b, offDelta)
	b = appendBytes(b, m.Key)
	b = appendBytes(b, m.Value)
	b = binary.AppendVarint(b, int64(len(m.Headers)))
	for _, h := range m.Headers {
		b = binary.AppendVarint(b, int64(len(h.Key)))
		b = append(b, h.Key...)
		b = appendBytes(b, h.Value)
	}
	return b
}

// appendBytes appends a varint length and the bytes; -1 for nil.
func appendBytes(b, v []byte) []byte {
	if v == nil {
		return binary.AppendVarint(b, -1)
	}
	return append(binary.AppendVarint(b, int64(len(v))), v...)
}

func bytesLen(v []byte) int {
	if v == nil {
		return 1
	}
	return varintLen(int64(len(v))) + len(v)
}

// varintLen is the size of v as a zigzag varint.
func varintLen(v int64) int {
	u := uint64(v<<1) ^ uint64(v>>63)
	n := 1
	for u >= 0x80 {
		u >>= 7
		n++
	}
	return n
}
