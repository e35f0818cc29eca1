package transform

import "github.com/connectless/connectless/core/connect"

const valueToKeyPurpose = "copying fields from value to key"

// ValueToKey is Kafka's ValueToKey: it replaces the key with a Struct or Map of fields taken
// from the value.
type ValueToKey struct {
	base
	fields      []string
	replaceNull bool
	cache       schemaCache
}

func newValueToKey() *ValueToKey {
	return &ValueToKey{base: base{def: newDef([]connect.ConfigKey{
		{Name: "fields", Type: connect.ConfigList, Required: true, Validator: nonEmptyList(), Importance: connect.High,
			Doc: "Field names on the record value to extract as the record key. Required. Mirrors Kafka Connect's ValueToKey fields."},
		replaceNullKey(),
	})}}
}

// Configure parses ValueToKey's keys.
func (t *ValueToKey) Configure(props map[string]string) error {
	c, err := parseConfig(t.def, props)
	if err != nil {
		return err
	}
	t.fields = c.list("fields")
	t.replaceNull = c.boolean("replace.null.with.default")
	return nil
}

// Apply builds the new key; a null value is an error, as in Kafka.
func (t *ValueToKey) Apply(r *connect.Record) (*connect.Record, error) {
	if r.ValueSchema == nil {
		m, err := requireMap(r.Value, valueToKeyPurpose)
		if err != nil {
			return nil, err
		}
		key := make(map[string]any, len(t.fields))
		for _, f := range t.fields {
			key[f] = m[f]
		}
		out := *r
		out.KeySchema, out.Key = nil, key
		return &out, nil
	}
	st, err := requireStruct(r.Value, valueToKeyPurpose)
	if err != nil {
		return nil, err
	}
	ks := t.cache.get(st.Schema())
	if ks == nil {
		ks = &connect.Schema{Type: connect.TypeStruct}
		for _, name := range t.fields {
			f, ok := st.Schema().Field(name)
			if !ok {
				return nil, dataErr("Field does not exist: %s", name)
			}
			if err := addField(ks, name, f.Schema); err != nil {
				return nil, err
			}
		}
		t.cache.put(st.Schema(), ks)
	}
	key := connect.NewStruct(ks)
	for _, name := range t.fields {
		if err := put(key, name, getField(st, name, t.replaceNull)); err != nil {
			return nil, err
		}
	}
	out := *r
	out.KeySchema, out.Key = ks, key
	return &out, nil
}
