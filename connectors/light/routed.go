package light

import (
	"context"
	"errors"
	"fmt"

	"github.com/connectless/connectless/core/connect"
)

// ErrNotLinked is returned by every method of IcebergScheduled's connector: the program
// schedules the Iceberg sink's tasks but does not link the sink.
var ErrNotLinked = errors.New("the Iceberg sink is not linked into this program")

// SchedulerRegistry returns a registry of Plugins and IcebergScheduled: what a scheduler
// needs to deal an Iceberg sink's partitions over its tasks (its class and its type) without
// iceberg-go. A program that validates and creates connectors uses RESTRegistry; one
// that runs the Iceberg sink's tasks, connectors.Registry.
func SchedulerRegistry() (*connect.Registry, error) {
	return connect.NewRegistry(append(Plugins(), IcebergScheduled())...)
}

// IcebergScheduled stands for the Iceberg sink in a program that only schedules its tasks
// (the scheduler function): it selects the sink's class names as a sink, so its partitions
// are dealt over its tasks as every sink's, and its connector answers every call with
// ErrNotLinked. It has no configuration keys: never use it where configurations are
// validated.
func IcebergScheduled() connect.Plugin {
	return connect.Plugin{Class: IcebergClass, Type: connect.PluginSink, Version: "scheduled",
		New: func() connect.Connector { return notLinked{} }}
}

// notLinked is IcebergScheduled's connector.
type notLinked struct{}

func (notLinked) err() error {
	return fmt.Errorf("%w: %s runs in the Iceberg task function", ErrNotLinked, IcebergClass)
}

func (notLinked) Version() string                                  { return "scheduled" }
func (notLinked) Config() *connect.ConfigDef                       { return connect.NewConfigDef() }
func (n notLinked) Start(context.Context, map[string]string) error { return n.err() }
func (n notLinked) TaskConfigs(int) ([]map[string]string, error)   { return nil, n.err() }
func (notLinked) Stop() error                                      { return nil }
func (notLinked) NewTask() connect.SinkTask                        { return nil }
