package bolt_test

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/connectless/connectless/core/store"
	"github.com/connectless/connectless/core/store/bolt"
	"github.com/connectless/connectless/core/store/storetest"
)

const maxValue = 64 << 10

func TestStore(t *testing.T) {
	storetest.Run(t, storetest.Harness{
		MaxValueSize: maxValue,
		Open: func(t *testing.T, now func() time.Time) (store.Store, func(*testing.T) store.Store) {
			path := filepath.Join(t.TempDir(), "state.db")
			open := func(t *testing.T) store.Store {
				s, err := bolt.Open(path, bolt.WithClock(now), bolt.WithMaxValueSize(maxValue))
				if err != nil {
					t.Fatalf("open: %v", err)
				}
				return s
			}
			return open(t), open
		},
	})
}

func TestSecondOpenFailsFast(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.db")
	s, err := bolt.Open(path)
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	defer s.Close()
	_, err = bolt.Open(path, bolt.WithLockTimeout(50*time.Millisecond))
	if !errors.Is(err, bolt.ErrLocked) {
		t.Fatalf("second open: %v, want ErrLocked", err)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("close: %v", err)
	}
	s2, err := bolt.Open(path, bolt.WithLockTimeout(50*time.Millisecond))
	if err != nil {
		t.Fatalf("open after close: %v", err)
	}
	_ = s2.Close()
}

// TestSecondProcessFailsFast opens the file here and again from a child process (this test
// binary, re-run as TestLockHelper), which must give up after its lock timeout with ErrLocked.
func TestSecondProcessFailsFast(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.db")
	s, err := bolt.Open(path)
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	defer s.Close()
	cmd := exec.Command(os.Args[0], "-test.run=^TestLockHelper$")
	cmd.Env = append(os.Environ(), "BOLT_LOCK_HELPER_PATH="+path)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("helper: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "LOCKED: ") || !strings.Contains(string(out), path) {
		t.Fatalf("the second process did not report a locked file:\n%s", out)
	}
}

// TestLockHelper is the child process of TestSecondProcessFailsFast; it does nothing
// without BOLT_LOCK_HELPER_PATH.
func TestLockHelper(t *testing.T) {
	path := os.Getenv("BOLT_LOCK_HELPER_PATH")
	if path == "" {
		t.Skip("helper process of TestSecondProcessFailsFast")
	}
	_, err := bolt.Open(path, bolt.WithLockTimeout(100*time.Millisecond))
	if !errors.Is(err, bolt.ErrLocked) {
		t.Fatalf("open from a second process: %v, want ErrLocked", err)
	}
	fmt.Println("LOCKED:", err)
}
