package sqldb

import (
	"flag"
	"testing"

	"github.com/connectless/connectless/core/connect"
	"github.com/connectless/connectless/core/connect/connecttest"
)

var update = flag.Bool("update", false, "rewrite the reference pages in docs/connectors/")

func TestReferenceDocs(t *testing.T) {
	connecttest.ReferenceDocs(t, *update, connecttest.DocsSpec{Name: "sql-source", Title: "JDBC source (PostgreSQL, MySQL/MariaDB)", Plugin: SourcePlugin,
		Intro: "Copies tables, or the result of one query, into topics, with the keys of Confluent's JDBC source. " +
			"`connection.url` takes `postgres://…`, `jdbc:postgresql://host:port/db`, `jdbc:mysql://host:port/db` or a MySQL DSN. " +
			"Tables are dealt over `tasks.max` tasks; column types map to Connect schemas (DECIMAL/NUMERIC to the Decimal logical " +
			"type by default, DATE/TIME/TIMESTAMP to Date/Time/Timestamp); a column type with no mapping fails validation and the task. " +
			"Source offsets are Confluent's: partition `{\"table\": <name>}` (or `{\"query\": \"query\"}`), offset " +
			"`{\"incrementing\": <id>}` and/or `{\"timestamp\": <epoch ms>, \"timestamp_nanos\": <nanos of the second>}`, so offsets " +
			"written by Kafka Connect resume here. Keys are null; values are structs named after the table.",
	}, connecttest.DocsSpec{Name: "sql-sink", Title: "JDBC sink (PostgreSQL, MySQL/MariaDB)", Plugin: SinkPlugin,
		Intro: "Writes struct records into tables, with the keys of Confluent's JDBC sink. Each Put is written in one transaction " +
			"(split by `batch.size`), so a failing batch leaves nothing behind. `insert.mode=upsert` uses `INSERT … ON CONFLICT " +
			"DO UPDATE` on PostgreSQL and `INSERT … ON DUPLICATE KEY UPDATE` on MySQL/MariaDB: a replayed batch leaves the rows as " +
			"they were, which makes at-least-once delivery yield exactly-once rows. Records whose value is not a struct with a " +
			"schema, or tombstones while `delete.enabled=false`, go to error handling (`errors.tolerance`, dead-letter queue); a " +
			"missing table without `auto.create`, or a new required field without a default, fails the task.",
	})
}

// TestExamplesValidate checks the example configurations against the ConfigDefs and the
// cross-key rules (without connecting).
func TestExamplesValidate(t *testing.T) {
	for _, ex := range []struct {
		file   string
		plugin connect.Plugin
		parse  func(map[string]string) error
	}{
		{"sql-source.properties", SourcePlugin, func(p map[string]string) error { _, err := parseSourceConfig(p); return err }},
		{"sql-sink.properties", SinkPlugin, func(p map[string]string) error { _, err := parseSinkConfig(p); return err }},
	} {
		props := connecttest.ExampleConfig(t, ex.file)
		if props["connector.class"] != ex.plugin.Class {
			t.Errorf("%s: connector.class %q, want %s", ex.file, props["connector.class"], ex.plugin.Class)
		}
		if err := connect.ValidateAll(ex.plugin.Class, props, ex.plugin.New().Config()).Err(); err != nil {
			t.Errorf("%s: %v", ex.file, err)
		}
		if err := ex.parse(props); err != nil {
			t.Errorf("%s: %v", ex.file, err)
		}
		if _, err := parseURL(props[ConnectionURLConfig], props[ConnectionUserConfig], "secret"); err != nil {
			t.Errorf("%s: %v", ex.file, err)
		}
	}
}
