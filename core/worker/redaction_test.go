package worker

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"
)

// lockedBuffer collects log output from many goroutines.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestSecretNeverInStatusOrLogs: a task fails with an error quoting a value resolved from
// ${env:...}; the FAILED status trace, every GET answer and the worker's log show the
// reference, never the value.
func TestSecretNeverInStatusOrLogs(t *testing.T) {
	const secret = "pa55-w0rd-9f3a7c"
	t.Setenv("SINK_PASSWORD", secret)
	brokers := newKafka(t, "logs", 1)
	props := baseProps(t, brokers)
	props["config.providers"] = "env"
	logs := &lockedBuffer{}
	ctx, cancel := context.WithCancel(context.Background())
	w, err := New(ctx, props, Options{Registry: testRegistry(&collector{}),
		Logger: slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))})
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- w.Run(ctx) }()
	defer func() { cancel(); <-done }()
	c := &client{t: t, base: "http://" + waitReady(t, w)[0].String()}

	if code, body := c.do("POST", "/connectors", map[string]any{"name": "s", "config": map[string]string{
		"connector.class": collectSinkClass, "topics": "logs", "fail.with": "${env:SINK_PASSWORD}"}}); code != 201 {
		t.Fatalf("create: %d %v", code, body)
	}
	eventually(t, 10*time.Second, "task FAILED", func() bool {
		_, b := c.do("GET", "/connectors/s/status", nil)
		s, _ := taskStates(b)
		return s[0] == "FAILED"
	})
	var seen strings.Builder
	for _, path := range []string{"/connectors/s/status", "/connectors/s/tasks/0/status", "/connectors/s", "/connectors/s/config",
		"/connectors/s/tasks", "/connectors/s/tasks-config", "/connectors?expand=status&expand=info", "/metrics"} {
		_, body := c.do("GET", path, nil)
		seen.WriteString(jsonString(t, body))
	}
	if !strings.Contains(seen.String(), "cannot log in with password ${env:SINK_PASSWORD}") {
		t.Errorf("the FAILED trace does not show the reference:\n%s", seen.String())
	}
	if strings.Contains(seen.String(), secret) {
		t.Errorf("a GET answer contains the resolved secret")
	}
	// The runner logs the failure after the slice wrote the status.
	eventually(t, 5*time.Second, "the failure logged", func() bool { return strings.Contains(logs.String(), "task slice failed") })
	if strings.Contains(logs.String(), secret) {
		t.Errorf("the log contains the resolved secret")
	}
}

// TestConfigUpdateRestartsFailedTask: as in Kafka Connect, new task configurations restart
// a FAILED task.
func TestConfigUpdateRestartsFailedTask(t *testing.T) {
	brokers := newKafka(t, "logs", 1)
	col := &collector{}
	_, c := startWorker(t, baseProps(t, brokers), testRegistry(col))
	state := func() string {
		_, b := c.do("GET", "/connectors/f/status", nil)
		s, _ := taskStates(b)
		return s[0]
	}
	if code, body := c.do("PUT", "/connectors/f/config", map[string]string{
		"connector.class": collectSinkClass, "topics": "logs", "fail.with": "bad"}); code != 201 {
		t.Fatalf("create: %d %v", code, body)
	}
	eventually(t, 10*time.Second, "task FAILED", func() bool { return state() == "FAILED" })
	if code, body := c.do("PUT", "/connectors/f/config", map[string]string{
		"connector.class": collectSinkClass, "topics": "logs"}); code != 200 {
		t.Fatalf("update: %d %v", code, body)
	}
	eventually(t, 10*time.Second, "task RUNNING after the update", func() bool { return state() == "RUNNING" })
	produce(t, brokers, "logs", "after-fix")
	eventually(t, 10*time.Second, "record delivered", func() bool { return len(col.all()) == 1 })
}
