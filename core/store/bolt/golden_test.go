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

	"github.com/connectless/connectless/core/connect"
	"github.com/connectless/connectless/core/store"
	"github.com/connectless/connectless/core/store/bolt"
)

var update = flag.Bool("update", false, "rewrite testdata golden files")

// fill writes one of everything with a fixed clock.
func fill(t *testing.T, s store.Store, now time.Time) {
	t.Helper()
	ctx := t.Context()
	steps := []func() error{
		func() error {
			return s.CreateConnector(ctx, "local-file-source", map[string]string{"connector.class": "FileStreamSource", "file": "/tmp/in.txt", "topic": "lines"}, store.TargetRunning)
		},
		func() error {
			_, err := s.PutTaskConfigs(ctx, "local-file-source", []map[string]string{{"file": "/tmp/in.txt", "topic": "lines"}})
			return err
		},
		func() error {
			return s.CreateConnector(ctx, "s3-archive", map[string]string{"connector.class": "S3Sink", "topics": "logs"}, store.TargetPaused)
		},
		func() error {
			l, err := s.Acquire(ctx, "local-file-source", 0, "worker-1:8083", time.Minute)
			if err != nil {
				return err
			}
			if err := s.CommitSourceOffsets(ctx, l, []store.SourceOffset{{Partition: map[string]any{"filename": "/tmp/in.txt"}, Offset: map[string]any{"position": 4096}}}); err != nil {
				return err
			}
			return s.PutTaskStatus(ctx, l, store.Status{State: store.StateRunning, WorkerID: "worker-1:8083", Generation: 1, Updated: now})
		},
		func() error {
			l, err := s.Acquire(ctx, "s3-archive", 1, "invocation-7f3a", time.Minute)
			if err != nil {
				return err
			}
			if err := s.CommitSinkOffsets(ctx, l, map[connect.TopicPartition]int64{{Topic: "logs", Partition: 0}: 1200, {Topic: "logs", Partition: 3}: 77}); err != nil {
				return err
			}
			return s.PutTaskStatus(ctx, l, store.Status{State: store.StateFailed, WorkerID: "invocation-7f3a", Trace: "boom\n\tat x", Generation: 0, Updated: now})
		},
		func() error {
			return s.PutStatus(ctx, store.Status{Connector: "s3-archive", Task: -1, State: store.StatePaused, WorkerID: "worker-1:8083", Updated: now})
		},
	}
	for i, f := range steps {
		if err := f(); err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
	}
}

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
	fill(t, s, now)
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
