package file

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/connectless/connectless/core/connect"
	"github.com/connectless/connectless/core/connect/connecttest"
)

func TestSourceConformance(t *testing.T) {
	path := filepath.Join(t.TempDir(), "in.txt")
	connecttest.Run(t, connecttest.Suite{
		Plugin: SourcePlugin,
		Config: map[string]string{"file": path, "topic": "lines"},
		PrepareSource: func(t testing.TB, n int) {
			if lines := readLines(t, path); len(lines) >= n {
				return
			}
			var b strings.Builder
			for i := range n {
				fmt.Fprintf(&b, "line %d\n", i)
			}
			if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
				t.Fatal(err)
			}
		},
	})
}

func TestSinkConformance(t *testing.T) {
	path := filepath.Join(t.TempDir(), "out.txt")
	connecttest.Run(t, connecttest.Suite{
		Plugin: SinkPlugin,
		Config: map[string]string{"file": path, "topics": "connecttest"},
		CheckSink: func(t testing.TB, written []connect.SinkRecord) {
			lines := readLines(t, path)
			if len(lines) < len(written) {
				t.Fatalf("file holds %d lines, want at least %d", len(lines), len(written))
			}
			tail := lines[len(lines)-len(written):]
			for i, r := range written {
				if tail[i] != r.Value {
					t.Errorf("line %d = %q, want %q", i, tail[i], r.Value)
				}
			}
		},
	})
}

// readLines returns the lines of a file; a missing file has none.
func readLines(t testing.TB, path string) []string {
	t.Helper()
	f, err := os.Open(path)
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		out = append(out, sc.Text())
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}
