package jsonvalue

import (
	"errors"
	"fmt"
	"time"

	"github.com/connectless/connectless/core/connect"
	"github.com/connectless/connectless/core/connect/javacompat"
)

// ErrData is wrapped by a Writer's errors when its Err is nil.
var ErrData = errors.New("connect value to JSON")

// Writer writes Connect values as JSON-ready values. The walk is shared: arrays become
// []any, maps with required string keys map[string]any, other maps []any of Entry values,
// structs javacompat.Object (fields in order), Date/Time/Timestamp their int form (days,
// milliseconds), ints int64, booleans and strings themselves. The fields say the rest.
type Writer struct {
	// Err is wrapped by every error (ErrData when nil).
	Err error
	// NullAsDefault writes a null value as the schema's default, and refuses a null for a
	// required schema with none; otherwise a null is written as null.
	NullAsDefault bool
	// Decimal, Bytes and Float write those leaves (Float gets a float32 or float64).
	Decimal func(connect.Decimal) any
	Bytes   func([]byte) any
	Float   func(v any) any
	// Int reads an integer value (connect.IntValue when nil).
	Int func(v any) (int64, bool)
	// Entry writes one entry of a map whose keys are not required strings.
	Entry func(k, v any) any
	// FieldName names a struct field in the output (as is when nil).
	FieldName func(string) string
	// IsUnion tells a struct that stands for a union: it is written as its one non-null
	// member's value (null when none is set).
	IsUnion func(*connect.Schema) bool
}

func (w *Writer) err(format string, args ...any) error {
	e := w.Err
	if e == nil {
		e = ErrData
	}
	return fmt.Errorf("%w: "+format, append([]any{e}, args...)...)
}

// Value writes v, a value of schema s.
func (w *Writer) Value(s *connect.Schema, v any) (any, error) {
	if v == nil {
		if !w.NullAsDefault {
			return nil, nil
		}
		switch {
		case s.Default != nil:
			v = s.Default
		case s.Optional:
			return nil, nil
		default:
			return nil, w.err("null value for a required %s", s.Type)
		}
	}
	bad := func() (any, error) { return nil, w.err("%T is not a value of Connect type %s", v, s.Type) }
	switch s.Name {
	case connect.DecimalName:
		d, ok := v.(connect.Decimal)
		if !ok {
			return bad()
		}
		return w.Decimal(d), nil
	case connect.DateName, connect.TimeName, connect.TimestampName:
		t, ok := v.(time.Time)
		if !ok {
			return bad()
		}
		n, err := connect.TemporalToInt(s.Name, t)
		if err != nil {
			return nil, w.err("%w", err)
		}
		return n, nil
	}
	switch s.Type {
	case connect.TypeInt8, connect.TypeInt16, connect.TypeInt32, connect.TypeInt64:
		intOf := w.Int
		if intOf == nil {
			intOf = connect.IntValue
		}
		if n, ok := intOf(v); ok {
			return n, nil
		}
	case connect.TypeFloat32, connect.TypeFloat64:
		switch v.(type) {
		case float32, float64:
			return w.Float(v), nil
		}
	case connect.TypeBoolean:
		if b, ok := v.(bool); ok {
			return b, nil
		}
	case connect.TypeString:
		if str, ok := v.(string); ok {
			return str, nil
		}
	case connect.TypeBytes:
		if b, ok := v.([]byte); ok {
			return w.Bytes(b), nil
		}
	case connect.TypeArray:
		if arr, ok := v.([]any); ok {
			return w.array(s, arr)
		}
	case connect.TypeMap:
		if m, ok := v.(map[any]any); ok {
			return w.mapValue(s, m)
		}
	case connect.TypeStruct:
		if st, ok := v.(*connect.Struct); ok {
			return w.structValue(s, st)
		}
	}
	return bad()
}

func (w *Writer) array(s *connect.Schema, arr []any) (any, error) {
	out := make([]any, len(arr))
	for i, e := range arr {
		j, err := w.Value(s.Value, e)
		if err != nil {
			return nil, err
		}
		out[i] = j
	}
	return out, nil
}

func (w *Writer) mapValue(s *connect.Schema, m map[any]any) (any, error) {
	if s.Key.Type == connect.TypeString && !s.Key.Optional {
		out := make(map[string]any, len(m))
		for k, e := range m {
			j, err := w.Value(s.Value, e)
			if err != nil {
				return nil, err
			}
			out[fmt.Sprint(k)] = j
		}
		return out, nil
	}
	out := make([]any, 0, len(m))
	for k, e := range m {
		jk, err := w.Value(s.Key, k)
		if err != nil {
			return nil, err
		}
		jv, err := w.Value(s.Value, e)
		if err != nil {
			return nil, err
		}
		out = append(out, w.Entry(jk, jv))
	}
	return out, nil
}

func (w *Writer) structValue(s *connect.Schema, st *connect.Struct) (any, error) {
	union := w.IsUnion != nil && w.IsUnion(s)
	var o javacompat.Object
	for _, f := range s.Fields {
		fv, _ := st.Get(f.Name)
		if union && fv == nil {
			continue
		}
		j, err := w.Value(f.Schema, fv)
		if err != nil {
			return nil, fmt.Errorf("field %q: %w", f.Name, err)
		}
		if union {
			return j, nil
		}
		name := f.Name
		if w.FieldName != nil {
			name = w.FieldName(name)
		}
		o.Add(name, j)
	}
	if union {
		return nil, nil
	}
	return o, nil
}
