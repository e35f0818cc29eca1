package transform

import (
	"github.com/connectless/connectless/core/connect"
)

const flattenPurpose = "flattening"

// Flatten is Kafka's Flatten$Key / Flatten$Value: it flattens nested Structs or Maps into
// one level, joining field names with the delimiter.
type Flatten struct {
	base
	side      side
	delimiter string
	cache     schemaCache
}

func newFlatten(s side) *Flatten {
	return &Flatten{side: s, base: base{def: newDef([]connect.ConfigKey{
		{Name: "delimiter", Type: connect.ConfigString, Default: ".", Importance: connect.Medium,
			Doc: "Delimiter to insert between field names from the input record when generating field names for the output record. Default \".\". Mirrors Kafka Connect's Flatten delimiter."},
	})}}
}

// Configure parses Flatten's keys.
func (t *Flatten) Configure(props map[string]string) error {
	c, err := parseConfig(t.def, props)
	if err != nil {
		return err
	}
	t.delimiter = c.str("delimiter")
	return nil
}

func (t *Flatten) name(prefix, name string) string {
	if prefix == "" {
		return name
	}
	return prefix + t.delimiter + name
}

// Apply flattens; a null key/value passes unchanged.
func (t *Flatten) Apply(r *connect.Record) (*connect.Record, error) {
	s, v := t.side.schema(r), t.side.value(r)
	if v == nil {
		return r, nil
	}
	if s == nil {
		m, err := requireMap(v, flattenPurpose)
		if err != nil {
			return nil, err
		}
		out := make(map[string]any, len(m))
		if err := t.flattenMap(m, "", out); err != nil {
			return nil, err
		}
		return t.side.with(r, nil, out), nil
	}
	st, err := requireStruct(v, flattenPurpose)
	if err != nil {
		return nil, err
	}
	us := t.cache.get(s)
	if us == nil {
		us = copySchemaBasics(s, connect.TypeStruct)
		if err := t.buildSchema(s, "", us, s.Optional, nil); err != nil {
			return nil, err
		}
		t.cache.put(s, us)
	}
	out := connect.NewStruct(us)
	if err := t.flattenStruct(st, "", out); err != nil {
		return nil, err
	}
	return t.side.with(r, us, out), nil
}

func (t *Flatten) flattenMap(m map[string]any, prefix string, out map[string]any) error {
	for k, v := range m {
		name := t.name(prefix, k)
		if v == nil {
			out[name] = nil
			continue
		}
		typ, ok := connect.InferType(v)
		if !ok || typ == connect.TypeStruct {
			return dataErr("Flatten transformation does not support %s for record without schemas (for field %s).", javaClassString(v), name)
		}
		if typ == connect.TypeMap {
			nested, err := requireMap(v, flattenPurpose)
			if err != nil {
				return err
			}
			if err := t.flattenMap(nested, name, out); err != nil {
				return err
			}
			continue
		}
		out[name] = v
	}
	return nil
}

func isFlatCopyable(t connect.Type) bool {
	switch t {
	case connect.TypeMap, connect.TypeStruct:
		return false
	}
	return true
}

func (t *Flatten) buildSchema(s *connect.Schema, prefix string, out *connect.Schema, optional bool, parentDefault *connect.Struct) error {
	for _, f := range s.Fields {
		name := t.name(prefix, f.Name)
		fieldOptional := optional || f.Schema.Optional
		var def any
		if f.Schema.Default != nil {
			def = f.Schema.Default
		} else if parentDefault != nil {
			def, _ = parentDefault.Get(f.Name)
		}
		switch {
		case isFlatCopyable(f.Schema.Type):
			fs := copySchemaBasics(f.Schema, f.Schema.Type)
			fs.Key, fs.Value = f.Schema.Key, f.Schema.Value
			fs.Fields = nil
			if fieldOptional {
				fs.Optional = true
			}
			if def != nil {
				fs.Default = def
			}
			if err := addField(out, name, fs); err != nil {
				return err
			}
		case f.Schema.Type == connect.TypeStruct:
			pd, _ := def.(*connect.Struct)
			if err := t.buildSchema(f.Schema, name, out, fieldOptional, pd); err != nil {
				return err
			}
		default:
			return dataErr("Flatten transformation does not support %s for record with schemas (for field %s).", upperType(f.Schema.Type), name)
		}
	}
	return nil
}

func (t *Flatten) flattenStruct(st *connect.Struct, prefix string, out *connect.Struct) error {
	if st == nil {
		return nil
	}
	for _, f := range st.Schema().Fields {
		name := t.name(prefix, f.Name)
		switch {
		case isFlatCopyable(f.Schema.Type):
			v, _ := st.Get(f.Name)
			if err := put(out, name, v); err != nil {
				return err
			}
		case f.Schema.Type == connect.TypeStruct:
			v, _ := st.Get(f.Name)
			nested, _ := v.(*connect.Struct)
			if err := t.flattenStruct(nested, name, out); err != nil {
				return err
			}
		default:
			return dataErr("Flatten transformation does not support %s for record with schemas (for field %s).", upperType(f.Schema.Type), name)
		}
	}
	return nil
}
