package http

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/connectless/connectless/core/connect"
	"github.com/connectless/connectless/core/connect/connecttest"
)

var update = flag.Bool("update", false, "rewrite the reference pages in docs/connectors/")

func TestReferenceDocs(t *testing.T) {
	connecttest.ReferenceDocs(t, *update, connecttest.DocsSpec{
		Name: "http-sink", Title: "HTTP sink", Plugin: Plugin,
		Intro: "Sends record values in batches to one URL, as a JSON array or as NDJSON. Struct, map, array, number and boolean " +
			"values are written as JSON; string and bytes values must already hold one JSON document. 2xx is success; 408, 429 " +
			"and 5xx are retried with exponential backoff, honouring Retry-After; 401, 403, 404, 405 and 407 fail the task " +
			"(wrong URL or credentials); another 4xx rejects the batch, which is split until the refused records are isolated " +
			"and sent to error handling (the dead-letter queue with `errors.tolerance=all`). Secrets (`connection.password`, " +
			"`bearer.token`) are PASSWORD keys: give them as config provider references.",
	})
}

func TestExampleValidates(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "..", "examples", "http-sink.properties"))
	if err != nil {
		t.Fatal(err)
	}
	props := map[string]string{}
	for _, line := range strings.Split(string(b), "\n") {
		if line = strings.TrimSpace(line); line != "" && !strings.HasPrefix(line, "#") {
			k, v, _ := strings.Cut(line, "=")
			props[k] = v
		}
	}
	if props["connector.class"] != Class {
		t.Fatalf("connector.class %q, want %s", props["connector.class"], Class)
	}
	c := &Connector{}
	infos := connect.ValidateAll(Class, props, c.Config())
	if err := c.Validate(t.Context(), props, &infos); err != nil {
		t.Fatal(err)
	}
	if err := infos.Err(); err != nil {
		t.Fatal(err)
	}
}
