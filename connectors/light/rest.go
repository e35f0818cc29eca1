package light

import (
	"context"

	"github.com/connectless/connectless/connectors/iceberg/icebergconfig"
	"github.com/connectless/connectless/core/connect"
)

// CatalogCheckNote ends the documentation of the keys the Iceberg sink's catalog preflight
// checks (iceberg.catalog.uri, iceberg.tables) in IcebergValidated's ConfigDef: a program
// without iceberg-go cannot open the catalog, so validation does not check them against it
// and the Iceberg task function does when a task starts.
const CatalogCheckNote = " Not checked against the catalog at validation here (this function does not link the catalog client): " +
	"a task checks that the catalog opens and the tables exist when it starts, and fails with what it found."

// RESTRegistry returns a registry of Plugins and IcebergValidated: what the REST function
// needs to list, validate, create and update the Iceberg sink's connectors (their
// configuration checks and task configurations) without iceberg-go.
func RESTRegistry() (*connect.Registry, error) {
	return connect.NewRegistry(append(Plugins(), IcebergValidated())...)
}

// IcebergValidated is the Iceberg sink in a program that validates and creates its
// connectors but does not run its tasks (the REST function): the real configuration
// definition, validation (icebergconfig.Connector) and task configurations, no catalog
// preflight (the catalog keys' documentation ends with CatalogCheckNote), and a task whose
// every method fails with ErrNotLinked.
func IcebergValidated() connect.Plugin {
	return connect.Plugin{Class: IcebergClass, Type: connect.PluginSink, Version: icebergconfig.Version,
		New: func() connect.Connector { return &icebergValidated{} }}
}

// icebergValidated is IcebergValidated's connector.
type icebergValidated struct {
	icebergconfig.Connector
}

// Config returns the Iceberg sink's ConfigDef with CatalogCheckNote on the keys the
// catalog preflight checks.
func (c *icebergValidated) Config() *connect.ConfigDef {
	d := connect.NewConfigDef()
	for _, k := range icebergconfig.ConfigDef().Keys() {
		if k.Name == icebergconfig.CatalogURIConfig || k.Name == icebergconfig.TablesConfig {
			k.Doc += CatalogCheckNote
		}
		d.Define(k)
	}
	return d
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
