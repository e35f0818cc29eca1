package jsonvalue

import (
	"encoding/json"
	"errors"
	"math/big"
	"testing"
	"time"

	"github.com/connectless/connectless/core/connect"
)

func TestWriterWalksWithFormatLeaves(t *testing.T) {
	errFmt := errors.New("fmt")
	w := Writer{
		Err:       errFmt,
		Decimal:   func(d connect.Decimal) any { return "dec:" + d.String() },
		Bytes:     func(p []byte) any { return "bytes:" + string(p) },
		Float:     func(v any) any { return v },
		Entry:     func(k, v any) any { return []any{k, v} },
		FieldName: func(n string) string { return "_" + n },
	}
	i32 := &connect.Schema{Type: connect.TypeInt32}
	inner := connect.NewSchemaBuilder(connect.TypeStruct).Field("n", i32).Build()
	s := connect.NewSchemaBuilder(connect.TypeStruct).
		Field("d", connect.NewSchemaBuilder(connect.TypeBytes).Name(connect.DecimalName).Parameter("scale", "2").Build()).
		Field("day", &connect.Schema{Type: connect.TypeInt32, Name: connect.DateName}).
		Field("raw", &connect.Schema{Type: connect.TypeBytes}).
		Field("m", &connect.Schema{Type: connect.TypeMap, Key: i32, Value: inner}).
		Field("opt", &connect.Schema{Type: connect.TypeString, Optional: true}).
		Build()
	v := connect.NewStruct(s).MustPut("d", connect.Decimal{Unscaled: big.NewInt(150), Scale: 2}).
		MustPut("day", time.Unix(86400*3, 0).UTC()).MustPut("raw", []byte("ab")).
		MustPut("m", map[any]any{int32(7): connect.NewStruct(inner).MustPut("n", int32(1))})
	got, err := w.Value(s, v)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(got)
	if want := `{"_d":"dec:1.50","_day":3,"_raw":"bytes:ab","_m":[[7,{"_n":1}]],"_opt":null}`; string(b) != want {
		t.Fatalf("got %s\nwant %s", b, want)
	}
	if _, err := w.Value(i32, "x"); !errors.Is(err, errFmt) {
		t.Errorf("a string for an int32: %v", err)
	}
	w.NullAsDefault = true
	if _, err := w.Value(i32, nil); !errors.Is(err, errFmt) {
		t.Errorf("null for a required int32 with NullAsDefault: %v", err)
	}
	if got, _ := w.Value(&connect.Schema{Type: connect.TypeInt32, Default: int32(5)}, nil); got != int64(5) {
		t.Errorf("null with a default: %v", got)
	}
	u := connect.NewSchemaBuilder(connect.TypeStruct).Field("a", &connect.Schema{Type: connect.TypeString, Optional: true}).
		Field("b", &connect.Schema{Type: connect.TypeInt32, Optional: true}).Build()
	w.IsUnion = func(s *connect.Schema) bool { return s == u }
	if got, _ := w.Value(u, connect.NewStruct(u).MustPut("b", int32(2))); got != int64(2) {
		t.Errorf("union: %v, want its set member", got)
	}
}
