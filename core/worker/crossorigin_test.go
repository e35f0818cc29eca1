package worker

import (
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestCrossOriginRequests checks what a browser page of another site may do with the REST
// listener, by default (only the API's own origin, as Kafka Connect's default "only allows
// access from the domain of the REST API") and with access.control.allow.origin set.
func TestCrossOriginRequests(t *testing.T) {
	brokers := newKafka(t, "t", 1)
	props := baseProps(t, brokers)
	props["access.control.allow.origin"] = "https://console.example.com"
	props["access.control.allow.methods"] = "GET,POST,PUT,DELETE"
	props[KeyBasicAuthFile] = writeUsers(t, "alice:"+hash(t, "s3cret"))
	_, c := startWorker(t, props, testRegistry(&collector{}))
	hc := &http.Client{Timeout: 10 * time.Second}

	send := func(method, path string, header map[string]string) (*http.Response, string) {
		t.Helper()
		req, _ := http.NewRequest(method, c.base+path, strings.NewReader(`{}`))
		req.SetBasicAuth("alice", "s3cret")
		req.Header.Set("Content-Type", "application/json")
		for k, v := range header {
			req.Header.Set(k, v)
		}
		resp, err := hc.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		return resp, string(b)
	}
	evil := map[string]string{"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"}
	allowed := map[string]string{"Origin": "https://console.example.com", "Sec-Fetch-Site": "cross-site"}

	// A page elsewhere cannot change state with the browser's cached credentials.
	resp, body := send("POST", "/connectors/x/restart", evil)
	if resp.StatusCode != http.StatusForbidden || !strings.Contains(body, `"error_code":403`) || !strings.Contains(body, "access.control.allow.origin") {
		t.Errorf("cross-site POST = %d %s, want 403 naming access.control.allow.origin", resp.StatusCode, body)
	}
	if resp.Header.Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("CORS header for an origin not allowed: %v", resp.Header)
	}
	// Without Sec-Fetch-Site, an Origin that is not the listener's is refused too.
	if resp, body := send("DELETE", "/connectors/x", map[string]string{"Origin": "https://evil.example"}); resp.StatusCode != http.StatusForbidden {
		t.Errorf("cross-origin DELETE = %d %s, want 403", resp.StatusCode, body)
	}
	// Reading is not a change: the browser keeps the answer from the page (no CORS header).
	if resp, _ := send("GET", "/connectors", evil); resp.StatusCode != http.StatusOK || resp.Header.Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("cross-site GET = %d %v", resp.StatusCode, resp.Header)
	}
	// Same origin, and clients that are not browsers, pass.
	if resp, body := send("POST", "/connectors/x/restart", map[string]string{"Sec-Fetch-Site": "same-origin"}); resp.StatusCode != http.StatusNotFound {
		t.Errorf("same-origin POST = %d %s, want the API's 404", resp.StatusCode, body)
	}
	if resp, body := send("POST", "/connectors/x/restart", nil); resp.StatusCode != http.StatusNotFound {
		t.Errorf("curl-style POST = %d %s, want the API's 404", resp.StatusCode, body)
	}

	// The allowed origin gets CORS answers: a preflight, then the request itself.
	resp, _ = send("OPTIONS", "/connectors/x", map[string]string{"Origin": "https://console.example.com", "Access-Control-Request-Method": "DELETE"})
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Access-Control-Allow-Origin") != "https://console.example.com" ||
		resp.Header.Get("Access-Control-Allow-Methods") != "GET,POST,PUT,DELETE" {
		t.Errorf("preflight = %d %v", resp.StatusCode, resp.Header)
	}
	resp, body = send("POST", "/connectors/x/restart", allowed)
	if resp.StatusCode != http.StatusNotFound || resp.Header.Get("Access-Control-Allow-Origin") != "https://console.example.com" {
		t.Errorf("allowed-origin POST = %d %s %v, want the API's 404 with CORS headers", resp.StatusCode, body, resp.Header)
	}
	// A preflight for a method not listed gets no Allow-Methods, so the browser stops there.
	resp, _ = send("OPTIONS", "/connectors/x", map[string]string{"Origin": "https://console.example.com", "Access-Control-Request-Method": "PATCH"})
	if resp.Header.Get("Access-Control-Allow-Methods") != "" {
		t.Errorf("preflight for PATCH allowed: %v", resp.Header)
	}
}

func TestCrossOriginConfigErrors(t *testing.T) {
	for _, bad := range []string{"console.example.com", "https://console.example.com/path", "https://"} {
		props := map[string]string{"state.backend": "memory", "listeners": "http://127.0.0.1:0", "access.control.allow.origin": bad}
		w, err := New(t.Context(), props, Options{Registry: testRegistry(&collector{})})
		if err == nil {
			w.closeResources()
			t.Fatalf("origin %q accepted", bad)
		}
		if !errors.Is(err, ErrConfig) || !strings.Contains(err.Error(), "access.control.allow.origin") {
			t.Errorf("origin %q: err = %v, want ErrConfig naming the key", bad, err)
		}
	}
}
