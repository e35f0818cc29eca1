package datagen

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/connectless/connectless/core/connect"
)

// genFunc generates one value of record i.
type genFunc func(r *rng, i int64) any

// avroTemplate builds a template from an Avro record schema with arg.properties, as
// Confluent's datagen reads schema.string through avro-random-generator. Supported: records,
// enums, arrays, the primitives, ["null", T] unions, the timestamp-millis and date logical
// types; arg.properties options, range (min inclusive, max exclusive), iteration (start, step,
// restart), regex and length.
func avroTemplate(schema string) (*Template, error) {
	dec := json.NewDecoder(strings.NewReader(schema))
	dec.UseNumber()
	var root any
	if err := dec.Decode(&root); err != nil {
		return nil, fmt.Errorf("not JSON: %w", err)
	}
	m, ok := root.(map[string]any)
	if !ok || m["type"] != "record" {
		return nil, errors.New(`the schema must be an Avro record ({"type": "record", ...})`)
	}
	s, gen, err := avroType(m, "")
	if err != nil {
		return nil, err
	}
	return &Template{Name: s.Name, ValueSchema: s, gen: func(r *rng, i int64, _ time.Time) *connect.Struct {
		return gen(r, i).(*connect.Struct)
	}}, nil
}

// avroType compiles one Avro type; path names it in errors.
func avroType(t any, path string) (*connect.Schema, genFunc, error) {
	switch x := t.(type) {
	case string:
		return avroPrimitive(x, nil, "", path)
	case []any:
		return avroUnion(x, path)
	case map[string]any:
		props, _ := x["arg.properties"].(map[string]any)
		switch inner := x["type"].(type) {
		case string:
			switch inner {
			case "record":
				return avroRecord(x, path)
			case "enum":
				return avroEnum(x, props, path)
			case "array":
				return avroArray(x, props, path)
			}
			logical, _ := x["logicalType"].(string)
			return avroPrimitive(inner, props, logical, path)
		case nil:
			return nil, nil, fmt.Errorf("%s: type without a \"type\"", orRoot(path))
		default:
			return avroType(inner, path)
		}
	}
	return nil, nil, fmt.Errorf("%s: unsupported type %v", orRoot(path), t)
}

func orRoot(path string) string {
	if path == "" {
		return "record"
	}
	return "field " + path
}

func avroRecord(m map[string]any, path string) (*connect.Schema, genFunc, error) {
	name, _ := m["name"].(string)
	if ns, _ := m["namespace"].(string); ns != "" && !strings.Contains(name, ".") {
		name = ns + "." + name
	}
	fields, ok := m["fields"].([]any)
	if !ok {
		return nil, nil, fmt.Errorf("%s: a record needs fields", orRoot(path))
	}
	b := connect.StructBuilder().Name(name)
	var gens []genFunc
	var names []string
	for _, f := range fields {
		fm, ok := f.(map[string]any)
		fname, _ := fm["name"].(string)
		if !ok || fname == "" {
			return nil, nil, fmt.Errorf("%s: a field without a name", orRoot(path))
		}
		ft := fm["type"]
		if props, ok := fm["arg.properties"]; ok { // arg.properties on the field applies to its type
			if s, isName := ft.(string); isName {
				ft = map[string]any{"type": s, "arg.properties": props}
			}
		}
		s, g, err := avroType(ft, strings.TrimPrefix(path+"."+fname, "."))
		if err != nil {
			return nil, nil, err
		}
		b.Field(fname, s)
		gens, names = append(gens, g), append(names, fname)
	}
	schema := b.Build()
	return schema, func(r *rng, i int64) any {
		v := connect.NewStruct(schema)
		for k, g := range gens {
			v.MustPut(names[k], g(r, i))
		}
		return v
	}, nil
}

func avroUnion(branches []any, path string) (*connect.Schema, genFunc, error) {
	var other []any
	hasNull := false
	for _, b := range branches {
		if b == "null" {
			hasNull = true
		} else {
			other = append(other, b)
		}
	}
	if !hasNull || len(other) != 1 {
		return nil, nil, fmt.Errorf("%s: only [\"null\", T] unions are supported", orRoot(path))
	}
	s, g, err := avroType(other[0], path)
	if err != nil {
		return nil, nil, err
	}
	opt := *s
	opt.Optional = true
	return &opt, func(r *rng, i int64) any {
		if r.intn(2) == 0 {
			return nil
		}
		return g(r, i)
	}, nil
}

func avroEnum(m map[string]any, props map[string]any, path string) (*connect.Schema, genFunc, error) {
	syms, _ := m["symbols"].([]any)
	var symbols []string
	for _, s := range syms {
		if str, ok := s.(string); ok {
			symbols = append(symbols, str)
		}
	}
	if opts, ok := props["options"].([]any); ok {
		symbols = symbols[:0]
		for _, o := range opts {
			symbols = append(symbols, fmt.Sprint(o))
		}
	}
	if len(symbols) == 0 {
		return nil, nil, fmt.Errorf("%s: an enum needs symbols", orRoot(path))
	}
	return connect.StringSchema(), func(r *rng, _ int64) any { return pick(r, symbols) }, nil
}

func avroArray(m map[string]any, props map[string]any, path string) (*connect.Schema, genFunc, error) {
	s, g, err := avroType(m["items"], path+"[]")
	if err != nil {
		return nil, nil, err
	}
	lo, hi, err := lengthOf(props, 0, 5)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", orRoot(path), err)
	}
	return connect.ArraySchema(s), func(r *rng, i int64) any {
		out := make([]any, r.between(lo, hi))
		for k := range out {
			out[k] = g(r, i)
		}
		return out
	}, nil
}

// lengthOf reads arg.properties length: a number or {min, max} (max exclusive, as
// avro-random-generator), defaulting to [lo, hi].
func lengthOf(props map[string]any, lo, hi int64) (int64, int64, error) {
	switch l := props["length"].(type) {
	case nil:
		return lo, hi, nil
	case json.Number:
		n, err := l.Int64()
		return n, n, err
	case map[string]any:
		min, _ := number(l["min"])
		max, ok := number(l["max"])
		if !ok {
			max = min + 10
		}
		if max <= min {
			return 0, 0, fmt.Errorf("length max %v must exceed min %v", max, min)
		}
		return int64(min), int64(max) - 1, nil
	}
	return 0, 0, fmt.Errorf("length %v is neither a number nor {min, max}", props["length"])
}

func number(v any) (float64, bool) {
	n, ok := v.(json.Number)
	if !ok {
		return 0, false
	}
	f, err := n.Float64()
	return f, err == nil
}

// avroPrimitive compiles a primitive type with its arg.properties.
func avroPrimitive(name string, props map[string]any, logical, path string) (*connect.Schema, genFunc, error) {
	var s *connect.Schema
	switch name {
	case "string":
		s = connect.StringSchema()
	case "int":
		s = connect.Int32Schema()
		if logical == "date" {
			s = connect.DateSchema()
		}
	case "long":
		s = connect.Int64Schema()
		if logical == "timestamp-millis" {
			s = connect.TimestampSchema()
		}
	case "float":
		s = connect.Float32Schema()
	case "double":
		s = connect.Float64Schema()
	case "boolean":
		s = connect.BooleanSchema()
	case "bytes":
		s = connect.BytesSchema()
	default:
		return nil, nil, fmt.Errorf("%s: unsupported type %q", orRoot(path), name)
	}
	raw, err := rawGen(name, props)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", orRoot(path), err)
	}
	conv := convertTo(s)
	return s, func(r *rng, i int64) any { return conv(raw(r, i)) }, nil
}

// rawGen generates values as float64 (numbers), string, bool or []byte from arg.properties.
func rawGen(name string, props map[string]any) (genFunc, error) {
	numeric := name == "int" || name == "long" || name == "float" || name == "double"
	integral := name == "int" || name == "long"
	if opts, ok := props["options"].([]any); ok && len(opts) > 0 {
		vals := make([]any, len(opts))
		for k, o := range opts {
			switch x := o.(type) {
			case json.Number:
				if !numeric {
					return nil, fmt.Errorf("option %v is not a %s", o, name)
				}
				f, _ := x.Float64()
				vals[k] = f
			case string:
				if name == "bytes" {
					vals[k] = []byte(x)
				} else if name != "string" {
					return nil, fmt.Errorf("option %q is not a %s", x, name)
				} else {
					vals[k] = x
				}
			case bool:
				if name != "boolean" {
					return nil, fmt.Errorf("option %v is not a %s", x, name)
				}
				vals[k] = x
			default:
				return nil, fmt.Errorf("option %v of type %T is not supported", o, o)
			}
		}
		return func(r *rng, _ int64) any { return pick(r, vals) }, nil
	}
	if it, ok := props["iteration"].(map[string]any); ok {
		if !numeric {
			return nil, fmt.Errorf("iteration needs a number type, not %s", name)
		}
		start, _ := number(it["start"])
		step, ok := number(it["step"])
		if !ok {
			step = 1
		}
		restart, hasRestart := number(it["restart"])
		return func(_ *rng, i int64) any {
			if hasRestart && step != 0 {
				span := math.Abs((restart - start) / step)
				if span >= 1 {
					return start + step*math.Mod(float64(i), math.Floor(span))
				}
			}
			return start + step*float64(i)
		}, nil
	}
	if rg, ok := props["range"].(map[string]any); ok {
		if !numeric {
			return nil, fmt.Errorf("range needs a number type, not %s", name)
		}
		min, _ := number(rg["min"])
		max, ok := number(rg["max"])
		if !ok {
			max = min + 100
		}
		if max <= min {
			return nil, fmt.Errorf("range max %v must exceed min %v", max, min)
		}
		if integral {
			return func(r *rng, _ int64) any { return float64(r.between(int64(min), int64(max)-1)) }, nil
		}
		return func(r *rng, _ int64) any { return min + r.float()*(max-min) }, nil
	}
	if expr, ok := props["regex"].(string); ok {
		if name != "string" {
			return nil, fmt.Errorf("regex needs a string type, not %s", name)
		}
		re, err := compileRegex(expr)
		if err != nil {
			return nil, err
		}
		return func(r *rng, _ int64) any { return re.generate(r) }, nil
	}
	switch name {
	case "string", "bytes":
		lo, hi, err := lengthOf(props, 8, 16)
		if err != nil {
			return nil, err
		}
		letters := "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
		return func(r *rng, _ int64) any {
			b := make([]byte, r.between(lo, hi))
			for k := range b {
				b[k] = letters[r.intn(len(letters))]
			}
			if name == "bytes" {
				return b
			}
			return string(b)
		}, nil
	case "boolean":
		return func(r *rng, _ int64) any { return r.intn(2) == 1 }, nil
	case "int":
		return func(r *rng, _ int64) any { return float64(r.between(math.MinInt32, math.MaxInt32)) }, nil
	case "long":
		return func(r *rng, _ int64) any { return float64(r.between(0, 1<<53)) }, nil
	}
	return func(r *rng, _ int64) any { return r.float() }, nil
}

// convertTo turns a raw generated value into the Connect value of schema s.
func convertTo(s *connect.Schema) func(any) any {
	switch {
	case s.Name == connect.TimestampName:
		return func(v any) any { return time.UnixMilli(int64(v.(float64))).UTC() }
	case s.Name == connect.DateName:
		return func(v any) any { return connect.DaysToDate(int32(v.(float64))) }
	}
	switch s.Type {
	case connect.TypeInt32:
		return func(v any) any { return int32(v.(float64)) }
	case connect.TypeInt64:
		return func(v any) any { return int64(v.(float64)) }
	case connect.TypeFloat32:
		return func(v any) any { return float32(v.(float64)) }
	case connect.TypeBytes:
		return func(v any) any {
			if s, ok := v.(string); ok {
				return []byte(s)
			}
			return bytes.Clone(v.([]byte))
		}
	}
	return func(v any) any { return v }
}
