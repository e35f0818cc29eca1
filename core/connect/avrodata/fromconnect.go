package avrodata

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/connectless/connectless/core/connect"
	"github.com/connectless/connectless/core/connect/javacompat"
	"github.com/hamba/avro/v2"
)

// ErrSchema is returned (wrapped) for a schema that has no Avro or Connect counterpart.
var ErrSchema = errors.New("avro schema conversion")

// Schema is the Avro schema made from a Connect schema: its JSON text, as registered and
// written into files, and its parsed form.
type Schema struct {
	Text string
	Avro avro.Schema
}

// FromConnectSchema converts a Connect schema to Avro, as AvroData.fromConnectSchema does.
func FromConnectSchema(cfg Config, s *connect.Schema) (*Schema, error) {
	text, err := SchemaText(cfg, s)
	if err != nil {
		return nil, err
	}
	parsed, err := Parse(text)
	if err != nil {
		return nil, err
	}
	return &Schema{Text: text, Avro: parsed}, nil
}

// SchemaText is the JSON text of FromConnectSchema's schema, without parsing it: callers that
// cache parsed schemas by text use it to skip the parse.
func SchemaText(cfg Config, s *connect.Schema) (string, error) {
	if s == nil {
		return "", fmt.Errorf("%w: schemaless values have no Avro schema here; give the record a schema", ErrSchema)
	}
	b := &fromBuilder{cfg: cfg, defined: map[string]*connect.Schema{}}
	j, err := b.schema(s, false)
	if err != nil {
		return "", err
	}
	text, err := json.Marshal(j)
	if err != nil {
		return "", fmt.Errorf("%w: %w", ErrSchema, err)
	}
	return string(text), nil
}

// Parse parses Avro schema text on its own (no names shared with other schemas).
func Parse(text string) (avro.Schema, error) {
	s, err := avro.ParseWithCache(text, "", &avro.SchemaCache{})
	if err != nil {
		return nil, fmt.Errorf("%w: parse: %w", ErrSchema, err)
	}
	return s, nil
}

type fromBuilder struct {
	cfg       Config
	nameIndex int
	// defined holds the named types already written, by full name: a second use is written
	// as a reference to the name.
	defined map[string]*connect.Schema
	structs []definedStruct
}

type definedStruct struct {
	schema *connect.Schema
	name   string
}

func (b *fromBuilder) nameOrDefault(name string) (ns, local string) {
	if name != "" {
		ns, local = splitName(name)
		return b.cfg.scrubFull(ns), b.cfg.scrub(local)
	}
	b.nameIndex++
	if b.nameIndex > 1 {
		return Namespace, DefaultRecordName + strconv.Itoa(b.nameIndex)
	}
	return Namespace, DefaultRecordName
}

// named returns a reference to a named type already written, or "" when this is its first use.
func (b *fromBuilder) named(full string, s *connect.Schema) (string, error) {
	prev, ok := b.defined[full]
	if !ok {
		b.defined[full] = s
		return "", nil
	}
	if !prev.Equal(s) {
		return "", fmt.Errorf("%w: two different schemas are both named %q", ErrSchema, full)
	}
	return full, nil
}

func isUnion(s *connect.Schema) bool { return s.Type == connect.TypeStruct && s.Name == UnionName }

func nonOptional(s *connect.Schema) *connect.Schema {
	if !s.Optional && s.Default == nil {
		return s
	}
	c := *s
	c.Optional, c.Default = false, nil
	return &c
}

func fullName(ns, name string) string {
	if ns == "" {
		return name
	}
	return ns + "." + name
}

// schema returns the JSON form of the Avro schema of s (a string for a plain primitive, an
// object, or a union array).
func (b *fromBuilder) schema(s *connect.Schema, ignoreOptional bool) (any, error) {
	if s == nil {
		return nil, fmt.Errorf("%w: a nested schema is missing", ErrSchema)
	}
	var base javacompat.Object
	var connectType string
	switch s.Type {
	case connect.TypeInt8, connect.TypeInt16:
		connectType = string(s.Type)
		base.Add("type", "int")
	case connect.TypeInt32:
		base.Add("type", "int")
	case connect.TypeInt64:
		base.Add("type", "long")
	case connect.TypeFloat32:
		base.Add("type", "float")
	case connect.TypeFloat64:
		base.Add("type", "double")
	case connect.TypeBoolean:
		base.Add("type", "boolean")
	case connect.TypeString:
		if enum, ok := s.Parameters[EnumParam]; ok && b.cfg.EnhancedSchemaSupport {
			// The symbols in the order the schema declares them (AvroData keeps them in a
			// LinkedHashMap): their order is their index on the wire.
			var symbols []string
			for _, k := range s.ParamKeys() {
				if sym, ok := strings.CutPrefix(k, EnumParam+"."); ok {
					symbols = append(symbols, sym)
				}
			}
			_, local := b.nameOrDefault(s.Name)
			ns, name := splitName(enum)
			base.Add("type", "enum")
			base.Add("name", name)
			if ns != "" {
				base.Add("namespace", ns)
			}
			if doc := s.Parameters[EnumDocParamPrefix+local]; doc != "" {
				base.Add("doc", doc)
			}
			base.Add("symbols", symbols)
			if def := s.Parameters[EnumDefaultPrefix+local]; def != "" {
				base.Add("default", def)
			}
			if ref, err := b.named(enum, nonOptional(s)); err != nil {
				return nil, err
			} else if ref != "" {
				return b.optional(s, ignoreOptional, ref), nil
			}
		} else {
			base.Add("type", "string")
		}
	case connect.TypeBytes:
		if size, ok := s.Parameters[ParamFixedSize]; ok {
			n, err := strconv.Atoi(size)
			if err != nil {
				return nil, fmt.Errorf("%w: %s=%q is not a number", ErrSchema, ParamFixedSize, size)
			}
			ns, name := b.nameOrDefault(s.Name)
			base.Add("type", "fixed")
			base.Add("name", name)
			if ns != "" {
				base.Add("namespace", ns)
			}
			base.Add("size", n)
		} else {
			base.Add("type", "bytes")
		}
		if s.Name == connect.DecimalName {
			scale, err := strconv.Atoi(s.Parameters[connect.DecimalScaleParam])
			if err != nil {
				return nil, fmt.Errorf("%w: Decimal schema without a valid scale parameter", ErrSchema)
			}
			prec := DefaultDecimalPrecision
			if p, ok := s.Parameters[ParamDecimalPrecision]; ok {
				if prec, err = strconv.Atoi(p); err != nil {
					return nil, fmt.Errorf("%w: %s=%q is not a number", ErrSchema, ParamDecimalPrecision, p)
				}
			}
			base.Add("scale", scale)
			base.Add("precision", prec)
		}
	case connect.TypeArray:
		items, err := b.schema(s.Value, false)
		if err != nil {
			return nil, err
		}
		base.Add("type", "array")
		base.Add("items", items)
	case connect.TypeMap:
		if s.Key == nil || s.Value == nil {
			return nil, fmt.Errorf("%w: map schema without key or value schema", ErrSchema)
		}
		if s.Key.Type == connect.TypeString && !s.Key.Optional {
			vals, err := b.schema(s.Value, false)
			if err != nil {
				return nil, err
			}
			base.Add("type", "map")
			base.Add("values", vals)
			break
		}
		entry, err := b.mapEntry(s)
		if err != nil {
			return nil, err
		}
		base.Add("type", "array")
		base.Add("items", entry)
	case connect.TypeStruct:
		switch {
		case isUnion(s):
			var members []any
			if s.Optional {
				members = append(members, "null")
			}
			for _, f := range s.Fields {
				m, err := b.schema(nonOptional(f.Schema), true)
				if err != nil {
					return nil, err
				}
				members = append(members, m)
			}
			return members, nil
		case s.Optional && !ignoreOptional:
			rec, err := b.schema(nonOptional(s), false)
			if err != nil {
				return nil, err
			}
			if s.Default != nil {
				return []any{rec, "null"}, nil
			}
			return []any{"null", rec}, nil
		}
		// A struct schema used again is written as a reference to its record, as AvroData's
		// schemaMap does.
		for _, d := range b.structs {
			if d.schema.Equal(s) {
				return d.name, nil
			}
		}
		ns, name := b.nameOrDefault(s.Name)
		if ref, err := b.named(fullName(ns, name), s); err != nil {
			return nil, err
		} else if ref != "" {
			return ref, nil
		}
		b.structs = append(b.structs, definedStruct{s, fullName(ns, name)})
		base.Add("type", "record")
		base.Add("name", name)
		if ns != "" {
			base.Add("namespace", ns)
		}
		if doc := s.Parameters[RecordDocParam]; doc != "" {
			base.Add("doc", doc)
		}
		fields := make([]any, 0, len(s.Fields))
		for _, f := range s.Fields {
			fj, err := b.field(b.cfg.scrub(f.Name), f.Schema, s.Parameters[FieldDocParamPrefix+f.Name])
			if err != nil {
				return nil, fmt.Errorf("field %q: %w", f.Name, err)
			}
			fields = append(fields, fj)
		}
		base.Add("fields", fields)
	default:
		return nil, fmt.Errorf("%w: unknown schema type %q", ErrSchema, s.Type)
	}
	if err := b.props(&base, s, connectType); err != nil {
		return nil, err
	}
	var out any = base
	if len(base) == 1 {
		out = base[0].Val // a primitive without properties is written as its bare name
	}
	return b.optional(s, ignoreOptional, out), nil
}

// optional wraps t in a union with null when s is optional: null first, unless s has a
// default, which Avro requires to match the first member.
func (b *fromBuilder) optional(s *connect.Schema, ignoreOptional bool, t any) any {
	if !s.Optional || ignoreOptional {
		return t
	}
	if s.Default != nil {
		return []any{t, "null"}
	}
	return []any{"null", t}
}

func (b *fromBuilder) mapEntry(s *connect.Schema) (any, error) {
	var rec javacompat.Object
	var full string
	rec.Add("type", "record")
	if s.Name == "" {
		rec.Add("name", MapEntryName)
		rec.Add("namespace", Namespace)
		full = Namespace + "." + MapEntryName
	} else {
		ns, name := b.nameOrDefault(s.Name)
		rec.Add("name", name)
		if ns != "" {
			rec.Add("namespace", ns)
		}
		full = fullName(ns, name)
	}
	key := &connect.Schema{Type: connect.TypeStruct, Fields: []connect.Field{{Name: "key", Schema: s.Key}, {Name: "value", Index: 1, Schema: s.Value}}}
	if ref, err := b.named(full, key); err != nil {
		return nil, err
	} else if ref != "" {
		return ref, nil
	}
	k, err := b.field("key", s.Key, "")
	if err != nil {
		return nil, err
	}
	v, err := b.field("value", s.Value, "")
	if err != nil {
		return nil, err
	}
	rec.Add("fields", []any{k, v})
	if s.Name != "" {
		rec.Add(PropInternalType, MapEntryName)
	}
	return rec, nil
}

func (b *fromBuilder) field(name string, s *connect.Schema, doc string) (any, error) {
	t, err := b.schema(s, false)
	if err != nil {
		return nil, err
	}
	var f javacompat.Object
	f.Add("name", name)
	f.Add("type", t)
	if doc != "" {
		f.Add("doc", doc)
	}
	switch {
	case s.Default != nil:
		d, err := b.defaultValue(s, s.Default)
		if err != nil {
			return nil, fmt.Errorf("default: %w", err)
		}
		f.Add("default", d)
	case s.Optional:
		f.Add("default", nil)
	}
	return f, nil
}

// props adds the connect.* properties and the logical type of s to base, in the order
// AvroData adds them.
func (b *fromBuilder) props(base *javacompat.Object, s *connect.Schema, connectType string) error {
	if b.cfg.ConnectMetaData {
		if s.Doc != "" {
			base.Add(PropConnectDoc, s.Doc)
		}
		if s.Version != 0 {
			base.Add(PropConnectVersion, s.Version)
		}
		if len(s.Parameters) > 0 {
			base.Add(PropConnectParameters, javacompat.ParamsObject(s))
		}
		if s.Default != nil {
			if _, ok := s.Parameters[FieldDefaultParam]; !ok {
				d, err := b.defaultValue(s, s.Default)
				if err != nil {
					return fmt.Errorf("default: %w", err)
				}
				base.Add(PropConnectDefault, d)
			}
		}
		if s.Name != "" {
			base.Add(PropConnectName, s.Name)
		}
		if connectType != "" {
			base.Add(PropConnectType, connectType)
		}
	}
	switch s.Name {
	case connect.DecimalName:
		base.Add("logicalType", "decimal")
	case connect.TimeName:
		base.Add("logicalType", "time-millis")
	case connect.TimestampName:
		base.Add("logicalType", "timestamp-millis")
	case connect.DateName:
		base.Add("logicalType", "date")
	}
	keys := make([]string, 0, len(s.Parameters))
	for k := range s.Parameters {
		if strings.HasPrefix(k, "avro") {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	for _, k := range keys {
		base.Add(k, s.Parameters[k])
	}
	return nil
}
