package connect

import (
	"context"
	"encoding/json"
	"math"
)

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

// OffsetInt reads a whole number from a source offset value as the offset stores give it
// back: an integer type as the task wrote it, or, after a JSON round trip (REST, DynamoDB,
// connect-offsets), a float64 or json.Number that holds a whole number within int64. Anything
// else (1.5, "7", nil, 2^63) gives false, so a task can refuse an offset it did not write.
func OffsetInt(v any) (int64, bool) {
	switch x := v.(type) {
	case int64:
		return x, true
	case int:
		return int64(x), true
	case int32:
		return int64(x), true
	case int16:
		return int64(x), true
	case int8:
		return int64(x), true
	case float64:
		if x == math.Trunc(x) && x >= -(1<<63) && x < 1<<63 {
			return int64(x), true
		}
	case json.Number:
		n, err := x.Int64()
		return n, err == nil
	}
	return 0, false
}
