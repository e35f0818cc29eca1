package main

import (
	"context"
	"strings"
	"testing"

	"github.com/connectless/connectless/core/connect"
)

// greetingSource is a test connector whose config has a PASSWORD key with a name no
// heuristic would call secret ("pin"), so hiding it proves the plugin's key types are used.
type greetingSource struct{}

func (greetingSource) Version() string { return "2.1.0" }
func (greetingSource) Config() *connect.ConfigDef {
	return connect.NewConfigDef().
		Define(connect.ConfigKey{Name: "greeting", Type: connect.ConfigString, Required: true, Importance: connect.High,
			Doc: "What to say. Required."}).
		Define(connect.ConfigKey{Name: "pin", Type: connect.ConfigPassword, Default: "", Importance: connect.Medium,
			Doc: "A secret number.\nSecond line of the doc."}).
		Define(connect.ConfigKey{Name: "repeat", Type: connect.ConfigInt, Default: 3, Importance: connect.Low,
			Doc: "How many times. Default 3."})
}
func (greetingSource) Start(context.Context, map[string]string) error { return nil }
func (greetingSource) TaskConfigs(max int) ([]map[string]string, error) {
	return []map[string]string{{}}, nil
}
func (greetingSource) Stop() error                 { return nil }
func (greetingSource) NewTask() connect.SourceTask { return nil }

var greetingPlugin = connect.Plugin{Class: "org.example.GreetingSource", Type: connect.PluginSource, Version: "2.1.0",
	New: func() connect.Connector { return greetingSource{} }}

func TestPluginDocsAndTypedSecrets(t *testing.T) {
	s := startServer(t, nil)
	s.create(t, "hello", "connector.class", "GreetingSource", "greeting", "hi", "pin", "4711")
	cli := newCLI(t, s.URL)
	r := cli.ok("plugins", "GreetingSource")
	// The plugin's own keys come first, documented by their first line.
	lines := strings.Split(r.stdout, "\n")
	golden(t, "plugin-greeting.table", strings.Join(lines[:4], "\n")+"\n")
	for _, format := range []string{"table", "json", "yaml"} {
		r := cli.ok("describe", "connector", "hello", "-o", format)
		if strings.Contains(r.stdout, "4711") || !strings.Contains(r.stdout, "[hidden]") {
			t.Errorf("-o %s: the PASSWORD key is not hidden:\n%s", format, r.stdout)
		}
	}
	f := writeFile(t, t.TempDir(), "hello.json", `{"name":"hello","connector.class":"GreetingSource","greeting":"hi","pin":"1234"}`)
	r = cli.ok("apply", "-f", f, "--dry-run")
	if strings.Contains(r.stdout, "4711") || strings.Contains(r.stdout, "1234") || !strings.Contains(r.stdout, "~ pin: [hidden] -> [hidden] (changed)") {
		t.Errorf("dry-run diff shows a secret:\n%s", r.stdout)
	}
}
