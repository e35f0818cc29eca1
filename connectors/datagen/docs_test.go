package datagen

import (
	"flag"
	"testing"

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
	props := connecttest.ExampleConfig(t, "datagen-applogs.json")
	if props["connector.class"] != Class {
		t.Fatalf("example %v: want connector.class %s", props, Class)
	}
	c := &Connector{}
	if err := connecttest.ValidateConfig(t, Class, props, c).Err(); err != nil {
		t.Fatal(err)
	}
	if err := c.Start(t.Context(), props); err != nil {
		t.Fatal(err)
	}
}
