package protoconv

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/connectless/connectless/core/connect"
	"github.com/connectless/connectless/infra/devstack"
	"github.com/connectless/connectless/infra/devstack/devstacktest"
	"github.com/twmb/franz-go/pkg/sr"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// TestIntegrationProtobufNestingRoundTrip writes a value of every nesting Protobuf can hold
// and reads it back: structs in structs, arrays of structs, maps of scalars, structs, arrays
// and maps, maps with struct keys, and oneofs.
func TestIntegrationProtobufNestingRoundTrip(t *testing.T) {
	reg := devstacktest.SchemaRegistry(t, devstack.SchemaRegistryOptions{})
	str := &connect.Schema{Type: connect.TypeString}
	i64 := &connect.Schema{Type: connect.TypeInt64}
	point := connect.NewSchemaBuilder(connect.TypeStruct).Name("geo.Point").
		Field("x", i64).Field("y", i64).Optional().Build()
	// A oneof as ProtobufData reads one: io.confluent.connect.protobuf.Union.<name>, optional
	// members.
	shape := connect.NewSchemaBuilder(connect.TypeStruct).Name(UnionName+".shape").
		Field("label", &connect.Schema{Type: connect.TypeString, Optional: true}).
		Field("at", point).Optional().Build()
	arrOf := func(v *connect.Schema) *connect.Schema { return &connect.Schema{Type: connect.TypeArray, Value: v} }
	mapOf := func(k, v *connect.Schema) *connect.Schema {
		return &connect.Schema{Type: connect.TypeMap, Key: k, Value: v}
	}
	s := connect.NewSchemaBuilder(connect.TypeStruct).Name("geo.Drawing").
		Field("shape_0", shape).
		Field("origin", point).
		Field("path", arrOf(point)).
		Field("counts", mapOf(str, i64)).
		Field("named", mapOf(str, point)).
		Field("lists", mapOf(str, arrOf(i64))).
		Field("by_int", mapOf(&connect.Schema{Type: connect.TypeInt32}, arrOf(str))).
		Field("nested", mapOf(str, mapOf(str, i64))).
		Field("by_point", mapOf(point, str)).
		Build()
	pt := func(x, y int64) *connect.Struct { return connect.NewStruct(point).MustPut("x", x).MustPut("y", y) }
	v := connect.NewStruct(s).
		MustPut("shape_0", connect.NewStruct(shape).MustPut("at", pt(1, 2))).
		MustPut("origin", pt(0, 0)).
		MustPut("path", []any{pt(1, 1), pt(2, 3)}).
		MustPut("counts", map[any]any{"a": int64(1)}).
		MustPut("named", map[any]any{"home": pt(5, 6)}).
		MustPut("lists", map[any]any{"p": []any{int64(2), int64(3)}, "empty": []any{}}).
		MustPut("by_int", map[any]any{int32(7): []any{"x", "y"}}).
		MustPut("nested", map[any]any{"o": map[any]any{"i": int64(9)}}).
		MustPut("by_point", map[any]any{pt(4, 4): "four"})

	text, err := schemaText(s)
	if err != nil {
		t.Fatal(err)
	}
	// The oneof keeps its name; maps a Protobuf map cannot hold become repeated entry messages.
	for _, want := range []string{"oneof shape {", "map<string, int64> counts", "repeated ListsEntry lists",
		"repeated int64 value = 2;", "repeated NestedEntry nested", "repeated ByPointEntry by_point"} {
		if !strings.Contains(text, want) {
			t.Errorf("schema text lacks %q:\n%s", want, text)
		}
	}
	c := newConverter(t, reg.URL())
	data, err := c.FromConnect("drawings", s, v)
	if err != nil {
		t.Fatal(err)
	}
	cs, got, err := newConverter(t, reg.URL()).ToConnect("drawings", data)
	if err != nil {
		t.Fatal(err)
	}
	st := got.(*connect.Struct)
	for _, f := range s.Fields {
		if _, ok := cs.Field(f.Name); !ok {
			t.Errorf("read schema lacks field %q", f.Name)
		}
	}
	if u := get(st, "shape_0").(*connect.Struct); !sameXY(get(u, "at"), 1, 2) || get(u, "label") != nil {
		t.Errorf("shape_0 %v", u)
	}
	if p := get(st, "path").([]any); len(p) != 2 || !sameXY(p[1], 2, 3) {
		t.Errorf("path %v", p)
	}
	if !sameXY(get(st, "named").(map[any]any)["home"], 5, 6) {
		t.Errorf("named %v", get(st, "named"))
	}
	for f, want := range map[string]any{
		"counts": map[any]any{"a": int64(1)},
		"lists":  map[any]any{"p": []any{int64(2), int64(3)}, "empty": []any{}},
		"by_int": map[any]any{int32(7): []any{"x", "y"}},
		"nested": map[any]any{"o": map[any]any{"i": int64(9)}},
	} {
		if !reflect.DeepEqual(get(st, f), want) {
			t.Errorf("%s: got %#v want %#v", f, get(st, f), want)
		}
	}
	bp := get(st, "by_point").(map[any]any)
	if len(bp) != 1 {
		t.Fatalf("by_point %v", bp)
	}
	for k, e := range bp {
		if !sameXY(k, 4, 4) || e != "four" {
			t.Errorf("by_point %v -> %v", k, e)
		}
	}
	// Written again with the schema read, the bytes read back the same.
	again, err := c.FromConnect("drawings", cs, st)
	if err != nil {
		t.Fatal(err)
	}
	if _, v2, err := c.ToConnect("drawings", again); err != nil || !reflect.DeepEqual(get(v2.(*connect.Struct), "lists"), get(st, "lists")) {
		t.Errorf("second round: %v %v", v2, err)
	}
}

func sameXY(v any, x, y int64) bool {
	st, ok := v.(*connect.Struct)
	return ok && get(st, "x") == x && get(st, "y") == y
}

// TestProtobufNestingRefused: what Protobuf cannot hold is refused with a message naming it.
// Confluent's ProtobufData refuses an array of arrays too ("Array cannot be nested").
func TestProtobufNestingRefused(t *testing.T) {
	i64 := &connect.Schema{Type: connect.TypeInt64}
	arr := &connect.Schema{Type: connect.TypeArray, Value: i64}
	for name, tc := range map[string]struct {
		field *connect.Schema
		want  string
	}{
		"array of arrays": {&connect.Schema{Type: connect.TypeArray, Value: arr}, "array of arrays"},
		"array of maps":   {&connect.Schema{Type: connect.TypeArray, Value: &connect.Schema{Type: connect.TypeMap, Key: i64, Value: i64}}, "array of maps"},
		"array in oneof": {connect.NewSchemaBuilder(connect.TypeStruct).Name(UnionName+".u").
			Field("xs", arr).Optional().Build(), "cannot hold"},
	} {
		t.Run(name, func(t *testing.T) {
			s := connect.NewSchemaBuilder(connect.TypeStruct).Name("R").Field("f", tc.field).Build()
			_, err := schemaText(s)
			if !errors.Is(err, ErrSchema) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err %v, want ErrSchema naming %q", err, tc.want)
			}
		})
	}
}

// TestIntegrationProtobufEnumKeepsDeclaredOrder: an enum read from a registered schema is
// written back with its values in the declared order (ProtobufData iterates the enum's
// parameters in the order it set them), not sorted by number or name.
func TestIntegrationProtobufEnumKeepsDeclaredOrder(t *testing.T) {
	reg := devstacktest.SchemaRegistry(t, devstack.SchemaRegistryOptions{})
	c := newConverter(t, reg.URL())
	fd, err := c.compile(sr.Schema{Schema: "syntax = \"proto3\";\npackage paint;\nenum Color { RED = 0; GREEN = 2; BLUE = 1; }\nmessage Pot { Color color = 1; }\n"})
	if err != nil {
		t.Fatal(err)
	}
	cs, err := toConnect(fd.Messages().Get(0), map[protoreflect.FullName]bool{})
	if err != nil {
		t.Fatal(err)
	}
	text, err := schemaText(cs)
	if err != nil {
		t.Fatal(err)
	}
	r, g, b := strings.Index(text, "RED = 0;"), strings.Index(text, "GREEN = 2;"), strings.Index(text, "BLUE = 1;")
	if r < 0 || !(r < g && g < b) {
		t.Fatalf("enum not in declared order:\n%s", text)
	}
}

// TestIntegrationProtobufRecursionRefused: a message that holds itself has no finite Connect
// schema; it is refused with a message naming it.
func TestIntegrationProtobufRecursionRefused(t *testing.T) {
	reg := devstacktest.SchemaRegistry(t, devstack.SchemaRegistryOptions{})
	fd, err := newConverter(t, reg.URL()).compile(sr.Schema{Schema: "syntax = \"proto3\";\nmessage Tree { int32 v = 1; repeated Tree kids = 2; }\n"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = toConnect(fd.Messages().Get(0), map[protoreflect.FullName]bool{})
	if !errors.Is(err, ErrSchema) || !strings.Contains(err.Error(), "recursive message Tree") {
		t.Fatalf("err %v, want ErrSchema naming the recursive message", err)
	}
}
