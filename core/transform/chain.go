package transform

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/connectless/connectless/core/connect"
)

// Connector config keys that define a chain (Kafka's ConnectorConfig).
const (
	TransformsConfig = "transforms"
	PredicatesConfig = "predicates"
)

// stage is one transformation with its optional predicate (Kafka's TransformationStage).
type stage struct {
	alias, class string
	t            connect.Transformation
	pred         connect.Predicate
	predAlias    string
	negate       bool
}

// Chain is a connector's transformation chain (Kafka's TransformationChain). A Chain is used
// by one task at a time: Apply must not be called concurrently.
type Chain struct {
	stages     []stage
	predicates []connect.Predicate
}

// aliases parses a LIST key holding aliases, rejecting duplicates as Kafka does.
func aliases(props map[string]string, key string) ([]string, error) {
	raw, ok := props[key]
	if !ok {
		return nil, nil
	}
	v, err := connect.ParseConfigValue(key, raw, connect.ConfigList)
	if err != nil {
		return nil, &Error{Class: ClassConfigException, Msg: err.Error(), Err: err}
	}
	l, _ := v.([]string)
	if err := aliasValidator(key, l); err != nil {
		return nil, &Error{Class: ClassConfigException, Msg: err.Error(), Err: err}
	}
	return l, nil
}

func aliasValidator(name string, l []string) error {
	seen := make(map[string]bool, len(l))
	for _, a := range l {
		if seen[a] {
			return &connect.ConfigError{Name: name, Value: l, Message: "Duplicate alias provided."}
		}
		seen[a] = true
	}
	return nil
}

// subProps returns the keys under prefix with the prefix stripped.
func subProps(props map[string]string, prefix string) map[string]string {
	out := map[string]string{}
	for k, v := range props {
		if s, ok := strings.CutPrefix(k, prefix); ok {
			out[s] = v
		}
	}
	return out
}

// NewChain builds, from the registry's transformations and predicates, the chain a connector
// configuration defines (transforms, transforms.<a>.type, .predicate, .negate and options;
// predicates, predicates.<p>.type and options). Errors carry Kafka's ConfigException
// messages; an empty transforms list gives an empty chain.
func NewChain(reg *connect.Registry, props map[string]string) (*Chain, error) {
	if infos := ValidateChain(reg, props); hasErrors(infos) {
		return nil, firstError(infos)
	}
	tAliases, _ := aliases(props, TransformsConfig)
	pAliases, _ := aliases(props, PredicatesConfig)
	c := &Chain{}
	preds := map[string]connect.Predicate{}
	predClass := map[string]string{}
	for _, a := range pAliases {
		prefix := PredicatesConfig + "." + a + "."
		p, _ := reg.LookupType(connect.PluginPredicate, props[prefix+"type"]) // checked by ValidateChain
		pr := p.NewPredicate()
		if err := pr.Configure(subProps(props, prefix)); err != nil {
			c.Close()
			return nil, fmt.Errorf("configure predicate %s: %w", a, err)
		}
		preds[a], predClass[a] = pr, p.Class
		c.predicates = append(c.predicates, pr)
	}
	for _, a := range tAliases {
		prefix := TransformsConfig + "." + a + "."
		p, _ := reg.LookupType(connect.PluginTransformation, props[prefix+"type"]) // checked by ValidateChain
		t := p.NewTransformation()
		sp := subProps(props, prefix)
		st := stage{alias: a, class: p.Class, t: t}
		if pa, ok := sp["predicate"]; ok && strings.TrimSpace(pa) != "" {
			st.predAlias = strings.TrimSpace(pa)
			st.pred = preds[st.predAlias]
			st.negate = strings.EqualFold(strings.TrimSpace(sp["negate"]), "true")
		}
		delete(sp, "predicate")
		delete(sp, "negate")
		if err := t.Configure(sp); err != nil {
			c.Close()
			return nil, fmt.Errorf("configure transformation %s: %w", a, err)
		}
		c.stages = append(c.stages, st)
	}
	return c, nil
}

// Len returns the number of transformations in the chain.
func (c *Chain) Len() int {
	if c == nil {
		return 0
	}
	return len(c.stages)
}

// Apply runs r through every stage: a stage with a predicate applies only when
// negate XOR predicate.Test(r). It returns nil when a stage drops the record. Errors are
// *StageError values naming the stage and wrapping the transform's *Error.
func (c *Chain) Apply(r *connect.Record) (out *connect.Record, err error) {
	if c == nil {
		return r, nil
	}
	for i := range c.stages {
		st := &c.stages[i]
		if st.pred != nil && st.negate == st.pred.Test(r) {
			continue
		}
		if r, err = applyStage(st, r); err != nil {
			return nil, err
		}
		if r == nil {
			return nil, nil
		}
	}
	return r, nil
}

// applyStage runs one transformation, turning a panic into an error so one bad record
// cannot take the task down.
func applyStage(st *stage, r *connect.Record) (out *connect.Record, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = &StageError{Alias: st.alias, Class: st.class, Err: &Error{Class: "java.lang.RuntimeException", Msg: fmt.Sprint(p)}}
		}
	}()
	out, err = st.t.Apply(r)
	if err != nil {
		return nil, &StageError{Alias: st.alias, Class: st.class, Err: err}
	}
	return out, nil
}

// Close closes every transformation and predicate, returning their errors joined.
func (c *Chain) Close() error {
	if c == nil {
		return nil
	}
	var errs []error
	for _, st := range c.stages {
		errs = append(errs, st.t.Close())
	}
	for _, p := range c.predicates {
		errs = append(errs, p.Close())
	}
	return errors.Join(errs...)
}

// ChainConfigDef returns the definition of the chain keys a connector configuration holds, as
// Kafka's enriched ConnectorConfig: transforms and predicates, then for each alias its type
// (and, for transforms, predicate and negate) in group "Transforms: <alias>" or
// "Predicates: <alias>", followed by the options of the selected class under the alias prefix.
func ChainConfigDef(reg *connect.Registry, props map[string]string) *connect.ConfigDef {
	def := connect.NewConfigDef()
	def.Define(connect.ConfigKey{Name: TransformsConfig, Type: connect.ConfigList, Default: []string{}, Importance: connect.Low,
		Group: "Transforms", OrderInGroup: 1, Width: connect.WidthLong, DisplayName: "Transforms",
		Validator: connect.ValidatorFunc(func(name string, v any) error {
			l, _ := v.([]string)
			return aliasValidator(name, l)
		}, "unique transformation aliases"),
		Doc: "Aliases for the transformations to be applied to records. Default empty. Mirrors Kafka Connect's transforms."})
	def.Define(connect.ConfigKey{Name: PredicatesConfig, Type: connect.ConfigList, Default: []string{}, Importance: connect.Low,
		Group: "Predicates", OrderInGroup: 1, Width: connect.WidthLong, DisplayName: "Predicates",
		Validator: connect.ValidatorFunc(func(name string, v any) error {
			l, _ := v.([]string)
			return aliasValidator(name, l)
		}, "unique predicate aliases"),
		Doc: "Aliases for the predicates used by transformations. Default empty. Mirrors Kafka Connect's predicates."})
	tAliases, _ := listValue(props, TransformsConfig)
	pAliases, _ := listValue(props, PredicatesConfig)
	for _, a := range dedupe(tAliases) {
		prefix := TransformsConfig + "." + a + "."
		group := "Transforms: " + a
		def.Define(connect.ConfigKey{Name: prefix + "type", Type: connect.ConfigClass, Required: true, Importance: connect.High,
			Group: group, OrderInGroup: 0, Width: connect.WidthLong, DisplayName: "Transformation type for " + a,
			Validator: classValidator(reg, connect.PluginTransformation),
			Doc:       "Class for the '" + a + "' transformation. Required. Mirrors Kafka Connect's transforms.<alias>.type."})
		if p, err := reg.LookupType(connect.PluginTransformation, props[prefix+"type"]); err == nil {
			// Every transformation implicitly takes predicate and negate (Kafka's initialConfigDef).
			inner := connect.NewConfigDef()
			inner.Define(connect.ConfigKey{Name: "predicate", Type: connect.ConfigString, Importance: connect.Medium,
				Validator: predicateAliasValidator(pAliases),
				Doc:       "The alias of a predicate used to determine whether to apply this transformation. Default null (always apply). Mirrors Kafka Connect's transforms.<alias>.predicate."})
			inner.Define(connect.ConfigKey{Name: "negate", Type: connect.ConfigBoolean, Default: false, Importance: connect.Medium,
				Doc: "Whether the configured predicate should be negated. Default false. Mirrors Kafka Connect's transforms.<alias>.negate."})
			for _, k := range p.NewTransformation().Config().Keys() {
				if k.Name != "predicate" && k.Name != "negate" {
					inner.Define(k)
				}
			}
			def.Embed(prefix, group, 1, inner)
		}
	}
	for _, a := range dedupe(pAliases) {
		prefix := PredicatesConfig + "." + a + "."
		group := "Predicates: " + a
		def.Define(connect.ConfigKey{Name: prefix + "type", Type: connect.ConfigClass, Required: true, Importance: connect.High,
			Group: group, OrderInGroup: 0, Width: connect.WidthLong, DisplayName: "Predicate type for " + a,
			Validator: classValidator(reg, connect.PluginPredicate),
			Doc:       "Class for the '" + a + "' predicate. Required. Mirrors Kafka Connect's predicates.<alias>.type."})
		if p, err := reg.LookupType(connect.PluginPredicate, props[prefix+"type"]); err == nil {
			def.Embed(prefix, group, 1, p.NewPredicate().Config())
		}
	}
	return def
}

func listValue(props map[string]string, key string) ([]string, bool) {
	raw, ok := props[key]
	if !ok {
		return nil, false
	}
	v, err := connect.ParseConfigValue(key, raw, connect.ConfigList)
	if err != nil {
		return nil, false
	}
	l, _ := v.([]string)
	return l, true
}

func dedupe(l []string) []string {
	out := make([]string, 0, len(l))
	for _, s := range l {
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

func classValidator(reg *connect.Registry, want connect.PluginType) connect.ConfigValidator {
	return connect.ValidatorFunc(func(name string, v any) error {
		s, ok := v.(string)
		if !ok {
			return nil
		}
		p, err := reg.Find(s)
		if err != nil {
			return &connect.ConfigError{Name: name, Value: s, Message: "Class " + s + " could not be found."}
		}
		if p.Type != want {
			kind := "Transformation"
			if want == connect.PluginPredicate {
				kind = "Predicate"
			}
			return &connect.ConfigError{Name: name, Value: "class " + p.Class, Message: "Not a " + kind}
		}
		return nil
	}, "a registered "+string(want))
}

func predicateAliasValidator(defined []string) connect.ConfigValidator {
	return connect.ValidatorFunc(func(name string, v any) error {
		s, ok := v.(string)
		if !ok || s == "" || slices.Contains(defined, s) {
			return nil
		}
		return &connect.ConfigError{Name: name, Value: s, Message: "Unknown configuration '" + PredicatesConfig + "." + s + ".type'"}
	}, "a predicate alias listed in predicates")
}

// ValidateChain validates the chain keys of a connector configuration and returns one result
// per key of ChainConfigDef(props), with Kafka's messages, for validation responses. A
// transformation or predicate whose keys are valid is also configured, and a failure there
// is reported on its type key.
func ValidateChain(reg *connect.Registry, props map[string]string) []*connect.ConfigValue {
	def := ChainConfigDef(reg, props)
	values := def.Validate(props)
	byName := make(map[string]*connect.ConfigValue, len(values))
	for _, v := range values {
		byName[v.Name] = v
	}
	tAliases, _ := listValue(props, TransformsConfig)
	pAliases, _ := listValue(props, PredicatesConfig)
	for _, a := range dedupe(tAliases) {
		// Kafka's type validator first checks negate is not given without a predicate, and
		// then reports only that.
		prefix := TransformsConfig + "." + a + "."
		_, negate := props[prefix+"negate"]
		_, pred := props[prefix+"predicate"]
		if tv := byName[prefix+"type"]; negate && !pred && tv != nil {
			tv.Errors = []string{fmt.Sprintf("Config '%snegate' was provided but there is no config '%spredicate' defining a predicate to be negated.", prefix, prefix)}
		}
	}
	check := func(kind, alias string) {
		prefix := kind + "." + alias + "."
		for name, v := range byName {
			if strings.HasPrefix(name, prefix) && len(v.Errors) > 0 {
				return
			}
		}
		sp := subProps(props, prefix)
		var cerr error
		if kind == TransformsConfig {
			p, err := reg.LookupType(connect.PluginTransformation, props[prefix+"type"])
			if err != nil {
				return
			}
			delete(sp, "predicate")
			delete(sp, "negate")
			cerr = p.NewTransformation().Configure(sp)
		} else {
			p, err := reg.LookupType(connect.PluginPredicate, props[prefix+"type"])
			if err != nil {
				return
			}
			cerr = p.NewPredicate().Configure(sp)
		}
		if cerr != nil {
			if tv := byName[prefix+"type"]; tv != nil {
				tv.AddError(cerr.Error())
			}
		}
	}
	for _, a := range dedupe(tAliases) {
		check(TransformsConfig, a)
	}
	for _, a := range dedupe(pAliases) {
		check(PredicatesConfig, a)
	}
	return values
}

func hasErrors(values []*connect.ConfigValue) bool {
	for _, v := range values {
		if len(v.Errors) > 0 {
			return true
		}
	}
	return false
}

// firstError returns the first validation message as a ConfigException.
func firstError(values []*connect.ConfigValue) error {
	for _, v := range values {
		if len(v.Errors) > 0 {
			return &Error{Class: ClassConfigException, Msg: v.Errors[0]}
		}
	}
	return nil
}
