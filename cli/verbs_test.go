package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/connectless/connectless/core/connect"
	"github.com/connectless/connectless/core/store"
)

func storedConfig(t *testing.T, s *server, name string) map[string]string {
	t.Helper()
	c, err := s.Store.Connector(context.Background(), name)
	if err != nil {
		t.Fatalf("connector %s: %v", name, err)
	}
	return c.Config
}

func TestApplyCreatesUpdatesAndLeavesUnchanged(t *testing.T) {
	s := startServer(t, nil)
	cli := newCLI(t, s.URL)
	dir := t.TempDir()
	files := []struct{ name, content string }{
		{"a.json", `{"name":"src-json","connector.class":"FileStreamSource","file":"/tmp/a","topic":"a","tasks.max":1}`},
		{"b.yaml", "name: src-yaml\nconfig:\n  connector.class: FileStreamSource\n  file: /tmp/b\n  topic: b\ninitial_state: paused\n---\nname: sink-yaml\nconnector.class: FileStreamSink\nfile: /tmp/out\ntopics: b\n"},
		{"c.properties", "# a comment\nname=src-props\nconnector.class = FileStreamSource\nfile:/tmp/c\ntopic  c\n"},
		{"ignored.txt", "not a connector"},
	}
	for _, f := range files {
		writeFile(t, dir, f.name, f.content)
	}
	r := cli.ok("apply", "-f", dir)
	for _, want := range []string{"connector/src-json created", "connector/src-yaml created", "connector/sink-yaml created", "connector/src-props created"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("apply output lacks %q:\n%s", want, r.stdout)
		}
	}
	if got := storedConfig(t, s, "src-json")["tasks.max"]; got != "1" {
		t.Errorf("tasks.max stored as %q, want the number as a string", got)
	}
	if got := storedConfig(t, s, "src-props")["topic"]; got != "c" {
		t.Errorf("properties topic = %q", got)
	}
	c, err := s.Store.Connector(context.Background(), "src-yaml")
	if err != nil || c.TargetState != store.TargetPaused {
		t.Errorf("src-yaml target state = %v (%v), want PAUSED from initial_state", c.TargetState, err)
	}

	r = cli.ok("apply", "-f", dir)
	if strings.Count(r.stdout, "unchanged") != 4 {
		t.Errorf("second apply should change nothing:\n%s", r.stdout)
	}

	writeFile(t, dir, "a.json", `{"name":"src-json","connector.class":"FileStreamSource","file":"/tmp/a2","topic":"a"}`)
	r = cli.ok("apply", "-f", dir+"/a.json", "--dry-run")
	for _, want := range []string{"connector/src-json would be configured", "~ file: /tmp/a -> /tmp/a2", "- tasks.max: 1"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("dry run lacks %q:\n%s", want, r.stdout)
		}
	}
	if got := storedConfig(t, s, "src-json")["file"]; got != "/tmp/a" {
		t.Errorf("dry run changed the config: file = %q", got)
	}
	r = cli.ok("apply", "-f", dir+"/a.json")
	if !strings.Contains(r.stdout, "connector/src-json configured") {
		t.Errorf("apply output: %s", r.stdout)
	}
	if got := storedConfig(t, s, "src-json")["file"]; got != "/tmp/a2" {
		t.Errorf("file = %q after apply, want /tmp/a2", got)
	}

	cli.stdin = `{"name":"from-stdin","config":{"connector.class":"FileStreamSource","file":"/tmp/s","topic":"s"}}`
	cli.ok("apply", "-f", "-")
	storedConfig(t, s, "from-stdin")
}

func TestApplyDryRunReportsInvalidConfig(t *testing.T) {
	s := startServer(t, nil)
	cli := newCLI(t, s.URL)
	f := writeFile(t, t.TempDir(), "bad.json", `{"name":"bad","connector.class":"FileStreamSink","file":"/tmp/x","tasks.max":"zero"}`)
	r := cli.run("apply", "-f", f, "--dry-run")
	if r.code != exitError {
		t.Fatalf("exit %d, want 1\n%s%s", r.code, r.stdout, r.stderr)
	}
	golden(t, "apply-dry-run-invalid.table", r.stdout)
	if _, err := s.Store.Connector(context.Background(), "bad"); err == nil {
		t.Error("dry run created the connector")
	}
	r = cli.run("validate", "-f", f)
	if r.code != exitError {
		t.Fatalf("validate exit %d, want 1", r.code)
	}
	golden(t, "validate-invalid.table", r.stdout)
	if !strings.Contains(r.stderr, "1 of 1 connectors have an invalid configuration") {
		t.Errorf("stderr: %s", r.stderr)
	}
	good := writeFile(t, t.TempDir(), "good.json", `{"name":"good","connector.class":"FileStreamSink","file":"/tmp/x","topics":"t"}`)
	r = cli.ok("validate", "-f", good)
	if !strings.Contains(r.stdout, "connector/good: configuration is valid") {
		t.Errorf("validate: %s", r.stdout)
	}
}

func TestPatchDeleteAndStateVerbs(t *testing.T) {
	s := startServer(t, nil)
	cli := newCLI(t, s.URL)
	s.create(t, "c1", "connector.class", "FileStreamSource", "file", "/tmp/in", "topic", "t", "batch.size", "10")
	cli.ok("patch", "connector", "c1", "--set", "topic=t2", "--set", "tasks.max=1", "--unset", "batch.size")
	cfg := storedConfig(t, s, "c1")
	if cfg["topic"] != "t2" || cfg["tasks.max"] != "1" {
		t.Errorf("patched config: %v", cfg)
	}
	if _, ok := cfg["batch.size"]; ok {
		t.Errorf("batch.size not removed: %v", cfg)
	}

	tests := []struct {
		verb   string
		target store.TargetState
	}{{"pause", store.TargetPaused}, {"resume", store.TargetRunning}, {"stop", store.TargetStopped}, {"resume", store.TargetRunning}}
	for _, tc := range tests {
		r := cli.ok(tc.verb, "c1")
		if !strings.HasPrefix(r.stdout, "connector/c1 ") {
			t.Errorf("%s output: %q", tc.verb, r.stdout)
		}
		c, err := s.Store.Connector(context.Background(), "c1")
		if err != nil || c.TargetState != tc.target {
			t.Errorf("after %s: target %v (%v), want %v", tc.verb, c.TargetState, err, tc.target)
		}
	}
	r := cli.ok("delete", "connector", "c1")
	if r.stdout != "connector/c1 deleted\n" {
		t.Errorf("delete output %q", r.stdout)
	}
	if _, err := s.Store.Connector(context.Background(), "c1"); err == nil {
		t.Error("connector still stored after delete")
	}
}

func TestWaitUntilTasksRun(t *testing.T) {
	s := startServer(t, nil)
	cli := newCLI(t, s.URL)
	f := writeFile(t, t.TempDir(), "c.json", `{"name":"w1","connector.class":"FileStreamSink","file":"/tmp/o","topics":"t","tasks.max":"2"}`)
	// A runner reports the tasks RUNNING a little later, as a worker does.
	go func() {
		for range 200 {
			time.Sleep(20 * time.Millisecond)
			if c, err := s.Store.Connector(context.Background(), "w1"); err == nil && len(c.Tasks) == 2 {
				time.Sleep(100 * time.Millisecond)
				s.runTasks(t, "w1", store.StateRunning, "")
				return
			}
		}
	}()
	r := cli.ok("apply", "-f", f, "--wait", "--timeout", "10s")
	if !strings.Contains(r.stderr, "connector/w1 is RUNNING (connector RUNNING, 2/2 tasks RUNNING)") {
		t.Errorf("wait output:\n%s", r.stderr)
	}
	// Plain lines off a terminal: progress was reported before the end.
	if !strings.Contains(r.stderr, "waiting for w1 to be RUNNING: 1/3") {
		t.Errorf("no progress line before the tasks ran:\n%s", r.stderr)
	}

	r = cli.ok("stop", "w1", "--wait", "--timeout", "5s")
	if !strings.Contains(r.stderr, "connector/w1 is STOPPED") {
		t.Errorf("stop --wait:\n%s", r.stderr)
	}

	// A failed task ends the wait with its trace.
	cli.ok("resume", "w1")
	s.runTasks(t, "w1", store.StateFailed, "java.lang.IllegalStateException: disk full\n\tat x")
	r = cli.run("restart", "connector", "w1", "--wait", "--timeout", "5s")
	if r.code != exitError || !strings.Contains(r.stderr, "task w1/0 failed: java.lang.IllegalStateException: disk full") {
		t.Errorf("restart --wait on failed tasks: exit %d\n%s", r.code, r.stderr)
	}

	// Timeout: the tasks never run.
	r = cli.run("restart", "connector", "w1", "--include-tasks", "--wait", "--timeout", "200ms")
	if r.code != exitError || !strings.Contains(r.stderr, "not RUNNING after 200ms") || !strings.Contains(r.stderr, "raise --timeout") {
		t.Errorf("timeout: exit %d\n%s", r.code, r.stderr)
	}
}

func TestRestartConnectorAndTask(t *testing.T) {
	s := startServer(t, nil)
	cli := newCLI(t, s.URL)
	s.create(t, "r1", "connector.class", "FileStreamSink", "file", "/tmp/o", "topics", "t", "tasks.max", "2")
	s.runTasks(t, "r1", store.StateFailed, "boom")
	r := cli.ok("restart", "connector", "r1", "--include-tasks", "--only-failed")
	golden(t, "restart-plan.table", r.stdout)
	r = cli.ok("restart", "connector", "r1", "--include-tasks", "-o", "json")
	golden(t, "restart-plan.json", r.stdout)
	r = cli.ok("restart", "connector", "r1")
	if r.stdout != "connector/r1 restarted\n" {
		t.Errorf("plain restart: %q", r.stdout)
	}
	s.runTasks(t, "r1", store.StateRunning, "")
	r = cli.ok("restart", "task", "r1/1")
	if r.stdout != "task/r1/1 restarted\n" {
		t.Errorf("task restart: %q", r.stdout)
	}
	st, err := s.Herder.TaskStatus(context.Background(), "r1", 1)
	if err != nil || st.State != "RESTARTING" {
		t.Errorf("task 1 status %v (%v), want RESTARTING", st.State, err)
	}
}

func TestOffsetsAlterAndReset(t *testing.T) {
	s := startServer(t, nil)
	cli := newCLI(t, s.URL)
	ctx := context.Background()
	s.create(t, "sink", "connector.class", "FileStreamSink", "file", "/tmp/o", "topics", "t")
	r := cli.run("offsets", "alter", "sink", "--sink", "t:0=5")
	if r.code != exitError || !strings.Contains(r.stderr, "must be in the STOPPED state") {
		t.Errorf("alter on a running connector: exit %d %s", r.code, r.stderr)
	}
	cli.ok("stop", "sink")
	cli.ok("offsets", "alter", "sink", "--sink", "t:0=5", "--sink", "t:1=9")
	got, err := s.Store.SinkOffsets(ctx, "sink")
	if err != nil || got[connect.TopicPartition{Topic: "t", Partition: 0}] != 5 || got[connect.TopicPartition{Topic: "t", Partition: 1}] != 9 {
		t.Errorf("sink offsets %v (%v)", got, err)
	}
	f := writeFile(t, t.TempDir(), "offs.yaml", "offsets:\n  - partition: {kafka_topic: t, kafka_partition: 0}\n    offset: {kafka_offset: 11}\n")
	cli.ok("offsets", "alter", "sink", "-f", f)
	got, _ = s.Store.SinkOffsets(ctx, "sink")
	if got[connect.TopicPartition{Topic: "t", Partition: 0}] != 11 {
		t.Errorf("after -f: %v", got)
	}
	r = cli.ok("offsets", "reset", "sink")
	if !strings.Contains(r.stdout, "offsets reset") {
		t.Errorf("reset: %s", r.stdout)
	}
	got, _ = s.Store.SinkOffsets(ctx, "sink")
	if len(got) != 0 {
		t.Errorf("offsets after reset: %v", got)
	}
}

func TestLoggersSet(t *testing.T) {
	s := startServer(t, nil)
	cli := newCLI(t, s.URL)
	r := cli.ok("loggers", "set", "connectless.runtime", "debug")
	if !strings.Contains(r.stdout, "logger connectless.runtime set to DEBUG") {
		t.Errorf("set: %s", r.stdout)
	}
	r = cli.ok("loggers", "get", "connectless.runtime", "-o", "json")
	if !strings.Contains(r.stdout, `"level": "DEBUG"`) {
		t.Errorf("get: %s", r.stdout)
	}
}

func TestVersion(t *testing.T) {
	s := startServer(t, nil)
	cli := newCLI(t, s.URL)
	r := cli.ok("version")
	if r.stdout != "connectless dev\n" {
		t.Errorf("version: %q", r.stdout)
	}
	r = cli.ok("version", "--server")
	if !strings.Contains(r.stdout, "server 4.0.0-test (commit 0123abcd) at "+s.URL) {
		t.Errorf("version --server: %q", r.stdout)
	}
}

func TestGetConnectorsListsConnectorsWithoutStatus(t *testing.T) {
	s := startServer(t, nil)
	// A connector whose status no runner or herder has written yet.
	if err := s.Store.CreateConnector(context.Background(), "fresh", map[string]string{"name": "fresh", "connector.class": "FileStreamSource"}, store.TargetRunning); err != nil {
		t.Fatal(err)
	}
	r := newCLI(t, s.URL).ok("get", "connectors")
	if !strings.Contains(r.stdout, "fresh") || !strings.Contains(r.stdout, "UNKNOWN") {
		t.Errorf("connector without status missing:\n%s", r.stdout)
	}
}
