package transform

import (
	"testing"
	"time"

	"github.com/connectless/connectless/core/connect"
)

func TestReplaceField(t *testing.T) {
	in := map[string]any{"a": int64(1), "b": "x", "c": true, "d": nil}
	s := structSchema("a", sch(connect.TypeInt64), "b", sch(connect.TypeString), "c", osch(connect.TypeBoolean))
	s.Name, s.Doc = "rec", "a record"
	st := newStruct(s, "a", int64(1), "b", "x", "c", true)
	renamed := structSchema("b", sch(connect.TypeString), "C", osch(connect.TypeBoolean))
	renamed.Name, renamed.Doc = "rec", "a record"
	defSchema := structSchema("n", &connect.Schema{Type: connect.TypeInt32, Optional: true, Default: int32(5)})

	runSMT(t, []smtCase{
		{name: "schemaless exclude", class: "ReplaceField$Value", props: map[string]string{"exclude": "a, d"},
			in: rec(nil, in), want: rec(nil, map[string]any{"b": "x", "c": true})},
		{name: "schemaless include and rename", class: "ReplaceField$Value", props: map[string]string{"include": "a,b", "renames": "a:A,zz:ZZ"},
			in: rec(nil, in), want: rec(nil, map[string]any{"A": int64(1), "b": "x"})},
		{name: "exclude takes precedence over include", class: "ReplaceField$Value", props: map[string]string{"include": "a,b", "exclude": "a"},
			in: rec(nil, in), want: rec(nil, map[string]any{"b": "x"})},
		{name: "filter on original name", class: "ReplaceField$Value", props: map[string]string{"renames": "a:b", "exclude": "b"},
			in: rec(nil, in), want: rec(nil, map[string]any{"b": int64(1), "c": true, "d": nil})},
		{name: "legacy blacklist", class: "ReplaceField$Value", props: map[string]string{"blacklist": "a,b,c"},
			in: rec(nil, in), want: rec(nil, map[string]any{"d": nil})},
		{name: "legacy whitelist", class: "ReplaceField$Value", props: map[string]string{"whitelist": "c"},
			in: rec(nil, in), want: rec(nil, map[string]any{"c": true})},
		{name: "schemaless key", class: "ReplaceField$Key", props: map[string]string{"exclude": "a"},
			in: rec(map[string]any{"a": 1, "k": 2}, nil), want: rec(map[string]any{"k": 2}, nil)},
		{name: "null passes", class: "ReplaceField$Value", props: map[string]string{"exclude": "a"}, in: rec("k", nil), want: rec("k", nil)},
		{name: "schemaless non-map", class: "ReplaceField$Value", props: map[string]string{"exclude": "a"}, in: rec(nil, int64(3)),
			errClass: ClassDataException, err: "Only Map objects supported in absence of schema for [field replacement], found: java.lang.Long"},
		{name: "struct exclude and rename keeps order and basics", class: "ReplaceField$Value", props: map[string]string{"exclude": "a", "renames": "c:C"},
			in: recS(nil, nil, s, st), want: recS(nil, nil, renamed, newStruct(renamed, "b", "x", "C", true))},
		{name: "struct rename clash", class: "ReplaceField$Value", props: map[string]string{"renames": "a:b"},
			in: recS(nil, nil, s, st), errClass: ClassSchemaBuilderException, err: "Cannot create field because of field name duplication b"},
		{name: "struct default without replacement", class: "ReplaceField$Value", props: map[string]string{"replace.null.with.default": "false"},
			in: recS(nil, nil, defSchema, newStruct(defSchema)), want: recS(nil, nil, defSchema, newStruct(defSchema))},
		{name: "struct default replaced", class: "ReplaceField$Value", props: map[string]string{},
			in: recS(nil, nil, defSchema, newStruct(defSchema)), want: recS(nil, nil, defSchema, newStruct(defSchema, "n", int32(5)))},
		{name: "struct non-struct", class: "ReplaceField$Key", props: map[string]string{}, in: recS(sch(connect.TypeInt32), int32(1), nil, nil),
			errClass: ClassDataException, err: "Only Struct objects supported for [field replacement], found: java.lang.Integer"},
		{name: "bad rename", class: "ReplaceField$Value", props: map[string]string{"renames": "a:b,c"},
			configErr: "Invalid value [a:b, c] for configuration renames: Invalid rename mapping: c"},
		{name: "rename with trailing colon", class: "ReplaceField$Value", props: map[string]string{"renames": "a:"},
			configErr: "Invalid rename mapping: a:"},
	})
}

func TestMaskField(t *testing.T) {
	tm := time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)
	in := map[string]any{"s": "secret", "i": int64(5), "f": 1.5, "b": true, "l": []any{1}, "m": map[string]any{"x": 1}, "t": tm, "keep": "k"}
	all := "s,i,f,b,l,m,t,absent"
	s := structSchema("s", sch(connect.TypeString), "i8", sch(connect.TypeInt8), "i16", sch(connect.TypeInt16), "i32", sch(connect.TypeInt32),
		"f32", sch(connect.TypeFloat32), "n", osch(connect.TypeString), "keep", sch(connect.TypeString))
	st := newStruct(s, "s", "secret", "i8", int8(1), "i16", int16(2), "i32", int32(3), "f32", float32(1.5), "keep", "k")
	decS := structSchema("d", &connect.Schema{Type: connect.TypeBytes, Name: connect.DecimalName})

	runSMT(t, []smtCase{
		{name: "schemaless every type, absent field added as null", class: "MaskField$Value", props: map[string]string{"fields": all},
			in: rec(nil, in), want: rec(nil, map[string]any{"s": "", "i": int64(0), "f": 0.0, "b": false, "l": []any{}, "m": map[string]any{},
				"t": time.UnixMilli(0).UTC(), "keep": "k", "absent": nil})},
		{name: "schemaless replacement", class: "MaskField$Value", props: map[string]string{"fields": "s,i,f", "replacement": "42"},
			in: rec(nil, in), want: rec(nil, map[string]any{"s": "42", "i": int64(42), "f": 42.0, "b": true, "l": []any{1},
				"m": map[string]any{"x": 1}, "t": tm, "keep": "k"})},
		{name: "schemaless key", class: "MaskField$Key", props: map[string]string{"fields": "s"},
			in: rec(map[string]any{"s": "x"}, nil), want: rec(map[string]any{"s": ""}, nil)},
		{name: "schemaless null value is an error", class: "MaskField$Value", props: map[string]string{"fields": "s"}, in: rec(nil, nil),
			errClass: ClassDataException, err: "Only Map objects supported in absence of schema for [mask fields], found: null"},
		{name: "bytes cannot be masked", class: "MaskField$Value", props: map[string]string{"fields": "b"}, in: rec(nil, map[string]any{"b": []byte("x")}),
			errClass: ClassDataException, err: "Cannot mask value of type: class [B"},
		{name: "boolean with replacement", class: "MaskField$Value", props: map[string]string{"fields": "b", "replacement": "x"}, in: rec(nil, in),
			errClass: ClassDataException, err: "Cannot mask value of type class java.lang.Boolean with custom replacement."},
		{name: "number with text replacement", class: "MaskField$Value", props: map[string]string{"fields": "i", "replacement": "abc"}, in: rec(nil, in),
			errClass: ClassDataException, err: "Unable to convert abc (class java.lang.String) to number"},
		{name: "struct", class: "MaskField$Value", props: map[string]string{"fields": "s,i8,i16,i32,f32,n"},
			in: recS(nil, nil, s, st), want: recS(nil, nil, s, newStruct(s, "s", "", "i8", int8(0), "i16", int16(0), "i32", int32(0), "f32", float32(0), "keep", "k"))},
		{name: "struct decimal", class: "MaskField$Value", props: map[string]string{"fields": "d"},
			in:   recS(nil, nil, decS, newStruct(decS, "d", connect.Decimal{Unscaled: bigInt(1234), Scale: 2})),
			want: recS(nil, nil, decS, newStruct(decS, "d", connect.Decimal{Unscaled: bigInt(0), Scale: 0}))},
		{name: "struct non-struct", class: "MaskField$Value", props: map[string]string{"fields": "s"}, in: recS(nil, nil, sch(connect.TypeString), "x"),
			errClass: ClassDataException, err: "Only Struct objects supported for [mask fields], found: java.lang.String"},
		{name: "fields required", class: "MaskField$Value", props: map[string]string{},
			configErr: `Missing required configuration "fields" which has no default value.`},
		{name: "fields empty", class: "MaskField$Value", props: map[string]string{"fields": ""},
			configErr: "Invalid value [] for configuration fields: Empty list"},
		{name: "empty replacement", class: "MaskField$Value", props: map[string]string{"fields": "a", "replacement": ""},
			configErr: "Invalid value  for configuration replacement: String must be non-empty"},
	})
}

func TestValueToKey(t *testing.T) {
	s := structSchema("id", sch(connect.TypeInt64), "name", osch(connect.TypeString), "x", sch(connect.TypeBoolean))
	st := newStruct(s, "id", int64(1), "name", "n", "x", true)
	ks := structSchema("name", osch(connect.TypeString), "id", sch(connect.TypeInt64))
	runSMT(t, []smtCase{
		{name: "schemaless, absent field is null", class: "ValueToKey", props: map[string]string{"fields": "id,missing"},
			in: rec("old", map[string]any{"id": int64(1), "v": 2}), want: rec(map[string]any{"id": int64(1), "missing": nil}, map[string]any{"id": int64(1), "v": 2})},
		{name: "schemaless null value", class: "ValueToKey", props: map[string]string{"fields": "id"}, in: rec("old", nil),
			errClass: ClassDataException, err: "Only Map objects supported in absence of schema for [copying fields from value to key], found: null"},
		{name: "struct in fields order", class: "org.apache.kafka.connect.transforms.ValueToKey", props: map[string]string{"fields": "name,id"},
			in: recS(nil, nil, s, st), want: recS(ks, newStruct(ks, "name", "n", "id", int64(1)), s, st)},
		{name: "struct missing field", class: "ValueToKey", props: map[string]string{"fields": "nope"}, in: recS(nil, nil, s, st),
			errClass: ClassDataException, err: "Field does not exist: nope"},
		{name: "struct null value", class: "ValueToKey", props: map[string]string{"fields": "id"}, in: recS(nil, nil, s, nil),
			errClass: ClassDataException, err: "Only Struct objects supported for [copying fields from value to key], found: null"},
		{name: "fields required", class: "ValueToKey", props: map[string]string{}, configErr: `Missing required configuration "fields"`},
	})
}
