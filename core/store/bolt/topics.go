package bolt

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	bbolt "go.etcd.io/bbolt"

	"github.com/connectless/connectless/core/store"
)

// topicValue is the value of a topics/<connector> key.
type topicValue struct {
	Task       int       `json:"task"`
	Discovered time.Time `json:"discovered"`
}

// RecordActiveTopic implements store.TopicStore.
func (s *Store) RecordActiveTopic(_ context.Context, ts store.TopicStatus) error {
	if err := store.ValidateTopicStatus(ts); err != nil {
		return err
	}
	// A read first: a topic already recorded costs no write transaction.
	known := false
	_ = s.db.View(func(tx *bbolt.Tx) error {
		b := sub(tx, bucketTopics, ts.Connector)
		known = b != nil && b.Get([]byte(ts.Topic)) != nil
		return nil
	})
	if known {
		return nil
	}
	v, err := json.Marshal(topicValue{Task: ts.Task, Discovered: ts.Discovered.UTC()})
	if err != nil {
		return fmt.Errorf("record active topic %q of %q: %w", ts.Topic, ts.Connector, err)
	}
	return s.db.Update(func(tx *bbolt.Tx) error {
		b, err := subCreate(tx, bucketTopics, ts.Connector)
		if err != nil {
			return fmt.Errorf("record active topic %q of %q: %w", ts.Topic, ts.Connector, err)
		}
		if b.Get([]byte(ts.Topic)) != nil {
			return nil
		}
		return b.Put([]byte(ts.Topic), v)
	})
}

// ActiveTopics implements store.TopicStore.
func (s *Store) ActiveTopics(_ context.Context, connector string) ([]string, error) {
	if err := store.ValidateConnector(connector); err != nil {
		return nil, fmt.Errorf("active topics: %w", err)
	}
	out := []string{}
	err := s.db.View(func(tx *bbolt.Tx) error {
		b := sub(tx, bucketTopics, connector)
		if b == nil {
			return nil
		}
		return b.ForEach(func(k, _ []byte) error {
			out = append(out, string(k))
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("active topics of %q: %w", connector, err)
	}
	slices.Sort(out)
	return out, nil
}

// ResetActiveTopics implements store.TopicStore.
func (s *Store) ResetActiveTopics(_ context.Context, connector string) error {
	if err := store.ValidateConnector(connector); err != nil {
		return fmt.Errorf("reset active topics: %w", err)
	}
	return s.db.Update(func(tx *bbolt.Tx) error { return deleteTopics(tx, connector) })
}

func deleteTopics(tx *bbolt.Tx, connector string) error {
	if sub(tx, bucketTopics, connector) == nil {
		return nil
	}
	if err := tx.Bucket(bucketTopics).DeleteBucket([]byte(connector)); err != nil {
		return fmt.Errorf("delete active topics of %q: %w", connector, err)
	}
	return nil
}
