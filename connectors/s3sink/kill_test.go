package s3sink

import (
	"context"
	"flag"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/connectless/connectless/core/connect"
)

var long = flag.Bool("long", false, "run the long crash tests (100 kills)")

// TestIntegrationRandomKills runs a task slice after slice, killing it at random points: after
// some Puts only, after an upload but before the offsets commit, or after a commit; each new
// task starts from the last committed offsets and the records are re-sent. Every offset must
// end up in exactly one object, for a partitioner writing one directory and for one writing
// many (Hourly on record time, with rotate.interval.ms and interleaved late records).
func TestIntegrationRandomKills(t *testing.T) {
	kills, n := 20, 1200
	if *long {
		kills, n = 100, 20000
	}
	s := startS3(t)
	for i, extra := range []map[string]string{
		{"flush.size": "47"},
		{"flush.size": "31", "partitioner.class": HourlyPartitionerClass, "locale": "en", "timezone": "Europe/Berlin", "timestamp.extractor": "Record", "rotate.interval.ms": "5400000"},
		{"flush.size": "53", "partitioner.class": HourlyPartitionerClass, "locale": "en", "timezone": "UTC"}, // Wallclock
	} {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			bucket := fmt.Sprintf("kills%d", i)
			s.bucket(t, bucket)
			rng := rand.New(rand.NewPCG(uint64(i), 42))
			ctx := context.Background()
			props := s.props(bucket, extra)
			other := connect.TopicPartition{Topic: "app-logs", Partition: 5}
			logs := []partitionLog{{tp: appLogs, records: logRecords(appLogs, 0, n)}, {tp: other, records: logRecords(other, 0, n/3)}}
			committed := map[connect.TopicPartition]int64{appLogs: 0, other: 0}
			tps := []connect.TopicPartition{appLogs, other}
			for k := 0; k < kills; k++ {
				rt := &stubRuntime{t: t, tps: tps}
				task := startTask(t, props, rt)
				now := time.Date(2024, 1, 5, 0, 0, 0, 0, time.UTC).Add(time.Duration(k) * 23 * time.Minute)
				task.now = func() time.Time { return now }
				if err := rt.slice(ctx, task, logs, committed, 1+rng.IntN(80), rng.IntN(n/kills*3)); err != nil {
					t.Fatal(err)
				}
				switch rng.IntN(3) {
				case 0: // killed with open files
				case 1: // killed after uploading, before the commit
					if err := task.Flush(ctx, nil); err != nil {
						t.Fatal(err)
					}
				case 2: // a clean slice end: the offsets commit
					got, err := task.PreCommit(ctx, nil)
					if err != nil {
						t.Fatal(err)
					}
					for tp, off := range got {
						if off < committed[tp] {
							t.Fatalf("commit went back from %d to %d", committed[tp], off)
						}
						committed[tp] = off
					}
				}
				task.Stop()
			}
			rt := &stubRuntime{t: t, tps: tps}
			task := startTask(t, props, rt)
			end := time.Date(2024, 1, 5, 0, 0, 0, 0, time.UTC).Add(time.Duration(kills) * 23 * time.Minute)
			task.now = func() time.Time { return end }
			if err := rt.slice(ctx, task, logs, committed, 50, -1); err != nil {
				t.Fatal(err)
			}
			got, err := task.PreCommit(ctx, nil)
			if err != nil {
				t.Fatal(err)
			}
			if got[appLogs] != int64(n) || got[other] != int64(n/3) {
				t.Errorf("final commit %v, want %d and %d", got, n, n/3)
			}
			assertExactlyOnce(t, offsetsInFiles(t, s, bucket, "", "/app-logs+3+"), 0, int64(n))
			assertExactlyOnce(t, offsetsInFiles(t, s, bucket, "", "/app-logs+5+"), 0, int64(n/3))
		})
	}
}
