package main

import (
	"context"
	"strings"
	"testing"

	"github.com/connectless/connectless/core/connect"
	"github.com/connectless/connectless/core/store"
)

// fixture is a server with three connectors: a running file source with offsets, a file
// sink with offsets, and an HTTP sink whose task failed, with a password in its config.
func fixture(t *testing.T) *server {
	t.Helper()
	s := startServer(t, nil)
	ctx := context.Background()
	s.create(t, "file-source", "connector.class", "FileStreamSource", "file", "/data/in.txt", "topic", "lines", "tasks.max", "1")
	s.runTasks(t, "file-source", store.StateRunning, "")
	if err := s.Store.AlterSourceOffsets(ctx, "file-source", []store.SourceOffset{
		{Partition: map[string]any{"filename": "/data/in.txt"}, Offset: map[string]any{"position": int64(30)}}}); err != nil {
		t.Fatal(err)
	}
	s.create(t, "lines-to-file", "connector.class", "org.apache.kafka.connect.file.FileStreamSinkConnector", "file", "/data/out.txt", "topics", "lines", "tasks.max", "2")
	s.runTasks(t, "lines-to-file", store.StateRunning, "")
	if err := s.Store.AlterSinkOffsets(ctx, "lines-to-file", map[connect.TopicPartition]int64{{Topic: "lines", Partition: 0}: 42, {Topic: "lines", Partition: 1}: 7}); err != nil {
		t.Fatal(err)
	}
	s.create(t, "webhook", "connector.class", "HttpSinkConnector", "http.api.url", "https://hooks.example.com/in", "topics", "orders",
		"connection.user", "svc", "connection.password", "s3cret", "bearer.token", "${env:HOOK_TOKEN}")
	s.runTasks(t, "webhook", store.StateFailed, "connect.RetriableError: POST https://hooks.example.com/in: 503 Service Unavailable\n\tafter 5 attempts")
	return s
}

func TestGoldenOutputs(t *testing.T) {
	s := fixture(t)
	cli := newCLI(t, s.URL)
	cases := []struct {
		golden string
		args   []string
	}{
		{"get-connectors.table", []string{"get", "connectors"}},
		{"get-connectors.json", []string{"get", "connectors", "-o", "json"}},
		{"get-connectors.yaml", []string{"get", "connectors", "-o", "yaml"}},
		{"get-plugins.table", []string{"get", "plugins"}},
		{"get-plugins.json", []string{"get", "plugins", "-o", "json"}},
		{"get-tasks.table", []string{"get", "tasks", "webhook"}},
		{"get-tasks.json", []string{"get", "tasks", "webhook", "-o", "json"}},
		{"get-tasks.yaml", []string{"get", "tasks", "webhook", "-o", "yaml"}},
		{"get-offsets-sink.table", []string{"get", "offsets", "lines-to-file"}},
		{"get-offsets-sink.json", []string{"get", "offsets", "lines-to-file", "-o", "json"}},
		{"get-offsets-sink.yaml", []string{"get", "offsets", "lines-to-file", "-o", "yaml"}},
		{"get-offsets-source.table", []string{"offsets", "get", "file-source"}},
		{"describe-webhook.table", []string{"describe", "connector", "webhook"}},
		{"describe-webhook.json", []string{"describe", "connector", "webhook", "-o", "json"}},
		{"describe-webhook.yaml", []string{"describe", "connector", "webhook", "-o", "yaml"}},
		{"describe-file-source.table", []string{"describe", "connector", "file-source"}},
		{"loggers.table", []string{"loggers"}},
		{"loggers.json", []string{"loggers", "-o", "json"}},
		{"global-output-flag.json", []string{"-o", "json", "get", "connectors"}},
	}
	for _, tc := range cases {
		t.Run(tc.golden, func(t *testing.T) {
			r := cli.ok(tc.args...)
			if r.stderr != "" {
				t.Errorf("stderr: %q", r.stderr)
			}
			golden(t, tc.golden, r.stdout)
		})
	}
}

func TestDescribeHidesSecrets(t *testing.T) {
	s := fixture(t)
	cli := newCLI(t, s.URL)
	for _, format := range []string{"table", "json", "yaml"} {
		r := cli.ok("describe", "connector", "webhook", "-o", format)
		if strings.Contains(r.stdout, "s3cret") {
			t.Errorf("-o %s shows the password:\n%s", format, r.stdout)
		}
		if !strings.Contains(r.stdout, "[hidden]") {
			t.Errorf("-o %s: no [hidden] value:\n%s", format, r.stdout)
		}
		if !strings.Contains(r.stdout, "${env:HOOK_TOKEN}") {
			t.Errorf("-o %s: the config-provider reference is not shown as written:\n%s", format, r.stdout)
		}
	}
}

// TestDescribeConverters shows each connector's converters and, for Schema Registry
// converters, the subjects computed from the config: TopicNameStrategy's <topic>-value per
// topic of a sink, TopicRecordNameStrategy's <topic>-<record name>, and placeholders where
// only records tell (a source's topic, the record name).
func TestDescribeConverters(t *testing.T) {
	s := startServer(t, nil)
	s.create(t, "orders-lake", "connector.class", "org.apache.kafka.connect.file.FileStreamSinkConnector", "file", "/data/out.txt",
		"topics", "orders, returns", "key.converter", "org.apache.kafka.connect.storage.StringConverter",
		"value.converter", "io.confluent.connect.avro.AvroConverter", "value.converter.schema.registry.url", "http://registry:8081")
	s.create(t, "events-in", "connector.class", "FileStreamSource", "file", "/data/in.txt", "topic", "events",
		"key.converter", "AvroConverter", "key.converter.schema.registry.url", "http://registry:8081",
		"key.converter.key.subject.name.strategy", "io.confluent.kafka.serializers.subject.TopicRecordNameStrategy",
		"value.converter", "ProtobufConverter", "value.converter.schema.registry.url", "http://registry:8081",
		"value.converter.value.subject.name.strategy", "io.confluent.kafka.serializers.subject.RecordNameStrategy")
	cli := newCLI(t, s.URL)
	for _, tc := range []struct{ golden, name, format string }{
		{"describe-avro-sink.table", "orders-lake", "table"},
		{"describe-avro-sink.json", "orders-lake", "json"},
		{"describe-registry-source.table", "events-in", "table"},
	} {
		t.Run(tc.golden, func(t *testing.T) {
			golden(t, tc.golden, cli.ok("describe", "connector", tc.name, "-o", tc.format).stdout)
		})
	}
	// The subject of the sink's first topic, as Confluent's TopicNameStrategy names it
	// (Schema Registry docs, "Subject name strategy": <topic>-value).
	if out := cli.ok("describe", "connector", "orders-lake").stdout; !strings.Contains(out, "orders-value, returns-value") {
		t.Errorf("describe shows no orders-value subject:\n%s", out)
	}
}
