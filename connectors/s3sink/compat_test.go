package s3sink

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"testing"

	"github.com/connectless/connectless/connectors/archive/format"
	"github.com/connectless/connectless/core/connect"
	"github.com/connectless/connectless/core/convert"
)

// userRecords are records whose values JsonConverter (schemas.enable=true) read from
// envelopes of schema versions vs: version 1 has id and name, version 2 adds an optional email.
func userRecords(t *testing.T, vs ...int) []connect.SinkRecord {
	t.Helper()
	conv := convert.NewJSONConverter()
	if err := conv.Configure(map[string]string{"schemas.enable": "true"}, false); err != nil {
		t.Fatal(err)
	}
	out := make([]connect.SinkRecord, len(vs))
	for i, v := range vs {
		fields := `{"field":"id","type":"int32","optional":false},{"field":"name","type":"string","optional":false}`
		payload := fmt.Sprintf(`{"id":%d,"name":"user-%d"}`, i, i)
		if v == 2 {
			fields += `,{"field":"email","type":"string","optional":true}`
			payload = fmt.Sprintf(`{"id":%d,"name":"user-%d","email":"u%d@example.com"}`, i, i, i)
		}
		version := fmt.Sprintf(`,"version":%d`, v)
		if v == 0 {
			version = ""
		}
		env := fmt.Sprintf(`{"schema":{"type":"struct","name":"com.acme.User"%s,"optional":false,"fields":[%s]},"payload":%s}`, version, fields, payload)
		s, val, err := conv.ToConnect("users", []byte(env))
		if err != nil {
			t.Fatalf("convert %s: %v", env, err)
		}
		r := connect.NewSinkRecord(appLogs.Topic, appLogs.Partition, int64(i))
		r.ValueSchema, r.Value = s, val
		out[i] = r
	}
	return out
}

// avroFiles reads every Avro value file under the bucket: start offset -> records.
func avroFiles(t *testing.T, s *testS3, bucket string) map[int64][]*connect.Struct {
	t.Helper()
	out := map[int64][]*connect.Struct{}
	for key, body := range s.objects(t, bucket) {
		c, _ := ParseConfig(s.props(bucket, nil))
		name, ok := c.ParseObjectKey(key)
		if !ok || !strings.HasSuffix(key, ".avro") {
			continue
		}
		r, err := format.NewReader(name.Ext, bytes.NewReader(body), format.Options{})
		if err != nil {
			t.Fatal(err)
		}
		for {
			_, v, err := r.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("%s: %v", key, err)
			}
			out[name.StartOffset] = append(out[name.StartOffset], v.(*connect.Struct))
		}
	}
	return out
}

// TestIntegrationSchemaCompatibility writes records whose schema goes from version 1 to 2,
// back to 1 and to 2 again, and checks where files rotate under each schema.compatibility.
// The rule is Confluent's (kafka-connect-storage-common StorageSchemaCompatibility, used by
// the S3 sink's TopicPartitionWriter): NONE rotates on any change; BACKWARD and FULL rotate
// when a record's schema version is higher than the open file's, and older records are
// projected into the newer file; FORWARD rotates when the version is lower.
func TestIntegrationSchemaCompatibility(t *testing.T) {
	s := startS3(t)
	versions := []int{1, 1, 2, 2, 1, 2}
	tests := []struct {
		compat string
		starts []int64 // start offsets of the files
		// fieldsAt gives the number of fields of the schema each record was stored with.
		fieldsAt []int
	}{
		{"NONE", []int64{0, 2, 4, 5}, []int{2, 2, 3, 3, 2, 3}},
		{"BACKWARD", []int64{0, 2}, []int{2, 2, 3, 3, 3, 3}},
		{"FULL", []int64{0, 2}, []int{2, 2, 3, 3, 3, 3}},
		{"FORWARD", []int64{0}, []int{2, 2, 2, 2, 2, 2}},
	}
	for _, tt := range tests {
		t.Run(tt.compat, func(t *testing.T) {
			bucket := "compat-" + strings.ToLower(tt.compat)
			s.bucket(t, bucket)
			rt := &stubRuntime{t: t, tps: []connect.TopicPartition{appLogs}}
			task := startTask(t, s.props(bucket, map[string]string{"format.class": AvroFormatClass, "flush.size": "100", "schema.compatibility": tt.compat}), rt)
			if err := task.Put(context.Background(), userRecords(t, versions...)); err != nil {
				t.Fatal(err)
			}
			if err := task.Flush(context.Background(), nil); err != nil {
				t.Fatal(err)
			}
			files := avroFiles(t, s, bucket)
			var starts []int64
			var fields []int
			for start := range files {
				starts = append(starts, start)
			}
			slices.Sort(starts)
			for _, start := range starts {
				for _, st := range files[start] {
					fields = append(fields, len(st.Schema().Fields))
				}
			}
			if !slices.Equal(starts, tt.starts) || !slices.Equal(fields, tt.fieldsAt) {
				t.Fatalf("files start at %v with fields %v, want %v with %v", starts, fields, tt.starts, tt.fieldsAt)
			}
			if tt.compat == "BACKWARD" {
				// Record 4 (version 1) went into the version 2 file: projected, email null.
				st := files[2][2]
				if id, _ := st.Get("id"); id != int32(4) {
					t.Fatalf("third record of the second file has id %v", id)
				}
				if email, _ := st.Get("email"); email != nil {
					t.Errorf("projected record has email %v, want null", email)
				}
			}
		})
	}
}

// Under BACKWARD a schema without a version cannot be compared: the record is reported as a
// data error (Confluent fails with "Schema version required for BACKWARD compatibility").
func TestIntegrationSchemaCompatibilityNeedsVersions(t *testing.T) {
	s := startS3(t)
	s.bucket(t, "compat-noversion")
	rt := &stubRuntime{t: t, tps: []connect.TopicPartition{appLogs}}
	task := startTask(t, s.props("compat-noversion", map[string]string{"format.class": AvroFormatClass, "flush.size": "100", "schema.compatibility": "BACKWARD"}), rt)
	recs := userRecords(t, 0, 0)
	recs[1].ValueSchema = userRecords(t, 2)[0].ValueSchema
	recs[1].Value = userRecords(t, 2)[0].Value
	if err := task.Put(context.Background(), recs); err != nil {
		t.Fatal(err)
	}
	if len(rt.reported) != 1 || rt.reported[0].KafkaOffset() != 0 && rt.reported[0].KafkaOffset() != 1 {
		t.Fatalf("reported %d records, want 1", len(rt.reported))
	}
	if !errors.Is(rt.errs[0], ErrData) || !strings.Contains(rt.errs[0].Error(), "schema version required for BACKWARD compatibility") {
		t.Errorf("reported error %v", rt.errs[0])
	}
}

// project follows Kafka's SchemaProjector: numbers widen, a field missing from the source
// takes the target's default (or null when optional), a required one without default fails.
func TestProject(t *testing.T) {
	v1 := connect.NewSchemaBuilder(connect.TypeStruct).Name("u").Field("n", connect.Int32Schema()).Build()
	withDefault := connect.NewSchemaBuilder(connect.TypeStruct).Name("u").Field("n", connect.Int64Schema()).
		Field("tier", connect.NewSchemaBuilder(connect.TypeString).Default("basic").Build()).Build()
	withRequired := connect.NewSchemaBuilder(connect.TypeStruct).Name("u").Field("n", connect.Int32Schema()).Field("must", connect.StringSchema()).Build()
	got, err := project(connect.NewStruct(v1).MustPut("n", int32(7)), v1, withDefault)
	if err != nil {
		t.Fatal(err)
	}
	st := got.(*connect.Struct)
	if n, _ := st.Get("n"); n != int64(7) {
		t.Errorf("n = %#v, want int64(7)", n)
	}
	if tier, _ := st.Get("tier"); tier != "basic" {
		t.Errorf("tier = %#v, want the default", tier)
	}
	if _, err := project(connect.NewStruct(v1).MustPut("n", int32(7)), v1, withRequired); err == nil {
		t.Error("projected onto a schema with a new required field")
	}
	if _, err := project(int64(1), connect.Int64Schema(), connect.Int32Schema()); err == nil {
		t.Error("narrowed int64 to int32")
	}
}
