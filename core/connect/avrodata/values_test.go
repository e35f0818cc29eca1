package avrodata

import (
	"bytes"
	"fmt"
	"math/big"
	"testing"
	"time"

	"github.com/connectless/connectless/core/connect"
	"github.com/hamba/avro/v2"
)

var api = avro.Config{}.Freeze()

// equalValue compares Connect values: structs field by field, times by instant, decimals by
// value and scale.
func equalValue(a, b any) bool {
	switch x := a.(type) {
	case *connect.Struct:
		y, ok := b.(*connect.Struct)
		if !ok || !x.Schema().Equal(y.Schema()) {
			return false
		}
		for _, f := range x.Schema().Fields {
			av, _ := x.Get(f.Name)
			bv, _ := y.Get(f.Name)
			if !equalValue(av, bv) {
				return false
			}
		}
		return true
	case time.Time:
		y, ok := b.(time.Time)
		return ok && x.Equal(y)
	case connect.Decimal:
		y, ok := b.(connect.Decimal)
		return ok && x.Scale == y.Scale && x.Unscaled.Cmp(y.Unscaled) == 0
	case []byte:
		y, ok := b.([]byte)
		return ok && bytes.Equal(x, y)
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !equalValue(x[i], y[i]) {
				return false
			}
		}
		return true
	case map[any]any:
		y, ok := b.(map[any]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for k, v := range x {
			if !equalValue(v, y[k]) {
				return false
			}
		}
		return true
	}
	return a == b
}

func roundTrip(t *testing.T, cfg Config, cs *connect.Schema, v any) (*connect.Schema, any) {
	t.Helper()
	as, err := FromConnectSchema(cfg, cs)
	if err != nil {
		t.Fatalf("FromConnectSchema: %v", err)
	}
	data, err := Encode(api, cs, as.Avro, v)
	if err != nil {
		t.Fatalf("Encode: %v (schema %s)", err, as.Text)
	}
	// Read back through a schema parsed from the text only, as a consumer would.
	parsed, err := Parse(as.Text)
	if err != nil {
		t.Fatal(err)
	}
	back, err := ToConnectSchema(cfg, parsed)
	if err != nil {
		t.Fatalf("ToConnectSchema: %v", err)
	}
	got, err := Decode(api, parsed, back, data)
	if err != nil {
		t.Fatalf("Decode: %v", err)
	}
	return back, got
}

func TestRoundTripEveryType(t *testing.T) {
	str := &connect.Schema{Type: connect.TypeString}
	i32 := &connect.Schema{Type: connect.TypeInt32}
	dec := func(scale int) *connect.Schema {
		return &connect.Schema{Type: connect.TypeBytes, Name: connect.DecimalName, Version: 1, Parameters: map[string]string{"scale": fmt.Sprint(scale)}}
	}
	date := &connect.Schema{Type: connect.TypeInt32, Name: connect.DateName, Version: 1}
	tm := &connect.Schema{Type: connect.TypeInt32, Name: connect.TimeName, Version: 1}
	ts := &connect.Schema{Type: connect.TypeInt64, Name: connect.TimestampName, Version: 1}
	point := connect.NewSchemaBuilder(connect.TypeStruct).Name("com.example.Point").Doc("a point").Version(3).
		Field("x", i32).Field("y", &connect.Schema{Type: connect.TypeInt32, Optional: true}).Build()
	unnamed := connect.NewSchemaBuilder(connect.TypeStruct).Field("s", str).Optional().Build()
	enum := &connect.Schema{Type: connect.TypeString, Name: "com.example.Color", Parameters: map[string]string{
		EnumParam: "com.example.Color", EnumParam + ".RED": "RED", EnumParam + ".GREEN": "GREEN"}}
	union := connect.NewSchemaBuilder(connect.TypeStruct).Name(UnionName).
		Field("int", &connect.Schema{Type: connect.TypeInt32, Optional: true}).
		Field("string", &connect.Schema{Type: connect.TypeString, Optional: true}).Build()

	cases := []struct {
		name   string
		cfg    Config
		schema *connect.Schema
		value  any
	}{
		{"int8", DefaultConfig(), &connect.Schema{Type: connect.TypeInt8}, int8(-12)},
		{"int16", DefaultConfig(), &connect.Schema{Type: connect.TypeInt16}, int16(3000)},
		{"int32", DefaultConfig(), i32, int32(-70000)},
		{"int64", DefaultConfig(), &connect.Schema{Type: connect.TypeInt64}, int64(1) << 40},
		{"float32", DefaultConfig(), &connect.Schema{Type: connect.TypeFloat32}, float32(12.25)},
		{"float64", DefaultConfig(), &connect.Schema{Type: connect.TypeFloat64}, 12.2},
		{"boolean", DefaultConfig(), &connect.Schema{Type: connect.TypeBoolean}, true},
		{"string", DefaultConfig(), str, "héllo"},
		{"bytes", DefaultConfig(), &connect.Schema{Type: connect.TypeBytes}, []byte{0, 1, 0xff}},
		{"optional null", DefaultConfig(), &connect.Schema{Type: connect.TypeString, Optional: true}, nil},
		{"optional set", DefaultConfig(), &connect.Schema{Type: connect.TypeInt64, Optional: true}, int64(5)},
		{"decimal", DefaultConfig(), dec(2), connect.Decimal{Unscaled: big.NewInt(156), Scale: 2}},
		{"negative decimal", DefaultConfig(), dec(3), connect.Decimal{Unscaled: big.NewInt(-128), Scale: 3}},
		{"big decimal", DefaultConfig(), dec(10), connect.Decimal{Unscaled: new(big.Int).Lsh(big.NewInt(-7), 100), Scale: 10}},
		{"date", DefaultConfig(), date, time.Date(2024, 2, 29, 0, 0, 0, 0, time.UTC)},
		{"date before epoch", DefaultConfig(), date, time.Date(1969, 12, 31, 0, 0, 0, 0, time.UTC)},
		{"time", DefaultConfig(), tm, time.UnixMilli(10000).UTC()},
		{"timestamp", DefaultConfig(), ts, time.UnixMilli(1700000000123).UTC()},
		{"array of optional", DefaultConfig(), &connect.Schema{Type: connect.TypeArray, Value: &connect.Schema{Type: connect.TypeInt32, Optional: true}}, []any{int32(1), nil, int32(3)}},
		{"string map", DefaultConfig(), &connect.Schema{Type: connect.TypeMap, Key: str, Value: i32}, map[any]any{"a": int32(1), "b": int32(2)}},
		{"int map", DefaultConfig(), &connect.Schema{Type: connect.TypeMap, Key: i32, Value: str}, map[any]any{int32(1): "a", int32(-2): "b"}},
		{"struct", DefaultConfig(), point, connect.NewStruct(point).MustPut("x", int32(1))},
		{
			"nesting", DefaultConfig(),
			connect.NewSchemaBuilder(connect.TypeStruct).
				Field("points", &connect.Schema{Type: connect.TypeArray, Value: point}).
				Field("byName", &connect.Schema{Type: connect.TypeMap, Key: str, Value: point}).
				Field("maybe", unnamed).
				Field("when", ts).Field("amount", dec(2)).Build(),
			nil, // built below
		},
		{"enum", Config{ConnectMetaData: true, EnhancedSchemaSupport: true}, enum, "GREEN"},
		{"union int", DefaultConfig(), union, connect.NewStruct(union).MustPut("int", int32(4))},
		{"union string", DefaultConfig(), union, connect.NewStruct(union).MustPut("string", "four")},
		{"no metadata", Config{}, point, connect.NewStruct(point).MustPut("x", int32(1)).MustPut("y", int32(2))},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			v := c.value
			if c.name == "nesting" {
				p := connect.NewStruct(point).MustPut("x", int32(7)).MustPut("y", int32(8))
				v = connect.NewStruct(c.schema).
					MustPut("points", []any{p, connect.NewStruct(point).MustPut("x", int32(9))}).
					MustPut("byName", map[any]any{"p": p}).
					MustPut("maybe", connect.NewStruct(unnamed).MustPut("s", "inner")).
					MustPut("when", time.UnixMilli(86400000).UTC()).
					MustPut("amount", connect.Decimal{Unscaled: big.NewInt(-1), Scale: 2})
			}
			back, got := roundTrip(t, c.cfg, c.schema, v)
			if c.cfg.ConnectMetaData && !back.Equal(c.schema) {
				t.Errorf("schema changed in the round trip:\n got %+v\nwant %+v", back, c.schema)
			}
			if st, ok := v.(*connect.Struct); ok && !c.cfg.ConnectMetaData {
				// Without metadata the schema loses its doc and version; compare the fields.
				gs := got.(*connect.Struct)
				for _, f := range st.Schema().Fields {
					a, _ := st.Get(f.Name)
					b, _ := gs.Get(f.Name)
					if !equalValue(a, b) {
						t.Errorf("field %s: got %v, want %v", f.Name, b, a)
					}
				}
				return
			}
			if !equalValue(rebind(v, back), got) {
				t.Errorf("value: got %#v, want %#v", got, v)
			}
		})
	}
}

// rebind gives a struct value the (equal) schema read back, so values compare by content.
func rebind(v any, s *connect.Schema) any {
	st, ok := v.(*connect.Struct)
	if !ok {
		return v
	}
	out := connect.NewStruct(s)
	for _, f := range s.Fields {
		fv, _ := st.GetWithoutDefault(f.Name)
		out.MustPut(f.Name, rebindDeep(fv, f.Schema))
	}
	return out
}

func rebindDeep(v any, s *connect.Schema) any {
	switch x := v.(type) {
	case *connect.Struct:
		return rebind(x, s)
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = rebindDeep(e, s.Value)
		}
		return out
	case map[any]any:
		out := map[any]any{}
		for k, e := range x {
			out[k] = rebindDeep(e, s.Value)
		}
		return out
	}
	return v
}

func TestDecimalWireBytesMatchConfluent(t *testing.T) {
	// AvroDataTest: TEST_DECIMAL = 1.56 (unscaled 156, scale 2) is the bytes {0, -100}.
	cs := &connect.Schema{Type: connect.TypeBytes, Name: connect.DecimalName, Version: 1, Parameters: map[string]string{"scale": "2"}}
	as, err := FromConnectSchema(DefaultConfig(), cs)
	if err != nil {
		t.Fatal(err)
	}
	data, err := Encode(api, cs, as.Avro, connect.Decimal{Unscaled: big.NewInt(156), Scale: 2})
	if err != nil {
		t.Fatal(err)
	}
	// Avro bytes: zig-zag length 2 (0x04), then the two bytes.
	if want := []byte{0x04, 0x00, 0x9c}; !bytes.Equal(data, want) {
		t.Fatalf("got % x, want % x", data, want)
	}
}

func TestRequiredNullIsDataError(t *testing.T) {
	s := connect.NewSchemaBuilder(connect.TypeStruct).Field("a", &connect.Schema{Type: connect.TypeString}).Build()
	as, err := FromConnectSchema(DefaultConfig(), s)
	if err != nil {
		t.Fatal(err)
	}
	_, err = Encode(api, s, as.Avro, connect.NewStruct(s))
	if err == nil {
		t.Fatal("null in a required field was encoded")
	}
}

func TestMapEntriesWrittenInKeyOrder(t *testing.T) {
	cs := &connect.Schema{Type: connect.TypeMap, Key: &connect.Schema{Type: connect.TypeInt32}, Value: &connect.Schema{Type: connect.TypeString}}
	as, err := FromConnectSchema(DefaultConfig(), cs)
	if err != nil {
		t.Fatal(err)
	}
	m := map[any]any{}
	for i := range int32(30) {
		m[i] = fmt.Sprint(i)
	}
	first, err := Encode(api, cs, as.Avro, m)
	if err != nil {
		t.Fatal(err)
	}
	for range 20 {
		again, err := Encode(api, cs, as.Avro, m)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(first, again) {
			t.Fatal("the same map encoded to different bytes")
		}
	}
}
