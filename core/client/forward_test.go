package client_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/connectless/connectless/core/client"
)

// TestForward checks that Forward keeps the base URL's path prefix (an API Gateway stage),
// the request's escaping and query, adds the authentication, and returns error statuses as
// answers rather than errors; absolute URLs are refused.
func TestForward(t *testing.T) {
	var got *http.Request
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = r
		w.WriteHeader(http.StatusNotFound)
		io.WriteString(w, `{"error_code":404,"message":"Connector a/b not found"}`)
	}))
	t.Cleanup(srv.Close)
	c, err := client.New(srv.URL+"/prod", client.WithBasicAuth("u", "p"))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := c.Forward(context.Background(), http.MethodGet, "/connectors/a%2Fb/status?x=1", http.Header{"Accept": {"application/json"}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound || string(body) != `{"error_code":404,"message":"Connector a/b not found"}` {
		t.Errorf("answer = %d %s, want the server's 404 as is", resp.StatusCode, body)
	}
	if got.URL.EscapedPath() != "/prod/connectors/a%2Fb/status" || got.URL.RawQuery != "x=1" {
		t.Errorf("request reached %s?%s, want /prod/connectors/a%%2Fb/status?x=1", got.URL.EscapedPath(), got.URL.RawQuery)
	}
	if u, p, ok := got.BasicAuth(); !ok || u != "u" || p != "p" {
		t.Errorf("basic auth = %q %q %v, want u p", u, p, ok)
	}
	if _, err := c.Forward(context.Background(), http.MethodGet, "http://elsewhere/connectors", nil, nil); err == nil {
		t.Error("Forward of an absolute URL: no error")
	}
}
