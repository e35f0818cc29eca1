package avrodata

import (
	"errors"
	"fmt"
	"math"
	"math/big"
	"reflect"
	"slices"
	"strings"
	"time"

	"github.com/connectless/connectless/core/connect"
	"github.com/hamba/avro/v2"
)

// ErrData is returned (wrapped) for a value that does not match its schema.
var ErrData = errors.New("avro data conversion")

// Encode converts v (a value of the Connect schema cs) and writes it in Avro binary encoding
// for the Avro schema FromConnectSchema made from cs.
func Encode(api avro.API, cs *connect.Schema, as avro.Schema, v any) ([]byte, error) {
	g, err := FromConnectData(cs, as, v)
	if err != nil {
		return nil, err
	}
	out, err := api.Marshal(as, g)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrData, err)
	}
	return out, nil
}

// Decode reads one datum written with the Avro schema as and converts it to a value of cs,
// the Connect schema ToConnectSchema made from as.
func Decode(api avro.API, as avro.Schema, cs *connect.Schema, data []byte) (any, error) {
	// ReadNext gives every union value as a one-entry map from member name to value, so the
	// member read is never ambiguous.
	r := avro.NewReader(nil, 0, avro.WithReaderConfig(api))
	r.Reset(data)
	g := r.ReadNext(as)
	if r.Error != nil {
		return nil, fmt.Errorf("%w: %w", ErrData, r.Error)
	}
	return ToConnectData(cs, as, g)
}

// Deref returns the schema a named reference points to, or as itself.
func Deref(as avro.Schema) avro.Schema { return deref(as) }

func deref(as avro.Schema) avro.Schema {
	if r, ok := as.(*avro.RefSchema); ok {
		return r.Schema()
	}
	return as
}

// MemberName is the name hamba/avro gives a union member in its generic form: the full name
// of a named type, else the type, with ".logicalType" when it has one ("long.timestamp-millis").
func MemberName(s avro.Schema) string { return memberName(s) }

func memberName(s avro.Schema) string {
	s = deref(s)
	if n, ok := s.(avro.NamedSchema); ok {
		return n.FullName()
	}
	name := string(s.Type())
	if l, ok := s.(avro.LogicalTypeSchema); ok && l.Logical() != nil {
		name += "." + string(l.Logical().Type())
	}
	return name
}

// FromConnectData converts a Connect value to the generic form hamba/avro encodes with as:
// records as map[string]any, unions as a one-entry map from member name to value. Maps with
// non-string keys become entry arrays sorted by key; string-keyed maps stay Go maps, which
// hamba/avro writes in Go's (random) map order.
func FromConnectData(cs *connect.Schema, as avro.Schema, v any) (any, error) {
	as = deref(as)
	if v == nil && cs != nil && cs.Default != nil {
		v = cs.Default
	}
	if u, ok := as.(*avro.UnionSchema); ok {
		return fromUnion(cs, u, v)
	}
	if v == nil {
		return nil, fmt.Errorf("%w: null value for a required %s", ErrData, cs.Type)
	}
	bad := func() (any, error) {
		return nil, fmt.Errorf("%w: %T is not a value of Connect type %s", ErrData, v, cs.Type)
	}
	switch cs.Name {
	case connect.DecimalName:
		d, ok := v.(connect.Decimal)
		if !ok {
			return bad()
		}
		b := d.Bytes()
		if f, ok := as.(*avro.FixedSchema); ok {
			return fixedArray(b, f.Size(), d.Unscaled != nil && d.Unscaled.Sign() < 0)
		}
		return b, nil
	case connect.DateName, connect.TimeName, connect.TimestampName:
		t, ok := v.(time.Time)
		if !ok {
			return bad()
		}
		n, err := connect.TemporalToInt(cs.Name, t)
		if err != nil {
			return nil, fmt.Errorf("%w: %w", ErrData, err)
		}
		return n, nil
	}
	switch cs.Type {
	case connect.TypeInt8, connect.TypeInt16, connect.TypeInt32:
		n, ok := toInt64(v)
		if !ok {
			return bad()
		}
		return int32(n), nil
	case connect.TypeInt64:
		n, ok := toInt64(v)
		if !ok {
			return bad()
		}
		return n, nil
	case connect.TypeFloat32:
		switch f := v.(type) {
		case float32:
			return f, nil
		case float64:
			return float32(f), nil
		}
		return bad()
	case connect.TypeFloat64:
		switch f := v.(type) {
		case float64:
			return f, nil
		case float32:
			return float64(f), nil
		}
		return bad()
	case connect.TypeBoolean:
		if b, ok := v.(bool); ok {
			return b, nil
		}
		return bad()
	case connect.TypeString:
		if s, ok := v.(string); ok {
			return s, nil
		}
		return bad()
	case connect.TypeBytes:
		b, ok := v.([]byte)
		if !ok {
			return bad()
		}
		if f, ok := as.(*avro.FixedSchema); ok {
			return fixedArray(b, f.Size(), false)
		}
		return b, nil
	case connect.TypeArray:
		arr, ok := v.([]any)
		if !ok {
			return bad()
		}
		items := as.(*avro.ArraySchema).Items()
		out := make([]any, len(arr))
		for i, e := range arr {
			g, err := FromConnectData(cs.Value, items, e)
			if err != nil {
				return nil, err
			}
			out[i] = g
		}
		return out, nil
	case connect.TypeMap:
		m, ok := v.(map[any]any)
		if !ok {
			return bad()
		}
		switch a := as.(type) {
		case *avro.MapSchema:
			out := make(map[string]any, len(m))
			for k, e := range m {
				ks, ok := k.(string)
				if !ok {
					return nil, fmt.Errorf("%w: map key %T is not a string", ErrData, k)
				}
				g, err := FromConnectData(cs.Value, a.Values(), e)
				if err != nil {
					return nil, err
				}
				out[ks] = g
			}
			return out, nil
		case *avro.ArraySchema:
			rec := deref(a.Items()).(*avro.RecordSchema)
			out := make([]any, 0, len(m))
			for k, e := range m {
				gk, err := FromConnectData(cs.Key, rec.Fields()[0].Type(), k)
				if err != nil {
					return nil, err
				}
				gv, err := FromConnectData(cs.Value, rec.Fields()[1].Type(), e)
				if err != nil {
					return nil, err
				}
				out = append(out, map[string]any{"key": gk, "value": gv})
			}
			// Go maps have no order: entries are written sorted by key, so equal maps give
			// equal bytes.
			slices.SortStableFunc(out, func(a, b any) int {
				return strings.Compare(fmt.Sprint(a.(map[string]any)["key"]), fmt.Sprint(b.(map[string]any)["key"]))
			})
			return out, nil
		}
		return bad()
	case connect.TypeStruct:
		st, ok := v.(*connect.Struct)
		if !ok {
			return bad()
		}
		rec, ok := as.(*avro.RecordSchema)
		if !ok || len(rec.Fields()) != len(cs.Fields) {
			return nil, fmt.Errorf("%w: struct does not match Avro %s", ErrData, as.Type())
		}
		out := make(map[string]any, len(cs.Fields))
		for i, f := range cs.Fields {
			fv, _ := st.Get(f.Name)
			af := rec.Fields()[i]
			g, err := FromConnectData(f.Schema, af.Type(), fv)
			if err != nil {
				return nil, fmt.Errorf("field %q: %w", f.Name, err)
			}
			out[af.Name()] = g
		}
		return out, nil
	}
	return bad()
}

func fromUnion(cs *connect.Schema, u *avro.UnionSchema, v any) (any, error) {
	if isUnion(cs) {
		if v == nil {
			return map[string]any(nil), nil
		}
		st, ok := v.(*connect.Struct)
		if !ok {
			return nil, fmt.Errorf("%w: %T is not a union struct", ErrData, v)
		}
		members := nonNull(u)
		for i, f := range cs.Fields {
			fv, _ := st.GetWithoutDefault(f.Name)
			if fv == nil || i >= len(members) {
				continue
			}
			g, err := FromConnectData(nonOptional(f.Schema), members[i], fv)
			if err != nil {
				return nil, fmt.Errorf("union member %q: %w", f.Name, err)
			}
			return map[string]any{memberName(members[i]): g}, nil
		}
		return nil, fmt.Errorf("%w: union struct has no member set", ErrData)
	}
	if v == nil {
		if cs.Optional {
			return map[string]any(nil), nil
		}
		return nil, fmt.Errorf("%w: null value for a required %s", ErrData, cs.Type)
	}
	members := nonNull(u)
	if len(members) != 1 {
		return nil, fmt.Errorf("%w: optional %s has %d non-null Avro union members", ErrData, cs.Type, len(members))
	}
	g, err := FromConnectData(nonOptional(cs), members[0], v)
	if err != nil {
		return nil, err
	}
	return map[string]any{memberName(members[0]): g}, nil
}

func nonNull(u *avro.UnionSchema) []avro.Schema {
	out := make([]avro.Schema, 0, len(u.Types()))
	for _, t := range u.Types() {
		if t.Type() != avro.Null {
			out = append(out, t)
		}
	}
	return out
}

// fixedArray gives hamba/avro the [size]byte array it encodes as fixed; b is sign-extended
// (decimals) or zero-padded on the left to size.
func fixedArray(b []byte, size int, negative bool) (any, error) {
	if len(b) > size {
		return nil, fmt.Errorf("%w: %d bytes do not fit a fixed of size %d", ErrData, len(b), size)
	}
	arr := reflect.New(reflect.ArrayOf(size, reflect.TypeFor[byte]())).Elem()
	pad := byte(0)
	if negative {
		pad = 0xff
	}
	for i := 0; i < size-len(b); i++ {
		arr.Index(i).SetUint(uint64(pad))
	}
	reflect.Copy(arr.Slice(size-len(b), size), reflect.ValueOf(b))
	return arr.Interface(), nil
}

// toInt64 reads a Connect integer (connect.IntValue), an unsigned integer up to 32 bits or a
// whole float64 (as JSON decoding gives) as int64.
func toInt64(v any) (int64, bool) {
	if n, ok := connect.IntValue(v); ok {
		return n, true
	}
	switch n := v.(type) {
	case uint8:
		return int64(n), true
	case uint16:
		return int64(n), true
	case uint32:
		return int64(n), true
	case float64:
		if n == math.Trunc(n) {
			return int64(n), true
		}
	}
	return 0, false
}

// ToConnectData converts a generic value hamba/avro decoded with as to a value of cs.
func ToConnectData(cs *connect.Schema, as avro.Schema, g any) (any, error) {
	as = deref(as)
	if g == nil {
		return nil, nil
	}
	if u, ok := as.(*avro.UnionSchema); ok {
		m, ok := g.(map[string]any)
		if !ok || len(m) != 1 {
			return nil, fmt.Errorf("%w: union value %T", ErrData, g)
		}
		var name string
		var inner any
		for name, inner = range m {
		}
		members := nonNull(u)
		idx := -1
		for i, t := range members {
			if memberName(t) == name {
				idx = i
				break
			}
		}
		if idx < 0 {
			return nil, fmt.Errorf("%w: union member %q not in schema", ErrData, name)
		}
		if isUnion(cs) {
			f := cs.Fields[idx]
			v, err := ToConnectData(f.Schema, members[idx], inner)
			if err != nil {
				return nil, err
			}
			st := connect.NewStruct(cs)
			if err := st.Put(f.Name, v); err != nil {
				return nil, fmt.Errorf("%w: %w", ErrData, err)
			}
			return st, nil
		}
		return ToConnectData(cs, members[idx], inner)
	}
	bad := func() (any, error) {
		return nil, fmt.Errorf("%w: decoded %T does not fit Connect type %s", ErrData, g, cs.Type)
	}
	switch cs.Name {
	case connect.DecimalName:
		scale, err := connect.DecimalScale(cs)
		if err != nil {
			return nil, fmt.Errorf("%w: %w", ErrData, err)
		}
		switch d := g.(type) {
		case *big.Rat:
			dec, ok := connect.DecimalFromRat(d, scale)
			if !ok {
				return nil, fmt.Errorf("%w: decimal %s does not have scale %d", ErrData, d.String(), scale)
			}
			return dec, nil
		case []byte:
			return connect.DecimalFromBytes(d, scale), nil
		}
		if b, ok := fixedBytes(g); ok {
			return connect.DecimalFromBytes(b, scale), nil
		}
		return bad()
	case connect.DateName:
		switch d := g.(type) {
		case time.Time:
			return d.UTC(), nil
		case int:
			return connect.DaysToDate(int32(d)), nil
		}
		return bad()
	case connect.TimeName:
		switch d := g.(type) {
		case time.Duration:
			return connect.MillisToTime(int32(d.Milliseconds()))
		case int:
			return connect.MillisToTime(int32(d))
		}
		return bad()
	case connect.TimestampName:
		switch d := g.(type) {
		case time.Time:
			return d.UTC(), nil
		case int64:
			return time.UnixMilli(d).UTC(), nil
		}
		return bad()
	}
	switch cs.Type {
	case connect.TypeInt8, connect.TypeInt16, connect.TypeInt32, connect.TypeInt64:
		var n int64
		switch x := g.(type) {
		case int:
			n = int64(x)
		case int64:
			n = x
		case time.Duration: // time-millis / time-micros read as plain integers
			n = x.Milliseconds()
			if as.Type() == avro.Long {
				n = x.Microseconds()
			}
		case time.Time: // date / timestamp-micros read as plain integers
			n = x.UnixMilli()
			if as.Type() == avro.Int {
				n = x.Unix() / 86400
			} else if l := logicalOf(as); l == avro.TimestampMicros || l == avro.LocalTimestampMicros {
				n = x.UnixMicro()
			}
		default:
			return bad()
		}
		return connect.IntOf(cs.Type, n), nil
	case connect.TypeFloat32:
		if f, ok := g.(float32); ok {
			return f, nil
		}
		return bad()
	case connect.TypeFloat64:
		if f, ok := g.(float64); ok {
			return f, nil
		}
		return bad()
	case connect.TypeBoolean:
		if b, ok := g.(bool); ok {
			return b, nil
		}
		return bad()
	case connect.TypeString:
		if s, ok := g.(string); ok {
			return s, nil
		}
		return bad()
	case connect.TypeBytes:
		if b, ok := g.([]byte); ok {
			return b, nil
		}
		if r, ok := g.(*big.Rat); ok { // a decimal Connect does not name as Decimal
			if l, ok := as.(avro.LogicalTypeSchema); ok && l.Logical() != nil {
				if d, ok := l.Logical().(*avro.DecimalLogicalSchema); ok {
					dec, _ := connect.DecimalFromRat(r, int32(d.Scale()))
					return dec.Bytes(), nil
				}
			}
		}
		if b, ok := fixedBytes(g); ok {
			return b, nil
		}
		return bad()
	case connect.TypeArray:
		arr, ok := g.([]any)
		if !ok {
			return bad()
		}
		items := as.(*avro.ArraySchema).Items()
		out := make([]any, len(arr))
		for i, e := range arr {
			v, err := ToConnectData(cs.Value, items, e)
			if err != nil {
				return nil, err
			}
			out[i] = v
		}
		return out, nil
	case connect.TypeMap:
		switch a := as.(type) {
		case *avro.MapSchema:
			m, ok := g.(map[string]any)
			if !ok {
				return bad()
			}
			out := make(map[any]any, len(m))
			for k, e := range m {
				v, err := ToConnectData(cs.Value, a.Values(), e)
				if err != nil {
					return nil, err
				}
				out[k] = v
			}
			return out, nil
		case *avro.ArraySchema:
			arr, ok := g.([]any)
			if !ok {
				return bad()
			}
			rec := deref(a.Items()).(*avro.RecordSchema)
			out := make(map[any]any, len(arr))
			for _, e := range arr {
				em, ok := e.(map[string]any)
				if !ok {
					return bad()
				}
				k, err := ToConnectData(cs.Key, rec.Fields()[0].Type(), em[rec.Fields()[0].Name()])
				if err != nil {
					return nil, err
				}
				v, err := ToConnectData(cs.Value, rec.Fields()[1].Type(), em[rec.Fields()[1].Name()])
				if err != nil {
					return nil, err
				}
				out[k] = v
			}
			return out, nil
		}
		return bad()
	case connect.TypeStruct:
		m, ok := g.(map[string]any)
		rec, isRec := as.(*avro.RecordSchema)
		if !ok || !isRec || len(rec.Fields()) != len(cs.Fields) {
			return bad()
		}
		st := connect.NewStruct(cs)
		for i, f := range cs.Fields {
			af := rec.Fields()[i]
			v, err := ToConnectData(f.Schema, af.Type(), m[af.Name()])
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

func logicalOf(as avro.Schema) avro.LogicalType {
	if l, ok := as.(avro.LogicalTypeSchema); ok && l.Logical() != nil {
		return l.Logical().Type()
	}
	return ""
}

// fixedBytes returns the bytes of a [N]byte array, as hamba/avro decodes fixed values.
func fixedBytes(g any) ([]byte, bool) {
	rv := reflect.ValueOf(g)
	if rv.Kind() != reflect.Array || rv.Type().Elem().Kind() != reflect.Uint8 {
		return nil, false
	}
	b := make([]byte, rv.Len())
	reflect.Copy(reflect.ValueOf(b), rv)
	return b, true
}
