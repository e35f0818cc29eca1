package s3sink

import (
	"bytes"
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/connectless/connectless/connectors/archive/format"
	"github.com/connectless/connectless/core/connect"
)

// rawRecords are schemaless JSON values at offsets 100.. of app-logs partition 3, decoded as
// JsonConverter does; with raw set each carries its bytes as read, half of them already in
// the form JsonFormat writes and half not (document key order, whitespace, 1e3, \/).
func rawRecords(t *testing.T, raw bool) []connect.SinkRecord {
	t.Helper()
	var out []connect.SinkRecord
	for i := range 40 {
		var doc string
		switch i % 4 {
		case 0: // canonical
			doc = fmt.Sprintf(`{"msg":"request %d \"done\"\té","level":"INFO","n":%d}`, i, i)
		case 1:
			doc = fmt.Sprintf(`{"n":%d, "level":"WARN","msg":"a\/b"}`, i)
		case 2:
			doc = fmt.Sprintf(`{"x":1e3,"y":[%d,2.5,null,{"Aa":true,"BB":false}]}`, i)
		case 3: // canonical
			doc = fmt.Sprintf(`{"x":1000.0,"y":[%d,2.5,null,{"Aa":true,"BB":false}]}`, i)
		}
		v, err := format.ParseJSONValue([]byte(doc))
		if err != nil {
			t.Fatalf("test input %q is not JSON: %v", doc, err)
		}
		r := connect.NewSinkRecord("app-logs", 3, int64(100+i))
		r.Value = v
		if raw {
			r.RawValue = []byte(doc)
		}
		out = append(out, r)
	}
	return out
}

// putAndCollect puts recs through the started task, commits, and returns the objects under
// dir of bucket by their keys below dir.
func putAndCollect(t *testing.T, s *testS3, task *Task, recs []connect.SinkRecord, bucket, dir string) map[string][]byte {
	t.Helper()
	ctx := context.Background()
	if err := task.Put(ctx, recs); err != nil {
		t.Fatal(err)
	}
	if _, err := task.PreCommit(ctx, nil); err != nil {
		t.Fatal(err)
	}
	objs := map[string][]byte{}
	for k, b := range s.objectsUnder(t, bucket, dir+"/") {
		objs[strings.TrimPrefix(k, dir+"/")] = b
	}
	return objs
}

// TestIntegrationJSONRawValueObjects writes the same records through the task with and
// without their bytes as read and checks that the objects are byte for byte the same, and
// that the bytes as read were taken for the records that allow it.
func TestIntegrationJSONRawValueObjects(t *testing.T) {
	s := startS3(t)
	s.bucket(t, "raw")
	got := map[bool]map[string][]byte{}
	for _, raw := range []bool{false, true} {
		dir := fmt.Sprintf("raw-%v", raw)
		rt := &stubRuntime{t: t, tps: []connect.TopicPartition{appLogs}}
		task := startTask(t, s.props("raw", map[string]string{"flush.size": "15", "topics.dir": dir}), rt)
		got[raw] = putAndCollect(t, s, task, rawRecords(t, raw), "raw", dir)
	}
	if len(got[false]) != 3 || !slices.Equal(slices.Sorted(maps.Keys(got[false])), slices.Sorted(maps.Keys(got[true]))) {
		t.Fatalf("objects without raw bytes %v, with %v", slices.Sorted(maps.Keys(got[false])), slices.Sorted(maps.Keys(got[true])))
	}
	for k, want := range got[false] {
		if !bytes.Equal(got[true][k], want) {
			t.Errorf("object %s differs with raw bytes:\n%s\nwithout:\n%s", k, got[true][k], want)
		}
	}
	taken := 0
	jf, _ := format.New(JSONFormatClass, format.Options{})
	for _, r := range rawRecords(t, true) {
		if _, verbatim, _ := jf.(format.RawEncoder).EncodeRaw(nil, r.RawValue, nil, r.Value); verbatim {
			taken++
		}
	}
	if taken != 20 {
		t.Errorf("%d of 40 records written as read, want 20 (cases 0 and 3)", taken)
	}
}
