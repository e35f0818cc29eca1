package connect

import (
	"context"
	"maps"
)

// ConnectorSpec tells ConnectorBase what differs between connectors: usually an empty struct
// type whose two methods return the version and check a configuration.
type ConnectorSpec interface {
	// Version is the connector's version, shown by /connector-plugins.
	Version() string
	// Check returns an error for a configuration the connector cannot run.
	Check(props map[string]string) error
}

// ConnectorBase is the part of a Connector that most connectors share: Version reports the
// spec's version, Start checks the configuration with the spec and keeps a copy, TaskConfigs
// hands every task that copy, and Stop has nothing to release. A connector embeds it and adds
// Config and NewTask; it overrides a method when it does more (e.g. a TaskConfigs that splits
// the work, calling the embedded one for the copies). The zero value is ready to use.
//
//	type spec struct{}
//
//	func (spec) Version() string                       { return "1.0.0" }
//	func (spec) Check(props map[string]string) error { _, err := configDef().Parse(props); return err }
//
//	type LinesSource struct{ connect.ConnectorBase[spec] }
type ConnectorBase[S ConnectorSpec] struct {
	props map[string]string
}

// Version returns the spec's version.
func (b *ConnectorBase[S]) Version() string {
	var s S
	return s.Version()
}

// Start checks the configuration with the spec and keeps a copy of it; a configuration that
// fails the check is not kept.
func (b *ConnectorBase[S]) Start(_ context.Context, props map[string]string) error {
	var s S
	if err := s.Check(props); err != nil {
		return err
	}
	b.props = maps.Clone(props)
	return nil
}

// Props returns the configuration Start kept (nil before Start). The map is shared: callers
// must not change it.
func (b *ConnectorBase[S]) Props() map[string]string { return b.props }

// TaskConfigs returns max(maxTasks, 1) copies of the configuration Start kept. Sink tasks
// may all share one configuration: the runtime deals the topic partitions out to them.
func (b *ConnectorBase[S]) TaskConfigs(maxTasks int) ([]map[string]string, error) {
	out := make([]map[string]string, max(maxTasks, 1))
	for i := range out {
		out[i] = maps.Clone(b.props)
	}
	return out, nil
}

// Stop does nothing: the base holds no resources.
func (b *ConnectorBase[S]) Stop() error { return nil }
