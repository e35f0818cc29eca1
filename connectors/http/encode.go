package http

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
	"time"

	"github.com/connectless/connectless/core/connect"
)

// ErrUnencodable is reported (through the errant record reporter) for a record whose value
// cannot be sent as JSON.
var ErrUnencodable = errors.New("value cannot be sent as JSON")

// appendDocument appends a record value as one JSON document. Strings and bytes must already
// hold JSON and are copied as they are (compacted, so NDJSON stays one line).
func appendDocument(b []byte, v any) ([]byte, error) {
	var raw []byte
	switch x := v.(type) {
	case string:
		raw = []byte(x)
	case []byte:
		raw = x
	default:
		return appendJSON(b, v)
	}
	if !json.Valid(raw) {
		return b, fmt.Errorf("%w: a string or bytes value must hold a JSON document", ErrUnencodable)
	}
	start := len(b)
	buf := bytes.NewBuffer(b)
	if err := json.Compact(buf, raw); err != nil {
		return b[:start], fmt.Errorf("%w: %w", ErrUnencodable, err)
	}
	return buf.Bytes(), nil
}

// appendString appends s as a JSON string.
func appendString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c == '"' || c == '\\' || c >= 0x80 {
			q, _ := json.Marshal(s) // a string always marshals
			return append(b, q...)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}

// appendJSON appends Connect data as JSON: structs as objects in field order, maps as objects
// (sorted keys, which must be strings), decimals as numbers, times as RFC 3339 strings,
// nested bytes as base64 (as Kafka's JsonConverter).
func appendJSON(b []byte, v any) ([]byte, error) {
	switch x := v.(type) {
	case nil:
		return append(b, "null"...), nil
	case string:
		return appendString(b, x), nil
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
		return appendFloat(b, float64(x), 32)
	case float64:
		return appendFloat(b, x, 64)
	case []byte:
		b = append(b, '"')
		b = base64.StdEncoding.AppendEncode(b, x)
		return append(b, '"'), nil
	case connect.Decimal:
		return append(b, x.String()...), nil
	case time.Time:
		b = append(b, '"')
		b = x.UTC().AppendFormat(b, "2006-01-02T15:04:05.000Z07:00")
		return append(b, '"'), nil
	case *connect.Struct:
		if x == nil {
			return append(b, "null"...), nil
		}
		b = append(b, '{')
		for i, f := range x.Schema().Fields {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendString(b, f.Name)
			b = append(b, ':')
			fv, _ := x.Get(f.Name)
			var err error
			if b, err = appendJSON(b, fv); err != nil {
				return b, fmt.Errorf("field %s: %w", f.Name, err)
			}
		}
		return append(b, '}'), nil
	case []any:
		b = append(b, '[')
		for i, e := range x {
			if i > 0 {
				b = append(b, ',')
			}
			var err error
			if b, err = appendJSON(b, e); err != nil {
				return b, err
			}
		}
		return append(b, ']'), nil
	case map[string]any:
		b = append(b, '{')
		for i, k := range slices.Sorted(maps.Keys(x)) {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendString(b, k)
			b = append(b, ':')
			var err error
			if b, err = appendJSON(b, x[k]); err != nil {
				return b, fmt.Errorf("key %s: %w", k, err)
			}
		}
		return append(b, '}'), nil
	case map[any]any:
		m := make(map[string]any, len(x))
		for k, e := range x {
			ks, ok := k.(string)
			if !ok {
				return b, fmt.Errorf("%w: map key %v of type %T is not a string", ErrUnencodable, k, k)
			}
			m[ks] = e
		}
		return appendJSON(b, m)
	default:
		return b, fmt.Errorf("%w: values of type %T are not supported", ErrUnencodable, v)
	}
}

func appendFloat(b []byte, f float64, bits int) ([]byte, error) {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return b, fmt.Errorf("%w: %v has no JSON form", ErrUnencodable, f)
	}
	return strconv.AppendFloat(b, f, 'g', -1, bits), nil
}
