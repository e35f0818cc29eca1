package s3sink

import (
	"context"
	"log/slog"
	"maps"
	"slices"
	"strings"

	"github.com/connectless/connectless/core/connect"
)

// Version is the connector's version string.
const Version = "0.1.0"

// ConnectorClass is the class name users put in connector.class.
const ConnectorClass = "io.confluent.connect.s3.S3SinkConnector"

// Plugin describes the S3 sink for the connector registry.
var Plugin = connect.Plugin{
	Class:   ConnectorClass,
	Type:    connect.PluginSink,
	Version: Version,
	New:     func() connect.Connector { return &Connector{} },
}

// Connector is the S3 sink connector: it validates the configuration and hands every task the
// same configuration (partitions are dealt to tasks by the runtime).
type Connector struct {
	// Log is given to tasks; nil means slog.Default().
	Log   *slog.Logger
	props map[string]string
}

// Version returns the connector's version.
func (c *Connector) Version() string { return Version }

// Config returns the configuration definition.
func (c *Connector) Config() *connect.ConfigDef { return configDef() }

// Start validates and keeps the configuration.
func (c *Connector) Start(_ context.Context, props map[string]string) error {
	if _, err := ParseConfig(props); err != nil {
		return err
	}
	c.props = maps.Clone(props)
	return nil
}

// TaskConfigs returns maxTasks copies of the configuration.
func (c *Connector) TaskConfigs(maxTasks int) ([]map[string]string, error) {
	out := make([]map[string]string, max(maxTasks, 1))
	for i := range out {
		out[i] = maps.Clone(c.props)
	}
	return out, nil
}

// Stop does nothing: the connector holds no resources.
func (c *Connector) Stop() error { return nil }

// NewTask returns a new S3 sink task.
func (c *Connector) NewTask() connect.SinkTask { return NewTask(c.Log) }

// Validate adds the sink's parse and cross-field errors (§1.7) to the per-key results.
func (c *Connector) Validate(_ context.Context, props map[string]string, results *connect.ConfigInfos) error {
	vals, errs := parseValues(props)
	if len(errs) == 0 {
		errs = crossValidate(props, vals)
	}
	for _, k := range slices.Sorted(maps.Keys(errs)) {
		msg := strings.TrimPrefix(errs[k].Error(), ErrConfig.Error()+": ")
		found := false
		for i := range results.Configs {
			if v := results.Configs[i].Value; v != nil && v.Name == k {
				if !slices.Contains(v.Errors, msg) {
					v.Errors = append(v.Errors, msg)
					results.ErrorCount++
				}
				found = true
			}
		}
		if !found {
			results.Configs = append(results.Configs, connect.ConfigInfo{Value: &connect.ConfigValueInfo{Name: k, Errors: []string{msg}, Visible: true}})
			results.ErrorCount++
		}
	}
	return nil
}

// configDef describes the keys for parsing, the REST API and docs.
func configDef() *connect.ConfigDef {
	d := connect.NewConfigDef()
	order := map[string]int{}
	for _, k := range configKeys() {
		order[k.group]++
		ck := connect.ConfigKey{
			Name: k.name, Type: k.typ, Required: k.required, Doc: k.doc, Group: k.group,
			OrderInGroup: order[k.group], Importance: connect.Low, Validator: k.val,
		}
		if k.required {
			ck.Importance = connect.High
		}
		if !k.required && k.def != nullDefault {
			ck.Default = k.def
		}
		d.Define(ck)
	}
	return d
}

var (
	_ connect.SinkConnector  = (*Connector)(nil)
	_ connect.Validator      = (*Connector)(nil)
	_ connect.SinkTask       = (*Task)(nil)
	_ connect.PreCommitter   = (*Task)(nil)
	_ connect.PartitionAware = (*Task)(nil)
)
