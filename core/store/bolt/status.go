package bolt

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	bbolt "go.etcd.io/bbolt"

	"github.com/connectless/connectless/core/store"
)

// statusRecord is the stored form of store.Status (connector and task are in the key).
type statusRecord struct {
	State      store.State `json:"state"`
	WorkerID   string      `json:"worker_id"`
	Trace      string      `json:"trace,omitempty"`
	Generation int64       `json:"generation"`
	Updated    time.Time   `json:"updated"`
}

func (s *Store) encodeStatus(what string, st store.Status) ([]byte, error) {
	if err := store.ValidateConnector(st.Connector); err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	if st.Task < -1 {
		return nil, fmt.Errorf("%s: task id %d is below -1: %w", what, st.Task, store.ErrInvalid)
	}
	v, err := json.Marshal(statusRecord{State: st.State, WorkerID: st.WorkerID, Trace: st.Trace, Generation: st.Generation, Updated: st.Updated.UTC()})
	if err != nil {
		return nil, fmt.Errorf("%s: encode: %w", what, err)
	}
	if err := s.tooLarge(what, len(v)); err != nil {
		return nil, err
	}
	return v, nil
}

func putStatus(tx *bbolt.Tx, st store.Status, v []byte) error {
	b, err := subCreate(tx, bucketStatus, st.Connector)
	if err != nil {
		return err
	}
	return b.Put(taskKey(st.Task), v)
}

// PutStatus implements store.StatusStore.
func (s *Store) PutStatus(ctx context.Context, st store.Status) error {
	v, err := s.encodeStatus(fmt.Sprintf("put status of %q task %d", st.Connector, st.Task), st)
	if err != nil {
		return err
	}
	return s.db.Update(func(tx *bbolt.Tx) error { return putStatus(tx, st, v) })
}

// PutTaskStatus implements store.StatusStore; the lease names the connector and task.
func (s *Store) PutTaskStatus(ctx context.Context, lease store.Lease, st store.Status) error {
	st.Connector, st.Task = lease.Connector, lease.Task
	v, err := s.encodeStatus(fmt.Sprintf("put status of %q task %d", st.Connector, st.Task), st)
	if err != nil {
		return err
	}
	return s.db.Update(func(tx *bbolt.Tx) error {
		if _, err := checkLease(tx, lease); err != nil {
			return fmt.Errorf("put task status: %w", err)
		}
		return putStatus(tx, st, v)
	})
}

// Statuses implements store.StatusStore: "connector" sorts before "task-…", and task keys
// sort by id.
func (s *Store) Statuses(ctx context.Context, connector string) ([]store.Status, error) {
	var out []store.Status
	err := s.db.View(func(tx *bbolt.Tx) error {
		b := sub(tx, bucketStatus, connector)
		if b == nil {
			return nil
		}
		return b.ForEach(func(k, v []byte) error {
			task := -1
			if key := string(k); key != string(keyConnector) {
				n, err := strconv.Atoi(strings.TrimPrefix(key, "task-"))
				if err != nil {
					return fmt.Errorf("status key %q: %w", key, err)
				}
				task = n
			}
			var r statusRecord
			if err := json.Unmarshal(v, &r); err != nil {
				return fmt.Errorf("decode status of task %d: %w", task, err)
			}
			out = append(out, store.Status{Connector: connector, Task: task, State: r.State, WorkerID: r.WorkerID,
				Trace: r.Trace, Generation: r.Generation, Updated: r.Updated})
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("statuses of %q: %w", connector, err)
	}
	return out, nil
}
