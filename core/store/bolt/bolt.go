package bolt

import (
	"errors"
	"fmt"
	"sync"
	"time"

	bbolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"

	"github.com/connectless/connectless/core/store"
)

// ErrLocked: another process (or another Store in this one) holds the file.
var ErrLocked = errors.New("state file is locked by another process")

// Bucket and key names of the file layout (see the package doc).
var (
	bucketConnectors = []byte("connectors")
	bucketStatus     = []byte("status")
	bucketLeases     = []byte("leases")
	bucketSource     = []byte("source_offsets")
	bucketSink       = []byte("sink_offsets")
	bucketTopics     = []byte("topics")
	bucketMeta       = []byte("meta")
	keyConnector     = []byte("connector")
	keyFormat        = []byte("format")
)

// formatVersion is written to meta/format; Open refuses files of another version.
const formatVersion = "1"

// Option configures Open.
type Option func(*options)

type options struct {
	now         func() time.Time
	maxValue    int
	lockTimeout time.Duration
}

// WithClock sets the clock used for lease expiry. Default time.Now.
func WithClock(now func() time.Time) Option { return func(o *options) { o.now = now } }

// WithMaxValueSize sets the largest value accepted, in bytes of its stored encoding.
// Default store.DefaultMaxValueSize (1 MiB, Kafka's default message.max.bytes).
func WithMaxValueSize(n int) Option { return func(o *options) { o.maxValue = n } }

// WithLockTimeout sets how long Open waits for the file lock before it fails with ErrLocked.
// Default 1s.
func WithLockTimeout(d time.Duration) Option { return func(o *options) { o.lockTimeout = d } }

// Store is the bbolt backend. It is safe for concurrent use.
type Store struct {
	db       *bbolt.DB
	path     string
	now      func() time.Time
	maxValue int

	closeOnce sync.Once
	closeErr  error
}

var _ store.Store = (*Store)(nil)

// Open opens or creates the state file at path. It fails with ErrLocked when another process
// holds the file for longer than the lock timeout.
func Open(path string, opts ...Option) (*Store, error) {
	o := options{now: time.Now, maxValue: store.DefaultMaxValueSize, lockTimeout: time.Second}
	for _, f := range opts {
		f(&o)
	}
	db, err := bbolt.Open(path, 0o600, &bbolt.Options{Timeout: o.lockTimeout})
	if errors.Is(err, bolterrors.ErrTimeout) {
		return nil, fmt.Errorf("open state file %q: still locked after %v: %w", path, o.lockTimeout, ErrLocked)
	}
	if err != nil {
		return nil, fmt.Errorf("open state file %q: %w", path, err)
	}
	err = db.Update(func(tx *bbolt.Tx) error {
		for _, b := range [][]byte{bucketConnectors, bucketStatus, bucketLeases, bucketSource, bucketSink, bucketTopics, bucketMeta} {
			if _, err := tx.CreateBucketIfNotExists(b); err != nil {
				return fmt.Errorf("create bucket %s: %w", b, err)
			}
		}
		meta := tx.Bucket(bucketMeta)
		switch v := meta.Get(keyFormat); {
		case v == nil:
			return meta.Put(keyFormat, []byte(formatVersion))
		case string(v) != formatVersion:
			return fmt.Errorf("file format %q, this version reads %q", v, formatVersion)
		}
		return nil
	})
	if err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("open state file %q: %w", path, err)
	}
	return &Store{db: db, path: path, now: o.now, maxValue: o.maxValue}, nil
}

// Close releases the file; calling it again returns the first result.
func (s *Store) Close() error {
	s.closeOnce.Do(func() {
		if err := s.db.Close(); err != nil {
			s.closeErr = fmt.Errorf("close state file %q: %w", s.path, err)
		}
	})
	return s.closeErr
}

// sub returns the connector's sub-bucket of top, or nil.
func sub(tx *bbolt.Tx, top []byte, connector string) *bbolt.Bucket {
	return tx.Bucket(top).Bucket([]byte(connector))
}

// subCreate returns the connector's sub-bucket of top, creating it.
func subCreate(tx *bbolt.Tx, top []byte, connector string) (*bbolt.Bucket, error) {
	b, err := tx.Bucket(top).CreateBucketIfNotExists([]byte(connector))
	if err != nil {
		return nil, fmt.Errorf("bucket %s/%s: %w", top, connector, err)
	}
	return b, nil
}

// taskKey is the key of a task's lease and status: "task-" and ten digits, so keys sort by id.
func taskKey(task int) []byte {
	if task < 0 {
		return keyConnector
	}
	return fmt.Appendf(nil, "task-%010d", task)
}

func (s *Store) tooLarge(what string, n int) error {
	if n > s.maxValue {
		return store.TooLargeError(what, n, s.maxValue)
	}
	return nil
}
