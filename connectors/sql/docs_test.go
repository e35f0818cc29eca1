package sql

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
		t.Errorf("%s is out of date with the ConfigDef: run go test -run TestReferenceDocs -update in this package", path)
	}
}

func TestReferenceDocs(t *testing.T) {
	checkPage(t, "sql-source", referencePage("JDBC source (PostgreSQL, MySQL/MariaDB)",
		"Copies tables, or the result of one query, into topics, with the keys of Confluent's JDBC source. "+
			"`connection.url` takes `postgres://…`, `jdbc:postgresql://host:port/db`, `jdbc:mysql://host:port/db` or a MySQL DSN. "+
			"Tables are dealt over `tasks.max` tasks; column types map to Connect schemas (DECIMAL/NUMERIC to the Decimal logical "+
			"type by default, DATE/TIME/TIMESTAMP to Date/Time/Timestamp); a column type with no mapping fails validation and the task. "+
			"Source offsets are Confluent's: partition `{\"table\": <name>}` (or `{\"query\": \"query\"}`), offset "+
			"`{\"incrementing\": <id>}` and/or `{\"timestamp\": <epoch ms>, \"timestamp_nanos\": <nanos of the second>}`, so offsets "+
			"written by Kafka Connect resume here. Keys are null; values are structs named after the table.", SourcePlugin))
	checkPage(t, "sql-sink", referencePage("JDBC sink (PostgreSQL, MySQL/MariaDB)",
		"Writes struct records into tables, with the keys of Confluent's JDBC sink. Each Put is written in one transaction "+
			"(split by `batch.size`), so a failing batch leaves nothing behind. `insert.mode=upsert` uses `INSERT … ON CONFLICT "+
			"DO UPDATE` on PostgreSQL and `INSERT … ON DUPLICATE KEY UPDATE` on MySQL/MariaDB: a replayed batch leaves the rows as "+
			"they were, which makes at-least-once delivery yield exactly-once rows. Records whose value is not a struct with a "+
			"schema, or tombstones while `delete.enabled=false`, go to error handling (`errors.tolerance`, dead-letter queue); a "+
			"missing table without `auto.create`, or a new required field without a default, fails the task.", SinkPlugin))
}

// loadExample reads examples/<name> as Java properties.
func loadExample(t *testing.T, name string) map[string]string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "examples", name))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, line := range strings.Split(string(b), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		if !ok {
			t.Fatalf("%s: line %q is not key=value", name, line)
		}
		out[strings.TrimSpace(k)] = strings.TrimSpace(v)
	}
	return out
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
		props := loadExample(t, ex.file)
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
