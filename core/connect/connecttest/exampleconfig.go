package connecttest

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/connectless/connectless/core/connect"
)

// ExamplesDir is where ExampleConfig finds the example configurations, relative to a connector
// package's directory (connectors/<name>), which is where its tests run.
const ExamplesDir = "../../examples"

// ExampleConfig reads the example ExamplesDir/<name> and returns its connector configuration.
// A ".properties" file is Java properties (key=value lines, # comments); any other file is a
// REST create request's JSON, {"name": …, "config": {…}}, whose name must be set. A line that
// is not key=value, bad JSON or a missing name fails the test.
func ExampleConfig(t testing.TB, name string) map[string]string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(filepath.FromSlash(ExamplesDir), name))
	if err != nil {
		t.Fatal(err)
	}
	if strings.HasSuffix(name, ".properties") {
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
	var req struct {
		Name   string            `json:"name"`
		Config map[string]string `json:"config"`
	}
	if err := json.Unmarshal(b, &req); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if req.Name == "" {
		t.Fatalf("%s: create request %+v has no name", name, req)
	}
	return req.Config
}

// ValidateConfig validates props as the REST API's config/validate does: against c's
// ConfigDef, then with c's own Validate when c is a connect.Validator. An error from Validate
// fails the test; the returned results say what is wrong with the values (ConfigInfos.Err).
func ValidateConfig(t testing.TB, class string, props map[string]string, c connect.Connector) connect.ConfigInfos {
	t.Helper()
	infos := connect.ValidateAll(class, props, c.Config())
	if v, ok := c.(connect.Validator); ok {
		if err := v.Validate(t.Context(), props, &infos); err != nil {
			t.Fatal(err)
		}
	}
	return infos
}
