package postgrescdc

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/connectless/connectless/core/connect"
)

// Connector is the PostgreSQL change data capture connector: one task reads the slot.
type Connector struct {
	props map[string]string
	cfg   config
	// started is when Start ran: under snapshot.mode=always each start of the connector
	// (create, update, restart, resume) gives the tasks a new snapshot epoch.
	started time.Time
}

// Version returns the connector's version.
func (c *Connector) Version() string { return Version }

// Config returns the connector's ConfigDef.
func (c *Connector) Config() *connect.ConfigDef { return ConfigDef() }

// Start parses the configuration.
func (c *Connector) Start(_ context.Context, props map[string]string) error {
	cfg, err := parseConfig(props)
	if err != nil {
		return err
	}
	c.props, c.cfg, c.started = maps.Clone(props), cfg, time.Now()
	return nil
}

// TaskConfigs returns one task configuration: a slot is read by one reader. With
// snapshot.mode=always it carries an epoch derived from the configuration and the time the
// connector started, so that every start of the connector (Debezium's "snapshot every time
// the connector starts") takes a new snapshot, while the invocations of one start do not.
func (c *Connector) TaskConfigs(int) ([]map[string]string, error) {
	if c.props == nil {
		return nil, fmt.Errorf("postgres cdc: TaskConfigs before Start")
	}
	cfg := maps.Clone(c.props)
	delete(cfg, snapshotEpochConfig)
	if c.cfg.snapshotMode == SnapshotAlways {
		keys := slices.Sorted(maps.Keys(cfg))
		h := sha256.New()
		for _, k := range keys {
			fmt.Fprintf(h, "%q=%q\n", k, cfg[k])
		}
		fmt.Fprintf(h, "started=%d\n", c.started.UnixNano())
		cfg[snapshotEpochConfig] = hex.EncodeToString(h.Sum(nil))[:16]
	}
	return []map[string]string{cfg}, nil
}

// Stop does nothing: the connector holds no connection.
func (c *Connector) Stop() error { return nil }

// NewTask returns a new task.
func (c *Connector) NewTask() connect.SourceTask { return &Task{} }

// Validate refuses the Debezium keys this connector does not implement and the cross-key
// conflicts (Kafka's Connector.validate); what only a connection can see is Preflight's.
func (c *Connector) Validate(_ context.Context, props map[string]string, results *connect.ConfigInfos) error {
	for _, k := range unsupportedKeys(props) {
		results.AddError(k, unsupportedMessage(k))
	}
	if results.ErrorCount > 0 {
		return nil
	}
	if _, err := parseConfig(props); err != nil {
		if ke, ok := err.(*keyError); ok {
			results.AddError(ke.key, ke.msg)
		}
	}
	return nil
}

// AlterOffsets checks offsets written through the REST API (Kafka's
// SourceConnector.alterOffsets): the partition must be {"server": <topic.prefix>} and the
// offset one this connector reads. It answers false: the replication slot keeps its own
// confirmed position, and the server never streams from before it, so an offset moved back
// replays nothing the slot already released. A reset (null offset) makes the next start take
// a new snapshot as snapshot.mode says.
func (c *Connector) AlterOffsets(_ context.Context, config map[string]string, offsets []connect.PartitionOffset) (bool, error) {
	prefix := config[TopicPrefixConfig]
	for _, po := range offsets {
		if len(po.Partition) != 1 || po.Partition[partitionServerID] != prefix {
			return false, fmt.Errorf("%w: source partition %v: this connector's only partition is {\"%s\": %q}", ErrConfig, po.Partition, partitionServerID, prefix)
		}
		if po.Offset == nil {
			continue
		}
		if _, ok := po.Offset[offsetLSN]; !ok {
			return false, fmt.Errorf("%w: offset %v has no %s", ErrConfig, po.Offset, offsetLSN)
		}
		if _, _, err := parsePosition(po.Offset); err != nil {
			return false, fmt.Errorf("%w: offset %v: %v", ErrConfig, po.Offset, err)
		}
	}
	return false, nil
}
