package s3source

import (
	"context"
	"errors"
	"strconv"

	"github.com/connectless/connectless/core/connect"
)

// Version is the connector's version string.
const Version = "0.1.0"

// Class names users put in connector.class: ours, and Confluent's S3 source as an alias.
const (
	ConnectorClass      = "io.connectless.s3.S3SourceConnector"
	ConfluentClassAlias = "io.confluent.connect.s3.source.S3SourceConnector"
)

// Plugin describes the S3 source for the connector registry.
var Plugin = connect.Plugin{
	Class:   ConnectorClass,
	Aliases: []string{ConfluentClassAlias},
	Type:    connect.PluginSource,
	Version: Version,
	New:     func() connect.Connector { return &Connector{} },
}

// Connector is the S3 source connector: it restores what the S3 sink archived. Its tasks
// split the archived Kafka partitions by partition number modulo the task count.
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

// Config describes the configuration keys.
func (c *Connector) Config() *connect.ConfigDef { return ConfigDef() }

// TaskConfigs returns maxTasks configurations; task i restores the archived partitions whose
// number modulo maxTasks is i.
func (c *Connector) TaskConfigs(maxTasks int) ([]map[string]string, error) {
	out, err := c.ConnectorBase.TaskConfigs(maxTasks)
	for i := range out {
		out[i][taskIndexConfig] = strconv.Itoa(i)
		out[i][taskCountConfig] = strconv.Itoa(len(out))
	}
	return out, err
}

// NewTask returns a new task; it logs to its task context's logger.
func (c *Connector) NewTask() connect.SourceTask { return NewTask(nil) }

// Validate adds the cross-field errors ParseConfig finds (time range without a way to
// match it, bounds in the wrong order, layout keys the sink would refuse) to the results.
func (c *Connector) Validate(_ context.Context, props map[string]string, results *connect.ConfigInfos) error {
	if _, err := ConfigDef().Parse(props); err != nil {
		return nil // per-key errors are already in results
	}
	if _, err := ParseConfig(props); err != nil && errors.Is(err, ErrConfig) {
		results.AddError("", err.Error())
	}
	return nil
}

var (
	_ connect.SourceConnector = (*Connector)(nil)
	_ connect.Validator       = (*Connector)(nil)
)
