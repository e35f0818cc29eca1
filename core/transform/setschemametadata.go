package transform

import "github.com/connectless/connectless/core/connect"

// SetSchemaMetadata is Kafka's SetSchemaMetadata$Key / SetSchemaMetadata$Value: it sets the
// name and/or version of the key or value schema.
type SetSchemaMetadata struct {
	base
	side        side
	name        string
	hasName     bool
	version     int32
	hasVersion  bool
	replaceNull bool
}

func newSetSchemaMetadata(s side) *SetSchemaMetadata {
	return &SetSchemaMetadata{side: s, base: base{def: newDef([]connect.ConfigKey{
		{Name: "schema.name", Type: connect.ConfigString, Importance: connect.High,
			Doc: "Schema name to set. Default null (unchanged). Mirrors Kafka Connect's SetSchemaMetadata schema.name."},
		{Name: "schema.version", Type: connect.ConfigInt, Importance: connect.High,
			Doc: "Schema version to set. Default null (unchanged). Mirrors Kafka Connect's SetSchemaMetadata schema.version."},
		replaceNullKey(),
	})}}
}

// Configure parses SetSchemaMetadata's keys.
func (t *SetSchemaMetadata) Configure(props map[string]string) error {
	c, err := parseConfig(t.def, props)
	if err != nil {
		return err
	}
	t.name, t.hasName = c.strOrNil("schema.name")
	t.version, t.hasVersion = c["schema.version"].(int32)
	t.replaceNull = c.boolean("replace.null.with.default")
	if !t.hasName && !t.hasVersion {
		return configErr("Neither schema name nor version configured")
	}
	return nil
}

// Apply replaces the schema; a record with neither schema nor value passes unchanged.
func (t *SetSchemaMetadata) Apply(r *connect.Record) (*connect.Record, error) {
	s, v := t.side.schema(r), t.side.value(r)
	if s == nil && v == nil {
		return r, nil
	}
	if s == nil {
		return nil, dataErr("Schema required for [updating schema metadata]")
	}
	us := &connect.Schema{Type: s.Type, Optional: s.Optional, Default: s.Default, Name: s.Name, Version: s.Version,
		Doc: s.Doc, Parameters: s.Parameters}
	if t.hasName {
		us.Name = t.name
	}
	if t.hasVersion {
		us.Version = int(t.version)
	}
	switch s.Type {
	case connect.TypeStruct:
		us.Fields = s.Fields
	case connect.TypeMap:
		us.Key, us.Value = s.Key, s.Value
	case connect.TypeArray:
		us.Value = s.Value
	}
	if st, ok := v.(*connect.Struct); ok && st != nil {
		out := connect.NewStruct(us)
		for _, f := range us.Fields {
			if err := put(out, f.Name, getField(st, f.Name, t.replaceNull)); err != nil {
				return nil, err
			}
		}
		v = out
	}
	return t.side.with(r, us, v), nil
}
