package taskslice

import (
	"context"
	"strings"
	"testing"

	"github.com/connectless/connectless/core/connect"
	"github.com/connectless/connectless/core/kafka"
)

// discardSink accepts every record.
type discardSink struct{}

func (discardSink) Start(context.Context, map[string]string, connect.SinkTaskContext) error {
	return nil
}
func (discardSink) Put(context.Context, []connect.SinkRecord) error               { return nil }
func (discardSink) Flush(context.Context, map[connect.TopicPartition]int64) error { return nil }
func (discardSink) Stop() error                                                   { return nil }

// BenchmarkSinkSlice reads 200-byte records from a kfake broker through a whole sink slice
// (fetch, convert, Put, Flush); records/s is per slice, end to end.
func BenchmarkSinkSlice(b *testing.B) {
	const n = 5000
	c := newKafka(b, 2, "bench")
	value := []byte(strings.Repeat("x", 200))
	msgs := make([]kafka.Message, n)
	for i := range msgs {
		msgs[i] = kafka.Message{Topic: "bench", Partition: int32(i % 2), Value: value}
	}
	w := c.NewWriter(kafka.WriterOptions{})
	defer w.Close()
	for i, r := range w.Produce(context.Background(), msgs) {
		if r.Err != nil {
			b.Fatalf("produce %d: %v", i, r.Err)
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		res, err := RunSinkSlice(context.Background(), nil, SinkSlice{Task: discardSink{}, Client: c,
			Assignment: assignment("bench", 2), Converters: byteConverters()})
		if err != nil || res.Records != n {
			b.Fatalf("slice read %d records: %v", res.Records, err)
		}
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "records/s")
}

// BenchmarkSourceSlice produces 200-byte records through a whole source slice (poll,
// convert, produce with acks=all, offsets).
func BenchmarkSourceSlice(b *testing.B) {
	const n = 2000
	c := newKafka(b, 1, "bench")
	batch := make([]connect.SourceRecord, 500)
	for i := range batch {
		batch[i] = srec("f", int64(i), "bench", strings.Repeat("x", 200))
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		task := &scriptSource{batches: [][]connect.SourceRecord{batch, batch, batch, batch}}
		res, err := RunSourceSlice(context.Background(), nil, SourceSlice{Task: task, Client: c, IdlePolls: 1, Converters: byteConverters()})
		if err != nil || res.Produced != n {
			b.Fatalf("slice produced %d records: %v", res.Produced, err)
		}
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "records/s")
}
