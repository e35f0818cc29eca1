package resttest

import (
	"bufio"
	"os"
	"strings"
	"testing"
)

// CurlExamples returns the curl command lines of the markdown file at path, in order, each
// with its backslash continuations joined. The test fails when the file cannot be read or
// holds fewer than atLeast examples.
func CurlExamples(t testing.TB, path string, atLeast int) []string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []string
	var cur strings.Builder
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if cur.Len() == 0 && !strings.HasPrefix(line, "curl ") {
			continue
		}
		if s, ok := strings.CutSuffix(line, `\`); ok {
			cur.WriteString(s)
			continue
		}
		cur.WriteString(line)
		out = append(out, cur.String())
		cur.Reset()
	}
	if err := sc.Err(); err != nil {
		t.Fatalf("read %s: %v", path, err)
	}
	if len(out) < atLeast {
		t.Fatalf("only %d curl examples found in %s, want at least %d", len(out), path, atLeast)
	}
	return out
}

// Undocumented reports whether an answer shows that a documented example did not reach a
// working endpoint: a 5xx, a 405 or 415, or the router's 404 for an unknown path.
func Undocumented(code int, body []byte) bool {
	return code >= 500 || code == 405 || code == 415 || strings.Contains(string(body), "HTTP 404 Not Found")
}
