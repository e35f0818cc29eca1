package kafkatopic

import (
	"bytes"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/connectless/connectless/core/store"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// golden compares got with testdata/name, or writes it there under -update. A missing file
// stands for a nil value (a tombstone).
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if got == nil {
			_ = os.Remove(path)
			return
		}
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) && got == nil {
		return
	}
	if err != nil {
		t.Fatalf("read golden %s (run with -update to create it): %v", path, err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("%s:\n got %q\nwant %q", name, got, want)
	}
}

func mustBytes(t *testing.T) func([]byte, error) []byte {
	return func(b []byte, err error) []byte {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
}

// TestRecordGolden pins the key and value bytes of every record type: testdata/records/<name>.key
// and .value (no .value file for a tombstone).
func TestRecordGolden(t *testing.T) {
	b := mustBytes(t)
	const c = "my-connector"
	cfg := map[string]string{"connector.class": "FileStreamSource", "file": "/tmp/in.txt", "name": c,
		"tasks.max": "1", "topic": "connect-test"}
	task := map[string]string{"file": "/tmp/in.txt", "task.class": "org.apache.kafka.connect.file.FileStreamSourceTask",
		"topic": "connect-test", "batch.size": "2000"}
	trace := "org.apache.kafka.connect.errors.ConnectException: boom <&>\n\tat x.y(Z.java:1)"
	cases := []struct {
		name       string
		key, value []byte
	}{
		{"connector-config", []byte(ConnectorKey(c)), b(EncodeConnectorConfig(cfg))},
		{"connector-tombstone", []byte(ConnectorKey(c)), nil},
		{"target-state-started", []byte(TargetStateKey(c)), b(EncodeTargetState(store.TargetRunning))},
		{"target-state-paused", []byte(TargetStateKey(c)), b(EncodeTargetState(store.TargetPaused))},
		{"target-state-stopped", []byte(TargetStateKey(c)), b(EncodeTargetState(store.TargetStopped))},
		{"task-config", []byte(TaskKey(c, 0)), b(EncodeConnectorConfig(task))},
		{"commit", []byte(CommitKey(c)), b(EncodeCommit(1))},
		{"commit-stopped", []byte(CommitKey(c)), b(EncodeCommit(0))},
		{"offset", b(EncodeOffsetKey(c, map[string]any{"filename": "/tmp/in.txt"})), b(EncodeOffsetValue(map[string]any{"position": 42}))},
		{"offset-tombstone", b(EncodeOffsetKey(c, map[string]any{"filename": "/tmp/in.txt"})), nil},
		{"offset-multi-field", b(EncodeOffsetKey(c, map[string]any{"table": "t1", "db": "x"})),
			b(EncodeOffsetValue(map[string]any{"ts": int64(1700000000000), "id": "k9", "ratio": 0.5, "done": false, "note": nil}))},
		{"connector-status", []byte(ConnectorStatusKey(c)), b(EncodeStatus(store.Status{State: store.StateRunning, WorkerID: "10.0.0.5:8083", Generation: 7}))},
		{"task-status-failed", []byte(TaskStatusKey(c, 0)), b(EncodeStatus(store.Status{State: store.StateFailed, WorkerID: "10.0.0.5:8083", Generation: 7, Trace: trace}))},
		{"task-status-destroyed", []byte(TaskStatusKey(c, 0)), nil},
		{"topic-status", []byte(TopicStatusKey("connect-test", c)), b(EncodeTopicStatus(store.TopicStatus{Topic: "connect-test",
			Connector: c, Task: 0, Discovered: time.UnixMilli(1700000000123)}))},
		{"topic-status-reset", []byte(TopicStatusKey("connect-test", c)), nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			golden(t, filepath.Join("records", tc.name+".key"), tc.key)
			golden(t, filepath.Join("records", tc.name+".value"), tc.value)
		})
	}
}

// TestDecodeRecords decodes the records Kafka Connect writes, including shapes it wrote in
// older versions.
func TestDecodeRecords(t *testing.T) {
	t.Run("target states", func(t *testing.T) {
		for _, c := range []struct {
			in   string
			want store.TargetState
		}{
			{`{"state":"STARTED","state.v2":"STARTED"}`, store.TargetRunning},
			{`{"state":"PAUSED","state.v2":"STOPPED"}`, store.TargetStopped},
			{`{"state":"PAUSED"}`, store.TargetPaused}, // before 3.5
			{`{"state":"STARTED","state.v2":"PAUSED","extra":1}`, store.TargetPaused},
		} {
			got, err := DecodeTargetState([]byte(c.in))
			if err != nil || got != c.want {
				t.Errorf("DecodeTargetState(%s) = %q, %v; want %q", c.in, got, err, c.want)
			}
		}
	})
	t.Run("status", func(t *testing.T) {
		var st store.Status
		in := `{"state":"FAILED","trace":"boom","worker_id":"w:8083","generation":12,"version":"3.9.0"}`
		if err := DecodeStatus([]byte(in), &st); err != nil {
			t.Fatal(err)
		}
		want := store.Status{State: store.StateFailed, Trace: "boom", WorkerID: "w:8083", Generation: 12}
		if st != want {
			t.Fatalf("got %+v, want %+v", st, want)
		}
	})
	t.Run("offset keys", func(t *testing.T) {
		for _, c := range []struct {
			in   string
			ok   bool
			conn string
			part map[string]any
		}{
			{`["my-connector",{"filename":"/tmp/in.txt"}]`, true, "my-connector", map[string]any{"filename": "/tmp/in.txt"}},
			{`["c",{"shard":3,"ratio":0.5}]`, true, "c", map[string]any{"shard": int64(3), "ratio": 0.5}},
			{`["c"]`, false, "", nil},
			{`[1,{"a":"b"}]`, false, "", nil},
			{`["c",["a"]]`, false, "", nil},
			{`{"c":1}`, false, "", nil},
			{`not json`, false, "", nil},
		} {
			conn, part, ok := DecodeOffsetKey([]byte(c.in))
			if ok != c.ok || conn != c.conn || !reflect.DeepEqual(part, c.part) {
				t.Errorf("DecodeOffsetKey(%s) = %q, %v, %v; want %q, %v, %v", c.in, conn, part, ok, c.conn, c.part, c.ok)
			}
		}
	})
	t.Run("task keys", func(t *testing.T) {
		for _, c := range []struct {
			in   string
			name string
			task int
			ok   bool
		}{
			{"my-connector-12", "my-connector", 12, true},
			{"a-0", "a", 0, true},
			{"nodash", "", 0, false},
			{"-3", "", 0, false},
			{"c-x", "", 0, false},
			{"c--1", "c-", 1, true}, // Java splits on every dash: name "c-", task 1
		} {
			name, task, ok := splitTaskKey(c.in)
			if name != c.name || task != c.task || ok != c.ok {
				t.Errorf("splitTaskKey(%q) = %q, %d, %v; want %q, %d, %v", c.in, name, task, ok, c.name, c.task, c.ok)
			}
		}
	})
}

// Malformed values are refused with ErrBadRecord, never half-read.
func TestDecodeBadRecords(t *testing.T) {
	cases := []struct {
		what string
		err  error
	}{
		{"properties not an object", func() error { _, err := DecodeProperties([]byte(`{"properties":[]}`)); return err }()},
		{"properties missing", func() error { _, err := DecodeProperties([]byte(`{}`)); return err }()},
		{"property not a string", func() error { _, err := DecodeProperties([]byte(`{"properties":{"a":1}}`)); return err }()},
		{"target state unknown", func() error { _, err := DecodeTargetState([]byte(`{"state":"SLEEPING"}`)); return err }()},
		{"target state not json", func() error { _, err := DecodeTargetState([]byte(`PAUSED`)); return err }()},
		{"commit without tasks", func() error { _, err := DecodeCommit([]byte(`{"task":1}`)); return err }()},
		{"commit negative", func() error { _, err := DecodeCommit([]byte(`{"tasks":-1}`)); return err }()},
		{"status without state", func() error { var st store.Status; return DecodeStatus([]byte(`{"worker_id":"w"}`), &st) }()},
		{"offset not an object", func() error { _, err := DecodeOffsetValue([]byte(`[1]`)); return err }()},
		{"status generation over int32", func() error {
			_, err := EncodeStatus(store.Status{State: store.StateRunning, Generation: 1 << 40})
			return err
		}()},
		{"unknown target state", func() error { _, err := EncodeTargetState("SLEEPING"); return err }()},
	}
	for _, c := range cases {
		if !errors.Is(c.err, ErrBadRecord) {
			t.Errorf("%s: got %v, want ErrBadRecord", c.what, c.err)
		}
	}
}

// TestTopicStatusKafkaFormat checks the KIP-558 record against Kafka's KafkaStatusBackingStore:
// key TOPIC_STATUS_PREFIX "status-topic-" + topic + TOPIC_STATUS_SEPARATOR ":connector-" +
// connector, value TOPIC_STATUS_SCHEMA_V0, a map {"topic": struct name, connector, task,
// discoverTimestamp} written by the JsonConverter without schemas.
func TestTopicStatusKafkaFormat(t *testing.T) {
	if got := TopicStatusKey("orders", "jdbc-source"); got != "status-topic-orders:connector-jdbc-source" {
		t.Fatalf("key %q", got)
	}
	const kafkaValue = `{"topic":{"name":"orders","connector":"jdbc-source","task":2,"discoverTimestamp":1600000000000}}`
	ts, err := DecodeTopicStatus([]byte(kafkaValue))
	if err != nil {
		t.Fatal(err)
	}
	want := store.TopicStatus{Topic: "orders", Connector: "jdbc-source", Task: 2, Discovered: time.UnixMilli(1600000000000)}
	if ts.Topic != want.Topic || ts.Connector != want.Connector || ts.Task != want.Task || !ts.Discovered.Equal(want.Discovered) {
		t.Fatalf("decoded %+v, want %+v", ts, want)
	}
	enc, err := EncodeTopicStatus(want)
	if err != nil || string(enc) != kafkaValue {
		t.Fatalf("encoded %s (%v), want %s", enc, err, kafkaValue)
	}
	if _, err := DecodeTopicStatus([]byte(`{"topic":{}}`)); !errors.Is(err, ErrBadRecord) {
		t.Fatalf("empty topic status: %v", err)
	}
}
