package javacompat

import (
	"time"

	"github.com/connectless/connectless/core/connect"
)

// ToString renders a Connect value as Java's String.valueOf does: Struct{a=1,b=x} (null
// fields left out), [a, b], {k=v} (HashMap order), 1.0E10, BigDecimal.toString and
// java.util.Date.toString in UTC. A []byte is rendered as its UTF-8 text (Java would print an
// identity hash); a value of no Connect type as connect.JavaString renders it.
func ToString(v any) string {
	b, err := AppendToString(nil, v)
	if err != nil {
		return connect.JavaString(v)
	}
	return string(b)
}

// AppendToString appends ToString(v), or returns a *connect.DataError when v or a value in it
// is of no Connect type.
func AppendToString(b []byte, v any) ([]byte, error) {
	var err error
	switch x := v.(type) {
	case nil:
		return append(b, "null"...), nil
	case string:
		return append(b, x...), nil
	case []byte:
		return append(b, x...), nil
	case bool, int8, int16, int32, int, int64:
		return appendIntegral(b, x), nil
	case float32:
		return AppendFloat(b, x), nil
	case float64:
		return AppendDouble(b, x), nil
	case connect.Decimal:
		return append(b, x.JavaString()...), nil
	case time.Time:
		return x.UTC().AppendFormat(b, "Mon Jan 02 15:04:05 UTC 2006"), nil
	case *connect.Struct:
		if x == nil {
			return append(b, "null"...), nil
		}
		b = append(b, "Struct{"...)
		first := true
		for _, f := range x.Schema().Fields {
			fv, _ := x.GetWithoutDefault(f.Name)
			if fv == nil {
				continue
			}
			if !first {
				b = append(b, ',')
			}
			first = false
			b = append(append(b, f.Name...), '=')
			if b, err = AppendToString(b, fv); err != nil {
				return nil, err
			}
		}
		return append(b, '}'), nil
	case []any:
		b = append(b, '[')
		for i, e := range x {
			if i > 0 {
				b = append(b, ", "...)
			}
			if b, err = AppendToString(b, e); err != nil {
				return nil, err
			}
		}
		return append(b, ']'), nil
	case map[string]any:
		b = append(b, '{')
		for i, k := range OrderedKeys(x) {
			if i > 0 {
				b = append(b, ", "...)
			}
			b = append(append(b, k...), '=')
			if b, err = AppendToString(b, x[k]); err != nil {
				return nil, err
			}
		}
		return append(b, '}'), nil
	case map[any]any:
		b = append(b, '{')
		for i, k := range OrderedAnyKeys(x) {
			if i > 0 {
				b = append(b, ", "...)
			}
			if b, err = AppendToString(b, k); err != nil {
				return nil, err
			}
			b = append(b, '=')
			if b, err = AppendToString(b, x[k]); err != nil {
				return nil, err
			}
		}
		return append(b, '}'), nil
	}
	return nil, &connect.DataError{Message: "Java class " + connect.JavaClassName(v) + " does not have corresponding schema type."}
}
