package taskrun

import (
	"errors"
	"fmt"

	"github.com/connectless/connectless/core/connect"
	"github.com/connectless/connectless/core/convert"
	"github.com/connectless/connectless/core/internal/taskslice"
	"github.com/connectless/connectless/core/transform"
)

// DefaultPipeline builds a connector's pipeline from the registry's plugins as Kafka's worker
// does: converters from the connector's key.converter/value.converter/header.converter (and
// their prefixed options), else the worker's, else JsonConverter and SimpleHeaderConverter;
// then the connector's transforms and predicates chain.
func DefaultPipeline(reg *connect.Registry, workerProps map[string]string) PipelineFunc {
	return func(cfg map[string]string) (Pipeline, error) {
		set, err := convert.ForConnector(reg, workerProps, cfg)
		if err != nil {
			return Pipeline{}, fmt.Errorf("converters: %w", err)
		}
		chain, err := transform.NewChain(reg, cfg)
		if err != nil {
			return Pipeline{}, fmt.Errorf("transforms: %w", err)
		}
		p := Pipeline{
			Converters: taskslice.Converters{
				Key: set.Key, Value: set.Value, Header: set.Header,
				KeyClass:    converterClass(reg, connect.PluginConverter, workerProps, cfg, "key.converter", convert.DefaultKeyConverter),
				ValueClass:  converterClass(reg, connect.PluginConverter, workerProps, cfg, "value.converter", convert.DefaultValueConverter),
				HeaderClass: converterClass(reg, connect.PluginHeaderConverter, workerProps, cfg, "header.converter", convert.DefaultHeaderConverter),
			},
			Close: chain.Close,
		}
		if chain.Len() > 0 {
			p.Transform = chain
		}
		return p, nil
	}
}

func converterClass(reg *connect.Registry, typ connect.PluginType, worker, cfg map[string]string, key, def string) string {
	name := cfg[key]
	if name == "" {
		name = worker[key]
	}
	if name == "" {
		return def
	}
	if p, err := reg.LookupType(typ, name); err == nil {
		return p.Class
	}
	return name
}

// ClassifyError names the Kafka Connect class and Java exception class of a transformation
// failure, for logs and dead-letter headers.
func ClassifyError(err error) (class, exceptionClass string) {
	var se *transform.StageError
	if errors.As(err, &se) {
		class = se.Class
	}
	var te *transform.Error
	if errors.As(err, &te) {
		exceptionClass = te.Class
	}
	return class, exceptionClass
}
