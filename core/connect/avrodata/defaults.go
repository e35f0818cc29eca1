package avrodata

import (
	"fmt"
	"math"
	"strconv"
	"time"

	"github.com/connectless/connectless/core/connect"
	"github.com/connectless/connectless/core/connect/jsonvalue"
	"github.com/hamba/avro/v2"
)

// defaultValue renders a Connect default as the JSON Avro holds in a field default or the
// connect.default property (AvroData.defaultValueFromConnect): logical values in their
// underlying form, bytes as ISO-8859-1 text, maps with non-string keys as [key, value] pairs.
func (b *fromBuilder) defaultValue(s *connect.Schema, v any) (any, error) {
	w := jsonvalue.Writer{
		Err:     ErrData,
		Decimal: func(d connect.Decimal) any { return latin1(d.Bytes()) },
		Bytes:   func(p []byte) any { return latin1(p) },
		Float: func(v any) any {
			if f, ok := v.(float32); ok {
				return jsonFloat(float64(f))
			}
			return jsonFloat(v.(float64))
		},
		Int:       toInt64,
		Entry:     func(k, v any) any { return []any{k, v} },
		FieldName: b.cfg.scrub,
		IsUnion:   isUnion,
	}
	return w.Value(s, v)
}

// jsonFloat keeps whole floats readable as floats once marshalled.
func jsonFloat(f float64) any {
	if math.IsInf(f, 0) || math.IsNaN(f) {
		return strconv.FormatFloat(f, 'g', -1, 64)
	}
	return f
}

func latin1(b []byte) string {
	r := make([]rune, len(b))
	for i, c := range b {
		r[i] = rune(c)
	}
	return string(r)
}

// defaultFromAvro converts an Avro field default (as hamba/avro parsed it) or a connect.default
// property (plain JSON) to a value of s.
func defaultFromAvro(s *connect.Schema, as avro.Schema, v any) (any, error) {
	if v == nil {
		return nil, nil
	}
	as = deref(as)
	if u, ok := as.(*avro.UnionSchema); ok {
		// A union's default is a value of its first member.
		if len(u.Types()) == 0 {
			return nil, fmt.Errorf("%w: empty union", ErrSchema)
		}
		as = deref(u.Types()[0])
	}
	bad := func() (any, error) { return nil, fmt.Errorf("%w: default %v for a %s schema", ErrData, v, s.Type) }
	switch s.Name {
	case connect.DecimalName:
		bs, ok := bytesOf(v)
		if !ok {
			return bad()
		}
		scale, err := connect.DecimalScale(s)
		if err != nil {
			return nil, err
		}
		return connect.DecimalFromBytes(bs, scale), nil
	case connect.DateName, connect.TimeName, connect.TimestampName:
		if t, ok := v.(time.Time); ok {
			return t.UTC(), nil
		}
		if d, ok := v.(time.Duration); ok {
			return time.UnixMilli(d.Milliseconds()).UTC(), nil
		}
		n, ok := jsonInt(v)
		if !ok {
			return bad()
		}
		if s.Name == connect.DateName {
			return connect.DaysToDate(int32(n)), nil
		}
		return time.UnixMilli(n).UTC(), nil
	}
	switch s.Type {
	case connect.TypeInt8, connect.TypeInt16, connect.TypeInt32, connect.TypeInt64:
		n, ok := jsonInt(v)
		if !ok {
			return bad()
		}
		return connect.IntOf(s.Type, n), nil
	case connect.TypeFloat32, connect.TypeFloat64:
		var f float64
		switch x := v.(type) {
		case float32:
			f = float64(x)
		case float64:
			f = x
		case string:
			p, err := strconv.ParseFloat(x, 64)
			if err != nil {
				return bad()
			}
			f = p
		default:
			n, ok := toInt64(v)
			if !ok {
				return bad()
			}
			f = float64(n)
		}
		if s.Type == connect.TypeFloat32 {
			return float32(f), nil
		}
		return f, nil
	case connect.TypeBoolean:
		if b, ok := v.(bool); ok {
			return b, nil
		}
		return bad()
	case connect.TypeString:
		if str, ok := v.(string); ok {
			return str, nil
		}
		return bad()
	case connect.TypeBytes:
		if bs, ok := bytesOf(v); ok {
			return bs, nil
		}
		return bad()
	case connect.TypeArray:
		arr, ok := v.([]any)
		a, isArr := as.(*avro.ArraySchema)
		if !ok || !isArr {
			return bad()
		}
		out := make([]any, len(arr))
		for i, e := range arr {
			d, err := defaultFromAvro(s.Value, a.Items(), e)
			if err != nil {
				return nil, err
			}
			out[i] = d
		}
		return out, nil
	case connect.TypeMap:
		out := map[any]any{}
		switch a := as.(type) {
		case *avro.MapSchema:
			m, ok := v.(map[string]any)
			if !ok {
				return bad()
			}
			for k, e := range m {
				d, err := defaultFromAvro(s.Value, a.Values(), e)
				if err != nil {
					return nil, err
				}
				out[k] = d
			}
			return out, nil
		case *avro.ArraySchema:
			arr, ok := v.([]any)
			rec, isRec := deref(a.Items()).(*avro.RecordSchema)
			if !ok || !isRec {
				return bad()
			}
			for _, e := range arr {
				var kv, vv any
				switch p := e.(type) {
				case []any:
					if len(p) != 2 {
						return bad()
					}
					kv, vv = p[0], p[1]
				case map[string]any:
					kv, vv = p["key"], p["value"]
				default:
					return bad()
				}
				k, err := defaultFromAvro(s.Key, rec.Fields()[0].Type(), kv)
				if err != nil {
					return nil, err
				}
				d, err := defaultFromAvro(s.Value, rec.Fields()[1].Type(), vv)
				if err != nil {
					return nil, err
				}
				out[k] = d
			}
			return out, nil
		}
		return bad()
	case connect.TypeStruct:
		m, ok := v.(map[string]any)
		rec, isRec := as.(*avro.RecordSchema)
		if !ok || !isRec || isUnion(s) {
			return bad()
		}
		st := connect.NewStruct(s)
		for i, f := range s.Fields {
			fv, present := m[rec.Fields()[i].Name()]
			if !present {
				continue
			}
			d, err := defaultFromAvro(f.Schema, rec.Fields()[i].Type(), fv)
			if err != nil {
				return nil, err
			}
			st.MustPut(f.Name, d)
		}
		return st, nil
	}
	return bad()
}

func bytesOf(v any) ([]byte, bool) {
	switch b := v.(type) {
	case []byte:
		return b, true
	case string:
		out := make([]byte, 0, len(b))
		for _, r := range b {
			if r > 0xff {
				return nil, false
			}
			out = append(out, byte(r))
		}
		return out, true
	}
	return fixedBytes(v)
}
