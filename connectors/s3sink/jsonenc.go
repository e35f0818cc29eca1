package s3sink

import (
	"encoding/base64"
	"errors"
	"fmt"
	"math"
	"math/big"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/connectless/connectless/core/connect"
)

// ErrData is wrapped by errors about a record value that a format cannot write (Kafka's
// DataException). Such records go to the errant record reporter.
var ErrData = errors.New("data error")

// OrderedMap is a schemaless map that remembers its insertion order, as a JSON converter
// decoding a document may produce. When a value implements it, the JSON writer knows the
// order the keys were inserted into the Java HashMap Confluent's sink would hold, and so can
// reproduce Confluent's key order exactly; for a plain Go map, sorted key order stands in for
// the (lost) insertion order.
type OrderedMap interface {
	Keys() []string
	Get(key string) (any, bool)
}

// jsonWriter writes Connect values as Confluent's JsonFormat does (§2.6): a Struct through
// JsonConverter (schemas.enable=false), anything else through Jackson's ObjectMapper.
type jsonWriter struct {
	decimalNumeric bool // json.decimal.format=NUMERIC
	inputOrder     bool // json.map.key.order=input
}

// appendRecord appends one value as JSON (without the line terminator).
func (w jsonWriter) appendRecord(b []byte, schema *connect.Schema, v any) ([]byte, error) {
	if s, ok := v.(*connect.Struct); ok {
		return w.appendConnect(b, s.Schema(), v)
	}
	return w.appendJackson(b, v)
}

// appendConnect is JsonConverter.convertToJson with a schema.
func (w jsonWriter) appendConnect(b []byte, s *connect.Schema, v any) ([]byte, error) {
	if s == nil {
		return w.appendJackson(b, v)
	}
	if v == nil {
		if s.Default != nil {
			v = s.Default
		} else if s.Optional {
			return append(b, "null"...), nil
		} else {
			return nil, fmt.Errorf("%w: conversion error: null value for field that is required and has no default value", ErrData)
		}
	}
	switch s.Name {
	case connect.DecimalName:
		d, ok := v.(connect.Decimal)
		if !ok {
			return nil, fmt.Errorf("%w: invalid type for Decimal: %T", ErrData, v)
		}
		if sc := s.Parameters[connect.DecimalScaleParam]; sc != "" && sc != strconv.Itoa(int(d.Scale)) {
			return nil, fmt.Errorf("%w: decimal scale mismatch: schema %s, value %d", ErrData, sc, d.Scale)
		}
		if w.decimalNumeric {
			return append(b, bigDecimalString(d)...), nil
		}
		return appendJSONString(b, base64.StdEncoding.EncodeToString(twosComplement(d.Unscaled))), nil
	case connect.DateName, connect.TimeName, connect.TimestampName:
		t, ok := v.(time.Time)
		if !ok {
			return nil, fmt.Errorf("%w: invalid type for %s: %T", ErrData, s.Name, v)
		}
		ms := t.UnixMilli()
		switch s.Name {
		case connect.DateName:
			ms = int64(math.Floor(float64(ms) / 86400000))
		case connect.TimeName:
			ms = ((ms % 86400000) + 86400000) % 86400000
		}
		return strconv.AppendInt(b, ms, 10), nil
	}
	switch s.Type {
	case connect.TypeStruct:
		st, ok := v.(*connect.Struct)
		if !ok {
			return nil, fmt.Errorf("%w: invalid type for STRUCT: %T", ErrData, v)
		}
		if !st.Schema().Equal(s) {
			return nil, fmt.Errorf("%w: mismatching schema", ErrData)
		}
		b = append(b, '{')
		for i, f := range s.Fields {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendJSONString(b, f.Name)
			b = append(b, ':')
			fv, _ := st.Get(f.Name)
			var err error
			if b, err = w.appendConnect(b, f.Schema, fv); err != nil {
				return nil, fmt.Errorf("field %q: %w", f.Name, err)
			}
		}
		return append(b, '}'), nil
	case connect.TypeArray:
		arr, ok := v.([]any)
		if !ok {
			return nil, fmt.Errorf("%w: invalid type for ARRAY: %T", ErrData, v)
		}
		b = append(b, '[')
		for i, e := range arr {
			if i > 0 {
				b = append(b, ',')
			}
			var err error
			if b, err = w.appendConnect(b, s.Value, e); err != nil {
				return nil, err
			}
		}
		return append(b, ']'), nil
	case connect.TypeMap:
		m, ok := v.(map[any]any)
		if !ok {
			return nil, fmt.Errorf("%w: invalid type for MAP: %T", ErrData, v)
		}
		keys := make([]any, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		objectMode := s.Key != nil && s.Key.Type == connect.TypeString
		if objectMode {
			strs := make([]string, len(keys))
			for i, k := range keys {
				strs[i], _ = k.(string)
			}
			slices.Sort(strs)
			if !w.inputOrder {
				strs = javaHashMapOrder(strs)
			}
			b = append(b, '{')
			for i, k := range strs {
				if i > 0 {
					b = append(b, ',')
				}
				b = appendJSONString(b, k)
				b = append(b, ':')
				var err error
				if b, err = w.appendConnect(b, s.Value, m[k]); err != nil {
					return nil, err
				}
			}
			return append(b, '}'), nil
		}
		slices.SortFunc(keys, func(x, y any) int { return strings.Compare(fmt.Sprint(x), fmt.Sprint(y)) })
		b = append(b, '[')
		for i, k := range keys {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, '[')
			var err error
			if b, err = w.appendConnect(b, s.Key, k); err != nil {
				return nil, err
			}
			b = append(b, ',')
			if b, err = w.appendConnect(b, s.Value, m[k]); err != nil {
				return nil, err
			}
			b = append(b, ']')
		}
		return append(b, ']'), nil
	}
	return w.appendJackson(b, v)
}

// appendJackson is Jackson's ObjectMapper.writeValue for a schemaless Java object.
func (w jsonWriter) appendJackson(b []byte, v any) ([]byte, error) {
	switch x := v.(type) {
	case nil:
		return append(b, "null"...), nil
	case bool:
		return strconv.AppendBool(b, x), nil
	case int8:
		return strconv.AppendInt(b, int64(x), 10), nil
	case int16:
		return strconv.AppendInt(b, int64(x), 10), nil
	case int32:
		return strconv.AppendInt(b, int64(x), 10), nil
	case int64:
		return strconv.AppendInt(b, x, 10), nil
	case int:
		return strconv.AppendInt(b, int64(x), 10), nil
	case float32:
		return appendJavaFloat(b, float64(x), 32), nil
	case float64:
		return appendJavaFloat(b, x, 64), nil
	case string:
		return appendJSONString(b, x), nil
	case []byte:
		return appendJSONString(b, base64.StdEncoding.EncodeToString(x)), nil
	case connect.Decimal:
		return append(b, bigDecimalString(x)...), nil
	case time.Time:
		return strconv.AppendInt(b, x.UnixMilli(), 10), nil
	case *connect.Struct:
		return w.appendConnect(b, x.Schema(), x)
	case []any:
		b = append(b, '[')
		for i, e := range x {
			if i > 0 {
				b = append(b, ',')
			}
			var err error
			if b, err = w.appendJackson(b, e); err != nil {
				return nil, err
			}
		}
		return append(b, ']'), nil
	case OrderedMap:
		keys := x.Keys()
		if !w.inputOrder {
			keys = javaHashMapOrder(keys)
		}
		return w.appendObject(b, keys, func(k string) any { v, _ := x.Get(k); return v })
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		if !w.inputOrder {
			keys = javaHashMapOrder(keys)
		}
		return w.appendObject(b, keys, func(k string) any { return x[k] })
	case map[any]any:
		m := make(map[string]any, len(x))
		for k, e := range x {
			m[fmt.Sprint(k)] = e
		}
		return w.appendJackson(b, m)
	}
	return nil, fmt.Errorf("%w: Java class %T does not have corresponding schema type", ErrData, v)
}

func (w jsonWriter) appendObject(b []byte, keys []string, get func(string) any) ([]byte, error) {
	b = append(b, '{')
	for i, k := range keys {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSONString(b, k)
		b = append(b, ':')
		var err error
		if b, err = w.appendJackson(b, get(k)); err != nil {
			return nil, err
		}
	}
	return append(b, '}'), nil
}

const hexUpper = "0123456789ABCDEF"

// appendJSONString writes s with Jackson's escaping: short forms for \b \t \n \f \r, \u00XX
// (upper-case hex) for other control characters, everything else raw UTF-8.
func appendJSONString(b []byte, s string) []byte {
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

// appendJavaFloat writes Java's Double.toString (bits 64) or Float.toString (bits 32), with
// Jackson's quoted NaN and Infinity. Digits are the shortest that round-trip (JDK 19+).
func appendJavaFloat(b []byte, f float64, bits int) []byte {
	switch {
	case math.IsNaN(f):
		return append(b, `"NaN"`...)
	case math.IsInf(f, 1):
		return append(b, `"Infinity"`...)
	case math.IsInf(f, -1):
		return append(b, `"-Infinity"`...)
	}
	if f == 0 {
		if math.Signbit(f) {
			return append(b, "-0.0"...)
		}
		return append(b, "0.0"...)
	}
	e := strconv.FormatFloat(f, 'e', -1, bits) // -d.ddde±xx
	if !strings.Contains(e, ".") {
		// Java prints at least two significant digits, choosing the closest two (4.9E-324).
		if two := strconv.FormatFloat(f, 'e', 1, bits); !strings.Contains(two, ".0e") {
			e = two
		}
	}
	neg := e[0] == '-'
	if neg {
		e = e[1:]
		b = append(b, '-')
	}
	mant, expStr, _ := strings.Cut(e, "e")
	exp, _ := strconv.Atoi(expStr)
	digits := strings.Replace(mant, ".", "", 1)
	abs := math.Abs(f)
	if abs >= 1e-3 && abs < 1e7 {
		if exp >= 0 {
			intPart := digits
			frac := ""
			if len(digits) > exp+1 {
				intPart, frac = digits[:exp+1], digits[exp+1:]
			} else {
				intPart += strings.Repeat("0", exp+1-len(digits))
			}
			if frac == "" {
				frac = "0"
			}
			return append(b, intPart+"."+frac...)
		}
		return append(b, "0."+strings.Repeat("0", -exp-1)+digits...)
	}
	frac := digits[1:]
	if frac == "" {
		frac = "0"
	}
	return append(b, digits[:1]+"."+frac+"E"+strconv.Itoa(exp)...)
}

// bigDecimalString is Java's BigDecimal.toString.
func bigDecimalString(d connect.Decimal) string {
	u := d.Unscaled
	if u == nil {
		u = new(big.Int)
	}
	digits := new(big.Int).Abs(u).String()
	sign := ""
	if u.Sign() < 0 {
		sign = "-"
	}
	scale := int(d.Scale)
	if scale == 0 {
		return sign + digits
	}
	adjusted := -scale + len(digits) - 1
	if scale > 0 && adjusted >= -6 {
		if len(digits) > scale {
			return sign + digits[:len(digits)-scale] + "." + digits[len(digits)-scale:]
		}
		return sign + "0." + strings.Repeat("0", scale-len(digits)) + digits
	}
	s := sign + digits[:1]
	if len(digits) > 1 {
		s += "." + digits[1:]
	}
	s += "E"
	if adjusted >= 0 {
		s += "+"
	}
	return s + strconv.Itoa(adjusted)
}

// twosComplement is Java's BigInteger.toByteArray: minimal big-endian two's complement.
func twosComplement(n *big.Int) []byte {
	if n == nil || n.Sign() == 0 {
		return []byte{0}
	}
	if n.Sign() > 0 {
		b := n.Bytes()
		if b[0]&0x80 != 0 {
			b = append([]byte{0}, b...)
		}
		return b
	}
	// Negative: 2^(8k) + n for the smallest k that keeps the sign bit set.
	k := (n.BitLen() + 8) / 8
	m := new(big.Int).Lsh(big.NewInt(1), uint(8*k))
	m.Add(m, n)
	b := m.Bytes()
	for len(b) < k {
		b = append([]byte{0xFF}, b...)
	}
	for len(b) > 1 && b[0] == 0xFF && b[1]&0x80 != 0 {
		b = b[1:]
	}
	return b
}
