package kafka

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"testing"
	"time"

	"github.com/segmentio/kafka-go/protocol"

	"github.com/connectless/connectless/core/connect"
)

// testBatch is one record batch as kafka-go's encoder writes it.
type testBatch struct {
	base      int64 // patched into a v2 batch (kafka-go writes 0)
	version   int8
	attrs     protocol.Attributes // compression, control
	logAppend bool
	recs      []Message
}

// encodeBatches writes the batches one after the other, as a fetch response carries them
// (without the record set's size).
func encodeBatches(t testing.TB, batches ...testBatch) []byte {
	t.Helper()
	var out []byte
	for _, tb := range batches {
		prs := make([]protocol.Record, len(tb.recs))
		for i, m := range tb.recs {
			prs[i] = protocol.Record{Offset: tb.base + int64(i), Time: m.Time, Key: protocol.NewBytes(m.Key), Value: protocol.NewBytes(m.Value)}
			for _, h := range m.Headers {
				prs[i].Headers = append(prs[i].Headers, protocol.Header{Key: h.Key, Value: h.Value})
			}
		}
		attrs := tb.attrs
		if tb.logAppend {
			attrs |= timestampTypeLogAppend
		}
		rs := protocol.RecordSet{Version: tb.version, Attributes: attrs, Records: protocol.NewRecordReader(prs...)}
		var buf bytes.Buffer
		if _, err := rs.WriteTo(&buf); err != nil {
			t.Fatal(err)
		}
		b := buf.Bytes()[4:]
		if tb.version == 2 {
			binary.BigEndian.PutUint64(b, uint64(tb.base)) // outside the checksum
		}
		out = append(out, b...)
	}
	return out
}

// referenceDecode reads b as kafka-go reads a fetch response's records, then walks them
// with decodeRecords: the path Fetch took before decodeBatches.
func referenceDecode(t testing.TB, tp connect.TopicPartition, from int64, b []byte) FetchResult {
	t.Helper()
	var size [4]byte
	binary.BigEndian.PutUint32(size[:], uint32(len(b)))
	var rs protocol.RecordSet
	if _, err := rs.ReadFrom(bytes.NewReader(append(size[:], b...))); err != nil {
		t.Fatal(err)
	}
	res := FetchResult{Next: from}
	if rs.Records == nil {
		return res
	}
	if err := decodeRecords(tp, from, rs.Records, &res); err != nil {
		t.Fatal(err)
	}
	return res
}

// sameResult compares two decodings field by field, times included.
func sameResult(t testing.TB, got, want FetchResult) {
	t.Helper()
	sameMessages(t, got.Messages, want.Messages)
	if got.Next != want.Next {
		t.Fatalf("Next = %d, want %d", got.Next, want.Next)
	}
	for i, w := range want.Messages {
		g := got.Messages[i]
		if g.Topic != w.Topic || g.Partition != w.Partition || !g.Time.Equal(w.Time) || g.Time.IsZero() != w.Time.IsZero() || g.LogAppendTime != w.LogAppendTime {
			t.Fatalf("message %d: got %s/%d %v %v, want %s/%d %v %v", i, g.Topic, g.Partition, g.Time, g.LogAppendTime, w.Topic, w.Partition, w.Time, w.LogAppendTime)
		}
		if cap(g.Key) != len(g.Key) || cap(g.Value) != len(g.Value) {
			t.Fatalf("message %d: key %d/%d value %d/%d (len/cap): not clipped", i, len(g.Key), cap(g.Key), len(g.Value), cap(g.Value))
		}
	}
}

func decodeNew(t testing.TB, tp connect.TopicPartition, from int64, b []byte) FetchResult {
	t.Helper()
	res := FetchResult{Next: from}
	if err := decodeBatches(tp, from, b, &res); err != nil {
		t.Fatal(err)
	}
	return res
}

func logLines(n int, at time.Time) []Message {
	recs := make([]Message, n)
	for i := range recs {
		recs[i] = Message{Key: fmt.Appendf(nil, "key-%d", i), Value: fmt.Appendf(nil, `{"i":%d,"msg":"%s"}`, i, bytes.Repeat([]byte("m"), i%300)), Time: at.Add(time.Duration(i) * time.Millisecond)}
	}
	return recs
}

// TestDecodeBatchesMatchesKafkaGo: the one-pass decoder reads what kafka-go's decoder reads,
// for every compression codec, several batches, control batches, the old message formats,
// records before the fetch offset and a batch cut short by the size limit.
func TestDecodeBatchesMatchesKafkaGo(t *testing.T) {
	at := time.UnixMilli(1_700_000_000_000)
	edge := []Message{
		{Key: []byte("k0"), Value: []byte(`{"a":1}`), Time: at},
		{Key: nil, Value: []byte("no key"), Time: at},
		{Key: []byte{}, Value: []byte{}, Time: at}, // empty, not null
		{Key: []byte("tombstone"), Value: nil, Time: at.Add(-time.Second)},
		{Key: []byte("h"), Value: []byte("v"), Headers: []Header{{Key: "a", Value: []byte("1")}, {Key: "null", Value: nil}, {Key: "empty", Value: []byte{}}}, Time: at.Add(time.Hour)},
		{Key: []byte("big"), Value: bytes.Repeat([]byte("x"), 70_000), Time: at},
		{Key: []byte("epoch"), Value: []byte("t=0"), Time: time.UnixMilli(0)},
	}
	control := testBatch{base: 7, version: 2, attrs: protocol.Control | protocol.Transactional, recs: []Message{{Key: []byte{0, 0, 0, 1}, Value: []byte{0, 0, 0, 0, 0, 0}, Time: at}}}
	tests := []struct {
		name    string
		batches []testBatch
	}{
		{"uncompressed", []testBatch{{version: 2, recs: edge}}},
		{"gzip", []testBatch{{version: 2, attrs: protocol.Gzip, recs: edge}}},
		{"snappy", []testBatch{{version: 2, attrs: protocol.Snappy, recs: edge}}},
		{"lz4", []testBatch{{version: 2, attrs: protocol.Lz4, recs: edge}}},
		{"zstd", []testBatch{{version: 2, attrs: protocol.Zstd, recs: edge}}},
		{"many records", []testBatch{{version: 2, recs: logLines(3000, at)}}},
		{"several batches and a control batch", []testBatch{
			{base: 0, version: 2, recs: edge},
			control,
			{base: 8, version: 2, attrs: protocol.Zstd | protocol.Transactional, recs: logLines(50, at)},
			{base: 58, version: 2, attrs: protocol.Gzip, recs: logLines(20, at)},
		}},
		{"a control batch alone", []testBatch{control}},
		{"message format v1", []testBatch{{version: 1, recs: edge[:5]}}},
	}
	tp := connect.TopicPartition{Topic: "logs", Partition: 3}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := encodeBatches(t, tt.batches...)
			last := tt.batches[len(tt.batches)-1]
			end := last.base + int64(len(last.recs))
			for _, from := range []int64{0, 3, 8, 30, end, end + 5} {
				got, want := decodeNew(t, tp, from, b), referenceDecode(t, tp, from, b)
				sameResult(t, got, want)
			}
			// a batch cut short by the response's size limit is left for the next fetch
			cut := b[:len(b)-3]
			got, want := decodeNew(t, tp, 0, cut), referenceDecode(t, tp, 0, cut)
			sameResult(t, got, want)
		})
	}
}

// TestDecodeBatchesLogAppendTime: records of a batch whose timestamp type is LogAppendTime
// take the batch's maximum timestamp, as Kafka's consumer reads them (DefaultRecordBatch:
// "if the timestamp type is LOG_APPEND_TIME, the max timestamp is used for all records").
func TestDecodeBatchesLogAppendTime(t *testing.T) {
	at := time.UnixMilli(1_700_000_000_000)
	recs := []Message{{Value: []byte("a"), Time: at}, {Value: []byte("b"), Time: at.Add(5 * time.Millisecond)}, {Value: []byte("c"), Time: at.Add(2 * time.Millisecond)}}
	b := encodeBatches(t, testBatch{version: 2, logAppend: true, recs: recs})
	res := decodeNew(t, connect.TopicPartition{Topic: "t"}, 0, b)
	if len(res.Messages) != 3 {
		t.Fatalf("%d messages", len(res.Messages))
	}
	for _, m := range res.Messages {
		if !m.LogAppendTime || !m.Time.Equal(at.Add(5*time.Millisecond)) {
			t.Errorf("offset %d: time %v logAppend %v, want the batch's max timestamp", m.Offset, m.Time, m.LogAppendTime)
		}
	}
}

// goldenBatch is one record batch (magic 2) assembled field by field from the layout in
// Kafka's protocol documentation (https://kafka.apache.org/documentation/#recordbatch and
// #record): base offset 100, one record at offset delta 2 and timestamp delta 5 after
// 1,700,000,000,000 ms, key "k", value "hello", one header "h" = "v" (16 bytes). The checksum is the
// CRC-32C (Castagnoli) of the bytes from the attributes on, as the documentation specifies.
func goldenBatch() []byte {
	rec := []byte{
		0x00,      // attributes
		0x0a,      // timestampDelta 5 (zigzag varint)
		0x04,      // offsetDelta 2
		0x02, 'k', // key length 1
		0x0a, 'h', 'e', 'l', 'l', 'o', // value length 5
		0x02,      // 1 header
		0x02, 'h', // header key length 1
		0x02, 'v', // header value length 1
	}
	b := binary.BigEndian.AppendUint64(nil, 100)            // baseOffset
	b = binary.BigEndian.AppendUint32(b, 0)                 // batchLength, set below
	b = binary.BigEndian.AppendUint32(b, 0)                 // partitionLeaderEpoch
	b = append(b, 2)                                        // magic
	b = binary.BigEndian.AppendUint32(b, 0)                 // crc, set below
	b = binary.BigEndian.AppendUint16(b, 0)                 // attributes: no compression, CreateTime
	b = binary.BigEndian.AppendUint32(b, 2)                 // lastOffsetDelta
	b = binary.BigEndian.AppendUint64(b, 1_700_000_000_000) // baseTimestamp
	b = binary.BigEndian.AppendUint64(b, 1_700_000_000_005) // maxTimestamp
	b = binary.BigEndian.AppendUint64(b, ^uint64(0))        // producerId -1
	b = binary.BigEndian.AppendUint16(b, 0xffff)            // producerEpoch -1
	b = binary.BigEndian.AppendUint32(b, ^uint32(0))        // baseSequence -1
	b = binary.BigEndian.AppendUint32(b, 1)                 // records count
	b = append(b, byte(len(rec)<<1))                        // record length (zigzag varint)
	b = append(b, rec...)
	binary.BigEndian.PutUint32(b[8:], uint32(len(b)-12))
	binary.BigEndian.PutUint32(b[17:], crc32.Checksum(b[21:], crc32.MakeTable(crc32.Castagnoli)))
	return b
}

func TestDecodeBatchesGolden(t *testing.T) {
	// CRC-32C's check value, from RFC 3720 (iSCSI) B.4, the checksum Kafka's record batches use
	if got := crc32.Checksum([]byte("123456789"), castagnoli); got != 0xe3069283 {
		t.Fatalf("CRC-32C check value %#x, want 0xe3069283", got)
	}
	b := goldenBatch()
	if len(b) != 61+1+16 {
		t.Fatalf("batch of %d bytes, want the 61-byte header, a length byte and 16 bytes of record", len(b))
	}
	res := decodeNew(t, connect.TopicPartition{Topic: "t", Partition: 1}, 0, b)
	if len(res.Messages) != 1 || res.Next != 103 {
		t.Fatalf("%d messages, next %d; want 1 and 103", len(res.Messages), res.Next)
	}
	m := res.Messages[0]
	if m.Offset != 102 || string(m.Key) != "k" || string(m.Value) != "hello" || !m.Time.Equal(time.UnixMilli(1_700_000_000_005)) ||
		len(m.Headers) != 1 || m.Headers[0].Key != "h" || string(m.Headers[0].Value) != "v" {
		t.Fatalf("decoded %+v", m)
	}
	sameResult(t, res, referenceDecode(t, connect.TopicPartition{Topic: "t", Partition: 1}, 0, b))

	// every byte the checksum covers is checked
	for i := batchAttrsAt; i < len(b); i++ {
		bad := bytes.Clone(b)
		bad[i] ^= 0x40
		res := FetchResult{}
		if err := decodeBatches(connect.TopicPartition{Topic: "t"}, 0, bad, &res); !errors.Is(err, ErrCorruptBatch) {
			t.Fatalf("byte %d flipped: %v, want ErrCorruptBatch", i, err)
		}
	}
}

// FuzzDecodeBatches checks the one-pass decoder against kafka-go's on batches the fuzzer
// shapes: record count, sizes, null keys and values, headers, codec, control batches and
// where the fetch starts.
func FuzzDecodeBatches(f *testing.F) {
	f.Add([]byte("key"), []byte("value"), uint8(3), uint16(10), uint8(0), uint8(0))
	f.Add([]byte{}, []byte{}, uint8(1), uint16(0), uint8(1), uint8(2))
	f.Add([]byte(nil), bytes.Repeat([]byte("v"), 20000), uint8(9), uint16(5), uint8(4), uint8(7))
	f.Add([]byte("k"), []byte("v"), uint8(40), uint16(300), uint8(0x1b), uint8(20))
	f.Fuzz(func(t *testing.T, key, value []byte, n uint8, grow uint16, shape, from uint8) {
		at := time.UnixMilli(1_600_000_000_000 + int64(grow))
		var recs []Message
		for i := range int(n%40) + 1 {
			m := Message{Key: key, Value: append(bytes.Clone(value), bytes.Repeat([]byte{byte(i)}, int(grow)*i%5000)...), Time: at.Add(time.Duration(i*int(shape)) * time.Millisecond)}
			if i%5 == 4 {
				m.Key = nil
			}
			if i%7 == 6 {
				m.Value = nil
			}
			if shape&0x40 != 0 && i%3 == 0 {
				m.Headers = []Header{{Key: string(key), Value: value}, {Key: "n", Value: nil}}
			}
			recs = append(recs, m)
		}
		first := testBatch{version: 2, attrs: protocol.Attributes(shape % 5), recs: recs}
		batches := []testBatch{first}
		if shape&0x08 != 0 {
			batches = append(batches, testBatch{base: int64(len(recs)), version: 2, attrs: protocol.Control, recs: recs[:1]})
		}
		if shape&0x10 != 0 {
			batches = append(batches, testBatch{base: int64(len(recs)) + 1, version: 2, attrs: protocol.Attributes((shape + 1) % 5), recs: recs})
		}
		if shape&0x80 != 0 {
			batches = []testBatch{{version: 1, recs: recs}} // kafka-go's compressed v1 encoding fails its own checksum
		}
		b := encodeBatches(t, batches...)
		tp := connect.TopicPartition{Topic: "f", Partition: 2}
		sameResult(t, decodeNew(t, tp, int64(from%100), b), referenceDecode(t, tp, int64(from%100), b))
	})
}

// FuzzDecodeBatchesBytes feeds arbitrary bytes to the decoder: it never panics, and what it
// accepts is in offset order at or after the fetch offset.
func FuzzDecodeBatchesBytes(f *testing.F) {
	f.Add(goldenBatch(), int64(0))
	f.Add(goldenBatch()[:70], int64(0))
	f.Add(append(goldenBatch(), goldenBatch()...), int64(101))
	f.Fuzz(func(t *testing.T, b []byte, from int64) {
		res := FetchResult{Next: from}
		if err := decodeBatches(connect.TopicPartition{Topic: "f"}, from, b, &res); err != nil {
			return
		}
		for _, m := range res.Messages {
			if m.Offset < from || m.Offset >= res.Next {
				t.Fatalf("offset %d outside [%d, %d)", m.Offset, from, res.Next)
			}
		}
	})
}

// benchRecords is one batch of 5,000 log lines of 200 bytes: about a 1 MiB fetch.
func benchRecords(b *testing.B, attrs protocol.Attributes) []byte {
	var recs []Message
	at := time.UnixMilli(1_700_000_000_000)
	for i := range 5000 {
		recs = append(recs, Message{Value: append(fmt.Appendf(nil, `{"i":%d,"msg":"`, i), append(bytes.Repeat([]byte("m"), 180), `"}`...)...), Time: at})
	}
	return encodeBatches(b, testBatch{version: 2, attrs: attrs, recs: recs})
}

// BenchmarkDecodeFetchKafkaGo is the path Fetch took before: kafka-go's decoder reads the
// record set (what protocol.ReadResponse does for a fetch response's records), then
// decodeRecords copies keys and values out.
func BenchmarkDecodeFetchKafkaGo(b *testing.B) { benchDecode(b, referenceDecode) }

// BenchmarkDecodeBatches is decodeBatches over the same bytes.
func BenchmarkDecodeBatches(b *testing.B) { benchDecode(b, decodeNew) }

// benchDecode decodes one batch of 5,000 log lines per codec with decode.
func benchDecode(b *testing.B, decode func(testing.TB, connect.TopicPartition, int64, []byte) FetchResult) {
	for _, c := range []struct {
		name  string
		attrs protocol.Attributes
	}{{"none", 0}, {"gzip", protocol.Gzip}, {"zstd", protocol.Zstd}} {
		b.Run(c.name, func(b *testing.B) {
			batch := benchRecords(b, c.attrs)
			tp := connect.TopicPartition{Topic: "bench"}
			b.SetBytes(int64(len(batch)))
			b.ReportAllocs()
			for b.Loop() {
				if res := decode(b, tp, 0, batch); len(res.Messages) != 5000 {
					b.Fatal(len(res.Messages))
				}
			}
		})
	}
}
