package workerprops

import (
	"bytes"
	"errors"
	"log/slog"
	"maps"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/connectless/connectless/core/config/provider"
	"github.com/connectless/connectless/core/kafka"
)

func quiet() Options { return Options{Logger: slog.New(slog.DiscardHandler)} }

func TestParseDefaults(t *testing.T) {
	tests := []struct {
		mode  Mode
		check map[string][2]any
	}{
		{Worker, nil},
		{Functions, nil},
	}
	for _, tt := range tests {
		c, err := Parse(map[string]string{}, Options{Mode: tt.mode, Logger: slog.New(slog.DiscardHandler)})
		if err != nil {
			t.Fatal(err)
		}
		want := map[string][2]any{
			"backend":    {c.Backend, map[Mode]string{Worker: BackendBolt, Functions: BackendDynamoDB}[tt.mode]},
			"bolt path":  {c.BoltPath, map[Mode]string{Worker: "connectless.db", Functions: "/tmp/connectless.db"}[tt.mode]},
			"brokers":    {strings.Join(c.Brokers, ","), map[Mode]string{Worker: "localhost:9092", Functions: ""}[tt.mode]},
			"table":      {c.DynamoDBTable, "connectless"},
			"lease":      {c.LeaseTimeout, 30 * time.Second},
			"slice":      {c.SliceLength, 10 * time.Second},
			"budget":     {c.SliceBudget, 14 * time.Minute},
			"margin":     {c.Margin, 5 * time.Second},
			"dispatch":   {c.DispatchConcurrency, 32},
			"shutdown":   {c.ShutdownTimeout, 5 * time.Second},
			"poll":       {c.PollInterval, 500 * time.Millisecond},
			"converter":  {c.ValueConverter, JSONConverter},
			"header":     {c.HeaderConverter, SimpleHeaderConverter},
			"topics":     {c.ConfigTopic + "," + c.OffsetsTopic + "," + c.StatusTopic, "connect-configs,connect-offsets,connect-status"},
			"rf":         {c.ReplicationFactor, 3},
			"partitions": {[2]int{c.OffsetsPartitions, c.StatusPartitions}, [2]int{25, 5}},
			"protocol":   {c.Kafka.Security.Protocol, kafka.Plaintext},
			"policy":     {c.OverridePolicy, kafka.PolicyAll},
			"tracking":   {c.TopicTrackingDisabled || c.TopicResetDisabled, false},
			"client id":  {c.ClientID, "connectless"},
		}
		for name, gw := range want {
			if gw[0] != gw[1] {
				t.Errorf("mode %d: %s = %v, want %v", tt.mode, name, gw[0], gw[1])
			}
		}
	}
}

func TestParseKeys(t *testing.T) {
	c, err := Parse(map[string]string{
		"bootstrap.servers": " b1:9092, b2:9092 ,", "listeners": "http://127.0.0.1:8083,https://:8443",
		KeyTLSCert: "/c.pem", KeyTLSKey: "/k.pem", "rest.advertised.host.name": "w1", "rest.advertised.port": "9000",
		"group.id": "g", "key.converter": "StringConverter", "value.converter.schemas.enable": "false",
		"offset.flush.interval.ms": "2500", "task.lease.timeout.ms": "7000", "task.shutdown.graceful.timeout.ms": "1000",
		"state.backend": "DynamoDB", "state.dynamodb.table": "t", "offset.storage.file.filename": "/var/lib/offsets.db",
		"config.storage.topic": "cfg", "config.storage.replication.factor": "5", "offset.storage.replication.factor": "1",
		"admin.listeners": "", "topic.tracking.enable": "false", "config.providers": "env",
		"security.protocol": "sasl_ssl", "sasl.mechanism": "scram-sha-256",
		"sasl.jaas.config":           `org.apache.kafka.common.security.scram.ScramLoginModule required username="u" password="p\"w";`,
		"producer.sasl.mechanism":    "SCRAM-SHA-512",
		"task.slice.max.ms":          "60000",
		"topic.tracking.allow.reset": "false", "connector.client.config.override.policy": "Principal",
	}, quiet())
	if err != nil {
		t.Fatal(err)
	}
	checks := map[string][2]any{
		"brokers":    {strings.Join(c.Brokers, ","), "b1:9092,b2:9092"},
		"kafka":      {strings.Join(c.Kafka.Brokers, ","), "b1:9092,b2:9092"},
		"listeners":  {len(c.Listeners), 2},
		"https":      {c.Listeners[1].Scheme, "https"},
		"advertised": {c.AdvertisedHost + ":" + c.Listeners[0].Port(), "w1:8083"},
		"port":       {c.AdvertisedPort, 9000},
		"group":      {c.GroupID, "g"},
		"key conv":   {c.KeyConverter, "StringConverter"},
		"value opts": {maps.Equal(c.ValueConverterProps, map[string]string{"schemas.enable": "false"}), true},
		"slice":      {c.SliceLength, 2500 * time.Millisecond},
		"lease":      {c.LeaseTimeout, 7 * time.Second},
		"shutdown":   {c.ShutdownTimeout, time.Second},
		"backend":    {c.Backend, BackendDynamoDB},
		"reason":     {c.BackendReason, ""},
		"table":      {c.DynamoDBTable, "t"},
		"bolt":       {c.BoltPath, "/var/lib/offsets.db"},
		"cfg topic":  {c.ConfigTopic, "cfg"},
		"rf":         {c.ReplicationFactor, 1},
		"admin":      {c.AdminDisabled, true},
		"tracking":   {c.TopicTrackingDisabled, true},
		"reset":      {c.TopicResetDisabled, true},
		"mechanism":  {c.Kafka.Security.Mechanism, kafka.MechanismSCRAMSHA256},
		"user":       {c.Kafka.Security.Username + "/" + c.Kafka.Security.Password, `u/p"w`},
		"producer":   {c.Kafka.Roles[kafka.RoleProducer].Mechanism, kafka.MechanismSCRAMSHA512},
		"budget":     {c.SliceBudget, time.Minute},
		"policy":     {c.OverridePolicy, kafka.PolicyPrincipal},
		"ignored":    {len(c.Ignored), 0},
	}
	for name, gw := range checks {
		if gw[0] != gw[1] {
			t.Errorf("%s = %v, want %v", name, gw[0], gw[1])
		}
	}
}

func TestParseErrorsNameTheKey(t *testing.T) {
	tests := []struct {
		props map[string]string
		key   string
	}{
		{map[string]string{"offset.flush.interval.ms": "soon"}, "offset.flush.interval.ms"},
		{map[string]string{"task.lease.timeout.ms": "-5"}, "task.lease.timeout.ms"},
		{map[string]string{"task.lease.grace.ms": "1000"}, "task.lease.grace.ms: renamed task.lease.timeout.ms"},
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
		{map[string]string{"scheduler.dispatch.concurrency": "0"}, "scheduler.dispatch.concurrency"},
		{map[string]string{"exactly.once.source.support": "enabled"}, "exactly.once.source.support"},
		{map[string]string{"connector.client.config.override.policy": "Some"}, "connector.client.config.override.policy"},
		{map[string]string{"security.protocol": "TLS"}, "security.protocol"},
		{map[string]string{"sasl.mechanism": "OAUTHBEARER"}, "sasl.mechanism"},
		{map[string]string{"security.protocol": "SASL_SSL", "sasl.mechanism": "PLAIN", "sasl.jaas.config": `org.apache.kafka.common.security.plain.PlainLoginModule required username="u";`}, "sasl.jaas.config"},
		{map[string]string{"consumer.ssl.truststore.type": "JKS"}, "consumer.ssl.truststore.type"},
	}
	for _, tc := range tests {
		_, err := Parse(tc.props, quiet())
		if !errors.Is(err, ErrConfig) && !errors.Is(err, kafka.ErrConfig) {
			t.Errorf("%v: err = %v, want ErrConfig", tc.props, err)
			continue
		}
		if !strings.Contains(err.Error(), tc.key) {
			t.Errorf("%v: error %q does not name %s", tc.props, err, tc.key)
		}
	}
}

// TestUnknownKeysWarnOnce: unknown keys and Kafka keys without effect are logged once each,
// naming the key, and do not stop the start (Kafka's AbstractConfig.logUnused warns "The
// configuration '<key>' was supplied but isn't a known config.").
func TestUnknownKeysWarnOnce(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(slog.NewTextHandler(&buf, nil))
	c, err := Parse(map[string]string{"no.such.key": "1", "plugin.path": "/usr/share/java", "consumer.max.poll.records": "10",
		"log4j.root.loglevel": "INFO", "task.function.name": "fn", "producer.security.protocol": "PLAINTEXT"}, Options{Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"consumer.max.poll.records", "log4j.root.loglevel", "no.such.key", "plugin.path"}
	if strings.Join(c.Ignored, ",") != strings.Join(want, ",") {
		t.Errorf("ignored = %v, want %v", c.Ignored, want)
	}
	out := buf.String()
	for _, k := range want {
		if n := strings.Count(out, "key="+k); n != 1 {
			t.Errorf("%s logged %d times, want once:\n%s", k, n, out)
		}
	}
	if !strings.Contains(out, "connectors are compiled into the binary") || !strings.Contains(out, "unknown worker property") {
		t.Errorf("log does not say why:\n%s", out)
	}
	if strings.Contains(out, "task.function.name") || strings.Contains(out, "producer.security.protocol") {
		t.Errorf("a known key was warned about:\n%s", out)
	}
}

// TestKafkaDistributedProperties reads Kafka's own config/connect-distributed.properties
// (apache/kafka, config/connect-distributed.properties, kept unchanged in testdata): no
// state.backend, so group.id with config.storage.topic selects the kafka backend, and the
// choice is logged with its reason.
func TestKafkaDistributedProperties(t *testing.T) {
	f, err := os.Open("testdata/connect-distributed.properties")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	props, err := provider.ParseProperties(f)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	c, err := Parse(props, Options{Logger: slog.New(slog.NewTextHandler(&buf, nil))})
	if err != nil {
		t.Fatal(err)
	}
	if c.Backend != BackendKafka || c.GroupID != "connect-cluster" || c.OffsetsTopic != "connect-offsets" ||
		c.ReplicationFactor != 1 || c.SliceLength != 10*time.Second || c.ValueConverterProps["schemas.enable"] != "true" {
		t.Errorf("parsed backend %s group %s offsets %s rf %d slice %v", c.Backend, c.GroupID, c.OffsetsTopic, c.ReplicationFactor, c.SliceLength)
	}
	if !strings.Contains(buf.String(), "state_backend=kafka") || !strings.Contains(buf.String(), "connect-distributed.properties") {
		t.Errorf("backend choice not logged with its reason:\n%s", buf.String())
	}
	if len(c.Ignored) != 0 {
		t.Errorf("Kafka's file has keys warned about: %v", c.Ignored)
	}
	delete(props, "group.id")
	if c, _ := Parse(props, quiet()); c.Backend != BackendBolt {
		t.Errorf("without group.id: backend %s, want bolt", c.Backend)
	}
}

func TestEnvNames(t *testing.T) {
	env := FromEnv([]string{"CONNECT_BOOTSTRAP_SERVERS=b:9092", "CONNECT_A__B___C=x", "HOME=/root", "CONNECT_=y",
		"CONNECT_PRODUCER_SASL_JAAS_CONFIG=j"})
	want := map[string]string{"bootstrap.servers": "b:9092", "a-b_c": "x", "producer.sasl.jaas.config": "j"}
	if !maps.Equal(env, want) {
		t.Errorf("FromEnv = %v, want %v", env, want)
	}
	for _, k := range Keys {
		if got := PropertyName(EnvName(k.Name)); got != k.Name {
			t.Errorf("%s -> %s -> %s", k.Name, EnvName(k.Name), got)
		}
	}
	if m := Merge(map[string]string{"a": "1", "b": "1"}, map[string]string{"b": "2"}); !maps.Equal(m, map[string]string{"a": "1", "b": "2"}) {
		t.Errorf("Merge = %v", m)
	}
}
