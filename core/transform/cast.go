package transform

import (
	"encoding/base64"
	"math"
	"math/big"
	"strconv"
	"strings"
	"time"

	"github.com/connectless/connectless/core/connect"
	"github.com/connectless/connectless/core/connect/javacompat"
)

const castPurpose = "cast types"

var (
	castInputTypes  = []connect.Type{connect.TypeInt8, connect.TypeInt16, connect.TypeInt32, connect.TypeInt64, connect.TypeFloat32, connect.TypeFloat64, connect.TypeBoolean, connect.TypeString, connect.TypeBytes}
	castOutputTypes = castInputTypes[:8]
)

func typeList(ts []connect.Type) string {
	parts := make([]string, len(ts))
	for i, t := range ts {
		parts[i] = upperType(t)
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

func supported(ts []connect.Type, t connect.Type) bool {
	for _, x := range ts {
		if x == t {
			return true
		}
	}
	return false
}

// Cast is Kafka's Cast$Key / Cast$Value: it casts fields, or the whole key or value, to
// another primitive type.
type Cast struct {
	base
	side        side
	casts       map[string]connect.Type // field → target type
	whole       connect.Type            // set when the whole value is cast
	replaceNull bool
	cache       schemaCache
}

func newCast(s side) *Cast {
	return &Cast{side: s, base: base{def: newDef([]connect.ConfigKey{
		{Name: "spec", Type: connect.ConfigList, Required: true, Importance: connect.High, Validator: castSpecValidator(),
			Doc: "List of fields and the type to cast them to of the form field1:type,field2:type to cast fields of Maps or Structs. A single type to cast the entire value. Valid types are int8, int16, int32, int64, float32, float64, boolean, and string. Required. Mirrors Kafka Connect's Cast spec."},
		replaceNullKey(),
	})}}
}

func castSpecValidator() connect.ConfigValidator {
	return connect.ValidatorFunc(func(name string, v any) error {
		l, _ := v.([]string)
		_, _, err := parseCastSpec(l)
		return err
	}, "list of colon-delimited pairs, e.g. foo:bar,abc:xyz")
}

func parseCastType(s string) (connect.Type, error) {
	t := connect.Type(strings.ToLower(strings.TrimSpace(s)))
	switch t {
	case connect.TypeInt8, connect.TypeInt16, connect.TypeInt32, connect.TypeInt64, connect.TypeFloat32, connect.TypeFloat64,
		connect.TypeBoolean, connect.TypeString, connect.TypeBytes, connect.TypeArray, connect.TypeMap, connect.TypeStruct:
	default:
		return "", configErr("Invalid type found in casting spec: %s", strings.TrimSpace(s))
	}
	if !supported(castOutputTypes, t) {
		return "", configErr("Cast transformation does not support casting to %s; supported types are %s", upperType(t), typeList(castOutputTypes))
	}
	return t, nil
}

// parseCastSpec is Cast.parseFieldTypes.
func parseCastSpec(mappings []string) (map[string]connect.Type, connect.Type, error) {
	m := map[string]connect.Type{}
	var whole connect.Type
	for _, mapping := range mappings {
		parts := javaSplit(mapping, ":")
		switch {
		case len(parts) > 2:
			return nil, "", invalidValue("renames", mappings, "Invalid rename mapping: "+mapping)
		case len(parts) <= 1:
			p := ""
			if len(parts) == 1 {
				p = parts[0]
			}
			t, err := parseCastType(p)
			if err != nil {
				return nil, "", err
			}
			whole = t
		default:
			t, err := parseCastType(parts[1])
			if err != nil {
				return nil, "", err
			}
			m[strings.TrimSpace(parts[0])] = t
		}
	}
	if whole != "" && len(mappings) > 1 {
		return nil, "", configErr("Cast transformations that specify a type to cast the entire value to may only specify a single cast in their spec")
	}
	return m, whole, nil
}

// Configure parses Cast's keys.
func (t *Cast) Configure(props map[string]string) error {
	c, err := parseConfig(t.def, props)
	if err != nil {
		return err
	}
	if t.casts, t.whole, err = parseCastSpec(c.list("spec")); err != nil {
		return err
	}
	t.replaceNull = c.boolean("replace.null.with.default")
	return nil
}

// Apply casts; a null key/value passes unchanged.
func (t *Cast) Apply(r *connect.Record) (*connect.Record, error) {
	v, s := t.side.value(r), t.side.schema(r)
	if v == nil {
		return r, nil
	}
	if s == nil {
		if t.whole != "" {
			cv, err := castValue(nil, v, t.whole)
			if err != nil {
				return nil, err
			}
			return t.side.with(r, nil, cv), nil
		}
		m, err := requireMap(v, castPurpose)
		if err != nil {
			return nil, err
		}
		out := cloneMap(m, len(t.casts))
		for f, typ := range t.casts {
			cv, err := castValue(nil, m[f], typ)
			if err != nil {
				return nil, err
			}
			out[f] = cv
		}
		return t.side.with(r, nil, out), nil
	}
	us, err := t.updatedSchema(s)
	if err != nil {
		return nil, err
	}
	if t.whole != "" {
		cv, err := castValue(s, v, t.whole)
		if err != nil {
			return nil, err
		}
		return t.side.with(r, us, cv), nil
	}
	st, err := requireStruct(v, castPurpose)
	if err != nil {
		return nil, err
	}
	out := connect.NewStruct(us)
	for _, f := range st.Schema().Fields {
		fv := getField(st, f.Name, t.replaceNull)
		if typ, ok := t.casts[f.Name]; ok {
			if fv, err = castValue(f.Schema, fv, typ); err != nil {
				return nil, err
			}
		}
		if err := put(out, f.Name, fv); err != nil {
			return nil, err
		}
	}
	return t.side.with(r, us, out), nil
}

func (t *Cast) updatedSchema(s *connect.Schema) (*connect.Schema, error) {
	if u := t.cache.get(s); u != nil {
		return u, nil
	}
	var u *connect.Schema
	if t.whole != "" {
		u = copySchemaBasics(s, t.whole)
	} else {
		if s.Type != connect.TypeStruct {
			return nil, dataErr("Cannot list fields on non-struct type")
		}
		u = copySchemaBasics(s, connect.TypeStruct)
		for _, f := range s.Fields {
			fs := f.Schema
			if typ, ok := t.casts[f.Name]; ok {
				fs = &connect.Schema{Type: typ, Optional: f.Schema.Optional}
				if f.Schema.Default != nil {
					d, err := castValue(f.Schema, f.Schema.Default, typ)
					if err != nil {
						return nil, err
					}
					fs.Default = d
				}
			}
			if err := addField(u, f.Name, fs); err != nil {
				return nil, err
			}
		}
	}
	u.Optional = s.Optional
	if s.Default != nil {
		d, err := castDefault(s, u, t)
		if err != nil {
			return nil, err
		}
		u.Default = d
	}
	t.cache.put(s, u)
	return u, nil
}

func castDefault(s, u *connect.Schema, t *Cast) (any, error) {
	if t.whole != "" {
		return castValue(s, s.Default, u.Type)
	}
	return nil, dataErr("Cast transformation does not support casting from %s; supported types are %s", upperType(s.Type), typeList(castInputTypes))
}

// castValue is Cast.castValueToType.
func castValue(s *connect.Schema, v any, target connect.Type) (any, error) {
	if v == nil {
		return nil, nil
	}
	var in connect.Type
	if s == nil {
		t, ok := connect.InferType(v)
		if !ok {
			return nil, dataErr("Cast transformation was passed a value of type %s which is not supported by Connect's data API", javaClassString(v))
		}
		in = t
	} else {
		in = s.Type
	}
	if !supported(castInputTypes, in) {
		return nil, dataErr("Cast transformation does not support casting from %s; supported types are %s", upperType(in), typeList(castInputTypes))
	}
	if s != nil && s.Name != "" && target != connect.TypeString {
		v = encodeLogical(s, v)
	}
	out, err := castTo(v, target)
	if err != nil {
		return nil, err
	}
	return out, nil
}

// encodeLogical turns Date, Time and Timestamp values into their numeric encoding.
func encodeLogical(s *connect.Schema, v any) any {
	tm, ok := v.(time.Time)
	if !ok {
		return v
	}
	ms := tm.UnixMilli()
	switch s.Name {
	case connect.DateName:
		return int32(floorDiv(ms, millisPerDay))
	case connect.TimeName:
		return int32(ms - floorDiv(ms, millisPerDay)*millisPerDay)
	case connect.TimestampName:
		return ms
	}
	return v
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

// number is a Java Number's view of a value: long and double forms.
type number struct {
	isFloat bool
	i       int64
	f       float64
}

func asNumber(v any) (number, bool) {
	switch x := v.(type) {
	case int8:
		return number{i: int64(x), f: float64(x)}, true
	case int16:
		return number{i: int64(x), f: float64(x)}, true
	case int32:
		return number{i: int64(x), f: float64(x)}, true
	case int64:
		return number{i: x, f: float64(x)}, true
	case int:
		return number{i: int64(x), f: float64(x)}, true
	case float32:
		return number{isFloat: true, i: javaD2L(float64(x)), f: float64(x)}, true
	case float64:
		return number{isFloat: true, i: javaD2L(x), f: x}, true
	case connect.Decimal:
		r := new(big.Rat).SetInt(x.Unscaled)
		if x.Scale > 0 {
			r.Quo(r, new(big.Rat).SetInt(new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(x.Scale)), nil)))
		} else if x.Scale < 0 {
			r.Mul(r, new(big.Rat).SetInt(new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(-x.Scale)), nil)))
		}
		f, _ := r.Float64()
		q := new(big.Int).Quo(r.Num(), r.Denom())
		return number{isFloat: true, i: q.Int64(), f: f}, true
	}
	return number{}, false
}

// javaD2L is Java's (long) cast of a double: truncation, saturation, NaN → 0.
func javaD2L(f float64) int64 {
	switch {
	case math.IsNaN(f):
		return 0
	case f >= math.MaxInt64:
		return math.MaxInt64
	case f <= math.MinInt64:
		return math.MinInt64
	}
	return int64(f)
}

// javaD2I is Java's (int) cast of a double.
func javaD2I(f float64) int32 {
	switch {
	case math.IsNaN(f):
		return 0
	case f >= math.MaxInt32:
		return math.MaxInt32
	case f <= math.MinInt32:
		return math.MinInt32
	}
	return int32(f)
}

func (n number) int32v() int32 {
	if n.isFloat {
		return javaD2I(n.f)
	}
	return int32(n.i)
}

func outOfRange(v any) error {
	return dataErr("Value (%s) was out of range for requested data type", javacompat.ToString(v))
}

func castTo(v any, target connect.Type) (any, error) {
	if target == connect.TypeString {
		return castToString(v), nil
	}
	if n, ok := asNumber(v); ok {
		switch target {
		case connect.TypeInt8:
			return int8(n.int32v()), nil
		case connect.TypeInt16:
			return int16(n.int32v()), nil
		case connect.TypeInt32:
			return n.int32v(), nil
		case connect.TypeInt64:
			return n.i, nil
		case connect.TypeFloat32:
			if n.isFloat {
				return float32(n.f), nil
			}
			return float32(n.i), nil
		case connect.TypeFloat64:
			if n.isFloat {
				return n.f, nil
			}
			return float64(n.i), nil
		case connect.TypeBoolean:
			return n.i != 0, nil
		}
	}
	if b, ok := v.(bool); ok {
		var i int64
		if b {
			i = 1
		}
		switch target {
		case connect.TypeInt8:
			return int8(i), nil
		case connect.TypeInt16:
			return int16(i), nil
		case connect.TypeInt32:
			return int32(i), nil
		case connect.TypeInt64:
			return i, nil
		case connect.TypeFloat32:
			return float32(i), nil
		case connect.TypeFloat64:
			return float64(i), nil
		case connect.TypeBoolean:
			return b, nil
		}
	}
	if s, ok := v.(string); ok {
		switch target {
		case connect.TypeInt8, connect.TypeInt16, connect.TypeInt32, connect.TypeInt64:
			bits := map[connect.Type]int{connect.TypeInt8: 8, connect.TypeInt16: 16, connect.TypeInt32: 32, connect.TypeInt64: 64}[target]
			n, err := strconv.ParseInt(s, 10, bits)
			if err != nil {
				return nil, outOfRange(v)
			}
			return connect.IntOf(target, n), nil
		case connect.TypeFloat32, connect.TypeFloat64:
			f, ok := parseJavaDouble(s)
			if !ok {
				return nil, outOfRange(v)
			}
			if target == connect.TypeFloat32 {
				return float32(f), nil
			}
			return f, nil
		case connect.TypeBoolean:
			return strings.EqualFold(s, "true"), nil
		}
	}
	return nil, dataErr("Unexpected type in Cast transformation: %s", javaClassString(v))
}

// parseJavaDouble is Double.parseDouble for the forms Connect data holds.
func parseJavaDouble(s string) (float64, bool) {
	t := strings.TrimSpace(s)
	t = strings.TrimRight(t, "dDfF")
	switch strings.TrimLeft(t, "+-") {
	case "NaN":
		return math.NaN(), true
	case "Infinity":
		if strings.HasPrefix(t, "-") {
			return math.Inf(-1), true
		}
		return math.Inf(1), true
	case "inf", "infinity", "Inf", "nan":
		return 0, false
	}
	f, err := strconv.ParseFloat(t, 64)
	if err != nil && !strings.Contains(err.Error(), "range") {
		return 0, false
	}
	return f, true
}

// castToString is Cast.castToString: Object.toString with base64 for bytes and
// Values.dateFormatFor for dates.
func castToString(v any) string {
	switch x := v.(type) {
	case time.Time:
		return javaDateString(x)
	case []byte:
		return base64.StdEncoding.EncodeToString(x)
	}
	return javacompat.ToString(v)
}
