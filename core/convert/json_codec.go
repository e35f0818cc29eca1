package convert

import (
	"encoding/json"
	"maps"
	"math/big"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/connectless/connectless/core/connect"
)

func dataErr(format string, args ...any) error {
	msg := format
	if len(args) > 0 {
		msg = sprintf(format, args...)
	}
	return &connect.DataError{Message: msg}
}

// jsonTypeName is the "type" of a schema in Kafka's JSON schema form.
func jsonTypeName(t connect.Type) string {
	switch t {
	case connect.TypeFloat32:
		return "float"
	case connect.TypeFloat64:
		return "double"
	}
	return string(t)
}

// appendSchema writes a schema as Kafka's JsonConverter.asJsonSchema, keys in its order;
// field, when set, is appended last as a struct field's "field".
func (c *JSONConverter) appendSchema(b []byte, s *connect.Schema, field string) ([]byte, error) {
	if s == nil {
		return append(b, "null"...), nil
	}
	var err error
	b = append(b, `{"type":`...)
	b = AppendJSONString(b, jsonTypeName(s.Type))
	switch s.Type {
	case connect.TypeArray:
		b = append(b, `,"items":`...)
		if b, err = c.appendSchema(b, s.Value, ""); err != nil {
			return nil, err
		}
	case connect.TypeMap:
		b = append(b, `,"keys":`...)
		if b, err = c.appendSchema(b, s.Key, ""); err != nil {
			return nil, err
		}
		b = append(b, `,"values":`...)
		if b, err = c.appendSchema(b, s.Value, ""); err != nil {
			return nil, err
		}
	case connect.TypeStruct:
		b = append(b, `,"fields":[`...)
		for i, f := range s.Fields {
			if i > 0 {
				b = append(b, ',')
			}
			if b, err = c.appendSchema(b, f.Schema, f.Name); err != nil {
				return nil, err
			}
		}
		b = append(b, ']')
	}
	b = append(b, `,"optional":`...)
	b = strconv.AppendBool(b, s.Optional)
	if s.Name != "" {
		b = AppendJSONString(append(b, `,"name":`...), s.Name)
	}
	if s.Version != 0 {
		b = strconv.AppendInt(append(b, `,"version":`...), int64(s.Version), 10)
	}
	if s.Doc != "" {
		b = AppendJSONString(append(b, `,"doc":`...), s.Doc)
	}
	if s.Parameters != nil {
		b = append(b, `,"parameters":{`...)
		for i, k := range slices.Sorted(maps.Keys(s.Parameters)) {
			if i > 0 {
				b = append(b, ',')
			}
			b = AppendJSONString(append(AppendJSONString(b, k), ':'), s.Parameters[k])
		}
		b = append(b, '}')
	}
	if s.Default != nil {
		b = append(b, `,"default":`...)
		if b, err = c.appendValue(b, s, s.Default); err != nil {
			return nil, err
		}
	}
	if field != "" {
		b = AppendJSONString(append(b, `,"field":`...), field)
	}
	return append(b, '}'), nil
}

// appendValue writes a value as Kafka's JsonConverter.convertToJson.
func (c *JSONConverter) appendValue(b []byte, s *connect.Schema, v any) ([]byte, error) {
	if v == nil {
		switch {
		case s == nil, s.Optional && (s.Default == nil || !c.replaceNull):
			return append(b, "null"...), nil
		case s.Default != nil && c.replaceNull:
			return c.appendValue(b, s, s.Default)
		}
		return nil, dataErr("Conversion error: null value for field that is required and has no default value")
	}
	if s != nil && s.Name != "" {
		if out, ok, err := c.appendLogical(b, s, v); ok || err != nil {
			return out, err
		}
	}
	var t connect.Type
	if s != nil {
		t = s.Type
	} else {
		var ok bool
		if t, ok = connect.InferType(v); !ok {
			return nil, dataErr("Java class %s does not have corresponding schema type.", connect.JavaClassName(v))
		}
	}
	invalid := func() error {
		st := "unknown schema"
		if s != nil {
			st = strings.ToUpper(string(s.Type))
		}
		return dataErr("Invalid type for %s: %s", st, connect.JavaClassName(v))
	}
	var err error
	switch t {
	case connect.TypeInt8:
		if x, ok := v.(int8); ok {
			return strconv.AppendInt(b, int64(x), 10), nil
		}
	case connect.TypeInt16:
		if x, ok := v.(int16); ok {
			return strconv.AppendInt(b, int64(x), 10), nil
		}
	case connect.TypeInt32:
		if x, ok := v.(int32); ok {
			return strconv.AppendInt(b, int64(x), 10), nil
		}
	case connect.TypeInt64:
		switch x := v.(type) {
		case int64:
			return strconv.AppendInt(b, x, 10), nil
		case int:
			return strconv.AppendInt(b, int64(x), 10), nil
		}
	case connect.TypeFloat32:
		if x, ok := v.(float32); ok {
			return appendFloat(b, x), nil
		}
	case connect.TypeFloat64:
		if x, ok := v.(float64); ok {
			return appendDouble(b, x), nil
		}
	case connect.TypeBoolean:
		if x, ok := v.(bool); ok {
			return strconv.AppendBool(b, x), nil
		}
	case connect.TypeString:
		if x, ok := v.(string); ok {
			return AppendJSONString(b, x), nil
		}
	case connect.TypeBytes:
		if x, ok := v.([]byte); ok {
			return appendBase64(b, x), nil
		}
		return nil, dataErr("Invalid type for bytes type: %s", connect.JavaClassName(v))
	case connect.TypeArray:
		l, ok := v.([]any)
		if !ok {
			return nil, invalid()
		}
		var elem *connect.Schema
		if s != nil {
			elem = s.Value
		}
		b = append(b, '[')
		for i, e := range l {
			if i > 0 {
				b = append(b, ',')
			}
			if b, err = c.appendValue(b, elem, e); err != nil {
				return nil, err
			}
		}
		return append(b, ']'), nil
	case connect.TypeMap:
		return c.appendMap(b, s, v, invalid)
	case connect.TypeStruct:
		st, ok := v.(*connect.Struct)
		if !ok {
			return nil, invalid()
		}
		if !st.Schema().Equal(s) {
			return nil, dataErr("Mismatching schema.")
		}
		b = append(b, '{')
		for i, f := range s.Fields {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(AppendJSONString(b, f.Name), ':')
			fv, _ := st.GetWithoutDefault(f.Name)
			if b, err = c.appendValue(b, f.Schema, fv); err != nil {
				return nil, err
			}
		}
		return append(b, '}'), nil
	}
	return nil, invalid()
}

func (c *JSONConverter) appendMap(b []byte, s *connect.Schema, v any, invalid func() error) ([]byte, error) {
	var keySchema, valueSchema *connect.Schema
	if s != nil {
		keySchema, valueSchema = s.Key, s.Value
	}
	var err error
	switch m := v.(type) {
	case map[string]any:
		if s != nil && (keySchema == nil || keySchema.Type != connect.TypeString) {
			// non-string key schema: array of pairs.
			b = append(b, '[')
			for i, k := range orderedStringKeys(m) {
				if i > 0 {
					b = append(b, ',')
				}
				b = append(b, '[')
				if b, err = c.appendValue(b, keySchema, k); err != nil {
					return nil, err
				}
				b = append(b, ',')
				if b, err = c.appendValue(b, valueSchema, m[k]); err != nil {
					return nil, err
				}
				b = append(b, ']')
			}
			return append(b, ']'), nil
		}
		b = append(b, '{')
		for i, k := range orderedStringKeys(m) {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(AppendJSONString(b, k), ':')
			if b, err = c.appendValue(b, valueSchema, m[k]); err != nil {
				return nil, err
			}
		}
		return append(b, '}'), nil
	case map[any]any:
		keys := orderedAnyKeys(m)
		objectMode := true
		if s == nil {
			for _, k := range keys {
				if _, ok := k.(string); !ok {
					objectMode = false
					break
				}
			}
		} else {
			objectMode = keySchema != nil && keySchema.Type == connect.TypeString
		}
		if objectMode {
			b = append(b, '{')
		} else {
			b = append(b, '[')
		}
		for i, k := range keys {
			if i > 0 {
				b = append(b, ',')
			}
			if objectMode {
				// Kafka writes mapKey.asText(): the key's JSON text without quotes.
				kb, err := c.appendValue(nil, keySchema, k)
				if err != nil {
					return nil, err
				}
				ks, _ := k.(string)
				if _, isStr := k.(string); !isStr {
					ks = string(kb)
				}
				b = append(AppendJSONString(b, ks), ':')
				if b, err = c.appendValue(b, valueSchema, m[k]); err != nil {
					return nil, err
				}
				continue
			}
			b = append(b, '[')
			if b, err = c.appendValue(b, keySchema, k); err != nil {
				return nil, err
			}
			b = append(b, ',')
			if b, err = c.appendValue(b, valueSchema, m[k]); err != nil {
				return nil, err
			}
			b = append(b, ']')
		}
		if objectMode {
			return append(b, '}'), nil
		}
		return append(b, ']'), nil
	}
	return nil, invalid()
}

// appendLogical handles the logical types; ok is false when s is not a known logical type.
func (c *JSONConverter) appendLogical(b []byte, s *connect.Schema, v any) ([]byte, bool, error) {
	switch s.Name {
	case connect.DecimalName:
		d, ok := v.(connect.Decimal)
		if !ok {
			return nil, true, dataErr("Invalid type for Decimal, expected BigDecimal but was %s", connect.JavaClassName(v))
		}
		if c.decimalNumeric {
			return append(b, d.JavaString()...), true, nil
		}
		scale, err := connect.DecimalScale(s)
		if err != nil {
			return nil, true, err
		}
		if d.Scale != scale {
			return nil, true, dataErr("BigDecimal has mismatching scale value for given Decimal schema")
		}
		return appendBase64(b, d.Bytes()), true, nil
	case connect.DateName:
		t, ok := v.(time.Time)
		if !ok {
			return nil, true, dataErr("Invalid type for Date, expected Date but was %s", connect.JavaClassName(v))
		}
		days, err := connect.DateToDays(t)
		if err != nil {
			return nil, true, err
		}
		return strconv.AppendInt(b, int64(days), 10), true, nil
	case connect.TimeName:
		t, ok := v.(time.Time)
		if !ok {
			return nil, true, dataErr("Invalid type for Time, expected Date but was %s", connect.JavaClassName(v))
		}
		ms, err := connect.TimeToMillis(t)
		if err != nil {
			return nil, true, err
		}
		return strconv.AppendInt(b, int64(ms), 10), true, nil
	case connect.TimestampName:
		t, ok := v.(time.Time)
		if !ok {
			return nil, true, dataErr("Invalid type for Timestamp, expected Date but was %s", connect.JavaClassName(v))
		}
		return strconv.AppendInt(b, t.UnixMilli(), 10), true, nil
	}
	return b, false, nil
}

// nodeType names a decoded JSON node as Jackson's JsonNodeType.
func nodeType(n any) string {
	switch n.(type) {
	case nil:
		return "NULL"
	case bool:
		return "BOOLEAN"
	case json.Number:
		return "NUMBER"
	case string:
		return "STRING"
	case []any:
		return "ARRAY"
	case map[string]any:
		return "OBJECT"
	}
	return "POJO"
}

func isIntegral(n json.Number) bool { return !strings.ContainsAny(string(n), ".eE") }

// longValue is Jackson's longValue: integral numbers wrap to their low 64 bits, others truncate.
func longValue(n any) int64 {
	num, ok := n.(json.Number)
	if !ok {
		return 0
	}
	if isIntegral(num) {
		if v, err := strconv.ParseInt(string(num), 10, 64); err == nil {
			return v
		}
		if bi, ok := new(big.Int).SetString(string(num), 10); ok {
			return int64(new(big.Int).And(bi, new(big.Int).SetUint64(^uint64(0))).Uint64())
		}
		return 0
	}
	f, _ := strconv.ParseFloat(string(num), 64)
	return int64(f)
}

func doubleValue(n any) float64 {
	num, ok := n.(json.Number)
	if !ok {
		return 0
	}
	f, _ := strconv.ParseFloat(string(num), 64)
	return f
}

// schemaless converts a decoded node without schema, reusing maps and slices in place.
func schemaless(n any) any {
	switch x := n.(type) {
	case json.Number:
		if isIntegral(x) {
			return longValue(x)
		}
		return doubleValue(x)
	case []any:
		for i, e := range x {
			x[i] = schemaless(e)
		}
		return x
	case map[string]any:
		for k, e := range x {
			switch e.(type) {
			case json.Number, []any, map[string]any:
				x[k] = schemaless(e)
			}
		}
		return x
	}
	return n
}
