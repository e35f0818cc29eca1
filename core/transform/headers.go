package transform

import (
	"slices"

	"github.com/connectless/connectless/core/connect"
)

// InsertHeader is Kafka's InsertHeader: it appends a header whose value is a literal parsed
// once with Connect's Values.parseString type inference.
type InsertHeader struct {
	base
	header string
	schema *connect.Schema
	value  any
}

func newInsertHeader() *InsertHeader {
	return &InsertHeader{base: base{def: newDef([]connect.ConfigKey{
		{Name: "header", Type: connect.ConfigString, Required: true, Validator: connect.NonNull(), Importance: connect.High,
			Doc: "The name of the header. Required. Mirrors Kafka Connect's InsertHeader header."},
		{Name: "value.literal", Type: connect.ConfigString, Required: true, Validator: connect.NonNull(), Importance: connect.High,
			Doc: "The literal value that is to be set as the header value on all records. Required. Mirrors Kafka Connect's InsertHeader value.literal."},
	})}}
}

// Configure parses InsertHeader's keys.
func (t *InsertHeader) Configure(props map[string]string) error {
	c, err := parseConfig(t.def, props)
	if err != nil {
		return err
	}
	t.header = c.str("header")
	t.schema, t.value = parseValueString(c.str("value.literal"))
	return nil
}

// Apply appends the header to a copy of the headers.
func (t *InsertHeader) Apply(r *connect.Record) (*connect.Record, error) {
	out := *r
	out.Headers = append(slices.Clip(r.Headers), connect.Header{Key: t.header, Schema: t.schema, Value: t.value})
	return &out, nil
}

// DropHeaders is Kafka's DropHeaders: it removes every header with one of the given keys.
type DropHeaders struct {
	base
	names []string
}

func newDropHeaders() *DropHeaders {
	return &DropHeaders{base: base{def: newDef([]connect.ConfigKey{
		{Name: "headers", Type: connect.ConfigList, Required: true, Validator: nonEmptyList(), Importance: connect.High,
			Doc: "The name of the headers to be removed. Required. Mirrors Kafka Connect's DropHeaders headers."},
	})}}
}

// Configure parses DropHeaders' keys.
func (t *DropHeaders) Configure(props map[string]string) error {
	c, err := parseConfig(t.def, props)
	if err != nil {
		return err
	}
	t.names = c.list("headers")
	return nil
}

// Apply drops the headers, keeping the order of the others.
func (t *DropHeaders) Apply(r *connect.Record) (*connect.Record, error) {
	out := *r
	out.Headers = make(connect.Headers, 0, len(r.Headers))
	for _, h := range r.Headers {
		if !slices.Contains(t.names, h.Key) {
			out.Headers = append(out.Headers, h)
		}
	}
	return &out, nil
}

// HeaderFrom is Kafka's HeaderFrom$Key / HeaderFrom$Value: it copies or moves fields of the
// key or value into headers.
type HeaderFrom struct {
	base
	side        side
	fields      []string
	headers     []string
	move        bool
	replaceNull bool
	cache       schemaCache
}

func newHeaderFrom(s side) *HeaderFrom {
	return &HeaderFrom{side: s, base: base{def: newDef([]connect.ConfigKey{
		{Name: "fields", Type: connect.ConfigList, Required: true, Validator: nonEmptyList(), Importance: connect.High,
			Doc: "Field names in the record whose values are to be copied or moved to headers. Required. Mirrors Kafka Connect's HeaderFrom fields."},
		{Name: "headers", Type: connect.ConfigList, Required: true, Validator: nonEmptyList(), Importance: connect.High,
			Doc: "Header names, in the same order as the field names listed in the fields configuration property. Required. Mirrors Kafka Connect's HeaderFrom headers."},
		{Name: "operation", Type: connect.ConfigString, Required: true, Validator: connect.ValidString("move", "copy"), Importance: connect.High,
			Doc: "Either move if the fields are to be moved to the headers (removed from the key/value), or copy if the fields are to be copied to the headers (retained in the key/value). Required. Mirrors Kafka Connect's HeaderFrom operation."},
		replaceNullKey(),
	})}}
}

// Configure parses HeaderFrom's keys.
func (t *HeaderFrom) Configure(props map[string]string) error {
	c, err := parseConfig(t.def, props)
	if err != nil {
		return err
	}
	t.fields, t.headers = c.list("fields"), c.list("headers")
	t.move = c.str("operation") == "move"
	t.replaceNull = c.boolean("replace.null.with.default")
	if len(t.fields) != len(t.headers) {
		return configErr("'fields' config must have the same number of elements as 'headers' config.")
	}
	return nil
}

func (t *HeaderFrom) purpose() string {
	if t.move {
		return "header move"
	}
	return "header copy"
}

// Apply adds the headers (and, for move, drops the fields).
func (t *HeaderFrom) Apply(r *connect.Record) (*connect.Record, error) {
	s, v := t.side.schema(r), t.side.value(r)
	headers := slices.Clip(r.Headers)
	if s == nil {
		m, err := requireMap(v, t.purpose())
		if err != nil {
			return nil, err
		}
		out := cloneMap(m, 0)
		for i, f := range t.fields {
			if t.move {
				delete(out, f)
			}
			headers = append(headers, connect.Header{Key: t.headers[i], Value: m[f]})
		}
		res := t.side.with(r, nil, out)
		res.Headers = headers
		return res, nil
	}
	st, err := requireStruct(v, t.purpose())
	if err != nil {
		return nil, err
	}
	us, uv := s, st
	if t.move {
		if us = t.cache.get(s); us == nil {
			us = copySchemaBasics(s, connect.TypeStruct)
			for _, f := range s.Fields {
				if !slices.Contains(t.fields, f.Name) {
					if err := addField(us, f.Name, f.Schema); err != nil {
						return nil, err
					}
				}
			}
			t.cache.put(s, us)
		}
		uv = connect.NewStruct(us)
		for _, f := range us.Fields {
			if err := put(uv, f.Name, getField(st, f.Name, t.replaceNull)); err != nil {
				return nil, err
			}
		}
	}
	for i, name := range t.fields {
		f, ok := s.Field(name)
		if !ok {
			return nil, &Error{Class: ClassNullPointer, Msg: `Cannot invoke "org.apache.kafka.connect.data.Field.schema()" because the return value of "org.apache.kafka.connect.data.Schema.field(String)" is null`}
		}
		headers = append(headers, connect.Header{Key: t.headers[i], Schema: f.Schema, Value: getField(st, name, t.replaceNull)})
	}
	res := t.side.with(r, us, uv)
	res.Headers = headers
	return res, nil
}
