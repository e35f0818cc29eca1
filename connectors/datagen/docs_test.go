package datagen

import (
	"encoding/json"
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
	checkPage(t, "datagen", referencePage("Datagen source",
		"Generates records from built-in templates, compatible with Confluent's kafka-connect-datagen: `quickstart` = "+
			"`applogs` (application log lines of about 220 bytes as JSON: ts, level, service, host, trace_id, msg, "+
			"http{method, path, status, latency_ms}; key host), `users` (key userid), `orders` (key orderid), `pageviews` "+
			"(key viewtime) or `clickstream` (key ip). Each of `tasks.max` tasks generates `iterations` records; record i of "+
			"task t depends only on (`random.seed`, t, i), so a seed makes output reproducible and a restart continues from the "+
			"committed offset `{\"task.id\": t}` → `{\"current.iteration\": i}`. Use `max.interval=0` for benchmarks.", Plugin))
}

func TestExampleValidates(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "..", "examples", "datagen-applogs.json"))
	if err != nil {
		t.Fatal(err)
	}
	var req struct {
		Name   string            `json:"name"`
		Config map[string]string `json:"config"`
	}
	if err := json.Unmarshal(b, &req); err != nil {
		t.Fatal(err)
	}
	if req.Name == "" || req.Config["connector.class"] != Class {
		t.Fatalf("example %+v: want a name and connector.class %s", req, Class)
	}
	c := &Connector{}
	infos := connect.ValidateAll(Class, req.Config, c.Config())
	if err := c.Validate(t.Context(), req.Config, &infos); err != nil {
		t.Fatal(err)
	}
	if err := infos.Err(); err != nil {
		t.Fatal(err)
	}
	if err := c.Start(t.Context(), req.Config); err != nil {
		t.Fatal(err)
	}
}
