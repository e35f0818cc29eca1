package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/creack/pty"

	"github.com/connectless/connectless/core/store"
	"github.com/connectless/connectless/infra/devstack/devstacktest"
)

// screen is a minimal terminal: it applies carriage returns, newlines, backspaces and the
// CSI sequences a progress bar uses (erase line, cursor column and up), and drops colours,
// leaving the text a person sees.
type screen struct {
	lines    [][]rune
	row, col int
}

func (s *screen) put(r rune) {
	for len(s.lines) <= s.row {
		s.lines = append(s.lines, nil)
	}
	line := s.lines[s.row]
	for len(line) <= s.col {
		line = append(line, ' ')
	}
	line[s.col] = r
	s.lines[s.row] = line
	s.col++
}

func (s *screen) write(b []byte) {
	rs := []rune(string(b))
	for i := 0; i < len(rs); i++ {
		switch r := rs[i]; r {
		case '\r':
			s.col = 0
		case '\n':
			s.row++
			s.col = 0
		case '\b':
			s.col = max(0, s.col-1)
		case 0x1b:
			if i+1 < len(rs) && rs[i+1] == '[' {
				j := i + 2
				for j < len(rs) && (rs[j] < 0x40 || rs[j] > 0x7e) {
					j++
				}
				if j >= len(rs) {
					return
				}
				n, _ := strconv.Atoi(strings.Split(string(rs[i+2:j]), ";")[0])
				switch rs[j] {
				case 'K':
					if s.row < len(s.lines) && s.col < len(s.lines[s.row]) {
						s.lines[s.row] = s.lines[s.row][:s.col]
					}
				case 'G':
					s.col = max(0, n-1)
				case 'A':
					s.row = max(0, s.row-max(1, n))
				}
				i = j
			}
		default:
			s.put(r)
		}
	}
}

func (s *screen) text() string {
	var b strings.Builder
	for _, l := range s.lines {
		b.WriteString(strings.TrimRight(string(l), " "))
		b.WriteByte('\n')
	}
	return strings.TrimRight(b.String(), "\n") + "\n"
}

// runInPTY runs connectless on a pseudo-terminal and returns the raw bytes written to it.
func runInPTY(t *testing.T, url string, args ...string) []byte {
	t.Helper()
	cmd := binary(t, []string{"CONNECTLESS_URL=" + url, "TERM=xterm"}, args...)
	f, err := pty.StartWithSize(cmd, &pty.Winsize{Rows: 40, Cols: 120})
	if err != nil {
		devstacktest.Unavailable(t, "no pseudo-terminal on this machine: %v", err)
	}
	defer f.Close()
	var out bytes.Buffer
	done := make(chan struct{})
	go func() {
		io.Copy(&out, f) // ends with EIO when the child exits
		close(done)
	}()
	werr := cmd.Wait()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("pty output did not end")
	}
	if werr != nil {
		t.Fatalf("connectless %v: %v\n%s", args, werr, out.Bytes())
	}
	return out.Bytes()
}

func TestTerminalProgressAndTable(t *testing.T) {
	if _, err := os.Stat("/dev/ptmx"); err != nil {
		devstacktest.Unavailable(t, "no /dev/ptmx: %v", err)
	}
	s := startServer(t, nil)
	f := writeFile(t, t.TempDir(), "c.json", `{"name":"orders","connector.class":"FileStreamSink","file":"/tmp/o","topics":"orders","tasks.max":"3"}`)
	// Tasks start one by one, as a worker picks them up.
	go func() {
		ctx := context.Background()
		for range 300 {
			time.Sleep(20 * time.Millisecond)
			c, err := s.Store.Connector(ctx, "orders")
			if err != nil || len(c.Tasks) != 3 {
				continue
			}
			for i := range 3 {
				time.Sleep(700 * time.Millisecond) // longer than the 500ms poll: each count is seen
				lease, err := s.Store.Acquire(ctx, "orders", i, testWorkerID, time.Minute)
				if err != nil {
					return
				}
				s.Store.PutTaskStatus(ctx, lease, store.Status{Connector: "orders", Task: i, State: store.StateRunning, WorkerID: testWorkerID, Generation: c.Generation, Updated: time.Now()})
				s.Store.Release(ctx, lease)
			}
			return
		}
	}()
	raw := runInPTY(t, s.URL, "apply", "-f", f, "--wait", "--timeout", "20s")
	rawS := string(raw)
	// The progress bar redrew in place (carriage returns) and showed intermediate counts.
	if !strings.Contains(rawS, "\r") {
		t.Errorf("no in-place redraw on the terminal:\n%q", rawS)
	}
	for _, want := range []string{"waiting for orders to be RUNNING", "(1/4"} {
		if !strings.Contains(rawS, want) {
			t.Errorf("terminal output lacks %q:\n%q", want, rawS)
		}
	}
	if !strings.Contains(rawS, "(2/4") && !strings.Contains(rawS, "(3/4") {
		t.Errorf("the bar never showed tasks starting one by one:\n%q", rawS)
	}
	var sc screen
	sc.write(raw)
	got := sc.text()
	// What stays on screen: the apply line and the final state; the bar is cleared.
	want := "connector/orders created\nconnector/orders is RUNNING (connector RUNNING, 3/3 tasks RUNNING)\n"
	if got != want {
		t.Errorf("screen after apply --wait:\n%s\nwant:\n%s\nraw: %q", got, want, rawS)
	}

	raw = runInPTY(t, s.URL, "get", "connectors")
	if !bytes.Contains(raw, []byte("\x1b[32mRUNNING\x1b[0m")) {
		t.Errorf("no colour on a terminal: %q", raw)
	}
	sc = screen{}
	sc.write(bytes.ReplaceAll(raw, []byte("\r\n"), []byte("\n")))
	golden(t, "terminal-get-connectors.screen", sc.text())

	raw = runInPTY(t, s.URL, "get", "connectors", "--no-color")
	if bytes.Contains(raw, []byte("\x1b[")) {
		t.Errorf("--no-color still colours: %q", raw)
	}
}
