package format

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/connectless/connectless/core/connect"
)

// This file maps Connect schemas to Avro schemas and back, as Confluent's AvroData does for
// the schemas the formats write.

// avroNames hands out record names as Confluent's AvroData does for unnamed structs.
type avroNames struct {
	n int
	// defined holds the record names already written: a later use refers to the name, as
	// Avro requires.
	defined map[string]bool
}

func (a *avroNames) next() string {
	a.n++
	if a.n == 1 {
		return "io.confluent.connect.avro.ConnectDefault"
	}
	return "io.confluent.connect.avro.ConnectDefault" + strconv.Itoa(a.n)
}

// avroSchemaJSON converts a Connect schema to an Avro schema (AvroData.fromConnectSchema).
func avroSchemaJSON(s *connect.Schema, names *avroNames, meta bool) (any, error) {
	if s == nil {
		return nil, fmt.Errorf("%w: Avro and Parquet formats need schema'd data; got a schemaless value", ErrData)
	}
	var t any
	withProps := func(m map[string]any) map[string]any {
		if !meta {
			return m
		}
		if s.Name != "" {
			m["connect.name"] = s.Name
		}
		if s.Version != 0 {
			m["connect.version"] = s.Version
		}
		if s.Doc != "" {
			m["connect.doc"] = s.Doc
		}
		return m
	}
	switch s.Name {
	case connect.DecimalName:
		scale, _ := strconv.Atoi(s.Parameters[connect.DecimalScaleParam])
		prec := 64
		if p, err := strconv.Atoi(s.Parameters["connect.decimal.precision"]); err == nil {
			prec = p
		}
		t = withProps(map[string]any{"type": "bytes", "logicalType": "decimal", "precision": prec, "scale": scale})
	case connect.DateName:
		t = withProps(map[string]any{"type": "int", "logicalType": "date"})
	case connect.TimeName:
		t = withProps(map[string]any{"type": "int", "logicalType": "time-millis"})
	case connect.TimestampName:
		t = withProps(map[string]any{"type": "long", "logicalType": "timestamp-millis"})
	}
	if t == nil {
		switch s.Type {
		case connect.TypeInt8, connect.TypeInt16:
			m := map[string]any{"type": "int"}
			if meta {
				m["connect.type"] = string(s.Type)
			}
			t = withProps(m)
		case connect.TypeInt32:
			t = withProps(map[string]any{"type": "int"})
		case connect.TypeInt64:
			t = withProps(map[string]any{"type": "long"})
		case connect.TypeFloat32:
			t = withProps(map[string]any{"type": "float"})
		case connect.TypeFloat64:
			t = withProps(map[string]any{"type": "double"})
		case connect.TypeBoolean:
			t = withProps(map[string]any{"type": "boolean"})
		case connect.TypeString:
			t = withProps(map[string]any{"type": "string"})
		case connect.TypeBytes:
			t = withProps(map[string]any{"type": "bytes"})
		case connect.TypeArray:
			items, err := avroSchemaJSON(s.Value, names, meta)
			if err != nil {
				return nil, err
			}
			t = map[string]any{"type": "array", "items": items}
		case connect.TypeMap:
			vals, err := avroSchemaJSON(s.Value, names, meta)
			if err != nil {
				return nil, err
			}
			if s.Key != nil && s.Key.Type == connect.TypeString && !s.Key.Optional {
				t = map[string]any{"type": "map", "values": vals}
			} else {
				keys, err := avroSchemaJSON(s.Key, names, meta)
				if err != nil {
					return nil, err
				}
				t = map[string]any{"type": "array", "items": map[string]any{
					"type": "record", "name": names.next() + "MapEntry",
					"fields": []any{map[string]any{"name": "key", "type": keys}, map[string]any{"name": "value", "type": vals}},
				}}
			}
		case connect.TypeStruct:
			name := s.Name
			if name == "" {
				name = names.next()
			} else if names.defined[name] {
				t = name
				break
			}
			if names.defined == nil {
				names.defined = map[string]bool{}
			}
			names.defined[name] = true
			fields := make([]any, 0, len(s.Fields))
			for _, f := range s.Fields {
				ft, err := avroSchemaJSON(f.Schema, names, meta)
				if err != nil {
					return nil, err
				}
				fm := map[string]any{"name": f.Name, "type": ft}
				if f.Schema.Optional {
					fm["default"] = nil
				}
				fields = append(fields, fm)
			}
			t = withProps(map[string]any{"type": "record", "name": name, "fields": fields})
		default:
			return nil, fmt.Errorf("%w: unsupported Connect type %q for Avro", ErrData, s.Type)
		}
	}
	if s.Optional {
		return []any{"null", t}, nil
	}
	return t, nil
}

// connectSchemaOf converts an Avro schema (as AvroFormat writes it) to a Connect schema.
func connectSchemaOf(sj any, named map[string]*connect.Schema) (*connect.Schema, error) {
	switch x := sj.(type) {
	case string:
		if s, ok := named[x]; ok {
			return s, nil
		}
		return connectSchemaOf(map[string]any{"type": x}, named)
	case []any:
		var inner any
		nulls := 0
		for _, b := range x {
			if b == "null" {
				nulls++
			} else {
				inner = b
			}
		}
		if nulls != 1 || len(x) != 2 {
			return nil, fmt.Errorf("unsupported union %v", x)
		}
		s, err := connectSchemaOf(inner, named)
		if err != nil {
			return nil, err
		}
		c := *s
		c.Optional = true
		return &c, nil
	case map[string]any:
		t, _ := x["type"].(string)
		if t == "" {
			return connectSchemaOf(x["type"], named)
		}
		s := &connect.Schema{}
		if n, ok := x["connect.name"].(string); ok {
			s.Name = n
		}
		if v, ok := x["connect.version"].(float64); ok {
			s.Version = int(v)
		}
		if d, ok := x["connect.doc"].(string); ok {
			s.Doc = d
		}
		switch x["logicalType"] {
		case "decimal":
			scale, _ := x["scale"].(float64)
			s.Type, s.Name = connect.TypeBytes, connect.DecimalName
			s.Parameters = map[string]string{connect.DecimalScaleParam: strconv.Itoa(int(scale))}
			return s, nil
		case "date":
			s.Type, s.Name = connect.TypeInt32, connect.DateName
			return s, nil
		case "time-millis":
			s.Type, s.Name = connect.TypeInt32, connect.TimeName
			return s, nil
		case "timestamp-millis":
			s.Type, s.Name = connect.TypeInt64, connect.TimestampName
			return s, nil
		}
		switch t {
		case "int":
			s.Type = connect.TypeInt32
			if ct, ok := x["connect.type"].(string); ok && (ct == "int8" || ct == "int16") {
				s.Type = connect.Type(ct)
			}
		case "long":
			s.Type = connect.TypeInt64
		case "float":
			s.Type = connect.TypeFloat32
		case "double":
			s.Type = connect.TypeFloat64
		case "boolean":
			s.Type = connect.TypeBoolean
		case "string":
			s.Type = connect.TypeString
		case "bytes":
			s.Type = connect.TypeBytes
		case "array":
			if rec, ok := x["items"].(map[string]any); ok && strings.HasSuffix(fmt.Sprint(rec["name"]), "MapEntry") {
				fields, _ := rec["fields"].([]any)
				if len(fields) == 2 {
					k, err := connectSchemaOf(fields[0].(map[string]any)["type"], named)
					if err != nil {
						return nil, err
					}
					v, err := connectSchemaOf(fields[1].(map[string]any)["type"], named)
					if err != nil {
						return nil, err
					}
					return &connect.Schema{Type: connect.TypeMap, Key: k, Value: v}, nil
				}
			}
			v, err := connectSchemaOf(x["items"], named)
			if err != nil {
				return nil, err
			}
			s.Type, s.Value = connect.TypeArray, v
		case "map":
			v, err := connectSchemaOf(x["values"], named)
			if err != nil {
				return nil, err
			}
			s.Type, s.Key, s.Value = connect.TypeMap, connect.StringSchema(), v
		case "record":
			s.Type = connect.TypeStruct
			name, _ := x["name"].(string)
			if s.Name == "" && !strings.HasPrefix(name, "io.confluent.connect.avro.ConnectDefault") {
				s.Name = name
			}
			named[name] = s
			fields, _ := x["fields"].([]any)
			for i, f := range fields {
				fm, _ := f.(map[string]any)
				fname, _ := fm["name"].(string)
				fs, err := connectSchemaOf(fm["type"], named)
				if err != nil {
					return nil, fmt.Errorf("field %q: %w", fname, err)
				}
				s.Fields = append(s.Fields, connect.Field{Name: fname, Index: i, Schema: fs})
			}
		default:
			return nil, fmt.Errorf("unsupported avro type %q", t)
		}
		return s, nil
	}
	return nil, fmt.Errorf("unsupported avro schema %v", sj)
}
