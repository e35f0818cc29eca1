package jsonschemaconv

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/big"
	"strings"
	"time"

	"github.com/connectless/connectless/core/connect"
	"github.com/connectless/connectless/core/connect/javacompat"
	"github.com/connectless/connectless/core/connect/jsonvalue"
)

// ErrData is returned (wrapped) for a value that does not fit its schema.
var ErrData = errors.New("json schema data conversion")

// toJSON converts a Connect value to JSON, as JsonSchemaData.fromConnectData: bytes as
// base64, Decimal as a number, Date as days, Time and Timestamp as milliseconds, maps with
// non-string keys as arrays of {"key", "value"} objects; a null takes the schema's default.
func toJSON(s *connect.Schema, v any) (any, error) {
	w := jsonvalue.Writer{
		Err:           ErrData,
		NullAsDefault: true,
		Decimal:       func(d connect.Decimal) any { return json.Number(d.String()) },
		Bytes:         func(p []byte) any { return base64.StdEncoding.EncodeToString(p) },
		Float:         func(v any) any { return v },
		Entry: func(k, v any) any {
			var entry javacompat.Object
			entry.Add("key", k)
			entry.Add("value", v)
			return entry
		},
	}
	return w.Value(s, v)
}

// fromJSON converts decoded JSON (numbers as json.Number) to a value of s.
func fromJSON(s *connect.Schema, j any) (any, error) {
	if j == nil {
		return nil, nil
	}
	bad := func() (any, error) {
		return nil, fmt.Errorf("%w: JSON %v does not fit Connect type %s", ErrData, j, s.Type)
	}
	num, isNum := j.(json.Number)
	switch s.Name {
	case connect.DecimalName:
		var text string
		switch x := j.(type) {
		case json.Number:
			text = string(x)
		case string:
			text = x
		default:
			return bad()
		}
		scale, err := connect.DecimalScale(s)
		if err != nil {
			return nil, fmt.Errorf("%w: %w", ErrData, err)
		}
		return parseDecimal(text, scale)
	case connect.DateName, connect.TimeName, connect.TimestampName:
		if !isNum {
			return bad()
		}
		n, err := num.Int64()
		if err != nil {
			return bad()
		}
		switch s.Name {
		case connect.DateName:
			return connect.DaysToDate(int32(n)), nil
		case connect.TimeName:
			return connect.MillisToTime(int32(n))
		}
		return time.UnixMilli(n).UTC(), nil
	}
	switch s.Type {
	case connect.TypeInt8, connect.TypeInt16, connect.TypeInt32, connect.TypeInt64:
		if !isNum {
			return bad()
		}
		n, err := num.Int64()
		if err != nil {
			return bad()
		}
		switch s.Type {
		case connect.TypeInt8:
			if n < math.MinInt8 || n > math.MaxInt8 {
				return bad()
			}
			return int8(n), nil
		case connect.TypeInt16:
			if n < math.MinInt16 || n > math.MaxInt16 {
				return bad()
			}
			return int16(n), nil
		case connect.TypeInt32:
			if n < math.MinInt32 || n > math.MaxInt32 {
				return bad()
			}
			return int32(n), nil
		}
		return n, nil
	case connect.TypeFloat32, connect.TypeFloat64:
		if !isNum {
			return bad()
		}
		f, err := num.Float64()
		if err != nil {
			return bad()
		}
		if s.Type == connect.TypeFloat32 {
			return float32(f), nil
		}
		return f, nil
	case connect.TypeBoolean:
		if b, ok := j.(bool); ok {
			return b, nil
		}
	case connect.TypeString:
		if str, ok := j.(string); ok {
			return str, nil
		}
	case connect.TypeBytes:
		str, ok := j.(string)
		if !ok {
			return bad()
		}
		b, err := base64.StdEncoding.DecodeString(str)
		if err != nil {
			return nil, fmt.Errorf("%w: bytes are not base64: %w", ErrData, err)
		}
		return b, nil
	case connect.TypeArray:
		arr, ok := j.([]any)
		if !ok {
			return bad()
		}
		out := make([]any, len(arr))
		for i, e := range arr {
			v, err := fromJSON(s.Value, e)
			if err != nil {
				return nil, err
			}
			out[i] = v
		}
		return out, nil
	case connect.TypeMap:
		out := map[any]any{}
		switch x := j.(type) {
		case map[string]any:
			for k, e := range x {
				v, err := fromJSON(s.Value, e)
				if err != nil {
					return nil, err
				}
				out[k] = v
			}
			return out, nil
		case []any:
			for _, e := range x {
				m, ok := e.(map[string]any)
				if !ok {
					return bad()
				}
				k, err := fromJSON(s.Key, m["key"])
				if err != nil {
					return nil, err
				}
				v, err := fromJSON(s.Value, m["value"])
				if err != nil {
					return nil, err
				}
				out[k] = v
			}
			return out, nil
		}
	case connect.TypeStruct:
		m, ok := j.(map[string]any)
		if !ok {
			return bad()
		}
		st := connect.NewStruct(s)
		for _, f := range s.Fields {
			v, err := fromJSON(f.Schema, m[f.Name])
			if err != nil {
				return nil, fmt.Errorf("field %q: %w", f.Name, err)
			}
			if v != nil {
				st.MustPut(f.Name, v)
			}
		}
		return st, nil
	}
	return bad()
}

// parseDecimal reads a JSON number as a Decimal of the given scale, exactly.
func parseDecimal(text string, scale int32) (connect.Decimal, error) {
	r, ok := new(big.Rat).SetString(strings.TrimSpace(text))
	if !ok {
		return connect.Decimal{}, fmt.Errorf("%w: %q is not a decimal number", ErrData, text)
	}
	d, ok := connect.DecimalFromRat(r, scale)
	if !ok {
		return connect.Decimal{}, fmt.Errorf("%w: %s has more than %d decimal places", ErrData, text, scale)
	}
	return d, nil
}
