package s3source

import (
	"context"
	"errors"
	"log/slog"
	"maps"
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
	// Log receives the tasks' logs; nil discards.
	Log   *slog.Logger
	props map[string]string
}

// Version returns the connector's version.
func (c *Connector) Version() string { return Version }

// Config describes the configuration keys.
func (c *Connector) Config() *connect.ConfigDef { return ConfigDef() }

// Start validates the configuration.
func (c *Connector) Start(_ context.Context, props map[string]string) error {
	if _, err := ParseConfig(props); err != nil {
		return err
	}
	c.props = maps.Clone(props)
	return nil
}

// TaskConfigs returns maxTasks configurations; task i restores the archived partitions whose
// number modulo maxTasks is i.
func (c *Connector) TaskConfigs(maxTasks int) ([]map[string]string, error) {
	n := max(maxTasks, 1)
	out := make([]map[string]string, n)
	for i := range n {
		p := maps.Clone(c.props)
		p[taskIndexConfig] = strconv.Itoa(i)
		p[taskCountConfig] = strconv.Itoa(n)
		out[i] = p
	}
	return out, nil
}

// Stop does nothing: the connector holds no resources.
func (c *Connector) Stop() error { return nil }

// NewTask returns a new task.
func (c *Connector) NewTask() connect.SourceTask { return NewTask(c.Log) }

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
