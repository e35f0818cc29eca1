package s3sink

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/connectless/connectless/connectors/archive/layout"
	"github.com/connectless/connectless/connectors/archive/s3client"
	"github.com/connectless/connectless/core/connect"
)

// ErrConfig is wrapped by every configuration error.
var ErrConfig = errors.New("invalid configuration")

// Config is the sink's parsed configuration. Field docs name the key they come from.
type Config struct {
	// Layout holds the object layout keys: topics.dir, directory.delim, file.delim,
	// filename.offset.zero.pad.width, the partitioner keys, s3.schema.partition.affix.type
	// and tombstone.encoded.partition.
	layout.Layout

	Topics      []string // topics
	TopicsRegex string   // topics.regex

	FormatClass      string // format.class
	FlushSize        int32  // flush.size
	RotateIntervalMs int64  // rotate.interval.ms
	RotateScheduleMs int64  // rotate.schedule.interval.ms
	RetryBackoffMs   int64  // retry.backoff.ms
	AvroCodec        string // avro.codec
	ParquetCodec     string // parquet.codec
	ConnectMetaData  bool   // connect.meta.data
	// SchemaCompatibility is schema.compatibility: NONE, BACKWARD, FORWARD or FULL.
	SchemaCompatibility string
	EnhancedAvro        bool // enhanced.avro.schema.support

	StoreURL string // store.url

	Bucket           string // s3.bucket.name
	Region           string // s3.region as set; empty: the AWS SDK's, else us-west-2
	PartSize         int32  // s3.part.size
	WANMode          bool   // s3.wan.mode
	PathStyle        bool   // s3.path.style.access.enabled
	AccessKeyID      string // aws.access.key.id
	SecretAccessKey  string // aws.secret.access.key
	SSEA             string // s3.ssea.name
	SSEKMSKeyID      string // s3.sse.kms.key.id
	ACLCanned        string // s3.acl.canned
	CompressionType  string // s3.compression.type
	CompressionLevel int32  // s3.compression.level
	DecimalNumeric   bool   // json.decimal.format=NUMERIC
	PartRetries      int32  // s3.part.retries
	ExpectContinue   bool   // s3.http.send.expect.continue
	S3RetryBackoffMs int64  // s3.retry.backoff.ms

	ObjectTagging bool     // s3.object.tagging
	ExtraTags     []string // s3.object.tagging.key.value.pairs

	ByteArrayExtension string // format.bytearray.extension
	ByteArraySeparator string // format.bytearray.separator (raw)

	NullBehavior          string // behavior.on.null.values: fail, ignore, write
	ReportNullToDLQ       bool   // report.null.values.to.dlq
	RotateOnPartitionChng bool   // rotate.file.on.partition.change

	StoreKeys          bool   // store.kafka.keys
	StoreHeaders       bool   // store.kafka.headers
	KeysFormatClass    string // keys.format.class
	HeadersFormatClass string // headers.format.class

	SpillDir         string // s3.spill.dir
	FlushOnSliceEnd  bool   // s3.flush.on.slice.end
	MapKeyOrderInput bool   // json.map.key.order=input
	WriteAsRead      bool   // json.write.as.read
	ManifestEnabled  bool   // s3.manifest.enabled
	// RecoveryLookbackMs is s3.recovery.lookback.ms.
	RecoveryLookbackMs int64
	ManifestPrefix     string // s3.manifest.prefix
	// NotificationTopic is s3.notification.topic; empty means no notifications.
	NotificationTopic string
	// NotificationServers is s3.notification.bootstrap.servers.
	NotificationServers []string
}

// values holds parsed raw values by key, after defaults.
type values map[string]any

// parseValues parses every known key with the connector's ConfigDef (Kafka Connect's parsing
// rules: trimmed values, defaults for absent keys, type and validator errors per key) and
// returns parsed values and errors by key.
func parseValues(props map[string]string) (values, map[string]error) {
	out := values{}
	errs := map[string]error{}
	parsed, err := configDef().Parse(props)
	if err != nil {
		var list []error
		if j, ok := err.(interface{ Unwrap() []error }); ok {
			list = j.Unwrap()
		} else {
			list = []error{err}
		}
		for _, e := range list {
			var ce *connect.ConfigError
			name := ""
			if errors.As(e, &ce) {
				name = ce.Name
			}
			errs[name] = fmt.Errorf("%w: %w", ErrConfig, e)
		}
		return out, errs
	}
	for _, k := range configKeys() {
		v := parsed.Get(k.name)
		if p, ok := v.(connect.Password); ok {
			v = p.Value()
		}
		out[k.name] = v
	}
	if raw, ok := props["format.bytearray.separator"]; ok {
		out["format.bytearray.separator"] = raw // untrimmed, as Confluent reads it
	}
	return out, errs
}

// ParseConfig parses and validates the sink's configuration, including the cross-field
// rules of Confluent's S3 sink. Errors wrap ErrConfig.
func ParseConfig(props map[string]string) (*Config, error) {
	vals, errs := parseValues(props)
	if len(errs) == 0 {
		for k, err := range crossValidate(props, vals) {
			errs[k] = err
		}
	}
	if len(errs) > 0 {
		return nil, joinSorted(errs)
	}
	return buildConfig(props, vals), nil
}

func buildConfig(props map[string]string, v values) *Config {
	str := func(k string) string { s, _ := v[k].(string); return s }
	i32 := func(k string) int32 { n, _ := v[k].(int32); return n }
	i64 := func(k string) int64 { n, _ := v[k].(int64); return n }
	b := func(k string) bool { x, _ := v[k].(bool); return x }
	list := func(k string) []string { l, _ := v[k].([]string); return l }
	c := &Config{
		Layout: layout.Layout{
			TopicsDir:           str("topics.dir"),
			DirectoryDelim:      str("directory.delim"),
			FileDelim:           str("file.delim"),
			ZeroPadWidth:        i32("filename.offset.zero.pad.width"),
			PartitionerClass:    str("partitioner.class"),
			PartitionFieldNames: list("partition.field.name"),
			PartitionDurationMs: i64("partition.duration.ms"),
			PathFormat:          str("path.format"),
			Locale:              str("locale"),
			Timezone:            str("timezone"),
			TimestampExtractor:  str("timestamp.extractor"),
			TimestampField:      str("timestamp.field"),
			SchemaAffix:         str("s3.schema.partition.affix.type"),
			TombstonePartition:  str("tombstone.encoded.partition"),
			WriteTombstones:     strings.EqualFold(str("behavior.on.null.values"), "write"),
		},
		TopicsRegex:           strings.TrimSpace(props["topics.regex"]),
		FormatClass:           str("format.class"),
		FlushSize:             i32("flush.size"),
		RotateIntervalMs:      i64("rotate.interval.ms"),
		RotateScheduleMs:      i64("rotate.schedule.interval.ms"),
		RetryBackoffMs:        i64("retry.backoff.ms"),
		AvroCodec:             str("avro.codec"),
		ParquetCodec:          str("parquet.codec"),
		ConnectMetaData:       b("connect.meta.data"),
		SchemaCompatibility:   strings.ToUpper(str("schema.compatibility")),
		EnhancedAvro:          b("enhanced.avro.schema.support"),
		StoreURL:              str("store.url"),
		Bucket:                str("s3.bucket.name"),
		Region:                strings.TrimSpace(props["s3.region"]),
		PartSize:              i32("s3.part.size"),
		WANMode:               b("s3.wan.mode"),
		PathStyle:             b("s3.path.style.access.enabled"),
		AccessKeyID:           str("aws.access.key.id"),
		SecretAccessKey:       str("aws.secret.access.key"),
		SSEA:                  str("s3.ssea.name"),
		SSEKMSKeyID:           str("s3.sse.kms.key.id"),
		ACLCanned:             str("s3.acl.canned"),
		CompressionType:       str("s3.compression.type"),
		CompressionLevel:      i32("s3.compression.level"),
		DecimalNumeric:        strings.EqualFold(str("json.decimal.format"), "NUMERIC"),
		PartRetries:           i32("s3.part.retries"),
		ExpectContinue:        b("s3.http.send.expect.continue"),
		S3RetryBackoffMs:      i64("s3.retry.backoff.ms"),
		ObjectTagging:         b("s3.object.tagging"),
		ExtraTags:             list("s3.object.tagging.key.value.pairs"),
		ByteArrayExtension:    str("format.bytearray.extension"),
		ByteArraySeparator:    str("format.bytearray.separator"),
		NullBehavior:          strings.ToLower(str("behavior.on.null.values")),
		ReportNullToDLQ:       b("report.null.values.to.dlq"),
		RotateOnPartitionChng: b("rotate.file.on.partition.change"),
		StoreKeys:             b("store.kafka.keys"),
		StoreHeaders:          b("store.kafka.headers"),
		KeysFormatClass:       str("keys.format.class"),
		HeadersFormatClass:    str("headers.format.class"),
		SpillDir:              str("s3.spill.dir"),
		FlushOnSliceEnd:       b("s3.flush.on.slice.end"),
		MapKeyOrderInput:      strings.EqualFold(str("json.map.key.order"), "input"),
		WriteAsRead:           b("json.write.as.read"),
		ManifestEnabled:       b("s3.manifest.enabled"),
		RecoveryLookbackMs:    i64("s3.recovery.lookback.ms"),
		ManifestPrefix:        str("s3.manifest.prefix"),
		NotificationTopic:     strings.TrimSpace(str("s3.notification.topic")),
		NotificationServers:   nonBlank(list("s3.notification.bootstrap.servers")),
	}
	if t := strings.TrimSpace(props["topics"]); t != "" {
		for _, s := range strings.Split(t, ",") {
			c.Topics = append(c.Topics, strings.TrimSpace(s))
		}
	}
	if c.SpillDir == "" {
		c.SpillDir = os.TempDir()
	}
	c.ApplyPreset()
	return c
}

// ClientOptions are the S3 client settings of the configuration.
func (c *Config) ClientOptions() s3client.Options {
	return s3client.Options{
		Region: c.Region, StoreURL: c.StoreURL, PathStyle: c.PathStyle, WANMode: c.WANMode,
		AccessKeyID: c.AccessKeyID, SecretAccessKey: c.SecretAccessKey,
		PartRetries: c.PartRetries, RetryBackoffMs: c.S3RetryBackoffMs, ExpectContinue: c.ExpectContinue,
	}
}
