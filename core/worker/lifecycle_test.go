package worker

import (
	"encoding/json"
	"net/http"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

func baseProps(t *testing.T, brokers []string) map[string]string {
	return map[string]string{
		"bootstrap.servers":         strings.Join(brokers, ","),
		"listeners":                 "http://127.0.0.1:0",
		"rest.advertised.host.name": "127.0.0.1",
		"state.bolt.path":           filepath.Join(t.TempDir(), "state.db"),
		"key.converter":             "org.apache.kafka.connect.storage.StringConverter",
		"value.converter":           "org.apache.kafka.connect.storage.StringConverter",
		"offset.flush.interval.ms":  "2000",
		"task.poll.interval.ms":     "50",
		"task.lease.timeout.ms":     "2000",
	}
}

func values(ds []delivery) []string {
	out := make([]string, len(ds))
	for i, d := range ds {
		out[i] = d.Value
	}
	return out
}

// TestWorkerConnectorLifecycle drives one worker over HTTP through a whole connector
// lifecycle against a Kafka broker: create, RUNNING, records flow, pause (nothing flows),
// resume, stop, PATCH offsets, resume from the patched offsets, a failed task restarted with
// onlyFailed, metrics, delete.
func TestWorkerConnectorLifecycle(t *testing.T) {
	brokers := newKafka(t, "logs", 1)
	col := &collector{}
	w, c := startWorker(t, baseProps(t, brokers), testRegistry(col))
	if got := w.ID(); !strings.HasPrefix(got, "127.0.0.1:") {
		t.Errorf("worker id = %q, want the advertised host and the bound port", got)
	}
	eventually(t, 5*time.Second, "health", func() bool { code, _ := c.do("GET", "/health", nil); return code == 200 })

	status := func() any { _, b := c.do("GET", "/connectors/c1/status", nil); return b }
	taskIs := func(want string) func() bool {
		return func() bool { s, _ := taskStates(status()); return s[0] == want }
	}
	delivered := func(n int) func() bool { return func() bool { return len(col.all()) >= n } }

	code, body := c.do("POST", "/connectors", map[string]any{"name": "c1", "config": map[string]string{
		"connector.class": collectSinkClass, "topics": "logs", "tasks.max": "1"}})
	if code != http.StatusCreated {
		t.Fatalf("create: %d %v", code, body)
	}
	eventually(t, 10*time.Second, "task RUNNING", taskIs("RUNNING"))
	if s := connectorState(status()); s != "RUNNING" {
		t.Errorf("connector state = %s", s)
	}
	_, workers := taskStates(status())
	if workers[0] != w.ID() {
		t.Errorf("task worker_id = %q, want %q", workers[0], w.ID())
	}

	produce(t, brokers, "logs", "a0", "a1", "a2", "a3", "a4")
	eventually(t, 10*time.Second, "5 records delivered", delivered(5))

	if code, body := c.do("PUT", "/connectors/c1/pause", nil); code != http.StatusAccepted {
		t.Fatalf("pause: %d %v", code, body)
	}
	eventually(t, 10*time.Second, "task PAUSED", taskIs("PAUSED"))
	produce(t, brokers, "logs", "b0", "b1", "b2")
	time.Sleep(20 * 50 * time.Millisecond) // twenty poll intervals
	if n := len(col.all()); n != 5 {
		t.Fatalf("paused connector delivered records: %d delivered, want 5", n)
	}

	if code, body := c.do("PUT", "/connectors/c1/resume", nil); code != http.StatusAccepted {
		t.Fatalf("resume: %d %v", code, body)
	}
	eventually(t, 10*time.Second, "8 records delivered after resume", delivered(8))
	eventually(t, 10*time.Second, "task RUNNING after resume", taskIs("RUNNING"))

	if code, body := c.do("PUT", "/connectors/c1/stop", nil); code != http.StatusNoContent {
		t.Fatalf("stop: %d %v", code, body)
	}
	if s := connectorState(status()); s != "STOPPED" {
		t.Errorf("connector state after stop = %s", s)
	}
	// Altered right away: the herder waits for a slice still running to commit and release
	// its lease, so that commit cannot overwrite the altered offsets.
	patch := map[string]any{"offsets": []any{map[string]any{
		"partition": map[string]any{"kafka_topic": "logs", "kafka_partition": 0},
		"offset":    map[string]any{"kafka_offset": 2}}}}
	if code, body := c.do("PATCH", "/connectors/c1/offsets", patch); code != http.StatusOK {
		t.Fatalf("patch offsets: %d %v", code, body)
	}
	_, offs := c.do("GET", "/connectors/c1/offsets", nil)
	if got, want := jsonString(t, offs), `{"offsets":[{"offset":{"kafka_offset":2},"partition":{"kafka_partition":0,"kafka_topic":"logs"}}]}`; got != want {
		t.Errorf("offsets after PATCH = %s, want %s", got, want)
	}
	if code, body := c.do("PUT", "/connectors/c1/resume", nil); code != http.StatusAccepted {
		t.Fatalf("resume after stop: %d %v", code, body)
	}
	eventually(t, 10*time.Second, "records from offset 2 delivered again", delivered(14))
	got := col.all()
	if again := strings.Join(values(got[8:]), ","); again != "a2,a3,a4,b0,b1,b2" {
		t.Errorf("after PATCH to offset 2 the sink got %s, want a2..b2", again)
	}
	for i, d := range got[8:] {
		if d.Offset != int64(i+2) {
			t.Errorf("redelivered record %d has offset %d, want %d", i, d.Offset, i+2)
		}
	}

	// A failing batch fails the task; restart?onlyFailed brings it back.
	col.mu.Lock()
	col.failNext = true
	col.mu.Unlock()
	produce(t, brokers, "logs", "c0")
	eventually(t, 10*time.Second, "task FAILED", taskIs("FAILED"))
	_, st := c.do("GET", "/connectors/c1/status", nil)
	if !strings.Contains(jsonString(t, st), "test sink refuses this batch") {
		t.Errorf("FAILED status has no trace: %s", jsonString(t, st))
	}
	time.Sleep(10 * 50 * time.Millisecond)
	if n := len(col.all()); n != 14 {
		t.Fatalf("a FAILED task went on delivering: %d records", n)
	}
	code, plan := c.do("POST", "/connectors/c1/restart?includeTasks=true&onlyFailed=true", nil)
	if code != http.StatusAccepted {
		t.Fatalf("restart: %d %v", code, plan)
	}
	if s, _ := taskStates(plan); s[0] != "RESTARTING" {
		t.Errorf("restart plan task state = %q, want RESTARTING", s[0])
	}
	if cs := connectorState(plan); cs != "RUNNING" {
		t.Errorf("restart plan connector state = %q, want RUNNING (onlyFailed keeps a running connector)", cs)
	}
	eventually(t, 10*time.Second, "record delivered after restart", delivered(15))
	eventually(t, 10*time.Second, "task RUNNING after restart", taskIs("RUNNING"))
	if last := col.all()[14]; last.Value != "c0" || last.Offset != 8 {
		t.Errorf("after restart got %+v, want c0 at offset 8", last)
	}

	// Metrics: counters of this worker's slices (counted once the slice returned) and the
	// status from the store. 15 records were read and put (8 + 6 again + 1).
	var text string
	eventually(t, 5*time.Second, "metrics of the slice after the restart", func() bool {
		_, m := c.do("GET", "/metrics", nil)
		text, _ = m.(string)
		return strings.Contains(text, `kafka_connect_sink_task_sink_record_send_total{connector="c1",task="0"} 15`)
	})
	for _, want := range []string{
		`kafka_connect_connector_task_status{connector="c1",status="running",task="0"} 1`,
		`kafka_connect_connector_status{connector="c1",status="running"} 1`,
		`kafka_connect_connect_worker_metrics_connector_count 1`,
		`kafka_connect_connect_worker_metrics_task_count 1`,
		`kafka_connect_task_error_total_record_failures{connector="c1",task="0"} 1`,
	} {
		if !strings.Contains(text, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
	if n := metricValue(t, text, `kafka_connect_sink_task_sink_record_read_total{connector="c1",task="0"}`); n < 15 {
		t.Errorf("sink-record-read-total = %v, want at least 15", n)
	}
	if n := metricValue(t, text, `kafka_connect_connector_task_offset_commit_completion_total{connector="c1",task="0"}`); n < 4 {
		t.Errorf("offset-commit-completion-total = %v, want at least 4", n)
	}

	if code, body := c.do("DELETE", "/connectors/c1", nil); code != http.StatusNoContent {
		t.Fatalf("delete: %d %v", code, body)
	}
	if code, _ := c.do("GET", "/connectors/c1/status", nil); code != http.StatusNotFound {
		t.Errorf("status after delete: %d, want 404", code)
	}
	produce(t, brokers, "logs", "d0")
	time.Sleep(10 * 50 * time.Millisecond)
	if n := len(col.all()); n != 15 {
		t.Errorf("deleted connector delivered records: %d", n)
	}
}

func metricValue(t *testing.T, text, series string) float64 {
	t.Helper()
	m := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(series) + ` (\S+)$`).FindStringSubmatch(text)
	if m == nil {
		t.Errorf("no series %s", series)
		return -1
	}
	v, err := strconv.ParseFloat(m[1], 64)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func jsonString(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
