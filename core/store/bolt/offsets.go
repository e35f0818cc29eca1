package bolt

import (
	"context"
	"fmt"
	"strconv"

	bbolt "go.etcd.io/bbolt"

	"github.com/connectless/connectless/core/connect"
	"github.com/connectless/connectless/core/store"
)

type encodedSource struct{ key, value string }

// encodeSource encodes offsets (a "null" value is a tombstone) and checks their total size.
func (s *Store) encodeSource(what string, offsets []store.SourceOffset) ([]encodedSource, error) {
	out := make([]encodedSource, 0, len(offsets))
	size := 0
	for _, o := range offsets {
		k, err := store.PartitionKey(o.Partition)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", what, err)
		}
		v, err := store.EncodeOffset(o.Offset)
		if err != nil {
			return nil, fmt.Errorf("%s: partition %s: %w", what, k, err)
		}
		out = append(out, encodedSource{k, v})
		size += len(k) + len(v)
	}
	if err := s.tooLarge(what, size); err != nil {
		return nil, err
	}
	return out, nil
}

func writeSource(tx *bbolt.Tx, connector string, enc []encodedSource) error {
	if len(enc) == 0 {
		return nil
	}
	b, err := subCreate(tx, bucketSource, connector)
	if err != nil {
		return err
	}
	for _, e := range enc {
		if e.value == "null" {
			err = b.Delete([]byte(e.key))
		} else {
			err = b.Put([]byte(e.key), []byte(e.value))
		}
		if err != nil {
			return fmt.Errorf("write source offset %s: %w", e.key, err)
		}
	}
	return nil
}

// encodeSink validates sink offsets; negative offsets are refused unless deleteNegative.
func (s *Store) encodeSink(what string, offsets map[connect.TopicPartition]int64, deleteNegative bool) error {
	size := 0
	for tp, o := range offsets {
		if err := store.ValidateTopicPartition(tp); err != nil {
			return fmt.Errorf("%s: %w", what, err)
		}
		if o < 0 && !deleteNegative {
			return fmt.Errorf("%s: %s offset %d is negative: %w", what, store.TopicPartitionKey(tp), o, store.ErrInvalid)
		}
		size += len(store.TopicPartitionKey(tp)) + 20
	}
	return s.tooLarge(what, size)
}

func writeSink(tx *bbolt.Tx, connector string, offsets map[connect.TopicPartition]int64) error {
	if len(offsets) == 0 {
		return nil
	}
	b, err := subCreate(tx, bucketSink, connector)
	if err != nil {
		return err
	}
	for tp, o := range offsets {
		k := []byte(store.TopicPartitionKey(tp))
		if o < 0 {
			err = b.Delete(k)
		} else {
			err = b.Put(k, strconv.AppendInt(nil, o, 10))
		}
		if err != nil {
			return fmt.Errorf("write sink offset %s: %w", k, err)
		}
	}
	return nil
}

// SourceOffsets implements store.OffsetStore.
func (s *Store) SourceOffsets(ctx context.Context, connector string) ([]store.SourceOffset, error) {
	out := []store.SourceOffset{}
	err := s.db.View(func(tx *bbolt.Tx) error {
		b := sub(tx, bucketSource, connector)
		if b == nil {
			return nil
		}
		return b.ForEach(func(k, v []byte) error {
			p, err := store.DecodeMap(string(k))
			if err != nil {
				return err
			}
			o, err := store.DecodeMap(string(v))
			if err != nil {
				return err
			}
			out = append(out, store.SourceOffset{Partition: p, Offset: o})
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("source offsets of %q: %w", connector, err)
	}
	return out, nil
}

// CommitSourceOffsets implements store.OffsetStore.
func (s *Store) CommitSourceOffsets(ctx context.Context, lease store.Lease, offsets []store.SourceOffset) error {
	what := fmt.Sprintf("commit source offsets of %q task %d", lease.Connector, lease.Task)
	enc, err := s.encodeSource(what, offsets)
	if err != nil {
		return err
	}
	return s.db.Update(func(tx *bbolt.Tx) error {
		if _, err := checkLease(tx, lease); err != nil {
			return fmt.Errorf("commit source offsets: %w", err)
		}
		return writeSource(tx, lease.Connector, enc)
	})
}

// SinkOffsets implements store.OffsetStore.
func (s *Store) SinkOffsets(ctx context.Context, connector string) (map[connect.TopicPartition]int64, error) {
	out := map[connect.TopicPartition]int64{}
	err := s.db.View(func(tx *bbolt.Tx) error {
		b := sub(tx, bucketSink, connector)
		if b == nil {
			return nil
		}
		return b.ForEach(func(k, v []byte) error {
			tp, err := store.ParseTopicPartitionKey(string(k))
			if err != nil {
				return err
			}
			o, err := strconv.ParseInt(string(v), 10, 64)
			if err != nil {
				return fmt.Errorf("offset of %s: %w", k, err)
			}
			out[tp] = o
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("sink offsets of %q: %w", connector, err)
	}
	return out, nil
}

// CommitSinkOffsets implements store.OffsetStore.
func (s *Store) CommitSinkOffsets(ctx context.Context, lease store.Lease, offsets map[connect.TopicPartition]int64) error {
	what := fmt.Sprintf("commit sink offsets of %q task %d", lease.Connector, lease.Task)
	if err := s.encodeSink(what, offsets, false); err != nil {
		return err
	}
	return s.db.Update(func(tx *bbolt.Tx) error {
		if _, err := checkLease(tx, lease); err != nil {
			return fmt.Errorf("commit sink offsets: %w", err)
		}
		return writeSink(tx, lease.Connector, offsets)
	})
}

// AlterSourceOffsets implements store.OffsetStore.
func (s *Store) AlterSourceOffsets(ctx context.Context, connector string, offsets []store.SourceOffset) error {
	if err := store.ValidateConnector(connector); err != nil {
		return fmt.Errorf("alter source offsets: %w", err)
	}
	enc, err := s.encodeSource(fmt.Sprintf("alter source offsets of %q", connector), offsets)
	if err != nil {
		return err
	}
	return s.db.Update(func(tx *bbolt.Tx) error { return writeSource(tx, connector, enc) })
}

// AlterSinkOffsets implements store.OffsetStore.
func (s *Store) AlterSinkOffsets(ctx context.Context, connector string, offsets map[connect.TopicPartition]int64) error {
	if err := store.ValidateConnector(connector); err != nil {
		return fmt.Errorf("alter sink offsets: %w", err)
	}
	if err := s.encodeSink(fmt.Sprintf("alter sink offsets of %q", connector), offsets, true); err != nil {
		return err
	}
	return s.db.Update(func(tx *bbolt.Tx) error { return writeSink(tx, connector, offsets) })
}

// ResetOffsets implements store.OffsetStore.
func (s *Store) ResetOffsets(ctx context.Context, connector string) error {
	if err := store.ValidateConnector(connector); err != nil {
		return fmt.Errorf("reset offsets: %w", err)
	}
	return s.db.Update(func(tx *bbolt.Tx) error {
		for _, top := range [][]byte{bucketSource, bucketSink} {
			if sub(tx, top, connector) == nil {
				continue
			}
			if err := tx.Bucket(top).DeleteBucket([]byte(connector)); err != nil {
				return fmt.Errorf("reset offsets of %q: %w", connector, err)
			}
		}
		return nil
	})
}
