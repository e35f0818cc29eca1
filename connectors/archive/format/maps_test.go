package format

import (
	"bytes"
	"fmt"
	"io"
	"reflect"
	"testing"

	"github.com/hamba/avro/v2/ocf"
	"github.com/parquet-go/parquet-go"

	"github.com/connectless/connectless/core/connect"
)

// spoolOf encodes values with f into one spool, as the sink's open file holds them.
func spoolOf(t *testing.T, f Format, s *connect.Schema, values ...any) []byte {
	t.Helper()
	var spool []byte
	for _, v := range values {
		b, err := f.Encode(s, v)
		if err != nil {
			t.Fatalf("encode %v: %v", v, err)
		}
		spool = append(spool, b...)
	}
	return spool
}

// finish turns a spool into the final object.
func finish(t *testing.T, f Format, s *connect.Schema, spool []byte, count int) []byte {
	t.Helper()
	var out bytes.Buffer
	if err := f.Finish(&out, bytes.NewReader(spool), s, count); err != nil {
		t.Fatalf("finish: %v", err)
	}
	return out.Bytes()
}

// readAll reads every record of an object with the format readers.
func readAll(t *testing.T, ext string, obj []byte) []any {
	t.Helper()
	r, err := NewReader(ext, bytes.NewReader(obj), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var out []any
	for {
		_, v, err := r.Next()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, v)
	}
}

// optionalKeyMapRecord is a struct holding a map whose key schema is an optional string: Avro
// writes such a map as an array of key/value records (Confluent's AvroData does, unless
// allow.optional.map.keys), not as an Avro map.
func optionalKeyMapRecord() (*connect.Schema, *connect.Struct) {
	m := &connect.Schema{Type: connect.TypeMap, Key: connect.OptionalStringSchema(), Value: connect.Int32Schema()}
	s := &connect.Schema{Type: connect.TypeStruct, Name: "com.acme.Counts", Fields: []connect.Field{
		{Name: "id", Index: 0, Schema: connect.StringSchema()},
		{Name: "counts", Index: 1, Schema: m},
	}}
	v := connect.NewStruct(s).MustPut("id", "x").MustPut("counts", map[any]any{"a": int32(1), "b": int32(2), nil: int32(3)})
	return s, v
}

// A map with optional string keys passes ParquetFormat's schema check, so finishing the file
// must work: it used to read the key of the spooled datum as raw bytes and fail with
// "truncated datum" at upload time. The file holds the map as a list of key/value groups (as
// parquet-avro writes the Avro array of MapEntry records), which parquet-go reads on its own,
// and the format's reader gives the map back.
func TestParquetMapWithOptionalStringKeys(t *testing.T) {
	s, v := optionalKeyMapRecord()
	f, err := New(ParquetFormatClass, Options{ParquetCodec: "snappy"})
	if err != nil {
		t.Fatal(err)
	}
	obj := finish(t, f, s, spoolOf(t, f, s, v), 1)

	pf, err := parquet.OpenFile(bytes.NewReader(obj), int64(len(obj)))
	if err != nil {
		t.Fatalf("parquet-go cannot open the file: %v", err)
	}
	rows := make([]any, pf.NumRows())
	if n, err := parquet.NewGenericReader[any](bytes.NewReader(obj)).Read(rows); n != 1 {
		t.Fatalf("parquet-go read %d rows: %v", n, err)
	}
	got := map[string]any{}
	row, _ := rows[0].(map[string]any)
	entries, ok := row["counts"].([]any)
	if !ok {
		t.Fatalf("counts column is %T (%v), want a list of key/value groups", row["counts"], row["counts"])
	}
	for _, e := range entries {
		kv := e.(map[string]any)
		got[fmt.Sprint(kv["key"])] = kv["value"]
	}
	want := map[string]any{"a": int32(1), "b": int32(2), "<nil>": int32(3)}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("parquet-go read %v, want %v", got, want)
	}

	back := readAll(t, ".snappy.parquet", obj)
	if len(back) != 1 {
		t.Fatalf("reader returned %d records", len(back))
	}
	m, _ := back[0].(*connect.Struct).Get("counts")
	if !reflect.DeepEqual(m, map[any]any{"a": int32(1), "b": int32(2), nil: int32(3)}) {
		t.Errorf("reader gives counts %#v", m)
	}
}

// AvroFormat writes the same bytes for the same records: map entries are not written in Go's
// random map order. The records of an object are compared block by block (the container's
// sync marker is random by design).
func TestAvroMapsAreWrittenInOneOrder(t *testing.T) {
	ms := connect.MapSchema(connect.StringSchema(), connect.Int64Schema())
	ks := connect.MapSchema(connect.Int32Schema(), connect.StringSchema())
	s := &connect.Schema{Type: connect.TypeStruct, Name: "com.acme.Tags", Fields: []connect.Field{
		{Name: "tags", Index: 0, Schema: ms},
		{Name: "names", Index: 1, Schema: ks},
	}}
	tags, names := map[any]any{}, map[any]any{}
	for i := range 32 {
		tags[fmt.Sprintf("tag-%02d", i)] = int64(i)
		names[int32(i)] = fmt.Sprintf("name-%d", i)
	}
	v := connect.NewStruct(s).MustPut("tags", tags).MustPut("names", names)
	f, err := New(AvroFormatClass, Options{AvroCodec: "null", ConnectMetaData: true})
	if err != nil {
		t.Fatal(err)
	}
	first := spoolOf(t, f, s, v)
	for range 20 {
		if again := spoolOf(t, f, s, v); !bytes.Equal(again, first) {
			t.Fatalf("the same record encodes to different bytes:\n%x\n%x", first, again)
		}
	}
	// The file is a valid container whose record holds every entry.
	obj := finish(t, f, s, first, 1)
	dec, err := ocf.NewDecoder(bytes.NewReader(obj))
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for dec.HasNext() {
		var rec map[string]any
		if err := dec.Decode(&rec); err != nil {
			t.Fatal(err)
		}
		if got := rec["tags"].(map[string]any); len(got) != 32 || got["tag-07"] != int64(7) {
			t.Errorf("tags %v", got)
		}
		n++
	}
	if n != 1 || dec.Error() != nil {
		t.Fatalf("%d records, error %v", n, dec.Error())
	}
	back := readAll(t, ".avro", obj)
	if got, _ := back[0].(*connect.Struct).Get("names"); !reflect.DeepEqual(got, names) {
		t.Errorf("reader gives names %v", got)
	}
}
