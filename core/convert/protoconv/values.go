package protoconv

import (
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/connectless/connectless/core/connect"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/dynamicpb"
)

// ErrData is returned (wrapped) for a value that does not fit its schema.
var ErrData = errors.New("protobuf data conversion")

// fromConnect fills a new dynamic message of md from a Connect struct.
func fromConnect(md protoreflect.MessageDescriptor, s *connect.Schema, v any) (*dynamicpb.Message, error) {
	st, ok := v.(*connect.Struct)
	if !ok {
		return nil, fmt.Errorf("%w: %T is not a Struct", ErrData, v)
	}
	msg := dynamicpb.NewMessage(md)
	for _, f := range s.Fields {
		fv, _ := st.Get(f.Name)
		if isUnion(f.Schema) {
			if err := setUnion(msg, f, fv); err != nil {
				return nil, err
			}
			continue
		}
		fd := md.Fields().ByName(protoreflect.Name(f.Name))
		if fd == nil {
			return nil, fmt.Errorf("%w: message %s has no field %q", ErrData, md.FullName(), f.Name)
		}
		if fv == nil {
			if !f.Schema.Optional && f.Schema.Type != connect.TypeArray && f.Schema.Type != connect.TypeMap {
				return nil, fmt.Errorf("%w: null value for required field %q", ErrData, f.Name)
			}
			continue
		}
		if err := setField(msg, fd, f.Schema, fv); err != nil {
			return nil, fmt.Errorf("field %q: %w", f.Name, err)
		}
	}
	return msg, nil
}

// setUnion sets the member of a oneof that the union struct v holds (the first non-null one).
func setUnion(msg *dynamicpb.Message, f connect.Field, v any) error {
	if v == nil {
		return nil
	}
	u, ok := v.(*connect.Struct)
	if !ok {
		return fmt.Errorf("%w: field %q: %T is not a union Struct", ErrData, f.Name, v)
	}
	for _, m := range f.Schema.Fields {
		mv, _ := u.Get(m.Name)
		if mv == nil {
			continue
		}
		fd := msg.Descriptor().Fields().ByName(protoreflect.Name(m.Name))
		if fd == nil || fd.ContainingOneof() == nil {
			return fmt.Errorf("%w: message %s has no oneof member %q", ErrData, msg.Descriptor().FullName(), m.Name)
		}
		if err := setField(msg, fd, m.Schema, mv); err != nil {
			return fmt.Errorf("field %q member %q: %w", f.Name, m.Name, err)
		}
		return nil
	}
	return nil
}

func setField(msg *dynamicpb.Message, fd protoreflect.FieldDescriptor, s *connect.Schema, v any) error {
	switch {
	case fd.IsList() && s.Type == connect.TypeMap:
		// A map written as repeated <Field>Entry messages (see gen.mapEntry).
		m, ok := v.(map[any]any)
		if !ok {
			return fmt.Errorf("%w: %T is not a map", ErrData, v)
		}
		l := msg.Mutable(fd).List()
		for k, e := range m {
			entry := l.NewElement().Message().(*dynamicpb.Message)
			kd, vd := entry.Descriptor().Fields().ByName("key"), entry.Descriptor().Fields().ByName("value")
			if k != nil {
				if err := setField(entry, kd, s.Key, k); err != nil {
					return fmt.Errorf("map key: %w", err)
				}
			}
			if e != nil {
				if err := setField(entry, vd, s.Value, e); err != nil {
					return fmt.Errorf("map value: %w", err)
				}
			}
			l.Append(protoreflect.ValueOfMessage(entry))
		}
	case fd.IsMap():
		m, ok := v.(map[any]any)
		if !ok {
			return fmt.Errorf("%w: %T is not a map", ErrData, v)
		}
		pm := msg.Mutable(fd).Map()
		for k, e := range m {
			kv, err := scalarValue(fd.MapKey(), s.Key, k)
			if err != nil {
				return err
			}
			if e == nil {
				continue
			}
			ev, err := value(pm, fd.MapValue(), s.Value, e)
			if err != nil {
				return err
			}
			pm.Set(kv.MapKey(), ev)
		}
	case fd.IsList():
		arr, ok := v.([]any)
		if !ok {
			return fmt.Errorf("%w: %T is not an array", ErrData, v)
		}
		l := msg.Mutable(fd).List()
		for _, e := range arr {
			if e == nil {
				return fmt.Errorf("%w: null array element has no Protobuf form", ErrData)
			}
			ev, err := listValue(l, fd, s.Value, e)
			if err != nil {
				return err
			}
			l.Append(ev)
		}
	default:
		pv, err := value(nil, fd, s, v)
		if err != nil {
			return err
		}
		msg.Set(fd, pv)
	}
	return nil
}

func listValue(l protoreflect.List, fd protoreflect.FieldDescriptor, s *connect.Schema, v any) (protoreflect.Value, error) {
	if fd.Kind() == protoreflect.MessageKind {
		m := l.NewElement().Message().(*dynamicpb.Message)
		if err := fillMessage(m, s, v); err != nil {
			return protoreflect.Value{}, err
		}
		return protoreflect.ValueOfMessage(m), nil
	}
	return scalarValue(fd, s, v)
}

// value converts v for a singular field (or a map value when pm is set).
func value(pm protoreflect.Map, fd protoreflect.FieldDescriptor, s *connect.Schema, v any) (protoreflect.Value, error) {
	if fd.Kind() != protoreflect.MessageKind {
		return scalarValue(fd, s, v)
	}
	var m *dynamicpb.Message
	if pm != nil {
		m = pm.NewValue().Message().(*dynamicpb.Message)
	} else {
		m = dynamicpb.NewMessage(fd.Message())
	}
	if err := fillMessage(m, s, v); err != nil {
		return protoreflect.Value{}, err
	}
	return protoreflect.ValueOfMessage(m), nil
}

func setInt(m *dynamicpb.Message, name string, n int64) {
	fd := m.Descriptor().Fields().ByName(protoreflect.Name(name))
	switch fd.Kind() {
	case protoreflect.Int64Kind:
		m.Set(fd, protoreflect.ValueOfInt64(n))
	case protoreflect.Uint32Kind:
		m.Set(fd, protoreflect.ValueOfUint32(uint32(n)))
	default:
		m.Set(fd, protoreflect.ValueOfInt32(int32(n)))
	}
}

// fillMessage sets a message field's value: a struct, or a logical type's message.
func fillMessage(m *dynamicpb.Message, s *connect.Schema, v any) error {
	switch m.Descriptor().FullName() {
	case "google.protobuf.Timestamp":
		t, ok := v.(time.Time)
		if !ok {
			return fmt.Errorf("%w: %T is not a Timestamp", ErrData, v)
		}
		setInt(m, "seconds", t.Unix())
		setInt(m, "nanos", int64(t.Nanosecond()))
		return nil
	case "google.type.Date":
		t, ok := v.(time.Time)
		if !ok {
			return fmt.Errorf("%w: %T is not a Date", ErrData, v)
		}
		t = t.UTC()
		setInt(m, "year", int64(t.Year()))
		setInt(m, "month", int64(t.Month()))
		setInt(m, "day", int64(t.Day()))
		return nil
	case "google.type.TimeOfDay":
		t, ok := v.(time.Time)
		if !ok {
			return fmt.Errorf("%w: %T is not a Time", ErrData, v)
		}
		t = t.UTC()
		setInt(m, "hours", int64(t.Hour()))
		setInt(m, "minutes", int64(t.Minute()))
		setInt(m, "seconds", int64(t.Second()))
		setInt(m, "nanos", int64(t.Nanosecond()/1e6*1e6))
		return nil
	case "confluent.type.Decimal":
		d, ok := v.(connect.Decimal)
		if !ok {
			return fmt.Errorf("%w: %T is not a Decimal", ErrData, v)
		}
		m.Set(m.Descriptor().Fields().ByName("value"), protoreflect.ValueOfBytes(d.Bytes()))
		if p, err := strconv.Atoi(s.Parameters["connect.decimal.precision"]); err == nil {
			setInt(m, "precision", int64(p))
		}
		setInt(m, "scale", int64(d.Scale))
		return nil
	}
	st, ok := v.(*connect.Struct)
	if !ok {
		return fmt.Errorf("%w: %T is not a Struct", ErrData, v)
	}
	filled, err := fromConnect(m.Descriptor(), st.Schema(), st)
	if err != nil {
		return err
	}
	filled.Range(func(fd protoreflect.FieldDescriptor, v protoreflect.Value) bool {
		m.Set(fd, v)
		return true
	})
	return nil
}

func scalarValue(fd protoreflect.FieldDescriptor, s *connect.Schema, v any) (protoreflect.Value, error) {
	bad := func() (protoreflect.Value, error) {
		return protoreflect.Value{}, fmt.Errorf("%w: %T does not fit Protobuf %s", ErrData, v, fd.Kind())
	}
	n, isInt := connect.IntValue(v)
	switch fd.Kind() {
	case protoreflect.Int32Kind, protoreflect.Sint32Kind, protoreflect.Sfixed32Kind:
		if !isInt {
			return bad()
		}
		return protoreflect.ValueOfInt32(int32(n)), nil
	case protoreflect.Int64Kind, protoreflect.Sint64Kind, protoreflect.Sfixed64Kind:
		if !isInt {
			return bad()
		}
		return protoreflect.ValueOfInt64(n), nil
	case protoreflect.Uint32Kind, protoreflect.Fixed32Kind:
		if !isInt {
			return bad()
		}
		return protoreflect.ValueOfUint32(uint32(n)), nil
	case protoreflect.Uint64Kind, protoreflect.Fixed64Kind:
		if !isInt {
			return bad()
		}
		return protoreflect.ValueOfUint64(uint64(n)), nil
	case protoreflect.FloatKind:
		switch f := v.(type) {
		case float32:
			return protoreflect.ValueOfFloat32(f), nil
		case float64:
			return protoreflect.ValueOfFloat32(float32(f)), nil
		}
	case protoreflect.DoubleKind:
		switch f := v.(type) {
		case float64:
			return protoreflect.ValueOfFloat64(f), nil
		case float32:
			return protoreflect.ValueOfFloat64(float64(f)), nil
		}
	case protoreflect.BoolKind:
		if b, ok := v.(bool); ok {
			return protoreflect.ValueOfBool(b), nil
		}
	case protoreflect.StringKind:
		if str, ok := v.(string); ok {
			return protoreflect.ValueOfString(str), nil
		}
	case protoreflect.BytesKind:
		if b, ok := v.([]byte); ok {
			return protoreflect.ValueOfBytes(b), nil
		}
	case protoreflect.EnumKind:
		str, ok := v.(string)
		if !ok {
			return bad()
		}
		ev := fd.Enum().Values().ByName(protoreflect.Name(str))
		if ev == nil {
			return protoreflect.Value{}, fmt.Errorf("%w: %q is not a value of enum %s", ErrData, str, fd.Enum().FullName())
		}
		return protoreflect.ValueOfEnum(ev.Number()), nil
	}
	return bad()
}

// toConnectValue reads a dynamic message into a Connect struct of s (made by toConnect).
func toConnectValue(s *connect.Schema, msg protoreflect.Message) (*connect.Struct, error) {
	st := connect.NewStruct(s)
	md := msg.Descriptor()
	for _, f := range s.Fields {
		if isUnion(f.Schema) {
			u, err := unionValue(f, msg)
			if err != nil {
				return nil, err
			}
			if u != nil {
				st.MustPut(f.Name, u)
			}
			continue
		}
		fd := md.Fields().ByName(protoreflect.Name(f.Name))
		if fd == nil {
			continue
		}
		if !fd.IsList() && !fd.IsMap() && fd.HasPresence() && !msg.Has(fd) {
			continue
		}
		v, err := fieldValue(f.Schema, fd, msg.Get(fd))
		if err != nil {
			return nil, fmt.Errorf("field %q: %w", f.Name, err)
		}
		st.MustPut(f.Name, v)
	}
	return st, nil
}

// unionValue reads the oneof that stands for union field f (named as unionFieldName): a
// union struct with its set member, or nil when none is set.
func unionValue(f connect.Field, msg protoreflect.Message) (*connect.Struct, error) {
	oneofs := msg.Descriptor().Oneofs()
	for i := 0; i < oneofs.Len(); i++ {
		od := oneofs.Get(i)
		if od.IsSynthetic() || unionFieldName(od) != f.Name {
			continue
		}
		set := msg.WhichOneof(od)
		if set == nil {
			return nil, nil
		}
		ms, ok := f.Schema.Field(string(set.Name()))
		if !ok {
			return nil, fmt.Errorf("%w: oneof %s member %s is not in the schema", ErrData, od.Name(), set.Name())
		}
		v, err := fieldValue(ms.Schema, set, msg.Get(set))
		if err != nil {
			return nil, fmt.Errorf("oneof %s: %w", od.Name(), err)
		}
		return connect.NewStruct(f.Schema).MustPut(ms.Name, v), nil
	}
	return nil, nil
}

// fieldValue reads the value v of field fd as schema s: a map, an array or a single value.
func fieldValue(s *connect.Schema, fd protoreflect.FieldDescriptor, v protoreflect.Value) (any, error) {
	switch {
	case fd.IsMap():
		out := map[any]any{}
		var err error
		v.Map().Range(func(k protoreflect.MapKey, e protoreflect.Value) bool {
			var kv, ev any
			if kv, err = scalarOut(s.Key, fd.MapKey(), k.Value()); err != nil {
				return false
			}
			if ev, err = singular(s.Value, fd.MapValue(), e); err != nil {
				return false
			}
			out[kv] = ev
			return true
		})
		if err != nil {
			return nil, err
		}
		return out, nil
	case fd.IsList() && s.Type == connect.TypeMap:
		l := v.List()
		out := make(map[any]any, l.Len())
		for i := range l.Len() {
			entry := l.Get(i).Message()
			kd, vd := entry.Descriptor().Fields().Get(0), entry.Descriptor().Fields().Get(1)
			k, err := entryField(s.Key, kd, entry)
			if err != nil {
				return nil, fmt.Errorf("map key: %w", err)
			}
			e, err := entryField(s.Value, vd, entry)
			if err != nil {
				return nil, fmt.Errorf("map value: %w", err)
			}
			out[k] = e
		}
		return out, nil
	case fd.IsList():
		l := v.List()
		out := make([]any, l.Len())
		for i := range l.Len() {
			e, err := singular(s.Value, fd, l.Get(i))
			if err != nil {
				return nil, err
			}
			out[i] = e
		}
		return out, nil
	}
	return singular(s, fd, v)
}

// entryField reads the key or value of a map entry message: null when a field with presence
// is not set.
func entryField(s *connect.Schema, fd protoreflect.FieldDescriptor, entry protoreflect.Message) (any, error) {
	if !fd.IsList() && !fd.IsMap() && fd.HasPresence() && !entry.Has(fd) {
		return nil, nil
	}
	return fieldValue(s, fd, entry.Get(fd))
}

func intField(m protoreflect.Message, name string) int64 {
	fd := m.Descriptor().Fields().ByName(protoreflect.Name(name))
	if fd == nil {
		return 0
	}
	v := m.Get(fd)
	switch fd.Kind() {
	case protoreflect.Int64Kind, protoreflect.Sint64Kind, protoreflect.Sfixed64Kind:
		return v.Int()
	case protoreflect.Uint32Kind, protoreflect.Uint64Kind, protoreflect.Fixed32Kind, protoreflect.Fixed64Kind:
		return int64(v.Uint())
	}
	return v.Int()
}

func singular(s *connect.Schema, fd protoreflect.FieldDescriptor, v protoreflect.Value) (any, error) {
	if fd.Kind() != protoreflect.MessageKind && fd.Kind() != protoreflect.GroupKind {
		return scalarOut(s, fd, v)
	}
	m := v.Message()
	switch m.Descriptor().FullName() {
	case "google.protobuf.Timestamp":
		return time.Unix(intField(m, "seconds"), intField(m, "nanos")).UTC(), nil
	case "google.type.Date":
		return time.Date(int(intField(m, "year")), time.Month(intField(m, "month")), int(intField(m, "day")), 0, 0, 0, 0, time.UTC), nil
	case "google.type.TimeOfDay":
		ms := ((intField(m, "hours")*60+intField(m, "minutes"))*60+intField(m, "seconds"))*1000 + intField(m, "nanos")/1e6
		return time.UnixMilli(ms).UTC(), nil
	case "confluent.type.Decimal":
		b := m.Get(m.Descriptor().Fields().ByName("value")).Bytes()
		return connect.DecimalFromBytes(b, int32(intField(m, "scale"))), nil
	}
	if s.Type != connect.TypeStruct {
		// A wrapper (google.protobuf.Int32Value, ...): its value field.
		vf := m.Descriptor().Fields().ByName("value")
		if vf == nil {
			return nil, fmt.Errorf("%w: message %s for a %s", ErrData, m.Descriptor().FullName(), s.Type)
		}
		return scalarOut(s, vf, m.Get(vf))
	}
	return toConnectValue(s, m)
}

func scalarOut(s *connect.Schema, fd protoreflect.FieldDescriptor, v protoreflect.Value) (any, error) {
	switch fd.Kind() {
	case protoreflect.EnumKind:
		if ev := fd.Enum().Values().ByNumber(v.Enum()); ev != nil {
			return string(ev.Name()), nil
		}
		return strconv.Itoa(int(v.Enum())), nil
	case protoreflect.Uint32Kind, protoreflect.Fixed32Kind, protoreflect.Uint64Kind, protoreflect.Fixed64Kind:
		return int64(v.Uint()), nil
	}
	switch s.Type {
	case connect.TypeInt8, connect.TypeInt16, connect.TypeInt32, connect.TypeInt64:
		return connect.IntOf(s.Type, v.Int()), nil
	case connect.TypeFloat32:
		return float32(v.Float()), nil
	case connect.TypeFloat64:
		return v.Float(), nil
	case connect.TypeBoolean:
		return v.Bool(), nil
	case connect.TypeString:
		return v.String(), nil
	case connect.TypeBytes:
		return append([]byte(nil), v.Bytes()...), nil
	}
	return nil, fmt.Errorf("%w: Protobuf %s for a %s", ErrData, fd.Kind(), s.Type)
}
