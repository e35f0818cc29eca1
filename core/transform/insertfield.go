package transform

import (
	"strings"

	"github.com/connectless/connectless/core/connect"
)

const insertFieldPurpose = "field insertion"

// insertionSpec is a field name with its optionality ("name!" required, "name?" or "name" optional).
type insertionSpec struct {
	name     string
	optional bool
}

func parseInsertionSpec(s string, ok bool) *insertionSpec {
	if !ok {
		return nil
	}
	if n, found := strings.CutSuffix(s, "!"); found {
		return &insertionSpec{name: n}
	}
	if n, found := strings.CutSuffix(s, "?"); found {
		return &insertionSpec{name: n, optional: true}
	}
	return &insertionSpec{name: s, optional: true}
}

// InsertField is Kafka's InsertField$Key / InsertField$Value: it adds the record's topic,
// partition, offset, timestamp and/or a static string to a Struct or Map.
type InsertField struct {
	base
	side                                             side
	topic, partition, offset, timestamp, staticField *insertionSpec
	staticValue                                      string
	replaceNull                                      bool
	count                                            int // fields configured
	cache                                            schemaCache
}

func newInsertField(s side) *InsertField {
	doc := func(what, typ string) string {
		return "Field name for " + what + ". Suffix with ! to make this a required field, or ? to keep it optional (the default)." + typ + " Default null (not inserted). Mirrors Kafka Connect's InsertField option of the same name."
	}
	return &InsertField{side: s, base: base{def: newDef([]connect.ConfigKey{
		{Name: "topic.field", Type: connect.ConfigString, Importance: connect.Medium, Doc: doc("Kafka topic", "")},
		{Name: "partition.field", Type: connect.ConfigString, Importance: connect.Medium, Doc: doc("Kafka partition", "")},
		{Name: "offset.field", Type: connect.ConfigString, Importance: connect.Medium, Doc: doc("Kafka offset - only applicable to sink connectors", "")},
		{Name: "timestamp.field", Type: connect.ConfigString, Importance: connect.Medium, Doc: doc("record timestamp", "")},
		{Name: "static.field", Type: connect.ConfigString, Importance: connect.Medium, Doc: doc("static data field", "")},
		{Name: "static.value", Type: connect.ConfigString, Importance: connect.Medium, Doc: "Static field value, if field name configured. Default null. Mirrors Kafka Connect's InsertField static.value."},
		replaceNullKey(),
	})}}
}

// Configure parses InsertField's keys.
func (t *InsertField) Configure(props map[string]string) error {
	c, err := parseConfig(t.def, props)
	if err != nil {
		return err
	}
	t.topic = parseInsertionSpec(c.strOrNil("topic.field"))
	t.partition = parseInsertionSpec(c.strOrNil("partition.field"))
	t.offset = parseInsertionSpec(c.strOrNil("offset.field"))
	t.timestamp = parseInsertionSpec(c.strOrNil("timestamp.field"))
	t.staticField = parseInsertionSpec(c.strOrNil("static.field"))
	sv, hasValue := c.strOrNil("static.value")
	t.staticValue = sv
	t.replaceNull = c.boolean("replace.null.with.default")
	if t.staticField != nil && !hasValue {
		return invalidValue("static.value", nil, "No value specified for static field: "+t.staticField.name)
	}
	t.count = 0
	for _, f := range []*insertionSpec{t.topic, t.partition, t.offset, t.timestamp, t.staticField} {
		if f != nil {
			t.count++
		}
	}
	if t.count == 0 {
		return configErr("No field insertion configured")
	}
	return nil
}

// Apply inserts the configured fields; a null key/value passes unchanged.
func (t *InsertField) Apply(r *connect.Record) (*connect.Record, error) {
	v := t.side.value(r)
	if v == nil {
		return r, nil
	}
	if t.side.schema(r) == nil {
		return t.applySchemaless(r, v)
	}
	return t.applyWithSchema(r, v)
}

func (t *InsertField) requireSink(r *connect.Record) error {
	if r.Offset == nil {
		return dataErr("Only SinkRecord supported for [%s], found: %s", insertFieldPurpose, recordClass(r))
	}
	return nil
}

func (t *InsertField) applySchemaless(r *connect.Record, v any) (*connect.Record, error) {
	m, err := requireMap(v, insertFieldPurpose)
	if err != nil {
		return nil, err
	}
	out := cloneMap(m, t.count)
	if t.topic != nil {
		out[t.topic.name] = r.Topic
	}
	if t.partition != nil && r.Partition != nil {
		out[t.partition.name] = *r.Partition
	}
	if t.offset != nil {
		if err := t.requireSink(r); err != nil {
			return nil, err
		}
		out[t.offset.name] = *r.Offset
	}
	if t.timestamp != nil && !r.Timestamp.IsZero() {
		out[t.timestamp.name] = r.Timestamp.UnixMilli()
	}
	if t.staticField != nil {
		out[t.staticField.name] = t.staticValue
	}
	return t.side.with(r, nil, out), nil
}

func (t *InsertField) updatedSchema(s *connect.Schema) (*connect.Schema, error) {
	if u := t.cache.get(s); u != nil {
		return u, nil
	}
	u := copySchemaBasics(s, connect.TypeStruct)
	for _, f := range s.Fields {
		if err := addField(u, f.Name, f.Schema); err != nil {
			return nil, err
		}
	}
	add := []struct {
		spec *insertionSpec
		mk   func(optional bool) *connect.Schema
	}{
		{t.topic, func(o bool) *connect.Schema { return primitive(connect.TypeString, o) }},
		{t.partition, func(o bool) *connect.Schema { return primitive(connect.TypeInt32, o) }},
		{t.offset, func(o bool) *connect.Schema { return primitive(connect.TypeInt64, o) }},
		{t.timestamp, timestampSchema},
		{t.staticField, func(o bool) *connect.Schema { return primitive(connect.TypeString, o) }},
	}
	for _, a := range add {
		if a.spec == nil {
			continue
		}
		if err := addField(u, a.spec.name, a.mk(a.spec.optional)); err != nil {
			return nil, err
		}
	}
	t.cache.put(s, u)
	return u, nil
}

func (t *InsertField) applyWithSchema(r *connect.Record, v any) (*connect.Record, error) {
	st, err := requireStruct(v, insertFieldPurpose)
	if err != nil {
		return nil, err
	}
	us, err := t.updatedSchema(st.Schema())
	if err != nil {
		return nil, err
	}
	out := connect.NewStruct(us)
	for _, f := range st.Schema().Fields {
		if err := put(out, f.Name, getField(st, f.Name, t.replaceNull)); err != nil {
			return nil, err
		}
	}
	if t.topic != nil {
		if err := put(out, t.topic.name, r.Topic); err != nil {
			return nil, err
		}
	}
	if t.partition != nil && r.Partition != nil {
		if err := put(out, t.partition.name, *r.Partition); err != nil {
			return nil, err
		}
	}
	if t.offset != nil {
		if err := t.requireSink(r); err != nil {
			return nil, err
		}
		if err := put(out, t.offset.name, *r.Offset); err != nil {
			return nil, err
		}
	}
	if t.timestamp != nil && !r.Timestamp.IsZero() {
		if err := put(out, t.timestamp.name, r.Timestamp); err != nil {
			return nil, err
		}
	}
	if t.staticField != nil {
		if err := put(out, t.staticField.name, t.staticValue); err != nil {
			return nil, err
		}
	}
	return t.side.with(r, us, out), nil
}
