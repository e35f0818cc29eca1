package config

import (
	"context"
	"fmt"
	"github.com/connectless/connectless/core/schedule"
	"regexp"
	"slices"
	"strings"

	"github.com/connectless/connectless/core/connect"
	"github.com/connectless/connectless/core/convert"
	"github.com/connectless/connectless/core/transform"
)

// RegistryCatalog resolves transformations and predicates from a plugin registry.
type RegistryCatalog struct{ Registry *connect.Registry }

// TransformationConfig returns the ConfigDef of a registered transformation.
func (c RegistryCatalog) TransformationConfig(class string) (*connect.ConfigDef, error) {
	p, err := c.Registry.LookupType(connect.PluginTransformation, class)
	if err != nil {
		return nil, err
	}
	return p.ConfigDef(), nil
}

// PredicateConfig returns the ConfigDef of a registered predicate.
func (c RegistryCatalog) PredicateConfig(class string) (*connect.ConfigDef, error) {
	p, err := c.Registry.LookupType(connect.PluginPredicate, class)
	if err != nil {
		return nil, err
	}
	return p.ConfigDef(), nil
}

// BuiltinPlugins returns the plugins every worker ships besides connectors, as Kafka's runtime
// does: the converters and header converters of package convert, the transformations and
// predicates of package transform.
func BuiltinPlugins() []connect.Plugin {
	return append(convert.Plugins(), transform.Plugins()...)
}

// Builtin returns a registry of BuiltinPlugins: what ValidateConnector checks against when no
// WithRegistry option is given.
func Builtin() (*connect.Registry, error) {
	return connect.NewRegistry(BuiltinPlugins()...)
}

// Catalog resolves the classes named in transforms.<a>.type and predicates.<a>.type to their
// ConfigDefs, so validation can check the class and the alias's own keys. An error means the
// class is unknown.
type Catalog interface {
	TransformationConfig(class string) (*connect.ConfigDef, error)
	PredicateConfig(class string) (*connect.ConfigDef, error)
}

type options struct {
	catalog  Catalog
	registry *connect.Registry
	nullKeys []string
}

// Option tunes ValidateConnector.
type Option func(*options)

// WithRegistry sets the registry whose converters (key.converter, value.converter,
// header.converter and their prefixed keys, appended as Kafka does when a converter is set),
// transformations and predicates are checked; by default Builtin().
func WithRegistry(reg *connect.Registry) Option { return func(o *options) { o.registry = reg } }

// WithCatalog sets how transformation and predicate classes and their keys are checked; by
// default those of the registry (see WithRegistry).
func WithCatalog(c Catalog) Option { return func(o *options) { o.catalog = c } }

// WithNullKeys names keys whose value was JSON null in the request: each gets Kafka's
// "Null value can not be supplied as the configuration value." error.
func WithNullKeys(keys ...string) Option {
	return func(o *options) { o.nullKeys = append(o.nullKeys, keys...) }
}

// Enrich returns def extended with the dynamic keys that props declare, as Kafka's
// ConnectorConfig.enrich: for each alias in transforms, transforms.<a>.type (required CLASS,
// group "Transforms: <a>"), transforms.<a>.negate/.predicate and the transformation's own keys
// when the catalog knows the class; likewise for predicates. For source connectors with any
// topic.creation.* key, the default and listed topic creation groups. catalog may be nil.
func Enrich(def *connect.ConfigDef, props map[string]string, catalog Catalog) *connect.ConfigDef {
	out := def.Clone()
	enrichAliases(out, props, Transforms, "transformation", "Transformation", func(class string) (*connect.ConfigDef, error) {
		if catalog == nil {
			return nil, nil
		}
		return catalog.TransformationConfig(class)
	})
	enrichAliases(out, props, Predicates, "predicate", "Predicate", func(class string) (*connect.ConfigDef, error) {
		if catalog == nil {
			return nil, nil
		}
		return catalog.PredicateConfig(class)
	})
	if _, ok := def.Key(TopicCreationGroups); ok && hasTopicCreation(props) {
		out.Embed(TopicCreationPrefix+"default.", GroupTopicCreation+": default", 0, topicCreationGroupDef(true))
		groups, err := connect.ParseConfigValue(TopicCreationGroups, props[TopicCreationGroups], connect.ConfigList)
		if err == nil {
			for _, g := range unique(groups.([]string)) {
				if g == "default" || g == "" {
					continue
				}
				out.Embed(TopicCreationPrefix+g+".", GroupTopicCreation+": "+g, 0, topicCreationGroupDef(false))
			}
		}
	}
	return out
}

func hasTopicCreation(props map[string]string) bool {
	for k := range props {
		if strings.HasPrefix(k, TopicCreationPrefix) && k != TopicCreationGroups {
			return true
		}
	}
	return false
}

func unique(l []string) []string {
	var out []string
	for _, s := range l {
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

func enrichAliases(out *connect.ConfigDef, props map[string]string, key, kind, display string, resolve func(string) (*connect.ConfigDef, error)) {
	raw, ok := props[key]
	if !ok {
		return
	}
	v, err := connect.ParseConfigValue(key, raw, connect.ConfigList)
	if err != nil {
		return
	}
	for _, alias := range unique(v.([]string)) {
		prefix := key + "." + alias + "."
		group := map[string]string{Transforms: GroupTransforms, Predicates: GroupPredicates}[key] + ": " + alias
		typeKey := prefix + "type"
		class := strings.TrimSpace(props[typeKey])
		child, resolveErr := (*connect.ConfigDef)(nil), error(nil)
		if _, set := props[typeKey]; set {
			child, resolveErr = resolve(class)
		}
		out.Define(connect.ConfigKey{Name: typeKey, Type: connect.ConfigClass, Required: true, Importance: connect.High,
			Doc: "Class for the '" + alias + "' " + kind + ".", Group: group, OrderInGroup: 0, Width: connect.WidthLong,
			DisplayName: display + " type for " + alias,
			Validator: connect.ValidatorFunc(func(name string, v any) error {
				if key == Transforms {
					if err := checkNegate(props, prefix); err != nil {
						return err
					}
				}
				if v != nil && resolveErr != nil {
					return &connect.ConfigError{Name: name, Value: v, Message: "Class " + class + " could not be found."}
				}
				return nil
			}, "valid configs for "+alias+" "+kind)})
		if resolveErr != nil {
			continue
		}
		def := connect.NewConfigDef()
		if key == Transforms {
			def.Define(connect.ConfigKey{Name: "predicate", Type: connect.ConfigString, Importance: connect.Medium,
				Doc:       "The alias of a predicate used to determine whether to apply this transformation.",
				Validator: predicateAliasValidator(props, prefix+"predicate")})
			def.Define(connect.ConfigKey{Name: "negate", Type: connect.ConfigBoolean, Default: false, Importance: connect.Medium,
				Doc: "Whether the configured predicate should be negated."})
		}
		if child != nil {
			def = def.Merge(child)
		}
		if len(def.Keys()) > 0 {
			out.Embed(prefix, group, 1, def)
		}
	}
}

func checkNegate(props map[string]string, prefix string) error {
	_, negate := props[prefix+"negate"]
	_, pred := props[prefix+"predicate"]
	if negate && !pred {
		return &connect.ConfigError{
			Message: fmt.Sprintf("Config '%snegate' was provided but there is no config '%spredicate' defining a predicate to be negated.", prefix, prefix)}
	}
	return nil
}

// predicateAliasValidator checks that transforms.<a>.predicate names a declared predicate.
func predicateAliasValidator(props map[string]string, fullName string) connect.ConfigValidator {
	return connect.ValidatorFunc(func(_ string, v any) error {
		s, _ := v.(string)
		if s == "" {
			return nil
		}
		declared, err := connect.ParseConfigValue(Predicates, props[Predicates], connect.ConfigList)
		if err == nil && slices.Contains(declared.([]string), s) {
			return nil
		}
		return &connect.ConfigError{Name: fullName, Value: v, Message: "Unknown configuration '" + Predicates + "." + s + ".type'"}
	}, "an alias listed in predicates")
}

// ValidateConnector validates a connector configuration as Kafka's herder does for
// PUT /connector-plugins/{p}/config/validate: framework keys (SinkDef or SourceDef, enriched
// with the transforms/predicates aliases) then the connector's own ConfigDef, merged; sink
// topic rules; the connector's optional connect.Validator; and, with WithConverters, the
// converter entries. The answer's name is connector.class exactly as given.
func ValidateConnector(ctx context.Context, plugin connect.Plugin, props map[string]string, opts ...Option) connect.ConfigInfos {
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	var registryErr error
	if o.registry == nil {
		if o.registry, registryErr = Builtin(); registryErr != nil {
			o.registry, _ = connect.NewRegistry()
		}
	}
	if o.catalog == nil {
		o.catalog = RegistryCatalog{o.registry}
	}
	framework := Enrich(FrameworkDef(plugin.Type), props, o.catalog)
	values := framework.Validate(props)
	byName := map[string]*connect.ConfigValue{}
	for _, v := range values {
		byName[v.Name] = v
	}
	addErr := func(name string, value any, msg string) {
		v, ok := byName[name]
		if !ok {
			v = &connect.ConfigValue{Name: name, Value: value, Visible: true}
			byName[name] = v
			values = append(values, v)
		}
		v.AddError(msg)
	}
	if registryErr != nil {
		addErr(ConnectorClass, props[ConnectorClass], registryErr.Error())
	}
	if plugin.Type == connect.PluginSink {
		validateSinkTopics(props, addErr)
	}
	for _, k := range o.nullKeys {
		addErr(k, nil, "Null value can not be supplied as the configuration value.")
	}
	if expr, ok := props[schedule.ScheduleKey]; ok {
		if _, err := schedule.Parse(expr); err != nil {
			addErr(schedule.ScheduleKey, expr, err.Error())
		}
	}
	if _, err := connect.PreflightEnabled(props); err != nil {
		addErr(connect.KeyPreflightEnable, props[connect.KeyPreflightEnable], err.Error())
	}
	if _, err := schedule.ParsePolicy(props); err != nil {
		for _, e := range schedule.PolicyErrors(err) {
			addErr(e.Key, e.Value, e.Message())
		}
	}

	merged, groups := framework, framework.Groups()
	var conn connect.Connector
	if plugin.New != nil {
		conn = plugin.New()
	}
	if conn != nil {
		if def := conn.Config(); def != nil {
			values = append(values, def.Validate(props)...)
			merged = framework.Merge(def)
			for _, g := range def.Groups() {
				if !slices.Contains(groups, g) {
					groups = append(groups, g)
				}
			}
		}
	}
	infos := connect.GenerateConfigInfos(props[ConnectorClass], merged, values, groups)
	if v, ok := conn.(connect.Validator); ok {
		if err := v.Validate(ctx, props, &infos); err != nil {
			infos.AddError(ConnectorClass, err.Error())
		}
	}
	appendConverter(&infos, KeyConverter, connect.PluginConverter, props, o.registry)
	appendConverter(&infos, ValueConverter, connect.PluginConverter, props, o.registry)
	appendConverter(&infos, HeaderConverter, connect.PluginHeaderConverter, props, o.registry)
	return infos
}

// validateSinkTopics applies Kafka's SinkConnectorConfig.validate rules.
func validateSinkTopics(props map[string]string, addErr func(name string, value any, msg string)) {
	topics, regex := props[Topics], props[TopicsRegex]
	dlq := strings.TrimSpace(props[DLQTopicName])
	hasTopics, hasRegex := strings.TrimSpace(topics) != "", strings.TrimSpace(regex) != ""
	if hasTopics && hasRegex {
		msg := Topics + " and " + TopicsRegex + " are mutually exclusive options, but both are set."
		addErr(Topics, topics, msg)
		addErr(TopicsRegex, regex, msg)
	}
	if !hasTopics && !hasRegex {
		msg := "Must configure one of " + Topics + " or " + TopicsRegex
		addErr(Topics, topics, msg)
		addErr(TopicsRegex, regex, msg)
	}
	if dlq == "" {
		return
	}
	list := TopicList(props)
	if slices.Contains(list, dlq) {
		shown := "[" + strings.Join(list, ", ") + "]"
		addErr(Topics, shown, fmt.Sprintf("The DLQ topic '%s' may not be included in the list of topics ('%s=%s') consumed by the connector", dlq, Topics, shown))
	}
	if hasRegex {
		if re, err := regexp.Compile("^(?:" + regex + ")$"); err == nil && re.MatchString(dlq) {
			addErr(TopicsRegex, regex, fmt.Sprintf("The DLQ topic '%s' may not be included in the regex matching the topics ('%s=%s') consumed by the connector", dlq, TopicsRegex, regex))
		}
	}
}

// TopicList returns the sink's topics list: parsed, blank entries dropped (Kafka's
// SinkConnectorConfig.parseTopicsList).
func TopicList(props map[string]string) []string {
	v, err := connect.ParseConfigValue(Topics, props[Topics], connect.ConfigList)
	if err != nil {
		return nil
	}
	var out []string
	for _, t := range v.([]string) {
		if t != "" && !slices.Contains(out, t) {
			out = append(out, t)
		}
	}
	return out
}

// appendConverter validates the prefixed options of a converter set in props and appends the
// entries (names carrying the prefix), as Kafka's herder does.
func appendConverter(infos *connect.ConfigInfos, key string, typ connect.PluginType, props map[string]string, reg *connect.Registry) {
	class, ok := props[key]
	if !ok || strings.TrimSpace(class) == "" {
		return
	}
	p, err := reg.LookupType(typ, strings.TrimSpace(class))
	if err != nil {
		infos.AddError(key, (&connect.ConfigError{Name: key, Value: class, Message: "Class " + strings.TrimSpace(class) + " could not be found."}).Error())
		return
	}
	sub := map[string]string{}
	for k, v := range props {
		if s, ok := strings.CutPrefix(k, key+"."); ok {
			sub[s] = v
		}
	}
	prefixed := p.ConfigDef().WithPrefix(key + ".")
	sub2 := map[string]string{}
	for k, v := range sub {
		sub2[key+"."+k] = v
	}
	res := connect.GenerateConfigInfos("", prefixed, prefixed.Validate(sub2), nil)
	infos.ErrorCount += res.ErrorCount
	infos.Configs = append(infos.Configs, res.Configs...)
	for _, g := range res.Groups {
		if !slices.Contains(infos.Groups, g) {
			infos.Groups = append(infos.Groups, g)
		}
	}
}
