package s3sink

import (
	"bytes"
	"context"
	"fmt"
	"maps"
	"slices"
	"testing"

	"github.com/connectless/connectless/core/connect"
	"github.com/connectless/connectless/core/convert"
)

// TestIntegrationReleasesBatches holds the task to connect.BatchReleaser: the objects are
// the same when every batch's memory (records, their Partition and Offset, unbuilt JSON
// values) is overwritten once Put returns, as the runtime refills it, as when each batch
// stays the task's.
func TestIntegrationReleasesBatches(t *testing.T) {
	s := startS3(t)
	s.bucket(t, "released")
	conv := convert.NewJSONConverter()
	if err := conv.Configure(map[string]string{convert.SchemasEnable: "false"}, false); err != nil {
		t.Fatal(err)
	}
	bytesConv := convert.NewByteArrayConverter()
	for _, byteArray := range []bool{true, false} {
		got := map[bool]map[string][]byte{}
		for _, scribble := range []bool{false, true} {
			dir := fmt.Sprintf("bytes-%v-scribble-%v", byteArray, scribble)
			props := map[string]string{"flush.size": "15", "topics.dir": dir}
			if byteArray {
				props["format.class"] = ByteArrayFormatClass
			}
			rt := &stubRuntime{t: t, tps: []connect.TopicPartition{appLogs}}
			task := startTask(t, s.props("released", props), rt)
			if !task.ReleasesBatches() {
				t.Fatal("the task does not release its batches")
			}
			recs := rawRecords(t, true)
			unbuilt := make([]connect.JSONBytes, len(recs))
			for i := range recs {
				if byteArray {
					var err error
					if recs[i].ValueSchema, recs[i].Value, err = bytesConv.ToConnect("app-logs", recs[i].RawValue); err != nil {
						t.Fatal(err)
					}
					continue
				}
				unbuilt[i] = connect.NewJSONBytes(recs[i].RawValue, conv, "app-logs")
				recs[i].Value = &unbuilt[i]
			}
			for start := 0; start < len(recs); start += 7 {
				end := min(start+7, len(recs))
				if err := task.Put(context.Background(), recs[start:end]); err != nil {
					t.Fatal(err)
				}
				for i := start; scribble && i < end; i++ {
					*recs[i].Partition, *recs[i].Offset = 9, -1
					unbuilt[i] = connect.NewJSONBytes([]byte(`"scribbled"`), conv, "scribbled")
					recs[i] = connect.NewSinkRecord("scribbled", 9, -1)
					recs[i].Value, recs[i].RawValue = []byte(`"scribbled"`), []byte(`"scribbled"`)
				}
			}
			got[scribble] = putAndCollect(t, s, task, nil, "released", dir)
		}
		if len(got[false]) != 3 || !slices.Equal(slices.Sorted(maps.Keys(got[false])), slices.Sorted(maps.Keys(got[true]))) {
			t.Fatalf("ByteArrayFormat %v: objects %v, with batches overwritten %v", byteArray, slices.Sorted(maps.Keys(got[false])), slices.Sorted(maps.Keys(got[true])))
		}
		for k, want := range got[false] {
			if !bytes.Equal(got[true][k], want) {
				t.Errorf("object %s differs with batches overwritten after Put:\n%s\nkept:\n%s", k, got[true][k], want)
			}
		}
	}
}
