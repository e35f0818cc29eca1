package connfile

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

// ErrInvalid is wrapped by every error about a malformed definition.
var ErrInvalid = errors.New("invalid connector file")

// Connector is one connector definition.
type Connector struct {
	Name   string
	Config map[string]string
	// InitialState is "", RUNNING, PAUSED or STOPPED.
	InitialState string
	// Source names the file (and document) it came from.
	Source string
}

// Extensions read from a directory.
var Extensions = []string{".json", ".yaml", ".yml", ".properties"}

// Load reads the connectors of a file, or of every file with one of Extensions in a
// directory (not recursive, sorted by name). "-" reads stdin.
func Load(path string, stdin io.Reader) ([]Connector, error) {
	if path == "-" {
		data, err := io.ReadAll(stdin)
		if err != nil {
			return nil, fmt.Errorf("read stdin: %w", err)
		}
		return Parse("stdin", data)
	}
	st, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	if !st.IsDir() {
		data, err := os.ReadFile(path)
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", path, err)
		}
		return Parse(path, data)
	}
	entries, err := os.ReadDir(path)
	if err != nil {
		return nil, fmt.Errorf("read directory %s: %w", path, err)
	}
	var out []Connector
	for _, e := range entries {
		if e.IsDir() || !slices.Contains(Extensions, strings.ToLower(filepath.Ext(e.Name()))) {
			continue
		}
		cs, err := Load(filepath.Join(path, e.Name()), stdin)
		if err != nil {
			return nil, err
		}
		out = append(out, cs...)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%w: directory %s holds no .json, .yaml, .yml or .properties file", ErrInvalid, path)
	}
	return out, nil
}

// Parse reads the connectors of one file's contents; the format comes from the extension
// of name, or from the contents when the extension says nothing.
func Parse(name string, data []byte) ([]Connector, error) {
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) == 0 {
		return nil, fmt.Errorf("%w: %s is empty", ErrInvalid, name)
	}
	var (
		out []Connector
		err error
	)
	switch ext := strings.ToLower(filepath.Ext(name)); {
	case ext == ".json":
		out, err = parseJSON(name, data)
	case ext == ".yaml" || ext == ".yml":
		out, err = parseYAML(name, data)
	case ext == ".properties":
		out, err = parseProperties(name, data)
	case trimmed[0] == '{' || trimmed[0] == '[':
		out, err = parseJSON(name, data)
	case looksLikeProperties(trimmed):
		out, err = parseProperties(name, data)
	default:
		out, err = parseYAML(name, data)
	}
	if err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%w: %s defines no connector", ErrInvalid, name)
	}
	return out, nil
}

func looksLikeProperties(data []byte) bool {
	for _, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || line[0] == '#' || line[0] == '!' {
			continue
		}
		eq, colon := strings.IndexByte(line, '='), strings.IndexByte(line, ':')
		return eq > 0 && (colon < 0 || eq < colon)
	}
	return false
}

func parseJSON(name string, data []byte) ([]Connector, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, fmt.Errorf("%w: %s: %s", ErrInvalid, name, jsonError(data, err))
	}
	if dec.More() {
		return nil, fmt.Errorf("%w: %s: more than one JSON value; put several connectors in a JSON array", ErrInvalid, name)
	}
	docs, ok := v.([]any)
	if !ok {
		docs = []any{v}
	}
	var out []Connector
	for i, d := range docs {
		src := name
		if len(docs) > 1 {
			src = fmt.Sprintf("%s[%d]", name, i)
		}
		m, ok := d.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("%w: %s: want a JSON object, got %s", ErrInvalid, src, kind(d))
		}
		c, err := fromMap(src, m)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, nil
}

// jsonError adds the line and column to a syntax error.
func jsonError(data []byte, err error) string {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		line, col := 1, 1
		for _, b := range data[:max(0, min(int(se.Offset)-1, len(data)))] {
			if b == '\n' {
				line, col = line+1, 1
			} else {
				col++
			}
		}
		return fmt.Sprintf("line %d, column %d: %v", line, col, err)
	}
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return "unexpected end of JSON (a missing } or ]?)"
	}
	return err.Error()
}

func parseYAML(name string, data []byte) ([]Connector, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var out []Connector
	for i := 0; ; i++ {
		var v any
		err := dec.Decode(&v)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%w: %s: %v", ErrInvalid, name, err)
		}
		if v == nil {
			continue
		}
		src := name
		if i > 0 || len(out) > 0 {
			src = fmt.Sprintf("%s (document %d)", name, i+1)
		}
		m, ok := v.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("%w: %s: want a mapping of configuration keys, got %s", ErrInvalid, src, kind(v))
		}
		c, err := fromMap(src, m)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, nil
}

// fromMap reads a flat map or the {name, config, initial_state} shape.
func fromMap(src string, m map[string]any) (Connector, error) {
	c := Connector{Source: src}
	if raw, ok := m["config"]; ok {
		cfgMap, ok := raw.(map[string]any)
		if !ok {
			return c, fmt.Errorf("%w: %s: \"config\" must be an object of configuration keys, got %s", ErrInvalid, src, kind(raw))
		}
		for k := range m {
			switch k {
			case "name", "config", "initial_state":
			default:
				return c, fmt.Errorf("%w: %s: unknown field %q beside \"config\" (known: name, config, initial_state)", ErrInvalid, src, k)
			}
		}
		cfg, err := flatten(src, cfgMap)
		if err != nil {
			return c, err
		}
		name, err := scalar(src, "name", m["name"])
		if err != nil {
			return c, err
		}
		if inner, ok := cfg["name"]; ok && name != "" && inner != name {
			// Kafka's ConnectStandalone message.
			return c, fmt.Errorf("%w: Connector name configuration in 'config' doesn't match the one specified in 'name' at '%s'", ErrInvalid, src)
		}
		if name == "" {
			name = cfg["name"]
		}
		c.Name, c.Config = strings.TrimSpace(name), cfg
		if st, ok := m["initial_state"]; ok && st != nil {
			s, err := scalar(src, "initial_state", st)
			if err != nil {
				return c, err
			}
			s = strings.ToUpper(strings.TrimSpace(s))
			if s != "RUNNING" && s != "PAUSED" && s != "STOPPED" {
				return c, fmt.Errorf("%w: %s: initial_state %q: use RUNNING, PAUSED or STOPPED", ErrInvalid, src, s)
			}
			c.InitialState = s
		}
	} else {
		cfg, err := flatten(src, m)
		if err != nil {
			return c, err
		}
		c.Name, c.Config = strings.TrimSpace(cfg["name"]), cfg
	}
	if c.Name == "" {
		// Kafka's ConnectStandalone message.
		return c, fmt.Errorf("%w: Connector configuration at '%s' is missing the mandatory 'name' configuration", ErrInvalid, src)
	}
	c.Config["name"] = c.Name
	return c, nil
}

func flatten(src string, m map[string]any) (map[string]string, error) {
	out := make(map[string]string, len(m))
	for k, v := range m {
		if v == nil {
			return nil, fmt.Errorf("%w: %s: key %q has no value", ErrInvalid, src, k)
		}
		s, err := scalar(src, k, v)
		if err != nil {
			return nil, err
		}
		out[k] = s
	}
	return out, nil
}

func scalar(src, key string, v any) (string, error) {
	switch x := v.(type) {
	case nil:
		return "", nil
	case string:
		return x, nil
	case json.Number:
		return x.String(), nil
	case bool, int, int64, uint64, float64:
		return fmt.Sprint(x), nil
	}
	return "", fmt.Errorf("%w: %s: key %q must be a string, number or boolean, got %s", ErrInvalid, src, key, kind(v))
}

func kind(v any) string {
	switch v.(type) {
	case map[string]any:
		return "an object"
	case []any:
		return "a list"
	case nil:
		return "null"
	case string:
		return "a string"
	}
	return fmt.Sprintf("%T", v)
}
