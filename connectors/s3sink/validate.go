package s3sink

import (
	"errors"
	"fmt"
	"maps"
	"net"
	"slices"
	"strings"

	"github.com/connectless/connectless/connectors/archive/format"
	"github.com/connectless/connectless/core/connect"
)

func oneOf(v string, valid ...string) bool { return slices.Contains(valid, v) }

// formatClasses are the classes format.class, keys.format.class and headers.format.class accept.
var formatClasses = []string{JSONFormatClass, AvroFormatClass, ParquetFormatClass, ByteArrayFormatClass}

// check is a validator of one key's value, with the message Confluent's sink gives.
func check(desc string, ok func(v any) (msg string, valid bool)) connect.ConfigValidator {
	return connect.ValidatorFunc(func(_ string, v any) error {
		if msg, valid := ok(v); !valid {
			return errors.New(msg)
		}
		return nil
	}, desc)
}

// stringIn accepts one of valid (after fold, when given) with Confluent's "must be one of" message.
func stringIn(fold func(string) string, valid ...string) connect.ConfigValidator {
	return check(strings.Join(valid, ", "), func(v any) (string, bool) {
		s, _ := v.(string)
		if fold != nil {
			s = fold(s)
		}
		return fmt.Sprintf("must be one of %s, got %q", strings.Join(valid, ", "), s), oneOf(s, valid...)
	})
}

// atLeast accepts numbers no smaller than n with the message "must be at least n".
func atLeast(n int64) connect.ConfigValidator {
	return check(fmt.Sprintf("[%d,...]", n), func(v any) (string, bool) {
		var x int64
		switch y := v.(type) {
		case int32:
			x = int64(y)
		case int64:
			x = y
		}
		return fmt.Sprintf("must be at least %d, got %d", n, x), x >= n
	})
}

var (
	validStorageClass = check(StorageClass, func(v any) (string, bool) {
		s, _ := v.(string)
		return fmt.Sprintf("must be %s, got %q", StorageClass, s), s == StorageClass
	})
	validFormatClass = check(strings.Join(formatClasses, ", "), func(v any) (string, bool) {
		s, _ := v.(string)
		return fmt.Sprintf("unknown format class %q (use %s)", s, strings.Join(formatClasses, ", ")), oneOf(s, formatClasses...)
	})
	validAvroCodec = check("null, deflate, snappy", func(v any) (string, bool) {
		s, _ := v.(string)
		if s == "bzip2" {
			return "bzip2 is not supported for writing; use null, deflate or snappy", false
		}
		return fmt.Sprintf("must be one of null, deflate, snappy, got %q", s), oneOf(s, "null", "deflate", "snappy")
	})
	validDecimalFormat = check("BASE64, NUMERIC", func(v any) (string, bool) {
		s, _ := v.(string)
		return fmt.Sprintf("must be BASE64 or NUMERIC, got %q", s), strings.EqualFold(s, "BASE64") || strings.EqualFold(s, "NUMERIC")
	})
	validTagPairs = check("key:value items", func(v any) (string, bool) {
		l, _ := v.([]string)
		for _, kv := range l {
			if k, _, ok := strings.Cut(kv, ":"); !ok || strings.TrimSpace(k) == "" {
				return fmt.Sprintf("item %q must be key:value", kv), false
			}
		}
		return "", true
	})
	validCompressionLevel = check("[-1,...,9]", func(v any) (string, bool) {
		l, _ := v.(int32)
		return fmt.Sprintf("must be between -1 and 9, got %d", l), l >= -1 && l <= 9
	})
	validSSEA = check("'', AES256, aws:kms, aws:kms:dsse", func(v any) (string, bool) {
		s, _ := v.(string)
		return fmt.Sprintf("must be empty, AES256, aws:kms or aws:kms:dsse, got %q", s), oneOf(s, "", "AES256", "aws:kms", "aws:kms:dsse")
	})
	validExtractor = check("Wallclock, Record, RecordField", func(v any) (string, bool) {
		s, _ := v.(string)
		return fmt.Sprintf("must be Wallclock, Record or RecordField, got %q", s), oneOf(s, "Wallclock", "Record", "RecordField")
	})
)

// crossValidate checks the rules that tie keys together, with the Confluent S3 sink's
// messages; each key's own values are checked by its validator. It returns errors by key.
func crossValidate(props map[string]string, v values) map[string]error {
	errs := map[string]error{}
	bad := func(key string, format string, args ...any) {
		if _, dup := errs[key]; !dup {
			errs[key] = fmt.Errorf("%w: %s: %s", ErrConfig, key, fmt.Sprintf(format, args...))
		}
	}
	c := buildConfig(props, v)
	if strings.TrimSpace(props["topics"]) != "" && c.TopicsRegex != "" {
		bad("topics", "topics and topics.regex are mutually exclusive")
	}
	if c.StoreHeaders && c.HeadersFormatClass == ByteArrayFormatClass {
		bad("headers.format.class", "ByteArrayFormat cannot write headers; use AvroFormat, JsonFormat or ParquetFormat")
	}
	if c.WANMode && c.PathStyle {
		bad("s3.wan.mode", "s3.wan.mode cannot be used with s3.path.style.access.enabled=true")
	}
	checkCompression(c, bad)
	if c.NullBehavior == "write" && !c.StoreKeys {
		bad("behavior.on.null.values", "write requires store.kafka.keys=true")
	}
	if c.RotateScheduleMs > 0 && c.Timezone == "" {
		bad("rotate.schedule.interval.ms", "timezone configuration must be set when using rotate.schedule.interval.ms")
	}
	layoutErrs := c.Layout.Check()
	for _, k := range slices.Sorted(maps.Keys(layoutErrs)) {
		bad(k, "%s", layoutErrs[k])
	}
	checkNotification(c, bad)
	return errs
}

// checkCompression refuses s3.compression.type for a stored format other than JSON and bytes.
func checkCompression(c *Config, bad func(key, format string, args ...any)) {
	if c.CompressionType == "none" {
		return
	}
	stored := []string{c.FormatClass}
	if c.StoreKeys {
		stored = append(stored, c.KeysFormatClass)
	}
	if c.StoreHeaders {
		stored = append(stored, c.HeadersFormatClass)
	}
	for _, f := range stored {
		if f != format.JSONFormatClass && f != format.ByteArrayFormatClass {
			bad("s3.compression.type", "Compression Type %s not valid for data format class: ( %s ).", c.CompressionType, f)
		}
	}
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

// checkNotification checks s3.notification.*: brokers are required with a topic, and each
// must be host:port.
func checkNotification(c *Config, bad func(key, format string, args ...any)) {
	if c.NotificationTopic == "" {
		return
	}
	if len(c.NotificationServers) == 0 {
		bad("s3.notification.bootstrap.servers", "required when s3.notification.topic is set (host:port list of the brokers of topic %q)", c.NotificationTopic)
		return
	}
	for _, s := range c.NotificationServers {
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
