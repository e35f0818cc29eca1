// Package connectors lists every plugin connectless ships: its connectors, and the
// converters, transformations and predicates every worker has. The list is explicit: adding a
// plugin of any type means adding its Plugin value here or in package light (or, in a
// program of one's own, passing connect.NewRegistry the shipped plugins and one's own).
// Programs that do not run the Iceberg sink link light's list instead, without iceberg-go.
package connectors

import (
	"github.com/connectless/connectless/connectors/iceberg"
	"github.com/connectless/connectless/connectors/light"
	"github.com/connectless/connectless/core/config"
	"github.com/connectless/connectless/core/connect"
)

// Plugins returns every shipped plugin: the connectors, then config.BuiltinPlugins.
func Plugins() []connect.Plugin {
	return append(Connectors(), config.BuiltinPlugins()...)
}

// Connectors returns every shipped connector plugin: light.Connectors and the Iceberg sink.
func Connectors() []connect.Plugin {
	return append(light.Connectors(), iceberg.Plugin)
}

// Registry returns a registry of every shipped plugin.
func Registry() (*connect.Registry, error) {
	return connect.NewRegistry(Plugins()...)
}
