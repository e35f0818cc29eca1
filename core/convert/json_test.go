package convert

import (
	"bytes"
	"errors"
	"flag"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/connectless/connectless/core/connect"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata/")

func mustJSON(t *testing.T, props map[string]string) *JSONConverter {
	t.Helper()
	c := NewJSONConverter()
	if err := c.Configure(props, false); err != nil {
		t.Fatal(err)
	}
	return c
}

type goldenCase struct {
	name   string
	props  map[string]string
	schema *connect.Schema
	value  any
	// roundTrip is false when reading the bytes back cannot give the same value
	// (defaults replaced, Go map types differing).
	roundTrip bool
}

func goldenCases() []goldenCase {
	order := connect.StructBuilder().Name("com.acme.Order").Version(3).
		Field("id", connect.Int32Schema()).
		Field("ts", connect.BuilderFrom(connect.TimestampSchema()).Optional().Build()).Build()
	orderVal := connect.NewStruct(order).MustPut("id", int32(7)).MustPut("ts", time.UnixMilli(1700000000000).UTC())
	defaults := connect.StructBuilder().Doc("with defaults").
		Field("n", connect.NewSchemaBuilder(connect.TypeInt32).Optional().Default(int32(5)).Build()).
		Field("s", connect.NewSchemaBuilder(connect.TypeString).Optional().Default("d").Build()).
		Field("i8", connect.Int8Schema()).Field("i16", connect.Int16Schema()).Field("b", connect.BooleanSchema()).Build()
	defaultsVal := connect.NewStruct(defaults).MustPut("i8", int8(-1)).MustPut("i16", int16(300)).MustPut("b", true)
	item := connect.StructBuilder().Name("Item").Field("k", connect.StringSchema()).Build()
	outer := connect.StructBuilder().Name("Outer").Version(2).
		Field("items", connect.ArraySchema(item)).
		Field("m", connect.BuilderFrom(connect.MapSchema(connect.StringSchema(), connect.ArraySchema(connect.Int64Schema()))).Optional().Build()).Build()
	outerVal := connect.NewStruct(outer).
		MustPut("items", []any{connect.NewStruct(item).MustPut("k", "a"), connect.NewStruct(item).MustPut("k", "b")}).
		MustPut("m", map[any]any{"x": []any{int64(1), int64(2)}})
	logRec := map[string]any{"timestamp": "2024-01-01T00:00:00Z", "level": "INFO", "message": "hi", "service": "api", "host": "h1", "trace_id": "abc"}
	noSchema := map[string]string{"schemas.enable": "false"}
	return []goldenCase{
		{"struct_order", nil, order, orderVal, true},
		{"struct_order_noschema", noSchema, order, orderVal, false},
		{"optional_null", nil, connect.OptionalStringSchema(), nil, true},
		{"string_default_replaced", nil, connect.NewSchemaBuilder(connect.TypeString).Default("x").Build(), nil, false},
		{"map_string_keys", nil, connect.MapSchema(connect.StringSchema(), connect.Int64Schema()), map[any]any{"a": int64(1)}, true},
		{"map_int_keys", nil, connect.MapSchema(connect.Int32Schema(), connect.StringSchema()), map[any]any{int32(1): "a"}, true},
		{"array_doubles", nil, connect.ArraySchema(connect.OptionalFloat64Schema()),
			[]any{1.0, nil, 1e10, 0.001, 1e-4, math.Copysign(0, -1), 1234567.0, 1e7, math.NaN()}, false},
		{"bytes", nil, connect.BytesSchema(), []byte("hello"), true},
		{"decimal_base64", nil, connect.DecimalSchema(2), connect.NewDecimal(100, 2), true},
		{"decimal_negative_base64", nil, connect.DecimalSchema(2), connect.NewDecimal(-129, 2), true},
		{"decimal_numeric", map[string]string{"decimal.format": "numeric"}, connect.DecimalSchema(2), connect.NewDecimal(100, 2), true},
		{"date", nil, connect.DateSchema(), time.Date(2024, 1, 2, 0, 0, 0, 0, time.UTC), true},
		{"time", nil, connect.TimeSchema(), time.UnixMilli(3600500).UTC(), true},
		{"float32", nil, connect.Float32Schema(), float32(1.1), true},
		{"schemaless_log", nil, nil, logRec, true},
		{"schemaless_log_noschema", noSchema, nil, logRec, true},
		{"escaping", nil, connect.StringSchema(), "a\"b\\c\n\t\x01\x1f/é\x7f", true},
		{"struct_defaults", nil, defaults, defaultsVal, false},
		{"struct_defaults_noreplace", map[string]string{"replace.null.with.default": "false"}, defaults, defaultsVal, true},
		{"nested", nil, outer, outerVal, true},
	}
}

// TestJSONConverterGolden compares FromConnect with the bytes Kafka's JsonConverter writes
// for the same schema and value (testdata/json/*.json), and reads them back.
func TestJSONConverterGolden(t *testing.T) {
	for _, tc := range goldenCases() {
		t.Run(tc.name, func(t *testing.T) {
			c := mustJSON(t, tc.props)
			got, err := c.FromConnect("t", tc.schema, tc.value)
			if err != nil {
				t.Fatal(err)
			}
			path := filepath.Join("testdata", "json", tc.name+".json")
			if *update {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				t.Fatalf("FromConnect:\n got %s\nwant %s", got, want)
			}
			if !tc.roundTrip {
				return
			}
			schema, value, err := c.ToConnect("t", want)
			if err != nil {
				t.Fatal(err)
			}
			if c.schemasEnable && !schema.Equal(tc.schema) {
				t.Fatalf("schema read back = %+v, want %+v", schema, tc.schema)
			}
			again, err := c.FromConnect("t", schema, value)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(again, want) {
				t.Fatalf("round trip:\n got %s\nwant %s", again, want)
			}
		})
	}
}

func TestJSONConverterTombstone(t *testing.T) {
	c := mustJSON(t, nil)
	b, err := c.FromConnect("t", nil, nil)
	if err != nil || b != nil {
		t.Fatalf("tombstone = %q, %v", b, err)
	}
	s, v, err := c.ToConnect("t", nil)
	if err != nil || s != nil || v != nil {
		t.Fatalf("read nil = %v %v %v", s, v, err)
	}
}

func TestJSONConverterSchemalessRead(t *testing.T) {
	c := mustJSON(t, map[string]string{"schemas.enable": "false"})
	_, v, err := c.ToConnect("t", []byte(`{"i":1,"big":18446744073709551617,"f":1.0,"e":1e2,"s":"x","n":null,"a":[true,2],"o":{"k":-3}}`))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"i": int64(1), "big": int64(1), "f": 1.0, "e": 100.0, "s": "x", "n": nil,
		"a": []any{true, int64(2)}, "o": map[string]any{"k": int64(-3)}}
	if !reflect.DeepEqual(v, want) {
		t.Fatalf("got %#v", v)
	}
}

func TestJSONConverterErrors(t *testing.T) {
	withSchema := mustJSON(t, nil)
	tests := []struct {
		name string
		run  func() error
		want string
	}{
		{"not an envelope", func() error { _, _, err := withSchema.ToConnect("t", []byte(`{"a":1}`)); return err }, envelopeError},
		{"extra field", func() error {
			_, _, err := withSchema.ToConnect("t", []byte(`{"schema":null,"payload":1,"x":2}`))
			return err
		}, envelopeError},
		{"bad json", func() error { _, _, err := withSchema.ToConnect("t", []byte(`{"schema":`)); return err },
			"Converting byte[] to Kafka Connect data failed due to serialization error: unexpected EOF"},
		{"no type", func() error { _, _, err := withSchema.ToConnect("t", []byte(`{"schema":{},"payload":1}`)); return err },
			"Schema must contain 'type' field"},
		{"unknown type", func() error {
			_, _, err := withSchema.ToConnect("t", []byte(`{"schema":{"type":"x"},"payload":1}`))
			return err
		}, "Unknown schema type: x"},
		{"fields not array", func() error {
			_, _, err := withSchema.ToConnect("t", []byte(`{"schema":{"type":"struct","fields":1},"payload":{}}`))
			return err
		}, `Struct schema's "fields" argument is not an array.`},
		{"non-string parameter", func() error {
			_, _, err := withSchema.ToConnect("t", []byte(`{"schema":{"type":"string","parameters":{"a":1}},"payload":"x"}`))
			return err
		}, "Schema parameters must have string values."},
		{"null for required", func() error {
			_, _, err := withSchema.ToConnect("t", []byte(`{"schema":{"type":"int32","optional":false},"payload":null}`))
			return err
		}, "Invalid null value for required INT32 field"},
		{"struct from array", func() error {
			_, _, err := withSchema.ToConnect("t", []byte(`{"schema":{"type":"struct","fields":[]},"payload":[]}`))
			return err
		}, "Structs should be encoded as JSON objects, but found ARRAY"},
		{"write required null", func() error { _, err := withSchema.FromConnect("t", connect.Int32Schema(), nil); return err },
			"Conversion error: null value for field that is required and has no default value"},
		{"write wrong type", func() error { _, err := withSchema.FromConnect("t", connect.Int32Schema(), "x"); return err },
			"Invalid type for INT32: class java.lang.String"},
		{"write mismatching struct", func() error {
			s := connect.StructBuilder().Field("a", connect.Int32Schema()).Build()
			_, err := withSchema.FromConnect("t", connect.StructBuilder().Field("b", connect.Int32Schema()).Build(), connect.NewStruct(s).MustPut("a", int32(1)))
			return err
		}, "Mismatching schema."},
		{"write schemaless decimal", func() error { _, err := withSchema.FromConnect("t", nil, connect.NewDecimal(1, 0)); return err },
			"Java class class java.math.BigDecimal does not have corresponding schema type."},
		{"decimal scale mismatch", func() error {
			_, err := withSchema.FromConnect("t", connect.DecimalSchema(2), connect.NewDecimal(1, 1))
			return err
		}, "BigDecimal has mismatching scale value for given Decimal schema"},
		{"date with time", func() error {
			_, err := withSchema.FromConnect("t", connect.DateSchema(), time.UnixMilli(1).UTC())
			return err
		}, "Kafka Connect Date type should not have any time fields set to non-zero values."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.run()
			var de *connect.DataError
			if !errors.As(err, &de) || err.Error() != tt.want {
				t.Fatalf("err = %v (%T), want %q", err, err, tt.want)
			}
		})
	}
}

func TestJSONConverterConfigure(t *testing.T) {
	c := NewJSONConverter()
	var ce *connect.ConfigError
	if err := c.Configure(map[string]string{"decimal.format": "hex"}, false); !errors.As(err, &ce) {
		t.Fatalf("bad decimal.format accepted: %v", err)
	}
	if err := c.Configure(map[string]string{"schemas.enable": "nope"}, false); !errors.As(err, &ce) {
		t.Fatalf("bad schemas.enable accepted: %v", err)
	}
}

func TestJSONConverterSchemaDefaultRead(t *testing.T) {
	c := mustJSON(t, nil)
	s, v, err := c.ToConnect("t", []byte(`{"schema":{"type":"struct","fields":[{"type":"int32","optional":true,"default":5,"field":"n"}],"optional":false},"payload":{}}`))
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := v.(*connect.Struct).Get("n"); got != int32(5) || s.Fields[0].Schema.Default != int32(5) {
		t.Fatalf("n = %v, default = %v", got, s.Fields[0].Schema.Default)
	}
	noReplace := mustJSON(t, map[string]string{"replace.null.with.default": "false"})
	_, v, err = noReplace.ToConnect("t", []byte(`{"schema":{"type":"int32","optional":true,"default":5},"payload":null}`))
	if err != nil || v != nil {
		t.Fatalf("without replacement got %v, %v", v, err)
	}
}

func TestJSONConverterSchemaCache(t *testing.T) {
	data := []byte(`{"schema":{"type":"int32","optional":false},"payload":1}`)
	for _, tt := range []struct {
		size string
		same bool
	}{{"1000", true}, {"0", false}} {
		c := mustJSON(t, map[string]string{"schemas.cache.size": tt.size})
		s1, _, err := c.ToConnect("t", data)
		if err != nil {
			t.Fatal(err)
		}
		s2, v, err := c.ToConnect("t", data)
		if err != nil || v != int32(1) {
			t.Fatal(v, err)
		}
		if (s1 == s2) != tt.same {
			t.Errorf("cache size %s: same schema pointer = %v", tt.size, s1 == s2)
		}
	}
	c := mustJSON(t, nil)
	var de *connect.DataError
	if _, _, err := c.ToConnect("t", []byte(`[1,2]`)); !errors.As(err, &de) || err.Error() != envelopeError {
		t.Errorf("array envelope: %v", err)
	}
}

func TestJSONConverterLeadingZeros(t *testing.T) {
	c := mustJSON(t, map[string]string{"schemas.enable": "false"})
	_, v, err := c.ToConnect("t", []byte(`{"a":007,"b":-00.5,"c":"007","d":[0,00,1e05]}`))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"a": int64(7), "b": -0.5, "c": "007", "d": []any{int64(0), int64(0), 1e5}}
	if !reflect.DeepEqual(v, want) {
		t.Fatalf("got %#v", v)
	}
	var de *connect.DataError
	if _, _, err := c.ToConnect("t", []byte(`{"a":01x}`)); !errors.As(err, &de) {
		t.Fatalf("bad JSON accepted: %v", err)
	}
}
