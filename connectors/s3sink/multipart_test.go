package s3sink

import (
	"context"
	"strings"
	"testing"

	"github.com/connectless/connectless/core/connect"
)

// bigRecords returns n records whose JSON line is about 10 KiB.
func bigRecords(from int64, n int) []connect.SinkRecord {
	recs := logRecords(appLogs, from, n)
	pad := strings.Repeat("x", 10<<10)
	for i := range recs {
		recs[i].Value.(map[string]any)["pad"] = pad
	}
	return recs
}

// Files larger than s3.part.size go up as multipart uploads completed with If-None-Match; a
// re-run finds them by lookup, and a conflicting re-upload of the same key is refused.
func TestIntegrationMultipartFiles(t *testing.T) {
	s := startS3(t)
	s.bucket(t, "big")
	ctx := context.Background()
	props := s.props("big", map[string]string{"flush.size": "600", "s3.part.size": "5242880"})
	logs := []partitionLog{{tp: appLogs, records: bigRecords(0, 1300)}}
	rt := &stubRuntime{t: t, tps: []connect.TopicPartition{appLogs}}
	task := startTask(t, props, rt)
	if err := rt.slice(ctx, task, logs, map[connect.TopicPartition]int64{appLogs: 0}, 100, 700); err != nil {
		t.Fatal(err)
	}
	// Killed here: [0..599] (about 6 MB: two parts) is uploaded, [600..699] is open.
	objs := s.objectsUnder(t, "big", "")
	first := "topics/app-logs/partition=3/app-logs+3+0000000000.json"
	if len(objs) != 1 || len(objs[first]) <= 5242880 {
		t.Fatalf("after the kill: %d objects, first %d bytes; want one object larger than a part", len(objs), len(objs[first]))
	}
	// The same key again, from a run that does not look first, is refused as existing, both
	// as one PutObject and as a multipart upload.
	for _, size := range []int{5, 5242880 + 1} {
		body := []byte(strings.Repeat("o", size))
		created, err := task.store.create(ctx, first, mustTemp(t, body), int64(size), nil)
		if err != nil || created {
			t.Fatalf("conditional create of %d bytes over an existing key: created=%v err=%v, want refused", size, created, err)
		}
	}
	rt2 := &stubRuntime{t: t, tps: []connect.TopicPartition{appLogs}}
	t2 := startTask(t, props, rt2)
	if err := rt2.slice(ctx, t2, logs, map[connect.TopicPartition]int64{appLogs: 0}, 250, -1); err != nil {
		t.Fatal(err)
	}
	got, err := t2.PreCommit(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got[appLogs] != 1300 {
		t.Errorf("committed %v, want 1300", got)
	}
	assertExactlyOnce(t, offsetsInBucket(t, s, "big", ""), 0, 1300)
}
