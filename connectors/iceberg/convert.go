package iceberg

import (
	"encoding/json"
	"fmt"
	"math"
	"math/big"
	"strconv"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	ice "github.com/apache/iceberg-go"

	"github.com/connectless/connectless/core/connect"
)

// mapEntry is one converted map entry.
type mapEntry struct{ k, v any }

// convertStruct converts a struct value (a *connect.Struct or a JSON object) to one entry per
// field of st, in field order. Converted values: bool, int32, int64, float32, float64,
// string, []byte, date as int32 days, time and timestamps as int64 microseconds,
// decimal128.Num, []any for lists and structs, and []mapEntry for maps; nil for null. A
// struct converted before its schema evolved is shorter: the missing fields (optional ones,
// added at the end) are written as null.
// Fields without a column are left out, as the Apache sink does; a missing or null value of a
// required column is an error.
func convertStruct(v any, st *ice.StructType) ([]any, error) {
	get, err := fieldGetter(v)
	if err != nil {
		return nil, err
	}
	out := make([]any, len(st.FieldList))
	for i, f := range st.FieldList {
		fv, ok := get(f.Name)
		if !ok || fv == nil {
			if f.Required {
				return nil, fmt.Errorf("%w: required column %s has no value", ErrSchema, f.Name)
			}
			continue
		}
		if out[i], err = convertValue(fv, f.Type); err != nil {
			return nil, fmt.Errorf("column %s: %w", f.Name, err)
		}
	}
	return out, nil
}

func fieldGetter(v any) (func(string) (any, bool), error) {
	switch x := v.(type) {
	case *connect.Struct:
		return x.Get, nil
	case map[string]any:
		return func(k string) (any, bool) { fv, ok := x[k]; return fv, ok }, nil
	case map[any]any:
		return func(k string) (any, bool) { fv, ok := x[k]; return fv, ok }, nil
	}
	return nil, fmt.Errorf("%w: %T is not a struct", ErrSchema, v)
}

func mismatch(v any, t ice.Type) error {
	s := fmt.Sprint(v)
	if len(s) > 40 {
		s = s[:40] + "…"
	}
	return fmt.Errorf("%w: %T value %q does not fit type %s", ErrSchema, v, s, t)
}

// convertValue converts one non-null value to the Go form of its column type (see row).
func convertValue(v any, t ice.Type) (any, error) {
	switch tt := t.(type) {
	case ice.BooleanType:
		if b, ok := v.(bool); ok {
			return b, nil
		}
	case ice.Int32Type:
		if n, ok := asInt(v); ok && n >= math.MinInt32 && n <= math.MaxInt32 {
			return int32(n), nil
		}
	case ice.Int64Type:
		if n, ok := asInt(v); ok {
			return n, nil
		}
	case ice.Float32Type:
		if f, ok := asFloat(v); ok {
			return float32(f), nil
		}
	case ice.Float64Type:
		if f, ok := asFloat(v); ok {
			return f, nil
		}
	case ice.StringType:
		return asString(v)
	case ice.BinaryType:
		if b, ok := v.([]byte); ok {
			return b, nil
		}
	case ice.DecimalType:
		return asDecimal(v, tt)
	case ice.DateType:
		switch x := v.(type) {
		case time.Time:
			return int32(x.UTC().Unix() / 86400), nil
		case string:
			if d, err := time.Parse(time.DateOnly, x); err == nil {
				return int32(d.Unix() / 86400), nil
			}
		}
		if n, ok := asInt(v); ok {
			return int32(n), nil
		}
	case ice.TimeType:
		if x, ok := v.(time.Time); ok {
			h, m, s := x.UTC().Clock()
			return (int64(h)*3600+int64(m)*60+int64(s))*1e6 + int64(x.Nanosecond()/1000), nil
		}
	case ice.TimestampTzType, ice.TimestampType:
		switch x := v.(type) {
		case time.Time:
			return x.UnixMicro(), nil
		case string:
			if ts, err := time.Parse(time.RFC3339Nano, x); err == nil {
				return ts.UnixMicro(), nil
			}
		}
		if n, ok := asInt(v); ok { // epoch milliseconds, as the Apache sink reads numbers
			return n * 1000, nil
		}
	case *ice.ListType:
		l, ok := v.([]any)
		if !ok {
			break
		}
		out := make([]any, len(l))
		for i, e := range l {
			if e == nil {
				if tt.ElementRequired {
					return nil, fmt.Errorf("%w: null list element", ErrSchema)
				}
				continue
			}
			var err error
			if out[i], err = convertValue(e, tt.Element); err != nil {
				return nil, err
			}
		}
		return out, nil
	case *ice.MapType:
		return convertMap(v, tt)
	case *ice.StructType:
		return convertStruct(v, tt)
	}
	return nil, mismatch(v, t)
}

func convertMap(v any, t *ice.MapType) (any, error) {
	var out []mapEntry
	add := func(k, val any) error {
		ck, err := convertValue(k, t.KeyType)
		if err != nil {
			return err
		}
		var cv any
		if val != nil {
			if cv, err = convertValue(val, t.ValueType); err != nil {
				return err
			}
		} else if t.ValueRequired {
			return fmt.Errorf("%w: null map value", ErrSchema)
		}
		out = append(out, mapEntry{ck, cv})
		return nil
	}
	switch m := v.(type) {
	case map[any]any:
		for k, val := range m {
			if err := add(k, val); err != nil {
				return nil, err
			}
		}
	case map[string]any:
		for k, val := range m {
			if err := add(k, val); err != nil {
				return nil, err
			}
		}
	default:
		return nil, mismatch(v, t)
	}
	return out, nil
}

func asInt(v any) (int64, bool) {
	switch x := v.(type) {
	case int:
		return int64(x), true
	case int8:
		return int64(x), true
	case int16:
		return int64(x), true
	case int32:
		return int64(x), true
	case int64:
		return x, true
	case float64:
		if x == math.Trunc(x) && math.Abs(x) < 1<<63 {
			return int64(x), true
		}
	case json.Number:
		n, err := x.Int64()
		return n, err == nil
	}
	return 0, false
}

func asFloat(v any) (float64, bool) {
	switch x := v.(type) {
	case float32:
		return float64(x), true
	case float64:
		return x, true
	case json.Number:
		f, err := x.Float64()
		return f, err == nil
	}
	if n, ok := asInt(v); ok {
		return float64(n), true
	}
	return 0, false
}

// asString converts as the Apache sink's RecordConverter does: strings as they are, numbers
// and booleans in their text form, maps, lists and structs as JSON.
func asString(v any) (any, error) {
	switch x := v.(type) {
	case string:
		return x, nil
	case bool:
		return strconv.FormatBool(x), nil
	case int, int8, int16, int32, int64, float32, float64, json.Number:
		return fmt.Sprint(x), nil
	case connect.Decimal:
		return x.String(), nil
	case map[string]any, []any:
		b, err := json.Marshal(x)
		if err != nil {
			return nil, fmt.Errorf("%w: %w", ErrSchema, err)
		}
		return string(b), nil
	}
	return nil, mismatch(v, ice.PrimitiveTypes.String)
}

func asDecimal(v any, t ice.DecimalType) (any, error) {
	var r *big.Rat
	switch x := v.(type) {
	case connect.Decimal:
		if x.Unscaled == nil {
			return decimal128.Num{}, nil
		}
		r = new(big.Rat).SetFrac(x.Unscaled, new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(max(x.Scale, 0))), nil))
	case float64:
		r = new(big.Rat)
		if r.SetFloat64(x) == nil {
			return nil, mismatch(v, t)
		}
	case string:
		var ok bool
		if r, ok = new(big.Rat).SetString(x); !ok {
			return nil, mismatch(v, t)
		}
	default:
		n, ok := asInt(v)
		if !ok {
			return nil, mismatch(v, t)
		}
		r = new(big.Rat).SetInt64(n)
	}
	scaled := new(big.Rat).Mul(r, new(big.Rat).SetInt(new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(t.Scale())), nil)))
	if !scaled.IsInt() {
		return nil, fmt.Errorf("%w: %s has more than %d decimal places", ErrSchema, r.FloatString(10), t.Scale())
	}
	n := scaled.Num()
	if n.CmpAbs(new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(t.Precision())), nil)) >= 0 {
		return nil, fmt.Errorf("%w: %s exceeds decimal(%d, %d)", ErrSchema, r.FloatString(t.Scale()), t.Precision(), t.Scale())
	}
	return decimal128.FromBigInt(n), nil
}

// appendValue appends a converted value (nil for null) to an Arrow builder of the column's
// Arrow type.
func appendValue(b array.Builder, v any) error {
	if v == nil {
		b.AppendNull()
		return nil
	}
	switch bb := b.(type) {
	case *array.BooleanBuilder:
		bb.Append(v.(bool))
	case *array.Int32Builder:
		bb.Append(v.(int32))
	case *array.Int64Builder:
		bb.Append(v.(int64))
	case *array.Float32Builder:
		bb.Append(v.(float32))
	case *array.Float64Builder:
		bb.Append(v.(float64))
	case *array.StringBuilder:
		bb.Append(v.(string))
	case *array.LargeStringBuilder:
		bb.Append(v.(string))
	case *array.BinaryBuilder:
		bb.Append(v.([]byte))
	case *array.Date32Builder:
		bb.Append(arrow.Date32(v.(int32)))
	case *array.Time64Builder:
		bb.Append(arrow.Time64(v.(int64)))
	case *array.TimestampBuilder:
		bb.Append(arrow.Timestamp(v.(int64)))
	case *array.Decimal128Builder:
		bb.Append(v.(decimal128.Num))
	case *array.MapBuilder: // before ListBuilder: a map builder is a list builder too
		bb.Append(true)
		for _, e := range v.([]mapEntry) {
			if err := appendValue(bb.KeyBuilder(), e.k); err != nil {
				return err
			}
			if err := appendValue(bb.ItemBuilder(), e.v); err != nil {
				return err
			}
		}
	case *array.ListBuilder:
		bb.Append(true)
		for _, e := range v.([]any) {
			if err := appendValue(bb.ValueBuilder(), e); err != nil {
				return err
			}
		}
	case *array.StructBuilder:
		bb.Append(true)
		vals := v.([]any)
		for i := range bb.NumField() {
			var fv any
			if i < len(vals) {
				fv = vals[i]
			}
			if err := appendValue(bb.FieldBuilder(i), fv); err != nil {
				return err
			}
		}
	default:
		return fmt.Errorf("%w: no writer for Arrow type %s", ErrSchema, b.Type())
	}
	return nil
}
