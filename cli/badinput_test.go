package main

import (
	"net"
	"strings"
	"testing"

	"github.com/urfave/cli/v2"
)

// closedURL is a URL nothing listens on.
func closedURL(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return "http://" + addr
}

func TestBadInput(t *testing.T) {
	s := startServer(t, nil)
	s.create(t, "c1", "connector.class", "FileStreamSource", "file", "/tmp/in", "topic", "t")
	dir := t.TempDir()
	malformed := writeFile(t, dir, "bad.json", "{\n  \"name\": \"x\",\n  \"topic\": t\n}")
	badYAML := writeFile(t, dir, "bad.yaml", "name: x\nconfig: [1, 2\n")
	nested := writeFile(t, dir, "nested.json", `{"name":"x","config":{"transforms":{"a":1}}}`)
	noName := writeFile(t, dir, "noname.properties", "connector.class=FileStreamSource\n")
	down := closedURL(t)

	cases := []struct {
		name string
		url  string
		args []string
		code int
		// want are substrings of the one-line error.
		want []string
	}{
		{"unknown connector", s.URL, []string{"describe", "connector", "nope"}, exitError,
			[]string{"Connector nope not found", "connectless get connectors"}},
		{"unknown connector on pause", s.URL, []string{"pause", "nope"}, exitError, []string{"Unknown connector nope"}},
		{"unknown task", s.URL, []string{"restart", "task", "c1/7"}, exitError, []string{"Unknown task: c1-7"}},
		{"unknown plugin", s.URL, []string{"plugins", "NoSuchConnector"}, exitError, []string{"Unknown plugin NoSuchConnector.", "connectless plugins"}},
		{"malformed JSON file", s.URL, []string{"apply", "-f", malformed}, exitError, []string{"bad.json: line 3, column 13", "invalid character"}},
		{"malformed YAML file", s.URL, []string{"apply", "-f", badYAML}, exitError, []string{"bad.yaml", "yaml"}},
		{"nested value", s.URL, []string{"apply", "-f", nested}, exitError, []string{`key "transforms" must be a string, number or boolean, got an object`}},
		{"no name", s.URL, []string{"validate", "-f", noName}, exitError, []string{"is missing the mandatory 'name' configuration: add a line name=..."}},
		{"missing file", s.URL, []string{"apply", "-f", dir + "/missing.json"}, exitError, []string{"missing.json", "no such file"}},
		{"server down", down, []string{"get", "connectors"}, exitError,
			[]string{"cannot reach the REST API at " + down, "connection refused", "connectless worker"}},
		{"not a Connect API", s.URL + "/nothing-here", []string{"get", "connectors"}, exitError, []string{"HTTP 404 Not Found"}},
		{"bad URL", "ftp://x", []string{"get", "connectors"}, exitUsage, []string{"scheme must be http or https"}},
		{"unknown command", s.URL, []string{"frobnicate"}, exitUsage, []string{`unknown command "frobnicate"`}},
		{"unknown resource", s.URL, []string{"get", "widgets"}, exitUsage, []string{`unknown get subcommand "widgets"`, "connectors"}},
		{"missing subcommand", s.URL, []string{"restart"}, exitUsage, []string{"restart needs a subcommand"}},
		{"unknown flag", s.URL, []string{"get", "connectors", "--frob"}, exitUsage, []string{"flag provided but not defined: -frob"}},
		{"missing argument", s.URL, []string{"describe", "connector"}, exitUsage, []string{"missing connector name"}},
		{"bad output format", s.URL, []string{"get", "connectors", "-o", "xml"}, exitUsage, []string{`unknown output format "xml"`}},
		{"bad task id", s.URL, []string{"restart", "task", "c1/x"}, exitUsage, []string{`task id "x"`}},
		{"missing -f", s.URL, []string{"apply"}, exitUsage, []string{"missing -f FILE"}},
		{"bad --set", s.URL, []string{"patch", "connector", "c1", "--set", "novalue"}, exitUsage, []string{"want key=value"}},
		{"nothing to patch", s.URL, []string{"patch", "connector", "c1"}, exitUsage, []string{"nothing to change"}},
		{"bad --sink", s.URL, []string{"offsets", "alter", "c1", "--sink", "t=1"}, exitUsage, []string{"want TOPIC:PARTITION=OFFSET"}},
		{"import without brokers", s.URL, []string{"offsets", "import", "c1"}, exitUsage, []string{"missing --bootstrap-servers"}},
		{"bad auth mode", s.URL, []string{"get", "connectors", "--auth", "kerberos"}, exitUsage, []string{`auth "kerberos"`}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := newCLI(t, tc.url).run(tc.args...)
			if r.code != tc.code {
				t.Fatalf("exit %d, want %d\nstdout: %s\nstderr: %s", r.code, tc.code, r.stdout, r.stderr)
			}
			lines := strings.Split(strings.TrimRight(r.stderr, "\n"), "\n")
			if !strings.HasPrefix(lines[0], "error: ") {
				t.Errorf("stderr does not start with 'error: ': %q", r.stderr)
			}
			wantLines := 1
			if tc.code == exitUsage {
				wantLines = 2 // plus "Run 'connectless ... --help' for usage."
			}
			if len(lines) != wantLines {
				t.Errorf("stderr has %d lines, want %d:\n%s", len(lines), wantLines, r.stderr)
			}
			for _, w := range tc.want {
				if !strings.Contains(lines[0], w) {
					t.Errorf("error line lacks %q: %q", w, lines[0])
				}
			}
			for _, bad := range []string{"goroutine ", "panic", ".go:"} {
				if strings.Contains(r.stderr, bad) {
					t.Errorf("stderr looks like a stack trace: %q", r.stderr)
				}
			}
		})
	}
}

// TestHelpHasExamples checks that every visible command's help shows at least one example.
func TestHelpHasExamples(t *testing.T) {
	app := newApp(newEnv())
	var walk func(prefix string, cmds []*cli.Command)
	count := 0
	walk = func(prefix string, cmds []*cli.Command) {
		for _, c := range cmds {
			if c.Hidden {
				continue // internal plumbing, not for people
			}
			name := prefix + " " + c.Name
			count++
			if !strings.Contains(c.Description, "Examples:\n  ") || !strings.Contains(c.Description, "connectless ") {
				t.Errorf("%s: help has no example", name)
			}
			walk(name, c.Subcommands)
		}
	}
	walk("connectless", app.Commands)
	if count < 30 {
		t.Errorf("only %d commands walked", count)
	}
	r := newCLI(t, "").ok("get", "tasks", "--help")
	if !strings.Contains(r.stdout, "connectless get tasks orders-archive") {
		t.Errorf("get tasks --help:\n%s", r.stdout)
	}
}

func TestCompletion(t *testing.T) {
	s := startServer(t, nil)
	s.create(t, "alpha", "connector.class", "FileStreamSource", "file", "/tmp/in", "topic", "t")
	s.create(t, "beta", "connector.class", "FileStreamSource", "file", "/tmp/in", "topic", "t")
	cli := newCLI(t, s.URL)
	for _, sh := range []string{"bash", "zsh", "fish"} {
		r := cli.ok("completion", sh)
		if !strings.Contains(r.stdout, "connectless") || len(r.stdout) < 100 {
			t.Errorf("completion %s: %q", sh, r.stdout)
		}
	}
	// urfave/cli reads os.Args for command completion: ask the real binary.
	out, err := binary(t, nil, "--generate-bash-completion").Output()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []string{"get", "describe", "apply", "offsets", "config"} {
		if !strings.Contains(string(out), c+"\n") {
			t.Errorf("top-level completion lacks %s:\n%s", c, out)
		}
	}
	r := cli.ok("describe", "connector", "--generate-bash-completion")
	if r.stdout != "alpha\nbeta\n" {
		t.Errorf("connector name completion: %q", r.stdout)
	}
	if r := cli.run("completion", "tcsh"); r.code != exitUsage {
		t.Errorf("completion tcsh: exit %d", r.code)
	}
}
