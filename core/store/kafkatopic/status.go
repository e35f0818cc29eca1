package kafkatopic

import (
	"context"
	"fmt"
	"slices"
	"strconv"

	"github.com/segmentio/kafka-go"

	"github.com/connectless/connectless/core/store"
)

func (s *Store) statusRecord(st store.Status) (record, error) {
	what := fmt.Sprintf("status of %q task %d", st.Connector, st.Task)
	if err := store.ValidateConnector(st.Connector); err != nil {
		return record{}, fmt.Errorf("%s: %w", what, err)
	}
	if st.Task < -1 {
		return record{}, fmt.Errorf("%s: task id is below -1: %w", what, store.ErrInvalid)
	}
	key := ConnectorStatusKey(st.Connector)
	if st.Task >= 0 {
		key = TaskStatusKey(st.Connector, st.Task)
	}
	var val []byte
	if st.State != store.StateDestroyed {
		v, err := EncodeStatus(st)
		if err != nil {
			return record{}, fmt.Errorf("%s: %w: %w", what, err, store.ErrInvalid)
		}
		val = v
	}
	rec, err := s.newRecord(s.status, what, key, val)
	if err != nil {
		return record{}, err
	}
	updated := ""
	if !st.Updated.IsZero() {
		rec.time = st.Updated
		updated = strconv.FormatInt(st.Updated.UnixNano(), 10)
	}
	rec.headers = []kafka.Header{{Key: HeaderUpdated, Value: []byte(updated)}}
	return rec, nil
}

// PutStatus implements store.StatusStore: status-connector-<name> (Task -1) or
// status-task-<name>-<n>, {"state","trace","worker_id","generation"}. DESTROYED is written as a
// tombstone. Updated becomes the record timestamp and, exactly, the connectless.updated header.
func (s *Store) PutStatus(ctx context.Context, st store.Status) error {
	rec, err := s.statusRecord(st)
	if err != nil {
		return fmt.Errorf("put status: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, err := s.write(ctx, s.status, []record{rec}); err != nil {
		return fmt.Errorf("put status of %q task %d: %w", st.Connector, st.Task, err)
	}
	return nil
}

// PutTaskStatus implements store.StatusStore; the lease is checked first.
func (s *Store) PutTaskStatus(ctx context.Context, lease store.Lease, st store.Status) error {
	st.Connector, st.Task = lease.Connector, lease.Task
	rec, err := s.statusRecord(st)
	if err != nil {
		return fmt.Errorf("put task status: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.checkLeaseLocked(ctx, lease); err != nil {
		return fmt.Errorf("put task status: %w", err)
	}
	if _, err := s.write(ctx, s.status, []record{rec}); err != nil {
		return fmt.Errorf("put status of %q task %d: %w", st.Connector, st.Task, err)
	}
	return nil
}

// Statuses implements store.StatusStore.
func (s *Store) Statuses(ctx context.Context, connector string) ([]store.Status, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.status.readToEnd(ctx); err != nil {
		return nil, fmt.Errorf("statuses of %q: %w", connector, err)
	}
	var out []store.Status
	for k, st := range s.v.statuses {
		if k.connector == connector {
			out = append(out, st)
		}
	}
	slices.SortFunc(out, func(a, b store.Status) int { return a.Task - b.Task })
	return out, nil
}
