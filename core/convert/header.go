package convert

import (
	"encoding/base64"
	"fmt"
	"math"
	"math/big"
	"strings"
	"time"

	"github.com/connectless/connectless/core/connect"
	"github.com/connectless/connectless/core/connect/javacompat"
)

// SimpleHeaderConverter is Kafka's default header converter: header values are written as
// their Values.convertToString text and read back with type inference (booleans, the
// smallest integer type that fits, float32/float64, ISO-8601 dates, times and timestamps;
// anything else stays a string). Embedded arrays and maps ("[1,2]", "{a:1}") are read as
// strings, not parsed.
type SimpleHeaderConverter struct{}

// NewSimpleHeaderConverter returns a SimpleHeaderConverter.
func NewSimpleHeaderConverter() *SimpleHeaderConverter { return &SimpleHeaderConverter{} }

// Config returns the converter's ConfigDef (converter.type only).
func (*SimpleHeaderConverter) Config() *connect.ConfigDef {
	return connect.NewConfigDef().Define(connect.ConverterTypeKey())
}

// Configure accepts converter.type only.
func (c *SimpleHeaderConverter) Configure(props map[string]string) error {
	if _, err := c.Config().Parse(props); err != nil {
		return fmt.Errorf("configure simple header converter: %w", err)
	}
	return nil
}

// FromConnectHeader writes the value's string form as UTF-8; nil stays nil.
func (*SimpleHeaderConverter) FromConnectHeader(_, _ string, _ *connect.Schema, value any) ([]byte, error) {
	if value == nil {
		return nil, nil
	}
	s, err := valuesString(value, false)
	if err != nil {
		return nil, err
	}
	return []byte(s), nil
}

// ToConnectHeader infers a schema and value from the header's UTF-8 text.
func (*SimpleHeaderConverter) ToConnectHeader(_, _ string, data []byte) (*connect.Schema, any, error) {
	if data == nil {
		return nil, nil, nil
	}
	s, v := ParseHeaderString(string(data))
	return s, v, nil
}

const (
	isoDate      = "2006-01-02"
	isoTime      = "15:04:05.000Z"
	isoTimestamp = "2006-01-02T15:04:05.000Z"
)

// ParseHeaderString infers a schema and value from text, as Kafka's Values.parseString does
// for scalars.
func ParseHeaderString(s string) (*connect.Schema, any) {
	if s == "" {
		return connect.StringSchema(), s
	}
	tok := strings.TrimSpace(s)
	switch tok {
	case "true":
		return connect.BooleanSchema(), true
	case "false":
		return connect.BooleanSchema(), false
	}
	if schema, v, ok := parseNumberToken(tok); ok {
		return schema, v
	}
	if t, err := time.Parse(isoTimestamp, tok); err == nil {
		return connect.TimestampSchema(), t.UTC()
	}
	if t, err := time.Parse(isoDate, tok); err == nil && len(tok) == len(isoDate) {
		return connect.DateSchema(), t.UTC()
	}
	if t, err := time.Parse(isoTime, tok); err == nil {
		return connect.TimeSchema(), time.UnixMilli(int64(t.Hour()*3600000 + t.Minute()*60000 + t.Second()*1000 + t.Nanosecond()/1e6)).UTC()
	}
	return connect.StringSchema(), s
}

// parseNumberToken follows Values.parseAsNumber: integral values take the smallest integer
// type, others float32 when finite, else float64.
func parseNumberToken(tok string) (*connect.Schema, any, bool) {
	// Kafka tries a number only when the token starts with a digit or a sign.
	if tok == "" || !(tok[0] >= '0' && tok[0] <= '9' || tok[0] == '+' || tok[0] == '-') || strings.ContainsAny(tok, "xX_") {
		return nil, nil, false
	}
	d, err := connect.ParseDecimal(tok)
	if err != nil {
		return nil, nil, false
	}
	r := new(big.Rat).SetFrac(d.Unscaled, big.NewInt(1))
	if d.Scale > 0 {
		r.Quo(r, new(big.Rat).SetInt(new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(d.Scale)), nil)))
	} else if d.Scale < 0 {
		r.Mul(r, new(big.Rat).SetInt(new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(-d.Scale)), nil)))
	}
	if r.IsInt() && r.Num().IsInt64() {
		n := r.Num().Int64()
		switch {
		case n == int64(int8(n)):
			return connect.Int8Schema(), int8(n), true
		case n == int64(int16(n)):
			return connect.Int16Schema(), int16(n), true
		case n == int64(int32(n)):
			return connect.Int32Schema(), int32(n), true
		}
		return connect.Int64Schema(), n, true
	}
	f64, _ := r.Float64()
	if f32, _ := r.Float32(); !math.IsInf(float64(f32), 0) && d.Scale != 0 {
		return connect.Float32Schema(), f32, true
	}
	if !math.IsInf(f64, 0) {
		return connect.Float64Schema(), f64, true
	}
	return connect.DecimalSchema(d.Scale), d, true
}

// valuesString renders a value as Kafka's Values.convertToString; embedded strings are
// quoted with backslash escapes.
func valuesString(v any, embedded bool) (string, error) {
	switch x := v.(type) {
	case nil:
		return "null", nil
	case string:
		if embedded {
			return `"` + strings.ReplaceAll(strings.ReplaceAll(x, `\`, `\\`), `"`, `\"`) + `"`, nil
		}
		return x, nil
	case []byte:
		s := base64.StdEncoding.EncodeToString(x)
		if embedded {
			return `"` + s + `"`, nil
		}
		return s, nil
	case time.Time:
		ms := x.UnixMilli()
		switch {
		case ms >= 0 && ms < 86400000:
			return x.UTC().Format(isoTime), nil
		case ms%86400000 == 0:
			return x.UTC().Format(isoDate), nil
		}
		return x.UTC().Format(isoTimestamp), nil
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			s, err := valuesString(e, true)
			if err != nil {
				return "", err
			}
			parts[i] = s
		}
		return "[" + strings.Join(parts, ",") + "]", nil
	case map[string]any:
		var parts []string
		for _, k := range javacompat.OrderedKeys(x) {
			val, err := valuesString(x[k], true)
			if err != nil {
				return "", err
			}
			ks, _ := valuesString(k, true)
			parts = append(parts, ks+":"+val)
		}
		return "{" + strings.Join(parts, ",") + "}", nil
	case map[any]any:
		var parts []string
		for _, k := range javacompat.OrderedAnyKeys(x) {
			ks, err := valuesString(k, true)
			if err != nil {
				return "", err
			}
			val, err := valuesString(x[k], true)
			if err != nil {
				return "", err
			}
			parts = append(parts, ks+":"+val)
		}
		return "{" + strings.Join(parts, ",") + "}", nil
	case *connect.Struct:
		var parts []string
		for _, f := range x.Schema().Fields {
			fv, _ := x.Get(f.Name)
			val, err := valuesString(fv, true)
			if err != nil {
				return "", err
			}
			ks, _ := valuesString(f.Name, true)
			parts = append(parts, ks+":"+val)
		}
		return "{" + strings.Join(parts, ",") + "}", nil
	case bool, int8, int16, int32, int64, int, float32, float64, connect.Decimal:
		return javacompat.ToString(x), nil
	}
	return "", dataErr("Unable to convert %s to string", connect.JavaClassName(v))
}
