package format

import (
	"bytes"
	"fmt"
	"io"
	"testing"

	"github.com/connectless/connectless/core/connect/javacompat"
)

// BenchmarkAppendJSONString escapes the strings of a typical log line.
func BenchmarkAppendJSONString(b *testing.B) {
	strs := []string{"2024-05-01T12:34:56.789Z", "INFO", "checkout", "checkout-7", "4bf92f3577b34da6",
		"request served a b c d e f g h i j k l m n o p q r s t u v w x y z a b c d e f g h i j k l m n o p"}
	buf := make([]byte, 0, 512)
	b.ReportAllocs()
	for b.Loop() {
		buf = buf[:0]
		for _, s := range strs {
			buf = javacompat.AppendString(buf, s)
		}
	}
}

// BenchmarkCompress compresses 4 MiB of JSON log lines as s3.compression.type does at the
// default level: with a compressor built for the object (fresh, as every object did before
// the task kept its compressors) and with the task's reused one.
func BenchmarkCompress(b *testing.B) {
	var src []byte
	for i := 0; len(src) < 4<<20; i++ {
		src = fmt.Appendf(src, `{"ts":"2024-05-01T12:%02d:%02d.000Z","level":"INFO","service":"checkout","host":"checkout-%d","trace_id":"%016x","latency_ms":%d,"msg":"request served"}`+"\n",
			i/60%60, i%60, i%16, uint64(i)*0x9E3779B97F4A7C15, i%2000)
	}
	for _, kind := range []string{"gzip", "zstd"} {
		for _, reuse := range []bool{false, true} {
			b.Run(fmt.Sprintf("%s/reused=%v", kind, reuse), func(b *testing.B) {
				c := newCompressors(kind, -1)
				b.SetBytes(int64(len(src)))
				b.ReportAllocs()
				for b.Loop() {
					if !reuse {
						c = newCompressors(kind, -1)
					}
					if err := c.copyCompressed(io.Discard, bytes.NewReader(src)); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// BenchmarkJSONFormatEncode encodes one schemaless log line as JsonFormat writes it.
func BenchmarkJSONFormatEncode(b *testing.B) {
	v := map[string]any{"ts": "2024-05-01T12:34:56.789Z", "level": "INFO", "service": "checkout", "host": "checkout-7",
		"trace_id": "4bf92f3577b34da6", "latency_ms": int64(12), "msg": "request served a b c d e f g h i j k l m n o p q r s t u v w x y z"}
	f := jsonFormat{}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := f.Encode(nil, v); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkJSONFormatEncodeRaw writes the same log line from its bytes as read from Kafka,
// already in the form JsonFormat writes (the value is checked against them, not encoded).
func BenchmarkJSONFormatEncodeRaw(b *testing.B) {
	v := map[string]any{"ts": "2024-05-01T12:34:56.789Z", "level": "INFO", "service": "checkout", "host": "checkout-7",
		"trace_id": "4bf92f3577b34da6", "latency_ms": int64(12), "msg": "request served a b c d e f g h i j k l m n o p q r s t u v w x y z"}
	f := jsonFormat{}
	line, err := f.Encode(nil, v)
	if err != nil {
		b.Fatal(err)
	}
	raw := line[:len(line)-1]
	if !f.w.rawMatches(raw, v) {
		b.Fatal("raw bytes not matched")
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := f.EncodeRaw(nil, raw, nil, v); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkJSONFormatEncodeRawReordered writes a log line as read in document key order: its
// members are checked and copied in JsonFormat's key order, into a reused line buffer.
func BenchmarkJSONFormatEncodeRawReordered(b *testing.B) {
	raw := []byte(`{"ts":"2024-05-01T12:34:56.789Z","level":"INFO","service":"checkout","host":"checkout-7","trace_id":"4bf92f3577b34da6","latency_ms":12,"msg":"request served a b c d e f g h i j k l m n o p q r s t u v w x y z"}`)
	v, ok := schemalessJSON(raw)
	if !ok {
		b.Fatal("not JSON")
	}
	f := jsonFormat{}
	var line []byte // reused as the task reuses it
	b.ReportAllocs()
	for b.Loop() {
		out, verbatim, err := f.EncodeRaw(line[:0], raw, nil, v)
		if err != nil || verbatim {
			b.Fatal("not reordered", err)
		}
		line = out
	}
}
