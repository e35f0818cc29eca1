package sqldb

import (
	gosql "database/sql"
	"errors"
	"fmt"
	"math"
	"math/big"
	"strconv"
	"strings"
	"time"

	"github.com/connectless/connectless/core/connect"
)

// ErrUnmappable is returned for a column whose type has no Connect schema.
var ErrUnmappable = errors.New("column type cannot be mapped to a Connect schema")

// Numeric mappings (numeric.mapping), as Confluent's NumericMapping.
const (
	NumericNone                = "none"
	NumericPrecisionOnly       = "precision_only"
	NumericBestFit             = "best_fit"
	NumericBestFitEagerDouble  = "best_fit_eager_double"
	decimalMaxPrecisionForLong = 18
	// maxNumericPrecision is PostgreSQL's largest declared NUMERIC precision; drivers report
	// larger values for an unconstrained NUMERIC.
	maxNumericPrecision = 1000
)

// fieldConv turns one scanned column value into a Connect value.
type fieldConv func(v any) (any, error)

// columnField is one result column: its Connect field schema and its converter.
type columnField struct {
	name   string
	schema *connect.Schema
	conv   fieldConv
}

// mapColumn returns the Connect schema of a result column, as Confluent's
// GenericDatabaseDialect.addFieldToSchema maps JDBC types.
func mapColumn(d dialect, ct *gosql.ColumnType, optional bool, numeric string) (columnField, error) {
	name := ct.Name()
	tn := strings.ToUpper(ct.DatabaseTypeName())
	f := columnField{name: name}
	opt := func(s *connect.Schema) *connect.Schema { s.Optional = optional; return s }
	switch tn {
	case "INT2", "SMALLINT", "YEAR", "UNSIGNED TINYINT":
		f.schema, f.conv = opt(connect.Int16Schema()), intConv(16)
	case "TINYINT":
		f.schema, f.conv = opt(connect.Int8Schema()), intConv(8)
	case "INT4", "INT", "INTEGER", "MEDIUMINT", "UNSIGNED SMALLINT", "UNSIGNED MEDIUMINT", "SERIAL":
		f.schema, f.conv = opt(connect.Int32Schema()), intConv(32)
	case "INT8", "BIGINT", "UNSIGNED INT", "BIGSERIAL":
		f.schema, f.conv = opt(connect.Int64Schema()), intConv(64)
	case "FLOAT4", "FLOAT", "REAL":
		f.schema, f.conv = opt(connect.Float32Schema()), floatConv(32)
	case "FLOAT8", "DOUBLE":
		f.schema, f.conv = opt(connect.Float64Schema()), floatConv(64)
	case "BOOL", "BOOLEAN", "BIT":
		if tn == "BIT" && d.kind == mysqlKind {
			f.schema, f.conv = opt(connect.BytesSchema()), bytesConv
			break
		}
		f.schema, f.conv = opt(connect.BooleanSchema()), boolConv
	case "NUMERIC", "DECIMAL", "UNSIGNED BIGINT":
		precision, scale, ok := ct.DecimalSize()
		if tn == "UNSIGNED BIGINT" {
			precision, scale, ok = 20, 0, true
		}
		if !ok || precision <= 0 || precision > maxNumericPrecision || scale < 0 || scale > precision {
			// An unconstrained NUMERIC has no fixed scale, which a Decimal schema needs.
			f.schema, f.conv = opt(connect.StringSchema()), stringConv
			break
		}
		return numericField(f, precision, scale, optional, numeric)
	case "TEXT", "VARCHAR", "CHAR", "BPCHAR", "NAME", "UUID", "JSON", "JSONB", "XML", "CITEXT",
		"TINYTEXT", "MEDIUMTEXT", "LONGTEXT", "ENUM", "SET", "INET", "CIDR", "MACADDR", "INTERVAL":
		f.schema, f.conv = opt(connect.StringSchema()), stringConv
	case "BYTEA", "BLOB", "TINYBLOB", "MEDIUMBLOB", "LONGBLOB", "BINARY", "VARBINARY":
		f.schema, f.conv = opt(connect.BytesSchema()), bytesConv
	case "DATE":
		f.schema, f.conv = opt(connect.DateSchema()), dateConv
	case "TIME":
		f.schema, f.conv = opt(connect.TimeSchema()), timeOfDayConv
	case "TIMESTAMP", "TIMESTAMPTZ", "DATETIME":
		f.schema, f.conv = opt(connect.TimestampSchema()), timestampConv
	default:
		return f, fmt.Errorf("%w: column %q has type %s", ErrUnmappable, name, ct.DatabaseTypeName())
	}
	return f, nil
}

// numericField maps a DECIMAL/NUMERIC column by numeric.mapping.
func numericField(f columnField, precision, scale int64, optional bool, numeric string) (columnField, error) {
	opt := func(s *connect.Schema) *connect.Schema { s.Optional = optional; return s }
	switch numeric {
	case NumericPrecisionOnly, NumericBestFit, NumericBestFitEagerDouble:
		if scale == 0 && precision <= decimalMaxPrecisionForLong {
			switch {
			case precision <= 2:
				f.schema, f.conv = opt(connect.Int8Schema()), intConv(8)
			case precision <= 4:
				f.schema, f.conv = opt(connect.Int16Schema()), intConv(16)
			case precision <= 9:
				f.schema, f.conv = opt(connect.Int32Schema()), intConv(32)
			default:
				f.schema, f.conv = opt(connect.Int64Schema()), intConv(64)
			}
			return f, nil
		}
		if numeric == NumericBestFitEagerDouble && scale > 0 || numeric == NumericBestFit && scale > 0 && precision <= decimalMaxPrecisionForLong {
			f.schema, f.conv = opt(connect.Float64Schema()), floatConv(64)
			return f, nil
		}
	}
	s := connect.DecimalSchema(int32(scale))
	s.Optional = optional
	f.schema, f.conv = s, decimalConv(int32(scale))
	return f, nil
}

func text(v any) (string, bool) {
	switch x := v.(type) {
	case string:
		return x, true
	case []byte:
		return string(x), true
	}
	return "", false
}

func intConv(bits int) fieldConv {
	return func(v any) (any, error) {
		var n int64
		switch x := v.(type) {
		case int64:
			n = x
		case uint64:
			if x > math.MaxInt64 {
				return nil, fmt.Errorf("value %d overflows int64", x)
			}
			n = int64(x)
		case float64:
			n = int64(x)
		case bool:
			if x {
				n = 1
			}
		default:
			s, ok := text(v)
			if !ok {
				return nil, fmt.Errorf("unexpected %T for an integer column", v)
			}
			var err error
			if n, err = strconv.ParseInt(strings.TrimSpace(s), 10, 64); err != nil {
				d, derr := connect.ParseDecimal(strings.TrimSpace(s))
				if derr != nil || d.Scale > 0 && new(big.Int).Mod(d.Unscaled, pow10(d.Scale)).Sign() != 0 {
					return nil, fmt.Errorf("integer column: %w", err)
				}
				n = rescale(d, 0).Unscaled.Int64()
			}
		}
		switch bits {
		case 8:
			if n < math.MinInt8 || n > math.MaxInt8 {
				return nil, fmt.Errorf("value %d overflows int8", n)
			}
			return int8(n), nil
		case 16:
			if n < math.MinInt16 || n > math.MaxInt16 {
				return nil, fmt.Errorf("value %d overflows int16", n)
			}
			return int16(n), nil
		case 32:
			if n < math.MinInt32 || n > math.MaxInt32 {
				return nil, fmt.Errorf("value %d overflows int32", n)
			}
			return int32(n), nil
		}
		return n, nil
	}
}

func floatConv(bits int) fieldConv {
	return func(v any) (any, error) {
		var f float64
		switch x := v.(type) {
		case float64:
			f = x
		case float32:
			f = float64(x)
		case int64:
			f = float64(x)
		default:
			s, ok := text(v)
			if !ok {
				return nil, fmt.Errorf("unexpected %T for a floating-point column", v)
			}
			var err error
			if f, err = strconv.ParseFloat(strings.TrimSpace(s), 64); err != nil {
				return nil, fmt.Errorf("floating-point column: %w", err)
			}
		}
		if bits == 32 {
			return float32(f), nil
		}
		return f, nil
	}
}

func boolConv(v any) (any, error) {
	switch x := v.(type) {
	case bool:
		return x, nil
	case int64:
		return x != 0, nil
	}
	s, ok := text(v)
	if !ok {
		return nil, fmt.Errorf("unexpected %T for a boolean column", v)
	}
	b, err := strconv.ParseBool(s)
	if err != nil {
		return nil, fmt.Errorf("boolean column: %w", err)
	}
	return b, nil
}

func stringConv(v any) (any, error) {
	switch x := v.(type) {
	case string:
		return x, nil
	case []byte:
		return string(x), nil
	case time.Time:
		return x.UTC().Format(time.RFC3339Nano), nil
	}
	return fmt.Sprint(v), nil
}

func bytesConv(v any) (any, error) {
	switch x := v.(type) {
	case []byte:
		return append([]byte(nil), x...), nil
	case string:
		return []byte(x), nil
	}
	return nil, fmt.Errorf("unexpected %T for a binary column", v)
}

func pow10(n int32) *big.Int { return new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(n)), nil) }

// rescale returns d with the given scale, rounding half up when digits are dropped.
func rescale(d connect.Decimal, scale int32) connect.Decimal {
	switch {
	case d.Scale == scale:
		return d
	case d.Scale < scale:
		return connect.Decimal{Unscaled: new(big.Int).Mul(d.Unscaled, pow10(scale-d.Scale)), Scale: scale}
	}
	div := pow10(d.Scale - scale)
	q, r := new(big.Int).QuoRem(d.Unscaled, div, new(big.Int))
	if new(big.Int).Mul(new(big.Int).Abs(r), big.NewInt(2)).Cmp(div) >= 0 {
		if d.Unscaled.Sign() < 0 {
			q.Sub(q, big.NewInt(1))
		} else {
			q.Add(q, big.NewInt(1))
		}
	}
	return connect.Decimal{Unscaled: q, Scale: scale}
}

func decimalConv(scale int32) fieldConv {
	return func(v any) (any, error) {
		var s string
		switch x := v.(type) {
		case int64:
			s = strconv.FormatInt(x, 10)
		case uint64:
			s = strconv.FormatUint(x, 10)
		case float64:
			s = strconv.FormatFloat(x, 'f', -1, 64)
		default:
			var ok bool
			if s, ok = text(v); !ok {
				return nil, fmt.Errorf("unexpected %T for a decimal column", v)
			}
		}
		d, err := connect.ParseDecimal(strings.TrimSpace(s))
		if err != nil {
			return nil, fmt.Errorf("decimal column: %w", err)
		}
		return rescale(d, scale), nil
	}
}

// parseClock parses "HH:MM:SS[.fraction]" as a time on 1970-01-01 UTC.
func parseClock(s string) (time.Time, error) {
	t, err := time.Parse("15:04:05.999999999", strings.TrimSpace(s))
	if err != nil {
		return time.Time{}, err
	}
	return time.Date(1970, 1, 1, t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), time.UTC), nil
}

func timeOfDayConv(v any) (any, error) {
	switch x := v.(type) {
	case time.Time:
		return time.Date(1970, 1, 1, x.Hour(), x.Minute(), x.Second(), x.Nanosecond()/1e6*1e6, time.UTC), nil
	}
	s, ok := text(v)
	if !ok {
		return nil, fmt.Errorf("unexpected %T for a time column", v)
	}
	t, err := parseClock(s)
	if err != nil {
		return nil, fmt.Errorf("time column: %w", err)
	}
	return t.Truncate(time.Millisecond), nil
}

func dateConv(v any) (any, error) {
	var t time.Time
	switch x := v.(type) {
	case time.Time:
		t = x
	default:
		s, ok := text(v)
		if !ok {
			return nil, fmt.Errorf("unexpected %T for a date column", v)
		}
		var err error
		if t, err = time.Parse(time.DateOnly, strings.TrimSpace(s)); err != nil {
			return nil, fmt.Errorf("date column: %w", err)
		}
	}
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC), nil
}

func timestampConv(v any) (any, error) {
	switch x := v.(type) {
	case time.Time:
		return x.UTC(), nil
	}
	s, ok := text(v)
	if !ok {
		return nil, fmt.Errorf("unexpected %T for a timestamp column", v)
	}
	for _, layout := range []string{"2006-01-02 15:04:05.999999999", time.RFC3339Nano} {
		if t, err := time.Parse(layout, strings.TrimSpace(s)); err == nil {
			return t.UTC(), nil
		}
	}
	return nil, fmt.Errorf("timestamp column: cannot parse %q", s)
}
