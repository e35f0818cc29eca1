package jsonschemaconv

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	"github.com/connectless/connectless/core/connect"
	"github.com/connectless/connectless/core/connect/javacompat"
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
func toConnect(n *node, depth int) (*connect.Schema, error) {
	if depth > 64 {
		return nil, fmt.Errorf("%w: schema nests too deep (recursive $ref?)", ErrSchema)
	}
	if n == nil || n.kind != kindObject {
		return nil, fmt.Errorf("%w: a schema must be a JSON object", ErrSchema)
	}
	for _, key := range []string{"oneOf", "anyOf"} {
		if alts := n.get(key); alts != nil && alts.kind == kindArray {
			var member *node
			optional := false
			for _, a := range alts.arr {
				if a.str("type") == "null" {
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
	ct := n.str(PropConnectType)
	typ := n.str("type")
	if t := n.get("type"); t != nil && t.kind == kindArray {
		// ["null", "string"] and the like.
		for _, e := range t.arr {
			if e.val == "null" {
				s.Optional = true
			} else if str, ok := e.val.(string); ok {
				typ = str
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
		items, err := toConnect(n.get("items"), depth+1)
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
		if ap := n.get("additionalProperties"); ap != nil && ap.kind == kindObject && n.get("properties") == nil {
			v, err := toConnect(ap, depth+1)
			if err != nil {
				return nil, err
			}
			s.Type, s.Key, s.Value = connect.TypeMap, &connect.Schema{Type: connect.TypeString}, v
			break
		}
		s.Type = connect.TypeStruct
		props := n.get("properties")
		if props != nil {
			type fieldAt struct {
				name  string
				index int
				s     *connect.Schema
			}
			var fields []fieldAt
			for i, m := range props.obj {
				fs, err := toConnect(m.val, depth+1)
				if err != nil {
					return nil, fmt.Errorf("property %q: %w", m.key, err)
				}
				idx := i
				if x := m.val.get(PropConnectIndex); x != nil {
					if num, ok := x.val.(json.Number); ok {
						if v, err := num.Int64(); err == nil {
							idx = int(v)
						}
					}
				}
				fields = append(fields, fieldAt{m.key, idx, fs})
			}
			slices.SortStableFunc(fields, func(a, b fieldAt) int { return a.index - b.index })
			for i, f := range fields {
				s.Fields = append(s.Fields, connect.Field{Name: f.name, Index: i, Schema: f.s})
			}
		}
	case "null":
		return nil, fmt.Errorf("%w: a standalone null schema is not supported", ErrSchema)
	case "":
		if ref := n.str("$ref"); ref != "" {
			return nil, fmt.Errorf("%w: \"$ref\": %q: references, and so recursive schemas, are not supported", ErrSchema, ref)
		}
		return nil, fmt.Errorf("%w: a schema with no type (any value, Confluent's schemaless AnyValue) is not supported; give it a type", ErrSchema)
	default:
		return nil, fmt.Errorf("%w: unsupported JSON Schema type %q", ErrSchema, typ)
	}
	s.Name = n.str("title")
	s.Doc = n.str("description")
	if v := n.get(PropConnectVersion); v != nil {
		if num, ok := v.val.(json.Number); ok {
			if i, err := num.Int64(); err == nil {
				s.Version = int(i)
			}
		}
	}
	if p := n.get(PropConnectParameters); p != nil && p.kind == kindObject {
		s.Parameters = map[string]string{}
		for _, m := range p.obj {
			if v, ok := m.val.val.(string); ok {
				s.Parameters[m.key] = v
			}
		}
	}
	if d := n.get("default"); d != nil {
		if v, err := fromJSON(s, toAny(d)); err == nil {
			s.Default = v
		}
	}
	return s, nil
}

// toAny turns a node back into plain JSON values (maps lose their order).
func toAny(n *node) any {
	switch n.kind {
	case kindObject:
		m := make(map[string]any, len(n.obj))
		for _, e := range n.obj {
			m[e.key] = toAny(e.val)
		}
		return m
	case kindArray:
		out := make([]any, len(n.arr))
		for i, e := range n.arr {
			out[i] = toAny(e)
		}
		return out
	}
	return n.val
}
