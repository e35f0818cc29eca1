package kafkatopic

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/segmentio/kafka-go"

	"github.com/connectless/connectless/core/connect"
	kafkaclient "github.com/connectless/connectless/core/kafka"
	"github.com/connectless/connectless/core/store"
)

// SinkGroupID is the consumer group Kafka Connect keeps a sink connector's offsets in.
func SinkGroupID(connector string) string { return "connect-" + connector }

// SourceOffsets implements store.OffsetStore: every partition of the connector in the offsets
// topic, sorted by store.PartitionKey. Numbers come back as float64, like every backend.
func (s *Store) SourceOffsets(ctx context.Context, connector string) ([]store.SourceOffset, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.offsets.readToEnd(ctx); err != nil {
		return nil, fmt.Errorf("source offsets of %q: %w", connector, err)
	}
	m := s.v.offsets[connector]
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	out := make([]store.SourceOffset, 0, len(keys))
	for _, k := range keys {
		p, err := store.DecodeMap(k)
		if err != nil {
			return nil, fmt.Errorf("source offsets of %q: %w", connector, err)
		}
		o, err := store.DecodeMap(string(m[k].rawValue))
		if err != nil || o == nil {
			// Kafka Connect would fail on it too; say which record it is.
			return nil, fmt.Errorf("source offsets of %q: partition %s: %w: value %q", connector, k, ErrBadRecord, m[k].rawValue)
		}
		out = append(out, store.SourceOffset{Partition: p, Offset: o})
	}
	return out, nil
}

// sourceRecords builds offsets topic records. The key of a partition already in the topic is
// reused byte for byte, so that Kafka Connect, which looks offsets up by key bytes, finds it.
// s.mu must be held and the offsets topic read to the end.
func (s *Store) sourceRecords(what, connector string, offsets []store.SourceOffset) ([]record, error) {
	recs := make([]record, 0, len(offsets))
	for _, o := range offsets {
		pk, err := store.PartitionKey(o.Partition)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", what, err)
		}
		var key []byte
		if e := s.v.offsets[connector][pk]; e != nil {
			key = e.rawKey
		} else if key, err = EncodeOffsetKey(connector, o.Partition); err != nil {
			return nil, fmt.Errorf("%s: %w: %w", what, err, store.ErrInvalid)
		}
		val, err := EncodeOffsetValue(o.Offset)
		if err != nil {
			return nil, fmt.Errorf("%s: partition %s: %w: %w", what, pk, err, store.ErrInvalid)
		}
		rec, err := s.newRawRecord(s.offsets, what+": source partition and offset", key, val)
		if err != nil {
			return nil, err
		}
		recs = append(recs, rec)
	}
	return recs, nil
}

func (s *Store) writeSource(ctx context.Context, what, connector string, lease *store.Lease, offsets []store.SourceOffset) error {
	if err := store.ValidateConnector(connector); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.offsets.readToEnd(ctx); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	recs, err := s.sourceRecords(what, connector, offsets)
	if err != nil {
		return err
	}
	if lease != nil {
		if err := s.checkLeaseLocked(ctx, *lease); err != nil {
			return fmt.Errorf("%s: %w", what, err)
		}
	}
	if _, err := s.write(ctx, s.offsets, recs); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	return nil
}

// CommitSourceOffsets implements store.OffsetStore. The lease is checked against the status
// topic read to its end just before the write (see the package doc for the window this leaves).
func (s *Store) CommitSourceOffsets(ctx context.Context, lease store.Lease, offsets []store.SourceOffset) error {
	what := fmt.Sprintf("commit source offsets of %q task %d", lease.Connector, lease.Task)
	return s.writeSource(ctx, what, lease.Connector, &lease, offsets)
}

// AlterSourceOffsets implements store.OffsetStore.
func (s *Store) AlterSourceOffsets(ctx context.Context, connector string, offsets []store.SourceOffset) error {
	return s.writeSource(ctx, fmt.Sprintf("alter source offsets of %q", connector), connector, nil, offsets)
}

// SinkOffsets implements store.OffsetStore: the committed offsets of consumer group
// connect-<name>.
func (s *Store) SinkOffsets(ctx context.Context, connector string) (map[connect.TopicPartition]int64, error) {
	return FetchGroupOffsets(ctx, s.client, SinkGroupID(connector))
}

// FetchGroupOffsets returns every committed offset of a consumer group.
func FetchGroupOffsets(ctx context.Context, client *kafka.Client, group string) (map[connect.TopicPartition]int64, error) {
	return kafkaclient.FetchCommittedOffsets(ctx, client, group, nil)
}

// CommitGroupOffsets commits offsets to a consumer group as a simple (generation -1) commit and
// deletes the offsets given as negative. It fails when the group has active members.
func CommitGroupOffsets(ctx context.Context, client *kafka.Client, group string, offsets map[connect.TopicPartition]int64) error {
	commits := map[string][]kafka.OffsetCommit{}
	deletes := map[string][]int{}
	for tp, o := range offsets {
		if err := store.ValidateTopicPartition(tp); err != nil {
			return fmt.Errorf("commit offsets of group %q: %w", group, err)
		}
		if o < 0 {
			deletes[tp.Topic] = append(deletes[tp.Topic], int(tp.Partition))
			continue
		}
		commits[tp.Topic] = append(commits[tp.Topic], kafka.OffsetCommit{Partition: int(tp.Partition), Offset: o})
	}
	if len(commits) > 0 {
		res, err := client.OffsetCommit(ctx, &kafka.OffsetCommitRequest{GroupID: group, GenerationID: -1, Topics: commits})
		if err != nil {
			return fmt.Errorf("commit offsets of group %q: %w", group, err)
		}
		for topic, ps := range res.Topics {
			for _, p := range ps {
				if p.Error != nil {
					return fmt.Errorf("commit offsets of group %q %s/%d: %w", group, topic, p.Partition, p.Error)
				}
			}
		}
	}
	if len(deletes) > 0 {
		res, err := client.OffsetDelete(ctx, &kafka.OffsetDeleteRequest{GroupID: group, Topics: deletes})
		if err != nil {
			return fmt.Errorf("delete offsets of group %q: %w", group, err)
		}
		if res.Error != nil && !errors.Is(res.Error, kafka.GroupIdNotFound) {
			return fmt.Errorf("delete offsets of group %q: %w", group, res.Error)
		}
		for topic, ps := range res.Topics {
			for _, p := range ps {
				if p.Error != nil {
					return fmt.Errorf("delete offsets of group %q %s/%d: %w", group, topic, p.Partition, p.Error)
				}
			}
		}
	}
	return nil
}

func validateSink(what string, offsets map[connect.TopicPartition]int64, allowNegative bool) error {
	for tp, o := range offsets {
		if err := store.ValidateTopicPartition(tp); err != nil {
			return fmt.Errorf("%s: %w", what, err)
		}
		if o < 0 && !allowNegative {
			return fmt.Errorf("%s: %s offset %d is negative: %w", what, store.TopicPartitionKey(tp), o, store.ErrInvalid)
		}
	}
	return nil
}

// CommitSinkOffsets implements store.OffsetStore: a commit to group connect-<name>, after the
// lease check.
func (s *Store) CommitSinkOffsets(ctx context.Context, lease store.Lease, offsets map[connect.TopicPartition]int64) error {
	what := fmt.Sprintf("commit sink offsets of %q task %d", lease.Connector, lease.Task)
	if err := validateSink(what, offsets, false); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.checkLeaseLocked(ctx, lease); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	if err := CommitGroupOffsets(ctx, s.client, SinkGroupID(lease.Connector), offsets); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	return nil
}

// AlterSinkOffsets implements store.OffsetStore; negative offsets are deleted from the group.
func (s *Store) AlterSinkOffsets(ctx context.Context, connector string, offsets map[connect.TopicPartition]int64) error {
	what := fmt.Sprintf("alter sink offsets of %q", connector)
	if err := store.ValidateConnector(connector); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	if err := validateSink(what, offsets, true); err != nil {
		return err
	}
	if err := CommitGroupOffsets(ctx, s.client, SinkGroupID(connector), offsets); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	return nil
}

// ResetOffsets implements store.OffsetStore: tombstones for every source partition of the
// connector and deletion of the sink group's offsets.
func (s *Store) ResetOffsets(ctx context.Context, connector string) error {
	what := fmt.Sprintf("reset offsets of %q", connector)
	if err := store.ValidateConnector(connector); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	s.mu.Lock()
	if err := s.offsets.readToEnd(ctx); err != nil {
		s.mu.Unlock()
		return fmt.Errorf("%s: %w", what, err)
	}
	var recs []record
	for _, e := range s.v.offsets[connector] {
		r, _ := s.newRawRecord(s.offsets, what, e.rawKey, nil)
		recs = append(recs, r)
	}
	_, err := s.write(ctx, s.offsets, recs)
	s.mu.Unlock()
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	sink, err := s.SinkOffsets(ctx, connector)
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	del := make(map[connect.TopicPartition]int64, len(sink))
	for tp := range sink {
		del[tp] = -1
	}
	if err := CommitGroupOffsets(ctx, s.client, SinkGroupID(connector), del); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	return nil
}
