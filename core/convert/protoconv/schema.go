package protoconv

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/connectless/connectless/core/connect"
)

// Connect names and parameters for what Protobuf has and Connect does not, as Confluent's
// ProtobufData spells them.
const (
	// EnumParam names the Protobuf enum of a string schema; each value NAME is a parameter
	// EnumParam+"."+NAME holding its number.
	EnumParam = "io.confluent.connect.protobuf.Enum"
	// UnionName names the struct that stands for a oneof: one optional field per member.
	UnionName = "io.confluent.connect.protobuf.Union"
	// DefaultName names an unnamed struct's message, with a counter (ConnectDefault1, ...).
	DefaultName = "ConnectDefault"
	// TagParam holds a field's Protobuf field number.
	TagParam = "io.confluent.connect.protobuf.Tag"
)

// ErrSchema is returned (wrapped) for a schema with no Protobuf or Connect counterpart.
var ErrSchema = errors.New("protobuf schema conversion")

// gen writes the proto3 text of a Connect struct schema, as ProtobufData.fromConnectSchema.
type gen struct {
	imports map[string]bool
	index   int
	// nested are the message and enum definitions written inside the root message.
	nested  []string
	defined map[string]*connect.Schema
}

// schemaText returns the proto3 file for a Connect struct schema and the full name of its
// (first) message.
func schemaText(s *connect.Schema) (string, error) {
	if s == nil || s.Type != connect.TypeStruct || isUnion(s) {
		return "", fmt.Errorf("%w: ProtobufConverter writes Struct values with a schema; got %v", ErrSchema, typeOf(s))
	}
	g := &gen{imports: map[string]bool{}, defined: map[string]*connect.Schema{}}
	pkg, name := g.names(s.Name)
	body, err := g.message(name, s)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	b.WriteString("syntax = \"proto3\";\n")
	if pkg != "" {
		b.WriteString("package " + pkg + ";\n")
	}
	imps := make([]string, 0, len(g.imports))
	for i := range g.imports {
		imps = append(imps, i)
	}
	slices.Sort(imps)
	for _, i := range imps {
		b.WriteString("import \"" + i + "\";\n")
	}
	b.WriteString("\n")
	b.WriteString(body)
	return b.String(), nil
}

func typeOf(s *connect.Schema) string {
	if s == nil {
		return "no schema"
	}
	return string(s.Type)
}

func (g *gen) names(full string) (pkg, name string) {
	if full == "" {
		g.index++
		return "", DefaultName + strconv.Itoa(g.index)
	}
	if i := strings.LastIndexByte(full, '.'); i >= 0 {
		return full[:i], full[i+1:]
	}
	return "", full
}

func (g *gen) message(name string, s *connect.Schema) (string, error) {
	var fields strings.Builder
	outer := g.nested
	g.nested = nil
	nums, err := numberFields(s.Fields)
	if err != nil {
		return "", err
	}
	for _, f := range s.Fields {
		if isUnion(f.Schema) {
			decl, err := g.oneof(f, nums)
			if err != nil {
				return "", fmt.Errorf("field %q: %w", f.Name, err)
			}
			fields.WriteString(decl)
			continue
		}
		decl, err := g.field(f.Name, f.Schema, nums.of(f.Schema), false)
		if err != nil {
			return "", fmt.Errorf("field %q: %w", f.Name, err)
		}
		fields.WriteString("  " + decl + "\n")
	}
	var b strings.Builder
	b.WriteString("message " + name + " {\n")
	b.WriteString(fields.String())
	for _, n := range g.nested {
		for _, line := range strings.Split(strings.TrimRight(n, "\n"), "\n") {
			b.WriteString("  " + line + "\n")
		}
	}
	b.WriteString("}\n")
	g.nested = outer
	return b.String(), nil
}

// isUnion reports whether s is the struct ProtobufData makes of a oneof: named
// io.confluent.connect.protobuf.Union, or that name and "." and the oneof's name.
func isUnion(s *connect.Schema) bool {
	return s != nil && s.Type == connect.TypeStruct && (s.Name == UnionName || strings.HasPrefix(s.Name, UnionName+"."))
}

// fieldNumbers hands out field numbers as ProtobufData does: a field's TagParam when it has
// one, else the next number no tagged field of the message uses.
type fieldNumbers struct {
	used map[int]bool
	next int
}

func numberFields(fields []connect.Field) (*fieldNumbers, error) {
	n := &fieldNumbers{used: map[int]bool{}}
	mark := func(f connect.Field) error {
		t, ok := f.Schema.Parameters[TagParam]
		if !ok {
			return nil
		}
		num, err := strconv.Atoi(t)
		if err != nil || num < 1 {
			return fmt.Errorf("%w: field %q: %s=%q is not a field number", ErrSchema, f.Name, TagParam, t)
		}
		n.used[num] = true
		return nil
	}
	for _, f := range fields {
		if err := mark(f); err != nil {
			return nil, err
		}
		if isUnion(f.Schema) {
			for _, m := range f.Schema.Fields {
				if err := mark(m); err != nil {
					return nil, err
				}
			}
		}
	}
	return n, nil
}

func (n *fieldNumbers) of(s *connect.Schema) int {
	if t, ok := s.Parameters[TagParam]; ok {
		num, _ := strconv.Atoi(t) // checked by numberFields
		return num
	}
	for n.next++; n.used[n.next]; n.next++ {
	}
	n.used[n.next] = true
	return n.next
}

// oneof writes a union struct as a oneof: named for the union schema's name after
// "io.confluent.connect.protobuf.Union." (else the field's name), one member a field.
func (g *gen) oneof(f connect.Field, nums *fieldNumbers) (string, error) {
	name := f.Name
	if rest, ok := strings.CutPrefix(f.Schema.Name, UnionName+"."); ok && rest != "" {
		name = rest[strings.LastIndexByte(rest, '.')+1:]
	}
	var b strings.Builder
	b.WriteString("  oneof " + name + " {\n")
	for _, m := range f.Schema.Fields {
		if m.Schema.Type == connect.TypeArray || m.Schema.Type == connect.TypeMap || isUnion(m.Schema) {
			return "", fmt.Errorf("%w: oneof %s: member %q is a %s, which a oneof cannot hold", ErrSchema, name, m.Name, m.Schema.Type)
		}
		decl, err := g.field(m.Name, m.Schema, nums.of(m.Schema), true)
		if err != nil {
			return "", fmt.Errorf("oneof %s member %q: %w", name, m.Name, err)
		}
		b.WriteString("    " + decl + "\n")
	}
	b.WriteString("  }\n")
	return b.String(), nil
}

func (g *gen) field(name string, s *connect.Schema, num int, inOneof bool) (string, error) {
	t, err := g.typeName(name, s)
	if err != nil {
		return "", err
	}
	// Confluent's ProtobufData keeps what proto3 cannot say in (confluent.field_meta) params:
	// a Decimal's scale and precision, and int8/int16 as connect.type.
	var params []string
	meta := s
	if s.Type == connect.TypeArray {
		meta = s.Value
	}
	switch {
	case meta.Name == connect.DecimalName:
		params = append(params, fmt.Sprintf(`{ key: "scale", value: %q }`, meta.Parameters[connect.DecimalScaleParam]))
		if p, ok := meta.Parameters["connect.decimal.precision"]; ok {
			params = append(params, fmt.Sprintf(`{ key: "precision", value: %q }`, p))
		}
	case meta.Type == connect.TypeInt8 || meta.Type == connect.TypeInt16:
		params = append(params, fmt.Sprintf(`{ key: "connect.type", value: %q }`, meta.Type))
	}
	opt := ""
	if len(params) > 0 {
		g.imports["confluent/meta.proto"] = true
		opt = " [(confluent.field_meta) = { params: [" + strings.Join(params, ", ") + "] }]"
	}
	label := ""
	switch {
	case inOneof:
	case s.Type == connect.TypeArray, s.Type == connect.TypeMap && !strings.HasPrefix(t, "map<"):
		label = "repeated "
	case s.Optional && s.Type != connect.TypeMap && s.Type != connect.TypeStruct && !strings.Contains(t, "."):
		label = "optional "
	}
	return fmt.Sprintf("%s%s %s = %d%s;", label, t, name, num, opt), nil
}

func scalar(s *connect.Schema) (string, bool) {
	switch s.Type {
	case connect.TypeInt8, connect.TypeInt16, connect.TypeInt32:
		return "int32", true
	case connect.TypeInt64:
		return "int64", true
	case connect.TypeFloat32:
		return "float", true
	case connect.TypeFloat64:
		return "double", true
	case connect.TypeBoolean:
		return "bool", true
	case connect.TypeString:
		return "string", true
	case connect.TypeBytes:
		return "bytes", true
	}
	return "", false
}

func (g *gen) typeName(field string, s *connect.Schema) (string, error) {
	switch s.Name {
	case connect.TimestampName:
		g.imports["google/protobuf/timestamp.proto"] = true
		return "google.protobuf.Timestamp", nil
	case connect.DateName:
		g.imports["google/type/date.proto"] = true
		return "google.type.Date", nil
	case connect.TimeName:
		g.imports["google/type/timeofday.proto"] = true
		return "google.type.TimeOfDay", nil
	case connect.DecimalName:
		g.imports["confluent/type/decimal.proto"] = true
		return "confluent.type.Decimal", nil
	}
	if enum, ok := s.Parameters[EnumParam]; ok && s.Type == connect.TypeString {
		return g.enum(enum, s)
	}
	if t, ok := scalar(s); ok {
		return t, nil
	}
	switch s.Type {
	case connect.TypeArray:
		switch {
		case s.Value.Type == connect.TypeArray:
			// ProtobufData refuses it too ("Array cannot be nested").
			return "", fmt.Errorf("%w: an array of arrays has no Protobuf form; wrap the inner array in a struct", ErrSchema)
		case s.Value.Type == connect.TypeMap:
			// ProtobufData would flatten it into one repeated map entry, losing the arrays.
			return "", fmt.Errorf("%w: an array of maps has no Protobuf form; wrap the map in a struct", ErrSchema)
		}
		return g.typeName(field, s.Value)
	case connect.TypeMap:
		k, ok := scalar(s.Key)
		if ok && k != "float" && k != "double" && k != "bytes" && s.Key.Name == "" &&
			s.Value.Type != connect.TypeArray && s.Value.Type != connect.TypeMap {
			v, err := g.typeName(field, s.Value)
			if err != nil {
				return "", err
			}
			return "map<" + k + ", " + v + ">", nil
		}
		return g.mapEntry(field, s)
	case connect.TypeStruct:
		if isUnion(s) {
			return "", fmt.Errorf("%w: a oneof union can only be a field of a struct", ErrSchema)
		}
		_, name := g.names(s.Name)
		if prev, ok := g.defined[name]; ok {
			if prev.Equal(asType(s)) {
				return name, nil
			}
			return "", fmt.Errorf("%w: two different structs are both named %q", ErrSchema, name)
		}
		g.defined[name] = asType(s)
		body, err := g.message(name, s)
		if err != nil {
			return "", err
		}
		g.nested = append(g.nested, body)
		return name, nil
	}
	return "", fmt.Errorf("%w: unknown Connect type %q", ErrSchema, s.Type)
}

// mapEntry writes a map that a Protobuf map field cannot hold (keys that are not integers,
// bools or strings; values that are arrays or maps) as ProtobufData does: a repeated
// message <Field>Entry with fields key = 1 and value = 2 (repeated for an array value).
func (g *gen) mapEntry(field string, s *connect.Schema) (string, error) {
	name := entryName(field)
	entry := &connect.Schema{Type: connect.TypeStruct, Fields: []connect.Field{
		{Name: "key", Index: 0, Schema: s.Key}, {Name: "value", Index: 1, Schema: s.Value}}}
	body, err := g.message(name, entry)
	if err != nil {
		return "", err
	}
	g.nested = append(g.nested, body)
	return name, nil
}

// entryName names a map field's entry message as protoc does: the field name in CamelCase
// and "Entry".
func entryName(field string) string {
	var b strings.Builder
	up := true
	for _, r := range field {
		if r == '_' {
			up = true
			continue
		}
		if up && 'a' <= r && r <= 'z' {
			r -= 'a' - 'A'
		}
		up = false
		b.WriteRune(r)
	}
	return b.String() + "Entry"
}

func (g *gen) enum(full string, s *connect.Schema) (string, error) {
	_, name := g.names(full)
	type val struct {
		name string
		num  int
	}
	// The values in the order the schema declares them, as ProtobufData writes them.
	var vals []val
	for _, k := range s.ParamKeys() {
		if sym, ok := strings.CutPrefix(k, EnumParam+"."); ok {
			n, err := strconv.Atoi(s.Parameters[k])
			if err != nil {
				return "", fmt.Errorf("%w: enum value %s=%q is not a number", ErrSchema, k, s.Parameters[k])
			}
			vals = append(vals, val{sym, n})
		}
	}
	if _, ok := g.defined[name]; !ok {
		g.defined[name] = s
		var b strings.Builder
		b.WriteString("enum " + name + " {\n")
		for _, v := range vals {
			fmt.Fprintf(&b, "  %s = %d;\n", v.name, v.num)
		}
		b.WriteString("}\n")
		g.nested = append(g.nested, b.String())
	}
	return name, nil
}

// asType returns s without what belongs to the field using it (optionality, field number),
// to tell whether two uses of a message name mean the same message.
func asType(s *connect.Schema) *connect.Schema {
	c := *s
	c.Optional = false
	if _, ok := c.Parameters[TagParam]; ok {
		c.Parameters = maps.Clone(c.Parameters)
		delete(c.Parameters, TagParam)
	}
	return &c
}
