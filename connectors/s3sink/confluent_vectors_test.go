package s3sink

import (
	"bytes"
	"context"
	"fmt"
	"maps"
	"slices"
	"testing"

	"github.com/connectless/connectless/core/connect"
)

// Object keys and JSON lines as Confluent's S3 sink writes them, from the outside:
//   - the keys of Confluent's "Amazon S3 Sink Connector" quick start (topic s3_topic,
//     flush.size=3, nine records, AvroFormat): topics/s3_topic/partition=0/
//     s3_topic+0+0000000000.avro, ...+0000000003.avro, ...+0000000006.avro (the pattern
//     topics/<topic>/partition=<n>/<topic>+<n>+<start offset, 10 digits>.<extension> is also
//     in Aiven's "S3 sink connector by Confluent naming and data formats");
//   - JsonFormat writes a Struct through Kafka's JsonConverter without schemas, so a line is the
//     payload Kafka's JsonConverterTest.structToJson expects:
//     {"field1":true,"field2":"string2","field3":"string3","field4":false}.
func TestIntegrationConfluentVectors(t *testing.T) {
	s := startS3(t)
	ctx := context.Background()
	tp := connect.TopicPartition{Topic: "s3_topic", Partition: 0}

	myrecord := connect.StructBuilder().Name("myrecord").Field("f1", connect.StringSchema()).Build()
	fields := connect.StructBuilder().Field("field1", connect.BooleanSchema()).Field("field2", connect.StringSchema()).
		Field("field3", connect.StringSchema()).Field("field4", connect.BooleanSchema()).Build()
	for _, tc := range []struct {
		format string
		value  func(i int) any
		schema *connect.Schema
		keys   []string
		line   string // the first line of the first object, for JSON
	}{
		{AvroFormatClass, func(i int) any { return connect.NewStruct(myrecord).MustPut("f1", fmt.Sprintf("value%d", i+1)) }, myrecord,
			[]string{"topics/s3_topic/partition=0/s3_topic+0+0000000000.avro", "topics/s3_topic/partition=0/s3_topic+0+0000000003.avro",
				"topics/s3_topic/partition=0/s3_topic+0+0000000006.avro"}, ""},
		{JSONFormatClass, func(int) any {
			return connect.NewStruct(fields).MustPut("field1", true).MustPut("field2", "string2").MustPut("field3", "string3").MustPut("field4", false)
		}, fields,
			[]string{"topics/s3_topic/partition=0/s3_topic+0+0000000000.json", "topics/s3_topic/partition=0/s3_topic+0+0000000003.json",
				"topics/s3_topic/partition=0/s3_topic+0+0000000006.json"},
			`{"field1":true,"field2":"string2","field3":"string3","field4":false}` + "\n"},
	} {
		t.Run(tc.format, func(t *testing.T) {
			bucket := "vectors-" + tc.keys[0][len(tc.keys[0])-4:] // vectors-avro, vectors-json
			s.bucket(t, bucket)
			rt := &stubRuntime{t: t, tps: []connect.TopicPartition{tp}}
			task := startTask(t, s.props(bucket, map[string]string{"topics": "s3_topic", "format.class": tc.format}), rt)
			recs := make([]connect.SinkRecord, 9)
			for i := range recs {
				recs[i] = connect.NewSinkRecord(tp.Topic, tp.Partition, int64(i))
				recs[i].ValueSchema, recs[i].Value = tc.schema, tc.value(i)
			}
			if err := rt.slice(ctx, task, []partitionLog{{tp: tp, records: recs}}, map[connect.TopicPartition]int64{tp: 0}, 9, -1); err != nil {
				t.Fatal(err)
			}
			if _, err := task.PreCommit(ctx, nil); err != nil {
				t.Fatal(err)
			}
			objs := s.objects(t, bucket)
			if keys := slices.Sorted(maps.Keys(objs)); !slices.Equal(keys, tc.keys) {
				t.Fatalf("keys %v, want %v", keys, tc.keys)
			}
			if tc.line != "" && !bytes.HasPrefix(objs[tc.keys[0]], []byte(tc.line)) {
				t.Fatalf("first line %q, want %q", objs[tc.keys[0]], tc.line)
			}
		})
	}
}
