package datagen

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/connectless/connectless/core/connect"
	"github.com/connectless/connectless/core/connect/connecttest"
)

var update = flag.Bool("update", false, "rewrite the reference pages in docs/connectors/")

func TestReferenceDocs(t *testing.T) {
	connecttest.ReferenceDocs(t, *update, connecttest.DocsSpec{
		Name: "datagen", Title: "Datagen source", Plugin: Plugin,
		Intro: "Generates records from built-in templates, compatible with Confluent's kafka-connect-datagen: `quickstart` = " +
			"`applogs` (application log lines of about 220 bytes as JSON: ts, level, service, host, trace_id, msg, " +
			"http{method, path, status, latency_ms}; key host), `users` (key userid), `orders` (key orderid), `pageviews` " +
			"(key viewtime) or `clickstream` (key ip). Each of `tasks.max` tasks generates `iterations` records; record i of " +
			"task t depends only on (`random.seed`, t, i), so a seed makes output reproducible and a restart continues from the " +
			"committed offset `{\"task.id\": t}` → `{\"current.iteration\": i}`. Use `max.interval=0` for benchmarks.",
	})
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
