package s3sink

import (
	"context"
	"fmt"
	"runtime"
	"testing"

	"github.com/connectless/connectless/core/connect"
	"github.com/connectless/connectless/core/convert"
)

// BenchmarkIntegrationPutJSON measures archiving schemaless log records as gzip JSON into
// versitygw through Put and PreCommit (flush.size 10000).
func BenchmarkIntegrationPutJSON(b *testing.B) {
	logs := logRecords(appLogs, 0, 1000)
	benchPut(b, map[string]string{"flush.size": "10000", "s3.compression.type": "gzip"}, func(recs []connect.SinkRecord, off int64) {
		for i := range recs {
			recs[i] = logs[i]
			recs[i].Offset = new(int64)
			*recs[i].Offset = off + int64(i)
		}
	})
}

// BenchmarkIntegrationPutBytes measures the byte path's write loop: records of 200 bytes,
// their keys (null) and values read by StringConverter and ByteArrayConverter as the runtime
// reads them, ByteArrayFormat into versitygw (flush.size 50000).
func BenchmarkIntegrationPutBytes(b *testing.B) {
	keys, values := convert.NewStringConverter(), convert.NewByteArrayConverter()
	benchPut(b, map[string]string{"flush.size": "50000", "format.class": ByteArrayFormatClass}, func(recs []connect.SinkRecord, off int64) {
		for i := range recs {
			r := connect.NewSinkRecord(appLogs.Topic, appLogs.Partition, off+int64(i))
			v := fmt.Appendf(nil, "%0200d", off+int64(i))
			var err error
			if r.KeySchema, r.Key, err = keys.ToConnect(appLogs.Topic, nil); err != nil {
				b.Fatal(err)
			}
			if r.ValueSchema, r.Value, err = values.ToConnect(appLogs.Topic, v); err != nil {
				b.Fatal(err)
			}
			r.RawValue = v
			recs[i] = r
		}
	})
}

// benchPut puts batches of 1,000 records into a task started with the extra properties, then
// PreCommits. fill makes each batch from its first offset, outside the timing: Put alone is
// timed, as the runtime hands it records already made.
func benchPut(b *testing.B, extra map[string]string, fill func(recs []connect.SinkRecord, off int64)) {
	s := startS3Bench(b)
	s.bucketB(b, "bench")
	ctx := context.Background()
	rt := &stubRuntime{tps: []connect.TopicPartition{appLogs}}
	task := NewTask(nil)
	if err := task.Start(ctx, s.props("bench", extra), rt); err != nil {
		b.Fatal(err)
	}
	defer task.Stop()
	recs := make([]connect.SinkRecord, 1000)
	var off int64
	b.ReportAllocs()
	for b.Loop() {
		b.StopTimer()
		fill(recs, off)
		off += int64(len(recs))
		b.StartTimer()
		if err := task.Put(ctx, recs); err != nil {
			b.Fatal(err)
		}
	}
	if _, err := task.PreCommit(ctx, nil); err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(off)/b.Elapsed().Seconds(), "records/s")
}

// BenchmarkIntegrationOpenFiles measures the heap each open file holds: records spread over
// many encoded partitions (FieldPartitioner) stay open without rotating.
func BenchmarkIntegrationOpenFiles(b *testing.B) {
	s := startS3Bench(b)
	s.bucketB(b, "open")
	ctx := context.Background()
	schema := &connect.Schema{Type: connect.TypeStruct, Fields: []connect.Field{
		{Name: "user", Index: 0, Schema: &connect.Schema{Type: connect.TypeString}},
		{Name: "msg", Index: 1, Schema: &connect.Schema{Type: connect.TypeString}},
	}}
	const files = 500
	for range b.N {
		rt := &stubRuntime{tps: []connect.TopicPartition{appLogs}}
		task := NewTask(nil)
		props := s.props("open", map[string]string{"flush.size": "1000000", "partitioner.class": FieldPartitionerClass, "partition.field.name": "user", "topics.dir": fmt.Sprint("run", b.N)})
		if err := task.Start(ctx, props, rt); err != nil {
			b.Fatal(err)
		}
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		for i := range files * 4 {
			r := connect.NewSinkRecord(appLogs.Topic, appLogs.Partition, int64(i))
			r.ValueSchema = schema
			r.Value = connect.NewStruct(schema).MustPut("user", fmt.Sprint("u", i%files)).MustPut("msg", "hello world")
			if err := task.Put(ctx, []connect.SinkRecord{r}); err != nil {
				b.Fatal(err)
			}
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
		b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/files, "heap-bytes/open-file")
		task.Stop()
	}
}
