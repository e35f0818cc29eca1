package javacompat

import (
	"errors"
	"math"
	"math/big"
	"testing"
	"time"

	"github.com/connectless/connectless/core/connect"
)

// Jackson's escaping (JsonGenerator with default features): short escapes for \b \t \n \f \r,
// \u00XX with upper-case hex for the other control characters, '/' and non-ASCII raw.
func TestAppendStringJackson(t *testing.T) {
	for in, want := range map[string]string{
		"a\"b\\c":      `"a\"b\\c"`,
		"\b\t\n\f\r":   `"\b\t\n\f\r"`,
		"\x00\x1f":     `"\u0000\u001F"`,
		"/é\u2028\x7f": "\"/é\u2028\x7f\"",
	} {
		if got := string(AppendString(nil, in)); got != want {
			t.Errorf("AppendString(%q) = %s, want %s", in, got, want)
		}
	}
}

type orderedMap struct {
	keys []string
	m    map[string]any
}

func (o orderedMap) Keys() []string           { return o.keys }
func (o orderedMap) Get(k string) (any, bool) { v, ok := o.m[k]; return v, ok }

func TestAppendJackson(t *testing.T) {
	s := connect.NewSchemaBuilder(connect.TypeStruct).Field("id", connect.Int32Schema()).Build()
	om := orderedMap{keys: []string{"timestamp", "level", "message"}, m: map[string]any{"timestamp": int64(1), "level": "INFO", "message": "m"}}
	tests := []struct {
		name string
		enc  Encoder
		v    any
		want string
	}{
		{"numbers", Encoder{}, []any{int8(1), int64(-2), 1e7, float32(0.1), math.Inf(1)}, `[1,-2,1.0E7,0.1,"Infinity"]`},
		{"bytes, decimal, time", Encoder{}, []any{[]byte{0xff}, connect.Decimal{Unscaled: big.NewInt(15), Scale: 8}, time.UnixMilli(1700000000123)},
			`["/w==",1.5E-7,1700000000123]`},
		{"ordered map, HashMap order", Encoder{}, om, `{"level":"INFO","message":"m","timestamp":1}`},
		{"ordered map, input order", Encoder{InputOrder: true}, om, `{"timestamp":1,"level":"INFO","message":"m"}`},
		{"nested struct", Encoder{}, map[string]any{"s": connect.NewStruct(s).MustPut("id", int32(7))}, `{"s":{"id":7}}`},
		{"non-string keys", Encoder{}, map[any]any{int32(16): true, int32(1): nil}, `{"16":true,"1":null}`},
	}
	for _, tt := range tests {
		got, err := tt.enc.AppendJackson(nil, tt.v)
		if err != nil || string(got) != tt.want {
			t.Errorf("%s: got %s, %v; want %s", tt.name, got, err, tt.want)
		}
	}
	var de *connect.DataError
	if _, err := (Encoder{}).AppendJackson(nil, struct{}{}); !errors.As(err, &de) {
		t.Errorf("unknown type: got %v, want a DataError", err)
	}
}

func TestAppendConnect(t *testing.T) {
	dec := connect.DecimalSchema(2)
	withDefault := connect.NewSchemaBuilder(connect.TypeInt32).Optional().Default(int32(5)).Build()
	tests := []struct {
		name string
		enc  Encoder
		s    *connect.Schema
		v    any
		want string
	}{
		{"decimal base64", Encoder{}, dec, connect.Decimal{Unscaled: big.NewInt(156), Scale: 2}, `"AJw="`},
		{"decimal numeric", Encoder{DecimalNumeric: true}, dec, connect.Decimal{Unscaled: big.NewInt(156), Scale: 2}, `1.56`},
		{"null takes default", Encoder{}, withDefault, nil, `5`},
		{"null kept", Encoder{KeepNull: true}, withDefault, nil, `null`},
		{"float32 min", Encoder{}, connect.Float32Schema(), float32(math.SmallestNonzeroFloat32), `1.4E-45`},
		{"map with int keys", Encoder{}, connect.MapSchema(connect.Int32Schema(), connect.StringSchema()), map[any]any{int32(2): "b"}, `[[2,"b"]]`},
	}
	for _, tt := range tests {
		got, err := tt.enc.AppendConnect(nil, tt.s, tt.v)
		if err != nil || string(got) != tt.want {
			t.Errorf("%s: got %s, %v; want %s", tt.name, got, err, tt.want)
		}
	}
	if _, err := (Encoder{}).AppendConnect(nil, connect.Int32Schema(), nil); err == nil {
		t.Error("null for a required field without default: no error")
	}
}
