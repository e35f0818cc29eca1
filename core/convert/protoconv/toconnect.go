package protoconv

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/connectless/connectless/core/connect"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// toConnect maps a message descriptor to a Connect struct schema, as
// ProtobufData.toConnectSchema.
func toConnect(md protoreflect.MessageDescriptor, active map[protoreflect.FullName]bool) (*connect.Schema, error) {
	if active[md.FullName()] {
		return nil, fmt.Errorf("%w: recursive message %s is not supported", ErrSchema, md.FullName())
	}
	active[md.FullName()] = true
	defer delete(active, md.FullName())
	s := &connect.Schema{Type: connect.TypeStruct, Name: string(md.FullName())}
	// As ProtobufData: the oneofs first, each a struct field named <oneof>_<index>, then the
	// other fields; every field carries its number in TagParam.
	oneofs := md.Oneofs()
	for i := 0; i < oneofs.Len(); i++ {
		od := oneofs.Get(i)
		if od.IsSynthetic() {
			continue
		}
		u := &connect.Schema{Type: connect.TypeStruct, Name: UnionName + "." + string(od.Name()), Optional: true}
		for j := 0; j < od.Fields().Len(); j++ {
			m := od.Fields().Get(j)
			ms, err := fieldSchema(m, active)
			if err != nil {
				return nil, fmt.Errorf("oneof %s member %s: %w", od.Name(), m.Name(), err)
			}
			ms.Optional = true
			u.Fields = append(u.Fields, connect.Field{Name: string(m.Name()), Index: j, Schema: ms})
		}
		s.Fields = append(s.Fields, connect.Field{Name: unionFieldName(od), Index: len(s.Fields), Schema: u})
	}
	fields := md.Fields()
	for i := 0; i < fields.Len(); i++ {
		fd := fields.Get(i)
		if od := fd.ContainingOneof(); od != nil && !od.IsSynthetic() {
			continue
		}
		fs, err := fieldSchema(fd, active)
		if err != nil {
			return nil, fmt.Errorf("field %s: %w", fd.Name(), err)
		}
		s.Fields = append(s.Fields, connect.Field{Name: string(fd.Name()), Index: len(s.Fields), Schema: fs})
	}
	return s, nil
}

// unionFieldName names the Connect field of a oneof as ProtobufData: <name>_<index>.
func unionFieldName(od protoreflect.OneofDescriptor) string {
	return string(od.Name()) + "_" + strconv.Itoa(od.Index())
}

// isEntry reports whether md is a map entry written as a plain message (see gen.mapEntry):
// named <Something>Entry with exactly the fields key and value, key not repeated.
func isEntry(md protoreflect.MessageDescriptor) bool {
	f := md.Fields()
	return strings.HasSuffix(string(md.Name()), "Entry") && f.Len() == 2 &&
		f.Get(0).Name() == "key" && f.Get(1).Name() == "value" && !f.Get(0).IsList()
}

func fieldSchema(fd protoreflect.FieldDescriptor, active map[protoreflect.FullName]bool) (*connect.Schema, error) {
	s, err := fieldShape(fd, active)
	if err != nil {
		return nil, err
	}
	s.SetParam(TagParam, strconv.Itoa(int(fd.Number())))
	return s, nil
}

func fieldShape(fd protoreflect.FieldDescriptor, active map[protoreflect.FullName]bool) (*connect.Schema, error) {
	if fd.IsMap() || fd.IsList() && fd.Kind() == protoreflect.MessageKind && isEntry(fd.Message()) {
		var kd, vd protoreflect.FieldDescriptor
		if fd.IsMap() {
			kd, vd = fd.MapKey(), fd.MapValue()
		} else {
			kd, vd = fd.Message().Fields().Get(0), fd.Message().Fields().Get(1)
		}
		k, err := fieldShape(kd, active)
		if err != nil {
			return nil, err
		}
		v, err := fieldShape(vd, active)
		if err != nil {
			return nil, err
		}
		return &connect.Schema{Type: connect.TypeMap, Key: k, Value: v}, nil
	}
	es, err := kindSchema(fd, active)
	if err != nil {
		return nil, err
	}
	if fd.IsList() {
		return &connect.Schema{Type: connect.TypeArray, Value: es}, nil
	}
	if fd.HasPresence() {
		es.Optional = true
	}
	return es, nil
}

func kindSchema(fd protoreflect.FieldDescriptor, active map[protoreflect.FullName]bool) (*connect.Schema, error) {
	switch fd.Kind() {
	case protoreflect.Int32Kind, protoreflect.Sint32Kind, protoreflect.Sfixed32Kind:
		switch fieldMeta(fd)["connect.type"] {
		case "int8":
			return &connect.Schema{Type: connect.TypeInt8}, nil
		case "int16":
			return &connect.Schema{Type: connect.TypeInt16}, nil
		}
		return &connect.Schema{Type: connect.TypeInt32}, nil
	case protoreflect.Uint32Kind, protoreflect.Fixed32Kind, protoreflect.Int64Kind, protoreflect.Sint64Kind,
		protoreflect.Sfixed64Kind, protoreflect.Uint64Kind, protoreflect.Fixed64Kind:
		return &connect.Schema{Type: connect.TypeInt64}, nil
	case protoreflect.FloatKind:
		return &connect.Schema{Type: connect.TypeFloat32}, nil
	case protoreflect.DoubleKind:
		return &connect.Schema{Type: connect.TypeFloat64}, nil
	case protoreflect.BoolKind:
		return &connect.Schema{Type: connect.TypeBoolean}, nil
	case protoreflect.StringKind:
		return &connect.Schema{Type: connect.TypeString}, nil
	case protoreflect.BytesKind:
		return &connect.Schema{Type: connect.TypeBytes}, nil
	case protoreflect.EnumKind:
		ed := fd.Enum()
		s := &connect.Schema{Type: connect.TypeString, Name: string(ed.FullName())}
		s.SetParam(EnumParam, string(ed.Name()))
		for i := 0; i < ed.Values().Len(); i++ {
			v := ed.Values().Get(i)
			s.SetParam(EnumParam+"."+string(v.Name()), strconv.Itoa(int(v.Number())))
		}
		return s, nil
	case protoreflect.MessageKind, protoreflect.GroupKind:
		md := fd.Message()
		switch md.FullName() {
		case "google.protobuf.Timestamp":
			return &connect.Schema{Type: connect.TypeInt64, Name: connect.TimestampName, Version: 1, Optional: true}, nil
		case "google.type.Date":
			return &connect.Schema{Type: connect.TypeInt32, Name: connect.DateName, Version: 1, Optional: true}, nil
		case "google.type.TimeOfDay":
			return &connect.Schema{Type: connect.TypeInt32, Name: connect.TimeName, Version: 1, Optional: true}, nil
		case "confluent.type.Decimal":
			s := &connect.Schema{Type: connect.TypeBytes, Name: connect.DecimalName, Version: 1, Optional: true,
				Parameters: map[string]string{connect.DecimalScaleParam: "0"}}
			for k, v := range fieldMeta(fd) {
				switch k {
				case "scale":
					s.Parameters[connect.DecimalScaleParam] = v
				case "precision":
					s.Parameters["connect.decimal.precision"] = v
				}
			}
			return s, nil
		case "google.protobuf.StringValue":
			return &connect.Schema{Type: connect.TypeString, Optional: true}, nil
		case "google.protobuf.BytesValue":
			return &connect.Schema{Type: connect.TypeBytes, Optional: true}, nil
		case "google.protobuf.BoolValue":
			return &connect.Schema{Type: connect.TypeBoolean, Optional: true}, nil
		case "google.protobuf.Int32Value":
			return &connect.Schema{Type: connect.TypeInt32, Optional: true}, nil
		case "google.protobuf.Int64Value", "google.protobuf.UInt32Value", "google.protobuf.UInt64Value":
			return &connect.Schema{Type: connect.TypeInt64, Optional: true}, nil
		case "google.protobuf.FloatValue":
			return &connect.Schema{Type: connect.TypeFloat32, Optional: true}, nil
		case "google.protobuf.DoubleValue":
			return &connect.Schema{Type: connect.TypeFloat64, Optional: true}, nil
		}
		s, err := toConnect(md, active)
		if err != nil {
			return nil, err
		}
		s.Optional = true
		return s, nil
	}
	return nil, fmt.Errorf("%w: unsupported Protobuf kind %s", ErrSchema, fd.Kind())
}

// fieldMeta returns the params of a field's (confluent.field_meta) option.
func fieldMeta(fd protoreflect.FieldDescriptor) map[string]string {
	out := map[string]string{}
	opts := fd.Options()
	if opts == nil {
		return out
	}
	opts.ProtoReflect().Range(func(xd protoreflect.FieldDescriptor, v protoreflect.Value) bool {
		if xd.FullName() != "confluent.field_meta" || xd.Kind() != protoreflect.MessageKind {
			return true
		}
		meta := v.Message()
		pf := meta.Descriptor().Fields().ByName("params")
		if pf == nil || !pf.IsMap() {
			return true
		}
		meta.Get(pf).Map().Range(func(k protoreflect.MapKey, v protoreflect.Value) bool {
			out[k.String()] = v.String()
			return true
		})
		return true
	})
	return out
}
