package s3sink

import (
	"bytes"
	"context"
	"fmt"
	"testing"

	"github.com/connectless/connectless/core/connect"
)

// TestIntegrationSpoolPlaces: the objects are the same bytes whether the spools stay in
// memory (uploaded as they are when the format writes them unchanged), go to disk at once
// (no budget), or move to disk half way (a budget of one chunk), for JsonFormat and
// ByteArrayFormat, uncompressed and gzip.
func TestIntegrationSpoolPlaces(t *testing.T) {
	s := startS3(t)
	ctx := context.Background()
	formats := []map[string]string{
		{"flush.size": "600"},
		{"flush.size": "600", "s3.compression.type": "gzip"},
		{"flush.size": "600", "format.class": "io.confluent.connect.s3.format.bytearray.ByteArrayFormat", "value.converter": "org.apache.kafka.connect.converters.ByteArrayConverter"},
	}
	budgets := []struct {
		name   string
		budget *spoolBudget // nil: the task's own
	}{{"memory", nil}, {"disk", newSpoolBudget(spoolBudgetOf("disk"))}, {"moves to disk", newSpoolBudget(spoolBudgetOf("moves to disk"))}}
	for fi, extra := range formats {
		var first map[string][]byte
		for bi, b := range budgets {
			bucket := fmt.Sprintf("places-%d-%d", fi, bi)
			s.bucket(t, bucket)
			rt := &stubRuntime{t: t, tps: []connect.TopicPartition{appLogs}}
			task := startTask(t, s.props(bucket, extra), rt)
			if b.budget != nil {
				task.budget = b.budget
			}
			recs := logRecords(appLogs, 0, 1800)
			if extra["format.class"] != "" {
				for i := range recs {
					recs[i].Value = bytes.Repeat([]byte{byte('a' + i%26)}, 100+i%50)
					recs[i].ValueSchema = connect.OptionalBytesSchema()
				}
			}
			if err := rt.slice(ctx, task, []partitionLog{{tp: appLogs, records: recs}}, map[connect.TopicPartition]int64{appLogs: 0}, 400, -1); err != nil {
				t.Fatal(err)
			}
			if _, err := task.PreCommit(ctx, nil); err != nil {
				t.Fatal(err)
			}
			if b.budget != nil && b.budget.left.Load() != spoolBudgetOf(b.name) {
				t.Errorf("format %d, %s: budget %d left after the upload, want it all back", fi, b.name, b.budget.left.Load())
			}
			objs := s.objects(t, bucket)
			if len(objs) != 3 {
				t.Fatalf("format %d, %s: %d objects, want 3", fi, b.name, len(objs))
			}
			if first == nil {
				first = objs
				continue
			}
			for k, want := range first {
				if !bytes.Equal(objs[k], want) {
					t.Errorf("format %d, %s: %s differs from the in-memory spool's (%d bytes, want %d)", fi, b.name, k, len(objs[k]), len(want))
				}
			}
		}
	}
}

// spoolBudgetOf is the budget of a case of TestIntegrationSpoolPlaces: none, or one first
// chunk (a file of more than spoolChunkMin bytes moves to disk when it needs a second).
func spoolBudgetOf(name string) int64 {
	if name == "disk" {
		return 0
	}
	return spoolChunkMin
}
