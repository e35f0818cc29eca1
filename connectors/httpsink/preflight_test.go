package httpsink

import (
	"context"
	"errors"
	"net"
	nethttp "net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/connectless/connectless/core/connect"
)

// The connector offers the engine's optional live checks.
var _ connect.Preflighter = (*Connector)(nil)

// preflightErrors runs validation as the engine does (ConfigDef, Validate, then Preflight
// with a short deadline) and returns the errors on http.api.url and the error count.
func preflightErrors(t *testing.T, props map[string]string) ([]string, int) {
	t.Helper()
	c := &Connector{}
	infos := connect.ValidateAll(Class, props, c.Config())
	if err := c.Validate(t.Context(), props, &infos); err != nil {
		t.Fatal(err)
	}
	if infos.ErrorCount == 0 {
		ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
		defer cancel()
		if err := c.Preflight(ctx, props, &infos); err != nil {
			t.Fatal(err)
		}
	}
	for _, ci := range infos.Configs {
		if ci.Value != nil && ci.Value.Name == URLConfig {
			return ci.Value.Errors, infos.ErrorCount
		}
	}
	return nil, infos.ErrorCount
}

// closedURL is the URL of a port nothing listens on any more.
func closedURL(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return "http://" + addr + "/ingest"
}

// silentURL is the URL of a server that accepts connections and never answers.
func silentURL(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			t.Cleanup(func() { c.Close() })
		}
	}()
	return "http://" + l.Addr().String() + "/ingest"
}

const secret = "Wr0ng-S3cret"

func TestPreflight(t *testing.T) {
	var heads int
	answering := httptest.NewServer(nethttp.HandlerFunc(func(w nethttp.ResponseWriter, r *nethttp.Request) {
		if r.Method == nethttp.MethodHead {
			heads++
		}
		w.WriteHeader(nethttp.StatusMethodNotAllowed) // any status is an answer
	}))
	defer answering.Close()
	tlsServer := httptest.NewTLSServer(nethttp.NotFoundHandler())
	defer tlsServer.Close()
	closed := closedURL(t)
	for _, tc := range []struct {
		name  string
		url   string
		extra []string
		want  string // "" for no error
	}{
		{"answers with any status", answering.URL + "/ingest", nil, ""},
		{"connection refused", closed, nil, "connection refused"},
		{"credentials in the URL are not shown", strings.Replace(closed, "http://", "http://user:"+secret+"@", 1) + "?token=" + secret, nil, "connection refused"},
		{"unknown host", "http://no-such-host.invalid/ingest", nil, `host "no-such-host.invalid" is not known`},
		{"untrusted certificate", tlsServer.URL, nil, "TLS certificate"},
		{"https to a plain HTTP server", strings.Replace(answering.URL, "http://", "https://", 1), nil, "server gave HTTP response to HTTPS client): check http.api.url"},
		{"no answer", silentURL(t), []string{RequestTimeoutConfig, "300"}, "did not answer"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			props := config(tc.url, tc.extra...)
			errs, count := preflightErrors(t, props)
			if tc.want == "" {
				if count != 0 {
					t.Fatalf("errors on a reachable URL: %v", errs)
				}
				return
			}
			if len(errs) != 1 || count != 1 || !strings.Contains(errs[0], tc.want) {
				t.Fatalf("errors on %s = %v (%d in all), want one holding %q", URLConfig, errs, count, tc.want)
			}
			if strings.Contains(errs[0], secret) || strings.Contains(errs[0], "\n") {
				t.Errorf("%q shows a secret or spans lines", errs[0])
			}
			t.Logf("%s: %s", URLConfig, errs[0])
			// With preflight off the task's first delivery fails with the same line.
			task, _ := startTask(t, withKV(props, MaxRetriesConfig, "0"))
			if err := task.Put(t.Context(), records(1)); err != nil {
				t.Fatal(err)
			}
			err := task.Flush(t.Context(), nil)
			if err == nil || !strings.Contains(err.Error(), URLConfig+": "+errs[0]) || strings.Contains(err.Error(), secret) {
				t.Errorf("first delivery: %v, want it to carry %q", err, errs[0])
			}
			var re *reachError
			if !errors.As(err, &re) {
				t.Errorf("first delivery: %T is no reachError", err)
			}
		})
	}
	if heads == 0 {
		t.Error("the reachable server saw no HEAD request")
	}
}

func withKV(props map[string]string, kv ...string) map[string]string {
	for i := 0; i+1 < len(kv); i += 2 {
		props[kv[i]] = kv[i+1]
	}
	return props
}
