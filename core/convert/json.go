package convert

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/connectless/connectless/core/connect"
	"github.com/connectless/connectless/core/connect/javacompat"
)

// JSONConverter config keys (Kafka's JsonConverterConfig and ConverterConfig).
const (
	SchemasEnable          = "schemas.enable"
	SchemasCacheSize       = "schemas.cache.size"
	DecimalFormat          = "decimal.format"
	ReplaceNullWithDefault = "replace.null.with.default"
	ConverterType          = connect.ConverterTypeConfig
)

// JSON class names.
const (
	JSONConverterClass = "org.apache.kafka.connect.json.JsonConverter"
)

// JSONConfig returns the JsonConverter's ConfigDef, with Kafka's keys, groups and defaults.
func JSONConfig() *connect.ConfigDef {
	return connect.NewConfigDef().
		Define(connect.ConverterTypeKey()).
		Define(connect.ConfigKey{Name: SchemasEnable, Type: connect.ConfigBoolean, Default: true, Importance: connect.High,
			Doc:   "Include schemas within each of the serialized values and keys. Default true. Mirrors Kafka Connect's schemas.enable.",
			Group: "Schemas", OrderInGroup: 0, Width: connect.WidthMedium, DisplayName: "Enable Schemas"}).
		Define(connect.ConfigKey{Name: SchemasCacheSize, Type: connect.ConfigInt, Default: 1000, Importance: connect.High,
			Doc:   "The maximum number of schemas that can be cached in this converter instance. Default 1000. Mirrors Kafka Connect's schemas.cache.size.",
			Group: "Schemas", OrderInGroup: 1, Width: connect.WidthMedium, DisplayName: "Schema Cache Size"}).
		Define(connect.ConfigKey{Name: DecimalFormat, Type: connect.ConfigString, Default: "BASE64", Validator: connect.ValidStringIgnoreCase("BASE64", "NUMERIC"),
			Importance: connect.Low,
			Doc: "Controls which format this converter will serialize decimals in. This value is case insensitive and can be either " +
				"'BASE64' (default) or 'NUMERIC'. Mirrors Kafka Connect's decimal.format.",
			Group: "Serialization", OrderInGroup: 0, Width: connect.WidthMedium, DisplayName: "Decimal Format"}).
		Define(connect.ConfigKey{Name: ReplaceNullWithDefault, Type: connect.ConfigBoolean, Default: true, Importance: connect.Low,
			Doc: "Whether to replace fields that have a default value and that are null to the default value. When set to true, the " +
				"default value is used, otherwise null is used. Default true. Mirrors Kafka Connect's replace.null.with.default.",
			Group: "Serialization", OrderInGroup: 1, Width: connect.WidthMedium, DisplayName: "Replace null with default"})
}

// JSONConverter is Kafka's org.apache.kafka.connect.json.JsonConverter. With schemas.enable
// (the default) it writes {"schema":...,"payload":...} envelopes byte-compatible with Kafka's;
// without, plain JSON. Schemaless JSON objects become map[string]any, integral numbers int64,
// other numbers float64. Safe for concurrent use after Configure.
type JSONConverter struct {
	schemasEnable bool
	enc           javacompat.Encoder // decimal.format and replace.null.with.default
	cacheSize     int64
	// schemas caches parsed envelope schemas by their JSON text (Kafka's schemas.cache.size).
	schemas sync.Map
	cached  atomic.Int64
}

// NewJSONConverter returns a JSONConverter with Kafka's defaults (schemas enabled, BASE64
// decimals, nulls replaced with defaults); Configure may change them.
func NewJSONConverter() *JSONConverter {
	return &JSONConverter{schemasEnable: true, cacheSize: 1000}
}

// Config returns the converter's ConfigDef.
func (c *JSONConverter) Config() *connect.ConfigDef { return JSONConfig() }

// Configure applies props (keys without the key.converter./value.converter. prefix).
func (c *JSONConverter) Configure(props map[string]string, isKey bool) error {
	v, err := JSONConfig().Parse(props)
	if err != nil {
		return fmt.Errorf("configure json converter: %w", err)
	}
	c.schemasEnable = v.Bool(SchemasEnable)
	c.enc = javacompat.Encoder{
		DecimalNumeric: strings.EqualFold(v.String(DecimalFormat), "NUMERIC"),
		KeepNull:       !v.Bool(ReplaceNullWithDefault),
	}
	c.cacheSize = int64(v.Int(SchemasCacheSize))
	return nil
}

// FromConnect serialises a value; a nil schema with a nil value gives nil (a tombstone).
func (c *JSONConverter) FromConnect(topic string, schema *connect.Schema, value any) ([]byte, error) {
	if schema == nil && value == nil {
		return nil, nil
	}
	var b []byte
	var err error
	if c.schemasEnable {
		b = append(make([]byte, 0, 256), `{"schema":`...)
		if b, err = c.appendSchema(b, schema, ""); err != nil {
			return nil, err
		}
		b = append(b, `,"payload":`...)
		if b, err = c.enc.AppendConnect(b, schema, value); err != nil {
			return nil, err
		}
		return append(b, '}'), nil
	}
	return c.enc.AppendConnect(make([]byte, 0, 256), schema, value)
}

// CheckJSON reports, with schemas.enable=false, whether data is one JSON value other than
// null (whitespace around it allowed) that ToConnect(topic, data) gives without an error,
// from one scan of data that builds nothing (connect.JSONBytesConverter). It is false with
// schemas.enable, for null and empty data, data with more after the value, and anything the
// one-pass decoder leaves to encoding/json.
func (c *JSONConverter) CheckJSON(_ string, data []byte) bool {
	return !c.schemasEnable && len(data) > 0 && checkSchemaless(data)
}

const envelopeError = "JsonConverter with schemas.enable requires \"schema\" and \"payload\" fields and may not contain additional fields. If you are trying to deserialize plain JSON data, set schemas.enable=false in your converter configuration."

// ToConnect deserialises data; nil or empty data gives a nil schema and value.
func (c *JSONConverter) ToConnect(topic string, data []byte) (*connect.Schema, any, error) {
	if len(data) == 0 {
		return nil, nil, nil
	}
	if !c.schemasEnable {
		if v, ok := decodeFastSchemaless(data); ok {
			return nil, v, nil
		}
		node, err := decodeJSON(data)
		if err != nil {
			return nil, nil, err
		}
		v, err := c.toConnect(nil, node)
		return nil, v, err
	}
	var env map[string]json.RawMessage
	if err := json.NewDecoder(bytes.NewReader(data)).Decode(&env); err != nil {
		var typeErr *json.UnmarshalTypeError
		if errors.As(err, &typeErr) {
			return nil, nil, &connect.DataError{Message: envelopeError}
		}
		return nil, nil, &connect.DataError{Message: "Converting byte[] to Kafka Connect data failed due to serialization error", Err: err}
	}
	schemaRaw, hasSchema := env["schema"]
	payloadRaw, hasPayload := env["payload"]
	if len(env) != 2 || !hasSchema || !hasPayload {
		return nil, nil, &connect.DataError{Message: envelopeError}
	}
	schema, err := c.cachedSchema(schemaRaw)
	if err != nil {
		return nil, nil, err
	}
	payload, err := decodeJSON(payloadRaw)
	if err != nil {
		return nil, nil, err
	}
	v, err := c.toConnect(schema, payload)
	if err != nil {
		return nil, nil, err
	}
	return schema, v, nil
}

// decodeJSON decodes one JSON value keeping numbers as json.Number. Numbers with leading
// zeros (007) are accepted, as Kafka's parser allows them.
func decodeJSON(data []byte) (any, error) {
	node, err := decodeStrict(data)
	if err != nil {
		if fixed, changed := stripLeadingZeros(data); changed {
			if n, err2 := decodeStrict(fixed); err2 == nil {
				return n, nil
			}
		}
		return nil, &connect.DataError{Message: "Converting byte[] to Kafka Connect data failed due to serialization error", Err: err}
	}
	return node, nil
}

func decodeStrict(data []byte) (any, error) {
	if v, ok := decodeFast(data); ok {
		return v, nil
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var node any
	err := dec.Decode(&node)
	return node, err
}

// stripLeadingZeros removes leading zeros of numbers outside strings ("007" -> "7").
func stripLeadingZeros(data []byte) ([]byte, bool) {
	out := make([]byte, 0, len(data))
	inString, changed := false, false
	for i := 0; i < len(data); i++ {
		c := data[i]
		if inString {
			out = append(out, c)
			switch c {
			case '\\':
				if i+1 < len(data) {
					i++
					out = append(out, data[i])
				}
			case '"':
				inString = false
			}
			continue
		}
		if c == '"' {
			inString = true
		}
		startsNumber := c == '0' && (len(out) == 0 || !isNumberByte(out[len(out)-1]))
		if startsNumber {
			j := i
			for j+1 < len(data) && data[j] == '0' && data[j+1] >= '0' && data[j+1] <= '9' {
				j++
			}
			if j > i {
				changed = true
				i = j
				c = data[i]
			}
		}
		out = append(out, c)
	}
	return out, changed
}

func isNumberByte(c byte) bool {
	return c >= '0' && c <= '9' || c == '.' || c == 'e' || c == 'E' || c == '+'
}

// cachedSchema parses an envelope's schema, caching up to schemas.cache.size schemas by their
// JSON text. Cached schemas are shared: callers must not change a schema ToConnect returned.
func (c *JSONConverter) cachedSchema(raw json.RawMessage) (*connect.Schema, error) {
	if string(raw) == "null" {
		return nil, nil
	}
	if v, ok := c.schemas.Load(string(raw)); ok {
		return v.(*connect.Schema), nil
	}
	node, err := decodeJSON(raw)
	if err != nil {
		return nil, err
	}
	schema, err := c.toConnectSchema(node)
	if err != nil {
		return nil, err
	}
	if schema != nil && c.cached.Add(1) <= c.cacheSize {
		c.schemas.Store(string(raw), schema)
	}
	return schema, nil
}

// JSONHeaderConverter is the JsonConverter used as a header converter (Kafka's JsonConverter
// implements both interfaces).
type JSONHeaderConverter struct{ c *JSONConverter }

// NewJSONHeaderConverter returns a header converter with Kafka's defaults.
func NewJSONHeaderConverter() *JSONHeaderConverter {
	return &JSONHeaderConverter{c: NewJSONConverter()}
}

// Configure applies props.
func (h *JSONHeaderConverter) Configure(props map[string]string) error {
	return h.c.Configure(props, false)
}

// FromConnectHeader serialises a header value.
func (h *JSONHeaderConverter) FromConnectHeader(topic, _ string, schema *connect.Schema, value any) ([]byte, error) {
	return h.c.FromConnect(topic, schema, value)
}

// ToConnectHeader deserialises a header value.
func (h *JSONHeaderConverter) ToConnectHeader(topic, _ string, data []byte) (*connect.Schema, any, error) {
	return h.c.ToConnect(topic, data)
}

// Config returns JsonConverter's configuration keys.
func (h *JSONHeaderConverter) Config() *connect.ConfigDef { return JSONConfig() }
