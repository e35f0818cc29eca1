package connect

import (
	"fmt"
	"maps"
	"math/big"
	"slices"
	"time"
)

// Predefined schemas, as Kafka's Schema.INT32_SCHEMA and friends. Each call returns a new
// value, so callers may change it.

// Int8Schema returns a required int8 schema.
func Int8Schema() *Schema { return &Schema{Type: TypeInt8} }

// Int16Schema returns a required int16 schema.
func Int16Schema() *Schema { return &Schema{Type: TypeInt16} }

// Int32Schema returns a required int32 schema.
func Int32Schema() *Schema { return &Schema{Type: TypeInt32} }

// Int64Schema returns a required int64 schema.
func Int64Schema() *Schema { return &Schema{Type: TypeInt64} }

// Float32Schema returns a required float32 schema.
func Float32Schema() *Schema { return &Schema{Type: TypeFloat32} }

// Float64Schema returns a required float64 schema.
func Float64Schema() *Schema { return &Schema{Type: TypeFloat64} }

// BooleanSchema returns a required boolean schema.
func BooleanSchema() *Schema { return &Schema{Type: TypeBoolean} }

// StringSchema returns a required string schema.
func StringSchema() *Schema { return &Schema{Type: TypeString} }

// BytesSchema returns a required bytes schema.
func BytesSchema() *Schema { return &Schema{Type: TypeBytes} }

// OptionalInt8Schema returns an optional int8 schema.
func OptionalInt8Schema() *Schema { return &Schema{Type: TypeInt8, Optional: true} }

// OptionalInt16Schema returns an optional int16 schema.
func OptionalInt16Schema() *Schema { return &Schema{Type: TypeInt16, Optional: true} }

// OptionalInt32Schema returns an optional int32 schema.
func OptionalInt32Schema() *Schema { return &Schema{Type: TypeInt32, Optional: true} }

// OptionalInt64Schema returns an optional int64 schema.
func OptionalInt64Schema() *Schema { return &Schema{Type: TypeInt64, Optional: true} }

// OptionalFloat32Schema returns an optional float32 schema.
func OptionalFloat32Schema() *Schema { return &Schema{Type: TypeFloat32, Optional: true} }

// OptionalFloat64Schema returns an optional float64 schema.
func OptionalFloat64Schema() *Schema { return &Schema{Type: TypeFloat64, Optional: true} }

// OptionalBooleanSchema returns an optional boolean schema.
func OptionalBooleanSchema() *Schema { return &Schema{Type: TypeBoolean, Optional: true} }

// OptionalStringSchema returns an optional string schema.
func OptionalStringSchema() *Schema { return &Schema{Type: TypeString, Optional: true} }

// OptionalBytesSchema returns an optional bytes schema.
func OptionalBytesSchema() *Schema { return &Schema{Type: TypeBytes, Optional: true} }

// ArraySchema returns a required array schema of elem.
func ArraySchema(elem *Schema) *Schema { return &Schema{Type: TypeArray, Value: elem} }

// MapSchema returns a required map schema.
func MapSchema(key, value *Schema) *Schema { return &Schema{Type: TypeMap, Key: key, Value: value} }

// DecimalSchema returns a required Decimal logical schema (bytes, version 1, scale parameter).
func DecimalSchema(scale int32) *Schema {
	return &Schema{Type: TypeBytes, Name: DecimalName, Version: 1, Parameters: map[string]string{DecimalScaleParam: fmt.Sprint(scale)}}
}

// DateSchema returns a required Date logical schema (int32 days since the epoch, version 1).
func DateSchema() *Schema { return &Schema{Type: TypeInt32, Name: DateName, Version: 1} }

// TimeSchema returns a required Time logical schema (int32 ms since midnight, version 1).
func TimeSchema() *Schema { return &Schema{Type: TypeInt32, Name: TimeName, Version: 1} }

// TimestampSchema returns a required Timestamp logical schema (int64 epoch ms, version 1).
func TimestampSchema() *Schema { return &Schema{Type: TypeInt64, Name: TimestampName, Version: 1} }

// SchemaBuilder builds a schema step by step, as Kafka's SchemaBuilder:
//
//	s := connect.Struct().Name("com.acme.Order").Version(3).
//		Field("id", connect.Int32Schema()).
//		Field("ts", connect.TimestampSchema()).Build()
type SchemaBuilder struct{ s Schema }

// NewSchemaBuilder starts a schema of type t.
func NewSchemaBuilder(t Type) *SchemaBuilder { return &SchemaBuilder{s: Schema{Type: t}} }

// StructBuilder starts a struct schema.
func StructBuilder() *SchemaBuilder { return NewSchemaBuilder(TypeStruct) }

// BuilderFrom starts a builder from a copy of s (fields are shared, not deep-copied).
func BuilderFrom(s *Schema) *SchemaBuilder {
	c := *s
	c.Parameters = maps.Clone(s.Parameters)
	c.ParamOrder = slices.Clone(s.ParamOrder)
	c.Fields = append([]Field(nil), s.Fields...)
	return &SchemaBuilder{s: c}
}

// Optional marks the schema optional.
func (b *SchemaBuilder) Optional() *SchemaBuilder { b.s.Optional = true; return b }

// Required marks the schema required.
func (b *SchemaBuilder) Required() *SchemaBuilder { b.s.Optional = false; return b }

// Default sets the default value (in the schema's Go representation).
func (b *SchemaBuilder) Default(v any) *SchemaBuilder { b.s.Default = v; return b }

// Name sets the schema name.
func (b *SchemaBuilder) Name(n string) *SchemaBuilder { b.s.Name = n; return b }

// Version sets the schema version.
func (b *SchemaBuilder) Version(v int) *SchemaBuilder { b.s.Version = v; return b }

// Doc sets the schema documentation.
func (b *SchemaBuilder) Doc(d string) *SchemaBuilder { b.s.Doc = d; return b }

// Parameter sets one parameter.
func (b *SchemaBuilder) Parameter(k, v string) *SchemaBuilder {
	b.s.SetParam(k, v)
	return b
}

// Field appends a struct field; it panics when the schema is not a struct or the name repeats
// (Kafka's SchemaBuilder.field raises SchemaBuilderException for both).
func (b *SchemaBuilder) Field(name string, s *Schema) *SchemaBuilder {
	if b.s.Type != TypeStruct {
		panic(fmt.Sprintf("connect: cannot create fields on type %s", b.s.Type))
	}
	if _, dup := b.s.Field(name); dup {
		panic(fmt.Sprintf("connect: cannot create field because of field name duplication %s", name))
	}
	b.s.Fields = append(b.s.Fields, Field{Name: name, Index: len(b.s.Fields), Schema: s})
	return b
}

// Build returns the schema.
func (b *SchemaBuilder) Build() *Schema {
	s := b.s
	return &s
}

// Decimal helpers.

// NewDecimal returns unscaled × 10^-scale.
func NewDecimal(unscaled int64, scale int32) Decimal {
	return Decimal{Unscaled: big.NewInt(unscaled), Scale: scale}
}

// ParseDecimal parses a decimal literal such as "-12.50" or "1E+3" keeping its scale, as
// Java's new BigDecimal(String).
func ParseDecimal(s string) (Decimal, error) {
	mant, exp := s, int64(0)
	for i := 0; i < len(s); i++ {
		if s[i] == 'e' || s[i] == 'E' {
			var err error
			mant = s[:i]
			if _, err = fmt.Sscan(s[i+1:], &exp); err != nil {
				return Decimal{}, fmt.Errorf("parse decimal %q: bad exponent", s)
			}
			break
		}
	}
	scale := int64(0)
	digits := mant
	for i := 0; i < len(mant); i++ {
		if mant[i] == '.' {
			digits = mant[:i] + mant[i+1:]
			scale = int64(len(mant) - i - 1)
			break
		}
	}
	n, ok := new(big.Int).SetString(digits, 10)
	if !ok || digits == "" {
		return Decimal{}, fmt.Errorf("parse decimal %q: not a number", s)
	}
	return Decimal{Unscaled: n, Scale: int32(scale - exp)}, nil
}

// JavaString renders the decimal as Java's BigDecimal.toString: plain when the scale is not
// negative and the adjusted exponent is at least -6, else scientific ("1E+3", "1.5E-7").
func (d Decimal) JavaString() string {
	u := d.Unscaled
	if u == nil {
		u = new(big.Int)
	}
	coeff := new(big.Int).Abs(u).String()
	sign := ""
	if u.Sign() < 0 {
		sign = "-"
	}
	if d.Scale == 0 {
		return sign + coeff
	}
	adjusted := -int64(d.Scale) + int64(len(coeff)-1)
	if d.Scale > 0 && adjusted >= -6 {
		return sign + d.String()[len(sign):]
	}
	out := sign + coeff[:1]
	if len(coeff) > 1 {
		out += "." + coeff[1:]
	}
	out += "E"
	if adjusted >= 0 {
		out += "+"
	}
	return out + fmt.Sprint(adjusted)
}

// Bytes returns the unscaled value as Java's BigInteger.toByteArray: big-endian two's
// complement in the fewest bytes (Kafka's Decimal.fromLogical).
func (d Decimal) Bytes() []byte {
	u := d.Unscaled
	if u == nil || u.Sign() == 0 {
		return []byte{0}
	}
	if u.Sign() > 0 {
		b := u.Bytes()
		if b[0]&0x80 != 0 {
			b = append([]byte{0}, b...)
		}
		return b
	}
	// negative: two's complement of |u| in n bytes, n minimal.
	n := (u.BitLen() + 8) / 8
	mod := new(big.Int).Lsh(big.NewInt(1), uint(n*8))
	v := new(big.Int).Add(mod, u).Bytes()
	for len(v) < n {
		v = append([]byte{0xff}, v...)
	}
	// drop redundant leading 0xff bytes.
	for len(v) > 1 && v[0] == 0xff && v[1]&0x80 != 0 {
		v = v[1:]
	}
	return v
}

// DecimalFromBytes is Kafka's Decimal.toLogical: big-endian two's complement bytes and a scale.
func DecimalFromBytes(b []byte, scale int32) Decimal {
	n := new(big.Int).SetBytes(b)
	if len(b) > 0 && b[0]&0x80 != 0 {
		n.Sub(n, new(big.Int).Lsh(big.NewInt(1), uint(len(b)*8)))
	}
	return Decimal{Unscaled: n, Scale: scale}
}

// DecimalFromRat returns r as a Decimal of the given scale (a negative scale counts as 0 for
// the unscaled value), as Java's BigDecimal.setScale(scale, UNNECESSARY) does: false, and the
// zero Decimal, when r has more decimal places than scale.
func DecimalFromRat(r *big.Rat, scale int32) (Decimal, bool) {
	p := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(max(scale, 0))), nil)
	v := new(big.Rat).Mul(r, new(big.Rat).SetInt(p))
	if !v.IsInt() {
		return Decimal{}, false
	}
	return Decimal{Unscaled: new(big.Int).Set(v.Num()), Scale: scale}, true
}

// DecimalScale returns the scale parameter of a Decimal schema.
func DecimalScale(s *Schema) (int32, error) {
	var scale int32
	p, ok := s.Parameters[DecimalScaleParam]
	if !ok {
		return 0, &DataError{Message: "Invalid Decimal schema: scale parameter not found."}
	}
	if _, err := fmt.Sscan(p, &scale); err != nil {
		return 0, &DataError{Message: "Invalid scale parameter found in Decimal schema: " + p}
	}
	return scale, nil
}

const millisPerDay = 24 * 60 * 60 * 1000

// DateToDays is Kafka's Date.fromLogical: days since the epoch; t must be midnight UTC.
func DateToDays(t time.Time) (int32, error) {
	t = t.UTC()
	if t.Hour() != 0 || t.Minute() != 0 || t.Second() != 0 || t.Nanosecond()/1e6 != 0 {
		return 0, &DataError{Message: "Kafka Connect Date type should not have any time fields set to non-zero values."}
	}
	return int32(t.UnixMilli() / millisPerDay), nil
}

// DaysToDate is Kafka's Date.toLogical.
func DaysToDate(days int32) time.Time { return time.UnixMilli(int64(days) * millisPerDay).UTC() }

// TimeToMillis is Kafka's Time.fromLogical: ms since midnight; t must be on 1970-01-01 UTC.
func TimeToMillis(t time.Time) (int32, error) {
	ms := t.UnixMilli()
	if ms < 0 || ms > millisPerDay {
		return 0, &DataError{Message: "Kafka Connect Time type should not have any date fields set to non-zero values."}
	}
	return int32(ms), nil
}

// MillisToTime is Kafka's Time.toLogical.
func MillisToTime(ms int32) (time.Time, error) {
	if ms < 0 || ms > millisPerDay {
		return time.Time{}, &DataError{Message: "Time values must use number of milliseconds greater than 0 and less than 86400000"}
	}
	return time.UnixMilli(int64(ms)).UTC(), nil
}

// TemporalToInt is fromLogical of Kafka's Date, Time or Timestamp, chosen by the schema name:
// t as int32 days since the epoch (Date), int32 milliseconds since midnight (Time) or int64
// milliseconds since the epoch (Timestamp or any other name).
func TemporalToInt(name string, t time.Time) (any, error) {
	switch name {
	case DateName:
		return DateToDays(t)
	case TimeName:
		return TimeToMillis(t)
	}
	return t.UnixMilli(), nil
}

// DataError is Kafka's DataException: a value that does not fit its schema or cannot be
// converted. Converters and transformations return it (wrapped or not).
type DataError struct {
	Message string
	Err     error
}

// Error returns the message, followed by the cause when there is one.
func (e *DataError) Error() string {
	if e.Err != nil {
		return e.Message + ": " + e.Err.Error()
	}
	return e.Message
}

// Unwrap returns the cause.
func (e *DataError) Unwrap() error { return e.Err }
