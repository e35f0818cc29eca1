package s3sink

import (
	"context"
	"errors"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/connectless/connectless/core/connect"
)

func baseProps(extra map[string]string) map[string]string {
	p := map[string]string{
		"connector.class": ConnectorClass, "topics": "app-logs", "storage.class": StorageClass,
		"format.class": JSONFormatClass, "flush.size": "1000", "s3.bucket.name": "logs",
	}
	for k, v := range extra {
		if v == "\x00delete" {
			delete(p, k)
			continue
		}
		p[k] = v
	}
	return p
}

func TestParseConfigDefaults(t *testing.T) {
	c, err := ParseConfig(baseProps(map[string]string{"flush.size": " 5 ", "s3.path.style.access.enabled": "FALSE"}))
	if err != nil {
		t.Fatal(err)
	}
	checks := []struct {
		name      string
		got, want any
	}{
		{"flush.size trimmed", c.FlushSize, int32(5)},
		{"topics.dir", c.TopicsDir, "topics"},
		{"s3.region unset: the client resolves it", c.Region, ""},
		{"s3.part.size", c.PartSize, int32(26214400)},
		{"path style case-insensitive", c.PathStyle, false},
		{"zero pad", c.ZeroPadWidth, int32(10)},
		{"partitioner", c.PartitionerClass, DefaultPartitionerClass},
		{"null behavior", c.NullBehavior, "fail"},
		{"separator", c.ByteArraySeparator, "\n"},
		{"parquet codec", c.ParquetCodec, "snappy"},
		{"avro codec", c.AvroCodec, "null"},
		{"extractor", c.TimestampExtractor, "Wallclock"},
		{"keys format", c.KeysFormatClass, AvroFormatClass},
		{"flush on slice end", c.FlushOnSliceEnd, true},
		{"manifest off", c.ManifestEnabled, false},
		{"notifications off", c.NotificationTopic, ""},
		{"no notification brokers", len(c.NotificationServers), 0},
	}
	for _, ch := range checks {
		if ch.got != ch.want {
			t.Errorf("%s = %v, want %v", ch.name, ch.got, ch.want)
		}
	}
	h, err := ParseConfig(baseProps(map[string]string{"partitioner.class": HourlyPartitionerClass, "locale": "en", "timezone": "UTC", "directory.delim": "_"}))
	if err != nil {
		t.Fatal(err)
	}
	if h.PathFormat != "'year'=YYYY_'month'=MM_'day'=dd_'hour'=HH" || h.PartitionDurationMs != 3600000 {
		t.Errorf("hourly path %q duration %d", h.PathFormat, h.PartitionDurationMs)
	}
}

func TestParseConfigErrors(t *testing.T) {
	tests := []struct {
		name  string
		props map[string]string
		want  string
	}{
		{"missing flush.size", map[string]string{"flush.size": "\x00delete"}, `Missing required configuration "flush.size" which has no default value.`},
		{"missing bucket", map[string]string{"s3.bucket.name": "\x00delete"}, `"s3.bucket.name"`},
		{"bad boolean", map[string]string{"store.kafka.keys": "yes"}, "Expected value to be either true or false"},
		{"bad int", map[string]string{"flush.size": "1_000"}, "Not a number of type INT"},
		{"storage class", map[string]string{"storage.class": "x.Storage"}, "must be io.confluent.connect.s3.storage.S3Storage"},
		{"gzip with avro", map[string]string{"format.class": AvroFormatClass, "s3.compression.type": "gzip"}, "Compression Type gzip not valid for data format class: ( io.confluent.connect.s3.format.avro.AvroFormat )."},
		{"gzip with avro keys", map[string]string{"s3.compression.type": "gzip", "store.kafka.keys": "true"}, "Compression Type gzip not valid"},
		{"write needs keys", map[string]string{"behavior.on.null.values": "write"}, "write requires store.kafka.keys=true"},
		{"wan with path style", map[string]string{"s3.wan.mode": "true"}, "s3.wan.mode cannot be used with s3.path.style.access.enabled=true"},
		{"field partitioner no fields", map[string]string{"partitioner.class": FieldPartitionerClass}, "partition.field.name must be set"},
		{"field empty segment", map[string]string{"partitioner.class": FieldPartitionerClass, "partition.field.name": "a..b"}, "without empty segments"},
		{"time no locale", map[string]string{"partitioner.class": DailyPartitionerClass, "timezone": "UTC"}, "Locale cannot be empty."},
		{"time no timezone", map[string]string{"partitioner.class": HourlyPartitionerClass, "locale": "en"}, "Timezone cannot be empty."},
		{"bad timezone", map[string]string{"partitioner.class": HourlyPartitionerClass, "locale": "en", "timezone": "Mars/Olympus"}, "is not recognised"},
		{"empty path format", map[string]string{"partitioner.class": TimeBasedPartitionerClass, "locale": "en", "timezone": "UTC", "partition.duration.ms": "1000", "path.format": "/"}, "Path format cannot be empty."},
		{"negative duration", map[string]string{"partitioner.class": TimeBasedPartitionerClass, "locale": "en", "timezone": "UTC", "path.format": "YYYY"}, "Partition duration needs to be a positive."},
		{"schedule needs timezone", map[string]string{"rotate.schedule.interval.ms": "60000"}, "timezone configuration must be set when using rotate.schedule.interval.ms"},
		{"part size", map[string]string{"s3.part.size": "1024"}, "at least 5242880"},
		{"zero pad 0", map[string]string{"filename.offset.zero.pad.width": "0"}, "at least 1"},
		{"bzip2", map[string]string{"avro.codec": "bzip2"}, "bzip2 is not supported"},
		{"compression type", map[string]string{"s3.compression.type": "lz4"}, "must be one of none, gzip, zstd"},
		{"null behavior", map[string]string{"behavior.on.null.values": "drop"}, "must be one of ignore, fail, write"},
		{"extractor", map[string]string{"timestamp.extractor": "Kafka"}, "must be Wallclock, Record or RecordField"},
		{"headers as bytes", map[string]string{"store.kafka.headers": "true", "headers.format.class": ByteArrayFormatClass}, "ByteArrayFormat cannot write headers"},
		{"topics and regex", map[string]string{"topics.regex": "app-.*"}, "mutually exclusive"},
		{"notification without brokers", map[string]string{"s3.notification.topic": "s3-objects"}, `s3.notification.bootstrap.servers: required when s3.notification.topic is set (host:port list of the brokers of topic "s3-objects")`},
		{"notification blank brokers", map[string]string{"s3.notification.topic": "s3-objects", "s3.notification.bootstrap.servers": " , "}, "s3.notification.bootstrap.servers: required when s3.notification.topic is set"},
		{"notification broker without port", map[string]string{"s3.notification.topic": "s3-objects", "s3.notification.bootstrap.servers": "kafka-1:9092,kafka-2"}, `s3.notification.bootstrap.servers: "kafka-2" is not host:port`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseConfig(baseProps(tt.props))
			if !errors.Is(err, ErrConfig) {
				t.Fatalf("err = %v, want ErrConfig", err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want it to contain %q", err, tt.want)
			}
		})
	}
}

func TestValidateAddsErrorsPerKey(t *testing.T) {
	res := &connect.ConfigInfos{Configs: []connect.ConfigInfo{{Value: &connect.ConfigValueInfo{Name: "behavior.on.null.values"}}}}
	err := (&Connector{}).Validate(context.Background(), baseProps(map[string]string{"behavior.on.null.values": "write", "s3.compression.type": "gzip", "format.class": ParquetFormatClass}), res)
	if err != nil {
		t.Fatal(err)
	}
	if res.ErrorCount != 2 {
		t.Errorf("error count %d, want 2: %+v", res.ErrorCount, res.Configs)
	}
	if errs := res.Configs[0].Value.Errors; len(errs) != 1 || !strings.Contains(errs[0], "store.kafka.keys") {
		t.Errorf("behavior.on.null.values errors %v", errs)
	}
}

func TestParseConfigNotification(t *testing.T) {
	tests := []struct {
		props   map[string]string
		topic   string
		servers []string
	}{
		{map[string]string{"s3.notification.bootstrap.servers": "kafka-1:9092"}, "", []string{"kafka-1:9092"}},
		{map[string]string{"s3.notification.topic": " s3-objects ", "s3.notification.bootstrap.servers": "kafka-1:9092, [::1]:9093"}, "s3-objects", []string{"kafka-1:9092", "[::1]:9093"}},
	}
	for _, tt := range tests {
		c, err := ParseConfig(baseProps(tt.props))
		if err != nil {
			t.Fatalf("%v: %v", tt.props, err)
		}
		if c.NotificationTopic != tt.topic || !slices.Equal(c.NotificationServers, tt.servers) {
			t.Errorf("%v: topic %q servers %q, want %q %q", tt.props, c.NotificationTopic, c.NotificationServers, tt.topic, tt.servers)
		}
	}
}

func TestValidateNotificationBrokers(t *testing.T) {
	res := &connect.ConfigInfos{Configs: []connect.ConfigInfo{
		{Value: &connect.ConfigValueInfo{Name: "s3.notification.topic"}},
		{Value: &connect.ConfigValueInfo{Name: "s3.notification.bootstrap.servers"}},
	}}
	err := (&Connector{}).Validate(context.Background(), baseProps(map[string]string{"s3.notification.topic": "s3-objects"}), res)
	if err != nil {
		t.Fatal(err)
	}
	if res.ErrorCount != 1 || len(res.Configs[0].Value.Errors) != 0 {
		t.Fatalf("error count %d, want 1 on the brokers key: %+v", res.ErrorCount, res.Configs)
	}
	want := `s3.notification.bootstrap.servers: required when s3.notification.topic is set (host:port list of the brokers of topic "s3-objects")`
	if errs := res.Configs[1].Value.Errors; len(errs) != 1 || errs[0] != want {
		t.Errorf("s3.notification.bootstrap.servers errors %q, want [%q]", errs, want)
	}
}

func TestPluginNames(t *testing.T) {
	names := Plugin.Names()
	for _, want := range []string{ConnectorClass, "S3SinkConnector", "S3Sink"} {
		found := false
		for _, n := range names {
			found = found || n == want
		}
		if !found {
			t.Errorf("plugin names %v lack %q", names, want)
		}
	}
	if _, ok := Plugin.New().(connect.SinkConnector); !ok {
		t.Error("plugin does not build a SinkConnector")
	}
}

func TestObjectKey(t *testing.T) {
	c, _ := ParseConfig(baseProps(nil))
	tests := []struct {
		mod  func(*Config)
		off  int64
		want string
	}{
		{nil, 1200, "topics/app-logs/partition=3/app-logs+3+0000001200.json.gz"},
		{func(c *Config) { c.TopicsDir = " " }, 7, "app-logs/partition=3/app-logs+3+0000000007.json.gz"},
		{func(c *Config) { c.ZeroPadWidth = 3 }, 12345, "topics/app-logs/partition=3/app-logs+3+12345.json.gz"},
		{func(c *Config) { c.FileDelim, c.DirectoryDelim, c.TopicsDir = "_", "|", "t/" }, 1, "t/|app-logs|partition=3|app-logs_3_0000000001.json.gz"},
	}
	for _, tt := range tests {
		cc := *c
		if tt.mod != nil {
			tt.mod(&cc)
		}
		if got := cc.ObjectKey("app-logs", 3, "partition=3", tt.off, ".json.gz"); got != tt.want {
			t.Errorf("key = %s, want %s", got, tt.want)
		}
	}
}

func TestClientEndpoint(t *testing.T) {
	t.Setenv("AWS_REGION", "")
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(t.TempDir(), "none"))
	tests := []struct {
		props     map[string]string
		endpoint  string
		pathStyle bool
	}{
		{map[string]string{"store.url": "http://127.0.0.1:7070", "s3.path.style.access.enabled": "false"}, "http://127.0.0.1:7070", false},
		{nil, "", true},
	}
	for _, tt := range tests {
		c, err := ParseConfig(baseProps(tt.props))
		if err != nil {
			t.Fatal(err)
		}
		cl, err := newClient(context.Background(), c)
		if err != nil {
			t.Fatal(err)
		}
		o := cl.Options()
		got := ""
		if o.BaseEndpoint != nil && tt.props["store.url"] != "" {
			got = *o.BaseEndpoint
		}
		if got != tt.endpoint || o.UsePathStyle != tt.pathStyle || o.Region != "us-west-2" {
			t.Errorf("%v: endpoint %q path style %v region %s, want %q %v us-west-2", tt.props, got, o.UsePathStyle, o.Region, tt.endpoint, tt.pathStyle)
		}
	}
}

// TestKeysAcceptedOnlyWhereImplemented checks that keys Confluent defines but this sink does
// not implement refuse every value but the one whose behaviour the sink has, with a message
// saying why, instead of being ignored.
func TestKeysAcceptedOnlyWhereImplemented(t *testing.T) {
	refused := []struct {
		key, value, want string
	}{
		{"s3.sse.customer.key", "c2VjcmV0LWtleS0zMi1ieXRlcy1sb25nLi4uLi4uLi4=", "SSE-C (customer-provided keys) is not implemented"},
		{"s3.proxy.url", "http://proxy:3128", "set HTTPS_PROXY"},
		{"s3.proxy.user", "alice", "set HTTPS_PROXY"},
		{"s3.proxy.password", "secret", "set HTTPS_PROXY"},
		{"s3.credentials.provider.class", "com.example.MyProvider", "default credential chain"},
		{"s3.send.digest", "true", "Content-MD5 digests are not implemented"},
		{"enable.conditional.writes", "false", "If-None-Match"},
		{"max.write.duration.ms", "60000", "not implemented"},
		{"retry.backoff.ms", "1000", "s3.retry.backoff.ms"},
		{"allow.optional.map.keys", "true", "not implemented"},
	}
	for _, tt := range refused {
		t.Run(tt.key, func(t *testing.T) {
			_, err := ParseConfig(baseProps(map[string]string{tt.key: tt.value}))
			if !errors.Is(err, ErrConfig) || !strings.Contains(err.Error(), tt.key) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want ErrConfig naming %s and saying %q", err, tt.key, tt.want)
			}
			if strings.Contains(tt.key, "password") || strings.Contains(tt.key, "customer.key") {
				if strings.Contains(err.Error(), tt.value) {
					t.Errorf("error shows the secret: %v", err)
				}
			}
			res := &connect.ConfigInfos{}
			if err := (&Connector{}).Validate(context.Background(), baseProps(map[string]string{tt.key: tt.value}), res); err != nil {
				t.Fatal(err)
			}
			if res.ErrorCount == 0 {
				t.Errorf("Validate reports no error for %s=%s", tt.key, tt.value)
			}
		})
	}
	// The values whose behaviour the sink has are accepted, as are the keys without effect.
	accepted := map[string]string{
		"enable.conditional.writes": "true", "s3.send.digest": "false", "s3.proxy.url": "",
		"s3.credentials.provider.class": "software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider",
		"schema.compatibility":          "NONE", "retry.backoff.ms": "5000", "s3.elastic.buffer.enable": "true",
		"shutdown.timeout.ms": "10000", "schemas.cache.config": "10",
	}
	if _, err := ParseConfig(baseProps(accepted)); err != nil {
		t.Fatalf("accepted values refused: %v", err)
	}
}

// TestExpectContinue checks s3.http.send.expect.continue reaches the S3 client: the SDK sends
// Expect: 100-continue above a threshold, and never with a negative one.
func TestExpectContinue(t *testing.T) {
	for _, tt := range []struct {
		value    string
		disabled bool
	}{{"true", false}, {"false", true}} {
		c, err := ParseConfig(baseProps(map[string]string{"s3.http.send.expect.continue": tt.value, "store.url": "http://127.0.0.1:1", "aws.access.key.id": "a", "aws.secret.access.key": "b"}))
		if err != nil {
			t.Fatal(err)
		}
		client, err := newClient(context.Background(), c)
		if err != nil {
			t.Fatal(err)
		}
		if got := client.Options().ContinueHeaderThresholdBytes < 0; got != tt.disabled {
			t.Errorf("expect.continue=%s: threshold %d", tt.value, client.Options().ContinueHeaderThresholdBytes)
		}
	}
}
