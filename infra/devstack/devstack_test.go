package devstack

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestFindBinary(t *testing.T) {
	dir := t.TempDir()
	exe := filepath.Join(dir, "kcat")
	if err := os.WriteFile(exe, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "notexec"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv(BinEnv, dir)

	tests := []struct {
		name    string
		want    string
		missing bool
	}{
		{name: "kcat", want: exe}, // $CONNECTLESS_BIN wins over PATH
		{name: "notexec", missing: true},
		{name: "no-such-binary-devstack", missing: true},
	}
	for _, tc := range tests {
		got, err := FindBinary(tc.name)
		if tc.missing {
			var me *MissingError
			if !errors.As(err, &me) {
				t.Errorf("FindBinary(%q) = %q, %v; want a *MissingError", tc.name, got, err)
				continue
			}
			if me.Binary != tc.name || me.MakeTarget != "deps" ||
				!strings.Contains(err.Error(), tc.name) || !strings.Contains(err.Error(), "make deps") {
				t.Errorf("FindBinary(%q) error %+v / %q: want the binary and make deps named", tc.name, me, err)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("FindBinary(%q) = %q, %v; want %q", tc.name, got, err, tc.want)
		}
	}
}

func TestRepoRoot(t *testing.T) {
	root, err := RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Errorf("RepoRoot() = %q without go.mod: %v", root, err)
	}
	if _, err := os.Stat(filepath.Join(root, "infra", "devstack", "doc.go")); err != nil {
		t.Errorf("RepoRoot() = %q is not this repository: %v", root, err)
	}
}

func TestStartFailureCarriesLogTail(t *testing.T) {
	tests := []struct {
		name     string
		script   string
		wantText []string
	}{
		{name: "exits during start", script: "echo config line; echo fatal: bad flag >&2; exit 3",
			wantText: []string{"exited during start", "fatal: bad flag", "config line", "exit status 3"}},
		{name: "never healthy", script: "echo waiting; sleep 30",
			wantText: []string{"not ready", "waiting", "deadline exceeded"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir, err := newServiceDir("fake")
			if err != nil {
				t.Fatal(err)
			}
			p, err := startProcess("fake", dir, exec.Command("sh", "-c", tc.script))
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
			defer cancel()
			err = p.waitReady(ctx, func(context.Context) error { return errors.New("no answer") })
			if err == nil {
				t.Fatal("waitReady succeeded against a service that never answers")
			}
			for _, w := range tc.wantText {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
			if err := p.close(); err != nil {
				t.Errorf("close: %v", err)
			}
			if err := p.close(); err != nil {
				t.Errorf("second close: %v", err)
			}
			if _, err := os.Stat(dir); !os.IsNotExist(err) {
				t.Errorf("service dir %s still there after close: %v", dir, err)
			}
		})
	}
}

func TestStopEscalatesToKill(t *testing.T) {
	dir, err := newServiceDir("stubborn")
	if err != nil {
		t.Fatal(err)
	}
	p, err := startProcess("stubborn", dir, exec.Command("sh", "-c", "trap '' TERM; echo ready; while :; do sleep 0.05; done"))
	if err != nil {
		t.Fatal(err)
	}
	defer p.close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := p.waitReady(ctx, func(context.Context) error {
		if _, ok := p.logLineValue("ready"); !ok {
			return errors.New("not yet")
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if err := p.stop(200 * time.Millisecond); err != nil {
		t.Fatalf("stop: %v", err)
	}
	if !p.exited() {
		t.Fatal("process still running after stop")
	}
}

func TestStartRIEBadBootstrap(t *testing.T) {
	dir := t.TempDir()
	plain := filepath.Join(dir, "bootstrap")
	if err := os.WriteFile(plain, []byte("not executable"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name      string
		bootstrap string
		want      string
	}{
		{name: "none", bootstrap: "", want: "no bootstrap"},
		{name: "missing file", bootstrap: filepath.Join(dir, "absent"), want: "not an executable file"},
		{name: "not executable", bootstrap: plain, want: "not an executable file"},
	}
	for _, tc := range tests {
		_, err := StartRIE(context.Background(), RIEOptions{Bootstrap: tc.bootstrap})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: StartRIE error = %v, want one containing %q", tc.name, err, tc.want)
		}
	}
}

func TestKafkaFixedPort(t *testing.T) {
	port, err := freePort()
	if err != nil {
		t.Fatal(err)
	}
	k, err := StartKafka(context.Background(), KafkaOptions{Port: port})
	if err != nil {
		t.Fatal(err)
	}
	defer k.Close()
	if want := "127.0.0.1:" + strconv.Itoa(port); k.Addr() != want {
		t.Errorf("Addr() = %q, want %q", k.Addr(), want)
	}
	if _, err := StartKafka(context.Background(), KafkaOptions{Port: port}); err == nil {
		t.Error("a second broker on a taken port started")
	}
	if err := k.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
	if err := k.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
}

func TestLaunchRetriesTakenPort(t *testing.T) {
	tests := []struct {
		name      string
		script    string // run with $1 = the service dir
		wantErr   bool
		wantTries int
	}{
		{name: "port taken once", wantTries: 2,
			script: `echo try >> "$1/tries"; if [ ! -e "$1/once" ]; then touch "$1/once"; echo "listen tcp: bind: address already in use" >&2; exit 1; fi; touch "$1/ready"; sleep 30`},
		{name: "port always taken", wantErr: true, wantTries: launchTries,
			script: `echo try >> "$1/tries"; echo "Error: listen EADDRINUSE" >&2; exit 1`},
		{name: "other failure is not retried", wantErr: true, wantTries: 1,
			script: `echo try >> "$1/tries"; echo "bad config" >&2; exit 2`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			cmdFor := func(int) *exec.Cmd { return exec.Command("sh", "-c", tc.script, "sh", dir) }
			checkFor := func(int) func(context.Context) error {
				return func(context.Context) error {
					_, err := os.Stat(filepath.Join(dir, "ready"))
					return err
				}
			}
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			p, _, err := launch(ctx, "fake", dir, syscall.SIGTERM, cmdFor, checkFor)
			if p != nil {
				defer p.stop(time.Second)
			}
			if (err != nil) != tc.wantErr {
				t.Fatalf("launch error = %v, want error %v", err, tc.wantErr)
			}
			b, _ := os.ReadFile(filepath.Join(dir, "tries"))
			if got := strings.Count(string(b), "try"); got != tc.wantTries {
				t.Errorf("%d tries, want %d", got, tc.wantTries)
			}
		})
	}
}
