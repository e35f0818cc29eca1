package transform

import (
	"errors"
	"strings"

	"github.com/connectless/connectless/core/connect"
)

// replaceNullKey is the replace.null.with.default key many SMTs share (Kafka 3.9, KIP-1040).
func replaceNullKey() connect.ConfigKey {
	return connect.ConfigKey{Name: "replace.null.with.default", Type: connect.ConfigBoolean, Default: true, Importance: connect.Medium,
		Doc: "Whether to replace fields that have a default value and that are null to the default value. When set to true, the default value is used, otherwise null is used. Default true. Mirrors Kafka Connect's replace.null.with.default."}
}

// conf is a parsed configuration: key name to typed value (string, int32, bool, []string or nil).
type conf map[string]any

func (c conf) str(k string) string {
	s, _ := c[k].(string)
	return s
}

func (c conf) strOrNil(k string) (string, bool) {
	s, ok := c[k].(string)
	return s, ok
}

func (c conf) list(k string) []string {
	l, _ := c[k].([]string)
	return l
}

func (c conf) boolean(k string) bool {
	b, _ := c[k].(bool)
	return b
}

// parseConfig parses props with def (Kafka's ConfigDef.parse); the first problem is returned
// as a ConfigException *Error wrapping the *connect.ConfigError.
func parseConfig(def *connect.ConfigDef, props map[string]string) (conf, error) {
	vals, err := def.Parse(props)
	if err != nil {
		var ce *connect.ConfigError
		if errors.As(err, &ce) {
			return nil, &Error{Class: ClassConfigException, Msg: ce.Error(), Err: ce}
		}
		return nil, &Error{Class: ClassConfigException, Msg: err.Error(), Err: err}
	}
	out := make(conf, len(def.Keys()))
	for _, k := range def.Keys() {
		out[k.Name] = vals.Get(k.Name)
	}
	return out, nil
}

// newDef builds a ConfigDef from keys.
func newDef(keys []connect.ConfigKey) *connect.ConfigDef {
	d := connect.NewConfigDef()
	for _, k := range keys {
		d.Define(k)
	}
	return d
}

// nonEmptyList is Kafka's NonEmptyListValidator.
func nonEmptyList() connect.ConfigValidator {
	return connect.ValidatorFunc(func(name string, v any) error {
		if l, ok := v.([]string); !ok || len(l) == 0 {
			return &connect.ConfigError{Name: name, Value: v, Message: "Empty list"}
		}
		return nil
	}, "non-empty list")
}

// javaRegex is Kafka's RegexValidator: the value must compile as a regular expression
// (Go's RE2 syntax: Java's look-around, back-references and possessive quantifiers are rejected).
func javaRegex() connect.ConfigValidator {
	return connect.ValidatorFunc(func(name string, v any) error {
		s, ok := v.(string)
		if !ok {
			return nil
		}
		if _, err := compileJavaRegex(s); err != nil {
			return &connect.ConfigError{Name: name, Value: s, Message: "Invalid regex: " + err.Error()}
		}
		return nil
	}, "valid regex")
}

// javaSplit is Java's String.split(sep) for a literal one-character separator: trailing
// empty strings are removed.
func javaSplit(s, sep string) []string {
	parts := strings.Split(s, sep)
	for len(parts) > 0 && parts[len(parts)-1] == "" {
		parts = parts[:len(parts)-1]
	}
	return parts
}
