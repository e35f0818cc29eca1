package transform

import (
	"math"
	"math/big"
	"regexp"
	"strings"
	"time"

	"github.com/connectless/connectless/core/connect"
)

// parseValueString infers a schema and value from a string as Kafka's Values.parseString does
// (used by InsertHeader): booleans, null, arrays, maps, ISO dates and times, the smallest
// fitting number type, else the string itself.
func parseValueString(s string) (*connect.Schema, any) {
	if s == "" {
		return primitive(connect.TypeString, false), ""
	}
	t := strings.TrimSpace(s)
	if strings.HasPrefix(t, "[") || strings.HasPrefix(t, "{") {
		p := &valueParser{s: t}
		sch, v, ok := p.parseEmbedded()
		if p.skipSpace(); ok && p.i == len(p.s) {
			return sch, v
		}
		return primitive(connect.TypeString, false), s
	}
	return parseToken(s, false)
}

var (
	isoDate      = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)
	isoTime      = regexp.MustCompile(`^\d{2}:\d{2}:\d{2}\.\d{3}Z$`)
	isoTimestamp = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$`)
	numberToken  = regexp.MustCompile(`^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$`)
)

// parseToken classifies one token.
func parseToken(tok string, embedded bool) (*connect.Schema, any) {
	switch tok {
	case "true":
		return primitive(connect.TypeBoolean, false), true
	case "false":
		return primitive(connect.TypeBoolean, false), false
	case "null":
		return nil, nil
	}
	if tok == "" {
		return primitive(connect.TypeString, false), tok
	}
	c := tok[0]
	if c >= '0' && c <= '9' {
		if isoTimestamp.MatchString(tok) {
			if t, err := time.Parse("2006-01-02T15:04:05.000Z", tok); err == nil {
				return timestampSchema(false), t
			}
		}
		if isoDate.MatchString(tok) {
			if t, err := time.Parse("2006-01-02", tok); err == nil {
				return dateSchema(false), t
			}
		}
		if isoTime.MatchString(tok) {
			if t, err := time.Parse("15:04:05.000Z", tok); err == nil {
				return timeSchema(false), time.Date(1970, 1, 1, t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), time.UTC)
			}
		}
	}
	if (c >= '0' && c <= '9') || c == '+' || c == '-' {
		if sch, v, ok := parseNumber(tok); ok {
			return sch, v
		}
	}
	return primitive(connect.TypeString, false), tok
}

// parseNumber is Values.parseAsNumber over a BigDecimal.
func parseNumber(tok string) (*connect.Schema, any, bool) {
	if !numberToken.MatchString(tok) {
		return nil, nil, false
	}
	r, ok := new(big.Rat).SetString(tok)
	if !ok {
		return nil, nil, false
	}
	scale := decimalScale(tok)
	if r.IsInt() {
		n := r.Num()
		if n.IsInt64() {
			v := n.Int64()
			switch {
			case v >= math.MinInt8 && v <= math.MaxInt8:
				return primitive(connect.TypeInt8, false), int8(v), true
			case v >= math.MinInt16 && v <= math.MaxInt16:
				return primitive(connect.TypeInt16, false), int16(v), true
			case v >= math.MinInt32 && v <= math.MaxInt32:
				return primitive(connect.TypeInt32, false), int32(v), true
			}
			return primitive(connect.TypeInt64, false), v, true
		}
	}
	if scale != 0 {
		if f, _ := r.Float32(); !math.IsInf(float64(f), 0) {
			return primitive(connect.TypeFloat32, false), f, true
		}
		if f, _ := r.Float64(); !math.IsInf(f, 0) {
			return primitive(connect.TypeFloat64, false), f, true
		}
	}
	unscaled := new(big.Int).Set(r.Num())
	switch {
	case scale > 0:
		unscaled.Mul(r.Num(), new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(scale)), nil))
		unscaled.Quo(unscaled, r.Denom())
	case scale < 0:
		unscaled.Quo(r.Num(), new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(-scale)), nil))
	}
	return &connect.Schema{Type: connect.TypeBytes, Name: connect.DecimalName, Version: 1,
		Parameters: map[string]string{connect.DecimalScaleParam: itoa(scale)}}, connect.Decimal{Unscaled: unscaled, Scale: int32(scale)}, true
}

// decimalScale is BigDecimal's scale of a decimal literal: fraction digits minus exponent.
func decimalScale(tok string) int {
	mant, exp := tok, 0
	if i := strings.IndexAny(tok, "eE"); i >= 0 {
		mant = tok[:i]
		e := tok[i+1:]
		neg := strings.HasPrefix(e, "-")
		e = strings.TrimLeft(e, "+-")
		for _, d := range e {
			exp = exp*10 + int(d-'0')
		}
		if neg {
			exp = -exp
		}
	}
	frac := 0
	if j := strings.IndexByte(mant, '.'); j >= 0 {
		frac = len(mant) - j - 1
	}
	return frac - exp
}

func itoa(n int) string { return big.NewInt(int64(n)).String() }

// valueParser reads the embedded array and map syntax of Values.parseString.
type valueParser struct {
	s string
	i int
}

func (p *valueParser) skipSpace() {
	for p.i < len(p.s) && (p.s[p.i] == ' ' || p.s[p.i] == '\t' || p.s[p.i] == '\n' || p.s[p.i] == '\r') {
		p.i++
	}
}

func (p *valueParser) parseEmbedded() (*connect.Schema, any, bool) {
	p.skipSpace()
	if p.i >= len(p.s) {
		return nil, nil, false
	}
	switch p.s[p.i] {
	case '[':
		p.i++
		var vals []any
		var schemas []*connect.Schema
		p.skipSpace()
		if p.i < len(p.s) && p.s[p.i] == ']' {
			p.i++
			return &connect.Schema{Type: connect.TypeArray, Value: nil}, []any{}, true
		}
		for {
			sch, v, ok := p.parseEmbedded()
			if !ok {
				return nil, nil, false
			}
			vals, schemas = append(vals, v), append(schemas, sch)
			p.skipSpace()
			if p.i >= len(p.s) {
				return nil, nil, false
			}
			if p.s[p.i] == ']' {
				p.i++
				break
			}
			if p.s[p.i] != ',' {
				return nil, nil, false
			}
			p.i++
		}
		if common := commonSchema(schemas); common != nil {
			return &connect.Schema{Type: connect.TypeArray, Value: common}, vals, true
		}
		return nil, vals, true
	case '{':
		p.i++
		var keys, vals []any
		var ks, vs []*connect.Schema
		p.skipSpace()
		if p.i < len(p.s) && p.s[p.i] == '}' {
			p.i++
			return nil, map[string]any{}, true
		}
		for {
			kSch, k, ok := p.parseEmbedded()
			if !ok {
				return nil, nil, false
			}
			p.skipSpace()
			if p.i >= len(p.s) || p.s[p.i] != ':' {
				return nil, nil, false
			}
			p.i++
			vSch, v, ok := p.parseEmbedded()
			if !ok {
				return nil, nil, false
			}
			keys, vals, ks, vs = append(keys, k), append(vals, v), append(ks, kSch), append(vs, vSch)
			p.skipSpace()
			if p.i >= len(p.s) {
				return nil, nil, false
			}
			if p.s[p.i] == '}' {
				p.i++
				break
			}
			if p.s[p.i] != ',' {
				return nil, nil, false
			}
			p.i++
		}
		kc, vc := commonSchema(ks), commonSchema(vs)
		if kc != nil && vc != nil {
			m := make(map[any]any, len(keys))
			for i := range keys {
				m[keys[i]] = vals[i]
			}
			return &connect.Schema{Type: connect.TypeMap, Key: kc, Value: vc}, m, true
		}
		m := make(map[string]any, len(keys))
		for i := range keys {
			ks, ok := keys[i].(string)
			if !ok {
				return nil, nil, false
			}
			m[ks] = vals[i]
		}
		return nil, m, true
	case '"':
		var b strings.Builder
		for p.i++; p.i < len(p.s); p.i++ {
			switch c := p.s[p.i]; c {
			case '\\':
				p.i++
				if p.i < len(p.s) {
					b.WriteByte(p.s[p.i])
				}
			case '"':
				p.i++
				return primitive(connect.TypeString, false), b.String(), true
			default:
				b.WriteByte(c)
			}
		}
		return nil, nil, false
	}
	start := p.i
	for p.i < len(p.s) && !strings.ContainsRune(",]}:[{", rune(p.s[p.i])) {
		p.i++
	}
	tok := strings.TrimSpace(p.s[start:p.i])
	if tok == "" {
		return nil, nil, false
	}
	sch, v := parseToken(tok, true)
	return sch, v, true
}

// commonSchema is the schema all elements share, or nil.
func commonSchema(ss []*connect.Schema) *connect.Schema {
	if len(ss) == 0 || ss[0] == nil {
		return nil
	}
	for _, s := range ss[1:] {
		if !ss[0].Equal(s) {
			return nil
		}
	}
	return ss[0]
}
