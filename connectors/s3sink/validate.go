package s3sink

import (
	"errors"
	"fmt"
	"maps"
	"net"
	"slices"
	"strings"

	"github.com/connectless/connectless/connectors/archive/layout"
)

func oneOf(v string, valid ...string) bool { return slices.Contains(valid, v) }

// crossValidate checks single-key ranges and the cross-field rules of Confluent's S3 sink
// (§1.7). It returns errors by key.
func crossValidate(props map[string]string, v values) map[string]error {
	errs := map[string]error{}
	bad := func(key string, format string, args ...any) {
		if _, dup := errs[key]; !dup {
			errs[key] = fmt.Errorf("%w: %s: %s", ErrConfig, key, fmt.Sprintf(format, args...))
		}
	}
	str := func(k string) string { s, _ := v[k].(string); return s }
	i64 := func(k string) int64 {
		switch n := v[k].(type) {
		case int64:
			return n
		case int32:
			return int64(n)
		}
		return 0
	}
	b := func(k string) bool { x, _ := v[k].(bool); return x }
	formats := []string{JSONFormatClass, AvroFormatClass, ParquetFormatClass, ByteArrayFormatClass}

	topics, regex := strings.TrimSpace(props["topics"]), strings.TrimSpace(props["topics.regex"])
	if topics != "" && regex != "" {
		bad("topics", "topics and topics.regex are mutually exclusive")
	}
	if s := str("storage.class"); s != StorageClass {
		bad("storage.class", "must be %s, got %q", StorageClass, s)
	}
	for _, k := range []string{"format.class", "keys.format.class", "headers.format.class"} {
		if !oneOf(str(k), formats...) {
			bad(k, "unknown format class %q (use %s)", str(k), strings.Join(formats, ", "))
		}
	}
	if b("store.kafka.headers") && str("headers.format.class") == ByteArrayFormatClass {
		bad("headers.format.class", "ByteArrayFormat cannot write headers; use AvroFormat, JsonFormat or ParquetFormat")
	}
	if w := i64("filename.offset.zero.pad.width"); w < 1 {
		bad("filename.offset.zero.pad.width", "must be at least 1, got %d", w)
	}
	if c := str("avro.codec"); !oneOf(c, "null", "deflate", "snappy") {
		if c == "bzip2" {
			bad("avro.codec", "bzip2 is not supported for writing; use null, deflate or snappy")
		} else {
			bad("avro.codec", "must be one of null, deflate, snappy, got %q", c)
		}
	}
	if c := str("parquet.codec"); !oneOf(c, "none", "snappy", "gzip", "zstd", "brotli", "lz4_raw") {
		bad("parquet.codec", "must be one of none, snappy, gzip, zstd, brotli, lz4_raw, got %q", c)
	}
	if p := i64("s3.part.size"); p < 5242880 {
		bad("s3.part.size", "value must be at least 5242880, got %d", p)
	}
	if b("s3.wan.mode") && b("s3.path.style.access.enabled") {
		bad("s3.wan.mode", "s3.wan.mode cannot be used with s3.path.style.access.enabled=true")
	}
	ct := str("s3.compression.type")
	if !oneOf(ct, "none", "gzip", "zstd") {
		bad("s3.compression.type", "must be one of none, gzip, zstd, got %q", ct)
	} else if ct != "none" {
		check := []string{str("format.class")}
		if b("store.kafka.keys") {
			check = append(check, str("keys.format.class"))
		}
		if b("store.kafka.headers") {
			check = append(check, str("headers.format.class"))
		}
		for _, f := range check {
			if f != JSONFormatClass && f != ByteArrayFormatClass {
				bad("s3.compression.type", "Compression Type %s not valid for data format class: ( %s ).", ct, f)
			}
		}
	}
	if l := i64("s3.compression.level"); l < -1 || l > 9 {
		bad("s3.compression.level", "must be between -1 and 9, got %d", l)
	}
	if f := str("json.decimal.format"); !strings.EqualFold(f, "BASE64") && !strings.EqualFold(f, "NUMERIC") {
		bad("json.decimal.format", "must be BASE64 or NUMERIC, got %q", f)
	}
	switch nb := strings.ToLower(str("behavior.on.null.values")); nb {
	case "fail", "ignore":
	case "write":
		if !b("store.kafka.keys") {
			bad("behavior.on.null.values", "write requires store.kafka.keys=true")
		}
	default:
		bad("behavior.on.null.values", "must be one of ignore, fail, write, got %q", nb)
	}
	if i64("s3.part.retries") < 0 {
		bad("s3.part.retries", "must be at least 0")
	}
	if i64("s3.recovery.lookback.ms") < 0 {
		bad("s3.recovery.lookback.ms", "must be at least 0")
	}
	if i64("s3.retry.backoff.ms") < 0 {
		bad("s3.retry.backoff.ms", "must be at least 0")
	}
	if a := str("s3.schema.partition.affix.type"); !oneOf(a, "NONE", "PREFIX", "SUFFIX") {
		bad("s3.schema.partition.affix.type", "must be one of NONE, PREFIX, SUFFIX, got %q", a)
	}
	if s := str("s3.ssea.name"); !oneOf(s, "", "AES256", "aws:kms", "aws:kms:dsse") {
		bad("s3.ssea.name", "must be empty, AES256, aws:kms or aws:kms:dsse, got %q", s)
	}
	if o := strings.ToLower(str("json.map.key.order")); !oneOf(o, "hashmap", "input") {
		bad("json.map.key.order", "must be hashmap or input, got %q", o)
	}
	tags, _ := v["s3.object.tagging.key.value.pairs"].([]string)
	for _, kv := range tags {
		if k, _, ok := strings.Cut(kv, ":"); !ok || strings.TrimSpace(k) == "" {
			bad("s3.object.tagging.key.value.pairs", "item %q must be key:value", kv)
		}
	}
	if e := strings.ToLower(str("s3.object.behavior.on.tagging.error")); !oneOf(e, "ignore", "fail") {
		bad("s3.object.behavior.on.tagging.error", "must be ignore or fail, got %q", e)
	}
	tz := str("timezone")
	if i64("rotate.schedule.interval.ms") > 0 && tz == "" {
		bad("rotate.schedule.interval.ms", "timezone configuration must be set when using rotate.schedule.interval.ms")
	}
	if tz != "" {
		if _, err := layout.LoadZone(tz); err != nil {
			bad("timezone", "%v", err)
		}
	}
	if ex := str("timestamp.extractor"); !oneOf(ex, "Wallclock", "Record", "RecordField") {
		bad("timestamp.extractor", "must be Wallclock, Record or RecordField, got %q", ex)
	}
	pc := str("partitioner.class")
	switch pc {
	case DefaultPartitionerClass:
	case FieldPartitionerClass:
		fields, _ := v["partition.field.name"].([]string)
		if len(fields) == 0 {
			bad("partition.field.name", "partition.field.name must be set when using FieldPartitioner")
		}
		for _, f := range fields {
			if strings.TrimSpace(f) == "" || slices.Contains(strings.Split(f, "."), "") {
				bad("partition.field.name", "field name %q must be non-blank without empty segments", f)
			}
		}
	case TimeBasedPartitionerClass, DailyPartitionerClass, HourlyPartitionerClass:
		if str("locale") == "" {
			bad("locale", "Locale cannot be empty.")
		}
		if tz == "" {
			bad("timezone", "Timezone cannot be empty.")
		}
		if pc == TimeBasedPartitionerClass {
			pf := str("path.format")
			if strings.TrimSpace(pf) == "" || pf == str("directory.delim") {
				bad("path.format", "Path format cannot be empty.")
			} else if _, err := layout.CompileJoda(strings.TrimSuffix(pf, str("directory.delim"))); err != nil {
				bad("path.format", "%v", err)
			}
			if d := i64("partition.duration.ms"); d <= 0 {
				bad("partition.duration.ms", "Partition duration needs to be a positive.")
			}
		}
	default:
		bad("partitioner.class", "unknown partitioner %q", pc)
	}
	validateNotification(v, bad)
	return errs
}

// nonBlank returns the trimmed non-blank items of a list value.
func nonBlank(l []string) []string {
	var out []string
	for _, s := range l {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// validateNotification checks s3.notification.*: brokers are required with a topic, and each
// must be host:port.
func validateNotification(v values, bad func(key, format string, args ...any)) {
	topic, _ := v["s3.notification.topic"].(string)
	l, _ := v["s3.notification.bootstrap.servers"].([]string)
	servers := nonBlank(l)
	if strings.TrimSpace(topic) == "" {
		return
	}
	if len(servers) == 0 {
		bad("s3.notification.bootstrap.servers", "required when s3.notification.topic is set (host:port list of the brokers of topic %q)", strings.TrimSpace(topic))
		return
	}
	for _, s := range servers {
		if _, port, err := net.SplitHostPort(s); err != nil || port == "" {
			bad("s3.notification.bootstrap.servers", "%q is not host:port", s)
			return
		}
	}
}

// joinSorted joins errors in key order so messages are stable.
func joinSorted(errs map[string]error) error {
	var out []error
	for _, k := range slices.Sorted(maps.Keys(errs)) {
		out = append(out, errs[k])
	}
	return errors.Join(out...)
}
