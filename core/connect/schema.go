package connect

import (
	"fmt"
	"math/big"
	"slices"
)

// Type is a Connect schema type, spelled as in Kafka's Schema.Type (lower case in JSON envelopes).
type Type string

// The Connect schema types.
const (
	TypeInt8    Type = "int8"
	TypeInt16   Type = "int16"
	TypeInt32   Type = "int32"
	TypeInt64   Type = "int64"
	TypeFloat32 Type = "float32"
	TypeFloat64 Type = "float64"
	TypeBoolean Type = "boolean"
	TypeString  Type = "string"
	TypeBytes   Type = "bytes"
	TypeArray   Type = "array"
	TypeMap     Type = "map"
	TypeStruct  Type = "struct"
)

// Logical type names, as in Kafka's org.apache.kafka.connect.data classes.
const (
	// DecimalName marks a bytes schema whose values are Decimal; parameter "scale" holds the scale.
	DecimalName = "org.apache.kafka.connect.data.Decimal"
	// DecimalScaleParam is the Decimal schema parameter that holds the scale.
	DecimalScaleParam = "scale"
	// DateName marks an int32 schema counting days since the epoch; values are time.Time (UTC midnight).
	DateName = "org.apache.kafka.connect.data.Date"
	// TimeName marks an int32 schema counting milliseconds since midnight; values are time.Time on 1970-01-01 UTC.
	TimeName = "org.apache.kafka.connect.data.Time"
	// TimestampName marks an int64 schema counting milliseconds since the epoch; values are time.Time.
	TimestampName = "org.apache.kafka.connect.data.Timestamp"
)

// Schema describes a Connect value, as Kafka's ConnectSchema does.
//
// Go representations of values by type:
// int8/int16/int32/int64/float32/float64/bool/string/[]byte for primitives,
// []any for arrays, map[any]any for maps, *Struct for structs. Logical types use
// Decimal (Decimal), and time.Time (Date, Time, Timestamp).
// Schemaless values (nil schema) use the JSON-like set: map[string]any, []any,
// string, bool, int64, float64, []byte, and nil.
//
// A record's schema may be shared with other records (a converter reads every value of one
// registered schema, or every value at all, with one Schema, as Kafka's are immutable
// objects): a transformation or sink that needs another schema builds a new one rather than
// changing the one it was given.
type Schema struct {
	Type       Type
	Optional   bool
	Default    any
	Name       string
	Version    int // 0 means unset
	Doc        string
	Parameters map[string]string
	// ParamOrder lists keys of Parameters in the order they were set (SetParam and
	// SchemaBuilder.Parameter keep it), as Kafka's SchemaBuilder keeps them in a
	// LinkedHashMap: formats whose schemas list enum symbols write them in this order.
	// Equal ignores it, as LinkedHashMap.equals does.
	ParamOrder []string
	Fields     []Field // struct only, in order
	Key        *Schema // map only
	Value      *Schema // map and array element
}

// Field is one field of a struct schema.
type Field struct {
	Name   string
	Index  int
	Schema *Schema
}

// SetParam sets parameter k to v, recording k's place in ParamOrder when it is new.
func (s *Schema) SetParam(k, v string) {
	if s.Parameters == nil {
		s.Parameters = map[string]string{}
	}
	if _, ok := s.Parameters[k]; !ok {
		s.ParamOrder = append(s.ParamOrder, k)
	}
	s.Parameters[k] = v
}

// ParamKeys returns the keys of Parameters in the order they were set (ParamOrder), then
// any key set without SetParam, sorted.
func (s *Schema) ParamKeys() []string {
	keys := make([]string, 0, len(s.Parameters))
	seen := make(map[string]bool, len(s.ParamOrder))
	for _, k := range s.ParamOrder {
		if _, ok := s.Parameters[k]; ok && !seen[k] {
			seen[k] = true
			keys = append(keys, k)
		}
	}
	rest := len(keys)
	for k := range s.Parameters {
		if !seen[k] {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys[rest:])
	return keys
}

// Field returns the named field of a struct schema.
func (s *Schema) Field(name string) (Field, bool) {
	if s == nil {
		return Field{}, false
	}
	for _, f := range s.Fields {
		if f.Name == name {
			return f, true
		}
	}
	return Field{}, false
}

// Equal reports whether two schemas are the same, field by field (Kafka's ConnectSchema.equals).
func (s *Schema) Equal(o *Schema) bool {
	if s == nil || o == nil {
		return s == o
	}
	if s.Type != o.Type || s.Optional != o.Optional || s.Name != o.Name || s.Version != o.Version || s.Doc != o.Doc {
		return false
	}
	if !defaultsEqual(s.Default, o.Default) || len(s.Parameters) != len(o.Parameters) {
		return false
	}
	for k, v := range s.Parameters {
		if ov, ok := o.Parameters[k]; !ok || ov != v {
			return false
		}
	}
	if !slices.EqualFunc(s.Fields, o.Fields, func(a, b Field) bool {
		return a.Name == b.Name && a.Index == b.Index && a.Schema.Equal(b.Schema)
	}) {
		return false
	}
	return s.Key.Equal(o.Key) && s.Value.Equal(o.Value)
}

// defaultsEqual compares two schema defaults by their printed form; two absent defaults
// (the common case, compared once per record by sinks) are equal without printing.
func defaultsEqual(a, b any) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return fmt.Sprint(a) == fmt.Sprint(b)
}

// Decimal is the value of a Decimal logical schema: Unscaled × 10^-Scale, as Java's BigDecimal.
type Decimal struct {
	Unscaled *big.Int
	Scale    int32
}

// String renders the decimal in plain notation, as BigDecimal.toPlainString.
func (d Decimal) String() string {
	if d.Unscaled == nil {
		return "0"
	}
	r := new(big.Rat).SetFrac(d.Unscaled, new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(max(d.Scale, 0))), nil))
	if d.Scale < 0 {
		r.Mul(r, new(big.Rat).SetInt(new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(-d.Scale)), nil)))
		return r.FloatString(0)
	}
	return r.FloatString(int(d.Scale))
}

// Struct is a value of a struct schema: values held by field index.
type Struct struct {
	schema *Schema
	values []any
}

// NewStruct returns an empty struct of the given struct schema.
func NewStruct(s *Schema) *Struct {
	return &Struct{schema: s, values: make([]any, len(s.Fields))}
}

// Schema returns the struct's schema.
func (s *Struct) Schema() *Schema { return s.schema }

// Get returns the value of the named field, or the field's default when unset; ok is false
// when the schema has no such field.
func (s *Struct) Get(name string) (v any, ok bool) {
	f, ok := s.schema.Field(name)
	if !ok {
		return nil, false
	}
	if v := s.values[f.Index]; v != nil {
		return v, true
	}
	return f.Schema.Default, true
}

// GetWithoutDefault returns the value of the named field as set, nil when unset, without
// falling back to the field's default (Kafka's Struct.getWithoutDefault); ok is false when the
// schema has no such field.
func (s *Struct) GetWithoutDefault(name string) (v any, ok bool) {
	f, ok := s.schema.Field(name)
	if !ok {
		return nil, false
	}
	return s.values[f.Index], true
}

// Put sets the named field; it fails when the schema has no such field.
func (s *Struct) Put(name string, v any) error {
	f, ok := s.schema.Field(name)
	if !ok {
		return fmt.Errorf("%q is not a valid field name", name)
	}
	s.values[f.Index] = v
	return nil
}

// MustPut is Put for code that builds structs from schemas it just made; it panics on an unknown field.
func (s *Struct) MustPut(name string, v any) *Struct {
	if err := s.Put(name, v); err != nil {
		panic(err)
	}
	return s
}

// Validate checks that every required field without a default has a value (Kafka's Struct.validate).
func (s *Struct) Validate() error {
	for _, f := range s.schema.Fields {
		if s.values[f.Index] == nil && !f.Schema.Optional && f.Schema.Default == nil {
			return fmt.Errorf("invalid value: null used for required field: %q, schema type: %s", f.Name, f.Schema.Type)
		}
	}
	return nil
}
