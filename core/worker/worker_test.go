package worker

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/connectless/connectless/core/store/bolt"
)

// TestWorkerStateMachine walks the lifecycle: new (nothing opened or bound: the state file
// is free, no address, no id), starting and running (/health 200) in Run, stopping and
// terminated after the context ends; moves the state machine does not allow are refused.
func TestWorkerStateMachine(t *testing.T) {
	brokers := newKafka(t, "t", 1)
	props := baseProps(t, brokers)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	w, err := New(ctx, props, Options{Registry: testRegistry(&collector{}), Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	if s := w.State(); s != StateNew {
		t.Fatalf("state after New = %s, want new", s)
	}
	if w.Addrs() != nil || w.ID() != "" || w.Herder() != nil {
		t.Errorf("after New: addrs %v id %q herder %v; want nothing bound or opened", w.Addrs(), w.ID(), w.Herder())
	}
	if st, err := bolt.Open(props["state.bolt.path"]); err != nil {
		t.Fatalf("state file opened by New: %v", err)
	} else {
		st.Close()
	}
	if err := w.setState(StateTerminated, nil); err == nil {
		t.Error("new → terminated allowed")
	}
	done := make(chan error, 1)
	go func() { done <- w.Run(ctx) }()
	c := &client{t: t, base: "http://" + waitReady(t, w)[0].String()}
	if s := w.State(); s != StateRunning {
		t.Fatalf("state once ready = %s, want running", s)
	}
	if code, body := c.do("GET", "/health", nil); code != http.StatusOK || !strings.Contains(jsonString(t, body), "healthy") {
		t.Errorf("health = %d %v", code, body)
	}
	if err := w.setState(StateStarting, nil); err == nil {
		t.Error("running → starting allowed")
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("run: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("worker did not stop")
	}
	if s := w.State(); s != StateTerminated {
		t.Errorf("state after stop = %s", s)
	}
	select {
	case <-w.Done():
	default:
		t.Error("Done not closed after termination")
	}
	if w.Err() != nil {
		t.Errorf("Err after a clean stop = %v", w.Err())
	}
	// The state file was released: another store can open it.
	st, err := bolt.Open(props["state.bolt.path"])
	if err != nil {
		t.Fatalf("state file still locked after stop: %v", err)
	}
	st.Close()
}

// TestStandaloneConnectorFailureFailsStart: a connector file the herder refuses fails the
// worker instead of running without it.
func TestStandaloneConnectorFailureFailsStart(t *testing.T) {
	props := baseProps(t, newKafka(t, "t", 1))
	ctx := context.Background()
	w, err := New(ctx, props, Options{Registry: testRegistry(&collector{}), Logger: slog.New(slog.DiscardHandler),
		Connectors: []ConnectorFile{{Name: "bad", Config: map[string]string{"name": "other", "connector.class": collectSinkClass}}}})
	if err != nil {
		t.Fatal(err)
	}
	err = w.Run(ctx)
	<-w.Ready()
	if err == nil || !strings.Contains(err.Error(), "bad") {
		t.Fatalf("run = %v, want the connector's error", err)
	}
	if w.State() != StateFailed || !errors.Is(w.Err(), err) {
		t.Errorf("state %s, err %v", w.State(), w.Err())
	}
}

// waitReady waits until the worker runs and returns its listeners' addresses.
func waitReady(t *testing.T, w *Worker) []net.Addr {
	t.Helper()
	select {
	case <-w.Ready():
	case <-time.After(20 * time.Second):
		t.Fatal("worker not ready")
	}
	if w.State() != StateRunning {
		t.Fatalf("worker %s: %v", w.State(), w.Err())
	}
	return w.Addrs()
}
