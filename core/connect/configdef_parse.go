package connect

import (
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"math"
	"strconv"
	"strings"
)

// ConfigError is a configuration problem with one key, worded as Kafka's ConfigException:
// "Invalid value <Value> for configuration <Name>: <Message>", or, when Missing is set,
// "Missing required configuration "<Name>" which has no default value.".
// PASSWORD values are always rendered as "[hidden]". Without a Name, the error is Message
// alone (Kafka's ConfigException(String)).
type ConfigError struct {
	Name string
	// Value is the offending value (the raw string for parse errors, the parsed value for
	// validator errors); nil renders as "null".
	Value   any
	Message string
	// Missing marks a required key that has no value.
	Missing bool
}

// Error renders the message as Kafka does.
func (e *ConfigError) Error() string {
	if e.Name == "" {
		return e.Message
	}
	if e.Missing {
		return fmt.Sprintf("Missing required configuration %q which has no default value.", e.Name)
	}
	s := "Invalid value " + JavaString(e.Value) + " for configuration " + e.Name
	if e.Message != "" {
		s += ": " + e.Message
	}
	return s
}

// JavaString renders a parsed config value as Java's toString would: null, true, 42,
// 1.0E10, [a, b]; a Password renders as "[hidden]".
func JavaString(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case string:
		return x
	case Password:
		return x.String()
	case bool:
		return strconv.FormatBool(x)
	case float64:
		return formatDouble(x)
	case float32:
		return formatFloat(x)
	case []string:
		return "[" + strings.Join(x, ", ") + "]"
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = JavaString(e)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case fmt.Stringer:
		return x.String()
	default:
		return fmt.Sprint(x)
	}
}

// ConvertToString renders a parsed value for REST output, as Kafka's ConfigDef.convertToString:
// nil stays nil, lists are joined with ",", passwords render as "[hidden]".
func ConvertToString(v any, t ConfigType) *string {
	if v == nil {
		return nil
	}
	var s string
	switch x := v.(type) {
	case []string:
		s = strings.Join(x, ",")
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = JavaString(e)
		}
		s = strings.Join(parts, ",")
	default:
		if t == ConfigPassword {
			s = Password("").String()
		} else {
			s = JavaString(v)
		}
	}
	return &s
}

// javaTrim is Java's String.trim: it strips every char <= U+0020 at both ends.
func javaTrim(s string) string { return strings.TrimFunc(s, func(r rune) bool { return r <= ' ' }) }

// javaSpace is the \s class of java.util.regex.
func javaSpace(r rune) bool {
	return r == ' ' || r == '\t' || r == '\n' || r == '\v' || r == '\f' || r == '\r'
}

// ParseConfigValue parses one raw value with Kafka's ConfigDef.parseType rules: values are
// trimmed; booleans are case-insensitive; numbers are range-checked for their type; lists
// are split on commas with the blanks around them removed. Errors are *ConfigError.
func ParseConfigValue(name, raw string, t ConfigType) (any, error) {
	s := javaTrim(raw)
	bad := func(msg string) error { return &ConfigError{Name: name, Value: raw, Message: msg} }
	switch t {
	case ConfigString, ConfigClass:
		return s, nil
	case ConfigPassword:
		return Password(s), nil
	case ConfigBoolean:
		switch {
		case strings.EqualFold(s, "true"):
			return true, nil
		case strings.EqualFold(s, "false"):
			return false, nil
		}
		return nil, bad("Expected value to be either true or false")
	case ConfigInt, ConfigShort, ConfigLong:
		bits := map[ConfigType]int{ConfigInt: 32, ConfigShort: 16, ConfigLong: 64}[t]
		n, err := strconv.ParseInt(s, 10, bits)
		if err != nil {
			return nil, bad("Not a number of type " + string(t))
		}
		switch t {
		case ConfigInt:
			return int32(n), nil
		case ConfigShort:
			return int16(n), nil
		}
		return n, nil
	case ConfigDouble:
		f, ok := parseJavaDouble(s)
		if !ok {
			return nil, bad("Not a number of type DOUBLE")
		}
		return f, nil
	case ConfigList:
		if s == "" {
			return []string{}, nil
		}
		parts := strings.Split(s, ",")
		for i, p := range parts {
			parts[i] = strings.TrimFunc(p, javaSpace)
		}
		return parts, nil
	}
	return nil, bad("Unknown type " + string(t))
}

// parseJavaDouble accepts what Java's Double.parseDouble accepts for common inputs:
// decimal and scientific notation, an optional f/F/d/D suffix, NaN and Infinity (exact case).
func parseJavaDouble(s string) (float64, bool) {
	body := strings.TrimLeft(s, "+-")
	switch body {
	case "NaN":
		return math.NaN(), len(s)-len(body) <= 1
	case "Infinity":
		if len(s)-len(body) > 1 {
			return 0, false
		}
		if strings.HasPrefix(s, "-") {
			return math.Inf(-1), true
		}
		return math.Inf(1), true
	}
	if n := len(s); n > 1 && strings.ContainsRune("fFdD", rune(s[n-1])) && !strings.HasPrefix(strings.ToLower(body), "0x") {
		s = s[:n-1]
	}
	low := strings.ToLower(s)
	if s == "" || strings.Contains(low, "inf") || strings.Contains(low, "nan") || strings.Contains(s, "_") {
		return 0, false
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil && !errors.Is(err, strconv.ErrRange) {
		return 0, false
	}
	return f, true
}

// Parse parses props with the definition, as Kafka's ConfigDef.parse: undeclared keys are
// ignored, absent keys take their default, required keys without a value and values that do
// not parse or validate are errors. All problems are reported, joined, each a *ConfigError.
func (d *ConfigDef) Parse(props map[string]string) (Values, error) {
	parsed := make(map[string]any, len(d.keys))
	var errs []error
	for _, k := range d.keys {
		v, err := d.parseKey(k, props)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		parsed[k.Name] = v
	}
	if len(errs) > 0 {
		return Values{}, errors.Join(errs...)
	}
	return Values{def: d, parsed: parsed, raw: maps.Clone(props)}, nil
}

func (d *ConfigDef) parseKey(k ConfigKey, props map[string]string) (any, error) {
	var v any
	if raw, ok := props[k.Name]; ok {
		p, err := ParseConfigValue(k.Name, raw, k.Type)
		if err != nil {
			return nil, err
		}
		v = p
	} else if k.Required {
		return nil, &ConfigError{Name: k.Name, Missing: true}
	} else {
		v = k.Default
	}
	if k.Validator != nil {
		if err := runValidator(k.Validator, k.Name, v); err != nil {
			return nil, err
		}
	}
	return v, nil
}

// runValidator calls a validator and turns a plain error into a *ConfigError.
func runValidator(val ConfigValidator, name string, v any) error {
	err := val.Validate(name, v)
	if err == nil {
		return nil
	}
	var ce *ConfigError
	if errors.As(err, &ce) {
		return err
	}
	return &ConfigError{Name: name, Value: v, Message: err.Error()}
}

// Values holds parsed config values and reads them with their Go type (Kafka's AbstractConfig).
// Reading a key the ConfigDef does not declare, or with the wrong accessor, is a programming
// error and panics.
type Values struct {
	def    *ConfigDef
	parsed map[string]any
	raw    map[string]string
}

func (v Values) get(name string, t ...ConfigType) any {
	k, ok := v.def.Key(name)
	if !ok {
		panic(fmt.Sprintf("connect: unknown configuration %q", name))
	}
	if len(t) > 0 && !containsType(t, k.Type) {
		panic(fmt.Sprintf("connect: configuration %q is of type %s, read as %s", name, k.Type, t[0]))
	}
	return v.parsed[name]
}

func containsType(ts []ConfigType, t ConfigType) bool {
	for _, x := range ts {
		if x == t {
			return true
		}
	}
	return false
}

// Get returns the parsed value of a key (nil for a null default).
func (v Values) Get(name string) any { return v.get(name) }

// IsSet reports whether props gave the key a value (rather than it taking its default).
func (v Values) IsSet(name string) bool {
	_, ok := v.raw[name]
	return ok
}

// String returns a STRING key's value ("" when null).
func (v Values) String(name string) string {
	s, _ := v.get(name, ConfigString).(string)
	return s
}

// Class returns a CLASS key's value, the class name ("" when null).
func (v Values) Class(name string) string {
	s, _ := v.get(name, ConfigClass).(string)
	return s
}

// Int returns an INT key's value (0 when null).
func (v Values) Int(name string) int32 {
	n, _ := v.get(name, ConfigInt).(int32)
	return n
}

// Short returns a SHORT key's value (0 when null).
func (v Values) Short(name string) int16 {
	n, _ := v.get(name, ConfigShort).(int16)
	return n
}

// Long returns a LONG key's value (0 when null).
func (v Values) Long(name string) int64 {
	n, _ := v.get(name, ConfigLong).(int64)
	return n
}

// Double returns a DOUBLE key's value (0 when null).
func (v Values) Double(name string) float64 {
	n, _ := v.get(name, ConfigDouble).(float64)
	return n
}

// Bool returns a BOOLEAN key's value (false when null).
func (v Values) Bool(name string) bool {
	b, _ := v.get(name, ConfigBoolean).(bool)
	return b
}

// List returns a LIST key's value (nil when null).
func (v Values) List(name string) []string {
	l, _ := v.get(name, ConfigList).([]string)
	return l
}

// Password returns a PASSWORD key's value ("" when null).
func (v Values) Password(name string) Password {
	p, _ := v.get(name, ConfigPassword).(Password)
	return p
}

// Raw returns a copy of the properties that were parsed, as given (secrets included: never
// log it; use Redacted for output).
func (v Values) Raw() map[string]string { return maps.Clone(v.raw) }

// Redacted returns the parsed properties with PASSWORD values replaced by "[hidden]".
func (v Values) Redacted() map[string]string {
	out := maps.Clone(v.raw)
	for name := range out {
		if k, ok := v.def.Key(name); ok && k.Type == ConfigPassword {
			out[name] = Password("").String()
		}
	}
	return out
}

// Format prints the redacted properties, so a Values never shows a secret through fmt.
func (v Values) Format(f fmt.State, _ rune) { fmt.Fprint(f, v.Redacted()) }

// LogValue logs the redacted properties, so a Values never shows a secret through log/slog.
func (v Values) LogValue() slog.Value { return slog.AnyValue(v.Redacted()) }
