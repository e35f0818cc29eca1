package layout

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// ErrConfig is wrapped by errors about a layout that cannot be used.
var ErrConfig = errors.New("invalid configuration")

// Class names of the partitioners (partitioner.class).
const (
	DefaultPartitionerClass   = "io.confluent.connect.storage.partitioner.DefaultPartitioner"
	FieldPartitionerClass     = "io.confluent.connect.storage.partitioner.FieldPartitioner"
	TimeBasedPartitionerClass = "io.confluent.connect.storage.partitioner.TimeBasedPartitioner"
	DailyPartitionerClass     = "io.confluent.connect.storage.partitioner.DailyPartitioner"
	HourlyPartitionerClass    = "io.confluent.connect.storage.partitioner.HourlyPartitioner"
)

// Layout is where an archive's objects go. Field docs name the configuration key.
type Layout struct {
	TopicsDir      string // topics.dir; blank means none
	DirectoryDelim string // directory.delim
	FileDelim      string // file.delim
	ZeroPadWidth   int32  // filename.offset.zero.pad.width

	PartitionerClass    string   // partitioner.class
	PartitionFieldNames []string // partition.field.name
	PartitionDurationMs int64    // partition.duration.ms
	PathFormat          string   // path.format
	Locale              string   // locale
	Timezone            string   // timezone
	TimestampExtractor  string   // timestamp.extractor
	TimestampField      string   // timestamp.field
	SchemaAffix         string   // s3.schema.partition.affix.type: NONE, PREFIX or SUFFIX
	// TombstonePartition is tombstone.encoded.partition; WriteTombstones says that null
	// values are written there (behavior.on.null.values=write).
	TombstonePartition string
	WriteTombstones    bool
}

// ApplyPreset sets path.format and partition.duration.ms for DailyPartitioner and
// HourlyPartitioner, which fix them.
func (l *Layout) ApplyPreset() {
	if l.PartitionerClass != DailyPartitionerClass && l.PartitionerClass != HourlyPartitionerClass {
		return
	}
	d := l.DirectoryDelim
	l.PathFormat = "'year'=YYYY" + d + "'month'=MM" + d + "'day'=dd"
	l.PartitionDurationMs = 86400000
	if l.PartitionerClass == HourlyPartitionerClass {
		l.PathFormat += d + "'hour'=HH"
		l.PartitionDurationMs = 3600000
	}
}

// ReadsValueFields reports whether the partitioner or the timestamp extractor reads a field
// of a record's value (FieldPartitioner, timestamp.extractor=RecordField), so that the value
// must be built.
func (l *Layout) ReadsValueFields() bool {
	return l.PartitionerClass == FieldPartitionerClass || l.TimestampExtractor == "RecordField"
}

// TimeBased reports whether the partitioner is one of the time-based ones.
func (l *Layout) TimeBased() bool {
	switch l.PartitionerClass {
	case TimeBasedPartitionerClass, DailyPartitionerClass, HourlyPartitionerClass:
		return true
	}
	return false
}

// View names what an object stores of its records.
type View int

// Views of an object: the records' values, keys or headers.
const (
	ValueView View = iota
	KeysView
	HeadersView
)

// Suffix is what a view adds to the file name before the format extension.
func (v View) Suffix() string {
	switch v {
	case KeysView:
		return ".keys"
	case HeadersView:
		return ".headers"
	}
	return ""
}

// ObjectKey builds Confluent's object key for the file of an encoded partition that starts
// at startOffset; ext is the view suffix and the format extension.
func (l *Layout) ObjectKey(topic string, partition int32, encoded string, startOffset int64, ext string) string {
	name := topic + l.FileDelim + strconv.Itoa(int(partition)) + l.FileDelim + Pad(startOffset, int(l.ZeroPadWidth)) + ext
	prefix := topic + l.DirectoryDelim + encoded
	if strings.TrimSpace(l.TopicsDir) != "" {
		return l.TopicsDir + l.DirectoryDelim + prefix + l.DirectoryDelim + name
	}
	return prefix + l.DirectoryDelim + name
}

// TopicPrefix is the key prefix under which a topic's objects are.
func (l *Layout) TopicPrefix(topic string) string {
	if strings.TrimSpace(l.TopicsDir) != "" {
		return l.TopicsDir + l.DirectoryDelim + topic + l.DirectoryDelim
	}
	return topic + l.DirectoryDelim
}

// ObjectName is an object key of the layout, taken apart.
type ObjectName struct {
	Key         string
	Topic       string
	Encoded     string // encoded partition, e.g. partition=3 or year=2024/month=01/day=05/hour=07
	Partition   int32
	StartOffset int64
	View        View
	Ext         string // format extension after the view suffix, e.g. .json.gz or .avro
	// Base is the key without view suffix and extension: the value, keys and headers files
	// of one file set share it.
	Base string
}

// ParseObjectKey takes a key of the layout (topics.dir, directory.delim, file.delim) apart;
// ok is false for keys that are not data objects.
func (l *Layout) ParseObjectKey(key string) (ObjectName, bool) {
	rest := key
	if strings.TrimSpace(l.TopicsDir) != "" {
		var ok bool
		if rest, ok = strings.CutPrefix(rest, l.TopicsDir+l.DirectoryDelim); !ok {
			return ObjectName{}, false
		}
	}
	i := strings.LastIndex(rest, l.DirectoryDelim)
	if i < 0 {
		return ObjectName{}, false
	}
	dir, file := rest[:i], rest[i+len(l.DirectoryDelim):]
	parts := strings.SplitN(file, l.FileDelim, 3)
	if len(parts) != 3 {
		return ObjectName{}, false
	}
	topic := parts[0]
	enc, ok := strings.CutPrefix(dir, topic+l.DirectoryDelim)
	if !ok || enc == "" {
		return ObjectName{}, false
	}
	p, err := strconv.ParseInt(parts[1], 10, 32)
	if err != nil || p < 0 {
		return ObjectName{}, false
	}
	n := 0
	for n < len(parts[2]) && parts[2][n] >= '0' && parts[2][n] <= '9' {
		n++
	}
	off, err := strconv.ParseInt(parts[2][:n], 10, 64)
	if n == 0 || err != nil {
		return ObjectName{}, false
	}
	ext := parts[2][n:]
	base := key[:len(key)-len(ext)]
	view := ValueView
	for _, v := range []View{KeysView, HeadersView} {
		if e, ok := strings.CutPrefix(ext, v.Suffix()); ok {
			view, ext = v, e
		}
	}
	return ObjectName{Key: key, Topic: topic, Encoded: enc, Partition: int32(p), StartOffset: off, View: view, Ext: ext, Base: base}, true
}

// TimeBuckets returns the encoded partitions of the time buckets that hold timestamps in
// [startMs, endMs), with each bucket's start, in time order, for a time-based partitioner.
// It refuses more than limit buckets.
func (l *Layout) TimeBuckets(startMs, endMs int64, limit int) (encoded []string, starts []int64, err error) {
	if !l.TimeBased() {
		return nil, nil, fmt.Errorf("%w: partitioner %s is not time-based", ErrConfig, l.PartitionerClass)
	}
	if l.PartitionDurationMs <= 0 {
		return nil, nil, fmt.Errorf("%w: partition.duration.ms must be positive to prune by time", ErrConfig)
	}
	tp, err := NewTimePartitioner(l)
	if err != nil {
		return nil, nil, err
	}
	seen := map[string]bool{}
	for b := bucketStart(startMs, tp.durationMs, tp.loc); b < endMs; {
		enc := tp.format.Format(time.UnixMilli(b).In(tp.loc))
		if !seen[enc] {
			if len(encoded) == limit {
				return nil, nil, fmt.Errorf("%w: the time range spans more than %d partitions of %d ms", ErrConfig, limit, tp.durationMs)
			}
			seen[enc] = true
			encoded, starts = append(encoded, enc), append(starts, b)
		}
		// The next bucket starts at least one duration later in local time; step by the
		// duration and re-align (DST days are longer or shorter than 24 h).
		next := bucketStart(b+tp.durationMs, tp.durationMs, tp.loc)
		if next <= b {
			next = bucketStart(b+tp.durationMs+3600000, tp.durationMs, tp.loc)
		}
		b = next
	}
	return encoded, starts, nil
}
