package connect

import "testing"

func TestInferType(t *testing.T) {
	for _, tc := range []struct {
		v    any
		want Type
		ok   bool
	}{
		{int8(1), TypeInt8, true},
		{int16(1), TypeInt16, true},
		{int32(1), TypeInt32, true},
		{int64(1), TypeInt64, true},
		{1, TypeInt64, true},
		{float32(1), TypeFloat32, true},
		{1.5, TypeFloat64, true},
		{true, TypeBoolean, true},
		{"s", TypeString, true},
		{[]byte("b"), TypeBytes, true},
		{[]any{1}, TypeArray, true},
		{map[string]any{}, TypeMap, true},
		{map[any]any{}, TypeMap, true},
		{NewStruct(NewSchemaBuilder(TypeStruct).Build()), TypeStruct, true},
		{nil, "", false},
		{uint8(1), "", false},
		{struct{}{}, "", false},
	} {
		got, ok := InferType(tc.v)
		if got != tc.want || ok != tc.ok {
			t.Errorf("InferType(%T) = %q, %v; want %q, %v", tc.v, got, ok, tc.want, tc.ok)
		}
	}
}

func TestIntValue(t *testing.T) {
	for _, tc := range []struct {
		v    any
		want int64
		ok   bool
	}{
		{int8(-8), -8, true}, {int16(300), 300, true}, {int32(-70000), -70000, true},
		{int64(1) << 40, 1 << 40, true}, {int(7), 7, true},
		{uint8(1), 0, false}, {float64(2), 0, false}, {"3", 0, false}, {nil, 0, false},
	} {
		got, ok := IntValue(tc.v)
		if got != tc.want || ok != tc.ok {
			t.Errorf("IntValue(%T %v) = %d, %v; want %d, %v", tc.v, tc.v, got, ok, tc.want, tc.ok)
		}
	}
}

func TestIntOf(t *testing.T) {
	for _, tc := range []struct {
		t    Type
		n    int64
		want any
	}{
		{TypeInt8, 127, int8(127)}, {TypeInt8, 128, int8(-128)}, // Java's (byte) 128
		{TypeInt16, 70000, int16(4464)}, {TypeInt32, 1 << 32, int32(0)}, {TypeInt64, 1 << 40, int64(1 << 40)},
	} {
		if got := IntOf(tc.t, tc.n); got != tc.want {
			t.Errorf("IntOf(%s, %d) = %v (%T), want %v (%T)", tc.t, tc.n, got, got, tc.want, tc.want)
		}
	}
}
