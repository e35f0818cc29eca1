package convert

import (
	"encoding/json"
	"math/big"
	"strconv"
	"strings"

	"github.com/connectless/connectless/core/connect"
	"github.com/connectless/connectless/core/connect/javacompat"
)

func dataErr(format string, args ...any) error {
	msg := format
	if len(args) > 0 {
		msg = sprintf(format, args...)
	}
	return &connect.DataError{Message: msg}
}

// jsonTypeName is the "type" of a schema in Kafka's JSON schema form.
func jsonTypeName(t connect.Type) string {
	switch t {
	case connect.TypeFloat32:
		return "float"
	case connect.TypeFloat64:
		return "double"
	}
	return string(t)
}

// appendSchema writes a schema as Kafka's JsonConverter.asJsonSchema, keys in its order;
// field, when set, is appended last as a struct field's "field".
func (c *JSONConverter) appendSchema(b []byte, s *connect.Schema, field string) ([]byte, error) {
	if s == nil {
		return append(b, "null"...), nil
	}
	var err error
	b = append(b, `{"type":`...)
	b = javacompat.AppendString(b, jsonTypeName(s.Type))
	switch s.Type {
	case connect.TypeArray:
		b = append(b, `,"items":`...)
		if b, err = c.appendSchema(b, s.Value, ""); err != nil {
			return nil, err
		}
	case connect.TypeMap:
		b = append(b, `,"keys":`...)
		if b, err = c.appendSchema(b, s.Key, ""); err != nil {
			return nil, err
		}
		b = append(b, `,"values":`...)
		if b, err = c.appendSchema(b, s.Value, ""); err != nil {
			return nil, err
		}
	case connect.TypeStruct:
		b = append(b, `,"fields":[`...)
		for i, f := range s.Fields {
			if i > 0 {
				b = append(b, ',')
			}
			if b, err = c.appendSchema(b, f.Schema, f.Name); err != nil {
				return nil, err
			}
		}
		b = append(b, ']')
	}
	b = append(b, `,"optional":`...)
	b = strconv.AppendBool(b, s.Optional)
	if s.Name != "" {
		b = javacompat.AppendString(append(b, `,"name":`...), s.Name)
	}
	if s.Version != 0 {
		b = strconv.AppendInt(append(b, `,"version":`...), int64(s.Version), 10)
	}
	if s.Doc != "" {
		b = javacompat.AppendString(append(b, `,"doc":`...), s.Doc)
	}
	if s.Parameters != nil {
		b = append(b, `,"parameters":{`...)
		for i, k := range s.ParamKeys() {
			if i > 0 {
				b = append(b, ',')
			}
			b = javacompat.AppendString(append(javacompat.AppendString(b, k), ':'), s.Parameters[k])
		}
		b = append(b, '}')
	}
	if s.Default != nil {
		b = append(b, `,"default":`...)
		if b, err = c.enc.AppendConnect(b, s, s.Default); err != nil {
			return nil, err
		}
	}
	if field != "" {
		b = javacompat.AppendString(append(b, `,"field":`...), field)
	}
	return append(b, '}'), nil
}

// nodeType names a decoded JSON node as Jackson's JsonNodeType.
func nodeType(n any) string {
	switch n.(type) {
	case nil:
		return "NULL"
	case bool:
		return "BOOLEAN"
	case json.Number:
		return "NUMBER"
	case string:
		return "STRING"
	case []any:
		return "ARRAY"
	case map[string]any:
		return "OBJECT"
	}
	return "POJO"
}

func isIntegral(n json.Number) bool { return !strings.ContainsAny(string(n), ".eE") }

// longValue is Jackson's longValue: integral numbers wrap to their low 64 bits, others truncate.
func longValue(n any) int64 {
	num, ok := n.(json.Number)
	if !ok {
		return 0
	}
	if isIntegral(num) {
		if v, err := strconv.ParseInt(string(num), 10, 64); err == nil {
			return v
		}
		if bi, ok := new(big.Int).SetString(string(num), 10); ok {
			return int64(new(big.Int).And(bi, new(big.Int).SetUint64(^uint64(0))).Uint64())
		}
		return 0
	}
	f, _ := strconv.ParseFloat(string(num), 64)
	return int64(f)
}

func doubleValue(n any) float64 {
	num, ok := n.(json.Number)
	if !ok {
		return 0
	}
	f, _ := strconv.ParseFloat(string(num), 64)
	return f
}

// schemaless converts a decoded node without schema, reusing maps and slices in place.
func schemaless(n any) any {
	switch x := n.(type) {
	case json.Number:
		if isIntegral(x) {
			return longValue(x)
		}
		return doubleValue(x)
	case []any:
		for i, e := range x {
			x[i] = schemaless(e)
		}
		return x
	case map[string]any:
		for k, e := range x {
			switch e.(type) {
			case json.Number, []any, map[string]any:
				x[k] = schemaless(e)
			}
		}
		return x
	}
	return n
}
