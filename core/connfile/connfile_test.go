package connfile

import (
	"errors"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	cases := []struct {
		name, file, content string
		want                []Connector
	}{
		{"flat json with numbers", "a.json", `{"name":"a","tasks.max":2,"x.enable":true,"ratio":1.50}`,
			[]Connector{{Name: "a", Config: map[string]string{"name": "a", "tasks.max": "2", "x.enable": "true", "ratio": "1.50"}}}},
		{"create body json", "b.json", `{"name":"b","config":{"k":"v"},"initial_state":"stopped"}`,
			[]Connector{{Name: "b", Config: map[string]string{"name": "b", "k": "v"}, InitialState: "STOPPED"}}},
		{"name only in config", "c.json", `{"config":{"name":"c","k":"v"}}`,
			[]Connector{{Name: "c", Config: map[string]string{"name": "c", "k": "v"}}}},
		{"json array", "d.json", `[{"name":"d1"},{"name":"d2","config":{}}]`,
			[]Connector{{Name: "d1", Config: map[string]string{"name": "d1"}}, {Name: "d2", Config: map[string]string{"name": "d2"}}}},
		{"yaml documents", "e.yaml", "name: e1\ntasks.max: 3\n---\nname: e2\nconfig:\n  flag: yes\n",
			[]Connector{{Name: "e1", Config: map[string]string{"name": "e1", "tasks.max": "3"}}, {Name: "e2", Config: map[string]string{"name": "e2", "flag": "yes"}}}},
		{"properties", "f.properties", "# comment\n! also\nname = f\nkey:value\nspaced   value here\nlong=a,\\\n    b\nuni=caf\\u00e9\nesc\\=key=1\n",
			[]Connector{{Name: "f", Config: map[string]string{"name": "f", "key": "value", "spaced": "value here", "long": "a,b", "uni": "café", "esc=key": "1"}}}},
		{"sniffed properties", "g", "name=g\nk=v\n", []Connector{{Name: "g", Config: map[string]string{"name": "g", "k": "v"}}}},
		{"sniffed json", "h", `{"name":"h"}`, []Connector{{Name: "h", Config: map[string]string{"name": "h"}}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Parse(tc.file, []byte(tc.content))
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tc.want) {
				t.Fatalf("got %d connectors, want %d: %+v", len(got), len(tc.want), got)
			}
			for i := range got {
				w := tc.want[i]
				if got[i].Name != w.Name || got[i].InitialState != w.InitialState || !maps.Equal(got[i].Config, w.Config) {
					t.Errorf("connector %d = %+v, want %+v", i, got[i], w)
				}
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	cases := []struct{ name, file, content, want string }{
		{"empty", "a.json", "  \n", "is empty"},
		{"syntax", "a.json", "{\n\"name\": x}", "line 2, column 9"},
		{"truncated", "a.json", `{"name":"a"`, "unexpected end of JSON"},
		{"two values", "a.json", `{"name":"a"} {"name":"b"}`, "more than one JSON value"},
		{"not an object", "a.json", `"x"`, "want a JSON object, got a string"},
		{"nested", "a.json", `{"name":"a","t":{"x":1}}`, `key "t" must be a string, number or boolean, got an object`},
		{"null value", "a.json", `{"name":"a","t":null}`, `key "t" has no value`},
		{"no name", "a.yaml", "k: v\n", "Connector configuration at 'a.yaml' is missing the mandatory 'name' configuration"},
		{"name mismatch", "a.json", `{"name":"a","config":{"name":"b"}}`, // Kafka's message, from ConnectStandalone.parseConnectorConfigurationFile.
			"Connector name configuration in 'config' doesn't match the one specified in 'name' at 'a.json'"},
		{"unknown field", "a.json", `{"name":"a","config":{},"tasks":[]}`, `unknown field "tasks"`},
		{"bad initial state", "a.json", `{"name":"a","config":{},"initial_state":"ASLEEP"}`, "use RUNNING, PAUSED or STOPPED"},
		{"config not a map", "a.json", `{"name":"a","config":"x"}`, `"config" must be an object`},
		{"yaml syntax", "a.yaml", "name: [a\n", "a.yaml"},
		{"yaml list", "a.yaml", "- a\n- b\n", "want a mapping"},
		{"properties no name", "a.properties", "k=v\n", "add a line name=..."},
		{"bad unicode escape", "a.properties", "name=a\nk=\\u12\n", `malformed \uxxxx`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse(tc.file, []byte(tc.content))
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("error %v is not ErrInvalid", err)
			}
			if !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), tc.file) {
				t.Errorf("error %q lacks %q or the file name", err, tc.want)
			}
		})
	}
}

func TestLoadDirectory(t *testing.T) {
	dir := t.TempDir()
	for name, content := range map[string]string{"b.json": `{"name":"b"}`, "a.yaml": "name: a\n", "notes.txt": "x", "c.properties": "name=c\n"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := Load(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, c := range got {
		names = append(names, c.Name)
	}
	if strings.Join(names, ",") != "a,b,c" {
		t.Errorf("loaded %v, want a,b,c in file order", names)
	}
	if _, err := Load(t.TempDir(), nil); !errors.Is(err, ErrInvalid) {
		t.Errorf("empty directory: %v", err)
	}
	if _, err := Load(filepath.Join(dir, "missing.json"), nil); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: %v", err)
	}
	got, err = Load("-", strings.NewReader(`{"name":"in"}`))
	if err != nil || len(got) != 1 || got[0].Name != "in" {
		t.Errorf("stdin: %v %v", got, err)
	}
}
