package worker

import (
	"github.com/connectless/connectless/core/connect"
	"github.com/connectless/connectless/core/convert"
	"github.com/connectless/connectless/core/herder"
	"github.com/connectless/connectless/core/transform"
)

// extraPlugins lists the built-in converters, transformations and predicates for
// GET /connector-plugins?connectorsOnly=false.
func extraPlugins() []herder.PluginDesc {
	var out []herder.PluginDesc
	for _, p := range convert.Plugins() {
		cfgFn := p.Config
		out = append(out, herder.PluginDesc{Class: p.Class, Type: p.Type, Version: p.Version,
			Config: func() []connect.ConfigKeyInfo { return cfgFn().Infos() }})
	}
	for _, p := range transform.Plugins() {
		out = append(out, herder.PluginDesc{Class: p.Class, Type: string(p.Type), Version: p.Version})
	}
	return out
}
