// Package connectors lists every plugin connectless ships: its connectors, and the
// converters, transformations and predicates every worker has. The list is explicit: adding a
// plugin of any type means adding its Plugin value here (or, in a program of one's own,
// passing connect.NewRegistry the shipped plugins and one's own).
package connectors

import (
	"github.com/connectless/connectless/connectors/datagen"
	"github.com/connectless/connectless/connectors/file"
	"github.com/connectless/connectless/connectors/httpsink"
	"github.com/connectless/connectless/connectors/iceberg"
	"github.com/connectless/connectless/connectors/postgrescdc"
	"github.com/connectless/connectless/connectors/s3sink"
	"github.com/connectless/connectless/connectors/s3source"
	"github.com/connectless/connectless/connectors/sqldb"
	"github.com/connectless/connectless/core/config"
	"github.com/connectless/connectless/core/connect"
)

// Plugins returns every shipped plugin: the connectors, then config.BuiltinPlugins.
func Plugins() []connect.Plugin {
	return append(Connectors(), config.BuiltinPlugins()...)
}

// Connectors returns every shipped connector plugin.
func Connectors() []connect.Plugin {
	return []connect.Plugin{
		s3sink.Plugin,
		s3source.Plugin,
		file.SourcePlugin,
		file.SinkPlugin,
		datagen.Plugin,
		httpsink.Plugin,
		sqldb.SourcePlugin,
		sqldb.SinkPlugin,
		postgrescdc.Plugin,
		iceberg.Plugin,
	}
}

// Registry returns a registry of every shipped plugin.
func Registry() (*connect.Registry, error) {
	return connect.NewRegistry(Plugins()...)
}
