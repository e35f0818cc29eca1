package kafka

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"slices"
	"time"

	"github.com/segmentio/kafka-go/compress"
	"github.com/segmentio/kafka-go/protocol"

	"github.com/connectless/connectless/core/connect"
)

// ErrCorruptBatch is wrapped by Fetch when a record batch fails its checksum or its records
// do not fit their batch.
var ErrCorruptBatch = errors.New("corrupt record batch")

// The record batch (magic 2) layout, from Kafka's protocol documentation ("Record Batch",
// https://kafka.apache.org/documentation/#recordbatch): baseOffset int64, batchLength int32,
// partitionLeaderEpoch int32, magic int8, crc uint32 (CRC-32C of everything after it),
// attributes int16, lastOffsetDelta int32, baseTimestamp int64, maxTimestamp int64,
// producerId int64, producerEpoch int16, baseSequence int32, records count int32, records.
const (
	batchLengthEnd   = 12 // baseOffset, batchLength: batchLength counts the bytes after them
	batchMagicAt     = 16
	batchCRCAt       = 17
	batchAttrsAt     = 21
	batchLastDeltaAt = 23
	batchBaseTimeAt  = 27
	batchMaxTimeAt   = 35
	batchCountAt     = 57
	batchHeaderSize  = 61
)

// Record batch attribute bits.
const (
	attrCompression = 0x07
	attrControl     = 1 << 5
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// decodeBatches walks the record batches of a partition's fetch response (as the broker sent
// them) in one pass: each batch's checksum is checked, a compressed batch is inflated into
// a buffer of its own, and each record's key, value and header values are slices of the
// response (or of that buffer), clipped to their length. Records before offset and control
// batches (transaction markers) are skipped; Next moves past every batch read, as Kafka's
// consumer moves past a batch's last offset. A batch cut short by the response's size limit
// ends the walk. Batches of the old message formats (magic 0 and 1) are read by kafka-go.
func decodeBatches(tp connect.TopicPartition, offset int64, b []byte, res *FetchResult) error {
	if hasLegacyBatch(b) {
		return decodeLegacy(tp, offset, b, res)
	}
	for len(b) >= batchHeaderSize {
		size := batchLengthEnd + int(int32(binary.BigEndian.Uint32(b[8:])))
		if size < batchHeaderSize || size > len(b) {
			break // the last batch, cut by the fetch's size limit
		}
		batch := b[:size:size]
		b = b[size:]
		base := int64(binary.BigEndian.Uint64(batch))
		if m := batch[batchMagicAt]; m != 2 {
			return fmt.Errorf("%w at offset %d: magic %d", ErrCorruptBatch, base, m)
		}
		if crc := binary.BigEndian.Uint32(batch[batchCRCAt:]); crc32.Checksum(batch[batchAttrsAt:], castagnoli) != crc {
			return fmt.Errorf("%w at offset %d: checksum mismatch", ErrCorruptBatch, base)
		}
		attrs := binary.BigEndian.Uint16(batch[batchAttrsAt:])
		last := base + int64(int32(binary.BigEndian.Uint32(batch[batchLastDeltaAt:])))
		if last < offset {
			continue
		}
		if last >= res.Next {
			res.Next = last + 1
		}
		if attrs&attrControl != 0 {
			continue
		}
		records := batch[batchHeaderSize:]
		if c := attrs & attrCompression; c != 0 {
			var err error
			if records, err = inflate(compress.Compression(c), records); err != nil {
				return fmt.Errorf("%w at offset %d: %w", ErrCorruptBatch, base, err)
			}
		}
		h := batchHeader{
			base:      base,
			baseTime:  int64(binary.BigEndian.Uint64(batch[batchBaseTimeAt:])),
			maxTime:   int64(binary.BigEndian.Uint64(batch[batchMaxTimeAt:])),
			logAppend: attrs&timestampTypeLogAppend != 0,
			count:     int(int32(binary.BigEndian.Uint32(batch[batchCountAt:]))),
		}
		if err := h.decode(tp, offset, records, res); err != nil {
			return fmt.Errorf("%w at offset %d: %w", ErrCorruptBatch, base, err)
		}
	}
	return nil
}

// hasLegacyBatch reports whether any whole batch in b is of magic 0 or 1.
func hasLegacyBatch(b []byte) bool {
	for len(b) > batchMagicAt {
		if b[batchMagicAt] < 2 {
			return true
		}
		size := batchLengthEnd + int(int32(binary.BigEndian.Uint32(b[8:])))
		if size <= batchMagicAt || size > len(b) {
			return false
		}
		b = b[size:]
	}
	return false
}

// decodeLegacy reads record sets that hold message-format 0 or 1 batches with kafka-go,
// after checking each message's size and checksum (kafka-go's decoder trusts them).
func decodeLegacy(tp connect.TopicPartition, offset int64, b []byte, res *FetchResult) (err error) {
	if err := checkLegacy(b); err != nil {
		return err
	}
	defer func() {
		// kafka-go's decoder panics on some malformed compressed contents that passed their
		// checksum; that is a bad batch, not a reason to stop the process
		if r := recover(); r != nil {
			err = fmt.Errorf("%w: %v", ErrCorruptBatch, r)
		}
	}()
	var size [4]byte
	binary.BigEndian.PutUint32(size[:], uint32(len(b)))
	var rs protocol.RecordSet
	if _, err := rs.ReadFrom(io.MultiReader(bytes.NewReader(size[:]), bytes.NewReader(b))); err != nil {
		return fmt.Errorf("decode records: %w", err)
	}
	if rs.Records == nil {
		return nil
	}
	return decodeRecords(tp, offset, rs.Records, res)
}

// checkLegacy checks the whole messages of a message-format 0 or 1 record set: offset
// int64, size int32, then crc uint32 (CRC-32 of the rest), magic, attributes, the
// timestamp (magic 1), key and value, as Kafka's protocol documentation lays them out
// ("Message sets"). A message cut short at the end is left alone, as the broker may cut it.
func checkLegacy(b []byte) error {
	for len(b) >= batchLengthEnd {
		size := int(int32(binary.BigEndian.Uint32(b[8:])))
		base := int64(binary.BigEndian.Uint64(b))
		if size >= 0 && batchLengthEnd+size > len(b) {
			return nil
		}
		if size < 14 {
			return fmt.Errorf("%w at offset %d: message of %d bytes", ErrCorruptBatch, base, size)
		}
		msg := b[batchLengthEnd : batchLengthEnd+size]
		if msg[4] > 2 || (msg[4] == 1 && size < 22) {
			return fmt.Errorf("%w at offset %d: message of %d bytes, magic %d", ErrCorruptBatch, base, size, msg[4])
		}
		if msg[4] < 2 && crc32.ChecksumIEEE(msg[4:]) != binary.BigEndian.Uint32(msg) {
			return fmt.Errorf("%w at offset %d: checksum mismatch", ErrCorruptBatch, base)
		}
		b = b[batchLengthEnd+size:]
	}
	return nil
}

// inflate decompresses a batch's records into a new buffer, which the records then share.
func inflate(c compress.Compression, src []byte) ([]byte, error) {
	codec := c.Codec()
	if codec == nil {
		return nil, fmt.Errorf("unknown compression codec %d", c)
	}
	r := codec.NewReader(bytes.NewReader(src))
	defer r.Close()
	out := bytes.NewBuffer(make([]byte, 0, 4*len(src)))
	if _, err := out.ReadFrom(r); err != nil {
		return nil, fmt.Errorf("%s: %w", codec.Name(), err)
	}
	return out.Bytes(), nil
}

// batchHeader is what decoding a batch's records needs of its header.
type batchHeader struct {
	base, baseTime, maxTime int64
	logAppend               bool
	count                   int
}

// decode appends the records of one batch (its records section, inflated) at or after
// offset to res.Messages.
func (h batchHeader) decode(tp connect.TopicPartition, offset int64, b []byte, res *FetchResult) error {
	if h.count < 0 || h.count > len(b) { // a record takes at least a byte
		return fmt.Errorf("record count %d in %d bytes", h.count, len(b))
	}
	res.Messages = slices.Grow(res.Messages, h.count)
	p := 0
	for range h.count {
		n, ok := varint(b, &p)
		if !ok || n < 0 || int64(len(b)-p) < n {
			return fmt.Errorf("record length %d at byte %d of %d", n, p, len(b))
		}
		rec := b[p : p+int(n) : p+int(n)]
		p += int(n)
		m, err := h.record(tp, rec)
		if err != nil {
			return err
		}
		if m.Offset < offset {
			continue
		}
		res.Messages = append(res.Messages, m)
	}
	return nil
}

// record reads one record (after its length): attributes, timestampDelta, offsetDelta, key,
// value, headers.
func (h batchHeader) record(tp connect.TopicPartition, r []byte) (Message, error) {
	p := 1 // attributes: unused
	tsDelta, ok1 := varint(r, &p)
	offDelta, ok2 := varint(r, &p)
	if !ok1 || !ok2 {
		return Message{}, errors.New("truncated record")
	}
	m := Message{Topic: tp.Topic, Partition: tp.Partition, Offset: h.base + offDelta, LogAppendTime: h.logAppend}
	ts := h.baseTime + tsDelta
	if h.logAppend {
		ts = h.maxTime // as Kafka's consumer reads a LogAppendTime batch
	}
	if ts >= 0 {
		m.Time = time.UnixMilli(ts)
	}
	var err error
	if m.Key, err = varBytes(r, &p); err != nil {
		return Message{}, fmt.Errorf("key at offset %d: %w", m.Offset, err)
	}
	if m.Value, err = varBytes(r, &p); err != nil {
		return Message{}, fmt.Errorf("value at offset %d: %w", m.Offset, err)
	}
	nh, ok := varint(r, &p)
	if !ok || nh < 0 || int64(len(r)-p) < nh*2 {
		return Message{}, fmt.Errorf("header count %d at offset %d", nh, m.Offset)
	}
	if nh > 0 {
		m.Headers = make([]Header, nh)
		for i := range m.Headers {
			k, err := varBytes(r, &p)
			if err != nil {
				return Message{}, fmt.Errorf("header key at offset %d: %w", m.Offset, err)
			}
			m.Headers[i].Key = string(k)
			if m.Headers[i].Value, err = varBytes(r, &p); err != nil {
				return Message{}, fmt.Errorf("header value at offset %d: %w", m.Offset, err)
			}
		}
	}
	if p != len(r) {
		return Message{}, fmt.Errorf("%d bytes left in the record at offset %d", len(r)-p, m.Offset)
	}
	return m, nil
}

// varint reads a zigzag varint (Kafka's varint and varlong) at *p.
func varint(b []byte, p *int) (int64, bool) {
	if *p < len(b) && b[*p] < 0x80 { // the common one-byte case
		u := uint64(b[*p])
		*p++
		return int64(u>>1) ^ -int64(u&1), true
	}
	v, n := binary.Varint(b[min(*p, len(b)):])
	if n <= 0 {
		return 0, false
	}
	*p += n
	return v, true
}

// varBytes reads a varint length and that many bytes at *p: nil for -1 (null), an empty
// slice for 0, otherwise a slice of b clipped to its length.
func varBytes(b []byte, p *int) ([]byte, error) {
	n, ok := varint(b, p)
	switch {
	case !ok:
		return nil, errors.New("truncated length")
	case n == -1:
		return nil, nil
	case n < -1 || int64(len(b)-*p) < n:
		return nil, fmt.Errorf("length %d with %d bytes left", n, len(b)-*p)
	}
	out := b[*p : *p+int(n) : *p+int(n)]
	*p += int(n)
	return out, nil
}
