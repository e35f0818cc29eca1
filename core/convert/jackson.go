package convert

import (
	"encoding/base64"
	"fmt"
	"math"
	"slices"
	"strconv"
	"time"

	"github.com/connectless/connectless/core/connect"
)

const hexUpper = "0123456789ABCDEF"

// AppendJSONString appends s as a JSON string literal with Jackson's escaping: `"` and `\`
// escaped, \b \t \n \f \r short forms, other control characters as \u00XX (upper-case hex),
// everything else (including '/', U+007F, U+2028 and non-ASCII) written raw.
func AppendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' {
			continue
		}
		b = append(b, s[start:i]...)
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
			b = append(b, '\\', 'u', '0', '0', hexUpper[c>>4], hexUpper[c&0xf])
		}
		start = i + 1
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// appendDouble writes a double as Jackson does: Double.toString, NaN and infinities quoted.
func appendDouble(b []byte, f float64) []byte {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return append(append(append(b, '"'), connect.FormatDouble(f)...), '"')
	}
	return append(b, connect.FormatDouble(f)...)
}

func appendFloat(b []byte, f float32) []byte {
	if math.IsNaN(float64(f)) || math.IsInf(float64(f), 0) {
		return append(append(append(b, '"'), connect.FormatFloat(f)...), '"')
	}
	return append(b, connect.FormatFloat(f)...)
}

func appendBase64(b []byte, p []byte) []byte {
	b = append(b, '"')
	b = base64.StdEncoding.AppendEncode(b, p)
	return append(b, '"')
}

// javaHash returns Java's hashCode for the boxed form of a map key, spread as HashMap does.
func javaHash(k any) uint32 {
	var h int32
	switch x := k.(type) {
	case string:
		h = JavaStringHash(x)
	case int8:
		h = int32(x)
	case int16:
		h = int32(x)
	case int32:
		h = x
	case int:
		h = int32(int64(x) ^ int64(uint64(x)>>32))
	case int64:
		h = int32(x ^ int64(uint64(x)>>32))
	case bool:
		h = 1237
		if x {
			h = 1231
		}
	case float64:
		u := math.Float64bits(x)
		h = int32(u ^ u>>32)
	case float32:
		h = int32(math.Float32bits(x))
	}
	return javaSpread(h)
}

// orderedAnyKeys returns the keys of a map with any keys in the iteration order of a Java
// HashMap filled in sorted order (the Go map's own order being unknown).
func orderedAnyKeys(m map[any]any) []any {
	keys := make([]any, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b any) int {
		sa, sb := fmt.Sprint(a), fmt.Sprint(b)
		if sa < sb {
			return -1
		} else if sa > sb {
			return 1
		}
		return 0
	})
	var hm javaHashMap
	byID := make(map[string]any, len(keys))
	for i, k := range keys {
		id := strconv.Itoa(i)
		byID[id] = k
		hm.putHashed(id, javaHash(k))
	}
	out := make([]any, 0, len(keys))
	for _, id := range hm.keys() {
		out = append(out, byID[id])
	}
	return out
}

// orderedStringKeys returns the keys of a string-keyed map in Java HashMap order (keys
// inserted in sorted order).
func orderedStringKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	return sortedHashMapOrder(keys)
}

// AppendJackson appends a schemaless value as Jackson's ObjectMapper.writeValue writes the
// equivalent Java object (the S3 sink's JsonFormat for non-Struct values): maps in Java
// HashMap order (keys inserted in sorted order, since a Go map keeps no insertion order),
// []byte as base64, time.Time as epoch millis, Decimal as BigDecimal.toString, floats as
// Java prints them. A *connect.Struct is an error: write it with a JSONConverter.
func AppendJackson(b []byte, v any) ([]byte, error) {
	switch x := v.(type) {
	case connect.Decimal:
		return append(b, x.JavaString()...), nil
	case time.Time:
		return strconv.AppendInt(b, x.UnixMilli(), 10), nil
	case *connect.Struct:
		return nil, &connect.DataError{Message: "Struct values are written with a JsonConverter, not Jackson"}
	}
	return appendSchemaless(b, v, AppendJackson)
}

// appendSchemaless writes the JSON-like Go values; nested values go through rec so a caller
// can handle extra types.
func appendSchemaless(b []byte, v any, rec func([]byte, any) ([]byte, error)) ([]byte, error) {
	var err error
	switch x := v.(type) {
	case nil:
		return append(b, "null"...), nil
	case string:
		return AppendJSONString(b, x), nil
	case bool:
		return strconv.AppendBool(b, x), nil
	case int8:
		return strconv.AppendInt(b, int64(x), 10), nil
	case int16:
		return strconv.AppendInt(b, int64(x), 10), nil
	case int32:
		return strconv.AppendInt(b, int64(x), 10), nil
	case int:
		return strconv.AppendInt(b, int64(x), 10), nil
	case int64:
		return strconv.AppendInt(b, x, 10), nil
	case float32:
		return appendFloat(b, x), nil
	case float64:
		return appendDouble(b, x), nil
	case []byte:
		return appendBase64(b, x), nil
	case []any:
		b = append(b, '[')
		for i, e := range x {
			if i > 0 {
				b = append(b, ',')
			}
			if b, err = rec(b, e); err != nil {
				return nil, err
			}
		}
		return append(b, ']'), nil
	case map[string]any:
		b = append(b, '{')
		for i, k := range orderedStringKeys(x) {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(AppendJSONString(b, k), ':')
			if b, err = rec(b, x[k]); err != nil {
				return nil, err
			}
		}
		return append(b, '}'), nil
	case map[any]any:
		b = append(b, '{')
		for i, k := range orderedAnyKeys(x) {
			if i > 0 {
				b = append(b, ',')
			}
			ks, ok := k.(string)
			if !ok {
				ks = connect.JavaString(k)
			}
			b = append(AppendJSONString(b, ks), ':')
			if b, err = rec(b, x[k]); err != nil {
				return nil, err
			}
		}
		return append(b, '}'), nil
	}
	return nil, &connect.DataError{Message: "Java class " + connect.JavaClassName(v) + " does not have corresponding schema type."}
}
