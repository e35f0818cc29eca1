package console

import (
	"context"
	"io"
	"net"
	"net/http"
	"strings"
)

// Forwarder sends one API request to a Connect REST endpoint, adding that endpoint's
// authentication, and returns the raw answer (client.Client.Forward does this).
type Forwarder func(ctx context.Context, method, pathQuery string, header http.Header, body []byte) (*http.Response, error)

// maxBody bounds a request body the proxy forwards.
const maxBody = 16 << 20

// Proxy serves the console under Prefix and forwards every other request to the endpoint
// behind forward, the way kubectl proxy does: the browser talks to a local listener without
// credentials and forward adds them (basic auth, SigV4). As any page the browser shows could
// otherwise make the browser send requests here, the proxy forwards only requests addressed
// to a loopback host name (no DNS rebinding) and, for methods that change state, only those
// carrying CSRFHeader and not marked cross-site by the browser.
func Proxy(forward Forwarder) http.Handler {
	ui := Handler()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !loopbackHost(r.Host) {
			http.Error(w, "console proxy: requests must address localhost or a loopback address", http.StatusForbidden)
			return
		}
		switch {
		case r.URL.Path == "/ui" || strings.HasPrefix(r.URL.Path, Prefix):
			ui.ServeHTTP(w, r)
			return
		case r.URL.Path == "/" && r.Method == http.MethodGet && strings.Contains(r.Header.Get("Accept"), "text/html"):
			http.Redirect(w, r, Prefix, http.StatusFound)
			return
		}
		if !safeMethod(r.Method) && (r.Header.Get(CSRFHeader) == "" || r.Header.Get("Sec-Fetch-Site") == "cross-site") {
			http.Error(w, "console proxy: state-changing request without the console's "+CSRFHeader+" header refused", http.StatusForbidden)
			return
		}
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
		if err != nil {
			http.Error(w, "console proxy: read request: "+err.Error(), http.StatusBadRequest)
			return
		}
		h := http.Header{}
		for _, k := range []string{"Content-Type", "Accept"} {
			if v := r.Header.Get(k); v != "" {
				h.Set(k, v)
			}
		}
		resp, err := forward(r.Context(), r.Method, r.URL.RequestURI(), h, body)
		if err != nil {
			http.Error(w, "console proxy: "+err.Error(), http.StatusBadGateway)
			return
		}
		defer resp.Body.Close()
		for _, k := range []string{"Content-Type", "Location"} {
			if v := resp.Header.Get(k); v != "" {
				w.Header().Set(k, v)
			}
		}
		w.WriteHeader(resp.StatusCode)
		_, _ = io.Copy(w, resp.Body)
	})
}

func safeMethod(m string) bool {
	return m == http.MethodGet || m == http.MethodHead || m == http.MethodOptions
}

// loopbackHost reports whether a Host header names this machine's loopback interface.
func loopbackHost(hostport string) bool {
	host, _, err := net.SplitHostPort(hostport)
	if err != nil {
		host = hostport
	}
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(strings.Trim(host, "[]"))
	return ip != nil && ip.IsLoopback()
}
