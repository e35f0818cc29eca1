package s3sink

import (
	"context"
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
	connect.ConnectorBase[spec]
}

// spec gives connect.ConnectorBase the connector's version and configuration check.
type spec struct{}

func (spec) Version() string { return Version }
func (spec) Check(props map[string]string) error {
	_, err := ParseConfig(props)
	return err
}

// Config returns the configuration definition.
func (c *Connector) Config() *connect.ConfigDef { return configDef() }

// NewTask returns a new S3 sink task; it logs to its task context's logger.
func (c *Connector) NewTask() connect.SinkTask { return NewTask(nil) }

// Validate adds the sink's parse errors and the errors of the rules that tie keys together
// (topics vs topics.regex, formats and compression, null handling, schedule rotation and
// timezone, the partitioner's keys, notifications) to the per-key results.
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
