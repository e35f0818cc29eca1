package main

import (
	"os/exec"
	"slices"
	"strings"
	"testing"
)

const module = "github.com/connectless/connectless/"

// deps lists the packages pkg links, by go list.
func deps(t *testing.T, pkg string) []string {
	t.Helper()
	out, err := exec.Command("go", "list", "-deps", pkg).Output()
	if err != nil {
		t.Fatalf("go list -deps %s: %v", pkg, err)
	}
	return strings.Fields(string(out))
}

// TestLinksWhatTheTaskFunctionLinks keeps P2's task process honest: every package of this
// module it links is one the task function links too (but the bench's own job code), and
// it links no iceberg-go.
func TestLinksWhatTheTaskFunctionLinks(t *testing.T) {
	task := deps(t, "../../../functions/task")
	if !slices.Contains(task, module+"core/serverless") {
		t.Fatalf("the task function links no core/serverless: %v", task)
	}
	child := deps(t, ".")
	for _, p := range child {
		switch {
		case strings.HasPrefix(p, "github.com/apache/iceberg-go"):
			t.Errorf("links %s", p)
		case strings.HasPrefix(p, module+"infra/bench/"):
		case strings.HasPrefix(p, module) && !slices.Contains(task, p):
			t.Errorf("links %s, which the task function does not", p)
		}
	}
}
