package kafkatopic

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/connectless/connectless/core/store"
)

// readLease reads the status partition that holds the task's lease records to its end.
func (s *Store) readLease(ctx context.Context, connector string, task int) error {
	return s.status.readToEnd(ctx, PartitionFor([]byte(LeaseKey(connector, task)), s.status.partitions))
}

// checkLeaseLocked reads the lease to the end and refuses a lease whose token is not current.
func (s *Store) checkLeaseLocked(ctx context.Context, l store.Lease) error {
	if err := store.ValidateTask(l.Connector, l.Task); err != nil {
		return err
	}
	if err := s.readLease(ctx, l.Connector, l.Task); err != nil {
		return err
	}
	cur := s.v.leases[taskKey{l.Connector, l.Task}]
	if cur == nil || cur.token != l.Token {
		return fmt.Errorf("connector %q task %d token %d: %w", l.Connector, l.Task, l.Token, store.ErrFenced)
	}
	return nil
}

// claim writes a lease record and reports whether the log accepted it: after reading to the
// end, the task's lease state must have been established by this very record.
func (s *Store) claim(ctx context.Context, connector string, task int, lv leaseValue) (bool, error) {
	val, err := store.CompactJSON(lv)
	if err != nil {
		return false, err
	}
	rec, err := s.newRecord(s.status, "lease", LeaseKey(connector, task), val)
	if err != nil {
		return false, err
	}
	last, err := s.write(ctx, s.status, []record{rec})
	if err != nil {
		return false, err
	}
	if err := s.readLease(ctx, connector, task); err != nil {
		return false, err
	}
	cur := s.v.leases[taskKey{connector, task}]
	return cur != nil && cur.offset == last[rec.partition], nil
}

func (s *Store) leaseOf(connector string, task int) store.Lease {
	cur := s.v.leases[taskKey{connector, task}]
	return store.Lease{Connector: connector, Task: task, Holder: cur.holder, Token: cur.token, Expires: cur.expires}
}

// Acquire implements store.LeaseStore. It reads the lease to the end; when the lease is free or
// expired it appends an acquire claim for the next token, reads to the end again and wins only
// if the log accepted its claim. Of two racing claims the one earlier in the log wins.
func (s *Store) Acquire(ctx context.Context, connector string, task int, holder string, ttl time.Duration) (store.Lease, error) {
	if err := store.ValidateAcquire(connector, task, ttl); err != nil {
		return store.Lease{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.readLease(ctx, connector, task); err != nil {
		return store.Lease{}, fmt.Errorf("acquire lease of %q task %d: %w", connector, task, err)
	}
	now := s.cfg.Now()
	var token int64 = 1
	tookOver := false
	if cur := s.v.leases[taskKey{connector, task}]; cur != nil {
		if now.Before(cur.expires) {
			return store.Lease{}, fmt.Errorf("acquire lease of %q task %d: held by %q until %s: %w",
				connector, task, cur.holder, cur.expires.UTC().Format(time.RFC3339Nano), store.ErrLeaseHeld)
		}
		token, tookOver = cur.token+1, !cur.released
	}
	won, err := s.claim(ctx, connector, task, leaseValue{Op: "acquire", Holder: holder, Token: token,
		AtNanos: now.UnixNano(), ExpiresNs: now.Add(ttl).UnixNano()})
	if err != nil {
		return store.Lease{}, fmt.Errorf("acquire lease of %q task %d: %w", connector, task, err)
	}
	if !won {
		cur := s.v.leases[taskKey{connector, task}]
		return store.Lease{}, fmt.Errorf("acquire lease of %q task %d: taken by %q with token %d: %w",
			connector, task, cur.holder, cur.token, store.ErrLeaseHeld)
	}
	l := s.leaseOf(connector, task)
	l.TookOver = tookOver
	return l, nil
}

// Renew implements store.LeaseStore; ErrFenced when the token is no longer current.
func (s *Store) Renew(ctx context.Context, lease store.Lease, ttl time.Duration) (store.Lease, error) {
	if err := store.ValidateRenew(lease, ttl); err != nil {
		return store.Lease{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.checkLeaseLocked(ctx, lease); err != nil {
		return store.Lease{}, fmt.Errorf("renew lease: %w", err)
	}
	now := s.cfg.Now()
	won, err := s.claim(ctx, lease.Connector, lease.Task, leaseValue{Op: "renew", Holder: lease.Holder,
		Token: lease.Token, AtNanos: now.UnixNano(), ExpiresNs: now.Add(ttl).UnixNano()})
	if err != nil {
		return store.Lease{}, fmt.Errorf("renew lease of %q task %d: %w", lease.Connector, lease.Task, err)
	}
	if !won {
		return store.Lease{}, fmt.Errorf("renew lease of %q task %d token %d: %w", lease.Connector, lease.Task, lease.Token, store.ErrFenced)
	}
	return s.leaseOf(lease.Connector, lease.Task), nil
}

// Release implements store.LeaseStore: the lease expires now. A lease already taken over is
// left alone.
func (s *Store) Release(ctx context.Context, lease store.Lease) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.checkLeaseLocked(ctx, lease); err != nil {
		if errors.Is(err, store.ErrFenced) {
			return nil // taken over or never held: nothing to give up
		}
		return fmt.Errorf("release lease: %w", err)
	}
	now := s.cfg.Now()
	if _, err := s.claim(ctx, lease.Connector, lease.Task, leaseValue{Op: "release", Holder: lease.Holder,
		Token: lease.Token, AtNanos: now.UnixNano(), ExpiresNs: now.UnixNano()}); err != nil {
		return fmt.Errorf("release lease of %q task %d: %w", lease.Connector, lease.Task, err)
	}
	return nil
}

// CurrentLease implements store.LeaseStore.
func (s *Store) CurrentLease(ctx context.Context, connector string, task int) (store.Lease, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.readLease(ctx, connector, task); err != nil {
		return store.Lease{}, fmt.Errorf("lease of %q task %d: %w", connector, task, err)
	}
	if s.v.leases[taskKey{connector, task}] == nil {
		return store.Lease{}, fmt.Errorf("lease of %q task %d: %w", connector, task, store.ErrNotFound)
	}
	return s.leaseOf(connector, task), nil
}

// GenerationToken is the lease token of a task claimed under a group generation: the
// generation in the high 32 bits, so that a newer generation's token is above every token
// handed out before it, Acquire's included.
func GenerationToken(generation int) int64 { return int64(generation) << 32 }

// AcquireAssigned claims a task that the worker group assigned to holder in generation (see
// Member): the lease's token is GenerationToken(generation). A live lease of an older
// generation, or one taken with Acquire, is taken over at once, since the rebalance revoked it;
// its holder's writes are fenced from then on. A claim whose generation is not newer than the
// task's current token is refused with store.ErrFenced.
func (s *Store) AcquireAssigned(ctx context.Context, generation int, connector string, task int, holder string, ttl time.Duration) (store.Lease, error) {
	if err := store.ValidateTask(connector, task); err != nil {
		return store.Lease{}, fmt.Errorf("acquire assigned lease: %w", err)
	}
	if ttl <= 0 || generation <= 0 {
		return store.Lease{}, fmt.Errorf("acquire assigned lease of %q task %d: ttl %v and generation %d must be positive: %w",
			connector, task, ttl, generation, store.ErrInvalid)
	}
	token := GenerationToken(generation)
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.readLease(ctx, connector, task); err != nil {
		return store.Lease{}, fmt.Errorf("acquire assigned lease of %q task %d: %w", connector, task, err)
	}
	cur := s.v.leases[taskKey{connector, task}]
	if cur != nil && cur.token >= token {
		return store.Lease{}, fmt.Errorf("acquire assigned lease of %q task %d: generation %d is not newer than token %d: %w",
			connector, task, generation, cur.token, store.ErrFenced)
	}
	tookOver := cur != nil && !cur.released
	now := s.cfg.Now()
	won, err := s.claim(ctx, connector, task, leaseValue{Op: "assign", Holder: holder, Token: token,
		AtNanos: now.UnixNano(), ExpiresNs: now.Add(ttl).UnixNano()})
	if err != nil {
		return store.Lease{}, fmt.Errorf("acquire assigned lease of %q task %d: %w", connector, task, err)
	}
	if !won {
		return store.Lease{}, fmt.Errorf("acquire assigned lease of %q task %d: a newer claim came first: %w", connector, task, store.ErrFenced)
	}
	l := s.leaseOf(connector, task)
	l.TookOver = tookOver
	return l, nil
}
