package format

import (
	"errors"
	"math/big"
	"testing"
	"time"

	"github.com/connectless/connectless/core/connect"
)

type orderedTestMap struct {
	keys []string
	vals map[string]any
}

func (m orderedTestMap) Keys() []string           { return m.keys }
func (m orderedTestMap) Get(k string) (any, bool) { v, ok := m.vals[k]; return v, ok }

func TestJSONRecord(t *testing.T) {
	dec := &connect.Schema{Type: connect.TypeBytes, Name: connect.DecimalName, Parameters: map[string]string{"scale": "2"}}
	s := &connect.Schema{Type: connect.TypeStruct, Fields: []connect.Field{
		{Name: "id", Index: 0, Schema: &connect.Schema{Type: connect.TypeInt32}},
		{Name: "price", Index: 1, Schema: dec},
		{Name: "day", Index: 2, Schema: &connect.Schema{Type: connect.TypeInt32, Name: connect.DateName}},
		{Name: "at", Index: 3, Schema: &connect.Schema{Type: connect.TypeInt32, Name: connect.TimeName}},
		{Name: "raw", Index: 4, Schema: &connect.Schema{Type: connect.TypeBytes, Optional: true}},
		{Name: "f", Index: 5, Schema: &connect.Schema{Type: connect.TypeFloat32}},
		{Name: "dflt", Index: 6, Schema: &connect.Schema{Type: connect.TypeString, Default: "x"}},
		{Name: "m", Index: 7, Schema: &connect.Schema{Type: connect.TypeMap, Key: &connect.Schema{Type: connect.TypeInt32}, Value: &connect.Schema{Type: connect.TypeString}}},
	}}
	st := connect.NewStruct(s).MustPut("id", int32(7)).MustPut("price", connect.Decimal{Unscaled: big.NewInt(100), Scale: 2}).
		MustPut("day", time.Date(2024, 1, 5, 0, 0, 0, 0, time.UTC)).MustPut("at", time.Date(1970, 1, 1, 1, 0, 0, 5e6, time.UTC)).
		MustPut("raw", []byte("hi")).MustPut("f", float32(1.5)).MustPut("m", map[any]any{int32(2): "b", int32(1): "a"})
	tests := []struct {
		name string
		w    jsonWriter
		v    any
		want string
	}{
		{"struct base64 decimal", jsonWriter{}, st, `{"id":7,"price":"ZA==","day":19727,"at":3600005,"raw":"aGk=","f":1.5,"dflt":"x","m":[[1,"a"],[2,"b"]]}`},
		{"struct numeric decimal", jsonWriter{decimalNumeric: true}, st, `{"id":7,"price":1.00,"day":19727,"at":3600005,"raw":"aGk=","f":1.5,"dflt":"x","m":[[1,"a"],[2,"b"]]}`},
		{"schemaless map hashmap order", jsonWriter{}, map[string]any{"id": int64(1), "name": "n", "email": "e", "created_at": 1.0}, `{"name":"n","created_at":1.0,"id":1,"email":"e"}`},
		{"ordered map hashmap order", jsonWriter{}, orderedTestMap{keys: []string{"timestamp", "level", "message", "service", "host", "trace_id"}, vals: map[string]any{"timestamp": int64(1), "level": "I", "message": "m", "service": "s", "host": "h", "trace_id": "t"}}, `{"trace_id":"t","level":"I","service":"s","host":"h","message":"m","timestamp":1}`},
		{"ordered map input order", jsonWriter{inputOrder: true}, orderedTestMap{keys: []string{"timestamp", "level"}, vals: map[string]any{"timestamp": int64(1), "level": "I"}}, `{"timestamp":1,"level":"I"}`},
		{"string value", jsonWriter{}, "hello \"x\"", `"hello \"x\""`},
		{"bytes value", jsonWriter{}, []byte{0xff, 0x00}, `"/wA="`},
		{"list", jsonWriter{}, []any{int64(1), nil, true, 2.0}, `[1,null,true,2.0]`},
		{"nil", jsonWriter{}, nil, `null`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.w.appendRecord(nil, nil, tt.v)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tt.want {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
		})
	}
}

func TestJSONRecordErrors(t *testing.T) {
	s := &connect.Schema{Type: connect.TypeStruct, Fields: []connect.Field{{Name: "id", Index: 0, Schema: &connect.Schema{Type: connect.TypeInt32}}}}
	dec := &connect.Schema{Type: connect.TypeStruct, Fields: []connect.Field{{Name: "d", Index: 0, Schema: &connect.Schema{Type: connect.TypeBytes, Name: connect.DecimalName, Parameters: map[string]string{"scale": "3"}}}}}
	for name, v := range map[string]any{
		"required null":  connect.NewStruct(s),
		"scale mismatch": connect.NewStruct(dec).MustPut("d", connect.Decimal{Unscaled: big.NewInt(1), Scale: 2}),
		"unknown type":   struct{ X int }{1},
		"channel":        map[string]any{"c": make(chan int)},
	} {
		if _, err := (jsonWriter{}).appendRecord(nil, nil, v); !errors.Is(err, ErrData) {
			t.Errorf("%s: err = %v, want ErrData", name, err)
		}
	}
}
