package taskslice

import (
	"context"
	"fmt"
	"log/slog"
	"testing"
	"time"

	"github.com/connectless/connectless/core/connect"
	"github.com/connectless/connectless/core/convert"
	"github.com/connectless/connectless/core/kafka"
)

// countSink counts the records it is handed.
type countSink struct{ n int }

func (*countSink) Start(context.Context, map[string]string, connect.SinkTaskContext) error {
	return nil
}
func (s *countSink) Put(_ context.Context, recs []connect.SinkRecord) error {
	s.n += len(recs)
	return nil
}
func (*countSink) Flush(context.Context, map[connect.TopicPartition]int64) error { return nil }
func (*countSink) Stop() error                                                   { return nil }

// BenchmarkDeliver converts and puts one fetch of 5,000 records of 200 bytes with the
// ByteArrayConverter's shape and no transformation: the runtime's per-record cost.
func BenchmarkDeliver(b *testing.B) { benchDeliver(b, byteConverters(), false) }

// BenchmarkDeliverByteArray is BenchmarkDeliver with the converters of the byte path:
// StringConverter keys (null here) and ByteArrayConverter values.
func BenchmarkDeliverByteArray(b *testing.B) {
	benchDeliver(b, Converters{Key: convert.NewStringConverter(), Value: convert.NewByteArrayConverter()}, false)
}

// BenchmarkDeliverByteArrayReleased is BenchmarkDeliverByteArray for a task that keeps
// nothing of its batches (connect.BatchReleaser), as the S3 sink.
func BenchmarkDeliverByteArrayReleased(b *testing.B) {
	benchDeliver(b, Converters{Key: convert.NewStringConverter(), Value: convert.NewByteArrayConverter()}, true)
}

func benchDeliver(b *testing.B, cv Converters, reuse bool) {
	tp := connect.TopicPartition{Topic: "bench"}
	fr := kafka.FetchResult{}
	for i := range 5000 {
		fr.Messages = append(fr.Messages, kafka.Message{Topic: tp.Topic, Offset: int64(i), Value: fmt.Appendf(nil, "%0200d", i), Time: time.UnixMilli(1_700_000_000_000)})
	}
	fr.Next = 5000
	sink := &countSink{}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		r := &sinkRun{s: SinkSlice{Task: sink, Converters: cv, BatchSize: 500}, logger: slog.New(slog.DiscardHandler), reuse: reuse,
			ends: map[connect.TopicPartition]int64{tp: 5000}, pos: map[connect.TopicPartition]int64{tp: 0},
			current: map[connect.TopicPartition]int64{tp: 0}, resets: map[connect.TopicPartition]int64{}, moved: map[connect.TopicPartition]bool{}}
		r.h = newHandler(ErrorConfig{}, r.logger, "bench", 0, time.Time{})
		if ok, err := r.deliver(ctx, tp, fr); !ok || err != nil {
			b.Fatal(ok, err)
		}
	}
	if sink.n == 0 {
		b.Fatal("nothing delivered")
	}
}
