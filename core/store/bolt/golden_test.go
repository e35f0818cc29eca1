package bolt_test

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	bbolt "go.etcd.io/bbolt"

	"github.com/connectless/connectless/core/store/bolt"
	"github.com/connectless/connectless/core/store/storetest"
)

var update = flag.Bool("update", false, "rewrite testdata golden files")

// dump lists every key of the file as "bucket/sub key = value" lines.
func dump(t *testing.T, path string) string {
	t.Helper()
	db, err := bbolt.Open(path, 0o600, &bbolt.Options{ReadOnly: true})
	if err != nil {
		t.Fatalf("open for dump: %v", err)
	}
	defer db.Close()
	var buf bytes.Buffer
	var walk func(prefix string, b *bbolt.Bucket) error
	walk = func(prefix string, b *bbolt.Bucket) error {
		return b.ForEach(func(k, v []byte) error {
			if v == nil {
				return walk(prefix+"/"+string(k), b.Bucket(k))
			}
			fmt.Fprintf(&buf, "%s %q = %s\n", strings.TrimPrefix(prefix, "/"), k, v)
			return nil
		})
	}
	err = db.View(func(tx *bbolt.Tx) error {
		return tx.ForEach(func(name []byte, b *bbolt.Bucket) error { return walk("/"+string(name), b) })
	})
	if err != nil {
		t.Fatalf("dump: %v", err)
	}
	return buf.String()
}

func TestGoldenFileLayout(t *testing.T) {
	now := time.Date(2026, 3, 4, 5, 6, 7, 890_000_000, time.UTC)
	path := filepath.Join(t.TempDir(), "state.db")
	s, err := bolt.Open(path, bolt.WithClock(func() time.Time { return now }))
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	storetest.WriteSample(t, s, now)
	if err := s.Close(); err != nil {
		t.Fatalf("close: %v", err)
	}
	got := dump(t, path)
	golden := filepath.Join("testdata", "layout.golden")
	if *update {
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("read golden (run with -update to create it): %v", err)
	}
	if got != string(want) {
		t.Fatalf("file layout changed; run with -update if intended.\n got:\n%s\nwant:\n%s", got, want)
	}
}

func TestOpenBadFiles(t *testing.T) {
	dir := t.TempDir()
	garbage := filepath.Join(dir, "garbage.db")
	content := bytes.Repeat([]byte("not a bolt file "), 512)
	if err := os.WriteFile(garbage, content, 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		path string
	}{
		{"missing directory", filepath.Join(dir, "no", "such", "dir", "state.db")},
		{"not a bolt file", garbage},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, err := bolt.Open(tc.path, bolt.WithLockTimeout(50*time.Millisecond))
			if err == nil {
				_ = s.Close()
				t.Fatal("open succeeded")
			}
			if !strings.Contains(err.Error(), tc.path) || errors.Is(err, bolt.ErrLocked) {
				t.Fatalf("error %q should name the file and not claim a lock", err)
			}
		})
	}
	// The bad file was left as it was.
	got, err := os.ReadFile(garbage)
	if err != nil || !bytes.Equal(got, content) {
		t.Fatalf("garbage file changed (err %v)", err)
	}
}

func TestOpenOtherFormat(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.db")
	db, err := bbolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	err = db.Update(func(tx *bbolt.Tx) error {
		b, err := tx.CreateBucket([]byte("meta"))
		if err != nil {
			return err
		}
		return b.Put([]byte("format"), []byte("99"))
	})
	_ = db.Close()
	if err != nil {
		t.Fatal(err)
	}
	_, err = bolt.Open(path)
	if err == nil || !strings.Contains(err.Error(), `"99"`) {
		t.Fatalf("open of a format 99 file: %v, want an error naming the format", err)
	}
}
