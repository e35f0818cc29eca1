package javacompat

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/connectless/connectless/core/connect"
)

// Encoder writes Connect data as JSON the way Kafka's JsonConverter and Jackson do. The zero
// value has JsonConverter's defaults: decimal.format=BASE64, replace.null.with.default=true,
// maps in Java HashMap order. Errors are *connect.DataError with Kafka's messages.
type Encoder struct {
	// DecimalNumeric writes Decimal values as JSON numbers (BigDecimal.toString), as
	// decimal.format=NUMERIC does, instead of base64 of the unscaled two's complement bytes.
	DecimalNumeric bool
	// KeepNull writes null for a null value whose schema has a default, as
	// replace.null.with.default=false does, instead of the default.
	KeepNull bool
	// InputOrder writes map keys in insertion order (an OrderedMap's) or sorted (a Go map's)
	// instead of Java HashMap order (Confluent's json.map.key.order=input).
	InputOrder bool
}

func dataErr(format string, args ...any) error {
	return &connect.DataError{Message: fmt.Sprintf(format, args...)}
}

// AppendConnect appends v with schema s as Kafka's JsonConverter.convertToJson writes it (the
// payload; the {"schema":...} envelope is the converter's). A nil s writes v by its inferred
// type, as JsonConverter does for schemaless data.
func (e Encoder) AppendConnect(b []byte, s *connect.Schema, v any) ([]byte, error) {
	if v == nil {
		switch {
		case s == nil, s.Optional && (s.Default == nil || e.KeepNull):
			return append(b, "null"...), nil
		case s.Default != nil && !e.KeepNull:
			return e.AppendConnect(b, s, s.Default)
		}
		return nil, dataErr("Conversion error: null value for field that is required and has no default value")
	}
	if s != nil && s.Name != "" {
		if out, ok, err := e.appendLogical(b, s, v); ok || err != nil {
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
			return AppendJSONFloat(b, x), nil
		}
	case connect.TypeFloat64:
		if x, ok := v.(float64); ok {
			return AppendJSONDouble(b, x), nil
		}
	case connect.TypeBoolean:
		if x, ok := v.(bool); ok {
			return strconv.AppendBool(b, x), nil
		}
	case connect.TypeString:
		if x, ok := v.(string); ok {
			return AppendString(b, x), nil
		}
	case connect.TypeBytes:
		if x, ok := v.([]byte); ok {
			return AppendBase64(b, x), nil
		}
		return nil, dataErr("Invalid type for bytes type: %s", connect.JavaClassName(v))
	case connect.TypeArray:
		l, ok := v.([]any)
		if !ok {
			break
		}
		var elem *connect.Schema
		if s != nil {
			elem = s.Value
		}
		b = append(b, '[')
		for i, el := range l {
			if i > 0 {
				b = append(b, ',')
			}
			if b, err = e.AppendConnect(b, elem, el); err != nil {
				return nil, err
			}
		}
		return append(b, ']'), nil
	case connect.TypeMap:
		if out, ok, err := e.appendMap(b, s, v); ok || err != nil {
			return out, err
		}
	case connect.TypeStruct:
		st, ok := v.(*connect.Struct)
		if !ok {
			break
		}
		if !st.Schema().Equal(s) {
			return nil, dataErr("Mismatching schema.")
		}
		b = append(b, '{')
		for i, f := range s.Fields {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(AppendString(b, f.Name), ':')
			fv, _ := st.GetWithoutDefault(f.Name)
			if b, err = e.AppendConnect(b, f.Schema, fv); err != nil {
				return nil, err
			}
		}
		return append(b, '}'), nil
	}
	st := "unknown schema"
	if s != nil {
		st = strings.ToUpper(string(s.Type))
	}
	return nil, dataErr("Invalid type for %s: %s", st, connect.JavaClassName(v))
}

// appendMap writes a MAP value: an object when the key schema is STRING (or, without a
// schema, when every key is a string), else an array of [key, value] pairs. ok is false when
// v is not a map.
func (e Encoder) appendMap(b []byte, s *connect.Schema, v any) (out []byte, ok bool, err error) {
	var keySchema, valueSchema *connect.Schema
	if s != nil {
		keySchema, valueSchema = s.Key, s.Value
	}
	switch m := v.(type) {
	case map[string]any:
		if s != nil && (keySchema == nil || keySchema.Type != connect.TypeString) {
			b = append(b, '[')
			for i, k := range e.stringKeys(m) {
				if i > 0 {
					b = append(b, ',')
				}
				b = append(b, '[')
				if b, err = e.AppendConnect(b, keySchema, k); err != nil {
					return nil, true, err
				}
				b = append(b, ',')
				if b, err = e.AppendConnect(b, valueSchema, m[k]); err != nil {
					return nil, true, err
				}
				b = append(b, ']')
			}
			return append(b, ']'), true, nil
		}
		b = append(b, '{')
		for i, k := range e.stringKeys(m) {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(AppendString(b, k), ':')
			if b, err = e.AppendConnect(b, valueSchema, m[k]); err != nil {
				return nil, true, err
			}
		}
		return append(b, '}'), true, nil
	case map[any]any:
		keys := e.anyKeys(m)
		objectMode := true
		if s == nil {
			for _, k := range keys {
				if _, isStr := k.(string); !isStr {
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
				ks, isStr := k.(string)
				if !isStr {
					kb, err := e.AppendConnect(nil, keySchema, k)
					if err != nil {
						return nil, true, err
					}
					ks = string(kb)
				}
				b = append(AppendString(b, ks), ':')
				if b, err = e.AppendConnect(b, valueSchema, m[k]); err != nil {
					return nil, true, err
				}
				continue
			}
			b = append(b, '[')
			if b, err = e.AppendConnect(b, keySchema, k); err != nil {
				return nil, true, err
			}
			b = append(b, ',')
			if b, err = e.AppendConnect(b, valueSchema, m[k]); err != nil {
				return nil, true, err
			}
			b = append(b, ']')
		}
		if objectMode {
			return append(b, '}'), true, nil
		}
		return append(b, ']'), true, nil
	}
	return b, false, nil
}

// appendLogical writes the logical types as JsonConverter's LOGICAL_CONVERTERS do; ok is
// false when s is not a logical type it knows.
func (e Encoder) appendLogical(b []byte, s *connect.Schema, v any) ([]byte, bool, error) {
	switch s.Name {
	case connect.DecimalName:
		d, ok := v.(connect.Decimal)
		if !ok {
			return nil, true, dataErr("Invalid type for Decimal, expected BigDecimal but was %s", connect.JavaClassName(v))
		}
		if e.DecimalNumeric {
			return append(b, d.JavaString()...), true, nil
		}
		scale, err := connect.DecimalScale(s)
		if err != nil {
			return nil, true, err
		}
		if d.Scale != scale {
			return nil, true, dataErr("BigDecimal has mismatching scale value for given Decimal schema")
		}
		return AppendBase64(b, d.Bytes()), true, nil
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
