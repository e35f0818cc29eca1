package convert

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/connectless/connectless/core/connect"
	"github.com/connectless/connectless/core/connect/javacompat"
)

// Class names of the simple converters.
const (
	StringConverterClass       = "org.apache.kafka.connect.storage.StringConverter"
	ByteArrayConverterClass    = "org.apache.kafka.connect.converters.ByteArrayConverter"
	SimpleHeaderConverterClass = "org.apache.kafka.connect.storage.SimpleHeaderConverter"
	// ConverterEncoding is StringConverter's charset key.
	ConverterEncoding = "converter.encoding"
)

// StringConfig returns the StringConverter's ConfigDef.
func StringConfig() *connect.ConfigDef {
	return connect.NewConfigDef().
		Define(connect.ConverterTypeKey()).
		Define(connect.ConfigKey{Name: ConverterEncoding, Type: connect.ConfigString, Default: "UTF-8",
			Validator:  connect.ValidStringIgnoreCase("UTF-8", "UTF8", "ISO-8859-1", "ISO8859_1", "LATIN1", "US-ASCII", "ASCII"),
			Importance: connect.High,
			Doc: "The name of the Java character set to use for encoding strings as byte arrays. UTF-8, ISO-8859-1 and US-ASCII " +
				"are supported. Default UTF-8. Mirrors Kafka Connect's converter.encoding.",
			Group: "Converter", OrderInGroup: 0, Width: connect.WidthMedium, DisplayName: "Character encoding"})
}

// StringConverter is Kafka's StringConverter: values are written with their Java toString
// form, and read as optional strings.
type StringConverter struct {
	charset string
	schema  *connect.Schema // the optional string schema of every value read; see readSchema
}

// NewStringConverter returns a UTF-8 StringConverter.
func NewStringConverter() *StringConverter {
	return &StringConverter{charset: "UTF-8", schema: connect.OptionalStringSchema()}
}

// Config returns the converter's ConfigDef.
func (c *StringConverter) Config() *connect.ConfigDef { return StringConfig() }

// Configure applies props.
func (c *StringConverter) Configure(props map[string]string, _ bool) error {
	v, err := StringConfig().Parse(props)
	if err != nil {
		return fmt.Errorf("configure string converter: %w", err)
	}
	switch strings.ToUpper(v.String(ConverterEncoding)) {
	case "UTF-8", "UTF8":
		c.charset = "UTF-8"
	case "ISO-8859-1", "ISO8859_1", "LATIN1":
		c.charset = "ISO-8859-1"
	default:
		c.charset = "US-ASCII"
	}
	return nil
}

// FromConnect writes value.toString() in the charset; nil stays nil.
func (c *StringConverter) FromConnect(_ string, _ *connect.Schema, value any) ([]byte, error) {
	if value == nil {
		return nil, nil
	}
	s, ok := value.(string) // the common case, without ToString's two copies
	if !ok {
		s = javacompat.ToString(value)
	}
	switch c.charset {
	case "UTF-8", "":
		return []byte(s), nil
	}
	limit := rune(0xff)
	if c.charset == "US-ASCII" {
		limit = 0x7f
	}
	out := make([]byte, 0, len(s))
	for _, r := range s {
		if r > limit {
			r = '?' // Java's encoder replacement byte
		}
		out = append(out, byte(r))
	}
	return out, nil
}

// ToConnect reads data as an optional string; malformed UTF-8 becomes U+FFFD. Every value
// read by one converter made by NewStringConverter has the same schema (as Kafka's
// Schema.OPTIONAL_STRING_SCHEMA is one object): callers read it and do not change it.
func (c *StringConverter) ToConnect(_ string, data []byte) (*connect.Schema, any, error) {
	schema := readSchema(c.schema, connect.OptionalStringSchema)
	if data == nil {
		return schema, nil, nil
	}
	switch c.charset {
	case "ISO-8859-1":
		r := make([]rune, len(data))
		for i, b := range data {
			r[i] = rune(b)
		}
		return schema, string(r), nil
	case "US-ASCII":
		r := make([]rune, len(data))
		for i, b := range data {
			r[i] = rune(b)
			if b > 0x7f {
				r[i] = utf8.RuneError
			}
		}
		return schema, string(r), nil
	}
	if utf8.Valid(data) {
		return schema, string(data), nil
	}
	return schema, strings.ToValidUTF8(string(data), "\uFFFD"), nil
}

// ByteArrayConverter is Kafka's ByteArrayConverter: bytes pass through unchanged.
type ByteArrayConverter struct {
	schema *connect.Schema // the optional bytes schema of every value read; see readSchema
}

// NewByteArrayConverter returns a ByteArrayConverter.
func NewByteArrayConverter() *ByteArrayConverter {
	return &ByteArrayConverter{schema: connect.OptionalBytesSchema()}
}

// Config returns the converter's ConfigDef (converter.type only).
func (*ByteArrayConverter) Config() *connect.ConfigDef {
	return connect.NewConfigDef().Define(connect.ConverterTypeKey())
}

// Configure accepts converter.type only.
func (c *ByteArrayConverter) Configure(props map[string]string, _ bool) error {
	if _, err := c.Config().Parse(props); err != nil {
		return fmt.Errorf("configure byte array converter: %w", err)
	}
	return nil
}

// FromConnect returns the bytes; the schema must be nil or BYTES and the value []byte.
func (*ByteArrayConverter) FromConnect(_ string, schema *connect.Schema, value any) ([]byte, error) {
	if schema != nil && schema.Type != connect.TypeBytes {
		return nil, dataErr("Invalid schema type for ByteArrayConverter: %s", strings.ToUpper(string(schema.Type)))
	}
	if value == nil {
		return nil, nil
	}
	b, ok := value.([]byte)
	if !ok {
		return nil, dataErr("ByteArrayConverter is not compatible with objects of type %s", connect.JavaClassName(value))
	}
	return b, nil
}

// ToConnect returns the bytes with an optional bytes schema. Every value read by one
// converter made by NewByteArrayConverter has the same schema (as Kafka's
// Schema.OPTIONAL_BYTES_SCHEMA is one object): callers read it and do not change it.
func (c *ByteArrayConverter) ToConnect(_ string, data []byte) (*connect.Schema, any, error) {
	schema := readSchema(c.schema, connect.OptionalBytesSchema)
	if data == nil {
		return schema, nil, nil
	}
	return schema, data, nil
}

// readSchema returns a converter's one schema of the values it reads, made with its
// constructor, or a new one from fresh for a converter made without it (the zero value): a
// schema made once per converter rather than per record, which a sink comparing the
// schemas of successive records (a rotation on schema change) finds the same by pointer.
func readSchema(shared *connect.Schema, fresh func() *connect.Schema) *connect.Schema {
	if shared != nil {
		return shared
	}
	return fresh()
}
