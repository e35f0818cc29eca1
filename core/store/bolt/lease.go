package bolt

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	bbolt "go.etcd.io/bbolt"

	"github.com/connectless/connectless/core/store"
)

// leaseRecord is the stored form of store.Lease.
type leaseRecord struct {
	Holder  string    `json:"holder"`
	Token   int64     `json:"token"`
	Expires time.Time `json:"expires"`
	// Released is set by Release: the lease was given up, not left to expire.
	Released bool `json:"released,omitempty"`
}

func getLease(tx *bbolt.Tx, connector string, task int) (leaseRecord, bool, error) {
	b := sub(tx, bucketLeases, connector)
	if b == nil {
		return leaseRecord{}, false, nil
	}
	v := b.Get(taskKey(task))
	if v == nil {
		return leaseRecord{}, false, nil
	}
	var r leaseRecord
	if err := json.Unmarshal(v, &r); err != nil {
		return leaseRecord{}, false, fmt.Errorf("decode lease of %q task %d: %w", connector, task, err)
	}
	return r, true, nil
}

func putLease(tx *bbolt.Tx, connector string, task int, r leaseRecord) error {
	r.Expires = r.Expires.UTC()
	v, err := json.Marshal(r)
	if err != nil {
		return fmt.Errorf("encode lease: %w", err)
	}
	b, err := subCreate(tx, bucketLeases, connector)
	if err != nil {
		return err
	}
	return b.Put(taskKey(task), v)
}

func toLease(connector string, task int, r leaseRecord) store.Lease {
	return store.Lease{Connector: connector, Task: task, Holder: r.Holder, Token: r.Token, Expires: r.Expires}
}

// checkLease fails with store.ErrFenced unless l's token is the task's stored one; it runs in
// the transaction that then writes, so nothing can take the lease over in between.
func checkLease(tx *bbolt.Tx, l store.Lease) (leaseRecord, error) {
	if err := store.ValidateTask(l.Connector, l.Task); err != nil {
		return leaseRecord{}, err
	}
	r, ok, err := getLease(tx, l.Connector, l.Task)
	if err != nil {
		return leaseRecord{}, err
	}
	if !ok || r.Token != l.Token {
		return leaseRecord{}, fmt.Errorf("connector %q task %d token %d (current %d): %w", l.Connector, l.Task, l.Token, r.Token, store.ErrFenced)
	}
	return r, nil
}

// Acquire implements store.LeaseStore.
func (s *Store) Acquire(ctx context.Context, connector string, task int, holder string, ttl time.Duration) (store.Lease, error) {
	if err := store.ValidateAcquire(connector, task, ttl); err != nil {
		return store.Lease{}, err
	}
	var l store.Lease
	err := s.db.Update(func(tx *bbolt.Tx) error {
		cur, found, err := getLease(tx, connector, task)
		if err != nil {
			return err
		}
		now := s.now()
		if now.Before(cur.Expires) {
			return fmt.Errorf("acquire lease of %q task %d: held by %q until %s: %w",
				connector, task, cur.Holder, cur.Expires.Format(time.RFC3339Nano), store.ErrLeaseHeld)
		}
		r := leaseRecord{Holder: holder, Token: cur.Token + 1, Expires: now.Add(ttl)}
		if err := putLease(tx, connector, task, r); err != nil {
			return fmt.Errorf("acquire lease of %q task %d: %w", connector, task, err)
		}
		l = toLease(connector, task, r)
		l.TookOver = found && !cur.Released
		return nil
	})
	return l, err
}

// Renew implements store.LeaseStore.
func (s *Store) Renew(ctx context.Context, lease store.Lease, ttl time.Duration) (store.Lease, error) {
	if err := store.ValidateRenew(lease, ttl); err != nil {
		return store.Lease{}, err
	}
	var l store.Lease
	err := s.db.Update(func(tx *bbolt.Tx) error {
		r, err := checkLease(tx, lease)
		if err != nil {
			return fmt.Errorf("renew lease: %w", err)
		}
		r.Expires, r.Released = s.now().Add(ttl), false
		if err := putLease(tx, lease.Connector, lease.Task, r); err != nil {
			return fmt.Errorf("renew lease: %w", err)
		}
		l = toLease(lease.Connector, lease.Task, r)
		return nil
	})
	return l, err
}

// Release implements store.LeaseStore: the lease expires now; its token stays.
func (s *Store) Release(ctx context.Context, lease store.Lease) error {
	return s.db.Update(func(tx *bbolt.Tx) error {
		r, err := checkLease(tx, lease)
		if err != nil {
			return nil // taken over, or never held: nothing to give up
		}
		r.Expires, r.Released = s.now(), true
		if err := putLease(tx, lease.Connector, lease.Task, r); err != nil {
			return fmt.Errorf("release lease: %w", err)
		}
		return nil
	})
}

// CurrentLease implements store.LeaseStore.
func (s *Store) CurrentLease(ctx context.Context, connector string, task int) (store.Lease, error) {
	var l store.Lease
	err := s.db.View(func(tx *bbolt.Tx) error {
		r, ok, err := getLease(tx, connector, task)
		if err != nil {
			return err
		}
		if !ok {
			return fmt.Errorf("lease of %q task %d: %w", connector, task, store.ErrNotFound)
		}
		l = toLease(connector, task, r)
		return nil
	})
	return l, err
}
