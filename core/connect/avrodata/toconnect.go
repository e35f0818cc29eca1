package avrodata

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/connectless/connectless/core/connect"
	"github.com/hamba/avro/v2"
)

// ToConnectSchema converts an Avro schema to a Connect schema, as AvroData.toConnectSchema
// does. Recursive Avro schemas are refused.
func ToConnectSchema(cfg Config, as avro.Schema) (*connect.Schema, error) {
	t := &toBuilder{cfg: cfg, active: map[string]bool{}}
	return t.schema(as, false, nil, false)
}

type toBuilder struct {
	cfg    Config
	active map[string]bool // records being converted, to refuse cycles
}

type propSchema interface{ Prop(string) any }

func prop(as avro.Schema, name string) any {
	if p, ok := as.(propSchema); ok {
		return p.Prop(name)
	}
	return nil
}

func isMapEntry(as avro.Schema) bool {
	rec, ok := deref(as).(*avro.RecordSchema)
	if !ok {
		return false
	}
	return rec.Namespace() == Namespace && rec.Name() == MapEntryName || prop(rec, PropInternalType) == MapEntryName
}

func (t *toBuilder) schema(as avro.Schema, forceOptional bool, fieldDefault any, hasFieldDefault bool) (*connect.Schema, error) {
	as = deref(as)
	s := &connect.Schema{}
	connectType, _ := prop(as, PropConnectType).(string)
	logical := logicalOf(as)
	switch a := as.(type) {
	case *avro.PrimitiveSchema, *avro.FixedSchema:
		switch as.Type() {
		case avro.Boolean:
			s.Type = connect.TypeBoolean
		case avro.Bytes, avro.Fixed:
			s.Type = connect.TypeBytes
			if logical == avro.Decimal {
				d := as.(avro.LogicalTypeSchema).Logical().(*avro.DecimalLogicalSchema)
				s.Name, s.Version = connect.DecimalName, 1
				s.Parameters = map[string]string{connect.DecimalScaleParam: strconv.Itoa(d.Scale())}
				if d.Precision() != DefaultDecimalPrecision {
					s.Parameters[ParamDecimalPrecision] = strconv.Itoa(d.Precision())
				}
			}
			if f, ok := as.(*avro.FixedSchema); ok {
				setParam(s, ParamFixedSize, strconv.Itoa(f.Size()))
			}
		case avro.Double:
			s.Type = connect.TypeFloat64
		case avro.Float:
			s.Type = connect.TypeFloat32
		case avro.Int:
			switch {
			case logical == avro.Date:
				s.Type, s.Name, s.Version = connect.TypeInt32, connect.DateName, 1
			case logical == avro.TimeMillis:
				s.Type, s.Name, s.Version = connect.TypeInt32, connect.TimeName, 1
			case logical == "" && connectType == "int8":
				s.Type = connect.TypeInt8
			case logical == "" && connectType == "int16":
				s.Type = connect.TypeInt16
			case logical == "" && connectType != "":
				return nil, fmt.Errorf("%w: Connect type annotation %q on an Avro int", ErrSchema, connectType)
			default:
				s.Type = connect.TypeInt32
			}
		case avro.Long:
			s.Type = connect.TypeInt64
			if logical == avro.TimestampMillis {
				s.Name, s.Version = connect.TimestampName, 1
			}
		case avro.String:
			s.Type = connect.TypeString
		case avro.Null:
			return nil, fmt.Errorf("%w: standalone null schemas are not supported", ErrSchema)
		default:
			return nil, fmt.Errorf("%w: unsupported Avro type %s", ErrSchema, as.Type())
		}
	case *avro.ArraySchema:
		if isMapEntry(a.Items()) {
			rec := deref(a.Items()).(*avro.RecordSchema)
			if len(rec.Fields()) != 2 || rec.Fields()[0].Name() != "key" || rec.Fields()[1].Name() != "value" {
				return nil, fmt.Errorf("%w: found a map encoded as an array of key-value records, but the records do not have exactly the fields key and value", ErrSchema)
			}
			k, err := t.schema(rec.Fields()[0].Type(), false, nil, false)
			if err != nil {
				return nil, err
			}
			v, err := t.schema(rec.Fields()[1].Type(), false, nil, false)
			if err != nil {
				return nil, err
			}
			s.Type, s.Key, s.Value = connect.TypeMap, k, v
			break
		}
		items, err := t.schema(a.Items(), false, nil, false)
		if err != nil {
			return nil, err
		}
		s.Type, s.Value = connect.TypeArray, items
	case *avro.MapSchema:
		v, err := t.schema(a.Values(), false, nil, false)
		if err != nil {
			return nil, err
		}
		s.Type, s.Key, s.Value = connect.TypeMap, &connect.Schema{Type: connect.TypeString}, v
	case *avro.RecordSchema:
		if t.active[a.FullName()] {
			return nil, fmt.Errorf("%w: recursive record %s is not supported", ErrSchema, a.FullName())
		}
		t.active[a.FullName()] = true
		defer delete(t.active, a.FullName())
		s.Type = connect.TypeStruct
		if t.cfg.ConnectMetaData && a.Doc() != "" {
			setParam(s, RecordDocParam, a.Doc())
		}
		for i, f := range a.Fields() {
			if t.cfg.ConnectMetaData && f.Doc() != "" {
				setParam(s, FieldDocParamPrefix+f.Name(), f.Doc())
			}
			fs, err := t.schema(f.Type(), false, f.Default(), f.HasDefault())
			if err != nil {
				return nil, fmt.Errorf("field %q: %w", f.Name(), err)
			}
			s.Fields = append(s.Fields, connect.Field{Name: f.Name(), Index: i, Schema: fs})
		}
	case *avro.EnumSchema:
		s.Type = connect.TypeString
		if t.cfg.ConnectMetaData {
			if a.Doc() != "" {
				setParam(s, EnumDocParamPrefix+a.Name(), a.Doc())
			}
			if a.HasDefault() {
				setParam(s, EnumDefaultPrefix+a.Name(), a.Default())
			}
		}
		setParam(s, EnumParam, a.FullName())
		for _, sym := range a.Symbols() {
			setParam(s, EnumParam+"."+sym, sym)
		}
	case *avro.UnionSchema:
		types := a.Types()
		if len(types) == 2 && (types[0].Type() == avro.Null) != (types[1].Type() == avro.Null) {
			member := types[0]
			if member.Type() == avro.Null {
				member = types[1]
			}
			return t.schema(member, true, nil, false)
		}
		s.Type, s.Name = connect.TypeStruct, UnionName
		seen := map[string]bool{}
		for _, m := range types {
			if m.Type() == avro.Null {
				s.Optional = true
				continue
			}
			name := t.unionFieldName(m)
			if seen[name] {
				return nil, fmt.Errorf("%w: several union members map to the Connect union field name %q", ErrSchema, name)
			}
			seen[name] = true
			ms, err := t.schema(m, true, nil, false)
			if err != nil {
				return nil, err
			}
			s.Fields = append(s.Fields, connect.Field{Name: name, Index: len(s.Fields), Schema: ms})
		}
		return s, nil
	default:
		return nil, fmt.Errorf("%w: unsupported Avro type %s", ErrSchema, as.Type())
	}
	if err := t.meta(s, as, fieldDefault, hasFieldDefault); err != nil {
		return nil, err
	}
	if forceOptional {
		s.Optional = true
	}
	return s, nil
}

func (t *toBuilder) unionFieldName(m avro.Schema) string {
	m = deref(m)
	if n, ok := m.(avro.NamedSchema); ok {
		if t.cfg.EnhancedSchemaSupport {
			return t.cfg.scrubFull(n.FullName())
		}
		return t.cfg.scrub(n.Name())
	}
	return t.cfg.scrub(string(m.Type()))
}

func setParam(s *connect.Schema, k, v string) { s.SetParam(k, v) }

// meta applies the connect.* properties of as to s: doc, version, parameters, default, name.
func (t *toBuilder) meta(s *connect.Schema, as avro.Schema, fieldDefault any, hasFieldDefault bool) error {
	if doc, ok := prop(as, PropConnectDoc).(string); ok && t.cfg.ConnectMetaData {
		s.Doc = doc
	}
	if v := prop(as, PropConnectVersion); v != nil {
		n, ok := jsonInt(v)
		if !ok {
			return fmt.Errorf("%w: invalid Connect version %v", ErrSchema, v)
		}
		s.Version = int(n)
	}
	if p := prop(as, PropConnectParameters); p != nil && t.cfg.ConnectMetaData {
		m, ok := p.(map[string]any)
		if !ok {
			return fmt.Errorf("%w: expected a JSON object for schema parameters but found %v", ErrSchema, p)
		}
		// The parser gives connect.parameters as a Go map, which keeps no order: take the
		// keys sorted, so the schema is written back the same every time.
		for _, k := range slices.Sorted(maps.Keys(m)) {
			sv, ok := m[k].(string)
			if !ok {
				return fmt.Errorf("%w: expected schema parameter values to be strings but found %v", ErrSchema, m[k])
			}
			setParam(s, k, sv)
		}
	}
	if p, ok := as.(interface{ Props() map[string]any }); ok {
		for k, v := range p.Props() {
			if strings.HasPrefix(k, "avro") {
				if sv, ok := v.(string); ok {
					setParam(s, k, sv)
				} else {
					b, _ := json.Marshal(v)
					setParam(s, k, string(b))
				}
			}
		}
	}
	connectDefault := prop(as, PropConnectDefault)
	def, hasDef := fieldDefault, hasFieldDefault && fieldDefault != nil
	if !hasDef && connectDefault != nil {
		def, hasDef = connectDefault, true
	} else if hasDef && t.cfg.ConnectMetaData && connectDefault == nil {
		setParam(s, FieldDefaultParam, "true")
	}
	if hasDef {
		// An invalid default is ignored, as AvroData does.
		if v, err := defaultFromAvro(s, as, def); err == nil {
			s.Default = v
		}
	}
	name, _ := prop(as, PropConnectName).(string)
	if name == "" {
		if n, ok := as.(avro.NamedSchema); ok {
			name = n.FullName()
		}
	}
	if name != "" && !strings.HasPrefix(name, DefaultRecordFullName) {
		if s.Name != "" && s.Name != name {
			return fmt.Errorf("%w: mismatched names: %q from the logical type differs from %q in the Avro schema", ErrSchema, s.Name, name)
		}
		s.Name = name
	}
	return nil
}

func jsonInt(v any) (int64, bool) {
	switch n := v.(type) {
	case float64:
		return int64(n), n == float64(int64(n))
	case json.Number:
		i, err := n.Int64()
		return i, err == nil
	}
	return toInt64(v)
}
