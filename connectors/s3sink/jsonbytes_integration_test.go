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

// schemalessJSON returns a JsonConverter with schemas.enable=false.
func schemalessJSON(t *testing.T) *convert.JSONConverter {
	t.Helper()
	conv := convert.NewJSONConverter()
	if err := conv.Configure(map[string]string{convert.SchemasEnable: "false"}, false); err != nil {
		t.Fatal(err)
	}
	return conv
}

// TestIntegrationJSONBytesObjects writes the records of rawRecords through the task built
// (the values JsonConverter gives) and unbuilt (*connect.JSONBytes, as the runtime hands
// them when the task takes them) and checks that the objects are byte for byte the same.
func TestIntegrationJSONBytesObjects(t *testing.T) {
	s := startS3(t)
	s.bucket(t, "unbuilt")
	conv := schemalessJSON(t)
	got := map[bool]map[string][]byte{}
	for _, unbuilt := range []bool{false, true} {
		dir := fmt.Sprintf("unbuilt-%v", unbuilt)
		rt := &stubRuntime{t: t, tps: []connect.TopicPartition{appLogs}}
		task := startTask(t, s.props("unbuilt", map[string]string{"flush.size": "15", "topics.dir": dir}), rt)
		if !task.TakesJSONBytes() {
			t.Fatal("the task with JsonFormat and the default partitioner does not take unbuilt values")
		}
		recs := rawRecords(t, true)
		for i := range recs {
			if !conv.CheckJSON("app-logs", recs[i].RawValue) {
				t.Fatalf("JsonConverter does not check %q", recs[i].RawValue)
			}
			_, v, err := conv.ToConnect("app-logs", recs[i].RawValue)
			if err != nil {
				t.Fatal(err)
			}
			recs[i].Value = v
			if unbuilt {
				jb := connect.NewJSONBytes(recs[i].RawValue, conv, "app-logs")
				recs[i].Value = &jb
			}
		}
		got[unbuilt] = putAndCollect(t, s, task, recs, "unbuilt", dir)
	}
	if len(got[false]) != 3 || !slices.Equal(slices.Sorted(maps.Keys(got[false])), slices.Sorted(maps.Keys(got[true]))) {
		t.Fatalf("objects built %v, unbuilt %v", slices.Sorted(maps.Keys(got[false])), slices.Sorted(maps.Keys(got[true])))
	}
	for k, want := range got[false] {
		if !bytes.Equal(got[true][k], want) {
			t.Errorf("object %s differs from unbuilt values:\n%s\nbuilt:\n%s", k, got[true][k], want)
		}
	}
}

// TestIntegrationTakesJSONBytes checks which configurations let the runtime hand the task
// unbuilt values: JsonFormat, and nothing that reads a field of a value.
func TestIntegrationTakesJSONBytes(t *testing.T) {
	s := startS3(t)
	s.bucket(t, "takes")
	tests := []struct {
		name  string
		props map[string]string
		want  bool
	}{
		{"JsonFormat, default partitioner", nil, true},
		{"hourly by record time", map[string]string{"partitioner.class": "io.confluent.connect.storage.partitioner.HourlyPartitioner",
			"timestamp.extractor": "Record", "locale": "en-US", "timezone": "UTC"}, true},
		{"hourly by a field", map[string]string{"partitioner.class": "io.confluent.connect.storage.partitioner.HourlyPartitioner",
			"timestamp.extractor": "RecordField", "timestamp.field": "ts", "locale": "en-US", "timezone": "UTC"}, false},
		{"field partitioner", map[string]string{"partitioner.class": "io.confluent.connect.storage.partitioner.FieldPartitioner",
			"partition.field.name": "level"}, false},
		{"ByteArrayFormat", map[string]string{"format.class": "io.confluent.connect.s3.format.bytearray.ByteArrayFormat"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rt := &stubRuntime{t: t, tps: []connect.TopicPartition{appLogs}}
			task := startTask(t, s.props("takes", tt.props), rt)
			if got := task.TakesJSONBytes(); got != tt.want {
				t.Errorf("TakesJSONBytes() = %v, want %v", got, tt.want)
			}
		})
	}
}

// TestIntegrationJSONWriteAsRead checks that json.write.as.read stores unbuilt values as
// they were read, one per line, and built values (here from a task given built values) as
// JsonFormat encodes them.
func TestIntegrationJSONWriteAsRead(t *testing.T) {
	s := startS3(t)
	s.bucket(t, "asread")
	ctx := context.Background()
	conv := schemalessJSON(t)
	docs := []string{`{"n":0, "level":"WARN","x":1e3}`, " {\"b\":1,\"a\":\"\\/\"}\n", "{\"a\":\n1}", `{"n":3}`}
	want := `{"n":0, "level":"WARN","x":1e3}` + "\n" + `{"b":1,"a":"\/"}` + "\n" + `{"a":1}` + "\n" + `{"n":3}` + "\n"
	rt := &stubRuntime{t: t, tps: []connect.TopicPartition{appLogs}}
	task := startTask(t, s.props("asread", map[string]string{"flush.size": "4", "json.write.as.read": "true"}), rt)
	recs := make([]connect.SinkRecord, len(docs))
	for i, d := range docs {
		recs[i] = connect.NewSinkRecord("app-logs", 3, int64(i))
		recs[i].RawValue = []byte(d)
		jb := connect.NewJSONBytes(recs[i].RawValue, conv, "app-logs")
		recs[i].Value = &jb
	}
	if err := task.Put(ctx, recs); err != nil {
		t.Fatal(err)
	}
	objs := s.objectsUnder(t, "asread", "topics/")
	if len(objs) != 1 {
		t.Fatalf("%d objects, want 1", len(objs))
	}
	for k, b := range objs {
		if string(b) != want {
			t.Errorf("object %s:\n%s\nwant:\n%s", k, b, want)
		}
	}
}

// TestIntegrationReleasesBatches holds the task to connect.BatchReleaser: the objects are
// the same when every batch's memory (records, their Partition and Offset, unbuilt JSON
// values) is overwritten once Put returns, as the runtime refills it, as when each batch
// stays the task's.
func TestIntegrationReleasesBatches(t *testing.T) {
	s := startS3(t)
	s.bucket(t, "released")
	conv := schemalessJSON(t)
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
