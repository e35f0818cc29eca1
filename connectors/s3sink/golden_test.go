package s3sink

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hamba/avro/v2/ocf"
	"github.com/klauspost/compress/zstd"
	"github.com/parquet-go/parquet-go"

	"github.com/connectless/connectless/connectors/archive/format"
	"github.com/connectless/connectless/connectors/archive/layout"
	"github.com/connectless/connectless/core/connect"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata/")

func logLineSchema() *connect.Schema {
	return &connect.Schema{Type: connect.TypeStruct, Name: "com.acme.LogLine", Version: 1, Fields: []connect.Field{
		{Name: "service", Index: 0, Schema: &connect.Schema{Type: connect.TypeString}},
		{Name: "level", Index: 1, Schema: &connect.Schema{Type: connect.TypeString}},
		{Name: "region", Index: 2, Schema: &connect.Schema{Type: connect.TypeString}},
		{Name: "tier", Index: 3, Schema: &connect.Schema{Type: connect.TypeInt32}},
		{Name: "ts", Index: 4, Schema: &connect.Schema{Type: connect.TypeInt64, Name: connect.TimestampName, Version: 1}},
		{Name: "message", Index: 5, Schema: &connect.Schema{Type: connect.TypeString}},
		{Name: "latency_ms", Index: 6, Schema: &connect.Schema{Type: connect.TypeFloat64, Optional: true}},
		{Name: "tags", Index: 7, Schema: &connect.Schema{Type: connect.TypeArray, Optional: true, Value: &connect.Schema{Type: connect.TypeString}}},
	}}
}

// goldenRecords are 12 schema'd log lines at offsets 100..111 of partition 3, spread over
// hours around midnight in several zones, with string keys and one header each.
func goldenRecords(bytesValues bool) []connect.SinkRecord {
	s := logLineSchema()
	base := time.Date(2024, 1, 5, 22, 50, 0, 0, time.UTC)
	regions := []string{"eu", "us", "eu", "ap"}
	out := make([]connect.SinkRecord, 12)
	for i := range out {
		off := int64(100 + i)
		r := connect.NewSinkRecord("app-logs", 3, off)
		ts := base.Add(time.Duration(i) * 17 * time.Minute)
		r.Timestamp = ts
		r.KeySchema = &connect.Schema{Type: connect.TypeString}
		r.Key = fmt.Sprintf("req-%d", off)
		r.Headers = connect.Headers{{Key: "host", Value: fmt.Sprintf("web-%d", i%2)}}
		v := connect.NewStruct(s).
			MustPut("service", []string{"checkout", "search", "auth"}[i%3]).
			MustPut("level", []string{"INFO", "WARN", "ERROR", "DEBUG"}[i%4]).
			MustPut("region", regions[i%4]).
			MustPut("tier", int32(i%2+1)).
			MustPut("ts", ts).
			MustPut("message", fmt.Sprintf("request %d \"done\"\tin é/✓", off))
		if i%3 != 0 {
			v.MustPut("latency_ms", float64(i)*12.5+0.001)
			v.MustPut("tags", []any{"a", fmt.Sprint(i)})
		}
		r.ValueSchema, r.Value = s, v
		if bytesValues {
			jf, _ := format.New(JSONFormatClass, format.Options{})
			line, _ := jf.Encode(s, v)
			line = bytes.TrimSuffix(line, []byte("\n"))
			r.ValueSchema, r.Value = &connect.Schema{Type: connect.TypeBytes, Optional: true}, line
		}
		out[i] = r
	}
	return out
}

var goldenPartitioners = []struct {
	name  string
	props map[string]string
}{
	{"default", nil},
	{"field", map[string]string{"partitioner.class": FieldPartitionerClass, "partition.field.name": "region, tier"}},
	{"timebased", map[string]string{"partitioner.class": TimeBasedPartitionerClass, "path.format": "'dt'=YYYY-MM-dd/'hour'=HH/", "partition.duration.ms": "3600000", "locale": "en-US", "timezone": "America/New_York", "timestamp.extractor": "Record"}},
	{"daily", map[string]string{"partitioner.class": DailyPartitionerClass, "locale": "en", "timezone": "UTC", "timestamp.extractor": "RecordField", "timestamp.field": "ts"}},
	{"hourly", map[string]string{"partitioner.class": HourlyPartitionerClass, "locale": "en", "timezone": "+05:30", "timestamp.extractor": "Record"}},
}

var goldenFormats = []struct {
	name  string
	props map[string]string
}{
	{"json-none", map[string]string{"format.class": JSONFormatClass, "store.kafka.keys": "true", "keys.format.class": JSONFormatClass, "store.kafka.headers": "true", "headers.format.class": JSONFormatClass}},
	{"json-gzip", map[string]string{"format.class": JSONFormatClass, "s3.compression.type": "gzip", "store.kafka.keys": "true", "keys.format.class": JSONFormatClass}},
	{"json-zstd", map[string]string{"format.class": JSONFormatClass, "s3.compression.type": "zstd"}},
	{"bytearray-none", map[string]string{"format.class": ByteArrayFormatClass}},
	{"bytearray-gzip", map[string]string{"format.class": ByteArrayFormatClass, "s3.compression.type": "gzip", "format.bytearray.separator": "|"}},
	{"bytearray-zstd", map[string]string{"format.class": ByteArrayFormatClass, "s3.compression.type": "zstd", "format.bytearray.extension": ".log"}},
	{"avro-null", map[string]string{"format.class": AvroFormatClass, "store.kafka.keys": "true", "store.kafka.headers": "true"}},
	{"avro-deflate", map[string]string{"format.class": AvroFormatClass, "avro.codec": "deflate"}},
	{"avro-snappy", map[string]string{"format.class": AvroFormatClass, "avro.codec": "snappy"}},
	{"parquet-snappy", map[string]string{"format.class": ParquetFormatClass}},
	{"parquet-gzip", map[string]string{"format.class": ParquetFormatClass, "parquet.codec": "gzip"}},
	{"parquet-none", map[string]string{"format.class": ParquetFormatClass, "parquet.codec": "none"}},
	{"parquet-zstd", map[string]string{"format.class": ParquetFormatClass, "parquet.codec": "zstd", "store.kafka.headers": "true", "headers.format.class": ParquetFormatClass}},
}

// TestIntegrationGoldenObjects writes the golden records through the task for every
// partitioner × format × compression and compares keys and (decompressed) contents with
// testdata/objects; Avro and Parquet objects are read back and compared as values.
func TestIntegrationGoldenObjects(t *testing.T) {
	s := startS3(t)
	s.bucket(t, "golden")
	for _, p := range goldenPartitioners {
		for _, f := range goldenFormats {
			name := p.name + "-" + f.name
			t.Run(name, func(t *testing.T) {
				ctx := context.Background()
				props := s.props("golden", map[string]string{"flush.size": "5", "topics.dir": name})
				for k, v := range p.props {
					props[k] = v
				}
				for k, v := range f.props {
					props[k] = v
				}
				rt := &stubRuntime{t: t, tps: []connect.TopicPartition{appLogs}}
				task := startTask(t, props, rt)
				recs := goldenRecords(strings.HasPrefix(f.name, "bytearray"))
				if err := task.Put(ctx, recs); err != nil {
					t.Fatal(err)
				}
				if _, err := task.PreCommit(ctx, nil); err != nil {
					t.Fatal(err)
				}
				objs := s.objectsUnder(t, "golden", name+"/")
				checkGolden(t, filepath.Join("testdata", "objects", name+".golden"), renderObjects(t, objs, len(rt.reported)))
			})
		}
	}
}

// TestGoldenObjectsOffline renders the same golden records with the partitioners and formats
// alone (no S3: a plain loop applies flush.size), and compares with the same golden files, so
// keys and bytes are checked where versitygw is not available.
func TestGoldenObjectsOffline(t *testing.T) {
	for _, p := range goldenPartitioners {
		for _, f := range goldenFormats {
			name := p.name + "-" + f.name
			t.Run(name, func(t *testing.T) {
				props := baseProps(map[string]string{"flush.size": "5", "topics.dir": name, "topics": "app-logs"})
				for k, v := range p.props {
					props[k] = v
				}
				for k, v := range f.props {
					props[k] = v
				}
				objs, reported := renderOffline(t, props, goldenRecords(strings.HasPrefix(f.name, "bytearray")))
				want, err := os.ReadFile(filepath.Join("testdata", "objects", name+".golden"))
				if err != nil {
					t.Fatal(err)
				}
				if got := renderObjects(t, objs, reported); !bytes.Equal(got, want) {
					t.Errorf("offline rendering differs from %s:\n--- got\n%s\n--- want\n%s", name, got, want)
				}
			})
		}
	}
}

// renderOffline applies the partitioner, flush.size and the formats to records, as the task
// does without rotate.interval.ms, and returns the objects by key and the rejected count.
func renderOffline(t *testing.T, props map[string]string, recs []connect.SinkRecord) (map[string][]byte, int) {
	t.Helper()
	c, err := ParseConfig(props)
	if err != nil {
		t.Fatal(err)
	}
	part, err := layout.NewPartitioner(&c.Layout)
	if err != nil {
		t.Fatal(err)
	}
	var formats [3]format.Format
	classes := [3]string{c.FormatClass, c.KeysFormatClass, c.HeadersFormatClass}
	stored := [3]bool{true, c.StoreKeys, c.StoreHeaders}
	for v := range formats {
		if stored[v] {
			if formats[v], err = newFormat(c, classes[v]); err != nil {
				t.Fatal(err)
			}
		}
	}
	type file struct {
		start   int64
		count   int
		schemas [3]*connect.Schema
		data    [3][]byte
	}
	objs := map[string][]byte{}
	files := map[string]*file{}
	var order []string
	count, reported := 0, 0
	closeAll := func() {
		for _, enc := range order {
			f := files[enc]
			for v, fm := range formats {
				if fm == nil {
					continue
				}
				var dst bytes.Buffer
				if err := fm.Finish(&dst, bytes.NewReader(f.data[v]), f.schemas[v], f.count); err != nil {
					t.Fatal(err)
				}
				objs[c.ObjectKey("app-logs", 3, enc, f.start, layout.View(v).Suffix()+fm.Extension())] = dst.Bytes()
			}
		}
		clear(files)
		order, count = nil, 0
	}
next:
	for i := range recs {
		rec := &recs[i]
		enc, err := part.Encode(rec, 0)
		if err != nil {
			reported++
			continue
		}
		var enced [3][]byte
		var schemas [3]*connect.Schema
		for v, fm := range formats {
			if fm == nil {
				continue
			}
			sch, val, err := pick(layout.View(v), rec)
			if err == nil {
				enced[v], err = fm.Encode(sch, val)
			}
			if err != nil {
				reported++
				continue next
			}
			schemas[v] = sch
		}
		f, ok := files[enc]
		if !ok {
			f = &file{start: rec.KafkaOffset(), schemas: schemas}
			files[enc] = f
			order = append(order, enc)
		}
		for v := range enced {
			f.data[v] = append(f.data[v], enced[v]...)
		}
		f.count++
		if count++; count >= int(c.FlushSize) {
			closeAll()
		}
	}
	closeAll()
	return objs, reported
}

// renderObjects renders objects in key order, then the count of rejected records.
func renderObjects(t *testing.T, objs map[string][]byte, reported int) []byte {
	t.Helper()
	var out bytes.Buffer
	for _, k := range slices.Sorted(maps.Keys(objs)) {
		fmt.Fprintf(&out, "== %s\n%s", k, renderObject(t, k, objs[k]))
	}
	fmt.Fprintf(&out, "-- reported: %d\n", reported)
	return out.Bytes()
}

// renderObject returns an object's records as text: decompressed bytes for JSON and
// ByteArray, one JSON document per record for Avro and Parquet.
func renderObject(t *testing.T, key string, b []byte) []byte {
	t.Helper()
	switch {
	case strings.HasSuffix(key, ".gz") && !strings.HasSuffix(key, ".parquet"):
		return append(gunzip(t, b), '\n')
	case strings.HasSuffix(key, ".zst"):
		d, err := zstd.NewReader(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		defer d.Close()
		out, err := io.ReadAll(d)
		if err != nil {
			t.Fatalf("zstd %s: %v", key, err)
		}
		return append(out, '\n')
	case strings.HasSuffix(key, ".avro"):
		dec, err := ocf.NewDecoder(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("avro %s: %v", key, err)
		}
		out := []byte("schema " + string(dec.Metadata()["avro.schema"]) + "\n")
		for dec.HasNext() {
			var v any
			if err := dec.Decode(&v); err != nil {
				t.Fatalf("avro %s: %v", key, err)
			}
			j, _ := json.Marshal(v)
			out = append(append(out, j...), '\n')
		}
		if dec.Error() != nil {
			t.Fatalf("avro %s: %v", key, dec.Error())
		}
		return out
	case strings.HasSuffix(key, ".parquet"):
		f, err := parquet.OpenFile(bytes.NewReader(b), int64(len(b)))
		if err != nil {
			t.Fatalf("parquet %s: %v", key, err)
		}
		out := []byte("schema " + strings.Join(strings.Fields(f.Schema().String()), " ") + "\n")
		r := parquet.NewGenericReader[any](bytes.NewReader(b))
		rows := make([]any, f.NumRows())
		if n, err := r.Read(rows); n != len(rows) {
			t.Fatalf("parquet %s: read %d of %d rows: %v", key, n, len(rows), err)
		}
		for _, row := range rows {
			j, _ := json.Marshal(row)
			out = append(append(out, j...), '\n')
		}
		return out
	}
	return append(b, '\n')
}

func checkGolden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden (run with -update to create): %v", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs (run with -update to accept):\n--- got\n%s\n--- want\n%s", path, got, want)
	}
}
