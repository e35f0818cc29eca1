package connect

import (
	"fmt"
	"slices"
	"strings"
)

// PluginType is the kind of a connector plugin, spelled as /connector-plugins does.
type PluginType string

// Plugin types.
const (
	PluginSource PluginType = "source"
	PluginSink   PluginType = "sink"
)

// Plugin describes one connector: each connector package exports one Plugin value, and the
// registry lists them explicitly.
type Plugin struct {
	// Class is the class name users put in connector.class, e.g.
	// "io.confluent.connect.s3.S3SinkConnector" for a connector that mirrors a Java one.
	Class string
	// Aliases are further accepted names (Java class names of equivalent connectors).
	// The simple class name, and it without a "Connector" suffix, are always accepted too.
	Aliases []string
	Type    PluginType
	Version string
	// New returns a new connector instance: a SourceConnector or a SinkConnector.
	New func() Connector
}

// Names returns every name that selects this plugin: Class, Aliases, and the short aliases
// Kafka derives (simple class name, and the same without the "Connector" suffix).
func (p Plugin) Names() []string {
	names := []string{p.Class}
	for _, n := range append([]string{p.Class}, p.Aliases...) {
		if n != p.Class {
			names = append(names, n)
		}
		simple := n[strings.LastIndex(n, ".")+1:]
		names = append(names, simple)
		if s, ok := strings.CutSuffix(simple, "Connector"); ok && s != "" {
			names = append(names, s)
		}
	}
	slices.Sort(names)
	return slices.Compact(names)
}

// Registry is an explicit list of plugins, looked up by class name or alias.
type Registry struct {
	plugins []Plugin
	byName  map[string]int
}

// NewRegistry builds a registry; two plugins claiming the same name is an error.
func NewRegistry(plugins ...Plugin) (*Registry, error) {
	r := &Registry{byName: map[string]int{}}
	for _, p := range plugins {
		if p.Class == "" || p.New == nil {
			return nil, fmt.Errorf("plugin %q: class and constructor are required", p.Class)
		}
		for _, n := range p.Names() {
			if j, dup := r.byName[n]; dup {
				return nil, fmt.Errorf("plugin name %q claimed by both %s and %s", n, r.plugins[j].Class, p.Class)
			}
			r.byName[n] = len(r.plugins)
		}
		r.plugins = append(r.plugins, p)
	}
	return r, nil
}

// Lookup returns the plugin selected by a class name or alias; errors wrap ErrUnknownPlugin.
func (r *Registry) Lookup(name string) (Plugin, error) {
	i, ok := r.byName[strings.TrimSpace(name)]
	if !ok {
		return Plugin{}, fmt.Errorf("%w: failed to find any class that implements Connector and which name matches %s", ErrUnknownPlugin, name)
	}
	return r.plugins[i], nil
}

// Plugins returns the registered plugins sorted by class name.
func (r *Registry) Plugins() []Plugin {
	out := slices.Clone(r.plugins)
	slices.SortFunc(out, func(a, b Plugin) int { return strings.Compare(a.Class, b.Class) })
	return out
}
