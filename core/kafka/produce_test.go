package kafka

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"testing"
	"time"

	"github.com/segmentio/kafka-go/protocol"

	"github.com/connectless/connectless/core/connect"
)

// encodeOwn encodes msgs as Produce does and returns the batch without its size.
func encodeOwn(t testing.TB, msgs []Message, now time.Time) []byte {
	t.Helper()
	idx := make([]int, len(msgs))
	for i := range idx {
		idx[i] = i
	}
	var e batchEncoder
	raw, _ := e.encode(msgs, idx, now, 0)
	if int(binary.BigEndian.Uint32(raw)) != len(raw)-4 {
		t.Fatalf("size %d, want %d", binary.BigEndian.Uint32(raw), len(raw)-4)
	}
	return bytes.Clone(raw[4:])
}

// TestBatchEncoderMatchesKafkaGo: a batch the producer encodes reads back, through kafka-go's
// decoder and through decodeBatches, as the records it was given (null and empty keys and
// values, headers, a record without a time, times out of order).
func TestBatchEncoderMatchesKafkaGo(t *testing.T) {
	at := time.UnixMilli(1_700_000_000_000)
	now := at.Add(time.Minute)
	msgs := []Message{
		{Key: []byte("k"), Value: []byte("v"), Time: at},
		{Key: nil, Value: []byte{}, Time: at.Add(-time.Second)},
		{Key: []byte{}, Value: nil, Time: at.Add(time.Hour)},
		{Key: []byte("h"), Value: bytes.Repeat([]byte("x"), 300), Headers: []Header{{Key: "a", Value: []byte("1")}, {Key: "n", Value: nil}, {Key: "", Value: []byte{}}}},
	}
	for i := range 200 {
		msgs = append(msgs, Message{Value: fmt.Appendf(nil, "line %d", i), Time: at})
	}
	for i := range msgs {
		msgs[i].Offset = int64(i) // ignored by the encoder: what the records read back with
	}
	b := encodeOwn(t, msgs, now)
	tp := connect.TopicPartition{Topic: "t"}
	want := referenceDecode(t, tp, 0, b)
	got := decodeNew(t, tp, 0, b)
	sameResult(t, got, want)
	sameMessages(t, got.Messages, msgs)
	for i, m := range got.Messages {
		wt := msgs[i].Time
		if wt.IsZero() {
			wt = now
		}
		if !m.Time.Equal(wt) || m.Offset != int64(i) {
			t.Fatalf("record %d: offset %d time %v, want %d and %v", i, m.Offset, m.Time, i, wt)
		}
	}
}

// FuzzBatchEncoder checks the producer's encoding against kafka-go's decoder.
func FuzzBatchEncoder(f *testing.F) {
	f.Add([]byte("k"), []byte("v"), "h", uint8(3), int64(1_700_000_000_000), int64(5))
	f.Add([]byte{}, []byte(nil), "", uint8(0), int64(0), int64(-3))
	f.Fuzz(func(t *testing.T, key, value []byte, hkey string, n uint8, ts, step int64) {
		ts = ts % (1 << 42)
		if ts < 0 {
			ts = -ts
		}
		step %= 1 << 20
		var msgs []Message
		for i := range int(n%50) + 1 {
			m := Message{Offset: int64(i), Key: key, Value: value, Time: time.UnixMilli(max(ts+int64(i)*step, 1))}
			if i%4 == 3 {
				m.Key = nil
			}
			if i%3 == 2 {
				m.Headers = []Header{{Key: hkey, Value: value}}
			}
			msgs = append(msgs, m)
		}
		b := encodeOwn(t, msgs, time.UnixMilli(1))
		tp := connect.TopicPartition{Topic: "f"}
		got := referenceDecode(t, tp, 0, b)
		sameMessages(t, got.Messages, msgs)
		sameResult(t, decodeNew(t, tp, 0, b), got)
	})
}

func benchMessages() []Message {
	msgs := make([]Message, 1000)
	for i := range msgs {
		msgs[i] = Message{Topic: "logs", Partition: AnyPartition, Value: append(fmt.Appendf(nil, `{"i":%d,"msg":"`, i), append(bytes.Repeat([]byte("m"), 180), `"}`...)...), Time: time.UnixMilli(1_700_000_000_000)}
	}
	return msgs
}

// BenchmarkBatchEncoder encodes one produce batch of 1,000 log lines of 200 bytes.
func BenchmarkBatchEncoder(b *testing.B) {
	msgs := benchMessages()
	idx := make([]int, len(msgs))
	for i := range idx {
		idx[i] = i
	}
	var e batchEncoder
	b.ReportAllocs()
	for b.Loop() {
		e.encode(msgs, idx, time.Now(), 0)
	}
}

// BenchmarkBatchEncoderKafkaGo is kafka-go's encoding of the same batch, as its Writer did it.
func BenchmarkBatchEncoderKafkaGo(b *testing.B) {
	msgs := benchMessages()
	b.ReportAllocs()
	var buf bytes.Buffer
	for b.Loop() {
		prs := make([]protocol.Record, len(msgs))
		for i, m := range msgs {
			prs[i] = protocol.Record{Offset: int64(i), Time: m.Time, Value: protocol.NewBytes(m.Value)}
		}
		rs := protocol.RecordSet{Version: 2, Records: protocol.NewRecordReader(prs...)}
		buf.Reset()
		if _, err := rs.WriteTo(&buf); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkProduce produces the source slice's default poll of 2,000 log lines of 200 bytes
// to a topic of 4 partitions (round-robin) on an in-process kfake broker, acks=all.
func BenchmarkProduce(b *testing.B) {
	c := newTestClient(b, 4, "logs")
	w := c.NewWriter(WriterOptions{})
	msgs := append(benchMessages(), benchMessages()...)
	b.ReportAllocs()
	for b.Loop() {
		for _, r := range w.Produce(b.Context(), msgs) {
			if r.Err != nil {
				b.Fatal(r.Err)
			}
		}
	}
}
