package javacompat

import (
	"encoding/base64"
	"slices"
	"strconv"
	"time"

	"github.com/connectless/connectless/core/connect"
)

const hexUpper = "0123456789ABCDEF"

// AppendString appends s as a JSON string literal with Jackson's escaping: `"` and `\`
// escaped, \b \t \n \f \r in short form, other control characters as \u00XX (upper-case hex),
// everything else (including '/', U+007F, U+2028 and non-ASCII) written raw.
func AppendString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0 // bytes from start up to i need no escape and are copied in one append
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' {
			continue
		}
		b = append(b, s[start:i]...)
		start = i + 1
		switch c {
		case '"':
			b = append(b, '\\', '"')
		case '\\':
			b = append(b, '\\', '\\')
		case '\b':
			b = append(b, '\\', 'b')
		case '\t':
			b = append(b, '\\', 't')
		case '\n':
			b = append(b, '\\', 'n')
		case '\f':
			b = append(b, '\\', 'f')
		case '\r':
			b = append(b, '\\', 'r')
		default:
			b = append(b, '\\', 'u', '0', '0', hexUpper[c>>4], hexUpper[c&0xF])
		}
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// NeedsEscape reports whether AppendString escapes the byte c.
func NeedsEscape(c byte) bool { return c < 0x20 || c == '"' || c == '\\' }

// AppendBase64 appends p as Jackson writes a byte[]: a string of standard, padded base64.
func AppendBase64(b []byte, p []byte) []byte {
	b = append(b, '"')
	b = base64.StdEncoding.AppendEncode(b, p)
	return append(b, '"')
}

// OrderedMap is a schemaless map that remembers its insertion order, as a JSON decoder may
// produce. The Encoder writes it in the order of the Java HashMap filled in that order, which
// is the order Kafka's or Confluent's code would write; a plain Go map, whose insertion order
// is lost, is taken as filled in sorted key order.
type OrderedMap interface {
	Keys() []string
	Get(key string) (any, bool)
}

// AppendJackson appends v as Jackson's ObjectMapper.writeValue writes the equivalent Java
// object (what Confluent's JsonFormat does for a value that is not a Struct): maps in Java
// HashMap order, []byte as base64, time.Time as epoch milliseconds, Decimal as
// BigDecimal.toString, floats as Java prints them (NaN quoted). A Struct, even nested, is
// written by AppendConnect with its own schema. A value of no Connect type is a
// *connect.DataError.
func (e Encoder) AppendJackson(b []byte, v any) ([]byte, error) {
	var err error
	switch x := v.(type) {
	case nil:
		return append(b, "null"...), nil
	case string:
		return AppendString(b, x), nil
	case bool, int8, int16, int32, int, int64:
		return appendIntegral(b, x), nil
	case float32:
		return AppendJSONFloat(b, x), nil
	case float64:
		return AppendJSONDouble(b, x), nil
	case []byte:
		return AppendBase64(b, x), nil
	case connect.Decimal:
		return append(b, x.JavaString()...), nil
	case time.Time:
		return strconv.AppendInt(b, x.UnixMilli(), 10), nil
	case *connect.Struct:
		if x == nil {
			return append(b, "null"...), nil
		}
		return e.AppendConnect(b, x.Schema(), x)
	case []any:
		b = append(b, '[')
		for i, el := range x {
			if i > 0 {
				b = append(b, ',')
			}
			if b, err = e.AppendJackson(b, el); err != nil {
				return nil, err
			}
		}
		return append(b, ']'), nil
	case map[string]any:
		b = append(b, '{')
		for i, k := range e.stringKeys(x) {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(AppendString(b, k), ':')
			if b, err = e.AppendJackson(b, x[k]); err != nil {
				return nil, err
			}
		}
		return append(b, '}'), nil
	case OrderedMap:
		keys := x.Keys()
		if !e.InputOrder {
			keys = HashMapOrder(keys)
		}
		b = append(b, '{')
		for i, k := range keys {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(AppendString(b, k), ':')
			el, _ := x.Get(k)
			if b, err = e.AppendJackson(b, el); err != nil {
				return nil, err
			}
		}
		return append(b, '}'), nil
	case map[any]any:
		b = append(b, '{')
		for i, k := range e.anyKeys(x) {
			if i > 0 {
				b = append(b, ',')
			}
			ks, ok := k.(string)
			if !ok {
				ks = ToString(k) // Jackson writes a key's toString
			}
			b = append(AppendString(b, ks), ':')
			if b, err = e.AppendJackson(b, x[k]); err != nil {
				return nil, err
			}
		}
		return append(b, '}'), nil
	}
	return nil, &connect.DataError{Message: "Java class " + connect.JavaClassName(v) + " does not have corresponding schema type."}
}

// stringKeys returns the keys of m in the order the encoder writes them.
func (e Encoder) stringKeys(m map[string]any) []string {
	if !e.InputOrder {
		return OrderedKeys(m)
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// anyKeys returns the keys of m in the order the encoder writes them.
func (e Encoder) anyKeys(m map[any]any) []any {
	if !e.InputOrder {
		return OrderedAnyKeys(m)
	}
	return sortedAnyKeys(m)
}

// appendIntegral appends a boolean or an integer of Connect data as Java prints it; v must be
// one of those.
func appendIntegral(b []byte, v any) []byte {
	switch x := v.(type) {
	case bool:
		return strconv.AppendBool(b, x)
	case int8:
		return strconv.AppendInt(b, int64(x), 10)
	case int16:
		return strconv.AppendInt(b, int64(x), 10)
	case int32:
		return strconv.AppendInt(b, int64(x), 10)
	case int:
		return strconv.AppendInt(b, int64(x), 10)
	}
	return strconv.AppendInt(b, v.(int64), 10)
}
