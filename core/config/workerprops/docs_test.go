package workerprops

import (
	"flag"
	"os"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the generated section of docs/worker.md")

const (
	docsPath  = "../../../docs/worker.md"
	beginMark = "<!-- BEGIN GENERATED: worker properties (core/config/workerprops, go test -update) -->\n"
	endMark   = "<!-- END GENERATED -->\n"
)

// TestWorkerDocs fails when docs/worker.md's property reference differs from the key table;
// `go test ./core/config/workerprops -update` rewrites it.
func TestWorkerDocs(t *testing.T) {
	b, err := os.ReadFile(docsPath)
	if err != nil {
		t.Fatal(err)
	}
	doc := string(b)
	i, j := strings.Index(doc, beginMark), strings.Index(doc, endMark)
	if i < 0 || j < i {
		t.Fatalf("%s has no generated section (%q … %q)", docsPath, beginMark, endMark)
	}
	want := doc[:i+len(beginMark)] + Markdown() + doc[j:]
	if want == doc {
		return
	}
	if *update {
		if err := os.WriteFile(docsPath, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Errorf("%s is out of date with the key table: run go test ./core/config/workerprops -update", docsPath)
}
