package rest

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/connectless/connectless/core/connect"
	"github.com/connectless/connectless/core/internal/herder"
	"github.com/connectless/connectless/core/rest/resttest"
	"github.com/connectless/connectless/core/store/memory"
)

// shellWords splits a command line as sh would for the quoting the docs use, expanding $URL
// and $JSON outside single quotes.
func shellWords(line string, vars map[string]string) []string {
	var words []string
	var w strings.Builder
	in := false
	expand := func(s string) string {
		for k, v := range vars {
			s = strings.ReplaceAll(s, "$"+k, v)
		}
		return s
	}
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch {
		case c == '\'':
			j := strings.IndexByte(line[i+1:], '\'')
			w.WriteString(line[i+1 : i+1+j])
			i += j + 1
			in = true
		case c == '"':
			j := strings.IndexByte(line[i+1:], '"')
			w.WriteString(expand(line[i+1 : i+1+j]))
			i += j + 1
			in = true
		case c == ' ' || c == '\t':
			if in {
				words = append(words, w.String())
				w.Reset()
				in = false
			}
		default:
			if c == '$' {
				j := i + 1
				for j < len(line) && (line[j] >= 'A' && line[j] <= 'Z') {
					j++
				}
				w.WriteString(expand(line[i:j]))
				i = j - 1
			} else {
				w.WriteByte(c)
			}
			in = true
		}
	}
	if in {
		words = append(words, w.String())
	}
	return words
}

// TestDocsCurlExamples runs every curl example of docs/rest.md, in order, against the
// handler: each documented endpoint exists (no routing 404/405) and none answers 5xx.
func TestDocsCurlExamples(t *testing.T) {
	cmds := resttest.CurlExamples(t, "../../docs/rest.md", 30)
	reg, err := connect.NewRegistry(
		connect.Plugin{Class: "org.apache.kafka.connect.file.FileStreamSourceConnector", Type: connect.PluginSource, Version: "3.9.0",
			New: func() connect.Connector { return &testSource{} }},
		connect.Plugin{Class: "org.apache.kafka.connect.file.FileStreamSinkConnector", Type: connect.PluginSink, Version: "3.9.0",
			New: func() connect.Connector { return testSink{} }},
	)
	if err != nil {
		t.Fatal(err)
	}
	h, err := herder.New(herder.Config{Store: memory.New(), Plugins: reg, Validate: testValidate, PluginConfig: testPluginConfig, WorkerID: "w:8083", Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	loggers := NewLoggers(nil)
	loggers.Level("connectless.herder")
	srv := httptest.NewServer(New(h, Options{Version: "3.9.0", Loggers: loggers, Logger: slog.New(slog.DiscardHandler)}))
	defer srv.Close()
	vars := map[string]string{"URL": srv.URL, "JSON": "Content-Type: application/json"}
	for _, line := range cmds {
		words := shellWords(line, vars)
		method, target, body := "GET", "", ""
		header := http.Header{}
		for i := 1; i < len(words); i++ {
			switch words[i] {
			case "-s":
			case "-X":
				i++
				method = words[i]
			case "-H":
				i++
				k, v, _ := strings.Cut(words[i], ":")
				header.Set(k, strings.TrimSpace(v))
			case "-d":
				i++
				body = words[i]
				if method == "GET" {
					method = "POST"
				}
			default:
				target = words[i]
			}
		}
		req, err := http.NewRequestWithContext(context.Background(), method, target, strings.NewReader(body))
		if err != nil {
			t.Fatalf("%s: %v", line, err)
		}
		req.Header = header
		resp, err := srv.Client().Do(req)
		if err != nil {
			t.Fatalf("%s: %v", line, err)
		}
		got, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resttest.Undocumented(resp.StatusCode, got) {
			t.Errorf("%s\n  -> %d %s", line, resp.StatusCode, got)
		}
	}
}
