package connect_test

import (
	"encoding/json"
	"math"
	"testing"

	"github.com/connectless/connectless/core/connect"
)

func TestOffsetInt(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   any
		want int64
		ok   bool
	}{
		{"int64", int64(-7), -7, true},
		{"int", 42, 42, true},
		{"int32", int32(5), 5, true},
		{"whole float after JSON", float64(1 << 40), 1 << 40, true},
		{"json.Number", json.Number("9007199254740993"), 9007199254740993, true},
		{"fraction", 1.5, 0, false},
		{"json.Number fraction", json.Number("1.5"), 0, false},
		{"float out of range", math.Ldexp(1, 63), 0, false},
		{"NaN", math.NaN(), 0, false},
		{"string", "7", 0, false},
		{"nil", nil, 0, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := connect.OffsetInt(tc.in)
			if got != tc.want || ok != tc.ok {
				t.Fatalf("OffsetInt(%v) = %d, %v; want %d, %v", tc.in, got, ok, tc.want, tc.ok)
			}
		})
	}
}
