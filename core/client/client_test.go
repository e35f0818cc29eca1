package client_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/connectless/connectless/core/client"
	"github.com/connectless/connectless/core/connect"
	"github.com/connectless/connectless/core/internal/herder"
	"github.com/connectless/connectless/core/rest"
	"github.com/connectless/connectless/core/store"
	"github.com/connectless/connectless/core/store/memory"
)

type sink struct{}

func (sink) Version() string                                { return "1.0" }
func (sink) Config() *connect.ConfigDef                     { return connect.NewConfigDef() }
func (sink) Start(context.Context, map[string]string) error { return nil }
func (sink) TaskConfigs(max int) ([]map[string]string, error) {
	return make([]map[string]string, max), nil
}
func (sink) Stop() error               { return nil }
func (sink) NewTask() connect.SinkTask { return nil }

// newServer serves the real REST handler over HTTP.
func newServer(t *testing.T, wrap func(http.Handler) http.Handler) (*httptest.Server, store.Store) {
	t.Helper()
	reg, err := connect.NewRegistry(connect.Plugin{Class: "org.example.TestSink", Type: connect.PluginSink, Version: "1.0", New: func() connect.Connector { return sink{} }})
	if err != nil {
		t.Fatal(err)
	}
	st := memory.New()
	h, err := herder.New(herder.Config{Store: st, Plugins: reg, WorkerID: "w:8083", Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	var hd http.Handler = rest.New(h, rest.Options{Version: "v", Logger: slog.New(slog.DiscardHandler)})
	if wrap != nil {
		hd = wrap(hd)
	}
	srv := httptest.NewServer(hd)
	t.Cleanup(srv.Close)
	return srv, st
}

func TestClientRoundTrip(t *testing.T) {
	srv, _ := newServer(t, nil)
	c, err := client.New(srv.URL + "/")
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	name := "a b/c%d"
	cfg := map[string]string{"connector.class": "TestSink", "topics": "t", "tasks.max": "2"}
	info, err := c.CreateConnector(ctx, name, cfg, client.InitialPaused)
	if err != nil {
		t.Fatal(err)
	}
	if info.Name != name || info.Type != "sink" {
		t.Errorf("created %+v", info)
	}
	got, err := c.ConnectorConfig(ctx, name)
	if err != nil || got["topics"] != "t" || got["name"] != name {
		t.Errorf("config %v %v", got, err)
	}
	if _, created, err := c.PutConnectorConfig(ctx, name, cfg); err != nil || created {
		t.Errorf("put existing: created=%v err=%v", created, err)
	}
	v := "u"
	if info, err := c.PatchConnectorConfig(ctx, name, map[string]*string{"topics": &v, "tasks.max": nil}); err != nil || info.Config["topics"] != "u" {
		t.Errorf("patch: %+v %v", info, err)
	}
	st, err := c.ConnectorStatus(ctx, name)
	if err != nil || st.Connector.State != "PAUSED" {
		t.Errorf("status %+v %v", st, err)
	}
	if err := c.StopConnector(ctx, name); err != nil {
		t.Fatal(err)
	}
	if msg, err := c.AlterOffsets(ctx, name, client.ConnectorOffsets{Offsets: []client.ConnectorOffset{{
		Partition: map[string]any{"kafka_topic": "t", "kafka_partition": 0}, Offset: map[string]any{"kafka_offset": 9}}}}); err != nil || msg == "" {
		t.Errorf("alter offsets: %q %v", msg, err)
	}
	offs, err := c.Offsets(ctx, name)
	if err != nil || len(offs.Offsets) != 1 {
		t.Fatalf("offsets %+v %v", offs, err)
	}
	if plan, err := c.RestartConnector(ctx, name, false, false); err != nil || plan != nil {
		t.Errorf("plain restart: %v %v", plan, err)
	}
	all, err := c.ConnectorsExpanded(ctx)
	if err != nil || all[name].Info == nil || all[name].Status == nil {
		t.Errorf("expanded %+v %v", all, err)
	}
	if err := c.DeleteConnector(ctx, name); err != nil {
		t.Fatal(err)
	}
}

func TestClientErrors(t *testing.T) {
	srv, _ := newServer(t, nil)
	c, _ := client.New(srv.URL)
	ctx := context.Background()
	_, err := c.Connector(ctx, "nope")
	var api *client.APIError
	if !errors.As(err, &api) || !errors.Is(err, client.ErrNotFound) || api.Message != "Connector nope not found" || api.ErrorCode != 404 {
		t.Errorf("unknown connector: %#v", err)
	}
	_, err = c.CreateConnector(ctx, "x", map[string]string{"connector.class": "TestSink"}, "")
	if !errors.Is(err, client.ErrBadRequest) {
		t.Errorf("invalid config: %v", err)
	}

	gw := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusForbidden)
		io.WriteString(w, `{"message":"Forbidden"}`)
	}))
	defer gw.Close()
	c2, _ := client.New(gw.URL)
	_, err = c2.Connectors(ctx)
	if !errors.Is(err, client.ErrUnauthorized) || err.Error() != "Forbidden" {
		t.Errorf("API Gateway 403: %v", err)
	}

	l, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := l.Addr().String()
	l.Close()
	c3, _ := client.New("http://" + addr)
	if _, err := c3.Connectors(ctx); !errors.Is(err, client.ErrUnreachable) {
		t.Errorf("closed port: %v", err)
	}
	for _, bad := range []string{"ftp://x", "http://", "::"} {
		if _, err := client.New(bad); err == nil {
			t.Errorf("New(%q) accepted", bad)
		}
	}
}

func TestClientBasicAuth(t *testing.T) {
	srv, _ := newServer(t, func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if u, p, ok := r.BasicAuth(); !ok || u != "u" || p != "p" {
				w.WriteHeader(http.StatusUnauthorized)
				return
			}
			next.ServeHTTP(w, r)
		})
	})
	ctx := context.Background()
	good, _ := client.New(srv.URL, client.WithBasicAuth("u", "p"))
	if _, err := good.Connectors(ctx); err != nil {
		t.Errorf("right credentials: %v", err)
	}
	bad, _ := client.New(srv.URL, client.WithBasicAuth("u", "x"))
	if _, err := bad.Connectors(ctx); !errors.Is(err, client.ErrUnauthorized) {
		t.Errorf("wrong credentials: %v", err)
	}
}

func TestClientRetriesRebalanceConflicts(t *testing.T) {
	var calls atomic.Int32
	srv, _ := newServer(t, func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if calls.Add(1) <= 2 {
				w.WriteHeader(http.StatusConflict)
				io.WriteString(w, `{"error_code":409,"message":"Cannot complete request momentarily due to stale configuration (typically caused by a concurrent config change)"}`)
				return
			}
			next.ServeHTTP(w, r)
		})
	})
	ctx := context.Background()
	c, _ := client.New(srv.URL)
	if _, err := c.Connectors(ctx); err != nil || calls.Load() != 3 {
		t.Errorf("after two rebalance 409s: err %v, %d calls", err, calls.Load())
	}
	calls.Store(0)
	noRetry, _ := client.New(srv.URL, client.WithConflictRetry(0))
	if _, err := noRetry.Connectors(ctx); !errors.Is(err, client.ErrConflict) || calls.Load() != 1 {
		t.Errorf("retry disabled: err %v, %d calls", err, calls.Load())
	}
	// "already exists" is a 409 too, and final.
	calls.Store(10)
	cfg := map[string]string{"connector.class": "TestSink", "topics": "t"}
	if _, err := c.CreateConnector(ctx, "dup", cfg, ""); err != nil {
		t.Fatal(err)
	}
	before := calls.Load()
	if _, err := c.CreateConnector(ctx, "dup", cfg, ""); !errors.Is(err, client.ErrConflict) || calls.Load()-before != 1 {
		t.Errorf("existing connector: err %v, %d calls", err, calls.Load()-before)
	}
}
