package connect

import (
	"fmt"
	"slices"
	"strings"
)

// PluginType is the kind of a plugin, spelled as /connector-plugins does.
type PluginType string

// Plugin types.
const (
	PluginSource          PluginType = "source"
	PluginSink            PluginType = "sink"
	PluginConverter       PluginType = "converter"
	PluginHeaderConverter PluginType = "header_converter"
	PluginTransformation  PluginType = "transformation"
	PluginPredicate       PluginType = "predicate"
)

// pluginTypeOrder is the order of GET /connector-plugins: sinks, sources, transformations,
// predicates, converters, header converters.
var pluginTypeOrder = []PluginType{PluginSink, PluginSource, PluginTransformation, PluginPredicate,
	PluginConverter, PluginHeaderConverter}

// IsConnector reports whether the type is a source or a sink.
func (t PluginType) IsConnector() bool { return t == PluginSource || t == PluginSink }

// Order is the type's position in GET /connector-plugins: sinks, sources, transformations,
// predicates, converters, header converters; -1 for an unknown type.
func (t PluginType) Order() int { return slices.Index(pluginTypeOrder, t) }

// interfaceName is the Java interface a plugin of this type implements, as Kafka names it
// in lookup errors and prunes from aliases.
func (t PluginType) interfaceName() string {
	switch t {
	case PluginSource, PluginSink:
		return "Connector"
	case PluginConverter:
		return "Converter"
	case PluginHeaderConverter:
		return "HeaderConverter"
	case PluginTransformation:
		return "Transformation"
	case PluginPredicate:
		return "Predicate"
	}
	return string(t)
}

// namespace groups the types whose names share one lookup space: sources and sinks are
// both selected by connector.class, every other type has its own.
func (t PluginType) namespace() PluginType {
	if t.IsConnector() {
		return PluginSource
	}
	return t
}

// Plugin describes one plugin: a connector, converter, header converter, transformation or
// predicate. Each package exports its Plugin values, and the binary lists them explicitly in
// one Registry; a user adds their own plugin of any type the same way. Exactly the
// constructor that matches Type is set.
type Plugin struct {
	// Class is the class name users put in connector.class, key.converter, transforms.<a>.type
	// and so on, e.g. "io.confluent.connect.s3.S3SinkConnector" for a plugin that mirrors a
	// Java one.
	Class string
	// Aliases are further accepted names (Java class names of equivalent plugins). The simple
	// class name, and it without the type's suffix ("Connector", "Converter", ...), are always
	// accepted too.
	Aliases []string
	Type    PluginType
	Version string
	// New returns a new connector instance (a SourceConnector or a SinkConnector) when Type is
	// PluginSource or PluginSink.
	New func() Connector
	// NewConverter returns a new, unconfigured converter when Type is PluginConverter.
	NewConverter func() Converter
	// NewHeaderConverter returns a new, unconfigured header converter when Type is
	// PluginHeaderConverter.
	NewHeaderConverter func() HeaderConverter
	// NewTransformation returns a new, unconfigured transformation when Type is
	// PluginTransformation.
	NewTransformation func() Transformation
	// NewPredicate returns a new, unconfigured predicate when Type is PluginPredicate.
	NewPredicate func() Predicate
}

// Configurable is implemented by plugins that describe their configuration keys (Kafka's
// config()). Connectors, transformations and predicates always do; a converter or header
// converter should, so that validation and GET /connector-plugins/{p}/config list its keys.
type Configurable interface {
	Config() *ConfigDef
}

// ConfigDef returns the configuration keys of a new instance of the plugin; an empty
// ConfigDef for a converter that does not implement Configurable.
func (p Plugin) ConfigDef() *ConfigDef {
	var inst any
	switch {
	case p.New != nil:
		inst = p.New()
	case p.NewConverter != nil:
		inst = p.NewConverter()
	case p.NewHeaderConverter != nil:
		inst = p.NewHeaderConverter()
	case p.NewTransformation != nil:
		inst = p.NewTransformation()
	case p.NewPredicate != nil:
		inst = p.NewPredicate()
	}
	if c, ok := inst.(Configurable); ok {
		if def := c.Config(); def != nil {
			return def
		}
	}
	return NewConfigDef()
}

// checkConstructor reports a Plugin whose set constructors do not match its Type.
func (p Plugin) checkConstructor() error {
	set := map[PluginType]bool{
		PluginSource:          p.New != nil,
		PluginSink:            p.New != nil,
		PluginConverter:       p.NewConverter != nil,
		PluginHeaderConverter: p.NewHeaderConverter != nil,
		PluginTransformation:  p.NewTransformation != nil,
		PluginPredicate:       p.NewPredicate != nil,
	}
	own, known := set[p.Type]
	if !known {
		return fmt.Errorf("plugin %q: unknown type %q", p.Class, p.Type)
	}
	if !own {
		return fmt.Errorf("plugin %q: class and a constructor for type %s are required", p.Class, p.Type)
	}
	n := 0
	for _, isSet := range []bool{p.New != nil, p.NewConverter != nil, p.NewHeaderConverter != nil,
		p.NewTransformation != nil, p.NewPredicate != nil} {
		if isSet {
			n++
		}
	}
	if n != 1 {
		return fmt.Errorf("plugin %q: set only the constructor of type %s", p.Class, p.Type)
	}
	return nil
}

// Names returns every name that selects this plugin: Class, Aliases, and the short aliases
// Kafka derives (simple class name, and the same without the type's suffix: "Connector" for
// connectors, "Converter" for converters and header converters, also "HeaderConverter" for
// header converters, "Transformation" and "Predicate").
func (p Plugin) Names() []string {
	suffixes := []string{p.Type.interfaceName()}
	if p.Type == PluginHeaderConverter {
		suffixes = append(suffixes, "Converter")
	}
	names := []string{p.Class}
	for _, n := range append([]string{p.Class}, p.Aliases...) {
		if n != p.Class {
			names = append(names, n)
		}
		simple := n[strings.LastIndex(n, ".")+1:]
		names = append(names, simple)
		for _, suffix := range suffixes {
			if s, ok := strings.CutSuffix(simple, suffix); ok && s != "" {
				names = append(names, s)
			}
		}
	}
	slices.Sort(names)
	return slices.Compact(names)
}

// Registry is an explicit list of plugins of every type, looked up by type and class name or
// alias. Sources and sinks share one name space (connector.class selects either); each other
// type has its own, so one class may be both a converter and a header converter.
type Registry struct {
	plugins []Plugin
	byName  map[registryKey]int
}

type registryKey struct {
	space PluginType
	name  string
}

// NewRegistry builds a registry; two plugins of one name space claiming the same name, or a
// plugin without the constructor of its type, is an error.
func NewRegistry(plugins ...Plugin) (*Registry, error) {
	r := &Registry{byName: map[registryKey]int{}}
	for _, p := range plugins {
		if p.Class == "" {
			return nil, fmt.Errorf("plugin of type %q: class is required", p.Type)
		}
		if err := p.checkConstructor(); err != nil {
			return nil, err
		}
		for _, n := range p.Names() {
			k := registryKey{p.Type.namespace(), n}
			if j, dup := r.byName[k]; dup {
				return nil, fmt.Errorf("plugin name %q claimed by both %s and %s", n, r.plugins[j].Class, p.Class)
			}
			r.byName[k] = len(r.plugins)
		}
		r.plugins = append(r.plugins, p)
	}
	return r, nil
}

// Lookup returns the connector (source or sink) selected by a class name or alias; errors
// wrap ErrUnknownPlugin.
func (r *Registry) Lookup(name string) (Plugin, error) {
	return r.LookupType(PluginSource, name)
}

// LookupType returns the plugin of type t selected by a class name or alias (PluginSource
// and PluginSink both select any connector); errors wrap ErrUnknownPlugin.
func (r *Registry) LookupType(t PluginType, name string) (Plugin, error) {
	i, ok := r.byName[registryKey{t.namespace(), strings.TrimSpace(name)}]
	if !ok {
		return Plugin{}, fmt.Errorf("%w: failed to find any class that implements %s and which name matches %s",
			ErrUnknownPlugin, t.interfaceName(), name)
	}
	return r.plugins[i], nil
}

// Find returns the plugin of any type selected by a class name or alias, trying connectors
// first, then the other types in the order of GET /connector-plugins; errors wrap
// ErrUnknownPlugin.
func (r *Registry) Find(name string) (Plugin, error) {
	for _, t := range []PluginType{PluginSource, PluginTransformation, PluginPredicate, PluginConverter, PluginHeaderConverter} {
		if p, err := r.LookupType(t, name); err == nil {
			return p, nil
		}
	}
	return Plugin{}, fmt.Errorf("%w: no plugin named %s", ErrUnknownPlugin, name)
}

// Plugins returns the registered plugins of the given types (all plugins when none is
// given) sorted by class name, then by type.
func (r *Registry) Plugins(types ...PluginType) []Plugin {
	var out []Plugin
	for _, p := range r.plugins {
		if len(types) == 0 || slices.Contains(types, p.Type) {
			out = append(out, p)
		}
	}
	slices.SortFunc(out, func(a, b Plugin) int {
		if c := strings.Compare(a.Class, b.Class); c != 0 {
			return c
		}
		return a.Type.Order() - b.Type.Order()
	})
	return out
}

// Connectors returns the registered sources and sinks sorted by class name.
func (r *Registry) Connectors() []Plugin { return r.Plugins(PluginSource, PluginSink) }
