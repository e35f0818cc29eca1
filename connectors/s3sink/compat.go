package s3sink

import (
	"fmt"

	"github.com/connectless/connectless/core/connect"
)

// schemaChange reports whether a record's value schema starts new files under
// schema.compatibility, as Confluent's StorageSchemaCompatibility decides for f, the open
// file of its encoded partition (nil when there is none): NONE on any change; BACKWARD and
// FULL when the record's schema version is higher than the file's; FORWARD when it is lower.
// Under the last three, both schemas need a version, and a switch between schema'd and
// schemaless values is refused. Records that stay in the file are projected to its schema
// (projectToFile).
func (t *Task) schemaChange(f *fileSet, rec *connect.SinkRecord) (bool, error) {
	if f == nil || f.count == 0 {
		return false, nil
	}
	cur, next := f.schema, rec.ValueSchema
	if t.cfg.SchemaCompatibility == "NONE" {
		return cur != next && ((cur == nil) != (next == nil) || (cur != nil && rec.Value != nil && !cur.Equal(next))), nil
	}
	if rec.Value == nil || cur == next {
		return false, nil
	}
	if cur == nil || next == nil {
		return false, fmt.Errorf("%w: switch between schema-based and schema-less data is not supported", ErrData)
	}
	if cur.Version == 0 || next.Version == 0 {
		return false, fmt.Errorf("%w: schema version required for %s compatibility", ErrData, t.cfg.SchemaCompatibility)
	}
	if t.cfg.SchemaCompatibility == "FORWARD" {
		return next.Version < cur.Version, nil
	}
	return next.Version > cur.Version, nil
}

// projectToFile returns the record with its value projected to the schema of f, the open
// file it goes to (nil when it starts one), when that schema is another one (a record kept
// in a file of a newer schema under BACKWARD, an older one under FORWARD).
func (t *Task) projectToFile(f *fileSet, rec *connect.SinkRecord) (*connect.SinkRecord, error) {
	if f == nil || rec.Value == nil || f.schema == nil || rec.ValueSchema == nil || f.schema == rec.ValueSchema || f.schema.Equal(rec.ValueSchema) {
		return rec, nil
	}
	v, err := project(rec.Value, rec.ValueSchema, f.schema)
	if err != nil {
		return rec, fmt.Errorf("%w: project value of schema version %d to version %d: %w", ErrData, rec.ValueSchema.Version, f.schema.Version, err)
	}
	out := *rec
	out.ValueSchema, out.Value = f.schema, v
	return &out, nil
}

// project converts a value of schema from to schema to, as Kafka's SchemaProjector does:
// struct fields by name (a field missing from the source takes the target's default, or null
// when optional), numbers widened, arrays and maps element by element.
func project(v any, from, to *connect.Schema) (any, error) {
	if from == to || from.Equal(to) {
		return v, nil
	}
	if v == nil {
		switch {
		case to.Default != nil:
			return to.Default, nil
		case to.Optional:
			return nil, nil
		}
		return nil, fmt.Errorf("null for a required %s", to.Type)
	}
	if from.Name != to.Name || from.Type != to.Type && !widens(from.Type, to.Type) {
		return nil, fmt.Errorf("schema %s %q cannot be projected to %s %q", from.Type, from.Name, to.Type, to.Name)
	}
	switch to.Type {
	case connect.TypeStruct:
		st, ok := v.(*connect.Struct)
		if !ok {
			return nil, fmt.Errorf("%T is not a struct", v)
		}
		out := connect.NewStruct(to)
		for _, tf := range to.Fields {
			var fv any
			if ff, ok := from.Field(tf.Name); ok {
				raw, _ := st.Get(tf.Name)
				var err error
				if fv, err = project(raw, ff.Schema, tf.Schema); err != nil {
					return nil, fmt.Errorf("field %q: %w", tf.Name, err)
				}
			} else if tf.Schema.Default != nil {
				fv = tf.Schema.Default
			} else if !tf.Schema.Optional {
				return nil, fmt.Errorf("required field %q is missing from the source schema", tf.Name)
			}
			if err := out.Put(tf.Name, fv); err != nil {
				return nil, fmt.Errorf("field %q: %w", tf.Name, err)
			}
		}
		return out, nil
	case connect.TypeArray:
		arr, ok := v.([]any)
		if !ok {
			return nil, fmt.Errorf("%T is not an array", v)
		}
		out := make([]any, len(arr))
		for i, e := range arr {
			var err error
			if out[i], err = project(e, from.Value, to.Value); err != nil {
				return nil, err
			}
		}
		return out, nil
	case connect.TypeMap:
		m, ok := v.(map[any]any)
		if !ok {
			return nil, fmt.Errorf("%T is not a map", v)
		}
		out := make(map[any]any, len(m))
		for k, e := range m {
			pk, err := project(k, from.Key, to.Key)
			if err != nil {
				return nil, err
			}
			if out[pk], err = project(e, from.Value, to.Value); err != nil {
				return nil, err
			}
		}
		return out, nil
	}
	return widen(v, to.Type)
}

// numberRank orders the Connect number types by width.
var numberRank = map[connect.Type]int{
	connect.TypeInt8: 1, connect.TypeInt16: 2, connect.TypeInt32: 3, connect.TypeInt64: 4,
	connect.TypeFloat32: 5, connect.TypeFloat64: 6,
}

// widens reports whether numbers of type from promote to type to (Kafka's SchemaProjector).
func widens(from, to connect.Type) bool {
	f, ok1 := numberRank[from]
	t, ok2 := numberRank[to]
	return ok1 && ok2 && f < t
}

// widen converts a number to a wider number type; other values pass unchanged.
func widen(v any, to connect.Type) (any, error) {
	var f float64
	var n int64
	isInt := true
	switch x := v.(type) {
	case int8:
		n = int64(x)
	case int16:
		n = int64(x)
	case int32:
		n = int64(x)
	case int64:
		n = x
	case float32:
		f, isInt = float64(x), false
	case float64:
		f, isInt = x, false
	default:
		return v, nil
	}
	if isInt {
		f = float64(n)
	}
	switch to {
	case connect.TypeInt16:
		return int16(n), nil
	case connect.TypeInt32:
		return int32(n), nil
	case connect.TypeInt64:
		return n, nil
	case connect.TypeFloat32:
		return float32(f), nil
	case connect.TypeFloat64:
		return f, nil
	}
	return v, nil
}
