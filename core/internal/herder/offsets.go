package herder

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/connectless/connectless/core/connect"
	"github.com/connectless/connectless/core/connect/javacompat"
	"github.com/connectless/connectless/core/store"
)

// Sink offset keys, as Kafka's SinkUtils.
const (
	keyKafkaTopic     = "kafka_topic"
	keyKafkaPartition = "kafka_partition"
	keyKafkaOffset    = "kafka_offset"
)

// Offsets returns a connector's committed offsets (GET /connectors/{c}/offsets): source
// partitions and offsets as the connector wrote them, or sink topic-partitions and the next
// offset to read.
func (h *Herder) Offsets(ctx context.Context, name string) (ConnectorOffsets, error) {
	c, err := h.connector(ctx, name, "Connector %s not found")
	if err != nil {
		return ConnectorOffsets{}, err
	}
	out := ConnectorOffsets{Offsets: []ConnectorOffset{}}
	if h.connectorType(c.Config) == string(connect.PluginSink) {
		offs, err := h.cfg.Store.SinkOffsets(ctx, name)
		if err != nil {
			return ConnectorOffsets{}, &Error{Kind: ErrInternal, Err: err,
				Message: fmt.Sprintf("Failed to retrieve consumer group offsets for sink connector %s", name)}
		}
		tps := slices.SortedFunc(maps.Keys(offs), func(a, b connect.TopicPartition) int {
			if d := strings.Compare(a.Topic, b.Topic); d != 0 {
				return d
			}
			return int(a.Partition) - int(b.Partition)
		})
		for _, tp := range tps {
			out.Offsets = append(out.Offsets, ConnectorOffset{
				Partition: SinkPartition{KafkaTopic: tp.Topic, KafkaPartition: tp.Partition},
				Offset:    SinkOffset{KafkaOffset: offs[tp]},
			})
		}
		return out, nil
	}
	offs, err := h.cfg.Store.SourceOffsets(ctx, name)
	if err != nil {
		return ConnectorOffsets{}, &Error{Kind: ErrInternal, Err: err,
			Message: fmt.Sprintf("Failed to retrieve offsets for source connector %s", name)}
	}
	for _, o := range offs {
		if o.Offset == nil {
			continue
		}
		out.Offsets = append(out.Offsets, ConnectorOffset{Partition: o.Partition, Offset: o.Offset})
	}
	return out, nil
}

// AlterOffsets writes offsets of a STOPPED connector (PATCH /connectors/{c}/offsets) with
// Kafka's KIP-875 rules; a nil Offset resets that partition.
func (h *Herder) AlterOffsets(ctx context.Context, name string, offsets []ConnectorOffset) (Message, error) {
	if len(offsets) == 0 {
		return Message{}, badRequest("Partitions / offsets need to be provided for an alter offsets request")
	}
	if err := h.waitIfStopped(ctx, name); err != nil {
		return Message{}, err
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	c, err := h.stoppedConnector(ctx, name)
	if err != nil {
		return Message{}, err
	}
	var managed bool
	if h.connectorType(c.Config) == string(connect.PluginSink) {
		parsed, err := parseSinkOffsets(offsets)
		if err != nil {
			return Message{}, err
		}
		if managed, err = h.sinkAlterer(ctx, c, parsed); err != nil {
			return Message{}, err
		}
		if err := h.cfg.Store.AlterSinkOffsets(ctx, name, parsed); err != nil {
			return Message{}, storeErr("alter sink offsets", name, err)
		}
	} else {
		parsed, err := parseSourceOffsets(offsets)
		if err != nil {
			return Message{}, err
		}
		if managed, err = h.sourceAlterer(ctx, c, parsed); err != nil {
			return Message{}, err
		}
		if err := h.cfg.Store.AlterSourceOffsets(ctx, name, parsed); err != nil {
			return Message{}, storeErr("alter source offsets", name, err)
		}
	}
	h.log.InfoContext(ctx, "offsets altered", "connector", name, "partitions", len(offsets))
	return offsetsMessage("altered", managed), nil
}

// ResetOffsets deletes every offset of a STOPPED connector (DELETE /connectors/{c}/offsets).
func (h *Herder) ResetOffsets(ctx context.Context, name string) (Message, error) {
	if err := h.waitIfStopped(ctx, name); err != nil {
		return Message{}, err
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	c, err := h.stoppedConnector(ctx, name)
	if err != nil {
		return Message{}, err
	}
	managed, err := h.resetAlterer(ctx, c)
	if err != nil {
		return Message{}, err
	}
	if err := h.cfg.Store.ResetOffsets(ctx, name); err != nil {
		return Message{}, storeErr("reset offsets", name, err)
	}
	h.log.InfoContext(ctx, "offsets reset", "connector", name)
	return offsetsMessage("reset", managed), nil
}

// offsetsMessage is Kafka's answer to an offsets change: the short one when the connector
// said that the framework manages all of its offsets.
func offsetsMessage(verb string, managed bool) Message {
	if managed {
		return Message{Message: fmt.Sprintf("The offsets for this connector have been %s successfully", verb)}
	}
	return Message{Message: fmt.Sprintf("The Connect framework-managed offsets for this connector have been %s successfully. "+
		"However, if this connector manages offsets externally, they will need to be manually %s in the system that the connector uses.", verb, verb)}
}

// waitIfStopped waits, outside the herder's lock, for the slices a stopped connector's
// tasks were running to end (waitForStoppedTasks). Connectors that are not stopped are left
// to stoppedConnector's check.
func (h *Herder) waitIfStopped(ctx context.Context, name string) error {
	c, err := h.cfg.Store.Connector(ctx, name)
	if err != nil || c.TargetState != store.TargetStopped || len(c.Tasks) > 0 {
		return nil
	}
	return h.waitForStoppedTasks(ctx, name, h.connectorType(c.Config) == string(connect.PluginSink))
}

func (h *Herder) stoppedConnector(ctx context.Context, name string) (store.Connector, error) {
	c, err := h.connector(ctx, name, "Connector %s not found")
	if err != nil {
		return c, err
	}
	if c.TargetState != store.TargetStopped || len(c.Tasks) > 0 {
		return c, badRequest("Connectors must be in the STOPPED state before their offsets can be modified. "+
			"This can be done for the specified connector by issuing a 'PUT' request to the '/connectors/%s/stop' endpoint", name)
	}
	return c, nil
}

func parseSinkOffsets(offsets []ConnectorOffset) (map[connect.TopicPartition]int64, error) {
	out := map[connect.TopicPartition]int64{}
	for _, o := range offsets {
		p, _ := o.Partition.(map[string]any)
		if p == nil {
			return nil, badRequest("The partition for a sink connector offset cannot be null or missing")
		}
		topicV, okT := p[keyKafkaTopic]
		partV, okP := p[keyKafkaPartition]
		if !okT || !okP {
			return nil, badRequest("The partition for a sink connector offset must contain the keys '%s' and '%s'", keyKafkaTopic, keyKafkaPartition)
		}
		if topicV == nil {
			return nil, badRequest("Kafka topic names must be valid strings and may not be null")
		}
		if partV == nil {
			return nil, badRequest("Kafka partitions must be valid numbers and may not be null")
		}
		part, err := strconv.ParseInt(javaString(partV), 10, 32)
		if err != nil || part < 0 {
			return nil, badRequest("Failed to parse the following Kafka partition value in the provided offsets: '%s'. Partition values for sink connectors need to be integers.", javaString(partV))
		}
		tp := connect.TopicPartition{Topic: javaString(topicV), Partition: int32(part)}
		if o.Offset == nil {
			out[tp] = -1
			continue
		}
		om, ok := o.Offset.(map[string]any)
		offV, has := om[keyKafkaOffset]
		if !ok || !has {
			return nil, badRequest("The offset for a sink connector should either be null or contain the key '%s'", keyKafkaOffset)
		}
		off, err := strconv.ParseInt(javaString(offV), 10, 64)
		if err != nil || off < 0 {
			return nil, badRequest("Failed to parse the following Kafka offset value in the provided offsets: '%s'. Offset values for sink connectors need to be integers.", javaString(offV))
		}
		out[tp] = off
	}
	return out, nil
}

func parseSourceOffsets(offsets []ConnectorOffset) ([]store.SourceOffset, error) {
	out := make([]store.SourceOffset, 0, len(offsets))
	for _, o := range offsets {
		p, _ := o.Partition.(map[string]any)
		if p == nil {
			return nil, badRequest("Source partitions may not be null")
		}
		if err := validateOffsetFormat(p); err != nil {
			return nil, err
		}
		var off map[string]any
		if o.Offset != nil {
			off, _ = o.Offset.(map[string]any)
			if err := validateOffsetFormat(off); err != nil {
				return nil, err
			}
		}
		out = append(out, store.SourceOffset{Partition: normalizeNumbers(p), Offset: normalizeNumbers(off)})
	}
	return out, nil
}

// validateOffsetFormat is Kafka's OffsetUtils.validateFormat: values must be primitives. Its
// DataException is a 500.
func validateOffsetFormat(m map[string]any) error {
	for _, k := range slices.Sorted(maps.Keys(m)) {
		switch m[k].(type) {
		case map[string]any:
			return newErr(ErrInternal, "Offsets may only contain primitive types as values, but field %s contains MAP", k)
		case []any:
			return newErr(ErrInternal, "Offsets may only contain primitive types as values, but field %s contains ARRAY", k)
		}
	}
	return nil
}

// normalizeNumbers turns json.Number values into int64 when integral, float64 otherwise.
func normalizeNumbers(m map[string]any) map[string]any {
	if m == nil {
		return nil
	}
	out := make(map[string]any, len(m))
	for k, v := range m {
		if n, ok := v.(json.Number); ok {
			if i, err := n.Int64(); err == nil {
				out[k] = i
			} else if f, err := n.Float64(); err == nil && !math.IsInf(f, 0) {
				out[k] = f
			} else {
				out[k] = n.String()
			}
			continue
		}
		out[k] = v
	}
	return out
}

// javaString renders a decoded JSON value as Java's String.valueOf renders what Jackson
// decodes: integers as their digits, other numbers as a Double (Double.toString), and the rest
// as javacompat.ToString does.
func javaString(v any) string {
	switch x := v.(type) {
	case json.Number:
		if _, err := x.Int64(); err == nil || !strings.ContainsAny(x.String(), ".eE") {
			return x.String()
		}
		if f, err := x.Float64(); err == nil {
			return javacompat.FormatDouble(f)
		}
		return x.String()
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = javaString(e)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case map[string]any:
		m := make(map[string]any, len(x))
		for k, e := range x {
			m[k] = javaString(e)
		}
		return javacompat.ToString(m)
	}
	return javacompat.ToString(v)
}
