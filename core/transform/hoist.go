package transform

import "github.com/connectless/connectless/core/connect"

// HoistField is Kafka's HoistField$Key / HoistField$Value: it wraps the key or value in a
// Struct (with a schema) or a Map (schemaless) with a single field.
type HoistField struct {
	base
	side  side
	field string
	cache schemaCache
}

func newHoistField(s side) *HoistField {
	return &HoistField{side: s, base: base{def: newDef([]connect.ConfigKey{
		{Name: "field", Type: connect.ConfigString, Required: true, Importance: connect.Medium,
			Doc: "Field name for the single field that will be created in the resulting Struct or Map. Required. Mirrors Kafka Connect's HoistField field."},
	})}}
}

// Configure parses HoistField's keys.
func (t *HoistField) Configure(props map[string]string) error {
	c, err := parseConfig(t.def, props)
	if err != nil {
		return err
	}
	t.field = c.str("field")
	return nil
}

// Apply wraps the key or value.
func (t *HoistField) Apply(r *connect.Record) (*connect.Record, error) {
	s, v := t.side.schema(r), t.side.value(r)
	if s == nil {
		return t.side.with(r, nil, map[string]any{t.field: v}), nil
	}
	us := t.cache.get(s)
	if us == nil {
		us = &connect.Schema{Type: connect.TypeStruct}
		if err := addField(us, t.field, s); err != nil {
			return nil, err
		}
		t.cache.put(s, us)
	}
	out := connect.NewStruct(us)
	if err := put(out, t.field, v); err != nil {
		return nil, err
	}
	return t.side.with(r, us, out), nil
}
