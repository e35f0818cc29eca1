package kafkatopic

import (
	"context"
	"fmt"
	"slices"
	"strconv"

	"github.com/segmentio/kafka-go"

	"github.com/connectless/connectless/core/store"
)

// configRecord builds one config topic record (always partition 0).
func (s *Store) configRecord(what, key string, value []byte) (record, error) {
	return s.newRecord(s.configs, what, key, value)
}

func (s *Store) sendConfig(ctx context.Context, recs ...record) error {
	_, err := s.write(ctx, s.configs, recs)
	return err
}

// existsLocked reads the config topic to the end and reports whether the connector exists.
func (s *Store) existsLocked(ctx context.Context, name string) (bool, error) {
	if err := s.configs.readToEnd(ctx); err != nil {
		return false, err
	}
	c := s.v.conns[name]
	return c != nil && c.config != nil, nil
}

// CreateConnector implements store.ConfigStore. It writes target-state-<name> (only for PAUSED
// or STOPPED, as Kafka Connect does for initial_state) and then connector-<name>. The existence
// check reads to the end first; two Stores creating the same name at once may both succeed,
// and the later record wins, as with Kafka Connect's leader-only writes.
func (s *Store) CreateConnector(ctx context.Context, name string, config map[string]string, state store.TargetState) error {
	if err := store.ValidateConnector(name); err != nil {
		return err
	}
	if err := store.ValidateTargetState(state); err != nil {
		return fmt.Errorf("create connector %q: %w", name, err)
	}
	what := fmt.Sprintf("create connector %q: config", name)
	val, err := EncodeConnectorConfig(config)
	if err != nil {
		return fmt.Errorf("create connector %q: %w", name, err)
	}
	rec, err := s.configRecord(what, ConnectorKey(name), val)
	if err != nil {
		return err
	}
	recs := []record{rec}
	if state != store.TargetRunning {
		tv, err := EncodeTargetState(state)
		if err != nil {
			return fmt.Errorf("create connector %q: %w", name, err)
		}
		tr, err := s.configRecord(what, TargetStateKey(name), tv)
		if err != nil {
			return err
		}
		recs = []record{tr, rec}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	ok, err := s.existsLocked(ctx, name)
	if err != nil {
		return fmt.Errorf("create connector %q: %w", name, err)
	}
	if ok {
		return fmt.Errorf("create connector %q: %w", name, store.ErrExists)
	}
	if _, stale := s.v.targets[name]; stale && state == store.TargetRunning {
		// A target state left by an older connector of that name would otherwise apply.
		tv, _ := EncodeTargetState(store.TargetRunning)
		tr, err := s.configRecord(what, TargetStateKey(name), tv)
		if err != nil {
			return err
		}
		recs = []record{tr, rec}
	}
	if err := s.sendConfig(ctx, recs...); err != nil {
		return fmt.Errorf("create connector %q: %w", name, err)
	}
	return nil
}

// PutConnectorConfig implements store.ConfigStore: one connector-<name> record.
func (s *Store) PutConnectorConfig(ctx context.Context, name string, config map[string]string) error {
	if err := store.ValidateConnector(name); err != nil {
		return err
	}
	val, err := EncodeConnectorConfig(config)
	if err != nil {
		return fmt.Errorf("put connector %q config: %w", name, err)
	}
	rec, err := s.configRecord(fmt.Sprintf("put connector %q config", name), ConnectorKey(name), val)
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.sendConfig(ctx, rec); err != nil {
		return fmt.Errorf("put connector %q config: %w", name, err)
	}
	return nil
}

// PutTaskConfigs implements store.ConfigStore with Kafka Connect's commit protocol: read to the
// end, write task-<name>-0..N-1, read to the end, write commit-<name> = {"tasks":N}. The new
// generation (the previous one plus one) rides on the commit record as a header, so it
// survives compaction.
func (s *Store) PutTaskConfigs(ctx context.Context, name string, tasks []map[string]string) (int64, error) {
	if err := store.ValidateConnector(name); err != nil {
		return 0, err
	}
	what := fmt.Sprintf("put task configs of %q", name)
	recs := make([]record, 0, len(tasks))
	for i, t := range tasks {
		val, err := EncodeConnectorConfig(t)
		if err != nil {
			return 0, fmt.Errorf("%s: %w", what, err)
		}
		rec, err := s.configRecord(fmt.Sprintf("%s: task %d", what, i), TaskKey(name, i), val)
		if err != nil {
			return 0, err
		}
		recs = append(recs, rec)
	}
	cv, _ := EncodeCommit(len(tasks))
	commit, err := s.configRecord(what, CommitKey(name), cv)
	if err != nil {
		return 0, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	ok, err := s.existsLocked(ctx, name)
	if err != nil {
		return 0, fmt.Errorf("%s: %w", what, err)
	}
	if !ok {
		return 0, fmt.Errorf("%s: %w", what, store.ErrNotFound)
	}
	gen := s.v.conns[name].generation + 1
	commit.headers = []kafka.Header{{Key: HeaderGeneration, Value: []byte(strconv.FormatInt(gen, 10))}}
	if len(recs) > 0 {
		if err := s.sendConfig(ctx, recs...); err != nil {
			return 0, fmt.Errorf("%s: %w", what, err)
		}
		if err := s.configs.readToEnd(ctx); err != nil {
			return 0, fmt.Errorf("%s: %w", what, err)
		}
	}
	if err := s.sendConfig(ctx, commit); err != nil {
		return 0, fmt.Errorf("%s: %w", what, err)
	}
	if err := s.configs.readToEnd(ctx); err != nil {
		return 0, fmt.Errorf("%s: %w", what, err)
	}
	return gen, nil
}

// PutTargetState implements store.ConfigStore: target-state-<name> = {"state":..,"state.v2":..}.
func (s *Store) PutTargetState(ctx context.Context, name string, state store.TargetState) error {
	if err := store.ValidateTargetState(state); err != nil {
		return fmt.Errorf("put target state of %q: %w", name, err)
	}
	val, err := EncodeTargetState(state)
	if err != nil {
		return fmt.Errorf("put target state of %q: %w", name, err)
	}
	rec, err := s.configRecord(fmt.Sprintf("put target state of %q", name), TargetStateKey(name), val)
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	ok, err := s.existsLocked(ctx, name)
	if err != nil {
		return fmt.Errorf("put target state of %q: %w", name, err)
	}
	if !ok {
		return fmt.Errorf("put target state of %q: %w", name, store.ErrNotFound)
	}
	if err := s.sendConfig(ctx, rec); err != nil {
		return fmt.Errorf("put target state of %q: %w", name, err)
	}
	return nil
}

// Connector implements store.ConfigStore. A connector without a target-state record is
// RUNNING; one whose last commit record did not find all its task records (inconsistent, in
// Kafka Connect's words) has no tasks.
func (s *Store) Connector(ctx context.Context, name string) (store.Connector, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ok, err := s.existsLocked(ctx, name)
	if err != nil {
		return store.Connector{}, fmt.Errorf("connector %q: %w", name, err)
	}
	if !ok {
		return store.Connector{}, fmt.Errorf("connector %q: %w", name, store.ErrNotFound)
	}
	c := s.v.conns[name]
	out := store.Connector{Name: name, Config: c.config, TargetState: store.TargetRunning, Generation: c.generation}
	if ts, ok := s.v.targets[name]; ok {
		out.TargetState = ts
	}
	if !c.inconsistent {
		out.Tasks = c.tasks
	}
	return store.CloneConnector(out), nil
}

// Connectors implements store.ConfigStore.
func (s *Store) Connectors(ctx context.Context) ([]string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.configs.readToEnd(ctx); err != nil {
		return nil, fmt.Errorf("list connectors: %w", err)
	}
	names := make([]string, 0, len(s.v.conns))
	for n, c := range s.v.conns {
		if c.config != nil {
			names = append(names, n)
		}
	}
	slices.Sort(names)
	return names, nil
}

// DeleteConnector implements store.ConfigStore: tombstones connector-<name> and
// target-state-<name> (task and commit records stay, as in Kafka Connect), then tombstones the
// connector and task statuses. Offsets and leases stay.
func (s *Store) DeleteConnector(ctx context.Context, name string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	ok, err := s.existsLocked(ctx, name)
	if err != nil {
		return fmt.Errorf("delete connector %q: %w", name, err)
	}
	if !ok {
		return fmt.Errorf("delete connector %q: %w", name, store.ErrNotFound)
	}
	what := fmt.Sprintf("delete connector %q", name)
	c1, _ := s.configRecord(what, ConnectorKey(name), nil)
	c2, _ := s.configRecord(what, TargetStateKey(name), nil)
	if err := s.sendConfig(ctx, c1, c2); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	if err := s.status.readToEnd(ctx); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	var tasks []int
	for k := range s.v.statuses {
		if k.connector == name {
			tasks = append(tasks, k.task)
		}
	}
	slices.Sort(tasks) // the connector (-1) first, then tasks by id
	recs := make([]record, 0, len(tasks))
	for _, task := range tasks {
		key := ConnectorStatusKey(name)
		if task >= 0 {
			key = TaskStatusKey(name, task)
		}
		r, _ := s.newRecord(s.status, what, key, nil)
		recs = append(recs, r)
	}
	recs = append(recs, s.topicTombstonesLocked(what, name)...)
	if _, err := s.write(ctx, s.status, recs); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	return nil
}
