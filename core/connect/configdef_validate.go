package connect

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// ConfigValue is the validation result for one key (Kafka's ConfigValue): the parsed value
// (nil when it did not parse), recommended values, error messages and visibility.
type ConfigValue struct {
	Name              string
	Value             any
	RecommendedValues []any
	Errors            []string
	Visible           bool
}

// AddError appends an error message.
func (v *ConfigValue) AddError(msg string) { v.Errors = append(v.Errors, msg) }

// Validate checks props against every key, as Kafka's ConfigDef.validate: it never stops at
// the first problem and returns one result per key in definition order (internal keys left
// out), followed by one result per dependent that names an undefined key.
func (d *ConfigDef) Validate(props map[string]string) []*ConfigValue {
	if d == nil {
		return nil
	}
	parsed := map[string]any{}
	out := make([]*ConfigValue, 0, len(d.keys))
	for _, k := range d.keys {
		cv := &ConfigValue{Name: k.Name, Visible: true}
		var v any
		if raw, ok := props[k.Name]; ok {
			p, err := ParseConfigValue(k.Name, raw, k.Type)
			if err != nil {
				cv.AddError(err.Error())
			} else {
				v = p
			}
		} else if k.Required {
			cv.AddError((&ConfigError{Name: k.Name, Missing: true}).Error())
		} else {
			v = k.Default
		}
		if k.Validator != nil {
			if err := runValidator(k.Validator, k.Name, v); err != nil {
				cv.AddError(err.Error())
			}
		}
		cv.Value = v
		parsed[k.Name] = v
		if !k.Internal {
			out = append(out, cv)
		}
	}
	byName := map[string]*ConfigValue{}
	for _, cv := range out {
		byName[cv.Name] = cv
	}
	for _, k := range d.keys {
		cv, ok := byName[k.Name]
		if !ok || k.Recommender == nil {
			continue
		}
		cv.RecommendedValues = k.Recommender.ValidValues(k.Name, parsed)
		cv.Visible = k.Recommender.Visible(k.Name, parsed)
	}
	for _, k := range d.keys {
		for _, dep := range k.Dependents {
			if _, ok := d.index[dep]; ok || byName[dep] != nil {
				continue
			}
			cv := &ConfigValue{Name: dep, Errors: []string{dep + " is referred in the dependents, but not defined."}}
			byName[dep] = cv
			out = append(out, cv)
		}
	}
	return out
}

// Info converts a key to its REST shape (Kafka's AbstractHerder.convertConfigKey).
func (k ConfigKey) Info() ConfigKeyInfo {
	info := ConfigKeyInfo{
		Name:        k.Name,
		Type:        k.Type,
		Required:    k.Required,
		Importance:  k.Importance,
		Width:       k.Width,
		Order:       k.OrderInGroup,
		Dependents:  append([]string{}, k.Dependents...),
		DisplayName: strPtr(k.DisplayName),
	}
	if info.Width == "" {
		info.Width = WidthNone
	}
	if !k.Required {
		info.DefaultValue = ConvertToString(k.Default, k.Type)
	}
	if k.Doc != "" {
		info.Documentation = strPtr(k.Doc)
	}
	if k.Group != "" {
		info.Group = strPtr(k.Group)
	}
	return info
}

func strPtr(s string) *string { return &s }

// Infos returns the REST definitions of the non-internal keys in definition order
// (what GET /connector-plugins/{p}/config lists).
func (d *ConfigDef) Infos() []ConfigKeyInfo {
	out := []ConfigKeyInfo{}
	if d == nil {
		return out
	}
	for _, k := range d.keys {
		if !k.Internal {
			out = append(out, k.Info())
		}
	}
	return out
}

// ValueInfo converts a validation result to its REST shape (Kafka's convertConfigValue); t
// is the key's type, or "" for a value without definition.
func (v *ConfigValue) ValueInfo(t ConfigType) *ConfigValueInfo {
	info := &ConfigValueInfo{
		Name:              v.Name,
		Value:             ConvertToString(v.Value, t),
		RecommendedValues: []string{},
		Errors:            append([]string{}, v.Errors...),
		Visible:           v.Visible,
	}
	for _, r := range v.RecommendedValues {
		if l, ok := r.([]string); ok && t == ConfigList {
			info.RecommendedValues = append(info.RecommendedValues, l...)
			continue
		}
		if s := ConvertToString(r, t); s != nil {
			info.RecommendedValues = append(info.RecommendedValues, *s)
		}
	}
	return info
}

// GenerateConfigInfos assembles a validation answer as Kafka's AbstractHerder.generateResult:
// values without a definition first (definition null), then one entry per key of def in
// order, with the matching value or a null value when the key was not validated. When
// several values share a name the last one wins. error_count sums every entry's errors.
func GenerateConfigInfos(name string, def *ConfigDef, values []*ConfigValue, groups []string) ConfigInfos {
	out := ConfigInfos{Name: name, Groups: append([]string{}, groups...), Configs: []ConfigInfo{}}
	byName := map[string]*ConfigValue{}
	var orphans []*ConfigValue
	for _, v := range values {
		if _, ok := byName[v.Name]; !ok {
			if _, defined := def.Key(v.Name); !defined {
				orphans = append(orphans, v)
			}
		}
		byName[v.Name] = v
	}
	for _, v := range orphans {
		v = byName[v.Name]
		out.Configs = append(out.Configs, ConfigInfo{Value: v.ValueInfo("")})
		out.ErrorCount += len(v.Errors)
	}
	for _, k := range def.Keys() {
		if k.Internal {
			continue
		}
		ki := k.Info()
		ci := ConfigInfo{Definition: &ki}
		if v, ok := byName[k.Name]; ok {
			ci.Value = v.ValueInfo(k.Type)
			out.ErrorCount += len(v.Errors)
		}
		out.Configs = append(out.Configs, ci)
	}
	return out
}

// ValidateAll validates props against each definition and merges the answers as Kafka's
// herder does for a connector: keys of later definitions that repeat an earlier name keep
// the earlier position and take the later definition; groups are the union in order.
func ValidateAll(name string, props map[string]string, defs ...*ConfigDef) ConfigInfos {
	merged := NewConfigDef()
	var values []*ConfigValue
	var groups []string
	for _, d := range defs {
		merged = merged.Merge(d)
		values = append(values, d.Validate(props)...)
		for _, g := range d.Groups() {
			if !slices.Contains(groups, g) {
				groups = append(groups, g)
			}
		}
	}
	return GenerateConfigInfos(name, merged, values, groups)
}

// Err returns nil when the answer holds no error, else an error listing them, worded as
// Kafka's "Connector configuration is invalid and contains the following N error(s):".
func (c ConfigInfos) Err() error {
	if c.ErrorCount == 0 {
		return nil
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Connector configuration is invalid and contains the following %d error(s):", c.ErrorCount)
	for _, ci := range c.Configs {
		if ci.Value == nil {
			continue
		}
		for _, e := range ci.Value.Errors {
			b.WriteString("\n")
			b.WriteString(e)
		}
	}
	b.WriteString("\nYou can also find the above list of errors at the endpoint `/connector-plugins/{connectorType}/config/validate`")
	return &InvalidConfigError{Infos: c, msg: b.String()}
}

// InvalidConfigError is a failed validation; Infos holds the full answer.
type InvalidConfigError struct {
	Infos ConfigInfos
	msg   string
}

// Error returns Kafka's multi-line message.
func (e *InvalidConfigError) Error() string { return e.msg }

// ErrInvalidConfig is matched (errors.Is) by every *InvalidConfigError.
var ErrInvalidConfig = errors.New("invalid configuration")

// Is lets errors.Is(err, ErrInvalidConfig) match.
func (e *InvalidConfigError) Is(target error) bool { return target == ErrInvalidConfig }

// AddError appends msg to the value of the named key in c (adding a value without definition
// when the key has no entry) and counts it, for Validator implementations.
func (c *ConfigInfos) AddError(name, msg string) {
	for i := range c.Configs {
		ci := &c.Configs[i]
		if (ci.Definition != nil && ci.Definition.Name == name) || (ci.Definition == nil && ci.Value != nil && ci.Value.Name == name) {
			if ci.Value == nil {
				ci.Value = &ConfigValueInfo{Name: name, RecommendedValues: []string{}, Errors: []string{}, Visible: true}
			}
			ci.Value.Errors = append(ci.Value.Errors, msg)
			c.ErrorCount++
			return
		}
	}
	at := 0
	for at < len(c.Configs) && c.Configs[at].Definition == nil {
		at++
	}
	c.Configs = slices.Insert(c.Configs, at, ConfigInfo{Value: &ConfigValueInfo{Name: name, RecommendedValues: []string{}, Errors: []string{msg}, Visible: true}})
	c.ErrorCount++
}
