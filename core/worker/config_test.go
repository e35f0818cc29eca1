package worker

import (
	"errors"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestParseDefaults(t *testing.T) {
	c, err := Parse(map[string]string{})
	if err != nil {
		t.Fatal(err)
	}
	checks := []struct {
		name      string
		got, want any
	}{
		{"brokers", strings.Join(c.Brokers, ","), "localhost:9092"},
		{"listeners", c.Listeners[0].String(), "http://:8083"},
		{"backend", c.Backend, BackendBolt},
		{"bolt path", c.BoltPath, "connectless.db"},
		{"table", c.DynamoDBTable, "connectless"},
		{"slice", c.SliceLength, 10 * time.Second},
		{"lease", c.LeaseTimeout, 30 * time.Second},
		{"shutdown", c.ShutdownTimeout, 5 * time.Second},
		{"value converter", c.ValueConverter, "org.apache.kafka.connect.json.JsonConverter"},
		{"topics", c.ConfigTopic + "," + c.OffsetsTopic + "," + c.StatusTopic, "connect-configs,connect-offsets,connect-status"},
		{"admin", c.AdminDisabled, false},
	}
	for _, ch := range checks {
		if ch.got != ch.want {
			t.Errorf("%s = %v, want %v", ch.name, ch.got, ch.want)
		}
	}
}

func TestParseKeys(t *testing.T) {
	c, err := Parse(map[string]string{
		"bootstrap.servers":                 "b1:9092, b2:9092",
		"listeners":                         "http://127.0.0.1:8083,https://:8443",
		KeyTLSCert:                          "/c.pem",
		KeyTLSKey:                           "/k.pem",
		"rest.advertised.host.name":         "w1",
		"rest.advertised.port":              "9000",
		"group.id":                          "g",
		"key.converter":                     "StringConverter",
		"value.converter.schemas.enable":    "false",
		"offset.flush.interval.ms":          "2500",
		"task.lease.timeout.ms":             "7000",
		"task.shutdown.graceful.timeout.ms": "1000",
		"state.backend":                     "DynamoDB",
		"state.dynamodb.table":              "t",
		"offset.storage.file.filename":      "/var/lib/offsets.db",
		"config.storage.topic":              "cfg",
		"offset.storage.replication.factor": "1",
		"admin.listeners":                   "",
		"topic.tracking.enable":             "false",
		"plugin.path":                       "/usr/share/java",
		"consumer.max.poll.records":         "10",
		"config.providers":                  "env",
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(c.Brokers, ","); got != "b1:9092,b2:9092" {
		t.Errorf("brokers = %q", got)
	}
	if len(c.Listeners) != 2 || c.Listeners[1].Scheme != "https" {
		t.Errorf("listeners = %v", c.Listeners)
	}
	if c.AdvertisedHost != "w1" || c.AdvertisedPort != 9000 || c.GroupID != "g" {
		t.Errorf("advertised = %s:%d group %s", c.AdvertisedHost, c.AdvertisedPort, c.GroupID)
	}
	if c.KeyConverter != "StringConverter" || !maps.Equal(c.ValueConverterProps, map[string]string{"schemas.enable": "false"}) {
		t.Errorf("converters = %s %v", c.KeyConverter, c.ValueConverterProps)
	}
	if c.SliceLength != 2500*time.Millisecond || c.LeaseTimeout != 7*time.Second || c.ShutdownTimeout != time.Second {
		t.Errorf("durations = %v %v %v", c.SliceLength, c.LeaseTimeout, c.ShutdownTimeout)
	}
	if c.Backend != BackendDynamoDB || c.DynamoDBTable != "t" || c.BoltPath != "/var/lib/offsets.db" {
		t.Errorf("state = %s %s %s", c.Backend, c.DynamoDBTable, c.BoltPath)
	}
	if c.ConfigTopic != "cfg" || c.ReplicationFactor != 1 || !c.AdminDisabled || !c.TopicTrackingDisabled {
		t.Errorf("topics = %s rf %d admin %v tracking %v", c.ConfigTopic, c.ReplicationFactor, c.AdminDisabled, c.TopicTrackingDisabled)
	}
}

func TestParseErrorsNameTheKey(t *testing.T) {
	tests := []struct {
		props map[string]string
		key   string
	}{
		{map[string]string{"no.such.key": "1"}, "no.such.key"},
		{map[string]string{"offset.flush.interval.ms": "soon"}, "offset.flush.interval.ms"},
		{map[string]string{"task.lease.timeout.ms": "-5"}, "task.lease.timeout.ms"},
		{map[string]string{"state.backend": "postgres"}, "state.backend"},
		{map[string]string{"state.dynamodb.table": " "}, "state.dynamodb.table"},
		{map[string]string{"listeners": "ftp://:21"}, "listeners"},
		{map[string]string{"listeners": "http://nohost"}, "listeners"},
		{map[string]string{"listeners": ""}, "listeners"},
		{map[string]string{"listeners": "https://:8443"}, "listeners"},
		{map[string]string{"rest.advertised.port": "80000"}, "rest.advertised.port"},
		{map[string]string{"topic.tracking.enable": "maybe"}, "topic.tracking.enable"},
		{map[string]string{"bootstrap.servers": " , "}, "bootstrap.servers"},
		{map[string]string{"status.storage.replication.factor": "0"}, "status.storage.replication.factor"},
	}
	for _, tc := range tests {
		_, err := Parse(tc.props)
		if !errors.Is(err, ErrConfig) {
			t.Errorf("%v: err = %v, want ErrConfig", tc.props, err)
			continue
		}
		if !strings.Contains(err.Error(), tc.key) {
			t.Errorf("%v: error %q does not name %s", tc.props, err, tc.key)
		}
	}
	// Every bad key is reported at once.
	_, err := Parse(map[string]string{"a.b": "1", "c.d": "2"})
	if err == nil || !strings.Contains(err.Error(), "a.b") || !strings.Contains(err.Error(), "c.d") {
		t.Errorf("two unknown keys: %v", err)
	}
}

func TestEnvironmentOverridesFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "worker.properties")
	if err := os.WriteFile(path, []byte("# worker\nbootstrap.servers=file:9092\nstate.backend = bolt\nlisteners: http://:8083\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	file, err := LoadProperties(path)
	if err != nil {
		t.Fatal(err)
	}
	props := Merge(file, FromEnv([]string{"CONNECT_BOOTSTRAP_SERVERS=env:9092", "CONNECT_STATE_BOLT_PATH=/tmp/x.db", "HOME=/root",
		"CONNECT_LOG4J_ROOT_LOGLEVEL=INFO"}))
	want := map[string]string{"bootstrap.servers": "env:9092", "state.backend": "bolt", "listeners": "http://:8083", "state.bolt.path": "/tmp/x.db",
		"log4j.root.loglevel": "INFO"}
	if !maps.Equal(props, want) {
		t.Errorf("merged = %v, want %v", props, want)
	}
	c, err := Parse(props)
	if err != nil {
		t.Fatalf("Confluent-style environment refused: %v", err)
	}
	if strings.Join(c.Brokers, ",") != "env:9092" || c.BoltPath != "/tmp/x.db" {
		t.Errorf("parsed = %v %s", c.Brokers, c.BoltPath)
	}
	if _, err := LoadProperties(filepath.Join(dir, "missing.properties")); err == nil {
		t.Error("missing file accepted")
	}
}
