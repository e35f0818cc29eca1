package outage

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	kafkago "github.com/segmentio/kafka-go"

	"github.com/connectless/connectless/connectors"
	"github.com/connectless/connectless/core/worker"
)

// testLogger logs to the test output at Warn and above (Debug with OUTAGE_DEBUG=1).
func testLogger(t *testing.T) *slog.Logger {
	level := slog.LevelWarn
	if os.Getenv("OUTAGE_DEBUG") == "1" {
		level = slog.LevelDebug
	}
	return slog.New(slog.NewTextHandler(tWriter{t}, &slog.HandlerOptions{Level: level}))
}

type tWriter struct{ t *testing.T }

func (w tWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

// startWorker runs an in-process worker with the shipped connectors until the test ends and
// returns its REST base URL.
func startWorker(t *testing.T, props map[string]string, opts worker.Options) string {
	t.Helper()
	if opts.Registry == nil {
		reg, err := connectors.Registry()
		if err != nil {
			t.Fatal(err)
		}
		opts.Registry = reg
	}
	if opts.Logger == nil {
		opts.Logger = testLogger(t)
	}
	base := map[string]string{
		"listeners":             "http://127.0.0.1:0",
		"key.converter":         "org.apache.kafka.connect.storage.StringConverter",
		"value.converter":       "org.apache.kafka.connect.storage.StringConverter",
		"task.poll.interval.ms": "100",
	}
	for k, v := range props {
		base[k] = v
	}
	ctx, cancel := context.WithCancel(context.Background())
	w, err := worker.New(ctx, base, opts)
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- w.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		select {
		case <-done:
		case <-time.After(30 * time.Second):
			t.Error("worker did not stop")
		}
	})
	select {
	case <-w.Ready():
	case <-time.After(30 * time.Second):
		t.Fatal("worker not ready")
	}
	if w.State() != worker.StateRunning {
		t.Fatalf("worker %s: %v", w.State(), w.Err())
	}
	url := "http://" + w.Addrs()[0].String()
	eventually(t, 20*time.Second, "worker healthy", func() bool {
		resp, err := http.Get(url + "/health")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == 200
	})
	return url
}

// restJSON sends a request with a JSON body (nil for none) and decodes the JSON answer.
func restJSON(t *testing.T, method, url string, body any, out any) int {
	t.Helper()
	var r io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		r = strings.NewReader(string(b))
	}
	req, err := http.NewRequest(method, url, r)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if out != nil && len(b) > 0 {
		if err := json.Unmarshal(b, out); err != nil {
			t.Fatalf("%s %s: %d %s: %v", method, url, resp.StatusCode, b, err)
		}
	}
	return resp.StatusCode
}

// taskState is one task of GET /connectors/{name}/status.
type taskState struct {
	ID    int    `json:"id"`
	State string `json:"state"`
	Trace string `json:"trace"`
}

func tasksStatus(t *testing.T, base, name string) []taskState {
	t.Helper()
	var st struct {
		Tasks []taskState `json:"tasks"`
	}
	restJSON(t, "GET", base+"/connectors/"+name+"/status", nil, &st)
	return st.Tasks
}

// eventually polls cond every 50ms until it holds or timeout passes.
func eventually(t *testing.T, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", timeout, what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// produce writes values to topic, round-robin over its partitions.
func produce(t *testing.T, brokers []string, topic string, values []string) {
	t.Helper()
	w := &kafkago.Writer{Addr: kafkago.TCP(brokers...), Topic: topic, Balancer: &kafkago.RoundRobin{},
		BatchSize: 1000, BatchTimeout: time.Millisecond, RequiredAcks: kafkago.RequireAll}
	defer w.Close()
	msgs := make([]kafkago.Message, len(values))
	for i, v := range values {
		msgs[i] = kafkago.Message{Value: []byte(v)}
	}
	if err := w.WriteMessages(context.Background(), msgs...); err != nil {
		t.Fatal(err)
	}
}

func numbered(format string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf(format, i)
	}
	return out
}
