// Command gotestsummary reads `go test -json` on stdin and prints a short, CI-friendly report:
// one line per package, one line per integration test (TestIntegration… and its subtests) with its
// log lines (such as each service's start time), one line per skipped top-level test with its
// reason, the whole output of every failing test and package, and a closing
// "tests: N passed, N failed, N skipped" line. It exits 1 when anything failed.
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
)

// event is one line of `go test -json` (see cmd/test2json).
type event struct {
	Action     string
	Package    string
	ImportPath string
	Test       string
	Elapsed    float64
	Output     string
}

type key struct{ pkg, test string }

// summary accumulates the output of running tests and the counts.
type summary struct {
	out                     io.Writer
	buf                     map[key]*strings.Builder
	passed, failed, skipped int
	pkgFailed               bool
}

func main() {
	os.Exit(run(os.Stdin, os.Stdout, os.Stderr))
}

// run summarises the events on r to w and returns the exit code: 0 when all passed, 1 when a
// test or package failed, 2 when the input could not be read.
func run(r io.Reader, w, errw io.Writer) int {
	s := &summary{out: w, buf: map[key]*strings.Builder{}}
	if err := s.read(r); err != nil {
		fmt.Fprintln(errw, "gotestsummary:", err)
		return 2
	}
	fmt.Fprintf(s.out, "tests: %d passed, %d failed, %d skipped\n", s.passed, s.failed, s.skipped)
	if s.failed > 0 || s.pkgFailed {
		return 1
	}
	return 0
}

func (s *summary) read(r io.Reader) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for sc.Scan() {
		line := sc.Bytes()
		var e event
		if len(line) == 0 || line[0] != '{' || json.Unmarshal(line, &e) != nil {
			fmt.Fprintf(s.out, "%s\n", line) // not an event: a go command message
			continue
		}
		s.handle(e)
	}
	return sc.Err()
}

func (s *summary) handle(e event) {
	k := key{e.Package, e.Test}
	switch e.Action {
	case "build-output":
		fmt.Fprint(s.out, e.Output)
	case "build-fail":
		s.pkgFailed = true
	case "output":
		b := s.buf[k]
		if b == nil {
			b = &strings.Builder{}
			s.buf[k] = b
		}
		b.WriteString(e.Output)
	case "pass", "fail", "skip":
		if e.Test == "" {
			s.packageDone(e)
		} else {
			s.testDone(e)
		}
		delete(s.buf, k)
	}
}

func (s *summary) packageDone(e event) {
	switch e.Action {
	case "pass":
		fmt.Fprintf(s.out, "ok   %s %.1fs\n", e.Package, e.Elapsed)
	case "skip":
		fmt.Fprintf(s.out, "?    %s [no test files]\n", e.Package)
	case "fail":
		s.pkgFailed = true
		if b := s.buf[key{e.Package, ""}]; b != nil {
			fmt.Fprint(s.out, packageLines(b.String()))
		}
		fmt.Fprintf(s.out, "FAIL %s %.1fs\n", e.Package, e.Elapsed)
	}
}

func (s *summary) testDone(e event) {
	topLevel := !strings.Contains(e.Test, "/")
	output := s.buf[key{e.Package, e.Test}]
	switch e.Action {
	case "pass":
		s.passed++
		if strings.HasPrefix(e.Test, "TestIntegration") {
			fmt.Fprintf(s.out, "--- PASS: %s %s (%.2fs)\n", short(e.Package), e.Test, e.Elapsed)
			if output != nil {
				fmt.Fprint(s.out, logLines(output.String()))
			}
		}
	case "skip":
		s.skipped++
		if topLevel {
			fmt.Fprintf(s.out, "--- SKIP: %s %s\n", short(e.Package), e.Test)
			if output != nil {
				fmt.Fprint(s.out, logLines(output.String()))
			}
		}
	case "fail":
		s.failed++
		fmt.Fprintf(s.out, "--- FAIL: %s %s (%.2fs)\n", short(e.Package), e.Test, e.Elapsed)
		if output != nil {
			fmt.Fprint(s.out, logLines(output.String()))
		}
	}
}

// logLines keeps the lines a test logged, dropping the === and --- framing lines of -v output.
func logLines(out string) string {
	var b strings.Builder
	for _, l := range strings.SplitAfter(out, "\n") {
		t := strings.TrimSpace(l)
		if t == "" || strings.HasPrefix(t, "=== ") || strings.HasPrefix(t, "--- ") {
			continue
		}
		b.WriteString(l)
	}
	return b.String()
}

// short drops the module path from a package path.
func short(pkg string) string {
	return strings.TrimPrefix(pkg, "github.com/connectless/connectless/")
}

// packageLines drops go test's own PASS/FAIL/ok lines from a package's output: the summary
// prints its own.
func packageLines(out string) string {
	var b strings.Builder
	for _, l := range strings.SplitAfter(out, "\n") {
		t := strings.TrimSpace(l)
		if t == "" || t == "PASS" || t == "FAIL" || strings.HasPrefix(t, "FAIL\t") || strings.HasPrefix(t, "ok \t") {
			continue
		}
		b.WriteString(l)
	}
	return b.String()
}
