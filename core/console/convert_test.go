package console

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func post(t *testing.T, h http.Handler, target, body string) (int, string) {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, target, strings.NewReader(body)))
	return rec.Code, rec.Body.String()
}

// TestConvertRoundTrip turns a configuration into YAML and back: values that YAML would read
// as numbers, booleans or null, multi-line values and references come back as the same strings.
func TestConvertRoundTrip(t *testing.T) {
	h := Handler()
	cfg := map[string]string{"name": "c", "connector.class": "FileStreamSource", "tasks.max": "1", "ratio": "1.0",
		"flag": "true", "nothing": "null", "hex": "0x10", "lines": "a\nb", "topic.rename.format": "${topic}-restored",
		"comment": "# not a comment", "colon": "a: b", "empty": ""}
	in, _ := json.Marshal(cfg)
	code, yml := post(t, h, "/ui/convert?to=yaml", string(in))
	if code != http.StatusOK || !strings.Contains(yml, "connector.class: FileStreamSource\n") {
		t.Fatalf("to=yaml: %d %s", code, yml)
	}
	code, out := post(t, h, "/ui/convert?to=json", yml)
	var got struct {
		Name   string            `json:"name"`
		Config map[string]string `json:"config"`
	}
	if err := json.Unmarshal([]byte(out), &got); code != http.StatusOK || err != nil {
		t.Fatalf("to=json: %d %v %s", code, err, out)
	}
	if got.Name != "c" || len(got.Config) != len(cfg) {
		t.Errorf("round trip of %v = %+v", cfg, got)
	}
	for k, v := range cfg {
		if got.Config[k] != v {
			t.Errorf("round trip of %s = %q, want %q (YAML %s)", k, got.Config[k], v, yml)
		}
	}
}

// TestConvertYAML reads YAML as `connectless apply` does: unquoted numbers and booleans as
// strings, the {name, config} shape, and clear errors for what a configuration cannot hold.
func TestConvertYAML(t *testing.T) {
	h := Handler()
	for _, c := range []struct {
		name, target, body string
		code               int
		want               string
	}{
		{"flat", "/ui/convert?to=json", "name: c\ntasks.max: 2\nenabled: true\n", 200, `{"config":{"enabled":"true","name":"c","tasks.max":"2"},"name":"c"}`},
		{"nested shape", "/ui/convert?to=json", "name: c\nconfig:\n  topic: t\n", 200, `{"config":{"name":"c","topic":"t"},"name":"c"}`},
		{"list value", "/ui/convert?to=json", "name: c\ntopics: [a, b]\n", 400, `key \"topics\" must be a string, number or boolean, got a list`},
		{"no name", "/ui/convert?to=json", "topic: t\n", 400, `missing the mandatory 'name' configuration`},
		{"two documents", "/ui/convert?to=json", "name: a\n---\nname: b\n", 400, "exactly one connector"},
		{"not YAML", "/ui/convert?to=json", "name: [", 400, "invalid connector file"},
		{"not a JSON object", "/ui/convert?to=yaml", `["a"]`, 400, "JSON object of string values"},
		{"no direction", "/ui/convert", "{}", 400, "to must be yaml or json"},
	} {
		code, body := post(t, h, c.target, c.body)
		if code != c.code || !strings.Contains(body, c.want) {
			t.Errorf("%s: %d %s, want %d containing %s", c.name, code, body, c.code, c.want)
		}
	}
}

// TestProxyConverts checks that `connectless ui` converts itself, for any Connect REST
// endpoint behind it: the conversion never reaches the endpoint.
func TestProxyConverts(t *testing.T) {
	forwarded := false
	p := Proxy(func(context.Context, string, string, http.Header, []byte) (*http.Response, error) {
		forwarded = true
		return nil, errors.New("not forwarded")
	})
	code, body := post(t, p, "http://127.0.0.1:8084/ui/convert?to=json", "name: c\ntasks.max: 1\n")
	if code != http.StatusOK || body != `{"config":{"name":"c","tasks.max":"1"},"name":"c"}`+"\n" || forwarded {
		t.Errorf("convert through the proxy: %d %s (forwarded %v)", code, body, forwarded)
	}
}
