package connect

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode"
)

// Number is the set of Go types a Range validator bounds.
type Number interface {
	~int | ~int16 | ~int32 | ~int64 | ~float64
}

type rangeValidator struct {
	min, max any // nil when unbounded
}

func toFloat(v any) (float64, bool) {
	switch n := v.(type) {
	case int:
		return float64(n), true
	case int8:
		return float64(n), true
	case int16:
		return float64(n), true
	case int32:
		return float64(n), true
	case int64:
		return float64(n), true
	case float32:
		return float64(n), true
	case float64:
		return n, true
	}
	return 0, false
}

// Range accepts numbers between min and max inclusive (Kafka's Range.between).
func Range[T Number](min, max T) ConfigValidator { return rangeValidator{min: min, max: max} }

// AtLeast accepts numbers no smaller than min (Kafka's Range.atLeast).
func AtLeast[T Number](min T) ConfigValidator { return rangeValidator{min: min} }

// AtMost accepts numbers no larger than max.
func AtMost[T Number](max T) ConfigValidator { return rangeValidator{max: max} }

func (r rangeValidator) Validate(name string, v any) error {
	if v == nil {
		return &ConfigError{Name: name, Message: "Value must be non-null"}
	}
	n, ok := toFloat(v)
	if !ok {
		return &ConfigError{Name: name, Value: v, Message: "Value must be a number"}
	}
	if r.min != nil {
		if m, _ := toFloat(r.min); n < m {
			return &ConfigError{Name: name, Value: v, Message: "Value must be at least " + JavaString(r.min)}
		}
	}
	if r.max != nil {
		if m, _ := toFloat(r.max); n > m {
			return &ConfigError{Name: name, Value: v, Message: "Value must be no more than " + JavaString(r.max)}
		}
	}
	return nil
}

func (r rangeValidator) String() string {
	switch {
	case r.min == nil && r.max == nil:
		return "[...]"
	case r.min == nil:
		return "[...," + JavaString(r.max) + "]"
	case r.max == nil:
		return "[" + JavaString(r.min) + ",...]"
	}
	return "[" + JavaString(r.min) + ",...," + JavaString(r.max) + "]"
}

type validString struct{ values []string }

// ValidString accepts one of the given strings, case-sensitively (Kafka's ValidString.in).
func ValidString(values ...string) ConfigValidator { return validString{values: values} }

func (v validString) Validate(name string, val any) error {
	s, ok := val.(string)
	if !ok || !slices.Contains(v.values, s) {
		return &ConfigError{Name: name, Value: val, Message: "String must be one of: " + strings.Join(v.values, ", ")}
	}
	return nil
}

func (v validString) String() string { return "[" + strings.Join(v.values, ", ") + "]" }

type caseInsensitiveValidString struct{ values []string }

// ValidStringIgnoreCase accepts one of the given strings, ignoring case
// (Kafka's CaseInsensitiveValidString.in).
func ValidStringIgnoreCase(values ...string) ConfigValidator {
	up := make([]string, len(values))
	for i, s := range values {
		up[i] = strings.ToUpper(s)
	}
	return caseInsensitiveValidString{values: up}
}

func (v caseInsensitiveValidString) Validate(name string, val any) error {
	s, ok := val.(string)
	if !ok || !slices.Contains(v.values, strings.ToUpper(s)) {
		return &ConfigError{Name: name, Value: val, Message: "String must be one of (case insensitive): " + strings.Join(v.values, ", ")}
	}
	return nil
}

func (v caseInsensitiveValidString) String() string {
	return "(case insensitive) [" + strings.Join(v.values, ", ") + "]"
}

type validList struct {
	allowEmpty bool
	inner      validString
}

// ValidList accepts lists whose every item is one of the given strings (Kafka's ValidList.in).
func ValidList(values ...string) ConfigValidator {
	return validList{allowEmpty: true, inner: validString{values: values}}
}

func (v validList) Validate(name string, val any) error {
	if val == nil {
		return &ConfigError{Name: name, Message: "List must be non-null"}
	}
	items, _ := val.([]string)
	if !v.allowEmpty && len(items) == 0 {
		return &ConfigError{Name: name, Value: val, Message: "Empty list not allowed"}
	}
	for _, s := range items {
		if err := v.inner.Validate(name, s); err != nil {
			return err
		}
	}
	return nil
}

func (v validList) String() string { return v.inner.String() }

type nonEmptyString struct{}

// NonEmptyString rejects the empty string; null is accepted (Kafka's NonEmptyString).
func NonEmptyString() ConfigValidator { return nonEmptyString{} }

func (nonEmptyString) Validate(name string, val any) error {
	if s, ok := val.(string); ok && s == "" {
		return &ConfigError{Name: name, Value: val, Message: "String must be non-empty"}
	}
	return nil
}

func (nonEmptyString) String() string { return "non-empty string" }

type nonEmptyNoControl struct{}

// NonEmptyStringWithoutControlChars rejects the empty string and strings holding ISO control
// characters (Kafka's NonEmptyStringWithoutControlChars, used for connector names). Null is
// accepted, as in Kafka: a missing name is already reported as a missing required key.
func NonEmptyStringWithoutControlChars() ConfigValidator { return nonEmptyNoControl{} }

func (nonEmptyNoControl) Validate(name string, val any) error {
	s, ok := val.(string)
	switch {
	case val == nil || !ok:
		return nil
	case s == "":
		return &ConfigError{Name: name, Value: val, Message: "String may not be empty"}
	}
	var bad []string
	for _, r := range s {
		if unicode.IsControl(r) {
			bad = append(bad, fmt.Sprint(int(r)))
		}
	}
	if len(bad) > 0 {
		return &ConfigError{Name: name, Value: val, Message: "String may not contain control sequences but had the following ASCII chars: " + strings.Join(bad, ", ")}
	}
	return nil
}

func (nonEmptyNoControl) String() string { return "non-empty string without ISO control characters" }

type nonNull struct{}

// NonNull rejects null (Kafka's NonNullValidator).
func NonNull() ConfigValidator { return nonNull{} }

func (nonNull) Validate(name string, val any) error {
	if val == nil {
		return &ConfigError{Name: name, Message: "Value must be non-null"}
	}
	return nil
}

func (nonNull) String() string { return "non-null string" }

type regexValidator struct{}

// ValidRegex accepts a string that compiles as a regular expression (Kafka's RegexValidator;
// Go's RE2 syntax, which covers the common Java patterns). Null is accepted.
func ValidRegex() ConfigValidator { return regexValidator{} }

func (regexValidator) Validate(name string, val any) error {
	s, _ := val.(string)
	if val == nil {
		return nil
	}
	if _, err := regexp.Compile(s); err != nil {
		return &ConfigError{Name: name, Value: val, Message: fmt.Sprintf("must be a valid regular expression: %v", err)}
	}
	return nil
}

func (regexValidator) String() string { return "valid regex" }

type composite []ConfigValidator

// CompositeValidator runs validators in order and returns the first error (Kafka's
// CompositeValidator.of).
func CompositeValidator(validators ...ConfigValidator) ConfigValidator { return composite(validators) }

func (c composite) Validate(name string, val any) error {
	for _, v := range c {
		if v == nil {
			continue
		}
		if err := runValidator(v, name, val); err != nil {
			return err
		}
	}
	return nil
}

func (c composite) String() string {
	var parts []string
	for _, v := range c {
		if v != nil {
			parts = append(parts, v.String())
		}
	}
	return strings.Join(parts, ", ")
}

type lambda struct {
	fn   func(name string, val any) error
	desc string
}

// ValidatorFunc makes a validator from a function and a description of the valid values
// (Kafka's LambdaValidator.with). A plain error's text becomes the message after
// "Invalid value X for configuration Y: ".
func ValidatorFunc(fn func(name string, val any) error, desc string) ConfigValidator {
	return lambda{fn: fn, desc: desc}
}

func (l lambda) Validate(name string, val any) error { return l.fn(name, val) }
func (l lambda) String() string                      { return l.desc }

// OnlyValues accepts null and the listed values, and refuses any other value with why: for
// keys a connector accepts for compatibility (Kafka's, Confluent's, Apache Iceberg's) whose
// other values it does not implement. A value is compared as Kafka prints it: a list joined
// with commas, a password's text (an empty password is null), surrounding space trimmed.
func OnlyValues(why string, allowed ...string) ConfigValidator {
	desc := "null"
	if len(allowed) > 0 {
		desc = strings.Join(allowed, ", ")
	}
	return ValidatorFunc(func(_ string, v any) error {
		var s string
		switch x := v.(type) {
		case nil:
			return nil
		case Password:
			if s = x.Value(); s == "" {
				return nil
			}
		case string:
			s = x
		case []string:
			s = strings.Join(x, ",")
		default:
			s = fmt.Sprint(x)
		}
		if slices.Contains(allowed, strings.TrimSpace(s)) {
			return nil
		}
		return errors.New(why)
	}, desc)
}
