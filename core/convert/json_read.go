package convert

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/connectless/connectless/core/connect"
)

func sprintf(format string, args ...any) string { return fmt.Sprintf(format, args...) }

// toConnectSchema parses a schema in Kafka's JSON form (JsonConverter.asConnectSchema).
func (c *JSONConverter) toConnectSchema(n any) (*connect.Schema, error) {
	if n == nil {
		return nil, nil
	}
	obj, _ := n.(map[string]any)
	typ, ok := obj["type"].(string)
	if !ok {
		return nil, dataErr("Schema must contain 'type' field")
	}
	s := &connect.Schema{}
	switch typ {
	case "boolean", "int8", "int16", "int32", "int64", "bytes", "string":
		s.Type = connect.Type(typ)
	case "float":
		s.Type = connect.TypeFloat32
	case "double":
		s.Type = connect.TypeFloat64
	case "array":
		items, ok := obj["items"]
		if !ok || items == nil {
			return nil, dataErr("Array schema did not specify the element type")
		}
		elem, err := c.toConnectSchema(items)
		if err != nil {
			return nil, err
		}
		s.Type, s.Value = connect.TypeArray, elem
	case "map":
		kn, ok := obj["keys"]
		if !ok || kn == nil {
			return nil, dataErr("Map schema did not specify the key type")
		}
		vn, ok := obj["values"]
		if !ok || vn == nil {
			return nil, dataErr("Map schema did not specify the value type")
		}
		k, err := c.toConnectSchema(kn)
		if err != nil {
			return nil, err
		}
		v, err := c.toConnectSchema(vn)
		if err != nil {
			return nil, err
		}
		s.Type, s.Key, s.Value = connect.TypeMap, k, v
	case "struct":
		fields, ok := obj["fields"].([]any)
		if !ok {
			return nil, dataErr(`Struct schema's "fields" argument is not an array.`)
		}
		s.Type = connect.TypeStruct
		for _, fn := range fields {
			fo, _ := fn.(map[string]any)
			name, ok := fo["field"].(string)
			if !ok {
				return nil, dataErr("Struct schema's field name not specified properly")
			}
			if _, dup := s.Field(name); dup {
				return nil, dataErr("Cannot create field because of field name duplication %s", name)
			}
			fs, err := c.toConnectSchema(fn)
			if err != nil {
				return nil, err
			}
			s.Fields = append(s.Fields, connect.Field{Name: name, Index: len(s.Fields), Schema: fs})
		}
	default:
		return nil, dataErr("Unknown schema type: %s", typ)
	}
	if opt, ok := obj["optional"].(bool); ok && opt {
		s.Optional = true
	}
	if name, ok := obj["name"].(string); ok {
		s.Name = name
	}
	if v, ok := obj["version"].(json.Number); ok && isIntegral(v) {
		s.Version = int(int32(longValue(v)))
	}
	if doc, ok := obj["doc"].(string); ok {
		s.Doc = doc
	}
	if params, ok := obj["parameters"].(map[string]any); ok {
		s.Parameters = make(map[string]string, len(params))
		for k, v := range params {
			str, ok := v.(string)
			if !ok {
				return nil, dataErr("Schema parameters must have string values.")
			}
			s.Parameters[k] = str
		}
	}
	if dn, ok := obj["default"]; ok {
		d, err := c.toConnect(s, dn)
		if err != nil {
			return nil, err
		}
		s.Default = d
	}
	return s, nil
}

// toConnect converts a decoded JSON node with a schema (JsonConverter.convertToConnect).
func (c *JSONConverter) toConnect(s *connect.Schema, n any) (any, error) {
	if s == nil {
		return schemaless(n), nil
	}
	if n == nil {
		switch {
		case s.Default != nil && !c.enc.KeepNull:
			return s.Default, nil
		case s.Optional:
			return nil, nil
		}
		return nil, dataErr("Invalid null value for required %s field", strings.ToUpper(string(s.Type)))
	}
	v, err := c.toConnectType(s, n)
	if err != nil || s.Name == "" {
		return v, err
	}
	return toLogical(s, v)
}

func (c *JSONConverter) toConnectType(s *connect.Schema, n any) (any, error) {
	switch s.Type {
	case connect.TypeBoolean:
		b, _ := n.(bool)
		return b, nil
	case connect.TypeInt8:
		return int8(longValue(n)), nil
	case connect.TypeInt16:
		return int16(longValue(n)), nil
	case connect.TypeInt32:
		return int32(longValue(n)), nil
	case connect.TypeInt64:
		return longValue(n), nil
	case connect.TypeFloat32:
		return float32(doubleValue(n)), nil
	case connect.TypeFloat64:
		return doubleValue(n), nil
	case connect.TypeString:
		if str, ok := n.(string); ok {
			return str, nil
		}
		return nil, nil
	case connect.TypeBytes:
		switch x := n.(type) {
		case string:
			b, err := base64.StdEncoding.DecodeString(x)
			if err != nil {
				return nil, &connect.DataError{Message: "Invalid bytes field", Err: err}
			}
			return b, nil
		case json.Number:
			d, err := connect.ParseDecimal(string(x))
			if err != nil {
				return nil, &connect.DataError{Message: "Invalid bytes field", Err: err}
			}
			return d, nil
		}
		return nil, nil
	case connect.TypeArray:
		l, _ := n.([]any)
		out := make([]any, 0, len(l))
		for _, e := range l {
			v, err := c.toConnect(s.Value, e)
			if err != nil {
				return nil, err
			}
			out = append(out, v)
		}
		return out, nil
	case connect.TypeMap:
		out := map[any]any{}
		if s.Key == nil || s.Key.Type == connect.TypeString {
			obj, ok := n.(map[string]any)
			if !ok {
				return nil, dataErr("Maps with string fields should be encoded as JSON objects, but found %s", nodeType(n))
			}
			for k, e := range obj {
				v, err := c.toConnect(s.Value, e)
				if err != nil {
					return nil, err
				}
				out[k] = v
			}
			return out, nil
		}
		l, ok := n.([]any)
		if !ok {
			return nil, dataErr("Maps with non-string fields should be encoded as JSON array of tuples, but found %s", nodeType(n))
		}
		for _, e := range l {
			pair, ok := e.([]any)
			if !ok {
				return nil, dataErr("Found invalid map entry instead of array tuple: %s", nodeType(e))
			}
			if len(pair) != 2 {
				return nil, dataErr("Found invalid map entry, expected length 2 but found :%d", len(pair))
			}
			k, err := c.toConnect(s.Key, pair[0])
			if err != nil {
				return nil, err
			}
			v, err := c.toConnect(s.Value, pair[1])
			if err != nil {
				return nil, err
			}
			out[k] = v
		}
		return out, nil
	case connect.TypeStruct:
		obj, ok := n.(map[string]any)
		if !ok {
			return nil, dataErr("Structs should be encoded as JSON objects, but found %s", nodeType(n))
		}
		st := connect.NewStruct(s)
		for _, f := range s.Fields {
			v, err := c.toConnect(f.Schema, obj[f.Name])
			if err != nil {
				return nil, err
			}
			if v != nil {
				if err := st.Put(f.Name, v); err != nil {
					return nil, &connect.DataError{Message: "Invalid struct field", Err: err}
				}
			}
		}
		return st, nil
	}
	return nil, dataErr("Unknown schema type: %s", s.Type)
}

// toLogical applies a logical type's conversion to a converted value.
func toLogical(s *connect.Schema, v any) (any, error) {
	switch s.Name {
	case connect.DecimalName:
		switch x := v.(type) {
		case connect.Decimal:
			return x, nil
		case []byte:
			scale, err := connect.DecimalScale(s)
			if err != nil {
				return nil, err
			}
			return connect.DecimalFromBytes(x, scale), nil
		}
		return nil, dataErr("Invalid type for Decimal, underlying representation should be numeric or bytes but was %s", connect.JavaClassName(v))
	case connect.DateName:
		d, ok := v.(int32)
		if !ok {
			return nil, dataErr("Invalid type for Date, underlying representation should be integer but was %s", connect.JavaClassName(v))
		}
		return connect.DaysToDate(d), nil
	case connect.TimeName:
		ms, ok := v.(int32)
		if !ok {
			return nil, dataErr("Invalid type for Time, underlying representation should be integer but was %s", connect.JavaClassName(v))
		}
		return connect.MillisToTime(ms)
	case connect.TimestampName:
		ms, ok := v.(int64)
		if !ok {
			return nil, dataErr("Invalid type for Timestamp, underlying representation should be integral but was %s", connect.JavaClassName(v))
		}
		return timeFromMillis(ms), nil
	}
	return v, nil
}

func timeFromMillis(ms int64) time.Time { return time.UnixMilli(ms).UTC() }
