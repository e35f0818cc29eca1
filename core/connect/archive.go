package connect

import "context"

// ArchiveObject is one data object of an archive a sink connector wrote, as the connector
// reads it back from its store: where it is and what it holds.
type ArchiveObject struct {
	// Key is the object key.
	Key string `json:"key"`
	// Topic and Partition are the Kafka topic partition the records came from.
	Topic     string `json:"topic"`
	Partition int32  `json:"partition"`
	// Bucket is the encoded partition of the key: the time bucket (e.g.
	// year=2024/month=01/day=05/hour=07) for time-based partitioners, partition=N otherwise.
	Bucket string `json:"bucket"`
	// Size is the object's size in bytes.
	Size int64 `json:"size"`
	// LastModified is the object's modification time, RFC 3339; empty when unknown.
	LastModified string `json:"last_modified,omitempty"`
	// RecordCount, FirstOffset and LastOffset come from the object's metadata; nil when the
	// object has none (written by another tool).
	RecordCount *int64 `json:"record_count"`
	FirstOffset *int64 `json:"first_offset"`
	LastOffset  *int64 `json:"last_offset"`
	// BucketStart and BucketEnd are the time range [start, end) of the object's time bucket,
	// RFC 3339 in UTC, for time-based partitioners when the object's metadata tells its
	// records' timestamps; empty otherwise.
	BucketStart string `json:"bucket_start,omitempty"`
	BucketEnd   string `json:"bucket_end,omitempty"`
}

// ArchiveLister is implemented by sink connectors that write an archive which can be listed
// (GET /connectors/{name}/archive, a connectless extension). ListArchive lists the data objects
// of topic (every topic when empty) and partition (every partition when negative), ordered by
// topic, partition and first offset, for the connector's resolved configuration.
type ArchiveLister interface {
	ListArchive(ctx context.Context, config map[string]string, topic string, partition int32) ([]ArchiveObject, error)
}
