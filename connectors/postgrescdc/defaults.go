package postgrescdc

import (
	"regexp"
	"strings"

	"github.com/connectless/connectless/core/connect"
)

// defaultPlaceholders are, per column type, the text that stands for a DEFAULT computed by a
// function (nextval(...), now(), gen_random_uuid()): the schema's default is then the type's
// zero, as Debezium's PostgreSQL connector gives it. Types not listed get no default.
var defaultPlaceholders = map[string]string{
	"bit": "00", "varbit": "0", "bool": "false",
	"bpchar": "", "varchar": "", "text": "",
	"numeric": "0.0", "float4": "0.0", "float8": "0.0", "int2": "0", "int4": "0", "int8": "0",
	"json": "{}", "jsonb": "{}", "xml": "",
	"uuid":        "00000000-0000-0000-0000-000000000000",
	"date":        "1970-01-01",
	"time":        "00:00",
	"timestamp":   "1970-01-01",
	"timestamptz": "1970-01-01",
	"interval":    "", // a function's default gives none
}

// functionDefault matches a DEFAULT expression that calls a function, as Debezium's.
var functionDefault = regexp.MustCompile(`^[(]?[A-Za-z0-9_]+\((?:.+(?:, ?.+)*)?\)`)

// columnDefault returns the schema default of a column from its DEFAULT expression (as
// pg_get_expr prints it): the literal's value converted like the column's values, or the
// type's placeholder when a function computes it. ok is false when the column gets none: no
// DEFAULT, a NULL default, a type without a default mapping, an expression that is neither a
// literal nor a function call (CURRENT_TIMESTAMP, arithmetic), or a value that converts to a
// struct (VariableScaleDecimal), which Kafka cannot hold as a default.
func columnDefault(c *column, expr string) (v any, ok bool) {
	placeholder, known := defaultPlaceholders[c.typ.name]
	if expr == "" || !known || len(c.typ.enum) > 0 || c.typ.category == 'A' || strings.HasPrefix(expr, "NULL::") {
		return nil, false
	}
	text := expr
	switch {
	case functionDefault.MatchString(expr):
		if placeholder == "" && c.typ.name == "interval" {
			return nil, false
		}
		text = placeholder
	case strings.Contains(expr, "'"):
		text = quotedLiteral(expr)
	}
	switch c.typ.name {
	case "time":
		if strings.Count(text, ":") == 1 {
			text += ":00"
		}
	case "timestamp", "timestamptz":
		if len(text) == len("1970-01-01") {
			text += " 00:00:00"
		}
		if c.typ.name == "timestamptz" && !strings.ContainsAny(text[min(len(text), 19):], "+-Z") {
			text += "+00"
		}
	}
	v, err := c.conv(text)
	if err != nil {
		return nil, false
	}
	if _, isStruct := v.(*connect.Struct); isStruct {
		return nil, false
	}
	return v, true
}

// quotedLiteral returns the first single-quoted literal of an expression ('it”s'::text gives
// it's).
func quotedLiteral(expr string) string {
	_, rest, _ := strings.Cut(expr, "'")
	var b strings.Builder
	for i := 0; i < len(rest); i++ {
		if rest[i] == '\'' {
			if i+1 < len(rest) && rest[i+1] == '\'' {
				b.WriteByte('\'')
				i++
				continue
			}
			break
		}
		b.WriteByte(rest[i])
	}
	return b.String()
}
