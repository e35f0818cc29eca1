package httpsink

import (
	"flag"
	"testing"

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
	props := connecttest.ExampleConfig(t, "http-sink.properties")
	if props["connector.class"] != Class {
		t.Fatalf("connector.class %q, want %s", props["connector.class"], Class)
	}
	if err := connecttest.ValidateConfig(t, Class, props, &Connector{}).Err(); err != nil {
		t.Fatal(err)
	}
}
