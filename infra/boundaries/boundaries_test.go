package boundaries

import (
	"bytes"
	"encoding/json"
	"os/exec"
	"slices"
	"strings"
	"testing"

	"github.com/connectless/connectless/infra/devstack"
)

const module = "github.com/connectless/connectless/"

// pkg is what go list says of one package: its path without the module prefix and the module
// packages its non-test files import, also without the prefix.
type pkg struct {
	path    string
	imports []string
}

// listPackages lists every package of the module with its non-test imports of the module.
func listPackages(t *testing.T) []pkg {
	t.Helper()
	root, err := devstack.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("go", "list", "-json=ImportPath,Imports", "./...")
	cmd.Dir = root
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, stderr.Bytes())
	}
	var pkgs []pkg
	dec := json.NewDecoder(bytes.NewReader(out))
	for dec.More() {
		var p struct {
			ImportPath string
			Imports    []string
		}
		if err := dec.Decode(&p); err != nil {
			t.Fatal(err)
		}
		var own []string
		for _, imp := range p.Imports {
			if rest, ok := strings.CutPrefix(imp, module); ok {
				own = append(own, rest)
			}
		}
		pkgs = append(pkgs, pkg{path: strings.TrimPrefix(p.ImportPath, module), imports: own})
	}
	if len(pkgs) == 0 {
		t.Fatal("go list found no packages")
	}
	return pkgs
}

// under reports whether path is dir or inside it.
func under(path, dir string) bool { return path == dir || strings.HasPrefix(path, dir+"/") }

// sdk reports whether a connector may import path: the SDK (core/connect and its
// sub-packages) and the archive layout and formats the S3 connectors share.
func sdk(path string) bool { return under(path, "core/connect") || under(path, "connectors/archive") }

// isConnector reports whether path is a connector package (or inside one). The connectors
// package itself and connectors/light are lists of shipped plugins, which the binaries import.
func isConnector(path string) bool {
	return strings.HasPrefix(path, "connectors/") && !under(path, "connectors/archive") && path != "connectors/light"
}

// ownPart reports whether a connector package may import imp as part of the same connector:
// a connector split into packages (connectors/iceberg and connectors/iceberg/icebergconfig,
// the part that links without iceberg-go) imports its own sub-packages.
func ownPart(path, imp string) bool {
	dir := strings.Join(strings.SplitN(path, "/", 3)[:min(2, strings.Count(path, "/")+1)], "/")
	return under(imp, dir)
}

// public are the packages of core/ that code outside core/ (the CLI, the functions, infra,
// examples) may import: the SDK and what a program wires to run the engine. The engine's
// own layers (core/internal/...) are reached through core/startup,
// core/worker, core/serverless and core/taskrun, never directly.
var public = []struct{ dir, why string }{
	{"core/connect", "the SDK"},
	{"core/config", "connector validation, worker properties and config providers"},
	{"core/convert", "the converters a program registers"},
	{"core/transform", "the transformations a program registers"},
	{"core/client", "the REST client"},
	{"core/restapi", "the REST entities the client and the server share"},
	{"core/startup", "the way in: worker properties to a running herder and task environment"},
	{"core/worker", "the long-lived worker a program runs with its own connectors"},
	{"core/serverless", "the Lambda functions a program builds with its own connectors"},
	{"core/rest", "the REST server's options for a program that serves the API"},
	{"core/console", "the web console the CLI and the demo serve"},
	{"core/memtune", "the memory limit a function's main sets before anything runs"},
	{"core/store", "the state backends a program opens and migrates"},
	{"core/kafka", "the Kafka client a program opens for topics and records"},
	{"core/taskrun", "one task slice run from a payload, as the functions and the CLI do"},
	{"core/schedule", "the payloads and schedules the scheduler deals"},
	{"core/connfile", "connector configuration files as the CLI reads them"},
}

// reachable reports whether code outside core/ may import path.
func reachable(path string) bool {
	return !under(path, "core") || slices.ContainsFunc(public, func(p struct{ dir, why string }) bool { return under(path, p.dir) })
}

// forbidden are imports between engine packages that must stay apart.
var forbidden = []struct{ from, to, why string }{
	{"core/worker", "core/serverless", "the worker and the Lambda functions share their start-up through lower packages"},
	{"core/client", "core/internal/herder", "the client needs only the REST entities of core/restapi"},
	{"core/rest", "core/store", "the REST server speaks to the herder, never to the store"},
	{"core/connect", "core/", "the SDK imports nothing of the engine"},
}

// known are violations that exist while a move is under way; each names the move. An entry
// that no longer matches fails the test, so the list only shrinks.
var known = []struct{ from, to string }{}

func violations(pkgs []pkg) [][2]string {
	var out [][2]string
	for _, p := range pkgs {
		for _, imp := range p.imports {
			bad := isConnector(p.path) && !sdk(imp) && !ownPart(p.path, imp) || !under(p.path, "core") && !reachable(imp)
			for _, f := range forbidden {
				if under(p.path, f.from) && under(imp, strings.TrimSuffix(f.to, "/")) && !under(imp, f.from) {
					bad = true
				}
			}
			if bad {
				out = append(out, [2]string{p.path, imp})
			}
		}
	}
	return out
}

func TestImportBoundaries(t *testing.T) {
	found := violations(listPackages(t))
	for _, v := range found {
		if !slices.ContainsFunc(known, func(k struct{ from, to string }) bool { return k.from == v[0] && k.to == v[1] }) {
			t.Errorf("%s imports %s", v[0], v[1])
		}
	}
	for _, k := range known {
		if !slices.Contains(found, [2]string{k.from, k.to}) {
			t.Errorf("%s no longer imports %s: drop the known exception", k.from, k.to)
		}
	}
}

// The rules catch what they are meant to, on made-up packages.
func TestViolations(t *testing.T) {
	pkgs := []pkg{
		{"connectors/good", []string{"core/connect", "core/connect/javacompat", "connectors/archive/layout"}},
		{"connectors/bad", []string{"core/connect", "core/kafka"}},
		{"connectors/sibling", []string{"connectors/good"}},
		{"connectors/split", []string{"core/connect", "connectors/split/conf"}},
		{"connectors/splitter", []string{"connectors/split/conf"}},
		{"connectors", []string{"connectors/good", "core/config"}},
		{"connectors/light", []string{"connectors/good", "core/config"}},
		{"connectors/light/sub", []string{"connectors/good"}},
		{"connectors/archive/layout", []string{"core/connect"}},
		{"core/client", []string{"core/restapi", "core/internal/herder"}},
		{"core/rest", []string{"core/internal/herder", "core/store"}},
		{"core/worker", []string{"core/serverless", "core/internal/herder"}},
		{"core/connect/connecttest", []string{"core/connect", "core/internal/taskslice"}},
		{"cli", []string{"core/startup", "core/store/bolt", "core/internal/taskslice", "core/internal/herder", "connectors/file"}},
		{"core/taskrun", []string{"core/internal/taskslice", "core/internal/preflight"}},
	}
	want := [][2]string{
		{"connectors/bad", "core/kafka"},
		{"connectors/sibling", "connectors/good"},
		{"connectors/splitter", "connectors/split/conf"},
		{"connectors/light/sub", "connectors/good"},
		{"core/client", "core/internal/herder"},
		{"core/rest", "core/store"},
		{"core/worker", "core/serverless"},
		{"core/connect/connecttest", "core/internal/taskslice"},
		{"cli", "core/internal/taskslice"},
		{"cli", "core/internal/herder"},
	}
	if got := violations(pkgs); !slices.Equal(got, want) {
		t.Errorf("violations = %v\nwant %v", got, want)
	}
}
