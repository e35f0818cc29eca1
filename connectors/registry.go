// Package connectors lists every connector plugin connectless ships. The list is explicit:
// adding a connector means adding its Plugin value here.
package connectors

import (
	"github.com/connectless/connectless/connectors/datagen"
	"github.com/connectless/connectless/connectors/file"
	"github.com/connectless/connectless/connectors/http"
	"github.com/connectless/connectless/connectors/postgrescdc"
	"github.com/connectless/connectless/connectors/s3sink"
	"github.com/connectless/connectless/connectors/s3source"
	"github.com/connectless/connectless/connectors/sql"
	"github.com/connectless/connectless/core/connect"
)

// Plugins returns every shipped connector plugin.
func Plugins() []connect.Plugin {
	return []connect.Plugin{
		s3sink.Plugin,
		s3source.Plugin,
		file.SourcePlugin,
		file.SinkPlugin,
		datagen.Plugin,
		http.Plugin,
		sql.SourcePlugin,
		sql.SinkPlugin,
		postgrescdc.Plugin,
	}
}

// Registry returns a registry of every shipped connector plugin.
func Registry() (*connect.Registry, error) {
	return connect.NewRegistry(Plugins()...)
}
