package connecttest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/connectless/connectless/core/connect"
)

// DocsSpec is one connector reference page, docs/connectors/<Name>.md, generated from the
// plugin value and its ConfigDef.
type DocsSpec struct {
	// Name is the page's file name without ".md", e.g. "file-sink".
	Name string
	// Title is the page heading, e.g. "FileStream sink".
	Title string
	// Intro is the paragraph under the heading: what the connector does and how it keeps offsets.
	Intro string
	// Plugin is the connector; its class, aliases (when it has any), type, version and
	// ConfigDef make up the rest of the page.
	Plugin connect.Plugin
}

// DocsDir is where ReferenceDocs finds the pages, relative to a connector package's directory
// (connectors/<name>), which is where its tests run.
const DocsDir = "../../docs/connectors"

// ReferencePage renders a connector's reference page from its plugin value and ConfigDef.
func ReferencePage(spec DocsSpec) string {
	p := spec.Plugin
	var b strings.Builder
	b.WriteString("# " + spec.Title + "\n\n")
	b.WriteString("<!-- Generated from the connector's ConfigDef by its package tests (go test -update); do not edit. -->\n\n")
	b.WriteString(spec.Intro + "\n\n")
	b.WriteString("* Class: `" + p.Class + "`\n")
	if len(p.Aliases) > 0 {
		b.WriteString("* Aliases: `" + strings.Join(p.Aliases, "`, `") + "`\n")
	}
	b.WriteString("* Type: " + string(p.Type) + "\n")
	b.WriteString("* Version: " + p.Version + "\n\n")
	var checks []string
	if pf, ok := p.New().(connect.Preflighter); ok {
		checks = pf.PreflightChecks()
	}
	b.WriteString(PreflightSection(checks))
	b.WriteString(p.New().Config().MarkdownDocs())
	return strings.TrimRight(b.String(), "\n") + "\n"
}

// PreflightSection renders a connector's preflight checks (connect.Preflighter; none for a
// connector without that ability) for its reference page, with the checks the engine adds
// for every connector.
func PreflightSection(checks []string) string {
	var b strings.Builder
	b.WriteString("## Preflight checks\n\n")
	b.WriteString("Validation (`PUT /connector-plugins/{plugin}/config/validate`, `connectless validate`, `apply --dry-run`), " +
		"create and update run these live checks, within `preflight.timeout.ms` (5 s), and refuse the configuration with a " +
		"400 listing each problem on the key to change. With `" + connect.KeyPreflightEnable + "=false` (on the connector, or " +
		"the worker property) they run when a task starts instead, and a problem is the task's FAILED trace.\n\n")
	for _, c := range checks {
		b.WriteString("* " + c + "\n")
	}
	b.WriteString("* Kafka (for every connector): the brokers answer with the connector's security settings; a sink's topics " +
		"exist (or `topics.regex` matches one) unless the brokers create topics (`auto.create.topics.enable`), a source's " +
		"`topic`/`kafka.topic` exists or will be created (by a `topic.creation.*` group or by the brokers).\n")
	b.WriteString("* Schema Registry (for every connector whose key or value converter uses one): the registry answers with the " +
		"configured authentication.\n\n")
	return b.String()
}

// ReferenceDocs compares each page with its file under DocsDir and fails the test when one is
// missing or out of date, or when a key of the ConfigDef or a preflight check
// (connect.Preflighter) is absent from the page. With update
// set (a package's -update flag) it writes the pages instead.
//
//	var update = flag.Bool("update", false, "rewrite the reference pages in docs/connectors/")
//
//	func TestReferenceDocs(t *testing.T) {
//		connecttest.ReferenceDocs(t, *update, connecttest.DocsSpec{Name: "file-sink", Title: "FileStream sink", Intro: "…", Plugin: SinkPlugin})
//	}
func ReferenceDocs(t testing.TB, update bool, pages ...DocsSpec) {
	t.Helper()
	for _, spec := range pages {
		page := ReferencePage(spec)
		path := filepath.Join(filepath.FromSlash(DocsDir), spec.Name+".md")
		if update {
			if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, []byte(page), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		got, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (run go test -update to generate it)", err)
		}
		if string(got) != page {
			t.Errorf("%s is out of date with the ConfigDef: run go test -update in this package", path)
		}
		if pf, ok := spec.Plugin.New().(connect.Preflighter); ok {
			for _, c := range pf.PreflightChecks() {
				if !strings.Contains(page, c) {
					t.Errorf("%s: preflight check %q missing from the reference page", path, c)
				}
			}
		}
		for _, k := range spec.Plugin.New().Config().Names() {
			if !strings.Contains(page, k) {
				t.Errorf("%s: key %s missing from the reference page", path, k)
			}
		}
	}
}
