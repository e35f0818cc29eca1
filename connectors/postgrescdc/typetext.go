package postgrescdc

// Parsers of PostgreSQL's text output for the types that need more than a conversion:
// intervals as Debezium's ISO string, and the hstore extension's pairs.

import (
	"encoding/json"
	"fmt"
	"math/big"
	"strconv"
	"strings"

	"github.com/connectless/connectless/core/connect"
)

// intervalISO turns PostgreSQL's default interval output ("1 year 2 mons 3 days 04:05:06.78",
// "-1 days +02:00:00") into io.debezium.time.Interval's string, as Debezium builds it from
// the driver's PGInterval: P<years>Y<months>M<days>DT<hours>H<minutes>M<seconds>S, each part
// signed on its own, the seconds a double cut (toward zero) to nine decimals without trailing
// zeros.
func intervalISO(v string) (string, error) {
	var years, months, days, hours, minutes int64
	var seconds float64
	f := strings.Fields(v)
	for i := 0; i < len(f); i++ {
		if strings.Contains(f[i], ":") {
			neg := strings.HasPrefix(f[i], "-")
			parts := strings.Split(strings.TrimLeft(f[i], "+-"), ":")
			if len(parts) != 3 {
				return "", fmt.Errorf("interval %q", v)
			}
			h, err1 := strconv.ParseInt(parts[0], 10, 64)
			m, err2 := strconv.ParseInt(parts[1], 10, 64)
			whole, frac, _ := strings.Cut(parts[2], ".")
			s, err3 := strconv.ParseInt(whole, 10, 64)
			var micros int64
			var err4 error
			if frac != "" {
				micros, err4 = strconv.ParseInt((frac + "000000")[:6], 10, 64)
			}
			if err1 != nil || err2 != nil || err3 != nil || err4 != nil {
				return "", fmt.Errorf("interval %q", v)
			}
			sec := float64(s) + float64(micros)/1e6
			if neg {
				h, m, sec = -h, -m, -sec
			}
			hours, minutes, seconds = h, m, sec
			continue
		}
		if i+1 >= len(f) {
			return "", fmt.Errorf("interval %q", v)
		}
		n, err := strconv.ParseInt(f[i], 10, 64)
		if err != nil {
			return "", fmt.Errorf("interval %q", v)
		}
		switch strings.TrimSuffix(f[i+1], "s") {
		case "year":
			years = n
		case "mon":
			months = n
		case "day":
			days = n
		default:
			return "", fmt.Errorf("interval %q: unit %q", v, f[i+1])
		}
		i++
	}
	return fmt.Sprintf("P%dY%dM%dDT%dH%dM%sS", years, months, days, hours, minutes, javaSeconds(seconds)), nil
}

// javaSeconds writes a double as Java's new BigDecimal(double), cut to nine decimals toward
// zero, stripTrailingZeros().toPlainString() does.
func javaSeconds(f float64) string {
	s := new(big.Float).SetFloat64(f).Text('f', 60) // the double's exact decimal value
	whole, frac, _ := strings.Cut(s, ".")
	if len(frac) > 9 {
		frac = frac[:9]
	}
	frac = strings.TrimRight(frac, "0")
	out := whole
	if frac != "" {
		out += "." + frac
	}
	if out == "-0" {
		return "0"
	}
	return out
}

// hstore maps the hstore extension's type: a JSON object string (io.debezium.data.Json) or a
// map of strings, by hstore.handling.mode.
func (m *typeMapper) hstore() (*connect.Schema, func(string) (any, error), error) {
	if m.hstoreMode == HstoreMap {
		return connect.MapSchema(connect.StringSchema(), connect.OptionalStringSchema()), func(v string) (any, error) {
			pairs, err := parseHstore(v)
			if err != nil {
				return nil, err
			}
			out := map[any]any{}
			for _, p := range pairs {
				if p.value == nil {
					out[p.key] = nil
				} else {
					out[p.key] = *p.value
				}
			}
			return out, nil
		}, nil
	}
	return &connect.Schema{Type: connect.TypeString, Name: jsonName, Version: 1}, func(v string) (any, error) {
		pairs, err := parseHstore(v)
		if err != nil {
			return nil, err
		}
		var b strings.Builder
		b.WriteByte('{')
		for i, p := range pairs {
			if i > 0 {
				b.WriteByte(',')
			}
			k, _ := json.Marshal(p.key)
			b.Write(k)
			b.WriteByte(':')
			if p.value == nil {
				b.WriteString("null")
			} else {
				val, _ := json.Marshal(*p.value)
				b.Write(val)
			}
		}
		b.WriteByte('}')
		return b.String(), nil
	}, nil
}

type hstorePair struct {
	key   string
	value *string // nil for NULL
}

// parseHstore reads hstore's text output: "k"=>"v", "k2"=>NULL (quotes and backslashes
// escaped with a backslash).
func parseHstore(v string) ([]hstorePair, error) {
	var out []hstorePair
	i := 0
	quoted := func() (string, error) {
		if i >= len(v) || v[i] != '"' {
			return "", fmt.Errorf("hstore %q: a quoted string expected at %d", v, i)
		}
		var b strings.Builder
		for i++; i < len(v); i++ {
			switch v[i] {
			case '\\':
				if i+1 < len(v) {
					i++
					b.WriteByte(v[i])
				}
			case '"':
				i++
				return b.String(), nil
			default:
				b.WriteByte(v[i])
			}
		}
		return "", fmt.Errorf("hstore %q: unterminated string", v)
	}
	for {
		for i < len(v) && (v[i] == ' ' || v[i] == ',') {
			i++
		}
		if i >= len(v) {
			return out, nil
		}
		k, err := quoted()
		if err != nil {
			return nil, err
		}
		if !strings.HasPrefix(v[i:], "=>") {
			return nil, fmt.Errorf("hstore %q: => expected at %d", v, i)
		}
		i += 2
		if strings.HasPrefix(v[i:], "NULL") {
			i += 4
			out = append(out, hstorePair{key: k})
			continue
		}
		val, err := quoted()
		if err != nil {
			return nil, err
		}
		out = append(out, hstorePair{key: k, value: &val})
	}
}
