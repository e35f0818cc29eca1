package devstack

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/twmb/franz-go/pkg/sr"
	"github.com/twmb/franz-go/pkg/sr/srfake"
)

// SchemaRegistryOptions configures StartSchemaRegistry.
type SchemaRegistryOptions struct {
	// Port is the port on 127.0.0.1 to listen on. Default 0: a free port.
	Port int
	// BasicAuth, when User is set, makes the registry require these basic auth credentials.
	BasicAuth struct{ User, Password string }
}

// SchemaRegistry is franz-go's in-memory Schema Registry (pkg/sr/srfake) served over HTTP on
// 127.0.0.1. Its state lives as long as the handle; Pause and Resume take it off the network
// and back on the same port, to play a registry that is down for a while.
type SchemaRegistry struct {
	reg  *srfake.Registry
	addr string

	mu  sync.Mutex
	srv *http.Server
}

// StartSchemaRegistry serves a fresh srfake registry and waits until it answers GET /subjects.
func StartSchemaRegistry(ctx context.Context, opts SchemaRegistryOptions) (*SchemaRegistry, error) {
	var ropts []srfake.Option
	if opts.BasicAuth.User != "" {
		req, _ := http.NewRequest(http.MethodGet, "http://x", nil)
		req.SetBasicAuth(opts.BasicAuth.User, opts.BasicAuth.Password)
		ropts = append(ropts, srfake.WithAuth(req.Header.Get("Authorization")))
	}
	s := &SchemaRegistry{reg: srfake.NewRegistry(ropts...)}
	ln, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(opts.Port)))
	if err != nil {
		return nil, fmt.Errorf("schema registry: listen: %w", err)
	}
	s.addr = ln.Addr().String()
	s.serve(ln)
	if err := s.ready(ctx, opts); err != nil {
		_ = s.Close()
		return nil, err
	}
	return s, nil
}

func (s *SchemaRegistry) serve(ln net.Listener) {
	srv := &http.Server{Handler: s.reg.Handler(), ReadHeaderTimeout: 10 * time.Second}
	s.mu.Lock()
	s.srv = srv
	s.mu.Unlock()
	go func() { _ = srv.Serve(ln) }()
}

func (s *SchemaRegistry) ready(ctx context.Context, opts SchemaRegistryOptions) error {
	copts := []sr.ClientOpt{sr.URLs(s.URL())}
	if opts.BasicAuth.User != "" {
		copts = append(copts, sr.BasicAuth(opts.BasicAuth.User, opts.BasicAuth.Password))
	}
	cl, err := sr.NewClient(copts...)
	if err != nil {
		return fmt.Errorf("schema registry: %w", err)
	}
	for {
		if _, err = cl.Subjects(ctx); err == nil {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("schema registry: not ready at %s: %w", s.URL(), err)
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// URL is the registry's base URL, as converters' schema.registry.url takes it.
func (s *SchemaRegistry) URL() string { return "http://" + s.addr }

// Registry gives direct access to the registry's state (seeding, inspection).
func (s *SchemaRegistry) Registry() *srfake.Registry { return s.reg }

// Pause closes the listener and every open connection: clients get connection errors until
// Resume.
func (s *SchemaRegistry) Pause() error {
	s.mu.Lock()
	srv := s.srv
	s.srv = nil
	s.mu.Unlock()
	if srv == nil {
		return nil
	}
	return srv.Close()
}

// Resume serves the same registry on the same address again.
func (s *SchemaRegistry) Resume() error {
	s.mu.Lock()
	running := s.srv != nil
	s.mu.Unlock()
	if running {
		return nil
	}
	var ln net.Listener
	var err error
	for i := 0; i < 50; i++ { // the port may linger for a moment after Pause
		if ln, err = net.Listen("tcp", s.addr); err == nil {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err != nil {
		return fmt.Errorf("schema registry: listen again on %s: %w", s.addr, err)
	}
	s.serve(ln)
	return nil
}

// Close stops serving.
func (s *SchemaRegistry) Close() error {
	err := s.Pause()
	if errors.Is(err, http.ErrServerClosed) {
		return nil
	}
	return err
}
