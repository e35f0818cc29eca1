package format

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"math/big"
	"slices"
	"time"

	"github.com/hamba/avro/v2"

	"github.com/connectless/connectless/core/connect"
)

// avroCodec is the Avro side of one Connect schema: the schema text written into files and
// its parsed form, which hamba/avro encodes and decodes with.
type avroCodec struct {
	text   []byte
	schema avro.Schema
}

// avroCodecs caches the codecs of the schemas a format met, by schema pointer (records of
// one converter share their schema). It is bounded: a full cache starts over.
type avroCodecs struct {
	metaData bool
	byPtr    map[*connect.Schema]*avroCodec
}

const maxAvroCodecs = 64

// of returns the codec of s.
func (c *avroCodecs) of(s *connect.Schema) (*avroCodec, error) {
	if s == nil {
		return nil, fmt.Errorf("%w: Avro and Parquet formats need schema'd data; got a schemaless value", ErrData)
	}
	if ac, ok := c.byPtr[s]; ok {
		return ac, nil
	}
	sj, err := avroSchemaJSON(s, &avroNames{}, c.metaData)
	if err != nil {
		return nil, err
	}
	text, err := json.Marshal(sj)
	if err != nil {
		return nil, fmt.Errorf("%w: avro schema: %w", ErrData, err)
	}
	as, err := avro.ParseWithCache(string(text), "", &avro.SchemaCache{})
	if err != nil {
		return nil, fmt.Errorf("%w: no Avro schema for %s: %w", ErrData, s.Type, err)
	}
	if c.byPtr == nil || len(c.byPtr) >= maxAvroCodecs {
		c.byPtr = map[*connect.Schema]*avroCodec{}
	}
	ac := &avroCodec{text: text, schema: as}
	c.byPtr[s] = ac
	return ac, nil
}

// encode appends the Avro binary encoding of v, a value of s, to b.
func (ac *avroCodec) encode(b []byte, s *connect.Schema, v any) ([]byte, error) {
	g, err := fromConnect(s, v)
	if err != nil {
		return nil, err
	}
	w := avro.NewWriter(nil, 0)
	w.Reset(nil)
	if err := writeDatum(w, ac.schema, g); err != nil {
		return nil, err
	}
	if w.Error != nil {
		return nil, fmt.Errorf("%w: %w", ErrData, w.Error)
	}
	return append(b, w.Buffer()...), nil
}

// fromConnect converts a Connect value of s to the generic form writeDatum writes with the
// Avro schema avroSchemaJSON made from s: structs as map[string]any by field name, arrays as
// []any, maps with required string keys as map[string]any, other maps as []any of
// {"key", "value"} records (sorted, so the bytes do not depend on Go's map order), optional
// values as themselves or nil, and the logical types as Avro's underlying int, long or bytes.
func fromConnect(s *connect.Schema, v any) (any, error) {
	if v == nil && s.Default != nil {
		v = s.Default
	}
	if v == nil {
		if s.Optional {
			return nil, nil
		}
		return nil, fmt.Errorf("%w: null value for required %s field", ErrData, s.Type)
	}
	bad := func() (any, error) {
		return nil, fmt.Errorf("%w: value of type %T does not match schema type %s", ErrData, v, s.Type)
	}
	switch s.Name {
	case connect.DecimalName:
		d, ok := v.(connect.Decimal)
		if !ok {
			return bad()
		}
		return d.Bytes(), nil
	case connect.DateName, connect.TimeName, connect.TimestampName:
		t, ok := v.(time.Time)
		if !ok {
			return bad()
		}
		ms := t.UnixMilli()
		switch s.Name {
		case connect.DateName:
			return int32(math.Floor(float64(ms) / 86400000)), nil
		case connect.TimeName:
			return int32(((ms % 86400000) + 86400000) % 86400000), nil
		}
		return ms, nil
	}
	switch s.Type {
	case connect.TypeInt8, connect.TypeInt16, connect.TypeInt32, connect.TypeInt64:
		var n int64
		switch x := v.(type) {
		case int8:
			n = int64(x)
		case int16:
			n = int64(x)
		case int32:
			n = int64(x)
		case int64:
			n = x
		case int:
			n = int64(x)
		default:
			return bad()
		}
		if s.Type == connect.TypeInt64 {
			return n, nil
		}
		if n < math.MinInt32 || n > math.MaxInt32 {
			return nil, fmt.Errorf("%w: %d does not fit the %s field", ErrData, n, s.Type)
		}
		return int32(n), nil
	case connect.TypeFloat32:
		if _, ok := v.(float32); !ok {
			return bad()
		}
		return v, nil
	case connect.TypeFloat64:
		if _, ok := v.(float64); !ok {
			return bad()
		}
		return v, nil
	case connect.TypeBoolean:
		if _, ok := v.(bool); !ok {
			return bad()
		}
		return v, nil
	case connect.TypeString:
		if _, ok := v.(string); !ok {
			return bad()
		}
		return v, nil
	case connect.TypeBytes:
		if _, ok := v.([]byte); !ok {
			return bad()
		}
		return v, nil
	case connect.TypeArray:
		arr, ok := v.([]any)
		if !ok {
			return bad()
		}
		out := make([]any, len(arr))
		for i, e := range arr {
			var err error
			if out[i], err = fromConnect(s.Value, e); err != nil {
				return nil, err
			}
		}
		return out, nil
	case connect.TypeMap:
		m, ok := v.(map[any]any)
		if !ok {
			return bad()
		}
		if avroMapKeys(s) {
			out := make(map[string]any, len(m))
			for k, e := range m {
				ks, _ := k.(string)
				g, err := fromConnect(s.Value, e)
				if err != nil {
					return nil, err
				}
				out[ks] = g
			}
			return out, nil
		}
		return mapEntries(s, m)
	case connect.TypeStruct:
		st, ok := v.(*connect.Struct)
		if !ok {
			return bad()
		}
		out := make(map[string]any, len(s.Fields))
		for _, f := range s.Fields {
			fv, _ := st.Get(f.Name)
			g, err := fromConnect(f.Schema, fv)
			if err != nil {
				return nil, fmt.Errorf("field %q: %w", f.Name, err)
			}
			out[f.Name] = g
		}
		return out, nil
	}
	return bad()
}

// avroMapKeys reports whether a Connect map is an Avro map (required string keys) rather than
// an array of key/value records.
func avroMapKeys(s *connect.Schema) bool {
	return s.Key != nil && s.Key.Type == connect.TypeString && !s.Key.Optional
}

// mapEntries converts a map with non-string (or optional) keys to its key/value records,
// ordered by the Avro encoding of their keys.
func mapEntries(s *connect.Schema, m map[any]any) (any, error) {
	type entry struct {
		sortKey []byte
		rec     map[string]any
	}
	entries := make([]entry, 0, len(m))
	for k, e := range m {
		gk, err := fromConnect(s.Key, k)
		if err != nil {
			return nil, err
		}
		gv, err := fromConnect(s.Value, e)
		if err != nil {
			return nil, err
		}
		entries = append(entries, entry{sortKey: []byte(fmt.Sprintf("%T:%v", gk, gk)), rec: map[string]any{"key": gk, "value": gv}})
	}
	slices.SortFunc(entries, func(a, b entry) int { return bytes.Compare(a.sortKey, b.sortKey) })
	out := make([]any, len(entries))
	for i, e := range entries {
		out[i] = e.rec
	}
	return out, nil
}

// writeDatum writes g, in the generic form of fromConnect (a union value as itself, written as
// the union's first non-null member), with hamba/avro's writer. Map entries are written in key
// order, so a value always encodes to the same bytes.
func writeDatum(w *avro.Writer, as avro.Schema, g any) error {
	bad := func() error { return fmt.Errorf("%w: %T is not a value of Avro %s", ErrData, g, as.Type()) }
	switch s := derefSchema(as).(type) {
	case *avro.RecordSchema:
		m, ok := g.(map[string]any)
		if !ok {
			return bad()
		}
		for _, f := range s.Fields() {
			if err := writeDatum(w, f.Type(), m[f.Name()]); err != nil {
				return fmt.Errorf("field %q: %w", f.Name(), err)
			}
		}
	case *avro.ArraySchema:
		arr, ok := g.([]any)
		if !ok {
			return bad()
		}
		if len(arr) > 0 {
			w.WriteLong(int64(len(arr)))
			for _, e := range arr {
				if err := writeDatum(w, s.Items(), e); err != nil {
					return err
				}
			}
		}
		w.WriteLong(0)
	case *avro.MapSchema:
		m, ok := g.(map[string]any)
		if !ok {
			return bad()
		}
		if len(m) > 0 {
			w.WriteLong(int64(len(m)))
			for _, k := range slices.Sorted(maps.Keys(m)) {
				w.WriteString(k)
				if err := writeDatum(w, s.Values(), m[k]); err != nil {
					return err
				}
			}
		}
		w.WriteLong(0)
	case *avro.UnionSchema:
		members := s.Types()
		if g == nil {
			for i, m := range members {
				if m.Type() == avro.Null {
					w.WriteInt(int32(i))
					return nil
				}
			}
			return bad()
		}
		for i, m := range members {
			if m.Type() != avro.Null {
				w.WriteInt(int32(i))
				return writeDatum(w, m, g)
			}
		}
		return bad()
	case *avro.PrimitiveSchema:
		return writePrimitive(w, s.Type(), g)
	default:
		w.WriteVal(as, g)
	}
	return nil
}

// writePrimitive writes a value of a primitive Avro type (a logical type's underlying one).
func writePrimitive(w *avro.Writer, t avro.Type, g any) error {
	ok := true
	switch t {
	case avro.Null:
	case avro.Int, avro.Long:
		var n int64
		switch x := g.(type) {
		case int32:
			n = int64(x)
		case int64:
			n = x
		case int:
			n = int64(x)
		default:
			ok = false
		}
		if t == avro.Int {
			w.WriteInt(int32(n))
		} else {
			w.WriteLong(n)
		}
	case avro.Float:
		var f float32
		f, ok = g.(float32)
		w.WriteFloat(f)
	case avro.Double:
		var f float64
		f, ok = g.(float64)
		w.WriteDouble(f)
	case avro.Boolean:
		var b bool
		b, ok = g.(bool)
		w.WriteBool(b)
	case avro.String:
		var s string
		s, ok = g.(string)
		w.WriteString(s)
	case avro.Bytes:
		var b []byte
		b, ok = g.([]byte)
		w.WriteBytes(b)
	default:
		ok = false
	}
	if !ok {
		return fmt.Errorf("%w: %T is not a value of Avro %s", ErrData, g, t)
	}
	return nil
}

func derefSchema(as avro.Schema) avro.Schema {
	if r, ok := as.(*avro.RefSchema); ok {
		return r.Schema()
	}
	return as
}

// unionMemberName is the name hamba/avro gives a union member in its generic form.
func unionMemberName(s avro.Schema) string {
	s = derefSchema(s)
	if n, ok := s.(avro.NamedSchema); ok {
		return n.FullName()
	}
	name := string(s.Type())
	if l, ok := s.(avro.LogicalTypeSchema); ok && l.Logical() != nil {
		name += "." + string(l.Logical().Type())
	}
	return name
}

// unwrapUnion returns the value of a non-null union member as hamba/avro decodes it: records,
// arrays, maps, enums and fixed values come as a one-entry map from member name to value,
// the others as themselves.
func unwrapUnion(u *avro.UnionSchema, g any) (avro.Schema, any) {
	for _, m := range u.Types() {
		if m.Type() == avro.Null {
			continue
		}
		if one, ok := g.(map[string]any); ok && len(one) == 1 {
			if v, ok := one[unionMemberName(m)]; ok {
				return m, v
			}
		}
		return m, g
	}
	return nil, g
}

// toConnect converts a value hamba/avro decoded with as to the Connect value of s, the
// schema connectSchemaOf made from as.
func toConnect(s *connect.Schema, as avro.Schema, g any) (any, error) {
	as = derefSchema(as)
	if u, ok := as.(*avro.UnionSchema); ok {
		if g == nil {
			return nil, nil
		}
		as, g = unwrapUnion(u, g)
		as = derefSchema(as)
	}
	if g == nil {
		if s.Optional {
			return nil, nil
		}
		return nil, fmt.Errorf("null in a required %s field", s.Type)
	}
	bad := func() (any, error) { return nil, fmt.Errorf("%T is not a value of %s", g, s.Type) }
	switch s.Name {
	case connect.DecimalName:
		r, ok := g.(*big.Rat)
		if !ok {
			return bad()
		}
		scale, _ := connect.DecimalScale(s)
		return connect.Decimal{Unscaled: ratUnscaled(r, scale), Scale: scale}, nil
	case connect.DateName, connect.TimestampName:
		t, ok := g.(time.Time)
		if !ok {
			return bad()
		}
		return t.UTC(), nil
	case connect.TimeName:
		d, ok := g.(time.Duration)
		if !ok {
			return bad()
		}
		return time.UnixMilli(d.Milliseconds()).UTC(), nil
	}
	switch s.Type {
	case connect.TypeInt8, connect.TypeInt16, connect.TypeInt32, connect.TypeInt64:
		var n int64
		switch x := g.(type) {
		case int:
			n = int64(x)
		case int32:
			n = int64(x)
		case int64:
			n = x
		default:
			return bad()
		}
		switch s.Type {
		case connect.TypeInt8:
			return int8(n), nil
		case connect.TypeInt16:
			return int16(n), nil
		case connect.TypeInt32:
			return int32(n), nil
		}
		return n, nil
	case connect.TypeFloat32, connect.TypeFloat64, connect.TypeBoolean, connect.TypeString, connect.TypeBytes:
		return g, nil
	case connect.TypeArray:
		arr, ok := g.([]any)
		a, isArray := as.(*avro.ArraySchema)
		if !ok || !isArray {
			return bad()
		}
		out := make([]any, len(arr))
		for i, e := range arr {
			var err error
			if out[i], err = toConnect(s.Value, a.Items(), e); err != nil {
				return nil, err
			}
		}
		return out, nil
	case connect.TypeMap:
		out := map[any]any{}
		switch a := as.(type) {
		case *avro.MapSchema:
			m, ok := g.(map[string]any)
			if !ok {
				return bad()
			}
			for k, e := range m {
				v, err := toConnect(s.Value, a.Values(), e)
				if err != nil {
					return nil, err
				}
				out[k] = v
			}
		case *avro.ArraySchema:
			arr, ok := g.([]any)
			rec, isRecord := derefSchema(a.Items()).(*avro.RecordSchema)
			if !ok || !isRecord || len(rec.Fields()) != 2 {
				return bad()
			}
			for _, e := range arr {
				kv, ok := e.(map[string]any)
				if !ok {
					return bad()
				}
				k, err := toConnect(s.Key, rec.Fields()[0].Type(), kv["key"])
				if err != nil {
					return nil, err
				}
				v, err := toConnect(s.Value, rec.Fields()[1].Type(), kv["value"])
				if err != nil {
					return nil, err
				}
				out[k] = v
			}
		default:
			return bad()
		}
		return out, nil
	case connect.TypeStruct:
		m, ok := g.(map[string]any)
		rec, isRecord := as.(*avro.RecordSchema)
		if !ok || !isRecord {
			return bad()
		}
		st := connect.NewStruct(s)
		for i, f := range s.Fields {
			if i >= len(rec.Fields()) {
				return bad()
			}
			v, err := toConnect(f.Schema, rec.Fields()[i].Type(), m[f.Name])
			if err != nil {
				return nil, fmt.Errorf("field %q: %w", f.Name, err)
			}
			if err := st.Put(f.Name, v); err != nil {
				return nil, fmt.Errorf("field %q: %w", f.Name, err)
			}
		}
		return st, nil
	}
	return bad()
}

// ratUnscaled is the unscaled integer of a decimal decoded as a rational with scale.
func ratUnscaled(r *big.Rat, scale int32) *big.Int {
	n := new(big.Int).Mul(r.Num(), new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(scale)), nil))
	return n.Quo(n, r.Denom())
}
