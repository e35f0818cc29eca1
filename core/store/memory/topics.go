package memory

import (
	"context"
	"fmt"
	"slices"

	"github.com/connectless/connectless/core/store"
)

// RecordActiveTopic implements store.TopicStore.
func (s *Store) RecordActiveTopic(_ context.Context, ts store.TopicStatus) error {
	if err := store.ValidateTopicStatus(ts); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	m := s.topics[ts.Connector]
	if m == nil {
		m = map[string]store.TopicStatus{}
		s.topics[ts.Connector] = m
	}
	if _, ok := m[ts.Topic]; !ok {
		m[ts.Topic] = ts
	}
	return nil
}

// ActiveTopics implements store.TopicStore.
func (s *Store) ActiveTopics(_ context.Context, connector string) ([]string, error) {
	if err := store.ValidateConnector(connector); err != nil {
		return nil, fmt.Errorf("active topics: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	out := []string{}
	for t := range s.topics[connector] {
		out = append(out, t)
	}
	slices.Sort(out)
	return out, nil
}

// ResetActiveTopics implements store.TopicStore.
func (s *Store) ResetActiveTopics(_ context.Context, connector string) error {
	if err := store.ValidateConnector(connector); err != nil {
		return fmt.Errorf("reset active topics: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.topics, connector)
	return nil
}
