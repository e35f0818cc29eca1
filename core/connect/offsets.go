package connect

import "context"

// PartitionOffset is one source partition's offset in an alter or reset request; a nil
// Offset resets the partition.
type PartitionOffset struct {
	Partition map[string]any
	Offset    map[string]any
}

// SourceOffsetsAlterer is an optional SourceConnector ability, Kafka's
// SourceConnector.alterOffsets: the REST API calls it before it alters (PATCH) or resets
// (DELETE, every offset nil) a stopped connector's offsets. An error refuses the request with
// its message, and nothing is written. true says the connector's offsets are all managed by
// the framework, so the answer is "The offsets for this connector have been altered
// successfully" rather than the warning about offsets kept outside.
type SourceOffsetsAlterer interface {
	AlterOffsets(ctx context.Context, config map[string]string, offsets []PartitionOffset) (bool, error)
}

// SinkOffsetsAlterer is the same for a SinkConnector, Kafka's SinkConnector.alterOffsets; a
// nil offset resets the topic-partition.
type SinkOffsetsAlterer interface {
	AlterOffsets(ctx context.Context, config map[string]string, offsets map[TopicPartition]*int64) (bool, error)
}
