package connect

import "time"

// Header is one record header, with an optional schema for its value.
type Header struct {
	Key    string
	Schema *Schema
	Value  any
}

// Headers is an ordered list of headers; a key may repeat, as in Kafka.
type Headers []Header

// Last returns the last header with the given key.
func (h Headers) Last(key string) (Header, bool) {
	for i := len(h) - 1; i >= 0; i-- {
		if h[i].Key == key {
			return h[i], true
		}
	}
	return Header{}, false
}

// TopicPartition names one partition of one topic.
type TopicPartition struct {
	Topic     string
	Partition int32
}

// Record is the part every Connect record shares (Kafka's ConnectRecord): what converters
// produce and transformations change.
type Record struct {
	Topic string
	// Partition is the Kafka partition: always set on sink records; on source records nil
	// lets the producer's partitioner choose.
	Partition *int32
	// Offset is the Kafka offset: set on sink records only.
	Offset      *int64
	KeySchema   *Schema
	Key         any
	ValueSchema *Schema
	Value       any
	Timestamp   time.Time // zero means none
	Headers     Headers
}

// TimestampType says where a sink record's timestamp came from, as Kafka's TimestampType.
type TimestampType int8

// Timestamp types.
const (
	NoTimestampType TimestampType = iota
	CreateTime
	LogAppendTime
)

// String gives Kafka's name for the timestamp type.
func (t TimestampType) String() string {
	switch t {
	case CreateTime:
		return "CreateTime"
	case LogAppendTime:
		return "LogAppendTime"
	default:
		return "NoTimestampType"
	}
}

// SourceRecord is a record a SourceTask returns from Poll (Kafka's SourceRecord).
type SourceRecord struct {
	Record
	// SourcePartition identifies where in the source system this record came from (e.g. a file or table).
	SourcePartition map[string]any
	// SourceOffset is the position within SourcePartition after this record.
	SourceOffset map[string]any
}

// SinkRecord is a record read from Kafka and handed to a SinkTask's Put (Kafka's SinkRecord).
type SinkRecord struct {
	Record
	TimestampType TimestampType
	// OriginalTopic, OriginalPartition and OriginalOffset are where the record was read from,
	// before any transformation renamed it; offsets are committed against these.
	OriginalTopic     string
	OriginalPartition int32
	OriginalOffset    int64
	// RawValue is the value's bytes as read from Kafka, set by the runtime only when no
	// transformation ran on the record, nil otherwise. A sink may write them instead of
	// re-encoding Value when its encoding of Value would give the same bytes. It must not
	// change them.
	RawValue []byte
}

// RecordMetadata says where a source record was written (Kafka's producer RecordMetadata).
type RecordMetadata struct {
	Topic     string
	Partition int32
	Offset    int64
	Timestamp time.Time
}

// NewSinkRecord returns a sink record read from topic/partition at offset, with the
// original coordinates set to the same.
func NewSinkRecord(topic string, partition int32, offset int64) SinkRecord {
	return SinkRecord{
		Record:            Record{Topic: topic, Partition: &partition, Offset: &offset},
		OriginalTopic:     topic,
		OriginalPartition: partition,
		OriginalOffset:    offset,
	}
}

// KafkaPartition returns the record's (possibly transformed) Kafka partition.
func (r *SinkRecord) KafkaPartition() int32 {
	if r.Partition == nil {
		return r.OriginalPartition
	}
	return *r.Partition
}

// KafkaOffset returns the record's Kafka offset.
func (r *SinkRecord) KafkaOffset() int64 {
	if r.Offset == nil {
		return r.OriginalOffset
	}
	return *r.Offset
}
