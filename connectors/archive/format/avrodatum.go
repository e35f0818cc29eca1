package format

import (
	"bytes"
	"fmt"
	"maps"
	"math/big"
	"slices"
	"strings"
	"time"

	"github.com/hamba/avro/v2"

	"github.com/connectless/connectless/core/connect"
	"github.com/connectless/connectless/core/connect/avrodata"
)

// avroAPI is hamba/avro's configuration for reading: no bound on the size of one string or
// bytes value (a record's fields are as large as Kafka lets them be).
var avroAPI = avro.Config{MaxByteSliceSize: -1}.Freeze()

// avroCodec is the Avro side of one Connect schema (Confluent's AvroData mapping): the schema
// text written into files and its parsed form, which hamba/avro encodes and decodes with.
type avroCodec struct {
	text   []byte
	schema avro.Schema
}

// avroCodecs caches the codecs of the schemas a format met, by schema pointer (records of
// one converter share their schema). It is bounded: a full cache starts over.
type avroCodecs struct {
	cfg   avrodata.Config
	byPtr map[*connect.Schema]*avroCodec
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
	as, err := avrodata.FromConnectSchema(c.cfg, s)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrData, err)
	}
	if c.byPtr == nil || len(c.byPtr) >= maxAvroCodecs {
		c.byPtr = map[*connect.Schema]*avroCodec{}
	}
	ac := &avroCodec{text: []byte(as.Text), schema: as.Avro}
	c.byPtr[s] = ac
	return ac, nil
}

// encode appends the Avro binary encoding of v, a value of s, to b.
func (ac *avroCodec) encode(b []byte, s *connect.Schema, v any) ([]byte, error) {
	g, err := avrodata.FromConnectData(s, ac.schema, v)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrData, err)
	}
	w := avro.NewWriter(nil, 0)
	if err := writeDatum(w, ac.schema, g); err != nil {
		return nil, err
	}
	if w.Error != nil {
		return nil, fmt.Errorf("%w: %w", ErrData, w.Error)
	}
	return append(b, w.Buffer()...), nil
}

// writeDatum writes g, in hamba/avro's generic form (a union value as a one-entry map from
// member name to value), with hamba/avro's writer. Map entries (Avro maps, and the key/value
// records of maps with other keys) are written in key order, so a value always encodes to the
// same bytes.
func writeDatum(w *avro.Writer, as avro.Schema, g any) error {
	bad := func() error { return fmt.Errorf("%w: %T is not a value of Avro %s", ErrData, g, as.Type()) }
	switch s := avrodata.Deref(as).(type) {
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
		if isMapEntries(s) {
			var err error
			if arr, err = sortEntries(s.Items(), arr); err != nil {
				return err
			}
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
		if one, ok := g.(map[string]any); ok && one == nil {
			g = nil
		}
		if g == nil {
			for i, m := range members {
				if m.Type() == avro.Null {
					w.WriteInt(int32(i))
					return nil
				}
			}
			return bad()
		}
		if one, ok := g.(map[string]any); ok && len(one) == 1 {
			for i, m := range members {
				if v, ok := one[avrodata.MemberName(m)]; ok {
					w.WriteInt(int32(i))
					return writeDatum(w, m, v)
				}
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

// unwrapUnion returns the value of a non-null union member as hamba/avro decodes it: records,
// arrays, maps, enums and fixed values come as a one-entry map from member name to value,
// the others as themselves.
func unwrapUnion(u *avro.UnionSchema, g any) (avro.Schema, any) {
	for _, m := range u.Types() {
		if m.Type() == avro.Null {
			continue
		}
		if one, ok := g.(map[string]any); ok && len(one) == 1 {
			if v, ok := one[avrodata.MemberName(m)]; ok {
				return m, v
			}
		}
		return m, g
	}
	return nil, g
}

// wrapUnions turns a value hamba/avro's container decoder read into the form its Reader's
// ReadNext gives (every union value a one-entry map from member name to value), which
// avrodata converts to Connect: the container decoder gives union members it has a Go type
// for (primitives, logical types) as themselves.
func wrapUnions(as avro.Schema, g any) any {
	as = avrodata.Deref(as)
	switch s := as.(type) {
	case *avro.UnionSchema:
		if g == nil {
			return nil
		}
		if one, ok := g.(map[string]any); ok && len(one) == 1 {
			for _, m := range s.Types() {
				if v, ok := one[avrodata.MemberName(m)]; ok {
					return map[string]any{avrodata.MemberName(m): wrapUnions(m, v)}
				}
			}
		}
		for _, m := range s.Types() {
			if m.Type() != avro.Null && goTypeFits(m, g) {
				return map[string]any{avrodata.MemberName(m): wrapUnions(m, g)}
			}
		}
		return g
	case *avro.RecordSchema:
		if m, ok := g.(map[string]any); ok {
			for _, f := range s.Fields() {
				if v, ok := m[f.Name()]; ok {
					m[f.Name()] = wrapUnions(f.Type(), v)
				}
			}
		}
	case *avro.ArraySchema:
		if arr, ok := g.([]any); ok {
			for i, e := range arr {
				arr[i] = wrapUnions(s.Items(), e)
			}
		}
	case *avro.MapSchema:
		if m, ok := g.(map[string]any); ok {
			for k, e := range m {
				m[k] = wrapUnions(s.Values(), e)
			}
		}
	}
	return g
}

// goTypeFits reports whether hamba/avro's container decoder gives values of the Avro schema
// as as values of g's Go type.
func goTypeFits(as avro.Schema, g any) bool {
	if l, ok := as.(avro.LogicalTypeSchema); ok && l.Logical() != nil {
		switch g.(type) {
		case time.Time, time.Duration, *big.Rat:
			return true
		}
	}
	switch g.(type) {
	case int:
		return as.Type() == avro.Int
	case int64:
		return as.Type() == avro.Long
	case float32:
		return as.Type() == avro.Float
	case float64:
		return as.Type() == avro.Double
	case bool:
		return as.Type() == avro.Boolean
	case string:
		return as.Type() == avro.String || as.Type() == avro.Enum
	case []byte:
		return as.Type() == avro.Bytes || as.Type() == avro.Fixed
	}
	return false
}

// isMapEntries reports whether an array holds the key/value records of a Connect map.
func isMapEntries(a *avro.ArraySchema) bool {
	rec, ok := avrodata.Deref(a.Items()).(*avro.RecordSchema)
	return ok && len(rec.Fields()) == 2 && rec.Fields()[0].Name() == "key" && rec.Fields()[1].Name() == "value" &&
		strings.HasSuffix(rec.Name(), avrodata.MapEntryName)
}

// sortEntries orders the key/value records of a map by the Avro encoding of their keys.
func sortEntries(item avro.Schema, arr []any) ([]any, error) {
	keySchema := avrodata.Deref(item).(*avro.RecordSchema).Fields()[0].Type()
	type keyed struct {
		key []byte
		rec any
	}
	ks := make([]keyed, len(arr))
	for i, e := range arr {
		m, _ := e.(map[string]any)
		w := avro.NewWriter(nil, 0)
		if err := writeDatum(w, keySchema, m["key"]); err != nil {
			return nil, err
		}
		ks[i] = keyed{key: w.Buffer(), rec: e}
	}
	slices.SortStableFunc(ks, func(a, b keyed) int { return bytes.Compare(a.key, b.key) })
	out := make([]any, len(arr))
	for i, k := range ks {
		out[i] = k.rec
	}
	return out, nil
}
