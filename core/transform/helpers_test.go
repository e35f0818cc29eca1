package transform

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/connectless/connectless/core/connect"
)

// newT configures the transform selected by class name or alias.
func newT(t *testing.T, class string, props map[string]string) connect.Transformation {
	t.Helper()
	tr, err := configureT(class, props)
	if err != nil {
		t.Fatalf("configure %s %v: %v", class, props, err)
	}
	return tr
}

func configureT(class string, props map[string]string) (connect.Transformation, error) {
	p, err := Lookup(class)
	if err != nil {
		return nil, err
	}
	tr, ok := p.Transformation()
	if !ok {
		return nil, errors.New(class + " is not a transformation")
	}
	return tr, tr.Configure(props)
}

func newP(t *testing.T, class string, props map[string]string) connect.Predicate {
	t.Helper()
	p, err := Lookup(class)
	if err != nil {
		t.Fatal(err)
	}
	pr, ok := p.Predicate()
	if !ok {
		t.Fatalf("%s is not a predicate", class)
	}
	if err := pr.Configure(props); err != nil {
		t.Fatalf("configure %s: %v", class, err)
	}
	return pr
}

func sinkRecord(topic string, partition int32, offset int64) *connect.Record {
	r := connect.NewSinkRecord(topic, partition, offset)
	return &r.Record
}

// rec is a sink record on topic t, partition 1, offset 42, timestamp 2024-03-05T06:07:08.009Z.
func rec(key, value any) *connect.Record {
	r := sinkRecord("orders", 1, 42)
	r.Key, r.Value = key, value
	r.Timestamp = time.Date(2024, 3, 5, 6, 7, 8, 9e6, time.UTC)
	return r
}

func recS(keySchema *connect.Schema, key any, valueSchema *connect.Schema, value any) *connect.Record {
	r := rec(key, value)
	r.KeySchema, r.ValueSchema = keySchema, valueSchema
	return r
}

func structSchema(fields ...any) *connect.Schema {
	s := &connect.Schema{Type: connect.TypeStruct}
	for i := 0; i < len(fields); i += 2 {
		s.Fields = append(s.Fields, connect.Field{Name: fields[i].(string), Index: len(s.Fields), Schema: fields[i+1].(*connect.Schema)})
	}
	return s
}

func sch(t connect.Type) *connect.Schema  { return &connect.Schema{Type: t} }
func osch(t connect.Type) *connect.Schema { return &connect.Schema{Type: t, Optional: true} }

func newStruct(s *connect.Schema, kv ...any) *connect.Struct {
	st := connect.NewStruct(s)
	for i := 0; i < len(kv); i += 2 {
		st.MustPut(kv[i].(string), kv[i+1])
	}
	return st
}

// structMap renders a struct (recursively) as field → value, with the field order as a list,
// so tests can compare structs with reflect.DeepEqual.
type structView struct {
	Order  []string
	Values map[string]any
}

func view(v any) any {
	switch x := v.(type) {
	case *connect.Struct:
		if x == nil {
			return nil
		}
		sv := structView{Values: map[string]any{}}
		for _, f := range x.Schema().Fields {
			sv.Order = append(sv.Order, f.Name)
			fv, _ := x.GetWithoutDefault(f.Name)
			sv.Values[f.Name] = view(fv)
		}
		return sv
	}
	return v
}

func equalValue(t *testing.T, what string, got, want any) {
	t.Helper()
	if !reflect.DeepEqual(view(got), view(want)) {
		t.Errorf("%s = %#v, want %#v", what, view(got), view(want))
	}
}

// wantErr checks err's message holds want and that it is a transform *Error of the class.
func wantErr(t *testing.T, err error, class, want string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error, want %q", want)
	}
	var te *Error
	if !errors.As(err, &te) {
		t.Fatalf("error %v (%T) is not a *transform.Error", err, err)
	}
	if class != "" && te.Class != class {
		t.Errorf("error class = %s, want %s (%v)", te.Class, class, err)
	}
	if !strings.Contains(err.Error(), want) {
		t.Errorf("error = %q, want it to contain %q", err.Error(), want)
	}
}

// unchangedMap fails when m no longer equals the snapshot taken before the transform.
func snapshot(m map[string]any) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}
