package transform

import (
	"fmt"
	"maps"
	"math/big"
	"strings"
	"sync"
	"time"

	"github.com/connectless/connectless/core/connect"
)

// side selects the part of a record a $Key or $Value transform operates on.
type side bool

const (
	valueSide side = false
	keySide   side = true
)

func (s side) schema(r *connect.Record) *connect.Schema {
	if s == keySide {
		return r.KeySchema
	}
	return r.ValueSchema
}

func (s side) value(r *connect.Record) any {
	if s == keySide {
		return r.Key
	}
	return r.Value
}

// with returns a shallow copy of r whose key or value (and schema) is replaced, as Kafka's
// newRecord: topic, partition, offset, timestamp and headers are kept.
func (s side) with(r *connect.Record, schema *connect.Schema, v any) *connect.Record {
	out := *r
	if s == keySide {
		out.KeySchema, out.Key = schema, v
	} else {
		out.ValueSchema, out.Value = schema, v
	}
	return &out
}

// javaClass names the Java class Kafka would see for a Go value (Requirements.nullSafeClassName).
func javaClass(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "java.lang.String"
	case int8:
		return "java.lang.Byte"
	case int16:
		return "java.lang.Short"
	case int32:
		return "java.lang.Integer"
	case int64, int:
		return "java.lang.Long"
	case float32:
		return "java.lang.Float"
	case float64:
		return "java.lang.Double"
	case bool:
		return "java.lang.Boolean"
	case []byte:
		return "[B"
	case []any:
		return "java.util.ArrayList"
	case map[string]any, map[any]any:
		return "java.util.HashMap"
	case *connect.Struct:
		return "org.apache.kafka.connect.data.Struct"
	case time.Time:
		return "java.util.Date"
	case connect.Decimal:
		return "java.math.BigDecimal"
	case *big.Int:
		return "java.math.BigInteger"
	}
	return fmt.Sprintf("%T", v)
}

// javaClassString is Class.toString: "class java.lang.String".
func javaClassString(v any) string { return "class " + javaClass(v) }

func requireMap(v any, purpose string) (map[string]any, error) {
	m, ok := v.(map[string]any)
	if !ok {
		return nil, dataErr("Only Map objects supported in absence of schema for [%s], found: %s", purpose, javaClass(v))
	}
	return m, nil
}

func requireMapOrNull(v any, purpose string) (map[string]any, error) {
	if v == nil {
		return nil, nil
	}
	return requireMap(v, purpose)
}

func requireStruct(v any, purpose string) (*connect.Struct, error) {
	s, ok := v.(*connect.Struct)
	if !ok || s == nil {
		return nil, dataErr("Only Struct objects supported for [%s], found: %s", purpose, javaClass(v))
	}
	return s, nil
}

func requireStructOrNull(v any, purpose string) (*connect.Struct, error) {
	if v == nil {
		return nil, nil
	}
	return requireStruct(v, purpose)
}

// recordClass names the Java record class: SinkRecord when the record has an offset.
func recordClass(r *connect.Record) string {
	if r.Offset != nil {
		return "org.apache.kafka.connect.sink.SinkRecord"
	}
	return "org.apache.kafka.connect.source.SourceRecord"
}

// upperType is the schema type as Java's Schema.Type prints it.
func upperType(t connect.Type) string { return strings.ToUpper(string(t)) }

// schemaString is ConnectSchema.toString.
func schemaString(s *connect.Schema) string {
	if s.Name != "" {
		return "Schema{" + s.Name + ":" + upperType(s.Type) + "}"
	}
	return "Schema{" + upperType(s.Type) + "}"
}

// copySchemaBasics is Kafka's SchemaUtil.copySchemaBasics: a new schema of type t with the
// source's name, version, doc and parameters (not optionality, not default).
func copySchemaBasics(src *connect.Schema, t connect.Type) *connect.Schema {
	return &connect.Schema{Type: t, Name: src.Name, Version: src.Version, Doc: src.Doc, Parameters: maps.Clone(src.Parameters)}
}

// addField appends a field to a struct schema being built, as SchemaBuilder.field does.
func addField(s *connect.Schema, name string, fs *connect.Schema) error {
	if name == "" {
		return schemaBuilderErr("fieldName cannot be null.")
	}
	if _, dup := s.Field(name); dup {
		return schemaBuilderErr("Cannot create field because of field name duplication " + name)
	}
	s.Fields = append(s.Fields, connect.Field{Name: name, Index: len(s.Fields), Schema: fs})
	return nil
}

// getField reads a struct field with or without its default (replace.null.with.default).
func getField(s *connect.Struct, name string, replaceNull bool) any {
	if replaceNull {
		v, _ := s.Get(name)
		return v
	}
	v, _ := s.GetWithoutDefault(name)
	return v
}

// put is Kafka's Struct.put: the field must exist and a required field cannot take null.
func put(s *connect.Struct, name string, v any) error {
	f, ok := s.Schema().Field(name)
	if !ok {
		return dataErr("%s is not a valid field name", name)
	}
	if v == nil && !f.Schema.Optional {
		return dataErr("Invalid value: null used for required field: \"%s\", schema type: %s", name, upperType(f.Schema.Type))
	}
	return s.Put(name, v)
}

// Logical and primitive schemas as Kafka's constants; each call returns a new schema.
func primitive(t connect.Type, optional bool) *connect.Schema {
	return &connect.Schema{Type: t, Optional: optional}
}

func timestampSchema(optional bool) *connect.Schema {
	return &connect.Schema{Type: connect.TypeInt64, Name: connect.TimestampName, Version: 1, Optional: optional}
}

func dateSchema(optional bool) *connect.Schema {
	return &connect.Schema{Type: connect.TypeInt32, Name: connect.DateName, Version: 1, Optional: optional}
}

func timeSchema(optional bool) *connect.Schema {
	return &connect.Schema{Type: connect.TypeInt32, Name: connect.TimeName, Version: 1, Optional: optional}
}

// schemaCache maps an input schema to the schema a transform derived from it (Kafka's
// SynchronizedCache over an LRU of 16).
type schemaCache struct {
	mu sync.Mutex
	m  map[*connect.Schema]*connect.Schema
}

const schemaCacheSize = 16

func (c *schemaCache) get(s *connect.Schema) *connect.Schema {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.m[s]
}

func (c *schemaCache) put(s, updated *connect.Schema) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m) >= schemaCacheSize {
		c.m = make(map[*connect.Schema]*connect.Schema, schemaCacheSize)
	}
	c.m[s] = updated
}

// cloneMap copies a schemaless map with room for extra keys (Java's new HashMap<>(map)).
func cloneMap(m map[string]any, extra int) map[string]any {
	out := make(map[string]any, len(m)+extra)
	for k, v := range m {
		out[k] = v
	}
	return out
}

// base is the configuration plumbing every transform and predicate shares.
type base struct {
	def *connect.ConfigDef
}

// Config returns the configuration definition, with Kafka's key names, defaults and docs.
func (b *base) Config() *connect.ConfigDef { return b.def }

// Close releases nothing: built-in transforms hold no resources.
func (b *base) Close() error { return nil }

func schemaBuilderErr(msg string) error {
	return &Error{Class: ClassSchemaBuilderException, Msg: msg, Err: &connect.DataError{Message: msg}}
}
