package taskrun

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/connectless/connectless/core/schedule"
	"github.com/connectless/connectless/core/store"
)

// countingStore counts task status writes and lease renewals.
type countingStore struct {
	store.Store
	statuses, renewals int
}

func (s *countingStore) PutTaskStatus(ctx context.Context, l store.Lease, st store.Status) error {
	s.statuses++
	return s.Store.PutTaskStatus(ctx, l, st)
}

func (s *countingStore) Renew(ctx context.Context, l store.Lease, ttl time.Duration) (store.Lease, error) {
	s.renewals++
	return s.Store.Renew(ctx, l, ttl)
}

// TestHeldLease: slices under a held lease keep one token, renew only when the lease would
// end within half the grace of the next deadline, and write the status only when it changed
// or someone else (a restart request) wrote another one.
func TestHeldLease(t *testing.T) {
	ctx := context.Background()
	env, _, st := setup(t, 5)
	cs := &countingStore{Store: st}
	env.Store, env.LeaseGrace = cs, 4*time.Second
	p := schedule.Payload{Connector: "archive", Task: 0}
	h, err := Hold(ctx, env, p, time.Now().Add(time.Second))
	if err != nil {
		t.Fatal(err)
	}
	token := h.Lease().Token
	for i := range 3 {
		res, err := h.Run(ctx, time.Now().Add(time.Second))
		if err != nil || res.Token != token {
			t.Fatalf("slice %d: %+v %v", i, res, err)
		}
	}
	if cs.statuses != 1 || cs.renewals != 0 {
		t.Fatalf("%d status writes and %d renewals for three slices, want 1 and 0", cs.statuses, cs.renewals)
	}
	// A deadline past the lease's end minus half the grace renews it, same token.
	if _, err := h.Run(ctx, time.Now().Add(3*time.Second)); err != nil || cs.renewals != 1 || h.Lease().Token != token {
		t.Fatalf("renewal: %v, %d renewals, token %d", err, cs.renewals, h.Lease().Token)
	}
	// A restart request replaces the status: the next slice writes RUNNING again.
	if err := st.PutStatus(ctx, store.Status{Connector: "archive", Task: 0, State: store.StateRestarting, Updated: time.Now()}); err != nil {
		t.Fatal(err)
	}
	if _, err := h.Run(ctx, time.Now().Add(time.Second)); err != nil || cs.statuses != 2 {
		t.Fatalf("after a restart request: %v, %d status writes", err, cs.statuses)
	}
	// Nobody else can take the task while it is held; released, it is free.
	if _, err := Hold(ctx, env, p, time.Now().Add(time.Second)); !errors.Is(err, ErrSkipped) {
		t.Fatalf("second hold: %v, want ErrSkipped", err)
	}
	h.Release(ctx)
	h2, err := Hold(ctx, env, p, time.Now().Add(time.Second))
	if err != nil || h2.Lease().Token <= token {
		t.Fatalf("hold after release: %v", err)
	}
}
