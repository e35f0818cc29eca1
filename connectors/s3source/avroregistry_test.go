package s3source

import (
	"context"
	"testing"
	"time"

	"github.com/hamba/avro/v2"
	"github.com/twmb/franz-go/pkg/sr"

	"github.com/connectless/connectless/core/connect"
	"github.com/connectless/connectless/core/convert"
	"github.com/connectless/connectless/core/kafka"
	"github.com/connectless/connectless/core/runtime"
	"github.com/connectless/connectless/infra/devstack"
	"github.com/connectless/connectless/infra/devstack/devstacktest"
)

// logLine is a restored value as an independent consumer reads it: franz-go's Serde with
// hamba/avro, under the schema the registry holds.
type logLine struct {
	Service string  `avro:"service"`
	Level   string  `avro:"level"`
	Seq     int64   `avro:"seq"`
	TS      int64   `avro:"ts"`
	Message *string `avro:"message"`
}

// TestIntegrationRestoreAvroArchiveWithAvroConverter archives Avro with the S3 sink's
// AvroFormat, restores it through the S3 source with value.converter=AvroConverter, and
// reads the restored topic with franz-go's Serde and hamba/avro: the values equal the
// originals and the schema is registered under the restored topic's <topic>-value subject.
func TestIntegrationRestoreAvroArchiveWithAvroConverter(t *testing.T) {
	s := startS3(t)
	s.bucket(t, "archive")
	client := startKafka(t)
	reg := devstacktest.SchemaRegistry(t, devstack.SchemaRegistryOptions{})
	sp := sinkProps(s, "archive", partitionerCases[0], formatCases[5]) // default, Avro deflate
	in := logs(structValues, 2, 9)
	archive(t, sp, in)

	key, err := convert.New("org.apache.kafka.connect.storage.StringConverter", nil, true)
	if err != nil {
		t.Fatal(err)
	}
	value, err := convert.New("io.confluent.connect.avro.AvroConverter", map[string]string{"schema.registry.url": reg.URL()}, false)
	if err != nil {
		t.Fatal(err)
	}
	header, err := convert.NewHeader("org.apache.kafka.connect.storage.SimpleHeaderConverter", nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	res, err := runSliceWith(ctx, t, client, NewTask(nil), sourceProps(sp, nil), newOffsets(), 0, runtime.Converters{Key: key, Value: value, Header: header})
	if err != nil {
		t.Fatal(err)
	}
	if res.Produced != len(in) {
		t.Fatalf("produced %d, want %d", res.Produced, len(in))
	}

	// The subject TopicNameStrategy names, read back over the registry's REST API.
	rc, err := sr.NewClient(sr.URLs(reg.URL()))
	if err != nil {
		t.Fatal(err)
	}
	ss, err := rc.SchemaByVersion(ctx, restored+"-value", -1)
	if err != nil {
		t.Fatalf("subject %s-value: %v", restored, err)
	}
	hs, err := avro.Parse(ss.Schema.Schema)
	if err != nil {
		t.Fatalf("registered schema %s: %v", ss.Schema.Schema, err)
	}
	if rs, ok := hs.(*avro.RecordSchema); !ok || rs.FullName() != "com.example.LogLine" {
		t.Errorf("registered schema %s: want record com.example.LogLine", ss.Schema.Schema)
	}
	var serde sr.Serde
	serde.Register(ss.ID, logLine{}, sr.DecodeFn(func(b []byte, v any) error { return avro.Unmarshal(hs, b, v) }))

	want := map[string]logLine{}
	for _, r := range in {
		st := r.Value.(*connect.Struct)
		l := logLine{Service: mustGet[string](t, st, "service"), Level: mustGet[string](t, st, "level"),
			Seq: mustGet[int64](t, st, "seq"), TS: mustGet[int64](t, st, "ts")}
		if m, _ := st.Get("message"); m != nil {
			msg := m.(string)
			l.Message = &msg
		}
		want[r.Key.(string)] = l
	}
	n := 0
	for p := range int32(2) {
		for _, m := range fetchAll(ctx, t, client, connect.TopicPartition{Topic: restored, Partition: p}) {
			var l logLine
			if err := serde.Decode(m.Value, &l); err != nil {
				t.Fatalf("partition %d offset %d: %v", p, m.Offset, err)
			}
			w, ok := want[string(m.Key)]
			if !ok {
				t.Fatalf("partition %d offset %d: unexpected key %q", p, m.Offset, m.Key)
			}
			sameMsg := (l.Message == nil) == (w.Message == nil) && (l.Message == nil || *l.Message == *w.Message)
			if !sameMsg || l.Service != w.Service || l.Level != w.Level || l.Seq != w.Seq || l.TS != w.TS {
				t.Errorf("key %s: restored %+v, archived %+v", m.Key, l, w)
			}
			delete(want, string(m.Key))
			n++
		}
	}
	if n != len(in) || len(want) != 0 {
		t.Fatalf("read %d restored records, %d archived ones missing", n, len(want))
	}
}

func mustGet[T any](t *testing.T, st *connect.Struct, field string) T {
	t.Helper()
	v, ok := st.Get(field)
	if !ok {
		t.Fatalf("no field %s", field)
	}
	return v.(T)
}

// fetchAll reads a partition from its start to its end offset.
func fetchAll(ctx context.Context, t *testing.T, c *kafka.Client, tp connect.TopicPartition) []kafka.Message {
	t.Helper()
	ends, err := c.EndOffsets(ctx, []connect.TopicPartition{tp})
	if err != nil {
		t.Fatal(err)
	}
	var out []kafka.Message
	for next := int64(0); next < ends[tp]; {
		fr, err := c.Fetch(ctx, tp, next, kafka.FetchOptions{})
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, fr.Messages...)
		next = fr.Next
	}
	return out
}
