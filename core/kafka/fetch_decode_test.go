package kafka

import (
	"bytes"
	"fmt"
	"io"
	"testing"
	"time"

	"github.com/segmentio/kafka-go/protocol"

	"github.com/connectless/connectless/core/connect"
)

// encodeBatch writes records as one v2 record batch, as a broker returns it.
func encodeBatch(t testing.TB, recs []Message) []byte {
	t.Helper()
	prs := make([]protocol.Record, len(recs))
	for i, m := range recs {
		prs[i] = protocol.Record{Offset: int64(i), Time: m.Time, Key: protocol.NewBytes(m.Key), Value: protocol.NewBytes(m.Value)}
		for _, h := range m.Headers {
			prs[i].Headers = append(prs[i].Headers, protocol.Header{Key: h.Key, Value: h.Value})
		}
	}
	rs := protocol.RecordSet{Version: 2, Records: protocol.NewRecordReader(prs...)}
	var buf bytes.Buffer
	if _, err := rs.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// decodeBatch reads a batch back as kafka-go does and decodes it with decodeRecords.
func decodeBatch(t testing.TB, tp connect.TopicPartition, from int64, b []byte) FetchResult {
	t.Helper()
	var rs protocol.RecordSet
	if _, err := rs.ReadFrom(bytes.NewReader(b)); err != nil {
		t.Fatal(err)
	}
	res := FetchResult{Next: from}
	if err := decodeRecords(tp, from, rs.Records, &res); err != nil {
		t.Fatal(err)
	}
	return res
}

// slowRecords is the reference: every key, value and header value read on its own.
func slowRecords(t testing.TB, from int64, b []byte) []Message {
	t.Helper()
	var rs protocol.RecordSet
	if _, err := rs.ReadFrom(bytes.NewReader(b)); err != nil {
		t.Fatal(err)
	}
	var out []Message
	for {
		r, err := rs.Records.ReadRecord()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		m := Message{Offset: r.Offset}
		if r.Key != nil {
			m.Key, _ = protocol.ReadAll(r.Key)
			if m.Key == nil {
				m.Key = []byte{}
			}
		}
		if r.Value != nil {
			m.Value, _ = protocol.ReadAll(r.Value)
			if m.Value == nil {
				m.Value = []byte{}
			}
		}
		for _, h := range r.Headers {
			m.Headers = append(m.Headers, Header{Key: h.Key, Value: h.Value})
		}
		if r.Offset >= from {
			out = append(out, m)
		}
	}
}

func sameMessages(t testing.TB, got, want []Message) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%d messages, want %d", len(got), len(want))
	}
	for i := range want {
		g, w := got[i], want[i]
		if g.Offset != w.Offset || !bytes.Equal(g.Key, w.Key) || (g.Key == nil) != (w.Key == nil) ||
			!bytes.Equal(g.Value, w.Value) || (g.Value == nil) != (w.Value == nil) || len(g.Headers) != len(w.Headers) {
			t.Fatalf("message %d: got %+v, want %+v", i, g, w)
		}
		for j := range w.Headers {
			if g.Headers[j].Key != w.Headers[j].Key || !bytes.Equal(g.Headers[j].Value, w.Headers[j].Value) {
				t.Fatalf("message %d header %d: got %+v, want %+v", i, j, g.Headers[j], w.Headers[j])
			}
		}
	}
}

func TestDecodeRecordsArena(t *testing.T) {
	at := time.UnixMilli(1_700_000_000_000)
	big := bytes.Repeat([]byte("x"), arenaChunk) // larger than a block: allocated alone
	recs := []Message{
		{Key: []byte("k0"), Value: []byte(`{"a":1}`), Time: at},
		{Key: nil, Value: []byte("no key"), Time: at},
		{Key: []byte{}, Value: []byte{}, Time: at}, // empty, not null
		{Key: []byte("tombstone"), Value: nil, Time: at},
		{Key: []byte("big"), Value: big, Time: at},
		{Key: []byte("h"), Value: []byte("v"), Headers: []Header{{Key: "a", Value: []byte("1")}, {Key: "null", Value: nil}}, Time: at},
	}
	for i := range 3000 { // more than one block of small values
		recs = append(recs, Message{Key: fmt.Appendf(nil, "key-%d", i), Value: fmt.Appendf(nil, "value-%d", i), Time: at})
	}
	tp := connect.TopicPartition{Topic: "t", Partition: 3}
	b := encodeBatch(t, recs)
	for _, from := range []int64{0, 3, 100} {
		res := decodeBatch(t, tp, from, b)
		sameMessages(t, res.Messages, slowRecords(t, from, b))
		if res.Next != int64(len(recs)) {
			t.Errorf("from %d: Next = %d", from, res.Next)
		}
		for _, m := range res.Messages {
			if m.Topic != "t" || m.Partition != 3 || !m.Time.Equal(at) {
				t.Fatalf("from %d: %+v", from, m)
			}
			// carved slices are clipped: appending never writes into a neighbour
			if cap(m.Key) != len(m.Key) || cap(m.Value) != len(m.Value) {
				t.Fatalf("offset %d: key %d/%d value %d/%d (len/cap)", m.Offset, len(m.Key), cap(m.Key), len(m.Value), cap(m.Value))
			}
		}
	}
	res := decodeBatch(t, tp, 0, b)
	_ = append(res.Messages[6].Value, "overwrite"...)
	if string(res.Messages[7].Key) != "key-1" {
		t.Fatalf("append to a value changed the next key: %q", res.Messages[7].Key)
	}
}

// FuzzDecodeRecords checks the arena decoding against reading each field on its own.
func FuzzDecodeRecords(f *testing.F) {
	f.Add([]byte("key"), []byte("value"), uint8(3), uint16(10))
	f.Add([]byte{}, []byte{}, uint8(1), uint16(0))
	f.Add([]byte(nil), bytes.Repeat([]byte("v"), 20000), uint8(9), uint16(5))
	f.Fuzz(func(t *testing.T, key, value []byte, n uint8, grow uint16) {
		var recs []Message
		for i := range int(n%40) + 1 {
			k, v := key, append(bytes.Clone(value), bytes.Repeat([]byte{byte(i)}, int(grow)*i%5000)...)
			if i%5 == 4 {
				k = nil
			}
			if i%7 == 6 {
				v = nil
			}
			recs = append(recs, Message{Key: k, Value: v})
		}
		b := encodeBatch(t, recs)
		res := decodeBatch(t, connect.TopicPartition{Topic: "f"}, 0, b)
		sameMessages(t, res.Messages, slowRecords(t, 0, b))
	})
}

// BenchmarkDecodeRecords decodes one batch of 5,000 log lines of 200 bytes (about a 1 MiB
// fetch) from kafka-go's parsed record set; kafka-go's parsing is not timed.
func BenchmarkDecodeRecords(b *testing.B) {
	var recs []Message
	for i := range 5000 {
		recs = append(recs, Message{Value: append(fmt.Appendf(nil, `{"i":%d,"msg":"`, i), append(bytes.Repeat([]byte("m"), 180), `"}`...)...)})
	}
	batch := encodeBatch(b, recs)
	tp := connect.TopicPartition{Topic: "bench"}
	b.SetBytes(int64(len(batch)))
	b.ReportAllocs()
	for b.Loop() {
		b.StopTimer()
		var rs protocol.RecordSet
		if _, err := rs.ReadFrom(bytes.NewReader(batch)); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		res := FetchResult{}
		if err := decodeRecords(tp, 0, rs.Records, &res); err != nil || len(res.Messages) != 5000 {
			b.Fatal(err, len(res.Messages))
		}
	}
}
