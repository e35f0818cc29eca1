// Package output renders the CLI's answers: aligned tables for people, JSON or YAML for
// scripts, and ANSI colour only when writing to a terminal.
package output

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// Formats.
const (
	Table = "table"
	JSON  = "json"
	YAML  = "yaml"
)

// ErrFormat reports an unknown output format.
var ErrFormat = errors.New("unknown output format")

// ParseFormat checks an -o value: table (or ""), json or yaml.
func ParseFormat(s string) (string, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", Table, "wide":
		return Table, nil
	case JSON:
		return JSON, nil
	case YAML, "yml":
		return YAML, nil
	}
	return "", fmt.Errorf("%w %q: use table, json or yaml", ErrFormat, s)
}

// Printer writes to one stream in one format.
type Printer struct {
	W      io.Writer
	Format string
	// Color enables ANSI colour (a terminal, and NO_COLOR unset).
	Color bool
}

// Data writes v as JSON (indented) or YAML, with the JSON field names and order.
func (p *Printer) Data(v any) error {
	data, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return fmt.Errorf("encode output: %w", err)
	}
	if p.Format == YAML {
		out, err := JSONToYAML(data)
		if err != nil {
			return err
		}
		_, err = p.W.Write(out)
		return err
	}
	data = append(data, '\n')
	_, err = p.W.Write(data)
	return err
}

// JSONToYAML re-encodes a JSON document as block-style YAML, keeping key order.
func JSONToYAML(data []byte) ([]byte, error) {
	var n yaml.Node
	if err := yaml.Unmarshal(data, &n); err != nil {
		return nil, fmt.Errorf("encode yaml: %w", err)
	}
	plain(&n)
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(&n); err != nil {
		return nil, fmt.Errorf("encode yaml: %w", err)
	}
	if err := enc.Close(); err != nil {
		return nil, fmt.Errorf("encode yaml: %w", err)
	}
	return b.Bytes(), nil
}

// plain drops the JSON styles (flow collections, double quotes) so the encoder picks YAML's.
func plain(n *yaml.Node) {
	n.Style = 0
	if n.Kind == yaml.ScalarNode && n.Tag == "!!str" && strings.Contains(n.Value, "\n") {
		n.Style = yaml.LiteralStyle
	}
	for _, c := range n.Content {
		plain(c)
	}
}

// Colours.
const (
	Red    = "31"
	Green  = "32"
	Yellow = "33"
	Blue   = "34"
	Bold   = "1"
	Faint  = "2"
)

// Paint wraps s in an ANSI colour when colour is on.
func (p *Printer) Paint(code, s string) string {
	if !p.Color || s == "" {
		return s
	}
	return "\x1b[" + code + "m" + s + "\x1b[0m"
}

// State colours a Kafka Connect state: RUNNING green, FAILED red, PAUSED, STOPPED and
// RESTARTING yellow.
func (p *Printer) State(s string) string {
	switch s {
	case "RUNNING":
		return p.Paint(Green, s)
	case "FAILED":
		return p.Paint(Red, s)
	case "PAUSED", "STOPPED", "RESTARTING", "UNASSIGNED":
		return p.Paint(Yellow, s)
	}
	return s
}

// Table writes rows under headers, columns aligned (ANSI sequences take no width).
func (p *Printer) Table(headers []string, rows [][]string) error {
	width := make([]int, len(headers))
	for i, h := range headers {
		width[i] = visible(h)
	}
	for _, r := range rows {
		for i, c := range r {
			if i < len(width) && visible(c) > width[i] {
				width[i] = visible(c)
			}
		}
	}
	var all, b strings.Builder
	line := func(cells []string, head bool) {
		b.Reset()
		for i, c := range cells {
			if head {
				c = p.Paint(Bold, c)
			}
			b.WriteString(c)
			if i < len(cells)-1 {
				b.WriteString(strings.Repeat(" ", width[i]-visible(c)+3))
			}
		}
		trimmed := strings.TrimRight(b.String(), " ")
		b.Reset()
		all.WriteString(trimmed)
		all.WriteByte('\n')
	}
	line(headers, true)
	for _, r := range rows {
		line(r, false)
	}
	_, err := io.WriteString(p.W, all.String())
	return err
}

// Truncate shortens s to n runes, ending in "…" when cut.
func Truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

// Fields writes "Key:  value" lines, values aligned, indented by indent spaces.
func (p *Printer) Fields(indent int, kv [][2]string) error {
	w := tabwriter.NewWriter(p.W, 0, 0, 2, ' ', 0)
	pad := strings.Repeat(" ", indent)
	for _, f := range kv {
		fmt.Fprintf(w, "%s%s:\t%s\n", pad, f[0], f[1])
	}
	return w.Flush()
}

// visible is the printed width of s: runes, less ANSI escape sequences.
func visible(s string) int {
	n := 0
	for i := 0; i < len(s); {
		if s[i] == 0x1b {
			j := strings.IndexByte(s[i:], 'm')
			if j < 0 {
				break
			}
			i += j + 1
			continue
		}
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
		n++
	}
	return n
}

// FirstLine is the first line of s, for traces in tables.
func FirstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return strings.TrimSpace(s[:i])
	}
	return strings.TrimSpace(s)
}
