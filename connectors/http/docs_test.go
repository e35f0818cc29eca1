package http

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/connectless/connectless/core/connect"
)

var update = flag.Bool("update", false, "rewrite the reference pages in docs/connectors/")

// referencePage renders a connector's reference page from its plugin value and ConfigDef.
func referencePage(title, intro string, p connect.Plugin) string {
	var b strings.Builder
	b.WriteString("# " + title + "\n\n")
	b.WriteString("<!-- Generated from the connector's ConfigDef by its package tests (go test -update); do not edit. -->\n\n")
	b.WriteString(intro + "\n\n")
	b.WriteString("* Class: `" + p.Class + "`\n")
	b.WriteString("* Type: " + string(p.Type) + "\n")
	b.WriteString("* Version: " + p.Version + "\n\n")
	b.WriteString(p.New().Config().MarkdownDocs())
	return strings.TrimRight(b.String(), "\n") + "\n"
}

// checkPage compares a generated page with docs/connectors/<name>.md, or writes it with -update.
func checkPage(t *testing.T, name, page string) {
	t.Helper()
	path := filepath.Join("..", "..", "docs", "connectors", name+".md")
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(page), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to generate it)", err)
	}
	if string(got) != page {
		t.Errorf("%s is out of date with the ConfigDef: run go test -update in this package", path)
	}
}

func TestReferenceDocs(t *testing.T) {
	checkPage(t, "http-sink", referencePage("HTTP sink",
		"Sends record values in batches to one URL, as a JSON array or as NDJSON. Struct, map, array, number and boolean "+
			"values are written as JSON; string and bytes values must already hold one JSON document. 2xx is success; 408, 429 "+
			"and 5xx are retried with exponential backoff, honouring Retry-After; 401, 403, 404, 405 and 407 fail the task "+
			"(wrong URL or credentials); another 4xx rejects the batch, which is split until the refused records are isolated "+
			"and sent to error handling (the dead-letter queue with `errors.tolerance=all`). Secrets (`connection.password`, "+
			"`bearer.token`) are PASSWORD keys: give them as config provider references.", Plugin))
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
