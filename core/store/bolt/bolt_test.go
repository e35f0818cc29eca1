package bolt_test

import (
	"errors"
	"path/filepath"
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
