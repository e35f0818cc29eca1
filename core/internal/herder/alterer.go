package herder

import (
	"context"
	"maps"

	"github.com/connectless/connectless/core/connect"
	"github.com/connectless/connectless/core/store"
)

// connectorInstance returns a fresh instance of the connector's plugin and its resolved
// configuration, for the offsets hooks; nil when the class is unknown.
func (h *Herder) connectorInstance(ctx context.Context, c store.Connector) (connect.Connector, map[string]string, error) {
	p, err := h.cfg.Plugins.Lookup(c.Config[KeyConnectorClass])
	if err != nil {
		return nil, nil, nil
	}
	cfg, err := h.Resolve(ctx, c.Config)
	if err != nil {
		return nil, nil, newErrWrap(ErrInternal, err, "Failed to resolve the configuration of connector %s", c.Name)
	}
	return p.New(), cfg, nil
}

// sourceAlterer asks a source connector (Kafka's SourceConnector.alterOffsets) about offsets
// about to be written; its error refuses the request (HTTP 500, its message, as Kafka's
// ConnectException).
func (h *Herder) sourceAlterer(ctx context.Context, c store.Connector, offs []store.SourceOffset) (bool, error) {
	conn, cfg, err := h.connectorInstance(ctx, c)
	a, ok := conn.(connect.SourceOffsetsAlterer)
	if err != nil || !ok {
		return false, err
	}
	in := make([]connect.PartitionOffset, len(offs))
	for i, o := range offs {
		in[i] = connect.PartitionOffset{Partition: maps.Clone(o.Partition), Offset: maps.Clone(o.Offset)}
	}
	managed, err := a.AlterOffsets(ctx, cfg, in)
	if err != nil {
		return false, newErrWrap(ErrInternal, err, "%s", err.Error())
	}
	return managed, nil
}

// sinkAlterer is sourceAlterer for sink connectors; a negative offset is a reset (nil).
func (h *Herder) sinkAlterer(ctx context.Context, c store.Connector, offs map[connect.TopicPartition]int64) (bool, error) {
	conn, cfg, err := h.connectorInstance(ctx, c)
	a, ok := conn.(connect.SinkOffsetsAlterer)
	if err != nil || !ok {
		return false, err
	}
	in := make(map[connect.TopicPartition]*int64, len(offs))
	for tp, o := range offs {
		if o < 0 {
			in[tp] = nil
			continue
		}
		in[tp] = &o
	}
	managed, err := a.AlterOffsets(ctx, cfg, in)
	if err != nil {
		return false, newErrWrap(ErrInternal, err, "%s", err.Error())
	}
	return managed, nil
}

// resetAlterer asks the connector about a reset: every offset it has, set to nil, as Kafka
// does.
func (h *Herder) resetAlterer(ctx context.Context, c store.Connector) (bool, error) {
	if h.connectorType(c.Config) == string(connect.PluginSink) {
		cur, err := h.cfg.Store.SinkOffsets(ctx, c.Name)
		if err != nil {
			return false, storeErr("read sink offsets", c.Name, err)
		}
		reset := make(map[connect.TopicPartition]int64, len(cur))
		for tp := range cur {
			reset[tp] = -1
		}
		return h.sinkAlterer(ctx, c, reset)
	}
	cur, err := h.cfg.Store.SourceOffsets(ctx, c.Name)
	if err != nil {
		return false, storeErr("read source offsets", c.Name, err)
	}
	for i := range cur {
		cur[i].Offset = nil
	}
	return h.sourceAlterer(ctx, c, cur)
}
