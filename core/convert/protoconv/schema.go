package protoconv

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/connectless/connectless/core/connect"
	"google.golang.org/protobuf/reflect/protoreflect"
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
	if s == nil || s.Type != connect.TypeStruct || s.Name == UnionName {
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
	for i, f := range s.Fields {
		num := i + 1
		if t, ok := f.Schema.Parameters[TagParam]; ok {
			n, err := strconv.Atoi(t)
			if err != nil {
				return "", fmt.Errorf("%w: field %q: %s=%q", ErrSchema, f.Name, TagParam, t)
			}
			num = n
		}
		decl, err := g.field(f.Name, f.Schema, num)
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

func (g *gen) field(name string, s *connect.Schema, num int) (string, error) {
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
	case s.Type == connect.TypeArray:
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
		if s.Value.Type == connect.TypeArray || s.Value.Type == connect.TypeMap {
			return "", fmt.Errorf("%w: an array of %s has no Protobuf form", ErrSchema, s.Value.Type)
		}
		return g.typeName(field, s.Value)
	case connect.TypeMap:
		k, ok := scalar(s.Key)
		if !ok || k == "float" || k == "double" || k == "bytes" || s.Key.Name != "" {
			return "", fmt.Errorf("%w: map keys of type %s have no Protobuf form", ErrSchema, s.Key.Type)
		}
		if s.Value.Type == connect.TypeArray || s.Value.Type == connect.TypeMap {
			return "", fmt.Errorf("%w: map values of type %s have no Protobuf form", ErrSchema, s.Value.Type)
		}
		v, err := g.typeName(field, s.Value)
		if err != nil {
			return "", err
		}
		return "map<" + k + ", " + v + ">", nil
	case connect.TypeStruct:
		if s.Name == UnionName {
			return "", fmt.Errorf("%w: writing oneof unions is not supported", ErrSchema)
		}
		_, name := g.names(s.Name)
		if prev, ok := g.defined[name]; ok {
			if prev.Equal(nonOptional(s)) {
				return name, nil
			}
			return "", fmt.Errorf("%w: two different structs are both named %q", ErrSchema, name)
		}
		g.defined[name] = nonOptional(s)
		body, err := g.message(name, s)
		if err != nil {
			return "", err
		}
		g.nested = append(g.nested, body)
		return name, nil
	}
	return "", fmt.Errorf("%w: unknown Connect type %q", ErrSchema, s.Type)
}

func (g *gen) enum(full string, s *connect.Schema) (string, error) {
	_, name := g.names(full)
	type val struct {
		name string
		num  int
	}
	var vals []val
	for k, v := range s.Parameters {
		if sym, ok := strings.CutPrefix(k, EnumParam+"."); ok {
			n, err := strconv.Atoi(v)
			if err != nil {
				return "", fmt.Errorf("%w: enum value %s=%q is not a number", ErrSchema, k, v)
			}
			vals = append(vals, val{sym, n})
		}
	}
	slices.SortFunc(vals, func(a, b val) int { return a.num - b.num })
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

func nonOptional(s *connect.Schema) *connect.Schema {
	c := *s
	c.Optional = false
	return &c
}

// toConnect maps a message descriptor to a Connect struct schema, as
// ProtobufData.toConnectSchema.
func toConnect(md protoreflect.MessageDescriptor, active map[protoreflect.FullName]bool) (*connect.Schema, error) {
	if active[md.FullName()] {
		return nil, fmt.Errorf("%w: recursive message %s is not supported", ErrSchema, md.FullName())
	}
	active[md.FullName()] = true
	defer delete(active, md.FullName())
	s := &connect.Schema{Type: connect.TypeStruct, Name: string(md.FullName())}
	seenOneof := map[protoreflect.FullName]bool{}
	fields := md.Fields()
	for i := 0; i < fields.Len(); i++ {
		fd := fields.Get(i)
		if od := fd.ContainingOneof(); od != nil && !od.IsSynthetic() {
			if seenOneof[od.FullName()] {
				continue
			}
			seenOneof[od.FullName()] = true
			u := &connect.Schema{Type: connect.TypeStruct, Name: UnionName, Optional: true}
			for j := 0; j < od.Fields().Len(); j++ {
				m := od.Fields().Get(j)
				ms, err := fieldSchema(m, active)
				if err != nil {
					return nil, err
				}
				ms.Optional = true
				u.Fields = append(u.Fields, connect.Field{Name: string(m.Name()), Index: j, Schema: ms})
			}
			s.Fields = append(s.Fields, connect.Field{Name: string(od.Name()), Index: len(s.Fields), Schema: u})
			continue
		}
		fs, err := fieldSchema(fd, active)
		if err != nil {
			return nil, fmt.Errorf("field %s: %w", fd.Name(), err)
		}
		s.Fields = append(s.Fields, connect.Field{Name: string(fd.Name()), Index: len(s.Fields), Schema: fs})
	}
	return s, nil
}

func fieldSchema(fd protoreflect.FieldDescriptor, active map[protoreflect.FullName]bool) (*connect.Schema, error) {
	if fd.IsMap() {
		k, err := kindSchema(fd.MapKey(), active)
		if err != nil {
			return nil, err
		}
		v, err := kindSchema(fd.MapValue(), active)
		if err != nil {
			return nil, err
		}
		return &connect.Schema{Type: connect.TypeMap, Key: k, Value: v}, nil
	}
	es, err := kindSchema(fd, active)
	if err != nil {
		return nil, err
	}
	if fd.IsList() {
		return &connect.Schema{Type: connect.TypeArray, Value: es}, nil
	}
	if fd.HasPresence() {
		es.Optional = true
	}
	return es, nil
}

func kindSchema(fd protoreflect.FieldDescriptor, active map[protoreflect.FullName]bool) (*connect.Schema, error) {
	switch fd.Kind() {
	case protoreflect.Int32Kind, protoreflect.Sint32Kind, protoreflect.Sfixed32Kind:
		switch fieldMeta(fd)["connect.type"] {
		case "int8":
			return &connect.Schema{Type: connect.TypeInt8}, nil
		case "int16":
			return &connect.Schema{Type: connect.TypeInt16}, nil
		}
		return &connect.Schema{Type: connect.TypeInt32}, nil
	case protoreflect.Uint32Kind, protoreflect.Fixed32Kind, protoreflect.Int64Kind, protoreflect.Sint64Kind,
		protoreflect.Sfixed64Kind, protoreflect.Uint64Kind, protoreflect.Fixed64Kind:
		return &connect.Schema{Type: connect.TypeInt64}, nil
	case protoreflect.FloatKind:
		return &connect.Schema{Type: connect.TypeFloat32}, nil
	case protoreflect.DoubleKind:
		return &connect.Schema{Type: connect.TypeFloat64}, nil
	case protoreflect.BoolKind:
		return &connect.Schema{Type: connect.TypeBoolean}, nil
	case protoreflect.StringKind:
		return &connect.Schema{Type: connect.TypeString}, nil
	case protoreflect.BytesKind:
		return &connect.Schema{Type: connect.TypeBytes}, nil
	case protoreflect.EnumKind:
		ed := fd.Enum()
		s := &connect.Schema{Type: connect.TypeString, Name: string(ed.FullName()), Parameters: map[string]string{EnumParam: string(ed.Name())}}
		for i := 0; i < ed.Values().Len(); i++ {
			v := ed.Values().Get(i)
			s.Parameters[EnumParam+"."+string(v.Name())] = strconv.Itoa(int(v.Number()))
		}
		return s, nil
	case protoreflect.MessageKind, protoreflect.GroupKind:
		md := fd.Message()
		switch md.FullName() {
		case "google.protobuf.Timestamp":
			return &connect.Schema{Type: connect.TypeInt64, Name: connect.TimestampName, Version: 1, Optional: true}, nil
		case "google.type.Date":
			return &connect.Schema{Type: connect.TypeInt32, Name: connect.DateName, Version: 1, Optional: true}, nil
		case "google.type.TimeOfDay":
			return &connect.Schema{Type: connect.TypeInt32, Name: connect.TimeName, Version: 1, Optional: true}, nil
		case "confluent.type.Decimal":
			s := &connect.Schema{Type: connect.TypeBytes, Name: connect.DecimalName, Version: 1, Optional: true,
				Parameters: map[string]string{connect.DecimalScaleParam: "0"}}
			for k, v := range fieldMeta(fd) {
				switch k {
				case "scale":
					s.Parameters[connect.DecimalScaleParam] = v
				case "precision":
					s.Parameters["connect.decimal.precision"] = v
				}
			}
			return s, nil
		case "google.protobuf.StringValue":
			return &connect.Schema{Type: connect.TypeString, Optional: true}, nil
		case "google.protobuf.BytesValue":
			return &connect.Schema{Type: connect.TypeBytes, Optional: true}, nil
		case "google.protobuf.BoolValue":
			return &connect.Schema{Type: connect.TypeBoolean, Optional: true}, nil
		case "google.protobuf.Int32Value":
			return &connect.Schema{Type: connect.TypeInt32, Optional: true}, nil
		case "google.protobuf.Int64Value", "google.protobuf.UInt32Value", "google.protobuf.UInt64Value":
			return &connect.Schema{Type: connect.TypeInt64, Optional: true}, nil
		case "google.protobuf.FloatValue":
			return &connect.Schema{Type: connect.TypeFloat32, Optional: true}, nil
		case "google.protobuf.DoubleValue":
			return &connect.Schema{Type: connect.TypeFloat64, Optional: true}, nil
		}
		s, err := toConnect(md, active)
		if err != nil {
			return nil, err
		}
		s.Optional = true
		return s, nil
	}
	return nil, fmt.Errorf("%w: unsupported Protobuf kind %s", ErrSchema, fd.Kind())
}

// fieldMeta returns the params of a field's (confluent.field_meta) option.
func fieldMeta(fd protoreflect.FieldDescriptor) map[string]string {
	out := map[string]string{}
	opts := fd.Options()
	if opts == nil {
		return out
	}
	opts.ProtoReflect().Range(func(xd protoreflect.FieldDescriptor, v protoreflect.Value) bool {
		if xd.FullName() != "confluent.field_meta" || xd.Kind() != protoreflect.MessageKind {
			return true
		}
		meta := v.Message()
		pf := meta.Descriptor().Fields().ByName("params")
		if pf == nil || !pf.IsMap() {
			return true
		}
		meta.Get(pf).Map().Range(func(k protoreflect.MapKey, v protoreflect.Value) bool {
			out[k.String()] = v.String()
			return true
		})
		return true
	})
	return out
}
