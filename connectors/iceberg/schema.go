package iceberg

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"time"

	ice "github.com/apache/iceberg-go"

	"github.com/connectless/connectless/core/connect"
)

// ErrSchema is wrapped by the errors of records whose value does not fit the table: a value
// that is not a struct or map, a field of another type than its column, a missing required
// field. Such records go to error handling (the dead-letter queue with errors.tolerance=all).
var ErrSchema = errors.New("record does not fit the table schema")

// idGen hands out field ids while a schema is built; the catalog assigns the table's own.
type idGen struct{ next int }

func (g *idGen) id() int { g.next++; return g.next }

// connectType maps a Connect schema to an Iceberg type, as the Apache Iceberg sink's
// SchemaUtils does: int8/int16/int32 → int, int64 → long, float32 → float, float64 → double,
// Decimal → decimal(38, scale), Date → date, Time → time, Timestamp → timestamptz,
// bytes → binary, array → list, map → map, struct → struct.
func connectType(s *connect.Schema, g *idGen, forceOptional bool) (ice.Type, error) {
	switch s.Type {
	case connect.TypeBoolean:
		return ice.PrimitiveTypes.Bool, nil
	case connect.TypeInt8, connect.TypeInt16:
		return ice.PrimitiveTypes.Int32, nil
	case connect.TypeInt32:
		switch s.Name {
		case connect.DateName:
			return ice.PrimitiveTypes.Date, nil
		case connect.TimeName:
			return ice.PrimitiveTypes.Time, nil
		}
		return ice.PrimitiveTypes.Int32, nil
	case connect.TypeInt64:
		if s.Name == connect.TimestampName {
			return ice.PrimitiveTypes.TimestampTz, nil
		}
		return ice.PrimitiveTypes.Int64, nil
	case connect.TypeFloat32:
		return ice.PrimitiveTypes.Float32, nil
	case connect.TypeFloat64:
		return ice.PrimitiveTypes.Float64, nil
	case connect.TypeString:
		return ice.PrimitiveTypes.String, nil
	case connect.TypeBytes:
		if s.Name == connect.DecimalName {
			var scale int
			if _, err := fmt.Sscan(s.Parameters[connect.DecimalScaleParam], &scale); err != nil || scale < 0 || scale > 38 {
				return nil, fmt.Errorf("%w: decimal scale %q", ErrSchema, s.Parameters[connect.DecimalScaleParam])
			}
			return ice.DecimalTypeOf(38, scale), nil
		}
		return ice.PrimitiveTypes.Binary, nil
	case connect.TypeArray:
		id := g.id()
		el, err := connectType(s.Value, g, forceOptional)
		if err != nil {
			return nil, err
		}
		return &ice.ListType{ElementID: id, Element: el, ElementRequired: !forceOptional && !s.Value.Optional}, nil
	case connect.TypeMap:
		kid, vid := g.id(), g.id()
		k, err := connectType(s.Key, g, forceOptional)
		if err != nil {
			return nil, err
		}
		v, err := connectType(s.Value, g, forceOptional)
		if err != nil {
			return nil, err
		}
		return &ice.MapType{KeyID: kid, KeyType: k, ValueID: vid, ValueType: v, ValueRequired: !forceOptional && !s.Value.Optional}, nil
	case connect.TypeStruct:
		ids := make([]int, len(s.Fields))
		for i := range s.Fields {
			ids[i] = g.id()
		}
		st := &ice.StructType{}
		for i, f := range s.Fields {
			t, err := connectType(f.Schema, g, forceOptional)
			if err != nil {
				return nil, fmt.Errorf("field %s: %w", f.Name, err)
			}
			st.FieldList = append(st.FieldList, ice.NestedField{ID: ids[i], Name: f.Name, Type: t, Required: !forceOptional && !f.Schema.Optional})
		}
		return st, nil
	}
	return nil, fmt.Errorf("%w: Connect type %q", ErrSchema, s.Type)
}

// inferType infers an Iceberg type from a schemaless value (JsonConverter with
// schemas.enable=false), as the Apache Iceberg sink's SchemaUtils.inferIcebergType does:
// integers → long, other numbers → double, strings → string, booleans → boolean,
// bytes → binary, time.Time → timestamptz, a list → list of its first non-null element's type,
// a map with string keys → struct (fields in key order). Null, and an empty list, give no
// type: the field is left out until a value shows its type. Inferred columns are optional.
func inferType(v any, g *idGen) ice.Type {
	switch x := v.(type) {
	case nil:
		return nil
	case bool:
		return ice.PrimitiveTypes.Bool
	case int, int8, int16, int32, int64:
		return ice.PrimitiveTypes.Int64
	case float32, float64:
		return ice.PrimitiveTypes.Float64
	case string:
		return ice.PrimitiveTypes.String
	case []byte:
		return ice.PrimitiveTypes.Binary
	case time.Time:
		return ice.PrimitiveTypes.TimestampTz
	case connect.Decimal:
		return ice.DecimalTypeOf(38, int(x.Scale))
	case []any:
		for _, e := range x {
			if e != nil {
				id := g.id()
				if el := inferType(e, g); el != nil {
					return &ice.ListType{ElementID: id, Element: el}
				}
				return nil
			}
		}
		return nil
	case map[string]any:
		return inferStruct(x, g)
	case *connect.Struct:
		t, err := connectType(x.Schema(), g, true)
		if err != nil {
			return nil
		}
		return t
	}
	return nil
}

// inferStruct infers a struct type from a schemaless map; fields in key order.
func inferStruct(m map[string]any, g *idGen) *ice.StructType {
	st := &ice.StructType{}
	for _, k := range slices.Sorted(maps.Keys(m)) {
		id := g.id()
		if t := inferType(m[k], g); t != nil {
			st.FieldList = append(st.FieldList, ice.NestedField{ID: id, Name: k, Type: t})
		}
	}
	return st
}

// recordStruct returns the Iceberg struct type of a record value: from its Connect schema,
// or inferred when it has none.
func recordStruct(rec *connect.SinkRecord, forceOptional bool) (*ice.StructType, error) {
	g := &idGen{}
	if rec.ValueSchema != nil {
		if rec.ValueSchema.Type != connect.TypeStruct {
			return nil, fmt.Errorf("%w: value schema is %s, want a struct", ErrSchema, rec.ValueSchema.Type)
		}
		t, err := connectType(rec.ValueSchema, g, forceOptional)
		if err != nil {
			return nil, err
		}
		return t.(*ice.StructType), nil
	}
	switch v := rec.Value.(type) {
	case map[string]any:
		return inferStruct(v, g), nil
	case *connect.Struct:
		t, err := connectType(v.Schema(), g, forceOptional)
		if err != nil {
			return nil, err
		}
		return t.(*ice.StructType), nil
	}
	return nil, fmt.Errorf("%w: value is %T, want a struct or a JSON object", ErrSchema, rec.Value)
}

// newColumns reports whether rec has a field (at any depth) that tbl lacks, or a narrower
// numeric column that the record's type widens (int to long, float to double): the changes
// schema evolution makes.
func newColumns(rec, tbl *ice.StructType) bool {
	for _, f := range rec.FieldList {
		i := slices.IndexFunc(tbl.FieldList, func(t ice.NestedField) bool { return t.Name == f.Name })
		if i < 0 {
			return true
		}
		if evolves(f.Type, tbl.FieldList[i].Type) {
			return true
		}
	}
	return false
}

func evolves(rec, tbl ice.Type) bool {
	switch r := rec.(type) {
	case *ice.StructType:
		if t, ok := tbl.(*ice.StructType); ok {
			return newColumns(r, t)
		}
	case *ice.ListType:
		if t, ok := tbl.(*ice.ListType); ok {
			return evolves(r.Element, t.Element)
		}
	case *ice.MapType:
		if t, ok := tbl.(*ice.MapType); ok {
			return evolves(r.ValueType, t.ValueType)
		}
	default:
		return (rec.Equals(ice.PrimitiveTypes.Int64) && tbl.Equals(ice.PrimitiveTypes.Int32)) ||
			(rec.Equals(ice.PrimitiveTypes.Float64) && tbl.Equals(ice.PrimitiveTypes.Float32))
	}
	return false
}
