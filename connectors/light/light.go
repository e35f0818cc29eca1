package light

import (
	"github.com/connectless/connectless/connectors/datagen"
	"github.com/connectless/connectless/connectors/file"
	"github.com/connectless/connectless/connectors/httpsink"
	"github.com/connectless/connectless/connectors/iceberg/icebergconfig"
	"github.com/connectless/connectless/connectors/postgrescdc"
	"github.com/connectless/connectless/connectors/s3sink"
	"github.com/connectless/connectless/connectors/s3source"
	"github.com/connectless/connectless/connectors/sqldb"
	"github.com/connectless/connectless/core/config"
	"github.com/connectless/connectless/core/connect"
)

// IcebergClass is the Iceberg sink's connector.class (iceberg.ConnectorClass, the Apache
// Iceberg sink's), named here so that a program without iceberg-go can tell the Iceberg
// sink's connectors apart and send their tasks to the function that links it. A test of
// package connectors checks that the two agree.
const IcebergClass = icebergconfig.ConnectorClass

// Plugins returns the connectors of Connectors, then config.BuiltinPlugins.
func Plugins() []connect.Plugin {
	return append(Connectors(), config.BuiltinPlugins()...)
}

// Connectors returns every shipped connector plugin except the Iceberg sink.
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
	}
}

// Registry returns a registry of Plugins.
func Registry() (*connect.Registry, error) {
	return connect.NewRegistry(Plugins()...)
}

// IcebergNames returns every connector.class value that selects the Iceberg sink: its class
// and the short aliases Kafka derives from it (connect.Plugin.Names).
func IcebergNames() []string {
	return connect.Plugin{Class: IcebergClass, Type: connect.PluginSink}.Names()
}
