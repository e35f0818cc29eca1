package bolt

import (
	"context"
	"encoding/json"
	"fmt"

	bbolt "go.etcd.io/bbolt"

	"github.com/connectless/connectless/core/store"
)

// connectorRecord is the stored form of store.Connector (its name is the bucket name).
type connectorRecord struct {
	Config      map[string]string   `json:"config"`
	TargetState store.TargetState   `json:"target_state"`
	Generation  int64               `json:"generation"`
	Tasks       []map[string]string `json:"tasks"`
}

func getConnector(tx *bbolt.Tx, name string) (connectorRecord, bool, error) {
	b := sub(tx, bucketConnectors, name)
	if b == nil {
		return connectorRecord{}, false, nil
	}
	v := b.Get(keyConnector)
	if v == nil {
		return connectorRecord{}, false, nil
	}
	var r connectorRecord
	if err := json.Unmarshal(v, &r); err != nil {
		return connectorRecord{}, false, fmt.Errorf("decode connector %q: %w", name, err)
	}
	return r, true, nil
}

func (s *Store) putConnector(tx *bbolt.Tx, name, what string, r connectorRecord) error {
	v, err := json.Marshal(r)
	if err != nil {
		return fmt.Errorf("%s: encode: %w", what, err)
	}
	if err := s.tooLarge(what, len(v)); err != nil {
		return err
	}
	b, err := subCreate(tx, bucketConnectors, name)
	if err != nil {
		return err
	}
	return b.Put(keyConnector, v)
}

// CreateConnector implements store.ConfigStore.
func (s *Store) CreateConnector(ctx context.Context, name string, config map[string]string, state store.TargetState) error {
	if err := store.ValidateConnector(name); err != nil {
		return fmt.Errorf("create connector: %w", err)
	}
	if err := store.ValidateTargetState(state); err != nil {
		return fmt.Errorf("create connector %q: %w", name, err)
	}
	return s.db.Update(func(tx *bbolt.Tx) error {
		_, ok, err := getConnector(tx, name)
		if err != nil {
			return err
		}
		if ok {
			return fmt.Errorf("create connector %q: %w", name, store.ErrExists)
		}
		return s.putConnector(tx, name, fmt.Sprintf("create connector %q", name),
			connectorRecord{Config: config, TargetState: state})
	})
}

// PutConnectorConfig implements store.ConfigStore.
func (s *Store) PutConnectorConfig(ctx context.Context, name string, config map[string]string) error {
	if err := store.ValidateConnector(name); err != nil {
		return fmt.Errorf("put connector config: %w", err)
	}
	return s.db.Update(func(tx *bbolt.Tx) error {
		r, ok, err := getConnector(tx, name)
		if err != nil {
			return err
		}
		if !ok {
			r = connectorRecord{TargetState: store.TargetRunning}
		}
		r.Config = config
		return s.putConnector(tx, name, fmt.Sprintf("put connector %q config", name), r)
	})
}

// PutTaskConfigs implements store.ConfigStore.
func (s *Store) PutTaskConfigs(ctx context.Context, name string, tasks []map[string]string) (int64, error) {
	var gen int64
	err := s.db.Update(func(tx *bbolt.Tx) error {
		r, ok, err := getConnector(tx, name)
		if err != nil {
			return err
		}
		if !ok {
			return fmt.Errorf("put task configs of %q: %w", name, store.ErrNotFound)
		}
		r.Generation++
		r.Tasks = tasks
		gen = r.Generation
		return s.putConnector(tx, name, fmt.Sprintf("put task configs of %q", name), r)
	})
	return gen, err
}

// PutTargetState implements store.ConfigStore.
func (s *Store) PutTargetState(ctx context.Context, name string, state store.TargetState) error {
	if err := store.ValidateTargetState(state); err != nil {
		return fmt.Errorf("put target state of %q: %w", name, err)
	}
	return s.db.Update(func(tx *bbolt.Tx) error {
		r, ok, err := getConnector(tx, name)
		if err != nil {
			return err
		}
		if !ok {
			return fmt.Errorf("put target state of %q: %w", name, store.ErrNotFound)
		}
		r.TargetState = state
		return s.putConnector(tx, name, fmt.Sprintf("put target state of %q", name), r)
	})
}

// Connector implements store.ConfigStore.
func (s *Store) Connector(ctx context.Context, name string) (store.Connector, error) {
	var c store.Connector
	err := s.db.View(func(tx *bbolt.Tx) error {
		r, ok, err := getConnector(tx, name)
		if err != nil {
			return err
		}
		if !ok {
			return fmt.Errorf("connector %q: %w", name, store.ErrNotFound)
		}
		c = store.Connector{Name: name, Config: r.Config, TargetState: r.TargetState, Generation: r.Generation, Tasks: r.Tasks}
		return nil
	})
	return c, err
}

// Connectors implements store.ConfigStore.
func (s *Store) Connectors(ctx context.Context) ([]string, error) {
	names := []string{}
	err := s.db.View(func(tx *bbolt.Tx) error {
		return tx.Bucket(bucketConnectors).ForEachBucket(func(k []byte) error {
			names = append(names, string(k))
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("list connectors: %w", err)
	}
	return names, nil // bbolt keys are sorted bytewise, as sort.Strings sorts
}

// DeleteConnector implements store.ConfigStore. Offsets and leases stay.
func (s *Store) DeleteConnector(ctx context.Context, name string) error {
	return s.db.Update(func(tx *bbolt.Tx) error {
		if sub(tx, bucketConnectors, name) == nil {
			return fmt.Errorf("delete connector %q: %w", name, store.ErrNotFound)
		}
		if err := tx.Bucket(bucketConnectors).DeleteBucket([]byte(name)); err != nil {
			return fmt.Errorf("delete connector %q: %w", name, err)
		}
		if sub(tx, bucketStatus, name) != nil {
			if err := tx.Bucket(bucketStatus).DeleteBucket([]byte(name)); err != nil {
				return fmt.Errorf("delete status of %q: %w", name, err)
			}
		}
		return deleteTopics(tx, name)
	})
}
