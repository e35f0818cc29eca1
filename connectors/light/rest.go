package light

import (
	"context"

	"github.com/connectless/connectless/connectors/iceberg/icebergconfig"
	"github.com/connectless/connectless/core/connect"
)

// RESTRegistry returns a registry of Plugins and IcebergValidated: what the REST function
// needs to list, validate, create and update the Iceberg sink's connectors (their
// configuration checks and task configurations) without iceberg-go.
func RESTRegistry() (*connect.Registry, error) {
	return connect.NewRegistry(append(Plugins(), IcebergValidated())...)
}

// IcebergValidated is the Iceberg sink in a program that validates and creates its
// connectors but does not run its tasks (the REST function): the real configuration
// definition, validation (icebergconfig.Connector) and task configurations, and a task whose
// every method fails with ErrNotLinked. It has no catalog preflight: the REST function has the
// Iceberg task function run it (serverless.Runtime.DelegatePreflight).
func IcebergValidated() connect.Plugin {
	return connect.Plugin{Class: IcebergClass, Type: connect.PluginSink, Version: icebergconfig.Version,
		New: func() connect.Connector { return &icebergValidated{} }}
}

// icebergValidated is IcebergValidated's connector.
type icebergValidated struct {
	icebergconfig.Connector
}

// NewTask returns a task that fails with ErrNotLinked: the Iceberg task function runs them.
func (c *icebergValidated) NewTask() connect.SinkTask { return notLinkedTask{} }

// notLinkedTask is icebergValidated's task.
type notLinkedTask struct{}

func (notLinkedTask) Start(context.Context, map[string]string, connect.SinkTaskContext) error {
	return notLinked{}.err()
}
func (notLinkedTask) Put(context.Context, []connect.SinkRecord) error { return notLinked{}.err() }
func (notLinkedTask) Flush(context.Context, map[connect.TopicPartition]int64) error {
	return notLinked{}.err()
}
func (notLinkedTask) Stop() error { return nil }

var (
	_ connect.SinkConnector = (*icebergValidated)(nil)
	_ connect.Validator     = (*icebergValidated)(nil)
)
