package jsonschemaconv

import (
	"errors"
	"fmt"
	"slices"
	"strconv"

	"github.com/connectless/connectless/core/connect"
	"github.com/connectless/connectless/core/connect/javacompat"
	"github.com/connectless/connectless/core/connect/jsontree"
)

// Keywords JsonSchemaData adds to JSON Schemas.
const (
	PropConnectType       = "connect.type"
	PropConnectIndex      = "connect.index"
	PropConnectVersion    = "connect.version"
	PropConnectParameters = "connect.parameters"
)

// ErrSchema is returned (wrapped) for a schema with no JSON Schema or Connect counterpart.
var ErrSchema = errors.New("json schema conversion")

// fromConnect returns the JSON Schema of a Connect schema, as JsonSchemaData.fromConnectSchema.
func fromConnect(s *connect.Schema, index int) (any, error) {
	if s == nil {
		return nil, fmt.Errorf("%w: schemaless values have no JSON Schema here; give the record a schema", ErrSchema)
	}
	var o javacompat.Object
	connectType := ""
	switch s.Type {
	case connect.TypeInt8, connect.TypeInt16, connect.TypeInt32, connect.TypeInt64:
		o.Add("type", "integer")
		connectType = string(s.Type)
	case connect.TypeFloat32, connect.TypeFloat64:
		o.Add("type", "number")
		connectType = string(s.Type)
	case connect.TypeBoolean:
		o.Add("type", "boolean")
	case connect.TypeString:
		o.Add("type", "string")
	case connect.TypeBytes:
		if s.Name == connect.DecimalName {
			o.Add("type", "number")
		} else {
			o.Add("type", "string")
		}
		connectType = "bytes"
	case connect.TypeArray:
		items, err := fromConnect(s.Value, -1)
		if err != nil {
			return nil, err
		}
		o.Add("type", "array")
		o.Add("items", items)
	case connect.TypeMap:
		if s.Key.Type == connect.TypeString && !s.Key.Optional {
			vals, err := fromConnect(s.Value, -1)
			if err != nil {
				return nil, err
			}
			o.Add("type", "object")
			o.Add("additionalProperties", vals)
		} else {
			k, err := fromConnect(s.Key, 0)
			if err != nil {
				return nil, err
			}
			v, err := fromConnect(s.Value, 1)
			if err != nil {
				return nil, err
			}
			var props javacompat.Object
			props.Add("key", k)
			props.Add("value", v)
			var entry javacompat.Object
			entry.Add("type", "object")
			entry.Add("properties", props)
			o.Add("type", "array")
			o.Add("items", entry)
		}
		connectType = "map"
	case connect.TypeStruct:
		o.Add("type", "object")
		var props javacompat.Object
		for i, f := range s.Fields {
			fj, err := fromConnect(f.Schema, i)
			if err != nil {
				return nil, fmt.Errorf("field %q: %w", f.Name, err)
			}
			props.Add(f.Name, fj)
		}
		o.Add("properties", props)
	default:
		return nil, fmt.Errorf("%w: unknown Connect type %q", ErrSchema, s.Type)
	}
	if s.Name != "" {
		o.Add("title", s.Name)
	}
	if s.Doc != "" {
		o.Add("description", s.Doc)
	}
	if s.Version != 0 {
		o.Add(PropConnectVersion, s.Version)
	}
	if len(s.Parameters) > 0 {
		o.Add(PropConnectParameters, javacompat.ParamsObject(s))
	}
	if s.Default != nil {
		d, err := toJSON(nonOptional(s), s.Default)
		if err != nil {
			return nil, fmt.Errorf("default: %w", err)
		}
		o.Add("default", d)
	}
	if connectType != "" {
		o.Add(PropConnectType, connectType)
	}
	if !s.Optional {
		if index >= 0 {
			o.Add(PropConnectIndex, index)
		}
		return o, nil
	}
	var opt javacompat.Object
	var null javacompat.Object
	null.Add("type", "null")
	opt.Add("oneOf", []any{null, o})
	if index >= 0 {
		opt.Add(PropConnectIndex, index)
	}
	return opt, nil
}

func nonOptional(s *connect.Schema) *connect.Schema {
	c := *s
	c.Optional = false
	return &c
}

// toConnect maps a parsed JSON Schema to a Connect schema, as JsonSchemaData.toConnectSchema.
func toConnect(n *jsontree.Value, depth int) (*connect.Schema, error) {
	if depth > 64 {
		return nil, fmt.Errorf("%w: schema nests too deep (recursive $ref?)", ErrSchema)
	}
	if n == nil || n.Kind != jsontree.Object {
		return nil, fmt.Errorf("%w: a schema must be a JSON object", ErrSchema)
	}
	for _, key := range []string{"oneOf", "anyOf"} {
		if alts := n.Get(key); alts != nil && alts.Kind == jsontree.Array {
			var member *jsontree.Value
			optional := false
			for i := range alts.Elems {
				a := &alts.Elems[i]
				if a.Str("type") == "null" {
					optional = true
				} else if member == nil {
					member = a
				} else {
					return nil, fmt.Errorf("%w: %s with more than one non-null schema is not supported", ErrSchema, key)
				}
			}
			if member == nil {
				return nil, fmt.Errorf("%w: %s of null only", ErrSchema, key)
			}
			s, err := toConnect(member, depth+1)
			if err != nil {
				return nil, err
			}
			s.Optional = s.Optional || optional
			return s, nil
		}
	}
	s := &connect.Schema{}
	ct := n.Str(PropConnectType)
	typ := n.Str("type")
	if t := n.Get("type"); t != nil && t.Kind == jsontree.Array {
		// ["null", "string"] and the like.
		for _, e := range t.Elems {
			if e.Kind == jsontree.String && e.Text == "null" {
				s.Optional = true
			} else if e.Kind == jsontree.String {
				typ = e.Text
			}
		}
	}
	switch typ {
	case "integer":
		s.Type = connect.TypeInt64
		switch ct {
		case "int8", "int16", "int32", "int64":
			s.Type = connect.Type(ct)
		}
	case "number":
		s.Type = connect.TypeFloat64
		switch ct {
		case "float32":
			s.Type = connect.TypeFloat32
		case "bytes":
			s.Type = connect.TypeBytes
		}
	case "boolean":
		s.Type = connect.TypeBoolean
	case "string":
		s.Type = connect.TypeString
		if ct == "bytes" {
			s.Type = connect.TypeBytes
		}
	case "array":
		items, err := toConnect(n.Get("items"), depth+1)
		if err != nil {
			return nil, err
		}
		if ct == "map" && items.Type == connect.TypeStruct && len(items.Fields) == 2 {
			k, _ := items.Field("key")
			v, _ := items.Field("value")
			if k.Schema != nil && v.Schema != nil {
				s.Type, s.Key, s.Value = connect.TypeMap, k.Schema, v.Schema
				break
			}
		}
		s.Type, s.Value = connect.TypeArray, items
	case "object":
		if ap := n.Get("additionalProperties"); ap != nil && ap.Kind == jsontree.Object && n.Get("properties") == nil {
			v, err := toConnect(ap, depth+1)
			if err != nil {
				return nil, err
			}
			s.Type, s.Key, s.Value = connect.TypeMap, &connect.Schema{Type: connect.TypeString}, v
			break
		}
		s.Type = connect.TypeStruct
		props := n.Get("properties")
		if props != nil {
			type fieldAt struct {
				name  string
				index int
				s     *connect.Schema
			}
			var fields []fieldAt
			for i := range props.Members {
				m := &props.Members[i]
				fs, err := toConnect(&m.Value, depth+1)
				if err != nil {
					return nil, fmt.Errorf("property %q: %w", m.Key, err)
				}
				idx := i
				if x := m.Value.Get(PropConnectIndex); x != nil && x.Kind == jsontree.Number {
					if v, err := strconv.Atoi(x.Text); err == nil {
						idx = v
					}
				}
				fields = append(fields, fieldAt{m.Key, idx, fs})
			}
			slices.SortStableFunc(fields, func(a, b fieldAt) int { return a.index - b.index })
			for i, f := range fields {
				s.Fields = append(s.Fields, connect.Field{Name: f.name, Index: i, Schema: f.s})
			}
		}
	case "null":
		return nil, fmt.Errorf("%w: a standalone null schema is not supported", ErrSchema)
	case "":
		if ref := n.Str("$ref"); ref != "" {
			return nil, fmt.Errorf("%w: \"$ref\": %q: references, and so recursive schemas, are not supported", ErrSchema, ref)
		}
		return nil, fmt.Errorf("%w: a schema with no type (any value, Confluent's schemaless AnyValue) is not supported; give it a type", ErrSchema)
	default:
		return nil, fmt.Errorf("%w: unsupported JSON Schema type %q", ErrSchema, typ)
	}
	s.Name = n.Str("title")
	s.Doc = n.Str("description")
	if v := n.Get(PropConnectVersion); v != nil && v.Kind == jsontree.Number {
		if i, err := strconv.Atoi(v.Text); err == nil {
			s.Version = i
		}
	}
	if p := n.Get(PropConnectParameters); p != nil && p.Kind == jsontree.Object {
		s.Parameters = map[string]string{}
		for _, m := range p.Members {
			if m.Value.Kind == jsontree.String {
				s.SetParam(m.Key, m.Value.Text)
			}
		}
	}
	if d := n.Get("default"); d != nil {
		if v, err := fromJSON(s, d.Any()); err == nil {
			s.Default = v
		}
	}
	return s, nil
}
