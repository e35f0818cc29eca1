package transform

import (
	"math"
	"testing"
	"time"

	"github.com/connectless/connectless/core/connect"
)

func TestCast(t *testing.T) {
	in := map[string]any{"i": int64(300), "f": 3.99, "s": "42", "b": true, "bin": []byte("hi"), "keep": "k"}
	s := structSchema("i", sch(connect.TypeInt64), "f", osch(connect.TypeFloat64), "b", sch(connect.TypeBoolean),
		"d", &connect.Schema{Type: connect.TypeInt32, Default: int32(7)}, "ts", timestampSchema(false))
	tsv := time.UnixMilli(1700000000123).UTC()
	st := newStruct(s, "i", int64(300), "f", -2.5, "b", true, "ts", tsv)
	cs := structSchema("i", sch(connect.TypeInt8), "f", osch(connect.TypeInt32), "b", sch(connect.TypeString),
		"d", &connect.Schema{Type: connect.TypeString, Default: "7"}, "ts", sch(connect.TypeInt64))
	arr := &connect.Schema{Type: connect.TypeArray, Value: sch(connect.TypeInt32)}

	runSMT(t, []smtCase{
		{name: "schemaless fields, absent added as null", class: "Cast$Value", props: map[string]string{"spec": "i:int8,f:int32,s:float64,b:string,bin:string,absent:int64"},
			in: rec(nil, in), want: rec(nil, map[string]any{"i": int8(44), "f": int32(3), "s": 42.0, "b": "true", "bin": "aGk=", "keep": "k", "absent": nil})},
		{name: "schemaless to boolean", class: "Cast$Value", props: map[string]string{"spec": "i:boolean,s:BOOLEAN,f:boolean"},
			in: rec(nil, in), want: rec(nil, map[string]any{"i": true, "f": true, "s": false, "b": true, "bin": []byte("hi"), "keep": "k"})},
		{name: "schemaless whole value", class: "Cast$Value", props: map[string]string{"spec": "int64"},
			in: rec(nil, "123"), want: rec(nil, int64(123))},
		{name: "schemaless whole key float to string", class: "Cast$Key", props: map[string]string{"spec": "string"},
			in: rec(1e7, nil), want: rec("1.0E7", nil)},
		{name: "null passes", class: "Cast$Value", props: map[string]string{"spec": "string"}, in: rec("k", nil), want: rec("k", nil)},
		{name: "string out of range", class: "Cast$Value", props: map[string]string{"spec": "s:int8"},
			in: rec(nil, map[string]any{"s": "300"}), errClass: ClassDataException, err: "Value (300) was out of range for requested data type"},
		{name: "not a number", class: "Cast$Value", props: map[string]string{"spec": "s:int32"},
			in: rec(nil, map[string]any{"s": "4x"}), errClass: ClassDataException, err: "Value (4x) was out of range for requested data type"},
		{name: "bytes to number", class: "Cast$Value", props: map[string]string{"spec": "bin:int32"},
			in: rec(nil, in), errClass: ClassDataException, err: "Unexpected type in Cast transformation: class [B"},
		{name: "map input", class: "Cast$Value", props: map[string]string{"spec": "m:string"},
			in: rec(nil, map[string]any{"m": map[string]any{}}), errClass: ClassDataException,
			err: "Cast transformation does not support casting from MAP; supported types are [INT8, INT16, INT32, INT64, FLOAT32, FLOAT64, BOOLEAN, STRING, BYTES]"},
		{name: "schemaless non-map", class: "Cast$Value", props: map[string]string{"spec": "a:string"},
			in: rec(nil, "x"), errClass: ClassDataException, err: "Only Map objects supported in absence of schema for [cast types], found: java.lang.String"},
		{name: "struct fields, defaults cast, logical encoded", class: "Cast$Value", props: map[string]string{"spec": "i:int8,f:int32,b:string,d:string,ts:int64"},
			in: recS(nil, nil, s, st), want: recS(nil, nil, cs, newStruct(cs, "i", int8(44), "f", int32(-2), "b", "true", "d", "7", "ts", int64(1700000000123)))},
		{name: "struct whole value", class: "Cast$Value", props: map[string]string{"spec": "string"},
			in: recS(nil, nil, sch(connect.TypeFloat32), float32(1.5)), want: recS(nil, nil, sch(connect.TypeString), "1.5")},
		{name: "struct array rejected", class: "Cast$Value", props: map[string]string{"spec": "int32"},
			in: recS(nil, nil, arr, []any{}), errClass: ClassDataException, err: "Cast transformation does not support casting from ARRAY"},
		{name: "bad type", class: "Cast$Value", props: map[string]string{"spec": "a:nope"}, configErr: "Invalid type found in casting spec: nope"},
		{name: "bytes target", class: "Cast$Value", props: map[string]string{"spec": "a:bytes"},
			configErr: "Cast transformation does not support casting to BYTES; supported types are [INT8, INT16, INT32, INT64, FLOAT32, FLOAT64, BOOLEAN, STRING]"},
		{name: "whole value with others", class: "Cast$Value", props: map[string]string{"spec": "int8,a:int16"},
			configErr: "Cast transformations that specify a type to cast the entire value to may only specify a single cast in their spec"},
		{name: "spec required", class: "Cast$Value", props: map[string]string{}, configErr: `Missing required configuration "spec"`},
	})
}

func TestCastNumbers(t *testing.T) {
	for _, c := range []struct {
		in     any
		target connect.Type
		want   any
	}{
		{int64(300), connect.TypeInt8, int8(44)},
		{int64(-129), connect.TypeInt8, int8(127)},
		{int64(1) << 40, connect.TypeInt32, int32(0)},
		{1e20, connect.TypeInt32, int32(math.MaxInt32)},
		{1e20, connect.TypeInt8, int8(-1)},
		{math.NaN(), connect.TypeInt64, int64(0)},
		{-1.9, connect.TypeInt64, int64(-1)},
		{0.5, connect.TypeBoolean, false},
		{true, connect.TypeFloat64, 1.0},
		{"  12 ", connect.TypeFloat32, float32(12)},
		{"Infinity", connect.TypeFloat64, math.Inf(1)},
		{"TRUE", connect.TypeBoolean, true},
		{"yes", connect.TypeBoolean, false},
		{100.0, connect.TypeString, "100.0"},
		{0.0001, connect.TypeString, "1.0E-4"},
		{float32(0.1), connect.TypeString, "0.1"},
		{int32(7), connect.TypeString, "7"},
		{time.UnixMilli(86400000 * 3).UTC(), connect.TypeString, "1970-01-04"},
		{time.UnixMilli(5000).UTC(), connect.TypeString, "00:00:05.000Z"},
		{time.UnixMilli(86400000*3 + 5).UTC(), connect.TypeString, "1970-01-04T00:00:00.005Z"},
	} {
		got, err := castValue(nil, c.in, c.target)
		if c.target == connect.TypeString {
			if _, isTime := c.in.(time.Time); isTime {
				got, err = castValue(timestampSchema(false), c.in, c.target)
			}
		}
		if err != nil {
			t.Errorf("cast %v to %s: %v", c.in, c.target, err)
			continue
		}
		if f, ok := c.want.(float64); ok && math.IsInf(f, 0) {
			if g, _ := got.(float64); !math.IsInf(g, 1) {
				t.Errorf("cast %v to %s = %#v, want %#v", c.in, c.target, got, c.want)
			}
			continue
		}
		if got != c.want {
			t.Errorf("cast %#v to %s = %#v, want %#v", c.in, c.target, got, c.want)
		}
	}
}

func TestCastDecimal(t *testing.T) {
	dec := &connect.Schema{Type: connect.TypeBytes, Name: connect.DecimalName, Parameters: map[string]string{"scale": "-3"}}
	for _, c := range []struct {
		target connect.Type
		want   any
	}{
		{connect.TypeString, "1.5E+3"},
		{connect.TypeInt32, int32(1500)},
		{connect.TypeFloat64, 1500.0},
		{connect.TypeBoolean, true},
	} {
		got, err := castValue(dec, connect.Decimal{Unscaled: bigInt(15), Scale: -2}, c.target)
		if err != nil || got != c.want {
			t.Errorf("cast decimal to %s = %#v, %v; want %#v", c.target, got, err, c.want)
		}
	}
	if _, err := castValue(nil, connect.Decimal{Unscaled: bigInt(1)}, connect.TypeString); err == nil ||
		err.Error() != "Cast transformation was passed a value of type class java.math.BigDecimal which is not supported by Connect's data API" {
		t.Errorf("schemaless decimal: %v", err)
	}
}

// Cast to string prints floats as Java's Float/Double.toString on JDK 19+ (JDK-4511638
// release note: 2×Double.MIN_VALUE is 9.9E-324; Float.MIN_VALUE's javadoc value is 1.4E-45).
func TestCastSubnormalToString(t *testing.T) {
	runSMT(t, []smtCase{
		{name: "float32 min", class: "Cast$Value", props: map[string]string{"spec": "f:string"},
			in: rec(nil, map[string]any{"f": float32(math.SmallestNonzeroFloat32)}), want: rec(nil, map[string]any{"f": "1.4E-45"})},
		{name: "twice double min", class: "Cast$Value", props: map[string]string{"spec": "string"},
			in: rec(nil, 2*math.SmallestNonzeroFloat64), want: rec(nil, "9.9E-324")},
	})
}
