package template

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/awslabs/goformation/v7/cloudformation"
	"github.com/awslabs/goformation/v7/intrinsics"
)

// unscopable are the actions that take no resource-level permissions (Lambda's VPC network
// interfaces): only they may be granted on "*".
var unscopable = []string{
	"ec2:CreateNetworkInterface", "ec2:DescribeNetworkInterfaces", "ec2:DeleteNetworkInterface",
	"ec2:AssignPrivateIpAddresses", "ec2:UnassignPrivateIpAddresses",
}

// Template is a parsed template in its long form (intrinsics as {"Ref": …} maps).
type Template struct {
	Raw        map[string]any
	Parameters map[string]any
	Conditions map[string]any
	Resources  map[string]map[string]any
}

// Parse reads a YAML template, keeping intrinsic functions unresolved.
func Parse(yaml []byte) (*Template, error) {
	js, err := intrinsics.ProcessYAML(yaml, &intrinsics.ProcessorOptions{NoProcess: true})
	if err != nil {
		return nil, fmt.Errorf("parse template: %w", err)
	}
	t := &Template{Resources: map[string]map[string]any{}}
	if err := json.Unmarshal(js, &t.Raw); err != nil {
		return nil, fmt.Errorf("parse template: %w", err)
	}
	t.Parameters, _ = t.Raw["Parameters"].(map[string]any)
	t.Conditions, _ = t.Raw["Conditions"].(map[string]any)
	res, _ := t.Raw["Resources"].(map[string]any)
	if len(res) == 0 {
		return nil, errors.New("parse template: no resources")
	}
	for name, r := range res {
		m, ok := r.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("resource %s: not a map", name)
		}
		t.Resources[name] = m
	}
	return t, nil
}

// DecodeStrict resolves the template's intrinsics with the given parameter values (the
// defaults for the others) and decodes every resource, and the Globals' Function section,
// into goformation's type for it; an unknown property is an error.
func DecodeStrict(yaml []byte, params map[string]any) error {
	raw, err := intrinsics.ProcessYAML(yaml, &intrinsics.ProcessorOptions{NoProcess: true})
	if err != nil {
		return fmt.Errorf("parse template: %w", err)
	}
	// A resource-level Condition would make the processor replace the whole resource by the
	// condition's value; drop it so that every resource is decoded.
	var tree map[string]any
	if err := json.Unmarshal(raw, &tree); err != nil {
		return fmt.Errorf("parse template: %w", err)
	}
	if res, ok := tree["Resources"].(map[string]any); ok {
		for _, r := range res {
			if m, ok := r.(map[string]any); ok {
				delete(m, "Condition")
			}
		}
	}
	if raw, err = json.Marshal(tree); err != nil {
		return fmt.Errorf("parse template: %w", err)
	}
	js, err := intrinsics.ProcessJSON(raw, &intrinsics.ProcessorOptions{EvaluateConditions: true, ParameterOverrides: params})
	if err != nil {
		return fmt.Errorf("resolve intrinsics: %w", err)
	}
	var doc struct {
		Resources map[string]json.RawMessage
		Globals   map[string]json.RawMessage
	}
	if err := json.Unmarshal(js, &doc); err != nil {
		return fmt.Errorf("decode template: %w", err)
	}
	all := cloudformation.AllResources()
	var errs []error
	names := sortedKeys(doc.Resources)
	for _, name := range names {
		var head struct{ Type string }
		if err := json.Unmarshal(doc.Resources[name], &head); err != nil {
			errs = append(errs, fmt.Errorf("resource %s: %w", name, err))
			continue
		}
		proto, ok := all[head.Type]
		if !ok {
			errs = append(errs, fmt.Errorf("resource %s: unknown type %q", name, head.Type))
			continue
		}
		v := reflect.New(reflect.TypeOf(proto).Elem()).Interface()
		if err := json.Unmarshal(doc.Resources[name], v); err != nil {
			errs = append(errs, fmt.Errorf("resource %s (%s): %w", name, head.Type, err))
		}
	}
	if g, ok := doc.Globals["Function"]; ok {
		wrapped, _ := json.Marshal(map[string]json.RawMessage{"Type": json.RawMessage(`"AWS::Serverless::Function"`), "Properties": g})
		v := reflect.New(reflect.TypeOf(all["AWS::Serverless::Function"]).Elem()).Interface()
		if err := json.Unmarshal(wrapped, v); err != nil {
			errs = append(errs, fmt.Errorf("Globals.Function: %w", err))
		}
	}
	return errors.Join(errs...)
}

var subVar = regexp.MustCompile(`\$\{([^}]*)\}`)

// CheckReferences checks that every Ref, GetAtt, Sub variable, condition name and DependsOn
// names something the template declares (or a pseudo parameter).
func (t *Template) CheckReferences() error {
	var errs []error
	bad := func(where, format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s: %s", where, fmt.Sprintf(format, args...)))
	}
	t.walk("", t.Raw, func(where string, fn string, arg any) {
		switch fn {
		case "Ref":
			name, _ := arg.(string)
			if !t.isParam(name) && t.Resources[name] == nil && !strings.HasPrefix(name, "AWS::") {
				bad(where, "Ref %q names no parameter or resource", name)
			}
		case "Fn::GetAtt":
			res, attr := getAtt(arg)
			if t.Resources[res] == nil || attr == "" {
				bad(where, "GetAtt %s.%s names no resource", res, attr)
			}
		case "Fn::Sub":
			for _, name := range t.subNames(arg) {
				if !t.isParam(name) && t.Resources[name] == nil && !strings.HasPrefix(name, "AWS::") {
					bad(where, "Sub variable ${%s} names no parameter or resource", name)
				}
			}
		case "Fn::If":
			args, _ := arg.([]any)
			if len(args) != 3 {
				bad(where, "Fn::If wants 3 arguments")
				return
			}
			if c, _ := args[0].(string); t.Conditions[c] == nil {
				bad(where, "Fn::If names no condition %q", args[0])
			}
		case "Condition":
			if c, _ := arg.(string); t.Conditions[c] == nil {
				bad(where, "Condition %q is not declared", arg)
			}
		}
	})
	for _, name := range sortedKeys(t.Resources) {
		r := t.Resources[name]
		if c, ok := r["Condition"].(string); ok && t.Conditions[c] == nil {
			bad("Resources."+name, "Condition %q is not declared", c)
		}
		deps := r["DependsOn"]
		if s, ok := deps.(string); ok {
			deps = []any{s}
		}
		list, _ := deps.([]any)
		for _, d := range list {
			if s, _ := d.(string); t.Resources[s] == nil {
				bad("Resources."+name, "DependsOn %v names no resource", d)
			}
		}
	}
	return errors.Join(errs...)
}

// CheckIAM checks that every statement of every IAM policy in the template names only
// resources the template declares or takes as parameters: a Ref or GetAtt of one, or a Sub
// that uses one; "*" only for actions without resource-level permissions. Managed policies
// by name are refused: they cannot be scoped to this stack.
func (t *Template) CheckIAM() error {
	var errs []error
	for _, name := range sortedKeys(t.Resources) {
		r := t.Resources[name]
		props, _ := r["Properties"].(map[string]any)
		var docs []any
		switch r["Type"] {
		case "AWS::Serverless::Function":
			pol := props["Policies"]
			list, ok := pol.([]any)
			if !ok && pol != nil {
				list = []any{pol}
			}
			for _, p := range list {
				if s, ok := p.(string); ok {
					errs = append(errs, fmt.Errorf("%s: managed policy %q cannot be scoped to this stack", name, s))
					continue
				}
				docs = append(docs, p)
			}
		case "AWS::IAM::Role", "AWS::IAM::Policy":
			if r["Type"] == "AWS::IAM::Policy" {
				docs = append(docs, props["PolicyDocument"])
			}
			list, _ := props["Policies"].([]any)
			for _, p := range list {
				if m, ok := p.(map[string]any); ok {
					docs = append(docs, m["PolicyDocument"])
				}
			}
			if len(asList(props["ManagedPolicyArns"])) > 0 {
				errs = append(errs, fmt.Errorf("%s: managed policies cannot be scoped to this stack", name))
			}
		}
		for _, d := range docs {
			doc, _ := d.(map[string]any)
			for i, st := range t.branches(doc["Statement"]) {
				if err := t.checkStatement(st); err != nil {
					errs = append(errs, fmt.Errorf("%s: statement %d: %w", name, i, err))
				}
			}
		}
	}
	return errors.Join(errs...)
}

func (t *Template) checkStatement(st any) error {
	m, ok := st.(map[string]any)
	if !ok {
		return fmt.Errorf("not a map: %v", st)
	}
	if m["NotResource"] != nil || m["NotAction"] != nil {
		return errors.New("NotResource/NotAction grant more than they name")
	}
	actions := asList(m["Action"])
	for _, res := range t.branches(m["Resource"]) {
		switch v := res.(type) {
		case string:
			if v != "*" {
				return fmt.Errorf("resource %q is hard-coded", v)
			}
			for _, a := range actions {
				if s, _ := a.(string); !slices.Contains(unscopable, s) {
					return fmt.Errorf("action %v on \"*\"", a)
				}
			}
		case map[string]any:
			if err := t.namesOwn(v); err != nil {
				return err
			}
		default:
			return fmt.Errorf("resource %v: unexpected form", v)
		}
	}
	if len(t.branches(m["Resource"])) == 0 {
		return errors.New("no Resource")
	}
	return nil
}

// namesOwn checks that an intrinsic names a declared resource or a parameter.
func (t *Template) namesOwn(v map[string]any) error {
	if r, ok := v["Ref"].(string); ok {
		if t.Resources[r] == nil && !t.isParam(r) {
			//lint:ignore ST1005 Ref is CloudFormation's name for the intrinsic and keeps its case
			return fmt.Errorf("Ref %q is not this template's", r)
		}
		return nil
	}
	if g, ok := v["Fn::GetAtt"]; ok {
		if res, _ := getAtt(g); t.Resources[res] == nil {
			return fmt.Errorf("GetAtt %q is not this template's", res)
		}
		return nil
	}
	if s, ok := v["Fn::Sub"]; ok {
		for _, name := range t.subNames(s) {
			if t.Resources[name] != nil || t.isParam(name) {
				return nil
			}
		}
		//lint:ignore ST1005 Sub is CloudFormation's name for the intrinsic and keeps its case
		return fmt.Errorf("Sub %v names none of this template's resources or parameters", s)
	}
	return fmt.Errorf("resource %v: want Ref, GetAtt or Sub", v)
}

// branches flattens lists and both branches of Fn::If; AWS::NoValue disappears.
func (t *Template) branches(v any) []any {
	switch x := v.(type) {
	case nil:
		return nil
	case []any:
		var out []any
		for _, e := range x {
			out = append(out, t.branches(e)...)
		}
		return out
	case map[string]any:
		if args, ok := x["Fn::If"].([]any); ok && len(args) == 3 {
			return append(t.branches(args[1]), t.branches(args[2])...)
		}
		if x["Ref"] == "AWS::NoValue" {
			return nil
		}
	}
	return []any{v}
}

func (t *Template) isParam(name string) bool { _, ok := t.Parameters[name]; return ok }

// subNames returns the variables a Sub uses, without its own variable map's names and
// without ${!literal}s; ${Res.Attr} gives Res.
func (t *Template) subNames(arg any) []string {
	s, _ := arg.(string)
	local := map[string]any{}
	if list, ok := arg.([]any); ok && len(list) == 2 {
		s, _ = list[0].(string)
		local, _ = list[1].(map[string]any)
	}
	var out []string
	for _, m := range subVar.FindAllStringSubmatch(s, -1) {
		name := m[1]
		if strings.HasPrefix(name, "!") {
			continue
		}
		if _, ok := local[name]; ok {
			continue
		}
		if i := strings.IndexByte(name, '.'); i > 0 && !strings.HasPrefix(name, "AWS::") {
			name = name[:i]
		}
		out = append(out, name)
	}
	// ${!x} escapes only "${": a variable may still follow inside the literal.
	for _, m := range regexp.MustCompile(`\$\{!([^}]*)`).FindAllStringSubmatch(s, -1) {
		for _, inner := range subVar.FindAllStringSubmatch(m[1]+"}", -1) {
			out = append(out, inner[1])
		}
	}
	return out
}

func getAtt(arg any) (res, attr string) {
	switch v := arg.(type) {
	case string:
		res, attr, _ = strings.Cut(v, ".")
	case []any:
		if len(v) == 2 {
			res, _ = v[0].(string)
			attr, _ = v[1].(string)
		}
	}
	return res, attr
}

func asList(v any) []any {
	switch x := v.(type) {
	case nil:
		return nil
	case []any:
		return x
	}
	return []any{v}
}

// walk calls fn for every intrinsic function (and Condition key) in the tree.
func (t *Template) walk(where string, v any, fn func(where, name string, arg any)) {
	switch x := v.(type) {
	case map[string]any:
		for _, k := range sortedKeys(x) {
			if k == "Ref" || strings.HasPrefix(k, "Fn::") || (k == "Condition" && strings.Contains(where, "Fn::")) {
				fn(where, k, x[k])
			}
			t.walk(where+"."+k, x[k], fn)
		}
	case []any:
		for i, e := range x {
			t.walk(fmt.Sprintf("%s[%d]", where, i), e, fn)
		}
	}
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
