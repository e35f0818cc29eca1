package s3sink

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/connectless/connectless/core/connect"
)

var appLogs = connect.TopicPartition{Topic: "app-logs", Partition: 3}

// logRecords returns n schemaless records at offsets from..from+n-1 whose value carries its
// offset, with record timestamps spread over hours (every 7th record is "late").
func logRecords(tp connect.TopicPartition, from int64, n int) []connect.SinkRecord {
	base := time.Date(2024, 1, 5, 7, 0, 0, 0, time.UTC)
	out := make([]connect.SinkRecord, n)
	for i := range n {
		off := from + int64(i)
		r := connect.NewSinkRecord(tp.Topic, tp.Partition, off)
		ts := base.Add(time.Duration(i) * 10 * time.Minute)
		if i%7 == 6 {
			ts = ts.Add(-2 * time.Hour)
		}
		r.Timestamp = ts
		r.Key = []byte(fmt.Sprintf("k%d", off))
		r.Value = map[string]any{"offset": off, "level": "INFO", "message": fmt.Sprintf("line %d", off), "ts": ts.UnixMilli()}
		out[i] = r
	}
	return out
}

// offsetsInBucket parses every JSON value object and counts each offset.
func offsetsInBucket(t *testing.T, s *testS3, bucket, prefix string) map[int64]int {
	t.Helper()
	return offsetsInFiles(t, s, bucket, prefix, "")
}

// offsetsInFiles is offsetsInBucket for the keys under prefix that contain name.
func offsetsInFiles(t *testing.T, s *testS3, bucket, prefix, name string) map[int64]int {
	t.Helper()
	seen := map[int64]int{}
	for key, body := range s.objectsUnder(t, bucket, prefix) {
		if !strings.HasSuffix(key, ".json") || strings.HasPrefix(key, "_manifests") {
			continue
		}
		if name != "" && !strings.Contains(key, name) {
			continue
		}
		sc := bufio.NewScanner(bytes.NewReader(body))
		for sc.Scan() {
			var v struct{ Offset int64 }
			if err := json.Unmarshal(sc.Bytes(), &v); err != nil {
				t.Fatalf("%s: %v", key, err)
			}
			seen[v.Offset]++
		}
	}
	return seen
}

func assertExactlyOnce(t *testing.T, seen map[int64]int, from, n int64) {
	t.Helper()
	for off := from; off < from+n; off++ {
		if seen[off] != 1 {
			t.Errorf("offset %d stored %d times, want exactly 1", off, seen[off])
		}
	}
	if len(seen) != int(n) {
		t.Errorf("bucket holds %d distinct offsets, want %d", len(seen), n)
	}
}

func startTask(t *testing.T, props map[string]string, rt *stubRuntime) *Task {
	t.Helper()
	task := NewTask(testLogger(t))
	if err := task.Start(context.Background(), props, rt); err != nil {
		t.Fatalf("start: %v", err)
	}
	t.Cleanup(func() { task.Stop() })
	if err := task.Open(context.Background(), rt.tps); err != nil {
		t.Fatalf("open: %v", err)
	}
	return task
}

func TestIntegrationWriteAndReadBack(t *testing.T) {
	s := startS3(t)
	s.bucket(t, "archive")
	ctx := context.Background()
	rt := &stubRuntime{t: t, tps: []connect.TopicPartition{appLogs}}
	task := startTask(t, s.props("archive", map[string]string{"s3.compression.type": "gzip", "s3.manifest.enabled": "true",
		"s3.object.tagging": "true", "s3.object.tagging.key.value.pairs": "team:sre"}), rt)
	logs := []partitionLog{{tp: appLogs, records: logRecords(appLogs, 1200, 10)}}
	if err := rt.slice(ctx, task, logs, map[connect.TopicPartition]int64{appLogs: 1200}, 4, -1); err != nil {
		t.Fatal(err)
	}
	committed, err := task.PreCommit(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if committed[appLogs] != 1210 {
		t.Fatalf("committed %v, want 1210", committed)
	}
	objs := s.objects(t, "archive")
	var keys []string
	for k := range objs {
		if !strings.HasPrefix(k, "_manifests/") {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	want := []string{
		"topics/app-logs/partition=3/app-logs+3+0000001200.json.gz",
		"topics/app-logs/partition=3/app-logs+3+0000001203.json.gz",
		"topics/app-logs/partition=3/app-logs+3+0000001206.json.gz",
		"topics/app-logs/partition=3/app-logs+3+0000001209.json.gz",
	}
	if !slices.Equal(keys, want) {
		t.Fatalf("keys %v, want %v", keys, want)
	}
	tags, err := s.client.GetObjectTagging(ctx, &s3.GetObjectTaggingInput{Bucket: aws.String("archive"), Key: aws.String(want[1])})
	if err != nil {
		t.Fatal(err)
	}
	gotTags := map[string]string{}
	for _, tag := range tags.TagSet {
		gotTags[*tag.Key] = *tag.Value
	}
	if want := (map[string]string{"startOffset": "1203", "endOffset": "1205", "recordCount": "3", "team": "sre"}); !maps.Equal(gotTags, want) {
		t.Errorf("tags %v, want %v", gotTags, want)
	}
	first := gunzip(t, objs[want[0]])
	wantLine := `{"offset":1200,"level":"INFO","message":"line 1200","ts":1704438000000}` + "\n" // Java HashMap order
	if !strings.HasPrefix(string(first), wantLine) {
		t.Fatalf("first line %q, want %q", first, wantLine)
	}
	var manifests []Manifest
	for k, b := range objs {
		if strings.HasPrefix(k, "_manifests/topics/") {
			var m Manifest
			if err := json.Unmarshal(b, &m); err != nil {
				t.Fatal(err)
			}
			manifests = append(manifests, m)
		}
	}
	if len(manifests) != 1 || len(manifests[0].Objects) != 4 {
		t.Fatalf("manifests %+v, want one listing 4 objects", manifests)
	}
	total := 0
	for _, e := range manifests[0].Objects {
		total += e.RecordCount
		if e.ByteSize != int64(len(objs[e.Key])) || e.MinTimestamp == nil {
			t.Errorf("manifest entry %+v does not match object of %d bytes", e, len(objs[e.Key]))
		}
	}
	if total != 10 {
		t.Errorf("manifest record count %d, want 10", total)
	}
}

// A task uploads files, then dies before its offsets are committed (no Flush result is
// committed). A new task from the committed offsets re-sends everything: every offset ends up
// in exactly one object, for each partitioner.
func TestIntegrationCrashBeforeCommit(t *testing.T) {
	s := startS3(t)
	cases := []struct {
		name  string
		props map[string]string
	}{
		{"default", nil},
		{"hourly-record-time", map[string]string{"partitioner.class": HourlyPartitionerClass, "locale": "en", "timezone": "UTC", "timestamp.extractor": "Record", "flush.size": "4"}},
		{"timebased-field-rotate", map[string]string{"partitioner.class": TimeBasedPartitionerClass, "path.format": "'dt'=YYYY-MM-dd/'hr'=HH", "partition.duration.ms": "3600000", "locale": "en", "timezone": "Europe/Paris", "timestamp.extractor": "RecordField", "timestamp.field": "ts", "rotate.interval.ms": "1800000", "flush.size": "5"}},
	}
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			bucket := fmt.Sprintf("crash%d", i)
			s.bucket(t, bucket)
			ctx := context.Background()
			props := s.props(bucket, tc.props)
			logs := []partitionLog{{tp: appLogs, records: logRecords(appLogs, 0, 40)}}
			from := map[connect.TopicPartition]int64{appLogs: 0}
			// Run 1: 17 records, slice-end flush uploads everything, killed before commit.
			rt1 := &stubRuntime{t: t, tps: []connect.TopicPartition{appLogs}}
			t1 := startTask(t, props, rt1)
			if err := rt1.slice(ctx, t1, logs, from, 5, 17); err != nil {
				t.Fatal(err)
			}
			if err := t1.Flush(ctx, nil); err != nil {
				t.Fatal(err)
			}
			// Run 2: 29 records, some uploads, killed mid-slice (no Flush).
			rt2 := &stubRuntime{t: t, tps: []connect.TopicPartition{appLogs}}
			t2 := startTask(t, props, rt2)
			if err := rt2.slice(ctx, t2, logs, from, 3, 29); err != nil {
				t.Fatal(err)
			}
			// Run 3 completes from the same committed offset.
			rt3 := &stubRuntime{t: t, tps: []connect.TopicPartition{appLogs}}
			t3 := startTask(t, props, rt3)
			if err := rt3.slice(ctx, t3, logs, from, 7, -1); err != nil {
				t.Fatal(err)
			}
			got, err := t3.PreCommit(ctx, nil)
			if err != nil {
				t.Fatal(err)
			}
			if got[appLogs] != 40 {
				t.Errorf("committed %v, want 40", got)
			}
			assertExactlyOnce(t, offsetsInBucket(t, s, bucket, ""), 0, 40)
		})
	}
}

// Two tasks own the same partition at once (a zombie and its replacement) with different
// batch sizes and slice ends: conditional creates and rewinds leave no duplicate and no gap.
func TestIntegrationRacingTasks(t *testing.T) {
	s := startS3(t)
	for i, props := range []map[string]string{
		nil,
		{"partitioner.class": DailyPartitionerClass, "locale": "en", "timezone": "UTC", "timestamp.extractor": "Record", "flush.size": "4"},
	} {
		bucket := fmt.Sprintf("race%d", i)
		s.bucket(t, bucket)
		logs := []partitionLog{{tp: appLogs, records: logRecords(appLogs, 0, 60)}}
		var wg sync.WaitGroup
		errs := make([]error, 2)
		for j := range 2 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				ctx := context.Background()
				rt := &stubRuntime{t: t, tps: []connect.TopicPartition{appLogs}}
				task := startTask(t, s.props(bucket, props), rt)
				for slice := 0; slice < 6; slice++ {
					if err := rt.slice(ctx, task, logs, map[connect.TopicPartition]int64{appLogs: 0}, 2+j*3, 10+slice*10); err != nil {
						errs[j] = err
						return
					}
					if err := task.Flush(ctx, nil); err != nil {
						errs[j] = err
						return
					}
				}
			}()
		}
		wg.Wait()
		for _, err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		// A final clean run completes whatever both left.
		ctx := context.Background()
		rt := &stubRuntime{t: t, tps: []connect.TopicPartition{appLogs}}
		task := startTask(t, s.props(bucket, props), rt)
		if err := rt.slice(ctx, task, logs, map[connect.TopicPartition]int64{appLogs: 0}, 9, -1); err != nil {
			t.Fatal(err)
		}
		if err := task.Flush(ctx, nil); err != nil {
			t.Fatal(err)
		}
		assertExactlyOnce(t, offsetsInBucket(t, s, bucket, ""), 0, 60)
	}
}

func TestIntegrationBadBucket(t *testing.T) {
	s := startS3(t)
	ctx := context.Background()
	rt := &stubRuntime{t: t, tps: []connect.TopicPartition{appLogs}}
	err := NewTask(nil).Start(ctx, s.props("missing", nil), rt)
	if !errors.Is(err, ErrNoBucket) {
		t.Errorf("start on a missing bucket: %v, want ErrNoBucket", err)
	}
	p := s.props("x", map[string]string{"store.url": "http://127.0.0.1:1"})
	err = NewTask(nil).Start(ctx, p, rt)
	if err == nil || !connect.IsRetriable(err) {
		t.Errorf("start on an unreachable store: %v, want a retriable error", err)
	}
	// A bucket that refuses writes: wrong credentials pass nothing; nothing is committed.
	s.bucket(t, "locked")
	p = s.props("locked", map[string]string{"flush.size": "2"})
	task := startTask(t, p, rt)
	task.store.client = startS3WithKeys(t, s, "wrong")
	err = task.Put(ctx, logRecords(appLogs, 0, 3))
	if err == nil || !errors.Is(err, ErrBucketRefused) {
		t.Fatalf("put to a refusing bucket: %v, want ErrBucketRefused", err)
	}
	got, _ := task.PreCommit(ctx, nil)
	if off, ok := got[appLogs]; ok && off > 0 {
		t.Errorf("committed %d after refused writes, want nothing past 0", off)
	}
}

// A run that is still skipping through an object an earlier run left must not commit an
// offset inside it: the next run could not find the object by its start and would store the
// rest of its records again.
func TestIntegrationCommitNeverInsideObject(t *testing.T) {
	s := startS3(t)
	s.bucket(t, "inside")
	ctx := context.Background()
	props := s.props("inside", map[string]string{"flush.size": "100"})
	logs := []partitionLog{{tp: appLogs, records: logRecords(appLogs, 0, 20)}}
	rt1 := &stubRuntime{t: t, tps: []connect.TopicPartition{appLogs}}
	t1 := startTask(t, props, rt1)
	if err := rt1.slice(ctx, t1, logs, map[connect.TopicPartition]int64{appLogs: 0}, 5, 10); err != nil {
		t.Fatal(err)
	}
	if err := t1.Flush(ctx, nil); err != nil { // uploads [0..9]; killed before its commit
		t.Fatal(err)
	}
	rt2 := &stubRuntime{t: t, tps: []connect.TopicPartition{appLogs}}
	t2 := startTask(t, props, rt2)
	if err := rt2.slice(ctx, t2, logs, map[connect.TopicPartition]int64{appLogs: 0}, 5, 5); err != nil {
		t.Fatal(err)
	}
	got, err := t2.PreCommit(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	from := got[appLogs]
	if from != 0 {
		t.Errorf("committed %d while inside object [0..9], want 0", from)
	}
	rt3 := &stubRuntime{t: t, tps: []connect.TopicPartition{appLogs}}
	t3 := startTask(t, props, rt3)
	if err := rt3.slice(ctx, t3, logs, map[connect.TopicPartition]int64{appLogs: from}, 5, -1); err != nil {
		t.Fatal(err)
	}
	if err := t3.Flush(ctx, nil); err != nil {
		t.Fatal(err)
	}
	assertExactlyOnce(t, offsetsInBucket(t, s, "inside", ""), 0, 20)
}
