package standalone

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"sync"
	"time"

	"github.com/connectless/connectless/core/connect"
	"github.com/connectless/connectless/core/store"
	"github.com/connectless/connectless/core/store/bolt"
	"github.com/connectless/connectless/core/store/memory"
)

// ImportSuffix is added to the name of a Kafka Connect offsets file to name the connectless
// offsets file its offsets are imported into.
const ImportSuffix = ".connectless"

// Store keeps everything but offsets in memory and offsets in a bolt file. Commits are
// checked against the in-memory leases, so fencing works as in the other backends within
// the one process that holds the file.
type Store struct {
	*memory.Store
	offsets *bolt.Store
	mu      sync.Mutex // orders lease checks and offset writes
}

var _ store.Store = (*Store)(nil)

// Options configure Open.
type Options struct {
	// Now is the clock for lease expiry. Default time.Now.
	Now func() time.Time
	// Logger receives the import of a Kafka Connect offsets file. Default slog.Default().
	Logger *slog.Logger
}

// Open opens the offsets file at path (creating it when missing) under a fresh in-memory
// state. A Kafka Connect FileOffsetBackingStore file at path is imported as the package
// documentation says.
func Open(path string, o Options) (*Store, error) {
	now := o.Now
	if now == nil {
		now = time.Now
	}
	log := cmp.Or(o.Logger, slog.Default())
	boltPath := path
	java, err := isJavaSerialized(path)
	if err != nil {
		return nil, err
	}
	var imported []javaOffset
	if java {
		boltPath = path + ImportSuffix
		if _, err := os.Stat(boltPath); errors.Is(err, os.ErrNotExist) {
			if imported, err = readJavaOffsets(path); err != nil {
				return nil, fmt.Errorf("offsets file %q is a Kafka Connect FileOffsetBackingStore file (Java serialization) "+
					"that could not be imported: %w; copy its connectors' offsets with `connectless offsets alter`", path, err)
			}
		}
	}
	offsets, err := bolt.Open(boltPath, bolt.WithClock(now))
	if err != nil {
		return nil, fmt.Errorf("offsets file: %w", err)
	}
	s := New(memory.New(memory.WithClock(now)), offsets)
	if java && imported != nil {
		n, err := s.importOffsets(context.Background(), imported)
		if err != nil {
			_ = offsets.Close()
			_ = os.Remove(boltPath)
			return nil, fmt.Errorf("import Kafka Connect offsets file %q: %w", path, err)
		}
		log.Info("imported the offsets of a Kafka Connect FileOffsetBackingStore file; it is left unchanged",
			"kafka_file", path, "offsets_file", boltPath, "offsets", n)
	} else if java {
		log.Info("offset.storage.file.filename is a Kafka Connect FileOffsetBackingStore file, imported earlier; using the connectless offsets file beside it",
			"kafka_file", path, "offsets_file", boltPath)
	}
	return s, nil
}

// New combines an in-memory state and an offsets store; Close closes offsets only.
func New(mem *memory.Store, offsets *bolt.Store) *Store {
	return &Store{Store: mem, offsets: offsets}
}

// Close closes the offsets file; the in-memory state is dropped with the Store.
func (s *Store) Close() error { return s.offsets.Close() }

// isJavaSerialized reports whether the file starts with Java serialization's magic 0xACED.
func isJavaSerialized(path string) (bool, error) {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("offsets file: %w", err)
	}
	defer f.Close()
	head := make([]byte, 2)
	if _, err := io.ReadFull(f, head); err != nil {
		return false, nil // empty or one byte: bolt decides
	}
	return bytes.Equal(head, []byte{0xAC, 0xED}), nil
}

// checkLease refuses a write under a lease that is not the task's current one; s.mu held.
func (s *Store) checkLease(ctx context.Context, l store.Lease) error {
	if err := store.ValidateTask(l.Connector, l.Task); err != nil {
		return err
	}
	cur, err := s.Store.CurrentLease(ctx, l.Connector, l.Task)
	if errors.Is(err, store.ErrNotFound) || (err == nil && cur.Token != l.Token) {
		return fmt.Errorf("connector %q task %d token %d: %w", l.Connector, l.Task, l.Token, store.ErrFenced)
	}
	return err
}

// SourceOffsets implements store.OffsetStore from the offsets file.
func (s *Store) SourceOffsets(ctx context.Context, connector string) ([]store.SourceOffset, error) {
	return s.offsets.SourceOffsets(ctx, connector)
}

// SinkOffsets implements store.OffsetStore from the offsets file.
func (s *Store) SinkOffsets(ctx context.Context, connector string) (map[connect.TopicPartition]int64, error) {
	return s.offsets.SinkOffsets(ctx, connector)
}

// CommitSourceOffsets implements store.OffsetStore.
func (s *Store) CommitSourceOffsets(ctx context.Context, lease store.Lease, offsets []store.SourceOffset) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.checkLease(ctx, lease); err != nil {
		return fmt.Errorf("commit source offsets: %w", err)
	}
	return s.offsets.AlterSourceOffsets(ctx, lease.Connector, offsets)
}

// CommitSinkOffsets implements store.OffsetStore.
func (s *Store) CommitSinkOffsets(ctx context.Context, lease store.Lease, offsets map[connect.TopicPartition]int64) error {
	for tp, off := range offsets {
		if err := store.ValidateTopicPartition(tp); err != nil {
			return fmt.Errorf("commit sink offsets: %w", err)
		}
		if off < 0 {
			return fmt.Errorf("commit sink offsets: %s offset %d is negative: %w", tp.Topic, off, store.ErrInvalid)
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.checkLease(ctx, lease); err != nil {
		return fmt.Errorf("commit sink offsets: %w", err)
	}
	return s.offsets.AlterSinkOffsets(ctx, lease.Connector, offsets)
}

// AlterSourceOffsets implements store.OffsetStore.
func (s *Store) AlterSourceOffsets(ctx context.Context, connector string, offsets []store.SourceOffset) error {
	return s.offsets.AlterSourceOffsets(ctx, connector, offsets)
}

// AlterSinkOffsets implements store.OffsetStore.
func (s *Store) AlterSinkOffsets(ctx context.Context, connector string, offsets map[connect.TopicPartition]int64) error {
	return s.offsets.AlterSinkOffsets(ctx, connector, offsets)
}

// ResetOffsets implements store.OffsetStore.
func (s *Store) ResetOffsets(ctx context.Context, connector string) error {
	return s.offsets.ResetOffsets(ctx, connector)
}
