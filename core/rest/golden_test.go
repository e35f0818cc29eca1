package rest

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/connectless/connectless/core/connect"
	"github.com/connectless/connectless/core/store"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

type step struct {
	name   string
	method string
	path   string
	body   string
	ctype  string // "" means application/json when body is set; "-" means none
	before func(t *testing.T, f *fixture)
	status int
}

func (f *fixture) do(method, path, body, ctype string) *httptest.ResponseRecorder {
	var rd *strings.Reader
	if body != "" {
		rd = strings.NewReader(body)
	} else {
		rd = strings.NewReader("")
	}
	req := httptest.NewRequest(method, path, rd)
	req.Host = "localhost:8083"
	switch {
	case ctype == "-":
	case ctype != "":
		req.Header.Set("Content-Type", ctype)
	case body != "":
		req.Header.Set("Content-Type", "application/json")
	}
	rec := httptest.NewRecorder()
	f.srv.ServeHTTP(rec, req)
	return rec
}

func renderResponse(rec *httptest.ResponseRecorder) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "HTTP %d\n", rec.Code)
	for _, h := range []string{"Allow", "Content-Type", "Location"} {
		if v := rec.Header().Get(h); v != "" {
			fmt.Fprintf(&b, "%s: %s\n", h, v)
		}
	}
	b.WriteString("\n")
	b.Write(rec.Body.Bytes())
	b.WriteString("\n")
	return b.Bytes()
}

func checkGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name+".golden")
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden file (run with -update to create it): %v", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s: response differs from golden file\ngot:\n%s\nwant:\n%s", name, got, want)
	}
}

const (
	srcConfig  = `{"connector.class":"org.example.TestSourceConnector","tasks.max":2,"topic":"t1"}`
	sinkConfig = `{"connector.class":"TestSink","tasks.max":"1","topics":"logs"}`
)

// goldenSteps walks every endpoint through a connector's life, success and error paths.
func goldenSteps() []step {
	runTasks := func(t *testing.T, f *fixture) {
		f.runTask(t, "src", 0, store.StateRunning, "")
		f.runTask(t, "src", 1, store.StateFailed, "org.apache.kafka.connect.errors.ConnectException: boom")
	}
	commitOffsets := func(t *testing.T, f *fixture) {
		ctx := context.Background()
		l, err := f.store.CurrentLease(ctx, "src", 0)
		if err != nil {
			t.Fatal(err)
		}
		if err := f.store.CommitSourceOffsets(ctx, l, []store.SourceOffset{{Partition: map[string]any{"filename": "/tmp/in.txt"}, Offset: map[string]any{"position": int64(30)}}}); err != nil {
			t.Fatal(err)
		}
		if err := f.store.AlterSinkOffsets(ctx, "sink", map[connect.TopicPartition]int64{{Topic: "logs", Partition: 0}: 5}); err != nil {
			t.Fatal(err)
		}
	}
	return []step{
		{name: "root", method: "GET", path: "/", status: 200},
		{name: "health", method: "GET", path: "/health", status: 200},
		{name: "connectors-empty", method: "GET", path: "/connectors", status: 200},
		{name: "plugins", method: "GET", path: "/connector-plugins", status: 200},
		{name: "plugins-all", method: "GET", path: "/connector-plugins/?connectorsOnly=false", status: 200},
		{name: "plugin-config", method: "GET", path: "/connector-plugins/TestSource/config", status: 200},
		{name: "plugin-config-unknown", method: "GET", path: "/connector-plugins/Nope/config", status: 404},
		{name: "validate-ok", method: "PUT", path: "/connector-plugins/TestSink/config/validate", body: `{"connector.class":"TestSink","name":"s","topics":"a"}`, status: 200},
		{name: "validate-errors", method: "PUT", path: "/connector-plugins/TestSinkConnector/config/validate", body: `{"connector.class":"org.example.TestSinkConnector","name":"s","tasks.max":"x","extra":null}`, status: 200},
		{name: "validate-type-mismatch", method: "PUT", path: "/connector-plugins/TestSource/config/validate", body: `{"connector.class":"TestSink"}`, status: 400},
		{name: "validate-no-class", method: "PUT", path: "/connector-plugins/TestSink/config/validate", body: `{"name":"s","tasks.max":1}`, status: 400},
		{name: "validate-unknown-class", method: "PUT", path: "/connector-plugins/Nope/config/validate", body: `{"connector.class":"Nope"}`, status: 500},
		{name: "create-source", method: "POST", path: "/connectors", body: `{"name":"src","config":` + srcConfig + `}`, status: 201},
		{name: "create-exists", method: "POST", path: "/connectors/", body: `{"name":"src","config":` + srcConfig + `}`, status: 409},
		{name: "create-name-mismatch", method: "POST", path: "/connectors", body: `{"name":"a","config":{"name":"b","connector.class":"TestSource"}}`, status: 400},
		{name: "create-invalid", method: "POST", path: "/connectors", body: `{"name":"bad","config":{"connector.class":"TestSink","tasks.max":"x"}}`, status: 400},
		{name: "create-empty-name", method: "POST", path: "/connectors", body: `{"config":{"connector.class":"TestSource"}}`, status: 400},
		{name: "create-null-value", method: "POST", path: "/connectors", body: `{"name":"n","config":{"connector.class":"TestSource","topic":null}}`, status: 400},
		{name: "create-no-class", method: "POST", path: "/connectors", body: `{"name":"n","config":{"tasks.max":"1"}}`, status: 400},
		{name: "create-unknown-class", method: "POST", path: "/connectors", body: `{"name":"n","config":{"connector.class":"Nope"}}`, status: 500},
		{name: "create-no-config", method: "POST", path: "/connectors", body: `{"name":"n"}`, status: 500},
		{name: "create-unknown-field", method: "POST", path: "/connectors", body: `{"name":"n","config":{},"tasks":[]}`, status: 500},
		{name: "create-bad-state", method: "POST", path: "/connectors", body: `{"name":"n","config":{},"initial_state":"sleeping"}`, status: 500},
		{name: "create-nested-config", method: "POST", path: "/connectors", body: `{"name":"n","config":{"a":{"b":1}}}`, status: 500},
		{name: "create-bad-json", method: "POST", path: "/connectors", body: `{"name":"n",`, status: 500},
		{name: "create-bad-char", method: "POST", path: "/connectors", body: `{"name":'n'}`, status: 500},
		{name: "create-text-plain", method: "POST", path: "/connectors", body: `{}`, ctype: "text/plain", status: 415},
		{name: "create-sink-stopped", method: "POST", path: "/connectors", body: `{"name":"sink","config":` + sinkConfig + `,"initial_state":"stopped"}`, status: 201},
		{name: "connectors", method: "GET", path: "/connectors/", status: 200, before: runTasks},
		{name: "connectors-expand", method: "GET", path: "/connectors?expand=status&expand=info", status: 200},
		{name: "connectors-expand-info-unknown", method: "GET", path: "/connectors?expand=info&expand=bogus", status: 200},
		{name: "connector", method: "GET", path: "/connectors/src", status: 200},
		{name: "connector-unknown", method: "GET", path: "/connectors/nope", status: 404},
		{name: "config", method: "GET", path: "/connectors/src/config/", status: 200},
		{name: "config-unknown", method: "GET", path: "/connectors/nope/config", status: 404},
		{name: "status", method: "GET", path: "/connectors/src/status", status: 200},
		{name: "status-sink-stopped", method: "GET", path: "/connectors/sink/status", status: 200},
		{name: "status-unknown", method: "GET", path: "/connectors/nope/status", status: 404},
		{name: "tasks", method: "GET", path: "/connectors/src/tasks", status: 200},
		{name: "tasks-unknown", method: "GET", path: "/connectors/nope/tasks", status: 404},
		{name: "tasks-config", method: "GET", path: "/connectors/src/tasks-config", status: 200},
		{name: "task-status", method: "GET", path: "/connectors/src/tasks/1/status", status: 200},
		{name: "task-status-unknown", method: "GET", path: "/connectors/src/tasks/7/status", status: 404},
		{name: "task-status-not-int", method: "GET", path: "/connectors/src/tasks/x/status", status: 404},
		{name: "put-config-update", method: "PUT", path: "/connectors/src/config", body: `{"connector.class":"TestSource","tasks.max":"3","topic":"t2","tasks.wanted":"2"}`, status: 200},
		{name: "put-config-create", method: "PUT", path: "/connectors/other/config", body: `{"connector.class":"TestSink","topics.regex":"logs-.*"}`, status: 201},
		{name: "put-config-name-mismatch", method: "PUT", path: "/connectors/src/config", body: `{"connector.class":"TestSource","name":"x"}`, status: 400},
		{name: "put-config-array", method: "PUT", path: "/connectors/src/config", body: `["a"]`, status: 500},
		{name: "put-config-empty-body", method: "PUT", path: "/connectors/src/config", body: ``, ctype: "application/json", status: 500},
		{name: "patch-config", method: "PATCH", path: "/connectors/src/config", body: `{"tasks.wanted":null,"topic":"t3"}`, status: 200},
		{name: "patch-config-unknown", method: "PATCH", path: "/connectors/nope/config", body: `{"a":"b"}`, status: 404},
		{name: "patch-config-invalid", method: "PATCH", path: "/connectors/src/config", body: `{"tasks.max":"0"}`, status: 400},
		{name: "pause", method: "PUT", path: "/connectors/src/pause", status: 202},
		{name: "status-paused", method: "GET", path: "/connectors/src/status", status: 200, before: runTasks},
		{name: "pause-unknown", method: "PUT", path: "/connectors/nope/pause", status: 404},
		{name: "resume", method: "PUT", path: "/connectors/src/resume", status: 202},
		{name: "resume-unknown", method: "PUT", path: "/connectors/nope/resume", status: 404},
		{name: "restart", method: "POST", path: "/connectors/src/restart", status: 204},
		{name: "restart-failed-tasks", method: "POST", path: "/connectors/src/restart?includeTasks=TRUE&onlyFailed=true", status: 202, before: runTasks},
		{name: "status-after-restart", method: "GET", path: "/connectors/src/status", status: 200},
		{name: "restart-all", method: "POST", path: "/connectors/src/restart?includeTasks=true", status: 202},
		{name: "restart-unknown", method: "POST", path: "/connectors/nope/restart?includeTasks=true", status: 404},
		{name: "restart-unknown-plain", method: "POST", path: "/connectors/nope/restart", status: 404},
		{name: "task-restart", method: "POST", path: "/connectors/src/tasks/0/restart", status: 204},
		{name: "task-restart-unknown-task", method: "POST", path: "/connectors/src/tasks/9/restart", status: 404},
		{name: "task-restart-unknown", method: "POST", path: "/connectors/nope/tasks/0/restart", status: 404},
		{name: "topics", method: "GET", path: "/connectors/src/topics", status: 200, before: func(t *testing.T, f *fixture) {
			for _, topic := range []string{"t2", "t1"} {
				if err := f.store.RecordActiveTopic(context.Background(), store.TopicStatus{Topic: topic, Connector: "src", Discovered: fixedTime}); err != nil {
					t.Fatal(err)
				}
			}
		}},
		{name: "topics-reset", method: "PUT", path: "/connectors/src/topics/reset", status: 202},
		{name: "topics-after-reset", method: "GET", path: "/connectors/src/topics", status: 200},
		{name: "offsets-source", method: "GET", path: "/connectors/src/offsets", status: 200, before: func(t *testing.T, f *fixture) {
			runTasks(t, f)
			commitOffsets(t, f)
		}},
		{name: "offsets-sink", method: "GET", path: "/connectors/sink/offsets", status: 200},
		{name: "offsets-unknown", method: "GET", path: "/connectors/nope/offsets", status: 404},
		{name: "offsets-alter-running", method: "PATCH", path: "/connectors/src/offsets", body: `{"offsets":[{"partition":{"filename":"/tmp/in.txt"},"offset":{"position":5}}]}`, status: 400},
		{name: "offsets-reset-running", method: "DELETE", path: "/connectors/src/offsets", status: 400},
		{name: "offsets-alter-empty", method: "PATCH", path: "/connectors/src/offsets", body: `{"offsets":[]}`, status: 400},
		{name: "offsets-alter-unknown-field", method: "PATCH", path: "/connectors/src/offsets", body: `{"offsets":[],"x":1}`, status: 500},
		{name: "stop", method: "PUT", path: "/connectors/src/stop", status: 204},
		{name: "stop-unknown", method: "PUT", path: "/connectors/nope/stop", status: 404},
		{name: "status-stopped", method: "GET", path: "/connectors/src/status", status: 200},
		{name: "offsets-alter-source", method: "PATCH", path: "/connectors/src/offsets", body: `{"offsets":[{"partition":{"filename":"/tmp/in.txt"},"offset":{"position":5}},{"partition":{"filename":"/tmp/b.txt"},"offset":{"position":7,"eof":true}}]}`, status: 200},
		{name: "offsets-source-altered", method: "GET", path: "/connectors/src/offsets", status: 200},
		{name: "offsets-alter-source-nested", method: "PATCH", path: "/connectors/src/offsets", body: `{"offsets":[{"partition":{"filename":"/tmp/in.txt"},"offset":{"position":{"line":5}}}]}`, status: 500},
		{name: "offsets-reset-source", method: "DELETE", path: "/connectors/src/offsets", status: 200},
		{name: "offsets-alter-sink", method: "PATCH", path: "/connectors/sink/offsets", body: `{"offsets":[{"partition":{"kafka_topic":"logs","kafka_partition":"1"},"offset":{"kafka_offset":42}},{"partition":{"kafka_topic":"logs","kafka_partition":0},"offset":null}]}`, status: 200},
		{name: "offsets-sink-altered", method: "GET", path: "/connectors/sink/offsets", status: 200},
		{name: "offsets-alter-sink-no-partition", method: "PATCH", path: "/connectors/sink/offsets", body: `{"offsets":[{"offset":{"kafka_offset":1}}]}`, status: 400},
		{name: "offsets-alter-sink-missing-keys", method: "PATCH", path: "/connectors/sink/offsets", body: `{"offsets":[{"partition":{"kafka_topic":"logs"},"offset":{"kafka_offset":1}}]}`, status: 400},
		{name: "offsets-alter-sink-bad-partition", method: "PATCH", path: "/connectors/sink/offsets", body: `{"offsets":[{"partition":{"kafka_topic":"logs","kafka_partition":1.5},"offset":{"kafka_offset":1}}]}`, status: 400},
		{name: "offsets-alter-sink-bad-offset", method: "PATCH", path: "/connectors/sink/offsets", body: `{"offsets":[{"partition":{"kafka_topic":"logs","kafka_partition":1},"offset":{"position":1}}]}`, status: 400},
		{name: "offsets-alter-sink-null-topic", method: "PATCH", path: "/connectors/sink/offsets", body: `{"offsets":[{"partition":{"kafka_topic":null,"kafka_partition":1},"offset":{"kafka_offset":1}}]}`, status: 400},
		{name: "offsets-alter-sink-offset-text", method: "PATCH", path: "/connectors/sink/offsets", body: `{"offsets":[{"partition":{"kafka_topic":"logs","kafka_partition":1},"offset":{"kafka_offset":"abc"}}]}`, status: 400},
		{name: "offsets-reset-sink", method: "DELETE", path: "/connectors/sink/offsets", status: 200},
		{name: "resume-stopped", method: "PUT", path: "/connectors/src/resume", status: 202},
		{name: "tasks-after-resume", method: "GET", path: "/connectors/src/tasks", status: 200},
		{name: "delete", method: "DELETE", path: "/connectors/src", status: 204},
		{name: "delete-unknown", method: "DELETE", path: "/connectors/src", status: 404},
		{name: "loggers", method: "GET", path: "/admin/loggers", status: 200},
		{name: "logger-put", method: "PUT", path: "/admin/loggers/org.connectless", body: `{"level":"debug"}`, status: 200},
		{name: "logger-get", method: "GET", path: "/admin/loggers/org.connectless.herder", status: 200},
		{name: "logger-get-root", method: "GET", path: "/admin/loggers/ROOT", status: 200},
		{name: "loggers-after-put", method: "GET", path: "/admin/loggers/", status: 200},
		{name: "logger-put-cluster", method: "PUT", path: "/admin/loggers/org.connectless?scope=cluster", body: `{"level":"WARN"}`, status: 204},
		{name: "logger-put-no-level", method: "PUT", path: "/admin/loggers/org.connectless", body: `{"lvl":"WARN"}`, status: 400},
		{name: "logger-put-bad-level", method: "PUT", path: "/admin/loggers/org.connectless", body: `{"level":"LOUD"}`, status: 404},
		{name: "logger-unknown", method: "GET", path: "/admin/loggers/com.nope", status: 404},
		{name: "unknown-path", method: "GET", path: "/nope", status: 404},
		{name: "unknown-subpath", method: "GET", path: "/connectors/src/nope", status: 404},
		{name: "wrong-method", method: "DELETE", path: "/connectors", status: 405},
		{name: "options", method: "OPTIONS", path: "/connectors/src/config", status: 200},
		{name: "wrong-method-status", method: "POST", path: "/connectors/src/status", status: 405},
	}
}

func TestGoldenEndpoints(t *testing.T) {
	f := newFixture(t, nil)
	seen := map[string]bool{}
	for _, s := range goldenSteps() {
		if seen[s.name] {
			t.Fatalf("duplicate step %q", s.name)
		}
		seen[s.name] = true
		if s.before != nil {
			s.before(t, f)
		}
		rec := f.do(s.method, s.path, s.body, s.ctype)
		if rec.Code != s.status {
			t.Errorf("%s: %s %s: status %d, want %d; body %s", s.name, s.method, s.path, rec.Code, s.status, rec.Body)
		}
		if ct := rec.Header().Get("Content-Type"); rec.Body.Len() > 0 && ct != "application/json" {
			t.Errorf("%s: Content-Type %q", s.name, ct)
		}
		if (rec.Code == http.StatusNoContent || rec.Code == http.StatusAccepted) && rec.Body.Len() > 0 && s.name != "restart-failed-tasks" && s.name != "restart-all" {
			t.Errorf("%s: %d with body %s", s.name, rec.Code, rec.Body)
		}
		checkGolden(t, s.name, renderResponse(rec))
	}
}
