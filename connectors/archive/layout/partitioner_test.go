package layout

import (
	"errors"
	"strconv"
	"testing"
	"time"

	"github.com/connectless/connectless/core/connect"
)

func TestFieldPartitioner(t *testing.T) {
	inner := &connect.Schema{Type: connect.TypeStruct, Fields: []connect.Field{{Name: "zone", Index: 0, Schema: &connect.Schema{Type: connect.TypeString, Optional: true}}}}
	s := &connect.Schema{Type: connect.TypeStruct, Name: "com.acme.Order", Fields: []connect.Field{
		{Name: "region", Index: 0, Schema: &connect.Schema{Type: connect.TypeString, Optional: true}},
		{Name: "tier", Index: 1, Schema: &connect.Schema{Type: connect.TypeInt32}},
		{Name: "vip", Index: 2, Schema: &connect.Schema{Type: connect.TypeBoolean}},
		{Name: "loc", Index: 3, Schema: inner},
		{Name: "score", Index: 4, Schema: &connect.Schema{Type: connect.TypeFloat64}},
	}}
	v := connect.NewStruct(s).MustPut("tier", int32(3)).MustPut("vip", true).MustPut("loc", connect.NewStruct(inner).MustPut("zone", "a/b")).MustPut("score", 1.5)
	tests := []struct {
		fields  []string
		value   any
		want    string
		wantErr error
	}{
		{[]string{"region", "tier"}, v, "region=null/tier=3", nil},
		{[]string{"vip", "loc.zone"}, v, "vip=true/loc.zone=a/b", nil},
		{[]string{"missing"}, v, "", errDataException},
		{[]string{"score"}, v, "", ErrPartition},
		{[]string{"region"}, map[string]any{"region": "eu"}, "", ErrPartition},
	}
	for _, tt := range tests {
		rec := connect.NewSinkRecord("t", 0, 1)
		rec.Value = tt.value
		got, err := fieldPartitioner{fields: tt.fields, delim: "/"}.Encode(&rec, 0)
		if tt.wantErr != nil {
			if !isErr(err, tt.wantErr) {
				t.Errorf("%v: err %v, want %v", tt.fields, err, tt.wantErr)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("%v: %q, %v; want %q", tt.fields, got, err, tt.want)
		}
	}
	rec := connect.NewSinkRecord("t", 0, 1)
	rec.ValueSchema, rec.Value = s, v
	for _, tt := range []struct {
		p    Partitioner
		want string
	}{
		{schemaAffix{inner: &defaultPartitioner{}, delim: "/"}, "schema_name=com.acme.Order/partition=0"},
		{schemaAffix{inner: &defaultPartitioner{}, delim: "/", suffix: true}, "partition=0/schema_name=com.acme.Order"},
		{tombstonePartitioner{inner: &defaultPartitioner{}, name: "tombstone"}, "partition=0"},
	} {
		if got, err := tt.p.Encode(&rec, 0); err != nil || got != tt.want {
			t.Errorf("%T: %q, %v; want %q", tt.p, got, err, tt.want)
		}
	}
	rec.Value = nil
	if got, _ := (tombstonePartitioner{inner: &defaultPartitioner{}, name: "gone"}).Encode(&rec, 0); got != "gone" {
		t.Errorf("tombstone partition %q, want gone", got)
	}
}

func TestRecordFieldExtractor(t *testing.T) {
	s := &connect.Schema{Type: connect.TypeStruct, Fields: []connect.Field{
		{Name: "ts", Index: 0, Schema: &connect.Schema{Type: connect.TypeInt64, Name: connect.TimestampName}},
		{Name: "s", Index: 1, Schema: &connect.Schema{Type: connect.TypeString}},
	}}
	at := time.Date(2024, 1, 5, 7, 0, 0, 0, time.UTC)
	tests := []struct {
		field   string
		value   any
		want    int64
		wantErr error
	}{
		{"ts", connect.NewStruct(s).MustPut("ts", at).MustPut("s", "x"), at.UnixMilli(), nil},
		{"s", connect.NewStruct(s).MustPut("ts", at).MustPut("s", "1704438000000"), 1704438000000, nil},
		{"s", connect.NewStruct(s).MustPut("ts", at).MustPut("s", "2024-01-05T08:00:00+01:00"), at.UnixMilli(), nil},
		{"s", connect.NewStruct(s).MustPut("ts", at).MustPut("s", "yesterday"), 0, ErrPartition},
		{"a.b", map[string]any{"a": map[string]any{"b": int64(5)}}, 5, nil},
		{"a.c", map[string]any{"a": map[string]any{"b": int64(5)}}, 0, errDataException},
		{"ts", "plain", 0, ErrPartition},
	}
	for _, tt := range tests {
		rec := connect.NewSinkRecord("t", 0, 1)
		rec.Value = tt.value
		got, err := recordFieldExtractor(tt.field)(&rec, 0)
		if tt.wantErr != nil {
			if !isErr(err, tt.wantErr) {
				t.Errorf("%s of %v: err %v, want %v", tt.field, tt.value, err, tt.wantErr)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("%s of %v: %d, %v; want %d", tt.field, tt.value, got, err, tt.want)
		}
	}
}

// errDataException stands for a *connect.DataError in the tables above.
var errDataException = errors.New("DataException")

func isErr(err, want error) bool {
	if want == errDataException {
		var de *connect.DataError
		return errors.As(err, &de)
	}
	return errors.Is(err, want)
}

// FuzzDefaultPartitioner checks the default partitioner's kept encoding against the rule
// itself, "partition=" and the Kafka partition, over runs of partitions in any order.
func FuzzDefaultPartitioner(f *testing.F) {
	f.Add([]byte{0, 0, 1, 1, 0, 255, 255, 7})
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, parts []byte) {
		p, err := NewPartitioner(&Layout{})
		if err != nil {
			t.Fatal(err)
		}
		for i, b := range parts {
			n := int32(b) - 1 // negative too
			if b > 200 {
				n = int32(b) << 20 // and some far beyond a byte
			}
			rec := connect.NewSinkRecord("t", n, int64(i))
			got, err := p.Encode(&rec, 0)
			if want := "partition=" + strconv.Itoa(int(n)); err != nil || got != want {
				t.Fatalf("record %d of partition %d: %q, %v; want %q", i, n, got, err, want)
			}
		}
	})
}

// BenchmarkDefaultPartitioner encodes 1,000 records of one Kafka partition, as a sink task's
// Put meets them.
func BenchmarkDefaultPartitioner(b *testing.B) {
	p, err := NewPartitioner(&Layout{})
	if err != nil {
		b.Fatal(err)
	}
	recs := make([]connect.SinkRecord, 1000)
	for i := range recs {
		recs[i] = connect.NewSinkRecord("t", 3, int64(i))
	}
	b.ReportAllocs()
	for b.Loop() {
		for i := range recs {
			if _, err := p.Encode(&recs[i], 0); err != nil {
				b.Fatal(err)
			}
		}
	}
}
