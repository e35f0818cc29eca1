package connect

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// NewConfigDef returns an empty ConfigDef.
func NewConfigDef() *ConfigDef {
	return &ConfigDef{index: map[string]int{}}
}

// Define adds a key and returns d for chaining. It panics when the name is already defined,
// when the name is empty, or when the default does not parse or fails the key's validator:
// all of these are programming errors, as in Kafka's ConfigDef.define.
//
// Normalisation: a Default given as a string for a non-string type is parsed with the key's
// type (as Kafka does); Go int defaults are converted to the type's Go type; an empty Width is
// NONE; an empty DisplayName is the name; an empty Importance is MEDIUM; a key without a group
// and with OrderInGroup 0 gets order -1 ("not set"), as Kafka reports it.
func (d *ConfigDef) Define(k ConfigKey) *ConfigDef {
	d.lazyInit()
	if k.Name == "" {
		panic("connect: config key without a name")
	}
	if _, dup := d.index[k.Name]; dup {
		panic(fmt.Sprintf("connect: configuration %s is defined twice", k.Name))
	}
	k = normaliseKey(k)
	d.index[k.Name] = len(d.keys)
	d.keys = append(d.keys, k)
	return d
}

func normaliseKey(k ConfigKey) ConfigKey {
	if k.Width == "" {
		k.Width = WidthNone
	}
	if k.DisplayName == "" {
		k.DisplayName = k.Name
	}
	if k.Importance == "" {
		k.Importance = Medium
	}
	if k.Group == "" && k.OrderInGroup == 0 {
		k.OrderInGroup = -1
	}
	if k.Type == "" {
		k.Type = ConfigString
	}
	if k.Required {
		k.Default = nil
		return k
	}
	if k.Default != nil {
		v, err := normaliseDefault(k.Name, k.Type, k.Default)
		if err != nil {
			panic(fmt.Sprintf("connect: default of %s: %v", k.Name, err))
		}
		k.Default = v
		if k.Validator != nil {
			if err := k.Validator.Validate(k.Name, v); err != nil {
				panic(fmt.Sprintf("connect: default of %s: %v", k.Name, err))
			}
		}
	}
	return k
}

// normaliseDefault turns a default given in a convenient Go type into the parsed Go type.
func normaliseDefault(name string, t ConfigType, v any) (any, error) {
	if s, ok := v.(string); ok && t != ConfigString && t != ConfigClass {
		return ParseConfigValue(name, s, t)
	}
	switch t {
	case ConfigInt:
		if n, ok := v.(int); ok {
			return int32(n), nil
		}
	case ConfigShort:
		if n, ok := v.(int); ok {
			return int16(n), nil
		}
	case ConfigLong:
		if n, ok := v.(int); ok {
			return int64(n), nil
		}
	case ConfigDouble:
		if n, ok := v.(int); ok {
			return float64(n), nil
		}
	case ConfigPassword:
		if s, ok := v.(string); ok {
			return Password(s), nil
		}
	}
	want := map[ConfigType]string{ConfigString: "string", ConfigClass: "string", ConfigInt: "int32", ConfigShort: "int16",
		ConfigLong: "int64", ConfigDouble: "float64", ConfigBoolean: "bool", ConfigList: "[]string", ConfigPassword: "connect.Password"}
	if got := fmt.Sprintf("%T", v); got != want[t] {
		return nil, fmt.Errorf("default of type %s for a %s key: want %s", got, t, want[t])
	}
	return v, nil
}

func (d *ConfigDef) lazyInit() {
	if d.index == nil {
		d.index = map[string]int{}
	}
}

// Keys returns the keys in definition order (internal keys included).
func (d *ConfigDef) Keys() []ConfigKey {
	if d == nil {
		return nil
	}
	return slices.Clone(d.keys)
}

// Key returns the named key.
func (d *ConfigDef) Key(name string) (ConfigKey, bool) {
	if d == nil {
		return ConfigKey{}, false
	}
	i, ok := d.index[name]
	if !ok {
		return ConfigKey{}, false
	}
	return d.keys[i], true
}

// Names returns the key names in definition order.
func (d *ConfigDef) Names() []string {
	if d == nil {
		return nil
	}
	out := make([]string, len(d.keys))
	for i, k := range d.keys {
		out[i] = k.Name
	}
	return out
}

// Groups returns the groups of the keys in first-definition order, as Kafka's ConfigDef.groups.
func (d *ConfigDef) Groups() []string {
	var out []string
	if d == nil {
		return out
	}
	for _, k := range d.keys {
		if k.Group != "" && !slices.Contains(out, k.Group) {
			out = append(out, k.Group)
		}
	}
	return out
}

// Merge returns a new ConfigDef holding d's keys then other's. A key other also defines
// keeps d's position and takes other's definition, as a Java LinkedHashMap.putAll does.
func (d *ConfigDef) Merge(other *ConfigDef) *ConfigDef {
	out := NewConfigDef()
	for _, src := range []*ConfigDef{d, other} {
		if src == nil {
			continue
		}
		for _, k := range src.keys {
			if i, ok := out.index[k.Name]; ok {
				out.keys[i] = k
				continue
			}
			out.index[k.Name] = len(out.keys)
			out.keys = append(out.keys, k)
		}
	}
	return out
}

// Clone returns a copy of d that can be extended without changing d.
func (d *ConfigDef) Clone() *ConfigDef { return NewConfigDef().Merge(d) }

// Embed defines every key of child under keyPrefix, with group groupPrefix (or
// "groupPrefix: childGroup") and orders counting from startOrder, as Kafka's ConfigDef.embed.
// Validators and recommenders of embedded keys see the unprefixed name, as in Kafka.
func (d *ConfigDef) Embed(keyPrefix, groupPrefix string, startOrder int, child *ConfigDef) *ConfigDef {
	order := startOrder
	for _, k := range child.SortedKeys() {
		group := groupPrefix
		if k.Group != "" {
			group += ": " + k.Group
		}
		nk := k
		nk.Name = keyPrefix + k.Name
		nk.Group = group
		nk.OrderInGroup = order
		order++
		if k.Validator != nil {
			nk.Validator = prefixedValidator{prefix: keyPrefix, base: k.Validator}
		}
		if k.Recommender != nil {
			nk.Recommender = prefixedRecommender{prefix: keyPrefix, base: k.Recommender}
		}
		nk.Dependents = nil
		for _, dep := range k.Dependents {
			nk.Dependents = append(nk.Dependents, keyPrefix+dep)
		}
		d.lazyInit()
		if _, dup := d.index[nk.Name]; dup {
			panic(fmt.Sprintf("connect: configuration %s is defined twice", nk.Name))
		}
		d.index[nk.Name] = len(d.keys)
		d.keys = append(d.keys, nk)
	}
	return d
}

type prefixedValidator struct {
	prefix string
	base   ConfigValidator
}

func (p prefixedValidator) Validate(name string, v any) error {
	return p.base.Validate(strings.TrimPrefix(name, p.prefix), v)
}
func (p prefixedValidator) String() string { return p.base.String() }

type prefixedRecommender struct {
	prefix string
	base   Recommender
}

func (p prefixedRecommender) unprefixed(parsed map[string]any) map[string]any {
	out := map[string]any{}
	for k, v := range parsed {
		if s, ok := strings.CutPrefix(k, p.prefix); ok {
			out[s] = v
		}
	}
	return out
}

func (p prefixedRecommender) ValidValues(name string, parsed map[string]any) []any {
	return p.base.ValidValues(strings.TrimPrefix(name, p.prefix), p.unprefixed(parsed))
}

func (p prefixedRecommender) Visible(name string, parsed map[string]any) bool {
	return p.base.Visible(strings.TrimPrefix(name, p.prefix), p.unprefixed(parsed))
}

// SortedKeys returns the keys in Kafka's documentation order (ConfigDef.sortedConfigs):
// by group (first-definition order, ungrouped first), order in group, required before
// optional, importance, then name.
func (d *ConfigDef) SortedKeys() []ConfigKey {
	groups := d.Groups()
	ord := map[string]int{}
	for i, g := range groups {
		ord[g] = i
	}
	imp := map[Importance]int{High: 0, Medium: 1, Low: 2}
	out := d.Keys()
	slices.SortStableFunc(out, func(a, b ConfigKey) int {
		switch {
		case a.Group == "" && b.Group != "":
			return -1
		case a.Group != "" && b.Group == "":
			return 1
		}
		if c := cmp.Compare(ord[a.Group], ord[b.Group]); c != 0 {
			return c
		}
		if c := cmp.Compare(a.OrderInGroup, b.OrderInGroup); c != 0 {
			return c
		}
		if a.Required != b.Required {
			if a.Required {
				return -1
			}
			return 1
		}
		if c := cmp.Compare(imp[a.Importance], imp[b.Importance]); c != 0 {
			return c
		}
		return strings.Compare(a.Name, b.Name)
	})
	return out
}

// WithPrefix returns a copy of d whose key names (and dependents) carry prefix; groups and
// orders are kept, validators and recommenders see the unprefixed name.
func (d *ConfigDef) WithPrefix(prefix string) *ConfigDef {
	out := NewConfigDef()
	for _, k := range d.Keys() {
		nk := k
		nk.Name = prefix + k.Name
		if k.Validator != nil {
			nk.Validator = prefixedValidator{prefix: prefix, base: k.Validator}
		}
		if k.Recommender != nil {
			nk.Recommender = prefixedRecommender{prefix: prefix, base: k.Recommender}
		}
		nk.Dependents = nil
		for _, dep := range k.Dependents {
			nk.Dependents = append(nk.Dependents, prefix+dep)
		}
		out.index[nk.Name] = len(out.keys)
		out.keys = append(out.keys, nk)
	}
	return out
}
