package transform

import (
	"strings"

	"github.com/connectless/connectless/core/connect"
)

const extractFieldPurpose = "field extraction"

// ExtractField is Kafka's ExtractField$Key / ExtractField$Value: it replaces the key or value
// with one of its fields (a nested one with field.syntax.version=V2).
type ExtractField struct {
	base
	side        side
	original    string
	path        []string
	replaceNull bool
}

func newExtractField(s side) *ExtractField {
	return &ExtractField{side: s, base: base{def: newDef([]connect.ConfigKey{
		{Name: "field", Type: connect.ConfigString, Required: true, Importance: connect.Medium,
			Doc: "Field name to extract. Required. Mirrors Kafka Connect's ExtractField field."},
		{Name: "field.syntax.version", Type: connect.ConfigString, Default: "V1", Importance: connect.High, Validator: connect.ValidStringIgnoreCase("V1", "V2"),
			Doc: "Defines the version of the syntax to access fields. V1: the field name is a single top-level name. V2: dots separate nested fields; backticks quote names containing dots. Default V1. Mirrors Kafka Connect's field.syntax.version."},
		replaceNullKey(),
	})}}
}

// Configure parses ExtractField's keys.
func (t *ExtractField) Configure(props map[string]string) error {
	c, err := parseConfig(t.def, props)
	if err != nil {
		return err
	}
	t.original = c.str("field")
	t.replaceNull = c.boolean("replace.null.with.default")
	if strings.EqualFold(c.str("field.syntax.version"), "V2") {
		t.path, err = parseFieldPathV2(t.original)
		return err
	}
	t.path = []string{t.original}
	return nil
}

// parseFieldPathV2 is Kafka's SingleFieldPath V2 syntax.
func parseFieldPathV2(p string) ([]string, error) {
	var steps []string
	i := 0
	for i < len(p) {
		if p[i] != '`' {
			j := strings.IndexByte(p[i:], '.')
			if j < 0 {
				steps = append(steps, p[i:])
				break
			}
			steps = append(steps, p[i:i+j])
			i += j + 1
			continue
		}
		start := i + 1
		end := -1
		for k := start; k < len(p); k++ {
			if p[k] == '`' && p[k-1] != '\\' && (k+1 == len(p) || p[k+1] == '.') {
				end = k
				break
			}
		}
		if end < 0 {
			return nil, configErr("Incomplete backtick pair in path: [%s], consider adding a backslash before backtick at position %d to escape it", p, start-1)
		}
		steps = append(steps, strings.ReplaceAll(p[start:end], "\\`", "`"))
		i = end + 2
	}
	if p != "" && p[len(p)-1] == '.' {
		steps = append(steps, "")
	}
	if len(steps) == 0 {
		steps = []string{""}
	}
	return steps, nil
}

// Apply extracts the field.
func (t *ExtractField) Apply(r *connect.Record) (*connect.Record, error) {
	s, v := t.side.schema(r), t.side.value(r)
	if s == nil {
		m, err := requireMapOrNull(v, extractFieldPurpose)
		if err != nil {
			return nil, err
		}
		if m == nil {
			return t.side.with(r, nil, nil), nil
		}
		var cur any = m
		for _, step := range t.path {
			cm, ok := cur.(map[string]any)
			if !ok {
				cur = nil
				break
			}
			cur = cm[step]
		}
		return t.side.with(r, nil, cur), nil
	}
	st, err := requireStructOrNull(v, extractFieldPurpose)
	if err != nil {
		return nil, err
	}
	fs := s
	for _, step := range t.path {
		f, ok := fs.Field(step)
		if fs.Type != connect.TypeStruct || !ok {
			return nil, &Error{Class: ClassIllegalArgument, Msg: "Unknown field: " + t.original}
		}
		fs = f.Schema
	}
	if st == nil {
		return t.side.with(r, fs, nil), nil
	}
	var cur any = st
	for _, step := range t.path {
		cs, ok := cur.(*connect.Struct)
		if !ok || cs == nil {
			cur = nil
			break
		}
		cur = getField(cs, step, t.replaceNull)
	}
	return t.side.with(r, fs, cur), nil
}
