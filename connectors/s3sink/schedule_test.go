package s3sink

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/connectless/connectless/core/connect"
)

// rotate.schedule.interval.ms rotates on wall-clock boundaries, also for a partition that went
// idle (empty Puts), and the first record after an idle period is not flushed alone.
func TestIntegrationScheduledRotation(t *testing.T) {
	s := startS3(t)
	s.bucket(t, "sched")
	ctx := context.Background()
	props := s.props("sched", map[string]string{"flush.size": "1000", "rotate.schedule.interval.ms": "3600000", "timezone": "UTC", "s3.flush.on.slice.end": "false"})
	rt := &stubRuntime{t: t, tps: []connect.TopicPartition{appLogs}}
	task := startTask(t, props, rt)
	recs := logRecords(appLogs, 0, 4)
	steps := []struct {
		at   string
		recs []connect.SinkRecord
		want []string // start offsets of the objects in the bucket afterwards
	}{
		{"07:10", recs[0:1], nil},
		{"08:05", recs[1:2], []string{"0"}},      // the 08:00 boundary passed: [0] uploads first
		{"09:01", nil, []string{"0", "1"}},       // an empty Put after 09:00 flushes the idle partition
		{"11:30", recs[2:3], []string{"0", "1"}}, // expired while idle: next boundary is 12:00
		{"11:50", recs[3:4], []string{"0", "1"}}, //
		{"12:00", nil, []string{"0", "1", "2"}},  // [2,3] together
	}
	for _, st := range steps {
		now, _ := time.Parse("2006-01-02 15:04", "2024-01-05 "+st.at)
		task.now = func() time.Time { return now }
		if err := task.Put(ctx, slices.Clone(st.recs)); err != nil {
			t.Fatal(err)
		}
		var starts []string
		for k := range s.objectsUnder(t, "sched", "topics/") {
			name := k[strings.LastIndex(k, "+")+1:]
			starts = append(starts, strings.TrimLeft(strings.TrimSuffix(name, ".json"), "0"))
		}
		for i := range starts {
			if starts[i] == "" {
				starts[i] = "0"
			}
		}
		slices.Sort(starts)
		if !slices.Equal(starts, st.want) {
			t.Fatalf("at %s: objects start at %v, want %v", st.at, starts, st.want)
		}
	}
	got, err := task.PreCommit(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got[appLogs] != 4 {
		t.Errorf("committed %v, want 4", got)
	}
}

// With the Wallclock extractor a re-run files records under another hour than the killed run
// did; recovery lists the recent hours and skips what the killed run stored.
func TestIntegrationWallclockRecovery(t *testing.T) {
	s := startS3(t)
	s.bucket(t, "wall")
	ctx := context.Background()
	props := s.props("wall", map[string]string{"flush.size": "4", "partitioner.class": HourlyPartitionerClass, "locale": "en", "timezone": "UTC"})
	logs := []partitionLog{{tp: appLogs, records: logRecords(appLogs, 0, 14)}}
	from := map[connect.TopicPartition]int64{appLogs: 0}
	clock := func(hhmm string) func() time.Time {
		ts, _ := time.Parse("2006-01-02 15:04", "2024-01-05 "+hhmm)
		return func() time.Time { return ts }
	}
	rt1 := &stubRuntime{t: t, tps: []connect.TopicPartition{appLogs}}
	t1 := startTask(t, props, rt1)
	t1.now = clock("06:59")
	if err := rt1.slice(ctx, t1, logs, from, 3, 6); err != nil {
		t.Fatal(err)
	}
	if err := t1.Flush(ctx, nil); err != nil { // [0..3] and [4..5] in hour 06, then killed
		t.Fatal(err)
	}
	rt2 := &stubRuntime{t: t, tps: []connect.TopicPartition{appLogs}}
	t2 := startTask(t, props, rt2)
	t2.now = clock("09:30")
	if err := rt2.slice(ctx, t2, logs, from, 5, 8); err != nil {
		t.Fatal(err)
	}
	got, _ := t2.PreCommit(ctx, nil)
	if got[appLogs] != 10 { // two batches of 5
		t.Errorf("second run committed %v, want 10", got)
	}
	rt3 := &stubRuntime{t: t, tps: []connect.TopicPartition{appLogs}}
	t3 := startTask(t, props, rt3)
	t3.now = clock("10:10")
	if err := rt3.slice(ctx, t3, logs, got, 5, -1); err != nil {
		t.Fatal(err)
	}
	if err := t3.Flush(ctx, nil); err != nil {
		t.Fatal(err)
	}
	seen := offsetsInBucket(t, s, "wall", "")
	assertExactlyOnce(t, seen, 0, 14)
	hours := map[string]bool{}
	for k := range s.objectsUnder(t, "wall", "") {
		hours[k[strings.Index(k, "hour="):strings.LastIndex(k, "/")]] = true
	}
	if len(hours) != 3 {
		t.Errorf("objects in hours %v, want 06, 09 and 10", hours)
	}
}
