// Package memory is an in-process store.Store for unit tests: everything lives in maps behind
// one mutex and is lost when the process ends. It follows the same rules as the durable
// backends (fencing tokens, size limits, sentinel errors) and passes the storetest suite.
package memory

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"sync"
	"time"

	"github.com/connectless/connectless/core/connect"
	"github.com/connectless/connectless/core/store"
)

// Option configures a Store.
type Option func(*Store)

// WithClock sets the clock used for lease expiry. Default time.Now.
func WithClock(now func() time.Time) Option { return func(s *Store) { s.now = now } }

// WithMaxValueSize sets the largest value accepted (encoded bytes of a connector with its
// task configs, of one commit's offsets, of a status). Default store.DefaultMaxValueSize.
func WithMaxValueSize(n int) Option { return func(s *Store) { s.maxValue = n } }

type taskKey struct {
	connector string
	task      int
}

type sinkKey struct {
	connector string
	tp        connect.TopicPartition
}

type sourceKey struct {
	connector string
	partition string // store.PartitionKey
}

// Store is the in-memory backend. The zero value is not usable; call New.
type Store struct {
	now      func() time.Time
	maxValue int

	mu         sync.Mutex
	connectors map[string]store.Connector
	leases     map[taskKey]store.Lease
	released   map[taskKey]bool // leases given up by Release (not expired while held)
	statuses   map[taskKey]store.Status
	source     map[sourceKey]string // encoded offset
	sink       map[sinkKey]int64
	topics     map[string]map[string]store.TopicStatus // connector → topic
}

var _ store.Store = (*Store)(nil)

// New returns an empty Store.
func New(opts ...Option) *Store {
	s := &Store{
		now:        time.Now,
		maxValue:   store.DefaultMaxValueSize,
		connectors: map[string]store.Connector{},
		leases:     map[taskKey]store.Lease{},
		released:   map[taskKey]bool{},
		statuses:   map[taskKey]store.Status{},
		source:     map[sourceKey]string{},
		sink:       map[sinkKey]int64{},
		topics:     map[string]map[string]store.TopicStatus{},
	}
	for _, o := range opts {
		o(s)
	}
	return s
}

// Close does nothing; the data stays readable through s.
func (s *Store) Close() error { return nil }

func configSize(m map[string]string) int {
	n := 0
	for k, v := range m {
		n += len(k) + len(v)
	}
	return n
}

func connectorSize(c store.Connector) int {
	n := configSize(c.Config)
	for _, t := range c.Tasks {
		n += configSize(t)
	}
	return n
}

// CreateConnector implements store.ConfigStore.
func (s *Store) CreateConnector(ctx context.Context, name string, config map[string]string, state store.TargetState) error {
	if err := store.ValidateConnector(name); err != nil {
		return err
	}
	if err := store.ValidateTargetState(state); err != nil {
		return fmt.Errorf("create connector %q: %w", name, err)
	}
	if n := configSize(config); n > s.maxValue {
		return store.TooLargeError(fmt.Sprintf("create connector %q: config", name), n, s.maxValue)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.connectors[name]; ok {
		return fmt.Errorf("create connector %q: %w", name, store.ErrExists)
	}
	s.connectors[name] = store.Connector{Name: name, Config: store.CloneConfig(config), TargetState: state}
	return nil
}

// PutConnectorConfig implements store.ConfigStore.
func (s *Store) PutConnectorConfig(ctx context.Context, name string, config map[string]string) error {
	if err := store.ValidateConnector(name); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.connectors[name]
	if !ok {
		c = store.Connector{Name: name, TargetState: store.TargetRunning}
	}
	c.Config = store.CloneConfig(config)
	if n := connectorSize(c); n > s.maxValue {
		return store.TooLargeError(fmt.Sprintf("put connector %q config", name), n, s.maxValue)
	}
	s.connectors[name] = c
	return nil
}

// PutTaskConfigs implements store.ConfigStore.
func (s *Store) PutTaskConfigs(ctx context.Context, name string, tasks []map[string]string) (int64, error) {
	if err := store.ValidateConnector(name); err != nil {
		return 0, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.connectors[name]
	if !ok {
		return 0, fmt.Errorf("put task configs of %q: %w", name, store.ErrNotFound)
	}
	c = store.CloneConnector(c)
	c.Tasks = store.CloneConnector(store.Connector{Tasks: tasks}).Tasks
	if n := connectorSize(c); n > s.maxValue {
		return 0, store.TooLargeError(fmt.Sprintf("put task configs of %q", name), n, s.maxValue)
	}
	c.Generation++
	s.connectors[name] = c
	return c.Generation, nil
}

// PutTargetState implements store.ConfigStore.
func (s *Store) PutTargetState(ctx context.Context, name string, state store.TargetState) error {
	if err := store.ValidateTargetState(state); err != nil {
		return fmt.Errorf("put target state of %q: %w", name, err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.connectors[name]
	if !ok {
		return fmt.Errorf("put target state of %q: %w", name, store.ErrNotFound)
	}
	c.TargetState = state
	s.connectors[name] = c
	return nil
}

// Connector implements store.ConfigStore.
func (s *Store) Connector(ctx context.Context, name string) (store.Connector, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.connectors[name]
	if !ok {
		return store.Connector{}, fmt.Errorf("connector %q: %w", name, store.ErrNotFound)
	}
	return store.CloneConnector(c), nil
}

// Connectors implements store.ConfigStore.
func (s *Store) Connectors(ctx context.Context) ([]string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	names := make([]string, 0, len(s.connectors))
	for n := range s.connectors {
		names = append(names, n)
	}
	sort.Strings(names)
	return names, nil
}

// DeleteConnector implements store.ConfigStore. Leases stay so that tokens keep growing.
func (s *Store) DeleteConnector(ctx context.Context, name string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.connectors[name]; !ok {
		return fmt.Errorf("delete connector %q: %w", name, store.ErrNotFound)
	}
	delete(s.connectors, name)
	delete(s.topics, name)
	for k := range s.statuses {
		if k.connector == name {
			delete(s.statuses, k)
		}
	}
	return nil
}

// checkLease reports whether l is the task's current lease; s.mu must be held.
func (s *Store) checkLease(l store.Lease) error {
	if err := store.ValidateTask(l.Connector, l.Task); err != nil {
		return err
	}
	cur, ok := s.leases[taskKey{l.Connector, l.Task}]
	if !ok || cur.Token != l.Token {
		return fmt.Errorf("connector %q task %d token %d: %w", l.Connector, l.Task, l.Token, store.ErrFenced)
	}
	return nil
}

func encodeSource(connector string, offsets []store.SourceOffset) (map[string]string, int, error) {
	out := make(map[string]string, len(offsets))
	size := 0
	for _, o := range offsets {
		k, err := store.PartitionKey(o.Partition)
		if err != nil {
			return nil, 0, fmt.Errorf("connector %q: %w", connector, err)
		}
		v, err := store.EncodeOffset(o.Offset)
		if err != nil {
			return nil, 0, fmt.Errorf("connector %q partition %s: %w", connector, k, err)
		}
		out[k] = v
		size += len(k) + len(v)
	}
	return out, size, nil
}

func (s *Store) applySource(connector string, enc map[string]string) {
	for k, v := range enc {
		if v == "null" {
			delete(s.source, sourceKey{connector, k})
		} else {
			s.source[sourceKey{connector, k}] = v
		}
	}
}

// SourceOffsets implements store.OffsetStore.
func (s *Store) SourceOffsets(ctx context.Context, connector string) ([]store.SourceOffset, error) {
	s.mu.Lock()
	var keys []sourceKey
	for k := range s.source {
		if k.connector == connector {
			keys = append(keys, k)
		}
	}
	slices.SortFunc(keys, func(a, b sourceKey) int { return cmpString(a.partition, b.partition) })
	vals := make([]string, len(keys))
	for i, k := range keys {
		vals[i] = s.source[k]
	}
	s.mu.Unlock()
	out := make([]store.SourceOffset, 0, len(keys))
	for i, k := range keys {
		p, err := store.DecodeMap(k.partition)
		if err != nil {
			return nil, fmt.Errorf("source offsets of %q: %w", connector, err)
		}
		o, err := store.DecodeMap(vals[i])
		if err != nil {
			return nil, fmt.Errorf("source offsets of %q: %w", connector, err)
		}
		out = append(out, store.SourceOffset{Partition: p, Offset: o})
	}
	return out, nil
}

func cmpString(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// CommitSourceOffsets implements store.OffsetStore.
func (s *Store) CommitSourceOffsets(ctx context.Context, lease store.Lease, offsets []store.SourceOffset) error {
	enc, size, err := encodeSource(lease.Connector, offsets)
	if err != nil {
		return fmt.Errorf("commit source offsets: %w", err)
	}
	if size > s.maxValue {
		return store.TooLargeError(fmt.Sprintf("commit source offsets of %q task %d", lease.Connector, lease.Task), size, s.maxValue)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.checkLease(lease); err != nil {
		return fmt.Errorf("commit source offsets: %w", err)
	}
	s.applySource(lease.Connector, enc)
	return nil
}

// SinkOffsets implements store.OffsetStore.
func (s *Store) SinkOffsets(ctx context.Context, connector string) (map[connect.TopicPartition]int64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[connect.TopicPartition]int64{}
	for k, v := range s.sink {
		if k.connector == connector {
			out[k.tp] = v
		}
	}
	return out, nil
}

func sinkSize(connector string, offsets map[connect.TopicPartition]int64) (int, error) {
	n := 0
	for tp := range offsets {
		if err := store.ValidateTopicPartition(tp); err != nil {
			return 0, fmt.Errorf("connector %q: %w", connector, err)
		}
		n += len(tp.Topic) + 4 + 8
	}
	return n, nil
}

// CommitSinkOffsets implements store.OffsetStore.
func (s *Store) CommitSinkOffsets(ctx context.Context, lease store.Lease, offsets map[connect.TopicPartition]int64) error {
	size, err := sinkSize(lease.Connector, offsets)
	if err != nil {
		return fmt.Errorf("commit sink offsets: %w", err)
	}
	for tp, o := range offsets {
		if o < 0 {
			return fmt.Errorf("commit sink offsets of %q: %s offset %d is negative: %w", lease.Connector, store.TopicPartitionKey(tp), o, store.ErrInvalid)
		}
	}
	if size > s.maxValue {
		return store.TooLargeError(fmt.Sprintf("commit sink offsets of %q task %d", lease.Connector, lease.Task), size, s.maxValue)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.checkLease(lease); err != nil {
		return fmt.Errorf("commit sink offsets: %w", err)
	}
	for tp, o := range offsets {
		s.sink[sinkKey{lease.Connector, tp}] = o
	}
	return nil
}

// AlterSourceOffsets implements store.OffsetStore.
func (s *Store) AlterSourceOffsets(ctx context.Context, connector string, offsets []store.SourceOffset) error {
	if err := store.ValidateConnector(connector); err != nil {
		return fmt.Errorf("alter source offsets: %w", err)
	}
	enc, size, err := encodeSource(connector, offsets)
	if err != nil {
		return fmt.Errorf("alter source offsets: %w", err)
	}
	if size > s.maxValue {
		return store.TooLargeError(fmt.Sprintf("alter source offsets of %q", connector), size, s.maxValue)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.applySource(connector, enc)
	return nil
}

// AlterSinkOffsets implements store.OffsetStore.
func (s *Store) AlterSinkOffsets(ctx context.Context, connector string, offsets map[connect.TopicPartition]int64) error {
	if err := store.ValidateConnector(connector); err != nil {
		return fmt.Errorf("alter sink offsets: %w", err)
	}
	size, err := sinkSize(connector, offsets)
	if err != nil {
		return fmt.Errorf("alter sink offsets: %w", err)
	}
	if size > s.maxValue {
		return store.TooLargeError(fmt.Sprintf("alter sink offsets of %q", connector), size, s.maxValue)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for tp, o := range offsets {
		if o < 0 {
			delete(s.sink, sinkKey{connector, tp})
		} else {
			s.sink[sinkKey{connector, tp}] = o
		}
	}
	return nil
}

// ResetOffsets implements store.OffsetStore.
func (s *Store) ResetOffsets(ctx context.Context, connector string) error {
	if err := store.ValidateConnector(connector); err != nil {
		return fmt.Errorf("reset offsets: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for k := range s.source {
		if k.connector == connector {
			delete(s.source, k)
		}
	}
	for k := range s.sink {
		if k.connector == connector {
			delete(s.sink, k)
		}
	}
	return nil
}

func (s *Store) checkStatus(st store.Status) error {
	if err := store.ValidateConnector(st.Connector); err != nil {
		return err
	}
	if st.Task < -1 {
		return fmt.Errorf("connector %q: task id %d is below -1: %w", st.Connector, st.Task, store.ErrInvalid)
	}
	if n := len(st.Trace) + len(st.WorkerID) + len(st.State); n > s.maxValue {
		return store.TooLargeError(fmt.Sprintf("status of %q task %d", st.Connector, st.Task), n, s.maxValue)
	}
	return nil
}

// PutStatus implements store.StatusStore.
func (s *Store) PutStatus(ctx context.Context, st store.Status) error {
	if err := s.checkStatus(st); err != nil {
		return fmt.Errorf("put status: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.statuses[taskKey{st.Connector, st.Task}] = st
	return nil
}

// PutTaskStatus implements store.StatusStore.
func (s *Store) PutTaskStatus(ctx context.Context, lease store.Lease, st store.Status) error {
	st.Connector, st.Task = lease.Connector, lease.Task
	if err := s.checkStatus(st); err != nil {
		return fmt.Errorf("put task status: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.checkLease(lease); err != nil {
		return fmt.Errorf("put task status: %w", err)
	}
	s.statuses[taskKey{st.Connector, st.Task}] = st
	return nil
}

// Statuses implements store.StatusStore.
func (s *Store) Statuses(ctx context.Context, connector string) ([]store.Status, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []store.Status
	for k, v := range s.statuses {
		if k.connector == connector {
			out = append(out, v)
		}
	}
	slices.SortFunc(out, func(a, b store.Status) int { return a.Task - b.Task })
	return out, nil
}

// Acquire implements store.LeaseStore.
func (s *Store) Acquire(ctx context.Context, connector string, task int, holder string, ttl time.Duration) (store.Lease, error) {
	if err := store.ValidateAcquire(connector, task, ttl); err != nil {
		return store.Lease{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	k := taskKey{connector, task}
	cur, ok := s.leases[k]
	if ok && now.Before(cur.Expires) {
		return store.Lease{}, fmt.Errorf("acquire lease of %q task %d: held by %q until %s: %w",
			connector, task, cur.Holder, cur.Expires.UTC().Format(time.RFC3339Nano), store.ErrLeaseHeld)
	}
	l := store.Lease{Connector: connector, Task: task, Holder: holder, Token: cur.Token + 1, Expires: now.Add(ttl)}
	s.leases[k] = l
	l.TookOver = ok && !s.released[k]
	delete(s.released, k)
	return l, nil
}

// Renew implements store.LeaseStore.
func (s *Store) Renew(ctx context.Context, lease store.Lease, ttl time.Duration) (store.Lease, error) {
	if err := store.ValidateRenew(lease, ttl); err != nil {
		return store.Lease{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.checkLease(lease); err != nil {
		return store.Lease{}, fmt.Errorf("renew lease: %w", err)
	}
	k := taskKey{lease.Connector, lease.Task}
	l := s.leases[k]
	l.Expires = s.now().Add(ttl)
	s.leases[k] = l
	delete(s.released, k)
	return l, nil
}

// Release implements store.LeaseStore.
func (s *Store) Release(ctx context.Context, lease store.Lease) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.checkLease(lease); err != nil {
		return nil // taken over (or never held): nothing to give up
	}
	k := taskKey{lease.Connector, lease.Task}
	l := s.leases[k]
	l.Expires = s.now()
	s.leases[k] = l
	s.released[k] = true
	return nil
}

// CurrentLease implements store.LeaseStore.
func (s *Store) CurrentLease(ctx context.Context, connector string, task int) (store.Lease, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	l, ok := s.leases[taskKey{connector, task}]
	if !ok {
		return store.Lease{}, fmt.Errorf("lease of %q task %d: %w", connector, task, store.ErrNotFound)
	}
	return l, nil
}
