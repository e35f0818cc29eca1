package s3sink

import (
	"strings"

	"github.com/connectless/connectless/connectors/archive/format"
	"github.com/connectless/connectless/connectors/archive/layout"
	"github.com/connectless/connectless/connectors/archive/s3client"
	"github.com/connectless/connectless/core/connect"
)

// Class names accepted in format.class, keys.format.class and headers.format.class.
const (
	JSONFormatClass      = format.JSONFormatClass
	AvroFormatClass      = format.AvroFormatClass
	ParquetFormatClass   = format.ParquetFormatClass
	ByteArrayFormatClass = format.ByteArrayFormatClass
	// StorageClass is the only accepted storage.class.
	StorageClass = "io.confluent.connect.s3.storage.S3Storage"
)

// Class names accepted in partitioner.class (the layout package's).
const (
	DefaultPartitionerClass   = layout.DefaultPartitionerClass
	FieldPartitionerClass     = layout.FieldPartitionerClass
	TimeBasedPartitionerClass = layout.TimeBasedPartitionerClass
	DailyPartitionerClass     = layout.DailyPartitionerClass
	HourlyPartitionerClass    = layout.HourlyPartitionerClass
)

// keyDef is one configuration key: its Kafka Connect type, default and documentation.
type keyDef struct {
	name     string
	typ      connect.ConfigType
	def      string // raw default, as Kafka would print it; "" with required for no default
	required bool
	group    string
	doc      string
	// val checks the key's value alone; cross-field rules are in crossValidate.
	val connect.ConfigValidator
}

// nullDefault marks a key whose Java default is null.
const nullDefault = "\x00null"

// configKeys lists every key the sink accepts, in Confluent's groups. Keys Confluent defines
// but this sink only accepts (no behaviour) say so in their doc.
func configKeys() []keyDef {
	return []keyDef{
		// Connector.
		{name: "format.class", typ: connect.ConfigClass, required: true, group: "Connector", doc: "Value file format: JsonFormat, AvroFormat, ParquetFormat or ByteArrayFormat. No default. Mirrors the Confluent S3 sink's format.class.", val: validFormatClass},
		{name: "flush.size", typ: connect.ConfigInt, required: true, group: "Connector", doc: "Rotate when this many records were written to the open files of one Kafka partition; <=0 means one record per file. No default. Mirrors flush.size."},
		{name: "rotate.interval.ms", typ: connect.ConfigLong, def: "-1", group: "Connector", doc: "Rotate when a record's timestamp is this far past the first record of the open files (time-based partitioners only). Default -1 (off). Mirrors rotate.interval.ms."},
		{name: "rotate.schedule.interval.ms", typ: connect.ConfigLong, def: "-1", group: "Connector", doc: "Rotate on wall-clock boundaries aligned to local midnight in timezone. Default -1 (off). Mirrors rotate.schedule.interval.ms."},
		{name: "retry.backoff.ms", typ: connect.ConfigLong, def: "5000", group: "Connector", doc: "Wait before a batch that hit a retriable S3 error is redelivered. Only the default is accepted: S3 requests are retried by the SDK (s3.part.retries, s3.retry.backoff.ms) and the slice is retried by the runtime. Default 5000. Mirrors retry.backoff.ms.", val: connect.OnlyValues("redelivery back-off is the runtime's; tune s3.part.retries and s3.retry.backoff.ms instead", "5000")},
		{name: "filename.offset.zero.pad.width", typ: connect.ConfigInt, def: "10", group: "Connector", doc: "Zero-pad width of the start offset in file names; must be at least 1. Default 10. Mirrors filename.offset.zero.pad.width.", val: atLeast(1)},
		{name: "schema.compatibility", typ: connect.ConfigString, def: "NONE", group: "Connector", doc: "When a value schema change starts new files: NONE on any change; BACKWARD and FULL when the record's schema version is higher than the open file's, FORWARD when it is lower; other records are projected to the file's schema (Kafka's SchemaProjector rules). BACKWARD, FORWARD and FULL need schema versions. Default NONE. Mirrors schema.compatibility.", val: stringIn(strings.ToUpper, "NONE", "BACKWARD", "FORWARD", "FULL")},
		{name: "avro.codec", typ: connect.ConfigString, def: "null", group: "Connector", doc: "Avro container codec: null, deflate or snappy (bzip2 is rejected). Default null. Mirrors avro.codec.", val: validAvroCodec},
		{name: "parquet.codec", typ: connect.ConfigString, def: "snappy", group: "Connector", doc: "Parquet page codec: none, snappy, gzip, zstd, brotli, lz4_raw. Default snappy. Mirrors parquet.codec.", val: stringIn(nil, "none", "snappy", "gzip", "zstd", "brotli", "lz4_raw")},
		{name: "schemas.cache.config", typ: connect.ConfigInt, def: "1000", group: "Connector", doc: "Schema cache size. No effect here: schemas are converted once per open file, nothing is cached by count. Default 1000. Mirrors schemas.cache.config."},
		{name: "enhanced.avro.schema.support", typ: connect.ConfigBoolean, def: "true", group: "Connector", doc: "Write Connect strings that came from Avro enums as Avro enums, and keep full record names in unions (Confluent's AvroData setting). Default true. Mirrors enhanced.avro.schema.support."},
		{name: "connect.meta.data", typ: connect.ConfigBoolean, def: "true", group: "Connector", doc: "Add connect.* properties to Avro schemas. Default true. Mirrors connect.meta.data."},
		{name: "allow.optional.map.keys", typ: connect.ConfigBoolean, def: "false", group: "Connector", doc: "Write maps whose key schema is an optional string as Avro maps. Only false is accepted (not implemented): such maps are written as arrays of key/value records, as AvroData does by default. Default false. Mirrors allow.optional.map.keys.", val: connect.OnlyValues("optional map keys are written as arrays of key/value records; Avro maps for them are not implemented", "false")},
		{name: "shutdown.timeout.ms", typ: connect.ConfigLong, def: "3000", group: "Connector", doc: "Time allowed for background uploads at shutdown. No effect here: uploads run inside Put, Flush and PreCommit, nothing runs in the background at Stop. Default 3000. Mirrors shutdown.timeout.ms."},
		// Storage.
		{name: "storage.class", typ: connect.ConfigClass, required: true, group: "Storage", doc: "Must be io.confluent.connect.s3.storage.S3Storage. No default. Mirrors storage.class.", val: validStorageClass},
		{name: "topics.dir", typ: connect.ConfigString, def: "topics", group: "Storage", doc: "Top-level key prefix; blank omits it. Default topics. Mirrors topics.dir."},
		{name: "store.url", typ: connect.ConfigString, def: nullDefault, group: "Storage", val: s3client.ValidStoreURL(), doc: s3client.StoreURLDoc},
		{name: "directory.delim", typ: connect.ConfigString, def: "/", group: "Storage", doc: "Separator between path segments. Default /. Mirrors directory.delim."},
		{name: "file.delim", typ: connect.ConfigString, def: "+", group: "Storage", doc: "Separator inside file names. Default +. Mirrors file.delim."},
		// Partitioner.
		{name: "partitioner.class", typ: connect.ConfigClass, def: DefaultPartitionerClass, group: "Partitioner", doc: "Default, Field, TimeBased, Daily or Hourly partitioner. Default DefaultPartitioner. Mirrors partitioner.class."},
		{name: "partition.field.name", typ: connect.ConfigList, def: "", group: "Partitioner", doc: "FieldPartitioner field names (dotted for nested). Default empty. Mirrors partition.field.name."},
		{name: "partition.duration.ms", typ: connect.ConfigLong, def: "-1", group: "Partitioner", doc: "TimeBasedPartitioner bucket width. Default -1. Mirrors partition.duration.ms."},
		{name: "path.format", typ: connect.ConfigString, def: "", group: "Partitioner", doc: "Joda-Time pattern of the encoded partition, e.g. 'year'=YYYY/'month'=MM. Default empty. Mirrors path.format."},
		{name: "locale", typ: connect.ConfigString, def: "", group: "Partitioner", doc: "Locale of path.format; required by time-based partitioners. Month, day and era names are written in English only, so a path.format with them refuses other locales. Default empty. Mirrors locale."},
		{name: "timezone", typ: connect.ConfigString, def: "", group: "Partitioner", doc: "Time zone of path.format (UTC, America/New_York, +05:30). Default empty. Mirrors timezone."},
		{name: "timestamp.extractor", typ: connect.ConfigString, def: "Wallclock", group: "Partitioner", doc: "Wallclock, Record or RecordField. Default Wallclock. Mirrors timestamp.extractor.", val: validExtractor},
		{name: "timestamp.field", typ: connect.ConfigString, def: "timestamp", group: "Partitioner", doc: "Field read by RecordField (dotted for nested). Default timestamp. Mirrors timestamp.field."},
		// S3.
		{name: "s3.bucket.name", typ: connect.ConfigString, required: true, group: "S3", doc: "Bucket to write to; it must exist. No default. Mirrors s3.bucket.name."},
		{name: "s3.region", typ: connect.ConfigString, def: "us-west-2", group: "S3", doc: s3client.RegionDoc},
		{name: "s3.part.size", typ: connect.ConfigInt, def: "26214400", group: "S3", doc: "Multipart part size, 5242880 to 2147483647; objects up to this size use one PutObject. Default 26214400. Mirrors s3.part.size.", val: atLeast(5242880)},
		{name: "s3.wan.mode", typ: connect.ConfigBoolean, def: "false", group: "S3", doc: "Use S3 Transfer Acceleration. Default false. Mirrors s3.wan.mode."},
		{name: "s3.path.style.access.enabled", typ: connect.ConfigBoolean, def: "true", group: "S3", doc: "Path-style URLs. Default true. Mirrors s3.path.style.access.enabled."},
		{name: "s3.credentials.provider.class", typ: connect.ConfigClass, def: "software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider", group: "S3", doc: "Credentials provider. Only the default is accepted: credentials come from the AWS SDK's default chain (environment, shared files, IAM role) unless aws.access.key.id is set. Default software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider. Mirrors s3.credentials.provider.class.", val: connect.OnlyValues("only the AWS SDK's default credential chain is supported; set aws.access.key.id and aws.secret.access.key for static keys", "software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider", "com.amazonaws.auth.DefaultAWSCredentialsProviderChain")},
		{name: "aws.access.key.id", typ: connect.ConfigString, def: "", group: "S3", doc: "Static access key id, used with aws.secret.access.key. Default empty. Mirrors aws.access.key.id."},
		{name: "aws.secret.access.key", typ: connect.ConfigPassword, def: nullDefault, group: "S3", doc: "Static secret key. Default null. Mirrors aws.secret.access.key."},
		{name: "s3.ssea.name", typ: connect.ConfigString, def: "", group: "S3", doc: "Server-side encryption: AES256, aws:kms or aws:kms:dsse. Default empty. Mirrors s3.ssea.name.", val: validSSEA},
		{name: "s3.sse.customer.key", typ: connect.ConfigPassword, def: nullDefault, group: "S3", doc: "SSE-C customer key. Refused when set: customer-provided keys are not implemented (use s3.ssea.name=AES256, aws:kms or aws:kms:dsse). Default null. Mirrors s3.sse.customer.key.", val: connect.OnlyValues("SSE-C (customer-provided keys) is not implemented; use s3.ssea.name=AES256, aws:kms or aws:kms:dsse")},
		{name: "s3.sse.kms.key.id", typ: connect.ConfigString, def: "", group: "S3", doc: "KMS key for aws:kms. Default empty. Mirrors s3.sse.kms.key.id."},
		{name: "s3.acl.canned", typ: connect.ConfigString, def: nullDefault, group: "S3", doc: "Canned ACL set on each object. Default null. Mirrors s3.acl.canned."},
		{name: "s3.compression.type", typ: connect.ConfigString, def: "none", group: "S3", doc: "Whole-file compression for JsonFormat and ByteArrayFormat: none, gzip, or zstd (ours, .zst suffix). Default none. Mirrors s3.compression.type.", val: stringIn(nil, "none", "gzip", "zstd")},
		{name: "s3.compression.level", typ: connect.ConfigInt, def: "-1", group: "S3", doc: "gzip level -1..9 (-1 = 6). Default -1. Mirrors s3.compression.level.", val: validCompressionLevel},
		{name: "json.decimal.format", typ: connect.ConfigString, def: "BASE64", group: "S3", doc: "BASE64 or NUMERIC for Decimal values in JsonFormat. Default BASE64. Mirrors json.decimal.format.", val: validDecimalFormat},
		{name: "s3.part.retries", typ: connect.ConfigInt, def: "3", group: "S3", doc: "SDK retry attempts. Default 3. Mirrors s3.part.retries.", val: atLeast(0)},
		{name: "s3.retry.backoff.ms", typ: connect.ConfigLong, def: "200", group: "S3", doc: "SDK retry base back-off. Default 200. Mirrors s3.retry.backoff.ms.", val: atLeast(0)},
		{name: "s3.http.send.expect.continue", typ: connect.ConfigBoolean, def: "true", group: "S3", doc: "Send Expect: 100-continue with uploads larger than 2 MiB; false never sends it. Default true. Mirrors s3.http.send.expect.continue."},
		{name: "s3.proxy.url", typ: connect.ConfigString, def: "", group: "S3", doc: "HTTP proxy for S3 requests. Refused when set: set HTTPS_PROXY (or HTTP_PROXY) in the worker's environment instead, which the AWS SDK uses. Default empty. Mirrors s3.proxy.url.", val: connect.OnlyValues(proxyRefusal, "")},
		{name: "s3.proxy.user", typ: connect.ConfigString, def: nullDefault, group: "S3", doc: "Proxy user. Refused when set (see s3.proxy.url). Default null. Mirrors s3.proxy.user.", val: connect.OnlyValues(proxyRefusal, "")},
		{name: "s3.proxy.password", typ: connect.ConfigPassword, def: nullDefault, group: "S3", doc: "Proxy password. Refused when set (see s3.proxy.url). Default null. Mirrors s3.proxy.password.", val: connect.OnlyValues(proxyRefusal, "")},
		{name: "s3.send.digest", typ: connect.ConfigBoolean, def: "false", group: "S3", doc: "Send a Content-MD5 digest with uploads. Only false is accepted (not implemented). Default false. Mirrors s3.send.digest.", val: connect.OnlyValues("Content-MD5 digests are not implemented", "false")},
		{name: "s3.elastic.buffer.enable", typ: connect.ConfigBoolean, def: "false", group: "S3", doc: "Grow upload buffers on demand instead of allocating s3.part.size. No effect here: open files are held in memory only within a budget per task (a sixteenth of the Go memory limit, at most 32 MiB), then spill to local disk through small fixed buffers, so no buffer of s3.part.size is allocated either way. Default false. Mirrors s3.elastic.buffer.enable."},
		{name: "s3.elastic.buffer.init.capacity", typ: connect.ConfigInt, def: "131072", group: "S3", doc: "Initial elastic buffer size. No effect here (see s3.elastic.buffer.enable). Default 131072. Mirrors s3.elastic.buffer.init.capacity."},
		{name: "s3.object.tagging", typ: connect.ConfigBoolean, def: "false", group: "S3", doc: "Tag each object with startOffset, endOffset and recordCount (set in the creating request). Default false. Mirrors s3.object.tagging."},
		{name: "s3.object.tagging.key.value.pairs", typ: connect.ConfigList, def: "", group: "S3", doc: "Extra tags, key:value items. Default empty. Mirrors s3.object.tagging.key.value.pairs.", val: validTagPairs},
		{name: "s3.object.behavior.on.tagging.error", typ: connect.ConfigString, def: "ignore", group: "S3", doc: "ignore or fail; tags are sent with the creating request, so a refused tag fails that upload either way. Default ignore. Mirrors s3.object.behavior.on.tagging.error.", val: stringIn(strings.ToLower, "ignore", "fail")},
		{name: "format.bytearray.extension", typ: connect.ConfigString, def: ".bin", group: "S3", doc: "ByteArrayFormat extension. Default .bin. Mirrors format.bytearray.extension."},
		{name: "format.bytearray.separator", typ: connect.ConfigString, def: "\n", group: "S3", doc: "Bytes written after every ByteArrayFormat record, untrimmed. Default newline. Mirrors format.bytearray.separator."},
		{name: "behavior.on.null.values", typ: connect.ConfigString, def: "fail", group: "S3", doc: "Tombstones: fail, ignore or write (to the tombstone partition, keys file only). Default fail. Mirrors behavior.on.null.values.", val: stringIn(strings.ToLower, "ignore", "fail", "write")},
		{name: "report.null.values.to.dlq", typ: connect.ConfigBoolean, def: "true", group: "S3", doc: "With ignore, report skipped tombstones to the errant record reporter. Default true. Mirrors report.null.values.to.dlq."},
		{name: "tombstone.encoded.partition", typ: connect.ConfigString, def: "tombstone", group: "S3", doc: "Encoded partition of tombstones with behavior.on.null.values=write. Default tombstone. Mirrors tombstone.encoded.partition."},
		{name: "max.write.duration.ms", typ: connect.ConfigLong, def: "9223372036854775807", group: "S3", doc: "Bound on the time one file may take to write. Only the default (no bound) is accepted: not implemented. Default 9223372036854775807. Mirrors max.write.duration.ms.", val: connect.OnlyValues("a bound on write time is not implemented", "9223372036854775807")},
		{name: "rotate.file.on.partition.change", typ: connect.ConfigBoolean, def: "true", group: "S3", doc: "With rotate.interval.ms, rotate when the encoded partition changes. Default true. Mirrors rotate.file.on.partition.change."},
		{name: "s3.schema.partition.affix.type", typ: connect.ConfigString, def: "NONE", group: "S3", doc: "Add schema_name=<value schema name> before (PREFIX) or after (SUFFIX) the encoded partition. Default NONE. Mirrors s3.schema.partition.affix.type.", val: stringIn(nil, "NONE", "PREFIX", "SUFFIX")},
		{name: "enable.conditional.writes", typ: connect.ConfigBoolean, def: "true", group: "S3", val: connect.OnlyValues("objects are always created with If-None-Match: * (exactly-once files depend on it)", "true"), doc: "Create objects with If-None-Match: * (always on: exactly-once files depend on it, so false is refused). Default true. Mirrors enable.conditional.writes."},
		// Keys and headers.
		{name: "store.kafka.keys", typ: connect.ConfigBoolean, def: "false", group: "Keys and Headers", doc: "Write a .keys file next to each value file. Default false. Mirrors store.kafka.keys."},
		{name: "store.kafka.headers", typ: connect.ConfigBoolean, def: "false", group: "Keys and Headers", doc: "Write a .headers file next to each value file. Default false. Mirrors store.kafka.headers."},
		{name: "keys.format.class", typ: connect.ConfigClass, def: AvroFormatClass, group: "Keys and Headers", doc: "Format of keys files. Default AvroFormat. Mirrors keys.format.class.", val: validFormatClass},
		{name: "headers.format.class", typ: connect.ConfigClass, def: AvroFormatClass, group: "Keys and Headers", doc: "Format of headers files (Avro, JSON or Parquet). Default AvroFormat. Mirrors headers.format.class.", val: validFormatClass},
		// Ours.
		{name: "s3.spill.dir", typ: connect.ConfigString, def: "", group: "connectless", doc: "Local directory where open files are buffered before upload once the task's memory budget is used (Lambda: /tmp). Default empty = the system temp dir. Ours."},
		{name: "s3.flush.on.slice.end", typ: connect.ConfigBoolean, def: "true", group: "connectless", doc: "Upload and commit every open file when a slice ends (Flush), so quiet partitions never wait for new data. Default true. Ours."},
		{name: "json.map.key.order", typ: connect.ConfigString, def: "hashmap", group: "connectless", doc: "Key order of schemaless maps in JsonFormat: hashmap (Java HashMap iteration order, as Confluent) or input (insertion order for ordered maps, sorted for Go maps). Default hashmap. Ours.", val: stringIn(strings.ToLower, "hashmap", "input")},
		{name: "json.write.as.read", typ: connect.ConfigBoolean, def: "false", group: "connectless", doc: "Write JsonFormat values as their bytes as read (whitespace around them trimmed) instead of re-encoding them, for every value JsonConverter with schemas.enable=false checked without building it (no transformation, no FieldPartitioner, no timestamp.extractor=RecordField): members keep the order they came in and numbers and strings the form they were written in, so objects are NOT byte-identical to Confluent's (which writes keys in Java HashMap order and numbers and escapes as Jackson does). A value with a line break between its tokens is encoded as usual. Default false. Ours."},
		{name: "s3.recovery.lookback.ms", typ: connect.ConfigLong, def: "86400000", group: "connectless", doc: "With the Wallclock extractor, how far back a task looks for files a killed run left in other time directories. Default 86400000 (1 day). Ours.", val: atLeast(0)},
		{name: "s3.manifest.enabled", typ: connect.ConfigBoolean, def: "false", group: "connectless", doc: "Write one manifest object per commit listing the objects written. Default false. Ours."},
		{name: "s3.manifest.prefix", typ: connect.ConfigString, def: "_manifests", group: "connectless", doc: "Key prefix of manifest objects. Default _manifests. Ours."},
		{name: "s3.notification.topic", typ: connect.ConfigString, def: "", group: "connectless", doc: "Kafka topic that receives one JSON notification record per object written (key: the object key), sent before the offsets covering the object are committed; at-least-once (a re-run after a crash may repeat one). Default empty (off). Ours."},
		{name: "s3.notification.bootstrap.servers", typ: connect.ConfigList, def: "", group: "connectless", doc: "host:port list of the Kafka brokers of s3.notification.topic; required when the topic is set. Default empty. Ours (same form as Kafka's bootstrap.servers)."},
	}
}

// proxyRefusal is the message of the s3.proxy.* keys.
const proxyRefusal = "a proxy set in the connector configuration is not implemented; set HTTPS_PROXY (or HTTP_PROXY) in the worker's environment, which the AWS SDK uses"
