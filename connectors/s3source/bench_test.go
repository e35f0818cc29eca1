package s3source

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/connectless/connectless/connectors/s3sink"
	"github.com/connectless/connectless/core/connect"
	"github.com/connectless/connectless/infra/devstack/devstacktest"
)

// BenchmarkRestore measures reading an archive back (list, get, decompress, decode) with
// the task alone, per format: records/s is the figure to watch.
func BenchmarkRestore(b *testing.B) {
	d := devstacktest.S3(b)
	client, err := d.NewClient(context.Background())
	if err != nil {
		b.Fatal(err)
	}
	s := &testS3{S3: d, client: client}
	const n = 20000
	for i, fc := range []formatCase{formatCases[1], formatCases[3], formatCases[5], formatCases[7]} {
		bucket := fmt.Sprintf("bench%d", i)
		if _, err := client.CreateBucket(context.Background(), &s3.CreateBucketInput{Bucket: &bucket}); err != nil {
			b.Fatal(err)
		}
		sp := sinkProps(s, bucket, partitionerCases[2], fc)
		sp["flush.size"] = "5000"
		in := logs(fc.kind, 2, n/2)
		for j := range in {
			in[j].Timestamp = base.Add(time.Duration(j%(n/2)) * 100 * time.Millisecond) // 17 minutes: one hourly bucket
		}
		task := s3sink.NewTask(slog.New(slog.DiscardHandler))
		tps := []connect.TopicPartition{{Topic: "app-logs", Partition: 0}, {Topic: "app-logs", Partition: 1}}
		ctx := context.Background()
		if err := task.Start(ctx, sp, sinkCtx{tps: tps}); err != nil {
			b.Fatal(err)
		}
		if err := task.Open(ctx, tps); err != nil {
			b.Fatal(err)
		}
		for j := 0; j < len(in); j += 500 {
			if err := task.Put(ctx, slices.Clone(in[j:min(j+500, len(in))])); err != nil {
				b.Fatal(err)
			}
		}
		if err := task.Flush(ctx, nil); err != nil {
			b.Fatal(err)
		}
		task.Stop()
		props := sourceProps(sp, nil)
		b.Run(fc.name, func(b *testing.B) {
			total := 0
			for b.Loop() {
				t := NewTask(nil)
				if err := t.Start(ctx, props, nil); err != nil {
					b.Fatal(err)
				}
				for !t.Done() {
					recs, err := t.Poll(ctx)
					if err != nil {
						b.Fatal(err)
					}
					total += len(recs)
				}
				t.Stop()
			}
			if total != n*b.N {
				b.Fatalf("restored %d records in %d runs, want %d each", total, b.N, n)
			}
			b.ReportMetric(float64(total)/b.Elapsed().Seconds(), "records/s")
		})
	}
}
