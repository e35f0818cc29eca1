package postgrescdc

import (
	"cmp"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"math/big"
	"strconv"
	"strings"
	"time"

	"github.com/connectless/connectless/core/connect"
)

// Semantic schema names Debezium gives PostgreSQL columns.
const (
	dateName          = "io.debezium.time.Date"
	timeName          = "io.debezium.time.Time"
	microTimeName     = "io.debezium.time.MicroTime"
	timestampName     = "io.debezium.time.Timestamp"
	microTimestamp    = "io.debezium.time.MicroTimestamp"
	zonedTimestamp    = "io.debezium.time.ZonedTimestamp"
	zonedTime         = "io.debezium.time.ZonedTime"
	microDuration     = "io.debezium.time.MicroDuration"
	intervalName      = "io.debezium.time.Interval"
	jsonName          = "io.debezium.data.Json"
	xmlName           = "io.debezium.data.Xml"
	uuidName          = "io.debezium.data.Uuid"
	enumName          = "io.debezium.data.Enum"
	ltreeName         = "io.debezium.data.Ltree"
	variableScaleName = "io.debezium.data.VariableScaleDecimal"
	bitsName          = "io.debezium.data.Bits"
)

// errUnmapped marks a column type the connector has no mapping for: such columns are left
// out of events, as Debezium does with include.unknown.datatypes=false.
var errUnmapped = errors.New("unmapped column type")

// pgType is what the catalog says of a column type.
type pgType struct {
	oid      uint32
	name     string   // pg_type.typname
	category byte     // pg_type.typcategory
	elem     uint32   // element type of an array
	enum     []string // labels of an enum, in order
}

// column is one captured column with its Connect schema and value converter.
type column struct {
	name     string
	sqlType  string // format_type of the column, for casts
	typ      pgType
	typmod   int32
	optional bool
	key      bool
	schema   *connect.Schema
	conv     func(string) (any, error)
}

// typeMapper maps PostgreSQL types to Connect schemas by the configured handling modes.
type typeMapper struct {
	decimal, time, binary, interval, hstoreMode string
	types                                       func(oid uint32) (pgType, error)
}

// mapColumn builds the schema and converter of a column.
func (m *typeMapper) mapColumn(c *column) error {
	s, conv, err := m.mapType(c.typ, c.typmod)
	if err != nil {
		return err
	}
	s.Optional = c.optional
	c.schema, c.conv = s, conv
	return nil
}

func (m *typeMapper) mapType(t pgType, typmod int32) (*connect.Schema, func(string) (any, error), error) {
	str := func(name string) (*connect.Schema, func(string) (any, error), error) {
		return &connect.Schema{Type: connect.TypeString, Name: name, Version: versionOf(name)}, func(s string) (any, error) { return s, nil }, nil
	}
	if len(t.enum) > 0 {
		s := &connect.Schema{Type: connect.TypeString, Name: enumName, Version: 1, Parameters: map[string]string{"allowed": strings.Join(t.enum, ",")}}
		return s, func(v string) (any, error) { return v, nil }, nil
	}
	if t.category == 'A' && t.elem != 0 {
		et, err := m.types(t.elem)
		if err != nil {
			return nil, nil, err
		}
		es, econv, err := m.mapType(et, -1)
		if err != nil {
			return nil, nil, err
		}
		es.Optional = true
		return connect.ArraySchema(es), func(v string) (any, error) { return parseArray(v, econv) }, nil
	}
	switch t.name {
	case "bool":
		return connect.BooleanSchema(), func(s string) (any, error) { return s == "t" || s == "true", nil }, nil
	case "bit":
		if typmod == 1 {
			return connect.BooleanSchema(), func(s string) (any, error) { return s == "1", nil }, nil
		}
		return m.bits(typmod)
	case "varbit":
		return m.bits(typmod)
	case "int2":
		return connect.Int16Schema(), func(s string) (any, error) { n, err := strconv.ParseInt(s, 10, 16); return int16(n), err }, nil
	case "int4":
		return connect.Int32Schema(), func(s string) (any, error) { n, err := strconv.ParseInt(s, 10, 32); return int32(n), err }, nil
	case "int8", "oid":
		return connect.Int64Schema(), func(s string) (any, error) { return strconv.ParseInt(s, 10, 64) }, nil
	case "float4":
		return connect.Float32Schema(), func(s string) (any, error) { f, err := strconv.ParseFloat(s, 32); return float32(f), err }, nil
	case "float8":
		return connect.Float64Schema(), func(s string) (any, error) { return strconv.ParseFloat(s, 64) }, nil
	case "numeric":
		return m.numeric(typmod)
	case "money":
		return m.money()
	case "bpchar", "varchar", "text", "name", "char", "citext", "inet", "cidr", "macaddr", "macaddr8",
		"int4range", "int8range", "numrange", "tsrange", "tstzrange", "daterange":
		return str("")
	case "json", "jsonb":
		return str(jsonName)
	case "xml":
		return str(xmlName)
	case "uuid":
		return str(uuidName)
	case "ltree":
		return str(ltreeName)
	case "hstore":
		return m.hstore()
	case "bytea":
		return m.bytea()
	case "date":
		return m.date()
	case "time":
		return m.timeOfDay(typmod)
	case "timetz":
		return str(zonedTime)
	case "timestamp":
		return m.timestamp(typmod)
	case "timestamptz":
		s, _, _ := str(zonedTimestamp)
		return s, func(v string) (any, error) {
			t, err := parseTimestamp(v, true)
			if err != nil {
				return nil, err
			}
			return t.UTC().Format("2006-01-02T15:04:05.999999999Z07:00"), nil
		}, nil
	case "interval":
		if m.interval == IntervalString {
			return &connect.Schema{Type: connect.TypeString, Name: intervalName, Version: 1}, func(v string) (any, error) { return intervalISO(v) }, nil
		}
		return &connect.Schema{Type: connect.TypeInt64, Name: microDuration, Version: 1}, func(v string) (any, error) { return parseInterval(v) }, nil
	}
	return nil, nil, fmt.Errorf("%w %s", errUnmapped, t.name)
}

func versionOf(name string) int {
	if name == "" {
		return 0
	}
	return 1
}

func (m *typeMapper) bits(typmod int32) (*connect.Schema, func(string) (any, error), error) {
	s := &connect.Schema{Type: connect.TypeBytes, Name: bitsName, Version: 1, Parameters: map[string]string{"length": strconv.Itoa(int(max(typmod, 0)))}}
	if typmod < 0 {
		s.Parameters["length"] = "2147483647"
	}
	return s, func(v string) (any, error) {
		// Little-endian bytes of the bit string read as a binary number, as Debezium's Bits.
		n, ok := new(big.Int).SetString(v, 2)
		if !ok && v != "" {
			return nil, fmt.Errorf("bit string %q", v)
		}
		be := n.Bytes()
		size := (len(v) + 7) / 8
		out := make([]byte, size)
		for i := range be {
			out[i] = be[len(be)-1-i]
		}
		return out, nil
	}, nil
}

// specialNumerics are NUMERIC's special values (PostgreSQL's text) with the string Debezium's
// decimal.handling.mode=string gives them (the names of its SpecialValueDecimal values).
var specialNumerics = map[string]string{"NaN": "NAN", "Infinity": "POSITIVE_INFINITY", "-Infinity": "NEGATIVE_INFINITY"}

// ErrSpecialNumeric is returned for a NUMERIC NaN or infinity under
// decimal.handling.mode=precise, which cannot express it; Debezium fails the same way.
var ErrSpecialNumeric = errors.New("a NUMERIC special value (NaN, Infinity, -Infinity) cannot be expressed with decimal.handling.mode=precise; " +
	"set decimal.handling.mode to string or double")

func (m *typeMapper) numeric(typmod int32) (*connect.Schema, func(string) (any, error), error) {
	switch m.decimal {
	case DecimalDouble:
		// ParseFloat reads NaN, Infinity and -Infinity as the float's special values.
		return connect.Float64Schema(), func(s string) (any, error) { return strconv.ParseFloat(s, 64) }, nil
	case DecimalString:
		return connect.StringSchema(), func(s string) (any, error) { return cmp.Or(specialNumerics[s], s), nil }, nil
	}
	special := func(v string) error {
		if _, ok := specialNumerics[v]; ok {
			return fmt.Errorf("%w (got %s)", ErrSpecialNumeric, v)
		}
		return nil
	}
	if typmod < 4 { // NUMERIC without precision: any scale
		s := connect.StructBuilder().Name(variableScaleName).Version(1).Doc("Variable scaled decimal").
			Field("scale", connect.Int32Schema()).Field("value", connect.BytesSchema()).Build()
		return s, func(v string) (any, error) {
			if err := special(v); err != nil {
				return nil, err
			}
			d, err := connect.ParseDecimal(v)
			if err != nil {
				return nil, err
			}
			// As Debezium: the smallest scale that holds the value, never below 0.
			ten, q, r := big.NewInt(10), new(big.Int), new(big.Int)
			for d.Scale > 0 {
				if q.QuoRem(d.Unscaled, ten, r); r.Sign() != 0 {
					break
				}
				d.Unscaled, d.Scale, q = q, d.Scale-1, new(big.Int)
			}
			return connect.NewStruct(s).MustPut("scale", d.Scale).MustPut("value", d.Bytes()), nil
		}, nil
	}
	precision, scale := ((typmod-4)>>16)&0xffff, (typmod-4)&0xffff
	s := connect.DecimalSchema(scale)
	s.Parameters["connect.decimal.precision"] = strconv.Itoa(int(precision))
	return s, func(v string) (any, error) {
		if err := special(v); err != nil {
			return nil, err
		}
		return parseDecimalScale(v, scale)
	}, nil
}

func parseDecimalScale(v string, scale int32) (any, error) {
	d, err := connect.ParseDecimal(v)
	if err != nil {
		return nil, err
	}
	for d.Scale < scale {
		d.Unscaled = new(big.Int).Mul(d.Unscaled, big.NewInt(10))
		d.Scale++
	}
	return d, nil
}

func (m *typeMapper) money() (*connect.Schema, func(string) (any, error), error) {
	clean := func(v string) string {
		neg := strings.HasPrefix(v, "-") || strings.HasPrefix(v, "(")
		v = strings.Map(func(r rune) rune {
			if r >= '0' && r <= '9' || r == '.' {
				return r
			}
			return -1
		}, v)
		if neg {
			v = "-" + v
		}
		return v
	}
	switch m.decimal {
	case DecimalDouble:
		return connect.Float64Schema(), func(s string) (any, error) { return strconv.ParseFloat(clean(s), 64) }, nil
	case DecimalString:
		return connect.StringSchema(), func(s string) (any, error) { return clean(s), nil }, nil
	}
	return connect.DecimalSchema(2), func(s string) (any, error) { return parseDecimalScale(clean(s), 2) }, nil
}

func (m *typeMapper) bytea() (*connect.Schema, func(string) (any, error), error) {
	decode := func(v string) ([]byte, error) {
		h, ok := strings.CutPrefix(v, `\x`)
		if !ok {
			return nil, fmt.Errorf("bytea %q: only bytea_output=hex is supported", v)
		}
		return hex.DecodeString(h)
	}
	var enc func([]byte) any
	switch m.binary {
	case BinaryBase64:
		enc = func(b []byte) any { return base64.StdEncoding.EncodeToString(b) }
	case BinaryBase64URLSafe:
		enc = func(b []byte) any { return base64.URLEncoding.EncodeToString(b) }
	case BinaryHex:
		enc = func(b []byte) any { return hex.EncodeToString(b) }
	default:
		return connect.BytesSchema(), func(v string) (any, error) { return decode(v) }, nil
	}
	return connect.StringSchema(), func(v string) (any, error) {
		b, err := decode(v)
		if err != nil {
			return nil, err
		}
		return enc(b), nil
	}, nil
}

var epochDay = time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC)

func (m *typeMapper) date() (*connect.Schema, func(string) (any, error), error) {
	parse := func(v string) (time.Time, error) { return time.Parse("2006-01-02", v) }
	if m.time == TimeConnect {
		return connect.DateSchema(), func(v string) (any, error) { return parse(v) }, nil
	}
	return &connect.Schema{Type: connect.TypeInt32, Name: dateName, Version: 1}, func(v string) (any, error) {
		t, err := parse(v)
		if err != nil {
			return nil, err
		}
		return int32(t.Sub(epochDay).Hours() / 24), nil
	}, nil
}

// microsOfDay parses HH:MM:SS[.ffffff] (24:00:00 included).
func microsOfDay(v string) (int64, error) {
	hms, frac, _ := strings.Cut(v, ".")
	parts := strings.Split(hms, ":")
	if len(parts) != 3 {
		return 0, fmt.Errorf("time %q", v)
	}
	var n [3]int64
	for i, p := range parts {
		x, err := strconv.ParseInt(p, 10, 64)
		if err != nil {
			return 0, fmt.Errorf("time %q", v)
		}
		n[i] = x
	}
	us := ((n[0]*60+n[1])*60 + n[2]) * 1e6
	if frac != "" {
		f, err := strconv.ParseInt((frac + "000000")[:6], 10, 64)
		if err != nil {
			return 0, fmt.Errorf("time %q", v)
		}
		us += f
	}
	return us, nil
}

func (m *typeMapper) timeOfDay(typmod int32) (*connect.Schema, func(string) (any, error), error) {
	switch {
	case m.time == TimeConnect:
		return connect.TimeSchema(), func(v string) (any, error) {
			us, err := microsOfDay(v)
			return time.UnixMilli(us / 1000).UTC(), err
		}, nil
	case m.time == TimeAdaptive && typmod >= 0 && typmod <= 3:
		return &connect.Schema{Type: connect.TypeInt32, Name: timeName, Version: 1}, func(v string) (any, error) {
			us, err := microsOfDay(v)
			return int32(us / 1000), err
		}, nil
	}
	return &connect.Schema{Type: connect.TypeInt64, Name: microTimeName, Version: 1}, func(v string) (any, error) { return microsOfDay(v) }, nil
}

// parseTimestamp parses PostgreSQL's ISO output (DateStyle ISO), BC years and infinities
// excepted.
func parseTimestamp(v string, zoned bool) (time.Time, error) {
	layout := "2006-01-02 15:04:05.999999"
	if zoned {
		layout += "Z07"
		if strings.Count(v[max(len(v)-6, 0):], ":") == 1 {
			layout += ":00"
		}
	}
	t, err := time.Parse(layout, v)
	if err != nil {
		return time.Time{}, fmt.Errorf("timestamp %q: %w", v, err)
	}
	return t, nil
}

func (m *typeMapper) timestamp(typmod int32) (*connect.Schema, func(string) (any, error), error) {
	parse := func(v string) (time.Time, error) { return parseTimestamp(v, false) }
	switch {
	case m.time == TimeConnect:
		return connect.TimestampSchema(), func(v string) (any, error) { return parse(v) }, nil
	case typmod >= 0 && typmod <= 3:
		return &connect.Schema{Type: connect.TypeInt64, Name: timestampName, Version: 1}, func(v string) (any, error) {
			t, err := parse(v)
			return t.UnixMilli(), err
		}, nil
	}
	return &connect.Schema{Type: connect.TypeInt64, Name: microTimestamp, Version: 1}, func(v string) (any, error) {
		t, err := parse(v)
		return t.UnixMicro(), err
	}, nil
}

// parseInterval turns PostgreSQL's default interval output ("1 year 2 mons 3 days 04:05:06.5")
// into microseconds, counting a month as 365.25/12 days as Debezium's MicroDuration does.
func parseInterval(v string) (int64, error) {
	const dayUs = 86400e6
	var total float64
	f := strings.Fields(v)
	for i := 0; i < len(f); i++ {
		if strings.Contains(f[i], ":") {
			neg := strings.HasPrefix(f[i], "-")
			us, err := microsOfDay(strings.TrimLeft(f[i], "+-"))
			if err != nil {
				return 0, fmt.Errorf("interval %q", v)
			}
			if neg {
				us = -us
			}
			total += float64(us)
			continue
		}
		if i+1 >= len(f) {
			return 0, fmt.Errorf("interval %q", v)
		}
		n, err := strconv.ParseFloat(f[i], 64)
		if err != nil {
			return 0, fmt.Errorf("interval %q", v)
		}
		unit := strings.TrimSuffix(f[i+1], "s")
		i++
		switch unit {
		case "year":
			total += n * 12 * 365.25 / 12 * dayUs
		case "mon":
			total += n * 365.25 / 12 * dayUs
		case "day":
			total += n * dayUs
		default:
			return 0, fmt.Errorf("interval %q: unit %q", v, unit)
		}
	}
	return int64(total), nil
}

// parseArray parses a one-dimensional array literal such as {1,2,NULL} or {"a b","c\"d"}.
// An array whose lower bound is not 1 starts with its bounds ("[0:2]={1,2,3}"); they are
// dropped, as the array keeps its elements only.
func parseArray(v string, elem func(string) (any, error)) (any, error) {
	if dims, rest, ok := strings.Cut(v, "="); ok && strings.HasPrefix(dims, "[") && strings.HasSuffix(dims, "]") && !strings.Contains(dims, "][") {
		v = rest
	}
	if len(v) < 2 || v[0] != '{' || v[len(v)-1] != '}' {
		return nil, fmt.Errorf("array %q: only one-dimensional arrays are supported", v)
	}
	body := v[1 : len(v)-1]
	out := []any{}
	if body == "" {
		return out, nil
	}
	var cur strings.Builder
	quoted, wasQuoted := false, false
	flush := func() error {
		s := cur.String()
		cur.Reset()
		if !wasQuoted && s == "NULL" {
			out = append(out, nil)
			return nil
		}
		x, err := elem(s)
		if err != nil {
			return err
		}
		out = append(out, x)
		return nil
	}
	for i := 0; i < len(body); i++ {
		ch := body[i]
		switch {
		case quoted && ch == '\\' && i+1 < len(body):
			i++
			cur.WriteByte(body[i])
		case ch == '"':
			quoted = !quoted
			wasQuoted = true
		case !quoted && ch == '{':
			return nil, fmt.Errorf("array %q: only one-dimensional arrays are supported", v)
		case !quoted && ch == ',':
			if err := flush(); err != nil {
				return nil, err
			}
			wasQuoted = false
		default:
			cur.WriteByte(ch)
		}
	}
	if err := flush(); err != nil {
		return nil, err
	}
	return out, nil
}
