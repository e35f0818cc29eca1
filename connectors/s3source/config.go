package s3source

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/connectless/connectless/connectors/archive/format"
	"github.com/connectless/connectless/connectors/archive/layout"
	"github.com/connectless/connectless/connectors/archive/s3client"
	"github.com/connectless/connectless/core/connect"
)

// ErrConfig is wrapped by every configuration error.
var ErrConfig = errors.New("invalid configuration")

// Config keys of our own (Confluent's S3 source has no equivalent).
const (
	TopicsConfig            = "topics"
	TopicRenameFormatConfig = "topic.rename.format"
	KafkaTopicConfig        = "kafka.topic"
	KeepPartitionsConfig    = "restore.keep.partitions"
	TimeStartConfig         = "restore.time.start"
	TimeEndConfig           = "restore.time.end"
	OffsetStartConfig       = "restore.offset.start"
	OffsetEndConfig         = "restore.offset.end"
	BatchSizeConfig         = "record.batch.max.size"
	BehaviorOnErrorConfig   = "behavior.on.error"
	RawJSONConfig           = "restore.json.raw"
	// taskIndexConfig and taskCountConfig are set by TaskConfigs: task i of n restores the
	// Kafka partitions whose number modulo n is i.
	taskIndexConfig = "s3source.task.index"
	taskCountConfig = "s3source.task.count"
)

// maxTimeBuckets bounds how many time buckets a time range may span when pruning prefixes.
const maxTimeBuckets = 1 << 20

// listPerBucket is the largest number of buckets listed one prefix at a time; wider ranges
// list the topic's prefix once and keep the objects of the buckets in range.
const listPerBucket = 48

type key struct {
	name  string
	typ   connect.ConfigType
	def   any // nil with required for no default; noDefault for Java's null
	req   bool
	group string
	val   connect.ConfigValidator
	doc   string
}

type nullDefault struct{}

// keys lists every key. Confluent's names where they exist (the sink's layout keys: the
// source is configured like the sink that wrote the bucket).
func keys() []key {
	formats := connect.ValidString(format.JSONFormatClass, format.AvroFormatClass, format.ParquetFormatClass, format.ByteArrayFormatClass)
	partitioners := connect.ValidString(layout.DefaultPartitionerClass, layout.FieldPartitionerClass, layout.TimeBasedPartitionerClass,
		layout.DailyPartitionerClass, layout.HourlyPartitionerClass)
	return []key{
		// What to restore.
		{name: "format.class", typ: connect.ConfigClass, req: true, group: "Restore", val: formats,
			doc: "Format the sink wrote the value files in: JsonFormat, AvroFormat, ParquetFormat or ByteArrayFormat (io.confluent.connect.s3.format.*). Compression (.gz, .zst) and the keys and headers files' formats are told by their extensions. No default. Mirrors Confluent's S3 source format.class."},
		{name: TopicsConfig, typ: connect.ConfigList, def: "", group: "Restore",
			doc: "Topics to restore, as named in the bucket. Default empty: every topic found under topics.dir."},
		{name: TopicRenameFormatConfig, typ: connect.ConfigString, def: "${topic}", group: "Restore",
			doc: "Target topic name; ${topic} is replaced by the archived topic's name, e.g. ${topic}-restored. Default ${topic} (the same topic). Ignored when kafka.topic is set."},
		{name: KafkaTopicConfig, typ: connect.ConfigString, def: "", group: "Restore",
			doc: "Fixed target topic for every restored record. Default empty (use topic.rename.format)."},
		{name: KeepPartitionsConfig, typ: connect.ConfigBoolean, def: true, group: "Restore",
			doc: "Produce each record to the partition number it was archived from (the target topic needs at least as many partitions); false lets the producer's partitioner choose. Default true."},
		{name: TimeStartConfig, typ: connect.ConfigString, def: "", group: "Restore", val: connect.ValidatorFunc(validTime, "ISO-8601 date-time or epoch milliseconds"),
			doc: "Restore records from this time on (inclusive): ISO-8601 (2024-01-05T07:00:00Z, or without offset in timezone) or epoch milliseconds. Matched against the record timestamp read from timestamp.field when timestamp.extractor=RecordField, otherwise against the start of the record's time bucket (time-based partitioners); also used to list only the time buckets in range. Default empty (no lower bound)."},
		{name: TimeEndConfig, typ: connect.ConfigString, def: "", group: "Restore", val: connect.ValidatorFunc(validTime, "ISO-8601 date-time or epoch milliseconds"),
			doc: "Restore records before this time (exclusive); same forms and matching as restore.time.start. Default empty (no upper bound)."},
		{name: OffsetStartConfig, typ: connect.ConfigLong, def: int64(-1), group: "Restore", val: connect.AtLeast[int64](-1),
			doc: "Restore records whose archived Kafka offset is at least this. A record's offset is its file's start offset plus its position in the file, exact when the file holds consecutive offsets (always for DefaultPartitioner without skipped records; the sink's object metadata says so). Default -1 (no lower bound)."},
		{name: OffsetEndConfig, typ: connect.ConfigLong, def: int64(-1), group: "Restore", val: connect.AtLeast[int64](-1),
			doc: "Restore records whose archived Kafka offset is below this (exclusive). Default -1 (no upper bound)."},
		{name: BatchSizeConfig, typ: connect.ConfigInt, def: int32(1000), group: "Restore", val: connect.AtLeast[int32](1),
			doc: "Most records returned by one poll. Default 1000 (Confluent's default is 200). Mirrors Confluent's S3 source record.batch.max.size."},
		{name: BehaviorOnErrorConfig, typ: connect.ConfigString, def: "fail", group: "Restore", val: connect.ValidStringIgnoreCase("fail", "ignore"),
			doc: "What an unreadable object (corrupt, truncated, unknown extension, mismatched keys or headers file) does: fail stops the task with an error naming the object, after the records before it were produced and committed; ignore logs a warning and goes on with the next file set (records of the bad object already produced stay). Default fail. Mirrors Confluent's S3 source behavior.on.error."},
		{name: RawJSONConfig, typ: connect.ConfigBoolean, def: false, group: "Restore",
			doc: "With JsonFormat, restore each value as the bytes of its archived line (schema BYTES) instead of the parsed JSON value: with value.converter=org.apache.kafka.connect.converters.ByteArrayConverter the restored values are the archived lines byte for byte, and parsing is skipped. Keys files are parsed either way. Default false."},
		// Layout: as the sink that wrote the bucket.
		{name: "topics.dir", typ: connect.ConfigString, def: "topics", group: "Layout",
			doc: "Top-level key prefix; blank means none. Default topics. Mirrors topics.dir."},
		{name: "directory.delim", typ: connect.ConfigString, def: "/", group: "Layout", val: connect.NonEmptyString(),
			doc: "Separator between path segments. Default /. Mirrors directory.delim."},
		{name: "file.delim", typ: connect.ConfigString, def: "+", group: "Layout", val: connect.NonEmptyString(),
			doc: "Separator inside file names. Default +. Mirrors file.delim."},
		{name: "partitioner.class", typ: connect.ConfigClass, def: layout.DefaultPartitionerClass, group: "Layout", val: partitioners,
			doc: "The sink's partitioner: Default, Field, TimeBased, Daily or Hourly. Time-based partitioners let a time range list only its buckets. Default DefaultPartitioner. Mirrors partitioner.class."},
		{name: "partition.duration.ms", typ: connect.ConfigLong, def: int64(-1), group: "Layout",
			doc: "TimeBasedPartitioner bucket width (Daily and Hourly set their own). Default -1. Mirrors partition.duration.ms."},
		{name: "path.format", typ: connect.ConfigString, def: "", group: "Layout",
			doc: "TimeBasedPartitioner Joda-Time pattern (Daily and Hourly set their own). Default empty. Mirrors path.format."},
		{name: "locale", typ: connect.ConfigString, def: "", group: "Layout",
			doc: "Locale of path.format; month, day and era names are English only. Default empty. Mirrors locale."},
		{name: "timezone", typ: connect.ConfigString, def: "", group: "Layout",
			doc: "Time zone of path.format, and of restore.time.* values without an offset. Default empty (UTC for restore.time.*). Mirrors timezone."},
		{name: "timestamp.extractor", typ: connect.ConfigString, def: "Wallclock", group: "Layout", val: connect.ValidString("Wallclock", "Record", "RecordField"),
			doc: "RecordField reads each record's timestamp from timestamp.field of its value, and gives the restored record that timestamp; Record and Wallclock timestamps are not stored in the files, so restored records get the producer's time. Default Wallclock. Mirrors timestamp.extractor."},
		{name: "timestamp.field", typ: connect.ConfigString, def: "timestamp", group: "Layout",
			doc: "Value field (dotted for nested) holding the timestamp for RecordField: epoch milliseconds or an ISO-8601 string. Default timestamp. Mirrors timestamp.field."},
		{name: "format.bytearray.extension", typ: connect.ConfigString, def: ".bin", group: "Layout",
			doc: "ByteArrayFormat file extension. Default .bin. Mirrors format.bytearray.extension."},
		{name: "format.bytearray.separator", typ: connect.ConfigString, def: "\n", group: "Layout",
			doc: "Bytes that follow every ByteArrayFormat record; records are split on it (a value containing it cannot be told apart). Default a line feed. Mirrors format.bytearray.separator."},
		// S3.
		{name: "s3.bucket.name", typ: connect.ConfigString, req: true, group: "S3", val: connect.NonEmptyString(),
			doc: "Bucket to read; it must exist. No default. Mirrors s3.bucket.name."},
		{name: "s3.region", typ: connect.ConfigString, def: "us-west-2", group: "S3", doc: s3client.RegionDoc},
		{name: "store.url", typ: connect.ConfigString, def: nullDefault{}, group: "S3", val: s3client.ValidStoreURL(), doc: s3client.StoreURLDoc},
		{name: "s3.path.style.access.enabled", typ: connect.ConfigBoolean, def: true, group: "S3",
			doc: "Path-style URLs. Default true. Mirrors s3.path.style.access.enabled."},
		{name: "s3.wan.mode", typ: connect.ConfigBoolean, def: false, group: "S3",
			doc: "Use S3 Transfer Acceleration (needs s3.path.style.access.enabled=false). Default false. Mirrors s3.wan.mode."},
		{name: "aws.access.key.id", typ: connect.ConfigString, def: "", group: "S3",
			doc: "Static access key id, used with aws.secret.access.key; otherwise the SDK's default credential chain. Default empty. Mirrors aws.access.key.id."},
		{name: "aws.secret.access.key", typ: connect.ConfigPassword, def: nullDefault{}, group: "S3",
			doc: "Static secret key. Default null. Mirrors aws.secret.access.key."},
		{name: "s3.part.retries", typ: connect.ConfigInt, def: int32(3), group: "S3", val: connect.AtLeast[int32](0),
			doc: "SDK retry attempts. Default 3. Mirrors s3.part.retries."},
		{name: "s3.retry.backoff.ms", typ: connect.ConfigLong, def: int64(200), group: "S3", val: connect.AtLeast[int64](0),
			doc: "SDK retry base back-off. Default 200. Mirrors s3.retry.backoff.ms."},
	}
}

// ConfigDef describes the source's keys.
func ConfigDef() *connect.ConfigDef {
	d := connect.NewConfigDef()
	order := map[string]int{}
	for _, k := range keys() {
		order[k.group]++
		ck := connect.ConfigKey{Name: k.name, Type: k.typ, Required: k.req, Doc: k.doc, Group: k.group,
			OrderInGroup: order[k.group], Importance: connect.Medium, Validator: k.val}
		if k.req {
			ck.Importance = connect.High
		}
		if _, null := k.def.(nullDefault); !null && !k.req {
			ck.Default = k.def
		}
		d.Define(ck)
	}
	return d
}

// Config is the source's parsed configuration.
type Config struct {
	Layout          layout.Layout    // where the sink put the objects
	Formats         format.Options   // how to read them
	Client          s3client.Options // the S3 client
	Bucket          string           // s3.bucket.name
	FormatClass     string           // format.class
	Topics          []string
	RenameFormat    string
	KafkaTopic      string
	KeepPartitions  bool
	TimeStart       int64 // epoch ms, or math.MinInt64
	TimeEnd         int64 // epoch ms exclusive, or math.MaxInt64
	HasTimeRange    bool
	OffsetStart     int64 // -1 for none
	OffsetEnd       int64 // -1 for none
	BatchSize       int
	IgnoreErrors    bool
	RawJSON         bool
	RecordFieldTime bool
	TaskIndex       int
	TaskCount       int
}

// ParseConfig parses and validates the source's configuration; errors wrap ErrConfig.
func ParseConfig(props map[string]string) (*Config, error) {
	v, err := ConfigDef().Parse(props)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrConfig, err)
	}
	l := layout.Layout{
		TopicsDir: v.String("topics.dir"), DirectoryDelim: v.String("directory.delim"), FileDelim: v.String("file.delim"),
		PartitionerClass: v.Class("partitioner.class"), PartitionDurationMs: v.Long("partition.duration.ms"),
		PathFormat: v.String("path.format"), Locale: v.String("locale"), Timezone: v.String("timezone"),
		TimestampExtractor: v.String("timestamp.extractor"), TimestampField: v.String("timestamp.field"),
	}
	problems := l.Check()
	delete(problems, "partition.field.name") // the sink needs the fields to write, not to read
	if len(problems) > 0 {
		var errs []error
		for _, k := range slices.Sorted(maps.Keys(problems)) {
			errs = append(errs, fmt.Errorf("%w: %s: %s", ErrConfig, k, problems[k]))
		}
		return nil, errors.Join(errs...)
	}
	l.ApplyPreset()
	secret, _ := v.Get("aws.secret.access.key").(connect.Password)
	storeURL, _ := v.Get("store.url").(string)
	separator := v.String("format.bytearray.separator")
	if raw, ok := props["format.bytearray.separator"]; ok {
		separator = raw // untrimmed, as Confluent reads it
	}
	c := &Config{
		Layout: l,
		Formats: format.Options{
			ByteArrayExtension: v.String("format.bytearray.extension"),
			ByteArraySeparator: separator,
		},
		Client: s3client.Options{
			Region: strings.TrimSpace(props["s3.region"]), StoreURL: storeURL, PathStyle: v.Bool("s3.path.style.access.enabled"),
			WANMode: v.Bool("s3.wan.mode"), AccessKeyID: v.String("aws.access.key.id"), SecretAccessKey: secret.Value(),
			PartRetries: v.Int("s3.part.retries"), RetryBackoffMs: v.Long("s3.retry.backoff.ms"), ExpectContinue: true,
		},
		Bucket:          v.String("s3.bucket.name"),
		FormatClass:     v.Class("format.class"),
		Topics:          v.List(TopicsConfig),
		RenameFormat:    v.String(TopicRenameFormatConfig),
		KafkaTopic:      v.String(KafkaTopicConfig),
		KeepPartitions:  v.Bool(KeepPartitionsConfig),
		OffsetStart:     v.Long(OffsetStartConfig),
		OffsetEnd:       v.Long(OffsetEndConfig),
		BatchSize:       int(v.Int(BatchSizeConfig)),
		IgnoreErrors:    strings.EqualFold(v.String(BehaviorOnErrorConfig), "ignore"),
		RawJSON:         v.Bool(RawJSONConfig),
		RecordFieldTime: v.String("timestamp.extractor") == "RecordField",
		TaskCount:       1,
	}
	if c.KafkaTopic == "" && c.RenameFormat == "" {
		return nil, fmt.Errorf("%w: %s must not be empty", ErrConfig, TopicRenameFormatConfig)
	}
	loc := time.UTC
	if tz := l.Timezone; tz != "" {
		if l, err := time.LoadLocation(tz); err == nil {
			loc = l
		}
	}
	c.TimeStart, c.TimeEnd = minInt64, maxInt64
	if s := v.String(TimeStartConfig); s != "" {
		c.TimeStart, _ = parseTime(s, loc)
		c.HasTimeRange = true
	}
	if s := v.String(TimeEndConfig); s != "" {
		c.TimeEnd, _ = parseTime(s, loc)
		c.HasTimeRange = true
	}
	if c.TimeEnd <= c.TimeStart {
		return nil, fmt.Errorf("%w: %s must be after %s", ErrConfig, TimeEndConfig, TimeStartConfig)
	}
	if c.HasTimeRange && !c.RecordFieldTime && !l.TimeBased() {
		return nil, fmt.Errorf("%w: a time range needs a time-based partitioner.class or timestamp.extractor=RecordField: "+
			"the files hold no record timestamps otherwise", ErrConfig)
	}
	if c.OffsetEnd >= 0 && c.OffsetEnd <= c.OffsetStart {
		return nil, fmt.Errorf("%w: %s must be above %s", ErrConfig, OffsetEndConfig, OffsetStartConfig)
	}
	if s, ok := props[taskIndexConfig]; ok {
		i, err1 := strconv.Atoi(s)
		n, err2 := strconv.Atoi(props[taskCountConfig])
		if err1 != nil || err2 != nil || n < 1 || i < 0 || i >= n {
			return nil, fmt.Errorf("%w: bad task index %q of %q", ErrConfig, s, props[taskCountConfig])
		}
		c.TaskIndex, c.TaskCount = i, n
	}
	return c, nil
}

const (
	minInt64 = -1 << 63
	maxInt64 = 1<<63 - 1
)

// targetTopic is the topic a record archived from topic is restored to.
func (c *Config) targetTopic(topic string) string {
	if c.KafkaTopic != "" {
		return c.KafkaTopic
	}
	return strings.ReplaceAll(c.RenameFormat, "${topic}", topic)
}

func validTime(name string, v any) error {
	s, _ := v.(string)
	if s == "" {
		return nil
	}
	if _, err := parseTime(s, time.UTC); err != nil {
		return &connect.ConfigError{Name: name, Value: s, Message: err.Error()}
	}
	return nil
}

// parseTime reads epoch milliseconds or an ISO-8601 date-time (a date alone means its
// midnight); a value without an offset is in loc.
func parseTime(s string, loc *time.Location) (int64, error) {
	s = strings.TrimSpace(s)
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return n, nil
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999Z0700", "2006-01-02T15:04Z07:00"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UnixMilli(), nil
		}
	}
	for _, layout := range []string{"2006-01-02T15:04:05.999999999", "2006-01-02T15:04", "2006-01-02"} {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			return t.UnixMilli(), nil
		}
	}
	return 0, fmt.Errorf("%q is neither epoch milliseconds nor an ISO-8601 date-time", s)
}
