package kafkatopic

import (
	"context"
	"fmt"
	"slices"

	"github.com/connectless/connectless/core/store"
)

// RecordActiveTopic implements store.TopicStore: a status-topic-<topic>:connector-<c> record in
// the status topic, written only when the view does not hold the topic yet.
func (s *Store) RecordActiveTopic(ctx context.Context, ts store.TopicStatus) error {
	if err := store.ValidateTopicStatus(ts); err != nil {
		return err
	}
	what := fmt.Sprintf("record active topic %q of %q", ts.Topic, ts.Connector)
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.status.readToEnd(ctx); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	if _, ok := s.v.topics[ts.Connector][ts.Topic]; ok {
		return nil
	}
	val, err := EncodeTopicStatus(ts)
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	rec, err := s.newRecord(s.status, what, TopicStatusKey(ts.Topic, ts.Connector), val)
	if err != nil {
		return err
	}
	if _, err := s.write(ctx, s.status, []record{rec}); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	return nil
}

// ActiveTopics implements store.TopicStore.
func (s *Store) ActiveTopics(ctx context.Context, connector string) ([]string, error) {
	if err := store.ValidateConnector(connector); err != nil {
		return nil, fmt.Errorf("active topics: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.status.readToEnd(ctx); err != nil {
		return nil, fmt.Errorf("active topics of %q: %w", connector, err)
	}
	out := []string{}
	for t := range s.v.topics[connector] {
		out = append(out, t)
	}
	slices.Sort(out)
	return out, nil
}

// ResetActiveTopics implements store.TopicStore: a tombstone for each recorded topic, as
// Kafka Connect's reset does.
func (s *Store) ResetActiveTopics(ctx context.Context, connector string) error {
	if err := store.ValidateConnector(connector); err != nil {
		return fmt.Errorf("reset active topics: %w", err)
	}
	what := fmt.Sprintf("reset active topics of %q", connector)
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.status.readToEnd(ctx); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	if _, err := s.write(ctx, s.status, s.topicTombstonesLocked(what, connector)); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	return nil
}

// topicTombstonesLocked returns a tombstone for each topic the view holds for the connector,
// in topic order; s.mu must be held and the status topic read.
func (s *Store) topicTombstonesLocked(what, connector string) []record {
	topics := make([]string, 0, len(s.v.topics[connector]))
	for t := range s.v.topics[connector] {
		topics = append(topics, t)
	}
	slices.Sort(topics)
	recs := make([]record, 0, len(topics))
	for _, t := range topics {
		r, _ := s.newRecord(s.status, what, TopicStatusKey(t, connector), nil)
		recs = append(recs, r)
	}
	return recs
}
