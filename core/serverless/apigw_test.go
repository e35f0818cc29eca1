package serverless

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// echo answers with what it received, so that the response shows the request's mapping,
// and a binary body when asked.
var echo = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	if r.URL.Query().Get("binary") == "1" {
		w.Header().Set("Content-Type", "application/octet-stream")
		w.Write([]byte{0xff, 0x00, 0xfe})
		return
	}
	var hs []string
	for k, vs := range r.Header {
		hs = append(hs, k+"="+strings.Join(vs, "|"))
	}
	sort.Strings(hs)
	w.Header().Set("Content-Type", "application/json")
	w.Header().Add("Set-Cookie", "s=1")
	w.Header().Add("Set-Cookie", "t=2")
	w.WriteHeader(http.StatusAccepted)
	json.NewEncoder(w).Encode(map[string]any{
		"method": r.Method, "path": r.URL.Path, "escaped": r.URL.EscapedPath(), "query": r.URL.Query(),
		"headers": hs, "host": r.Host, "remote": r.RemoteAddr, "body": string(body), "length": r.ContentLength,
	})
})

// TestAPIGatewayGolden maps recorded v1 and v2 events to requests and back; the responses
// are compared with testdata/*.golden (go test -update rewrites them).
func TestAPIGatewayGolden(t *testing.T) {
	for _, name := range []string{"v1-post", "v2-get"} {
		t.Run(name, func(t *testing.T) {
			in, err := os.ReadFile(filepath.Join("testdata", name+".json"))
			if err != nil {
				t.Fatal(err)
			}
			resp, err := APIGateway{Handler: echo}.Invoke(context.Background(), in)
			if err != nil {
				t.Fatal(err)
			}
			got, _ := json.MarshalIndent(resp, "", "  ")
			checkGolden(t, name, got)
		})
	}
}

// checkGolden compares got with testdata/<name>.golden, which -update rewrites first.
func checkGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	golden := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from %s:\n%s", name, golden, got)
	}
}

func TestAPIGatewayMapping(t *testing.T) {
	type echoed struct {
		Method, Path, Escaped, Host, Remote, Body string
		Query                                     map[string][]string
		Headers                                   []string
		Length                                    int64
	}
	tests := []struct {
		name  string
		event string
		check func(t *testing.T, status int, e echoed)
	}{
		{"v1 path escapes, multi-value query and headers, base64 body", mustRead(t, "v1-post.json"), func(t *testing.T, status int, e echoed) {
			if e.Method != "PUT" || e.Path != "/connectors/my conn/config" || e.Escaped != "/connectors/my%20conn/config" {
				t.Errorf("method/path %s %s (%s)", e.Method, e.Path, e.Escaped)
			}
			if fmt.Sprint(e.Query["expand"]) != "[status info]" || e.Body != `{"topics":"logs"}` || e.Length != 17 {
				t.Errorf("query %v body %q length %d", e.Query, e.Body, e.Length)
			}
			if !contains(e.Headers, "X-Trace=a|b") || e.Host != "api.example.com" || e.Remote != "10.0.0.1:0" {
				t.Errorf("headers %v host %q remote %q", e.Headers, e.Host, e.Remote)
			}
		}},
		{"v2 stage prefix removed, raw query, cookies", mustRead(t, "v2-get.json"), func(t *testing.T, status int, e echoed) {
			if e.Method != "GET" || e.Path != "/connectors" || fmt.Sprint(e.Query["expand"]) != "[status info]" {
				t.Errorf("method/path/query %s %s %v", e.Method, e.Path, e.Query)
			}
			if !contains(e.Headers, "Cookie=a=1; b=2") || e.Body != "" || e.Length != 0 {
				t.Errorf("headers %v body %q", e.Headers, e.Body)
			}
		}},
		{"v2 default stage keeps the path", `{"version":"2.0","rawPath":"/prod/x","requestContext":{"stage":"$default","http":{"method":"DELETE"}}}`,
			func(t *testing.T, status int, e echoed) {
				if e.Path != "/prod/x" || e.Method != "DELETE" {
					t.Errorf("path %s method %s", e.Path, e.Method)
				}
			}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			resp, err := APIGateway{Handler: echo}.Invoke(context.Background(), []byte(tc.event))
			if err != nil {
				t.Fatal(err)
			}
			b, _ := json.Marshal(resp)
			var r struct {
				StatusCode int
				Body       string
			}
			json.Unmarshal(b, &r)
			var e echoed
			if err := json.Unmarshal([]byte(r.Body), &e); err != nil {
				t.Fatalf("body %q: %v", r.Body, err)
			}
			tc.check(t, r.StatusCode, e)
		})
	}
}

func TestAPIGatewayBinaryResponse(t *testing.T) {
	for _, ev := range []string{
		`{"httpMethod":"GET","path":"/x","queryStringParameters":{"binary":"1"}}`,
		`{"version":"2.0","rawPath":"/x","rawQueryString":"binary=1","requestContext":{"http":{"method":"GET"}}}`,
	} {
		resp, err := APIGateway{Handler: echo}.Invoke(context.Background(), []byte(ev))
		if err != nil {
			t.Fatal(err)
		}
		b, _ := json.Marshal(resp)
		var r struct {
			Body            string `json:"body"`
			IsBase64Encoded bool   `json:"isBase64Encoded"`
		}
		json.Unmarshal(b, &r)
		if !r.IsBase64Encoded || r.Body != "/wD+" {
			t.Errorf("%s: body %q base64 %v, want /wD+ base64-encoded", ev, r.Body, r.IsBase64Encoded)
		}
	}
}

func TestAPIGatewayBadEvents(t *testing.T) {
	tests := []struct{ name, event, want string }{
		{"not JSON", `{"httpMethod":`, "decode API Gateway event"},
		{"no method", `{"path":"/connectors"}`, "no HTTP method"},
		{"v2 no method", `{"version":"2.0","rawPath":"/connectors"}`, "no HTTP method"},
		{"bad base64", `{"httpMethod":"POST","path":"/c","body":"***","isBase64Encoded":true}`, "base64 body"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := APIGateway{Handler: echo}.Invoke(context.Background(), []byte(tc.event))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %v, want an error mentioning %q", err, tc.want)
			}
		})
	}
}

func mustRead(t *testing.T, name string) string {
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func contains(list []string, s string) bool {
	for _, e := range list {
		if e == s {
			return true
		}
	}
	return false
}
