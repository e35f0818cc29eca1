package s3source

import (
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/connectless/connectless/connectors/s3sink"
	"github.com/connectless/connectless/core/connect"
)

var logSchema = &connect.Schema{Type: connect.TypeStruct, Name: "com.example.LogLine", Fields: []connect.Field{
	{Name: "service", Index: 0, Schema: connect.StringSchema()},
	{Name: "level", Index: 1, Schema: connect.StringSchema()},
	{Name: "seq", Index: 2, Schema: connect.Int64Schema()},
	{Name: "ts", Index: 3, Schema: connect.Int64Schema()},
	{Name: "message", Index: 4, Schema: connect.OptionalStringSchema()},
}}

var base = time.Date(2024, 1, 5, 7, 0, 0, 0, time.UTC)

// valueKind is how the archived records carry their values.
type valueKind int

const (
	structValues valueKind = iota // schema'd Structs (all formats but ByteArray)
	mapValues                     // schemaless maps (JSON)
	byteValues                    // raw bytes (ByteArray)
)

// logs returns n records per partition of app-logs, 12 minutes apart in record time, with
// keys and headers.
func logs(kind valueKind, partitions, n int) []connect.SinkRecord {
	var out []connect.SinkRecord
	for p := range partitions {
		for i := range n {
			off := int64(100*p + i)
			r := connect.NewSinkRecord("app-logs", int32(p), off)
			ts := base.Add(time.Duration(i) * 12 * time.Minute)
			r.Timestamp = ts
			svc := []string{"api", "db"}[i%2]
			switch kind {
			case structValues:
				st := connect.NewStruct(logSchema).MustPut("service", svc).MustPut("level", "INFO").
					MustPut("seq", off).MustPut("ts", ts.UnixMilli())
				if i%3 != 0 {
					st.MustPut("message", fmt.Sprintf("line %d of %d", off, p))
				}
				r.ValueSchema, r.Value = logSchema, st
			case mapValues:
				r.Value = map[string]any{"service": svc, "level": "WARN", "seq": off, "ts": ts.UnixMilli(), "tags": []any{"a", int64(i)}}
			case byteValues:
				r.ValueSchema = connect.OptionalBytesSchema()
				r.Value = []byte(fmt.Sprintf(`raw %d|ts=%d`, off, ts.UnixMilli()))
			}
			if kind == byteValues {
				r.KeySchema, r.Key = connect.OptionalBytesSchema(), []byte("k"+strconv.FormatInt(off, 10))
			} else {
				r.KeySchema, r.Key = connect.StringSchema(), "k"+strconv.FormatInt(off, 10)
			}
			r.Headers = connect.Headers{{Key: "trace", Schema: connect.StringSchema(), Value: fmt.Sprintf("t-%d", off)}, {Key: "svc", Schema: connect.StringSchema(), Value: svc}}
			out = append(out, r)
		}
	}
	return out
}

type partitionerCase struct {
	name        string
	props       map[string]string
	field       bool // needs Struct values
	recordField bool
}

var partitionerCases = []partitionerCase{
	{name: "default", props: map[string]string{}},
	{name: "field", field: true, props: map[string]string{"partitioner.class": s3sink.FieldPartitionerClass, "partition.field.name": "service"}},
	{name: "hourly", props: map[string]string{"partitioner.class": s3sink.HourlyPartitionerClass, "locale": "en", "timezone": "UTC",
		"timestamp.extractor": "Record"}},
	{name: "timebased-recordfield", recordField: true, props: map[string]string{"partitioner.class": s3sink.TimeBasedPartitionerClass,
		"path.format": "'dt'=YYYY-MM-dd/'h'=HH", "partition.duration.ms": "7200000", "locale": "en", "timezone": "UTC",
		"timestamp.extractor": "RecordField", "timestamp.field": "ts"}},
}

type formatCase struct {
	name  string
	kind  valueKind
	props map[string]string
}

var formatCases = []formatCase{
	{name: "json-struct", kind: structValues, props: map[string]string{"format.class": s3sink.JSONFormatClass, "keys.format.class": s3sink.JSONFormatClass, "headers.format.class": s3sink.JSONFormatClass}},
	{name: "json-map-gzip", kind: mapValues, props: map[string]string{"format.class": s3sink.JSONFormatClass, "s3.compression.type": "gzip", "keys.format.class": s3sink.JSONFormatClass, "headers.format.class": s3sink.JSONFormatClass}},
	{name: "json-map-zstd", kind: mapValues, props: map[string]string{"format.class": s3sink.JSONFormatClass, "s3.compression.type": "zstd", "keys.format.class": s3sink.JSONFormatClass, "headers.format.class": s3sink.JSONFormatClass}},
	{name: "bytes", kind: byteValues, props: map[string]string{"format.class": s3sink.ByteArrayFormatClass, "keys.format.class": s3sink.ByteArrayFormatClass, "headers.format.class": s3sink.JSONFormatClass}},
	{name: "bytes-gzip", kind: byteValues, props: map[string]string{"format.class": s3sink.ByteArrayFormatClass, "s3.compression.type": "gzip", "keys.format.class": s3sink.ByteArrayFormatClass, "headers.format.class": s3sink.JSONFormatClass}},
	{name: "avro-deflate", kind: structValues, props: map[string]string{"format.class": s3sink.AvroFormatClass, "avro.codec": "deflate", "keys.format.class": s3sink.AvroFormatClass, "headers.format.class": s3sink.AvroFormatClass}},
	{name: "avro-snappy", kind: structValues, props: map[string]string{"format.class": s3sink.AvroFormatClass, "avro.codec": "snappy", "keys.format.class": s3sink.AvroFormatClass, "headers.format.class": s3sink.AvroFormatClass}},
	{name: "parquet", kind: structValues, props: map[string]string{"format.class": s3sink.ParquetFormatClass, "keys.format.class": s3sink.JSONFormatClass, "headers.format.class": s3sink.ParquetFormatClass}},
}

// sinkProps is an archive configuration for one partitioner and format.
func sinkProps(s *testS3, bucket string, pc partitionerCase, fc formatCase) map[string]string {
	p := s.common(bucket, map[string]string{
		"connector.class": s3sink.ConnectorClass, "topics": "app-logs", "storage.class": s3sink.StorageClass,
		"flush.size": "4", "store.kafka.keys": "true", "store.kafka.headers": "true",
	})
	for _, m := range []map[string]string{pc.props, fc.props} {
		for k, v := range m {
			p[k] = v
		}
	}
	return p
}

// sharedKeys are the keys the source takes from the configuration of the sink that wrote
// the bucket.
var sharedKeys = []string{"format.class", "topics.dir", "directory.delim", "file.delim", "partitioner.class", "partition.duration.ms",
	"path.format", "locale", "timezone", "timestamp.extractor", "timestamp.field", "format.bytearray.extension",
	"format.bytearray.separator", "s3.bucket.name", "s3.region", "store.url", "s3.path.style.access.enabled", "s3.wan.mode",
	"aws.access.key.id", "aws.secret.access.key", "s3.part.retries", "s3.retry.backoff.ms"}

// sourceProps derives a restore configuration from an archive configuration: the layout
// keys are copied as they are.
func sourceProps(sink map[string]string, extra map[string]string) map[string]string {
	p := map[string]string{"connector.class": ConnectorClass, "topic.rename.format": "${topic}-restored"}
	for _, k := range sharedKeys {
		if v, ok := sink[k]; ok {
			p[k] = v
		}
	}
	for k, v := range extra {
		p[k] = v
	}
	return p
}

// expectation renders an archived record as the restore should return it.
type expectation struct {
	key, value any
	headers    []string
	ts         int64
}

func expected(r connect.SinkRecord, recordField bool) expectation {
	e := expectation{key: normal(r.Key), value: normal(r.Value), headers: headerPairs(r.Headers)}
	if recordField {
		e.ts = r.Timestamp.UnixMilli()
	}
	return e
}

func got(r connect.SourceRecord) expectation {
	e := expectation{key: normal(r.Key), value: normal(r.Value), headers: headerPairs(r.Headers)}
	if !r.Timestamp.IsZero() {
		e.ts = r.Timestamp.UnixMilli()
	}
	return e
}

// byPartition groups records by archived partition, in order.
func byPartition[T any](recs []T, part func(T) int32) map[int32][]T {
	out := map[int32][]T{}
	for _, r := range recs {
		out[part(r)] = append(out[part(r)], r)
	}
	return out
}

func TestIntegrationRestoreEveryPartitionerAndFormat(t *testing.T) {
	s := startS3(t)
	n := 0
	for _, pc := range partitionerCases {
		for _, fc := range formatCases {
			if (pc.field || pc.recordField) && fc.kind == byteValues {
				continue // FieldPartitioner and RecordField need field values
			}
			if pc.field && fc.kind == mapValues {
				continue // FieldPartitioner needs Structs (as Confluent's)
			}
			n++
			bucket := fmt.Sprintf("b%02d", n)
			t.Run(pc.name+"/"+fc.name, func(t *testing.T) {
				t.Parallel()
				s.bucket(t, bucket)
				in := logs(fc.kind, 2, 11)
				sp := sinkProps(s, bucket, pc, fc)
				archive(t, sp, in)
				out := restoreAll(t, sourceProps(sp, nil), nil)
				if len(out) != len(in) {
					t.Fatalf("restored %d records, want %d", len(out), len(in))
				}
				want := byPartition(in, func(r connect.SinkRecord) int32 { return r.KafkaPartition() })
				have := byPartition(out, func(r connect.SourceRecord) int32 { return *r.Partition })
				for p, recs := range want {
					if len(have[p]) != len(recs) {
						t.Fatalf("partition %d: %d records, want %d", p, len(have[p]), len(recs))
					}
					if pc.field {
						// Files of different directories interleave in offset: order holds
						// within each directory (service), and files go by first offset.
						recs = fieldOrder(recs)
					}
					for i, r := range recs {
						w, g := expected(r, pc.recordField), got(have[p][i])
						if !reflect.DeepEqual(w, g) {
							t.Fatalf("partition %d record %d:\n got %#v\nwant %#v", p, i, g, w)
						}
						if have[p][i].Topic != "app-logs-restored" {
							t.Fatalf("topic %q", have[p][i].Topic)
						}
					}
				}
			})
		}
	}
}

// hourOf returns the records of partition p whose record time is in [from, to).
func between(in []connect.SinkRecord, from, to time.Time) []connect.SinkRecord {
	var out []connect.SinkRecord
	for _, r := range in {
		if !r.Timestamp.Before(from) && r.Timestamp.Before(to) {
			out = append(out, r)
		}
	}
	return out
}

func TestIntegrationRestoreFilters(t *testing.T) {
	s := startS3(t)
	s.bucket(t, "hourly")
	s.bucket(t, "recfield")
	hourly := sinkProps(s, "hourly", partitionerCases[2], formatCases[1])
	recField := sinkProps(s, "recfield", partitionerCases[3], formatCases[0])
	inMaps := logs(mapValues, 2, 20)
	inStructs := logs(structValues, 2, 20)
	archive(t, hourly, inMaps)
	archive(t, recField, inStructs)
	h8, h9 := base.Add(time.Hour), base.Add(2*time.Hour)
	tests := []struct {
		name  string
		sink  map[string]string
		in    []connect.SinkRecord
		extra map[string]string
		want  []connect.SinkRecord
	}{
		{"one hour, bucket-aligned ISO", hourly, inMaps,
			map[string]string{"restore.time.start": "2024-01-05T08:00:00Z", "restore.time.end": "2024-01-05T09:00:00Z"}, between(inMaps, h8, h9)},
		{"one hour, epoch ms", hourly, inMaps,
			map[string]string{"restore.time.start": strconv.FormatInt(h8.UnixMilli(), 10), "restore.time.end": strconv.FormatInt(h9.UnixMilli(), 10)}, between(inMaps, h8, h9)},
		{"open end", hourly, inMaps,
			map[string]string{"restore.time.start": "2024-01-05T09:00"}, between(inMaps, h9, base.Add(100*time.Hour))},
		{"record field, unaligned", recField, inStructs,
			map[string]string{"restore.time.start": "2024-01-05T07:30:00Z", "restore.time.end": "2024-01-05T08:30:00Z"},
			between(inStructs, base.Add(30*time.Minute), base.Add(90*time.Minute))},
		{"offset range", hourly, inMaps, map[string]string{"restore.offset.start": "5", "restore.offset.end": "105"},
			slices.DeleteFunc(slices.Clone(inMaps), func(r connect.SinkRecord) bool { return r.KafkaOffset() < 5 || r.KafkaOffset() >= 105 })},
		{"offset and time", recField, inStructs, map[string]string{"restore.offset.start": "3", "restore.time.end": "2024-01-05T08:00:00Z"},
			slices.DeleteFunc(between(inStructs, base, h8), func(r connect.SinkRecord) bool { return r.KafkaOffset() < 3 })},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			out := restoreAll(t, sourceProps(tc.sink, tc.extra), nil)
			var gotOffs, wantOffs []string
			for _, r := range out {
				gotOffs = append(gotOffs, fmt.Sprint(normal(r.Value).(map[string]any)["seq"]))
			}
			for _, r := range tc.want {
				wantOffs = append(wantOffs, strconv.FormatInt(r.KafkaOffset(), 10))
			}
			slices.Sort(gotOffs)
			slices.Sort(wantOffs)
			if len(wantOffs) == 0 || !slices.Equal(gotOffs, wantOffs) {
				t.Fatalf("restored offsets %v, want %v", gotOffs, wantOffs)
			}
		})
	}
}

func TestParseConfigErrors(t *testing.T) {
	ok := map[string]string{"format.class": s3sink.JSONFormatClass, "s3.bucket.name": "b"}
	tests := []struct {
		name  string
		extra map[string]string
		want  string
	}{
		{"unknown format", map[string]string{"format.class": "com.example.CsvFormat"}, "format.class"},
		{"no bucket", map[string]string{"s3.bucket.name": ""}, "s3.bucket.name"},
		{"bad time", map[string]string{"restore.time.start": "yesterday"}, "restore.time.start"},
		{"time without timestamps", map[string]string{"restore.time.start": "2024-01-05"}, "time-based"},
		{"end before start", map[string]string{"partitioner.class": s3sink.HourlyPartitionerClass, "locale": "en", "timezone": "UTC",
			"restore.time.start": "2024-01-05T09:00Z", "restore.time.end": "2024-01-05T08:00Z"}, "must be after"},
		{"offsets reversed", map[string]string{"restore.offset.start": "10", "restore.offset.end": "5"}, "must be above"},
		{"hourly without timezone", map[string]string{"partitioner.class": s3sink.HourlyPartitionerClass}, "imezone"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			props := map[string]string{}
			for _, m := range []map[string]string{ok, tc.extra} {
				for k, v := range m {
					props[k] = v
				}
			}
			_, err := ParseConfig(props)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want one naming %q", err, tc.want)
			}
		})
	}
	if _, err := ParseConfig(ok); err != nil {
		t.Fatalf("minimal config: %v", err)
	}
}

// fieldOrder is the order a restore of a FieldPartitioner (service) archive with flush.size
// 4 yields: file by file in order of first offset, each file's records in offset order.
func fieldOrder(recs []connect.SinkRecord) []connect.SinkRecord {
	type file struct {
		first int64
		recs  []connect.SinkRecord
	}
	var files []*file
	open := map[string]*file{}
	pending := 0
	for _, r := range recs {
		svc, _ := r.Value.(*connect.Struct).Get("service")
		f := open[svc.(string)]
		if f == nil {
			f = &file{first: r.KafkaOffset()}
			open[svc.(string)] = f
			files = append(files, f)
		}
		f.recs = append(f.recs, r)
		if pending++; pending == 4 { // flush.size counts the records of all open files of the partition
			open, pending = map[string]*file{}, 0
		}
	}
	slices.SortStableFunc(files, func(a, b *file) int { return int(a.first - b.first) })
	var out []connect.SinkRecord
	for _, f := range files {
		out = append(out, f.recs...)
	}
	return out
}

func TestIntegrationRestoreTombstones(t *testing.T) {
	s := startS3(t)
	s.bucket(t, "archive")
	sp := sinkProps(s, "archive", partitionerCases[0], formatCases[1])
	sp["behavior.on.null.values"] = "write"
	in := logs(mapValues, 1, 10)
	for i := range in {
		if i%3 == 1 {
			in[i].Value = nil
		}
	}
	archive(t, sp, in)
	out := restoreAll(t, sourceProps(sp, nil), nil)
	got := map[string]any{}
	for _, r := range out {
		got[r.Key.(string)] = normal(r.Value)
	}
	if len(out) != len(in) || len(got) != len(in) {
		t.Fatalf("restored %d records (%d keys), want %d", len(out), len(got), len(in))
	}
	for _, r := range in {
		if w := normal(r.Value); !reflect.DeepEqual(got[r.Key.(string)], w) {
			t.Errorf("key %v: value %v, want %v", r.Key, got[r.Key.(string)], w)
		}
	}
}
