package taskrun

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/connectless/connectless/core/schedule"
	"github.com/connectless/connectless/core/store"
)

// Held is a task lease a long-lived runner keeps across the slices of a continuous task, so
// that an idle task does not take and give back its lease, and rewrite its status, at every
// slice: the lease is renewed only when it would end within half of Env.LeaseGrace of the
// next slice's deadline, and the status is written only when it changes. It is not safe for
// concurrent use.
type Held struct {
	env   *Env
	p     schedule.Payload
	lease store.Lease
	last  store.Status
	log   *slog.Logger
}

// Hold takes the task's lease for a first slice ending at deadline. The error wraps
// ErrSkipped when another holder has it.
func Hold(ctx context.Context, env *Env, p schedule.Payload, deadline time.Time) (*Held, error) {
	log := cmp.Or(env.Logger, slog.New(slog.DiscardHandler)).With("connector", p.Connector, "task", p.Task)
	lease, err := env.Store.Acquire(ctx, p.Connector, p.Task, env.Holder, time.Until(deadline)+env.grace())
	if errors.Is(err, store.ErrLeaseHeld) {
		return nil, fmt.Errorf("task %s/%d: %w: %w", p.Connector, p.Task, ErrSkipped, err)
	}
	if err != nil {
		return nil, fmt.Errorf("acquire lease of %s/%d: %w", p.Connector, p.Task, err)
	}
	return &Held{env: env, p: p, lease: lease, log: log}, nil
}

func (env *Env) grace() time.Duration { return cmp.Or(env.LeaseGrace, 30*time.Second) }

// Lease returns the lease as last acquired or renewed.
func (h *Held) Lease() store.Lease { return h.lease }

// Run runs one slice until deadline (minus Env.Margin) or until caught up, renewing the lease
// first when needed. An error wrapping store.ErrFenced means the lease was taken over: the
// runner must stop and not release it.
func (h *Held) Run(ctx context.Context, deadline time.Time) (res Result, err error) {
	started := time.Now()
	res = newResult(h.p.Connector, h.p.Task)
	res.Token = h.lease.Token
	defer func() { res.Duration = time.Since(started) }()
	if h.lease.Expires.Before(deadline.Add(h.env.grace() / 2)) {
		l, err := h.env.Store.Renew(ctx, h.lease, time.Until(deadline)+h.env.grace())
		if err != nil {
			return res, unreachable(h.log, &res, fmt.Errorf("renew lease of %s/%d: %w", h.p.Connector, h.p.Task, err))
		}
		l.TookOver = h.lease.TookOver // the lease's history, which a renewal does not change
		h.lease = l
	}
	err = h.env.leased(ctx, h.log, h.p, h.lease, deadline, &res, &h.last)
	return res, err
}

// Keep holds the lease for d more and leaves it so, as Run does for a retrying slice's
// backoff (Result.Retrying): no scheduler or worker runs the task before. The runner then
// stops without Release.
func (h *Held) Keep(ctx context.Context, d time.Duration) {
	if d <= 0 {
		h.Release(ctx)
		return
	}
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	if _, err := h.env.Store.Renew(rctx, h.lease, d); err != nil {
		h.log.Warn("hold lease for the retry backoff; it expires as last renewed", "error", err)
	}
}

// Release gives the lease back; a lease taken over meanwhile is left alone.
func (h *Held) Release(ctx context.Context) {
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	if err := h.env.Store.Release(rctx, h.lease); err != nil {
		h.log.Warn("release lease", "error", err)
	}
}

// statusIs reports whether the task's stored status is still st (a restart request, for one,
// replaces it).
func (env *Env) statusIs(ctx context.Context, st store.Status) bool {
	all, err := env.Store.Statuses(ctx, st.Connector)
	if err != nil {
		return false
	}
	for _, cur := range all {
		if cur.Task == st.Task {
			return cur.State == st.State && cur.Trace == st.Trace && cur.Generation == st.Generation && cur.WorkerID == st.WorkerID
		}
	}
	return false
}
