package transform

import (
	"errors"
	"math/big"
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
	p, err := Builtin().LookupType(connect.PluginTransformation, class)
	if err != nil {
		return nil, err
	}
	tr := p.NewTransformation()
	return tr, tr.Configure(props)
}

func newP(t *testing.T, class string, props map[string]string) connect.Predicate {
	t.Helper()
	p, err := Builtin().LookupType(connect.PluginPredicate, class)
	if err != nil {
		t.Fatal(err)
	}
	pr := p.NewPredicate()
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
	if te.Class == ClassDataException || te.Class == ClassSchemaBuilderException {
		var de *connect.DataError
		if !errors.As(err, &de) || !errors.Is(err, ErrData) {
			t.Errorf("DataException %v does not match *connect.DataError and ErrData", err)
		}
	}
	if !strings.Contains(err.Error(), want) {
		t.Errorf("error = %q, want it to contain %q", err.Error(), want)
	}
}

// smtCase is one row of an SMT table test: configure class with props, apply to in, and
// expect either err (a substring, with errClass) or the record want (nil = dropped).
type smtCase struct {
	name     string
	class    string
	props    map[string]string
	in       *connect.Record
	want     *connect.Record
	err      string
	errClass string
	// configErr, when set, is expected from Configure instead.
	configErr string
}

func runSMT(t *testing.T, cases []smtCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tr, err := configureT(c.class, c.props)
			if c.configErr != "" {
				wantErr(t, err, ClassConfigException, c.configErr)
				if !errors.Is(err, ErrConfig) {
					t.Errorf("errors.Is(%v, ErrConfig) = false", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("configure: %v", err)
			}
			defer tr.Close()
			var before *connect.Record
			if c.in != nil {
				cp := *c.in
				before = &cp
				before.Key, before.Value = deepCopy(c.in.Key), deepCopy(c.in.Value)
				before.Headers = append(connect.Headers(nil), c.in.Headers...)
			}
			out, err := tr.Apply(c.in)
			if c.err != "" {
				wantErr(t, err, c.errClass, c.err)
				return
			}
			if err != nil {
				t.Fatalf("apply: %v", err)
			}
			if c.in != nil {
				// The input must be left as it was.
				equalValue(t, "input key", c.in.Key, before.Key)
				equalValue(t, "input value", c.in.Value, before.Value)
				if !reflect.DeepEqual(c.in.Headers, before.Headers) || c.in.Topic != before.Topic {
					t.Errorf("input record changed: %+v, was %+v", c.in, before)
				}
			}
			if c.want == nil {
				if out != nil {
					t.Fatalf("got %+v, want the record dropped", out)
				}
				return
			}
			if out == nil {
				t.Fatal("record dropped")
			}
			checkRecord(t, out, c.want)
		})
	}
}

func checkRecord(t *testing.T, got, want *connect.Record) {
	t.Helper()
	if got.Topic != want.Topic {
		t.Errorf("topic = %q, want %q", got.Topic, want.Topic)
	}
	if !got.KeySchema.Equal(want.KeySchema) {
		t.Errorf("key schema = %+v, want %+v", got.KeySchema, want.KeySchema)
	}
	if !got.ValueSchema.Equal(want.ValueSchema) {
		t.Errorf("value schema = %+v, want %+v", got.ValueSchema, want.ValueSchema)
	}
	equalValue(t, "key", got.Key, want.Key)
	equalValue(t, "value", got.Value, want.Value)
	if len(got.Headers) != len(want.Headers) {
		t.Fatalf("headers = %+v, want %+v", got.Headers, want.Headers)
	}
	for i := range got.Headers {
		g, w := got.Headers[i], want.Headers[i]
		if g.Key != w.Key || !g.Schema.Equal(w.Schema) || !reflect.DeepEqual(view(g.Value), view(w.Value)) {
			t.Errorf("header %d = %+v, want %+v", i, g, w)
		}
	}
	if !got.Timestamp.Equal(want.Timestamp) {
		t.Errorf("timestamp = %v, want %v", got.Timestamp, want.Timestamp)
	}
	if (got.Offset == nil) != (want.Offset == nil) || (got.Offset != nil && *got.Offset != *want.Offset) {
		t.Errorf("offset = %v, want %v", got.Offset, want.Offset)
	}
}

// deepCopy copies schemaless maps and slices and structs' views so mutations are detectable.
func deepCopy(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = deepCopy(e)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = deepCopy(e)
		}
		return out
	case *connect.Struct:
		if x == nil {
			return x
		}
		out := connect.NewStruct(x.Schema())
		for _, f := range x.Schema().Fields {
			fv, _ := x.GetWithoutDefault(f.Name)
			out.MustPut(f.Name, deepCopy(fv))
		}
		return out
	}
	return v
}

// with returns a copy of r changed by fn, to build expected records.
func with(r *connect.Record, fn func(*connect.Record)) *connect.Record {
	cp := *r
	cp.Headers = append(connect.Headers(nil), r.Headers...)
	fn(&cp)
	return &cp
}

func bigInt(n int64) *big.Int { return big.NewInt(n) }
