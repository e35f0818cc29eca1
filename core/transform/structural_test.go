package transform

import (
	"testing"

	"github.com/connectless/connectless/core/connect"
)

func TestHoistField(t *testing.T) {
	str := sch(connect.TypeString)
	hs := structSchema("line", str)
	ohs := structSchema("line", osch(connect.TypeString))
	runSMT(t, []smtCase{
		{name: "schemaless value", class: "HoistField$Value", props: map[string]string{"field": "line"},
			in: rec(nil, "hello"), want: rec(nil, map[string]any{"line": "hello"})},
		{name: "schemaless null value still wrapped", class: "HoistField$Value", props: map[string]string{"field": "line"},
			in: rec(nil, nil), want: rec(nil, map[string]any{"line": nil})},
		{name: "schemaless key", class: "HoistField$Key", props: map[string]string{"field": "id"},
			in: rec(int64(3), "v"), want: rec(map[string]any{"id": int64(3)}, "v")},
		{name: "schema", class: "HoistField$Value", props: map[string]string{"field": "line"},
			in: recS(nil, nil, str, "hello"), want: recS(nil, nil, hs, newStruct(hs, "line", "hello"))},
		{name: "schema optional null", class: "HoistField$Value", props: map[string]string{"field": "line"},
			in: recS(nil, nil, osch(connect.TypeString), nil), want: recS(nil, nil, ohs, newStruct(ohs))},
		{name: "schema required null", class: "HoistField$Value", props: map[string]string{"field": "line"},
			in: recS(nil, nil, str, nil), errClass: ClassDataException, err: `Invalid value: null used for required field: "line", schema type: STRING`},
		{name: "field required", class: "HoistField$Value", props: map[string]string{}, configErr: `Missing required configuration "field" which has no default value.`},
	})
}

func TestExtractField(t *testing.T) {
	inner := structSchema("c", sch(connect.TypeInt32))
	s := structSchema("a", sch(connect.TypeString), "b", inner, "d", &connect.Schema{Type: connect.TypeInt32, Optional: true, Default: int32(9)})
	st := newStruct(s, "a", "x", "b", newStruct(inner, "c", int32(4)))
	nested := map[string]any{"a": "x", "b": map[string]any{"c": int64(4)}, "a.b": "dotted", "e": map[string]any{"f.g": 1}}
	runSMT(t, []smtCase{
		{name: "schemaless", class: "ExtractField$Value", props: map[string]string{"field": "a"},
			in: rec(nil, nested), want: rec(nil, "x")},
		{name: "schemaless V1 dotted name", class: "ExtractField$Value", props: map[string]string{"field": "a.b"},
			in: rec(nil, nested), want: rec(nil, "dotted")},
		{name: "schemaless V2 path", class: "ExtractField$Value", props: map[string]string{"field": "b.c", "field.syntax.version": "v2"},
			in: rec(nil, nested), want: rec(nil, int64(4))},
		{name: "schemaless V2 backticks", class: "ExtractField$Value", props: map[string]string{"field": "e.`f.g`", "field.syntax.version": "V2"},
			in: rec(nil, nested), want: rec(nil, 1)},
		{name: "schemaless missing is null", class: "ExtractField$Value", props: map[string]string{"field": "zz"},
			in: rec(nil, nested), want: rec(nil, nil)},
		{name: "schemaless V2 through non-map is null", class: "ExtractField$Value", props: map[string]string{"field": "a.x", "field.syntax.version": "V2"},
			in: rec(nil, nested), want: rec(nil, nil)},
		{name: "schemaless null", class: "ExtractField$Key", props: map[string]string{"field": "a"}, in: rec(nil, "v"), want: rec(nil, "v")},
		{name: "schemaless non-map", class: "ExtractField$Key", props: map[string]string{"field": "a"}, in: rec("k", "v"),
			errClass: ClassDataException, err: "Only Map objects supported in absence of schema for [field extraction], found: java.lang.String"},
		{name: "struct", class: "ExtractField$Value", props: map[string]string{"field": "b"},
			in: recS(nil, nil, s, st), want: recS(nil, nil, inner, newStruct(inner, "c", int32(4)))},
		{name: "struct V2 nested", class: "ExtractField$Value", props: map[string]string{"field": "b.c", "field.syntax.version": "V2"},
			in: recS(nil, nil, s, st), want: recS(nil, nil, sch(connect.TypeInt32), int32(4))},
		{name: "struct default", class: "ExtractField$Value", props: map[string]string{"field": "d"},
			in: recS(nil, nil, s, st), want: recS(nil, nil, s.Fields[2].Schema, int32(9))},
		{name: "struct default not replaced", class: "ExtractField$Value", props: map[string]string{"field": "d", "replace.null.with.default": "false"},
			in: recS(nil, nil, s, st), want: recS(nil, nil, s.Fields[2].Schema, nil)},
		{name: "struct null value", class: "ExtractField$Value", props: map[string]string{"field": "a"},
			in: recS(nil, nil, s, nil), want: recS(nil, nil, sch(connect.TypeString), nil)},
		{name: "struct unknown field", class: "ExtractField$Value", props: map[string]string{"field": "zz"},
			in: recS(nil, nil, s, st), errClass: ClassIllegalArgument, err: "Unknown field: zz"},
		{name: "bad syntax version", class: "ExtractField$Value", props: map[string]string{"field": "a", "field.syntax.version": "V3"},
			configErr: "Invalid value V3 for configuration field.syntax.version: String must be one of (case insensitive): V1, V2"},
		{name: "unterminated backtick", class: "ExtractField$Value", props: map[string]string{"field": "`a.b", "field.syntax.version": "V2"},
			configErr: "Incomplete backtick pair in path: [`a.b]"},
	})
}

func TestExtractField_structField(t *testing.T) {
	// The struct case above builds its expectation from the schema; check the value directly too.
	inner := structSchema("c", sch(connect.TypeInt32))
	s := structSchema("b", inner)
	v := newStruct(inner, "c", int32(4))
	tr := newT(t, "ExtractField$Value", map[string]string{"field": "b"})
	out, err := tr.Apply(recS(nil, nil, s, newStruct(s, "b", v)))
	if err != nil {
		t.Fatal(err)
	}
	if out.Value != any(v) || out.ValueSchema != inner {
		t.Errorf("got %v (%v), want the inner struct and schema", out.Value, out.ValueSchema)
	}
}

func TestFieldPathV2(t *testing.T) {
	for _, c := range []struct {
		in   string
		want []string
	}{
		{"a", []string{"a"}},
		{"a.b.c", []string{"a", "b", "c"}},
		{"`a.b`.c", []string{"a.b", "c"}},
		{"a.`b.c`", []string{"a", "b.c"}},
		{"`a\\`b`", []string{"a`b"}},
		{"a.", []string{"a", ""}},
		{"`a`b`", []string{"a`b"}},
	} {
		got, err := parseFieldPathV2(c.in)
		if err != nil {
			t.Errorf("%q: %v", c.in, err)
			continue
		}
		if len(got) != len(c.want) {
			t.Errorf("%q = %q, want %q", c.in, got, c.want)
			continue
		}
		for i := range got {
			if got[i] != c.want[i] {
				t.Errorf("%q = %q, want %q", c.in, got, c.want)
			}
		}
	}
}

func TestSetSchemaMetadata(t *testing.T) {
	s := structSchema("a", sch(connect.TypeString))
	s.Name, s.Version, s.Doc = "old", 1, "doc"
	ns := structSchema("a", sch(connect.TypeString))
	ns.Name, ns.Version, ns.Doc = "new", 7, "doc"
	vs := structSchema("a", sch(connect.TypeString))
	vs.Name, vs.Version, vs.Doc = "old", 2, "doc"
	arr := &connect.Schema{Type: connect.TypeArray, Value: sch(connect.TypeInt32), Optional: true}
	narr := &connect.Schema{Type: connect.TypeArray, Value: sch(connect.TypeInt32), Optional: true, Name: "ints"}
	runSMT(t, []smtCase{
		{name: "struct name and version", class: "SetSchemaMetadata$Value", props: map[string]string{"schema.name": "new", "schema.version": "7"},
			in: recS(nil, nil, s, newStruct(s, "a", "x")), want: recS(nil, nil, ns, newStruct(ns, "a", "x"))},
		{name: "version only", class: "SetSchemaMetadata$Value", props: map[string]string{"schema.version": "2"},
			in: recS(nil, nil, s, newStruct(s, "a", "x")), want: recS(nil, nil, vs, newStruct(vs, "a", "x"))},
		{name: "array key keeps optional and element", class: "SetSchemaMetadata$Key", props: map[string]string{"schema.name": "ints"},
			in: recS(arr, []any{int32(1)}, nil, nil), want: recS(narr, []any{int32(1)}, nil, nil)},
		{name: "no schema and no value", class: "SetSchemaMetadata$Value", props: map[string]string{"schema.name": "n"},
			in: rec("k", nil), want: rec("k", nil)},
		{name: "schemaless value", class: "SetSchemaMetadata$Value", props: map[string]string{"schema.name": "n"},
			in: rec(nil, map[string]any{}), errClass: ClassDataException, err: "Schema required for [updating schema metadata]"},
		{name: "nothing configured", class: "SetSchemaMetadata$Value", props: map[string]string{}, configErr: "Neither schema name nor version configured"},
		{name: "bad version", class: "SetSchemaMetadata$Value", props: map[string]string{"schema.version": "x"},
			configErr: "Invalid value x for configuration schema.version: Not a number of type INT"},
	})
}

func TestFlatten(t *testing.T) {
	addr := structSchema("city", sch(connect.TypeString), "zip", osch(connect.TypeString))
	addr.Optional = true
	s := structSchema("id", sch(connect.TypeInt64), "addr", addr, "tags", &connect.Schema{Type: connect.TypeArray, Value: sch(connect.TypeString)})
	st := newStruct(s, "id", int64(1), "addr", newStruct(addr, "city", "Oslo"), "tags", []any{"a"})
	fs := structSchema("id", sch(connect.TypeInt64), "addr_city", osch(connect.TypeString), "addr_zip", osch(connect.TypeString),
		"tags", &connect.Schema{Type: connect.TypeArray, Value: sch(connect.TypeString)})
	withMap := structSchema("m", &connect.Schema{Type: connect.TypeMap, Key: sch(connect.TypeString), Value: sch(connect.TypeString)})
	nullAddr := newStruct(s, "id", int64(2), "tags", []any{})

	runSMT(t, []smtCase{
		{name: "schemaless nested maps", class: "Flatten$Value", props: map[string]string{},
			in:   rec(nil, map[string]any{"a": map[string]any{"b": map[string]any{"c": 1}, "d": nil}, "l": []any{map[string]any{"x": 1}}, "bin": []byte("x")}),
			want: rec(nil, map[string]any{"a.b.c": 1, "a.d": nil, "l": []any{map[string]any{"x": 1}}, "bin": []byte("x")})},
		{name: "schemaless key delimiter", class: "Flatten$Key", props: map[string]string{"delimiter": "_"},
			in: rec(map[string]any{"a": map[string]any{"b": "x"}}, nil), want: rec(map[string]any{"a_b": "x"}, nil)},
		{name: "null passes", class: "Flatten$Value", props: map[string]string{}, in: rec("k", nil), want: rec("k", nil)},
		{name: "schemaless date rejected", class: "Flatten$Value", props: map[string]string{},
			in: rec(nil, map[string]any{"a": map[string]any{"t": rec(nil, nil).Timestamp}}), errClass: ClassDataException,
			err: "Flatten transformation does not support class java.util.Date for record without schemas (for field a.t)."},
		{name: "schemaless non-map", class: "Flatten$Value", props: map[string]string{}, in: rec(nil, "x"), errClass: ClassDataException,
			err: "Only Map objects supported in absence of schema for [flattening], found: java.lang.String"},
		{name: "struct", class: "Flatten$Value", props: map[string]string{"delimiter": "_"},
			in: recS(nil, nil, s, st), want: recS(nil, nil, fs, newStruct(fs, "id", int64(1), "addr_city", "Oslo", "tags", []any{"a"}))},
		{name: "struct with null optional child", class: "Flatten$Value", props: map[string]string{"delimiter": "_"},
			in: recS(nil, nil, s, nullAddr), want: recS(nil, nil, fs, newStruct(fs, "id", int64(2), "tags", []any{}))},
		{name: "struct map field rejected", class: "Flatten$Value", props: map[string]string{},
			in: recS(nil, nil, withMap, newStruct(withMap)), errClass: ClassDataException,
			err: "Flatten transformation does not support MAP for record with schemas (for field m)."},
	})
}

// Updated schemas are cached per input schema, as Kafka's SMTs do, so downstream code can
// compare schemas by pointer.
func TestSchemaCache(t *testing.T) {
	s := structSchema("a", sch(connect.TypeString), "b", sch(connect.TypeString))
	for _, c := range []struct {
		class string
		props map[string]string
	}{
		{"ReplaceField$Value", map[string]string{"exclude": "b"}},
		{"InsertField$Value", map[string]string{"topic.field": "t"}},
		{"Cast$Value", map[string]string{"spec": "a:int32"}},
		{"Flatten$Value", map[string]string{}},
		{"TimestampConverter$Value", map[string]string{"field": "a", "target.type": "unix", "format": "yyyy"}},
	} {
		tr := newT(t, c.class, c.props)
		r1, err1 := tr.Apply(recS(nil, nil, s, newStruct(s, "a", "1", "b", "x")))
		r2, err2 := tr.Apply(recS(nil, nil, s, newStruct(s, "a", "2", "b", "y")))
		if err1 != nil || err2 != nil {
			t.Fatalf("%s: %v %v", c.class, err1, err2)
		}
		if r1.ValueSchema != r2.ValueSchema || r1.ValueSchema == s {
			t.Errorf("%s: schemas %p and %p, want one new cached schema", c.class, r1.ValueSchema, r2.ValueSchema)
		}
	}
}
