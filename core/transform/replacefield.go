package transform

import (
	"slices"

	"github.com/connectless/connectless/core/connect"
)

const replaceFieldPurpose = "field replacement"

// ReplaceField is Kafka's ReplaceField$Key / ReplaceField$Value: it drops, keeps and renames
// fields of a Struct or Map.
type ReplaceField struct {
	base
	side             side
	exclude, include []string
	renames, reverse map[string]string
	replaceNull      bool
	cache            schemaCache
}

func newReplaceField(s side) *ReplaceField {
	return &ReplaceField{side: s, base: base{def: newDef([]connect.ConfigKey{
		{Name: "exclude", Type: connect.ConfigList, Default: []string{}, Importance: connect.Medium,
			Doc: "Fields to exclude. This takes precedence over the fields to include. Default empty. Mirrors Kafka Connect's ReplaceField exclude (formerly blacklist)."},
		{Name: "include", Type: connect.ConfigList, Default: []string{}, Importance: connect.Medium,
			Doc: "Fields to include. If specified, only these fields will be used. Default empty. Mirrors Kafka Connect's ReplaceField include (formerly whitelist)."},
		{Name: "renames", Type: connect.ConfigList, Default: []string{}, Importance: connect.Medium, Validator: renamesValidator(),
			Doc: "Field rename mappings, as old:new pairs. Default empty. Mirrors Kafka Connect's ReplaceField renames."},
		{Name: "blacklist", Type: connect.ConfigList, Importance: connect.Low, Internal: true,
			Doc: "Deprecated alias of exclude. Default null. Mirrors Kafka Connect's ReplaceField blacklist (removed in Kafka 4.0)."},
		{Name: "whitelist", Type: connect.ConfigList, Importance: connect.Low, Internal: true,
			Doc: "Deprecated alias of include. Default null. Mirrors Kafka Connect's ReplaceField whitelist (removed in Kafka 4.0)."},
		replaceNullKey(),
	})}}
}

func renamesValidator() connect.ConfigValidator {
	return connect.ValidatorFunc(func(name string, v any) error {
		l, _ := v.([]string)
		_, err := parseRenames(name, l)
		return err
	}, "list of colon-delimited pairs, e.g. foo:bar,abc:xyz")
}

func parseRenames(name string, mappings []string) (map[string]string, error) {
	m := make(map[string]string, len(mappings))
	for _, mapping := range mappings {
		parts := javaSplit(mapping, ":")
		if len(parts) != 2 {
			return nil, &connect.ConfigError{Name: name, Value: mappings, Message: "Invalid rename mapping: " + mapping}
		}
		m[parts[0]] = parts[1]
	}
	return m, nil
}

// Configure parses ReplaceField's keys; blacklist/whitelist are accepted for older configs.
func (t *ReplaceField) Configure(props map[string]string) error {
	c, err := parseConfig(t.def, props)
	if err != nil {
		return err
	}
	t.exclude, t.include = c.list("exclude"), c.list("include")
	if _, ok := props["exclude"]; !ok && c["blacklist"] != nil {
		t.exclude = c.list("blacklist")
	}
	if _, ok := props["include"]; !ok && c["whitelist"] != nil {
		t.include = c.list("whitelist")
	}
	t.renames, _ = parseRenames("renames", c.list("renames"))
	t.reverse = make(map[string]string, len(t.renames))
	for k, v := range t.renames {
		t.reverse[v] = k
	}
	t.replaceNull = c.boolean("replace.null.with.default")
	return nil
}

func (t *ReplaceField) keep(name string) bool {
	return !slices.Contains(t.exclude, name) && (len(t.include) == 0 || slices.Contains(t.include, name))
}

func (t *ReplaceField) renamed(name string) string {
	if n, ok := t.renames[name]; ok {
		return n
	}
	return name
}

func (t *ReplaceField) reverseRenamed(name string) string {
	if n, ok := t.reverse[name]; ok {
		return n
	}
	return name
}

// Apply filters and renames; a null key/value passes unchanged.
func (t *ReplaceField) Apply(r *connect.Record) (*connect.Record, error) {
	v := t.side.value(r)
	if v == nil {
		return r, nil
	}
	if t.side.schema(r) == nil {
		m, err := requireMap(v, replaceFieldPurpose)
		if err != nil {
			return nil, err
		}
		out := make(map[string]any, len(m))
		for k, fv := range m {
			if t.keep(k) {
				out[t.renamed(k)] = fv
			}
		}
		return t.side.with(r, nil, out), nil
	}
	st, err := requireStruct(v, replaceFieldPurpose)
	if err != nil {
		return nil, err
	}
	us := t.cache.get(st.Schema())
	if us == nil {
		us = copySchemaBasics(st.Schema(), connect.TypeStruct)
		for _, f := range st.Schema().Fields {
			if t.keep(f.Name) {
				if err := addField(us, t.renamed(f.Name), f.Schema); err != nil {
					return nil, err
				}
			}
		}
		t.cache.put(st.Schema(), us)
	}
	out := connect.NewStruct(us)
	for _, f := range us.Fields {
		if err := put(out, f.Name, getField(st, t.reverseRenamed(f.Name), t.replaceNull)); err != nil {
			return nil, err
		}
	}
	return t.side.with(r, us, out), nil
}
