package transform

import (
	"math/big"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/connectless/connectless/core/connect"
)

const maskFieldPurpose = "mask fields"

// MaskField is Kafka's MaskField$Key / MaskField$Value: it replaces field values with the
// type's empty value (false, 0, "", empty list or map, the epoch) or a configured replacement.
type MaskField struct {
	base
	side           side
	fields         []string
	replacement    string
	hasReplacement bool
	replaceNull    bool
}

func newMaskField(s side) *MaskField {
	return &MaskField{side: s, base: base{def: newDef([]connect.ConfigKey{
		{Name: "fields", Type: connect.ConfigList, Required: true, Validator: nonEmptyList(), Importance: connect.High,
			Doc: "Names of fields to mask. Required. Mirrors Kafka Connect's MaskField fields."},
		{Name: "replacement", Type: connect.ConfigString, Validator: connect.NonEmptyString(), Importance: connect.Low,
			Doc: "Custom value replacement, that will be applied to all 'fields' values (numeric or non-empty string values only). Default null. Mirrors Kafka Connect's MaskField replacement."},
		replaceNullKey(),
	})}}
}

// Configure parses MaskField's keys.
func (t *MaskField) Configure(props map[string]string) error {
	c, err := parseConfig(t.def, props)
	if err != nil {
		return err
	}
	t.fields = c.list("fields")
	t.replacement, t.hasReplacement = c.strOrNil("replacement")
	t.replaceNull = c.boolean("replace.null.with.default")
	return nil
}

// Apply masks the fields. Unlike most SMTs a null schemaless value is an error, and absent
// schemaless fields are added with a null value, as in Kafka.
func (t *MaskField) Apply(r *connect.Record) (*connect.Record, error) {
	v := t.side.value(r)
	if t.side.schema(r) == nil {
		m, err := requireMap(v, maskFieldPurpose)
		if err != nil {
			return nil, err
		}
		out := cloneMap(m, len(t.fields))
		for _, f := range t.fields {
			mv, err := t.mask(m[f])
			if err != nil {
				return nil, err
			}
			out[f] = mv
		}
		return t.side.with(r, nil, out), nil
	}
	st, err := requireStruct(v, maskFieldPurpose)
	if err != nil {
		return nil, err
	}
	out := connect.NewStruct(st.Schema())
	for _, f := range st.Schema().Fields {
		fv := getField(st, f.Name, t.replaceNull)
		if slices.Contains(t.fields, f.Name) {
			if fv, err = t.mask(fv); err != nil {
				return nil, err
			}
		}
		if err := put(out, f.Name, fv); err != nil {
			return nil, err
		}
	}
	return t.side.with(r, st.Schema(), out), nil
}

func (t *MaskField) mask(v any) (any, error) {
	if v == nil {
		return nil, nil
	}
	if t.hasReplacement {
		return t.maskWithReplacement(v)
	}
	switch x := v.(type) {
	case bool:
		return false, nil
	case int8:
		return int8(0), nil
	case int16:
		return int16(0), nil
	case int32:
		return int32(0), nil
	case int64:
		return int64(0), nil
	case int:
		return 0, nil
	case float32:
		return float32(0), nil
	case float64:
		return float64(0), nil
	case *big.Int:
		return new(big.Int), nil
	case connect.Decimal:
		return connect.Decimal{Unscaled: new(big.Int), Scale: 0}, nil
	case time.Time:
		return time.UnixMilli(0).UTC(), nil
	case string:
		return "", nil
	case []any:
		return []any{}, nil
	case map[string]any:
		return map[string]any{}, nil
	case map[any]any:
		return map[any]any{}, nil
	default:
		_ = x
		return nil, dataErr("Cannot mask value of type: %s", javaClassString(v))
	}
}

func (t *MaskField) maskWithReplacement(v any) (any, error) {
	r := t.replacement
	bad := func() error {
		return dataErr("Unable to convert %s (class java.lang.String) to number", r)
	}
	parseInt := func(bits int) (int64, error) {
		n, err := strconv.ParseInt(strings.TrimSpace(r), 10, bits)
		if err != nil {
			// Values.convertTo accepts a decimal string whose value is integral.
			f, ferr := strconv.ParseFloat(strings.TrimSpace(r), 64)
			if ferr != nil {
				return 0, bad()
			}
			return int64(f), nil
		}
		return n, nil
	}
	switch v.(type) {
	case int8:
		n, err := parseInt(64)
		return int8(n), err
	case int16:
		n, err := parseInt(64)
		return int16(n), err
	case int32:
		n, err := parseInt(64)
		return int32(n), err
	case int64, int:
		return parseInt(64)
	case float32:
		f, err := strconv.ParseFloat(strings.TrimSpace(r), 32)
		if err != nil {
			return nil, bad()
		}
		return float32(f), nil
	case float64:
		f, err := strconv.ParseFloat(strings.TrimSpace(r), 64)
		if err != nil {
			return nil, bad()
		}
		return f, nil
	case string:
		return r, nil
	case *big.Int:
		n, ok := new(big.Int).SetString(r, 10)
		if !ok {
			return nil, bad()
		}
		return n, nil
	case connect.Decimal:
		_, d, ok := parseNumber(r)
		if !ok {
			return nil, bad()
		}
		switch x := d.(type) {
		case connect.Decimal:
			return x, nil
		default:
			rat, _ := new(big.Rat).SetString(r)
			scale := max(decimalScale(r), 0)
			unscaled := new(big.Int).Mul(rat.Num(), new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(scale)), nil))
			unscaled.Quo(unscaled, rat.Denom())
			return connect.Decimal{Unscaled: unscaled, Scale: int32(scale)}, nil
		}
	}
	return nil, dataErr("Cannot mask value of type %s with custom replacement.", javaClassString(v))
}
