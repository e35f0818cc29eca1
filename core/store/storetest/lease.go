package storetest

import (
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/connectless/connectless/core/connect"
	"github.com/connectless/connectless/core/store"
)

func testLeaseRace(e *env) {
	t, s := e.t, e.s
	a := e.name("race")
	for round := range 3 {
		task := round
		var (
			wg     sync.WaitGroup
			mu     sync.Mutex
			wins   []store.Lease
			others []error
		)
		start := make(chan struct{})
		for i := range e.h.Concurrency {
			wg.Go(func() {
				<-start
				l, err := s.Acquire(ctx(t), a, task, fmt.Sprintf("w%d", i), time.Minute)
				mu.Lock()
				defer mu.Unlock()
				if err == nil {
					wins = append(wins, l)
				} else {
					others = append(others, err)
				}
			})
		}
		close(start)
		wg.Wait()
		if len(wins) != 1 {
			t.Fatalf("task %d: %d contenders won the lease, want exactly 1: %+v", task, len(wins), wins)
		}
		for _, err := range others {
			if !errors.Is(err, store.ErrLeaseHeld) {
				t.Fatalf("task %d: loser got %v, want ErrLeaseHeld", task, err)
			}
		}
		cur, err := s.CurrentLease(ctx(t), a, task)
		must(t, err, "current lease")
		if cur.Token != wins[0].Token || cur.Holder != wins[0].Holder {
			t.Fatalf("stored lease %+v is not the winner's %+v", cur, wins[0])
		}
	}
}

func testLeaseExpiryTakeover(e *env) {
	t, s := e.t, e.s
	a := e.name("expiry")
	_, err := s.CurrentLease(ctx(t), a, 0)
	wantErr(t, err, store.ErrNotFound, "lease never taken")

	l1, err := s.Acquire(ctx(t), a, 0, "w1", 30*time.Second)
	must(t, err, "acquire")
	if l1.Connector != a || l1.Task != 0 || l1.Holder != "w1" || !l1.Expires.Equal(e.clock.Now().Add(30*time.Second)) || l1.TookOver {
		t.Fatalf("lease %+v: wrong fields (the task's first lease takes over nothing)", l1)
	}
	e.clock.Advance(29 * time.Second)
	_, err = s.Acquire(ctx(t), a, 0, "w2", 30*time.Second)
	wantErr(t, err, store.ErrLeaseHeld, "acquire before expiry")
	_, err = s.Acquire(ctx(t), a, 0, "w1", 30*time.Second)
	wantErr(t, err, store.ErrLeaseHeld, "the holder acquiring its own unexpired lease again")
	// Another task of the same connector is independent.
	other, err := s.Acquire(ctx(t), a, 1, "w2", 30*time.Second)
	must(t, err, "acquire another task")

	e.clock.Advance(1 * time.Second) // exactly at expiry: free
	l2, err := s.Acquire(ctx(t), a, 0, "w2", 30*time.Second)
	must(t, err, "acquire after expiry")
	if l2.Token <= l1.Token {
		t.Fatalf("takeover token %d, want > %d", l2.Token, l1.Token)
	}
	if !l2.TookOver {
		t.Fatalf("lease %+v after one that expired unreleased: TookOver false, want true", l2)
	}
	cur, err := s.CurrentLease(ctx(t), a, 0)
	must(t, err, "current lease")
	if cur.Token != l2.Token || cur.Holder != "w2" || !cur.Expires.Equal(l2.Expires) {
		t.Fatalf("current lease %+v, want %+v", cur, l2)
	}
	// Tokens grow per task: task 1's own lease is untouched.
	cur, err = s.CurrentLease(ctx(t), a, 1)
	must(t, err, "current lease of task 1")
	if cur.Token != other.Token {
		t.Fatalf("task 1 token changed from %d to %d", other.Token, cur.Token)
	}
}

// testExpiredNotTakenOver: fencing is by token, so a holder whose lease ran out while
// nobody took it still commits, and renews.
func testExpiredNotTakenOver(e *env) {
	t, s := e.t, e.s
	a := e.name("late")
	l, err := s.Acquire(ctx(t), a, 0, "slow", 10*time.Second)
	must(t, err, "acquire")
	e.clock.Advance(time.Minute)
	must(t, s.CommitSinkOffsets(ctx(t), l, map[connect.TopicPartition]int64{tp("t", 0): 8}), "commit after expiry")
	must(t, s.PutTaskStatus(ctx(t), l, store.Status{State: store.StateRunning, WorkerID: "slow"}), "status after expiry")
	r, err := s.Renew(ctx(t), l, 10*time.Second)
	must(t, err, "renew after expiry")
	_, err = s.Acquire(ctx(t), a, 0, "other", 10*time.Second)
	wantErr(t, err, store.ErrLeaseHeld, "acquire a renewed lease")
	wantSink(t, s, a, map[connect.TopicPartition]int64{tp("t", 0): 8})
	if r.Token != l.Token {
		t.Fatalf("renew changed the token from %d to %d", l.Token, r.Token)
	}
}

func testFencedAfterTakeover(e *env) {
	t, s := e.t, e.s
	a := e.name("fence")
	old, err := s.Acquire(ctx(t), a, 0, "zombie", 10*time.Second)
	must(t, err, "acquire")
	must(t, s.CommitSourceOffsets(ctx(t), old, []store.SourceOffset{{Partition: part("f"), Offset: off(1)}}), "commit source")
	must(t, s.CommitSinkOffsets(ctx(t), old, map[connect.TopicPartition]int64{tp("t", 0): 1}), "commit sink")
	must(t, s.PutTaskStatus(ctx(t), old, store.Status{State: store.StateRunning, WorkerID: "zombie"}), "status")

	e.clock.Advance(11 * time.Second)
	cur, err := s.Acquire(ctx(t), a, 0, "new", 10*time.Second)
	must(t, err, "take over")

	// The new holder has written nothing yet: every write of the old one is refused.
	wantErr(t, s.CommitSourceOffsets(ctx(t), old, []store.SourceOffset{{Partition: part("f"), Offset: off(2)}}), store.ErrFenced, "stale source commit")
	wantErr(t, s.CommitSinkOffsets(ctx(t), old, map[connect.TopicPartition]int64{tp("t", 0): 2}), store.ErrFenced, "stale sink commit")
	wantErr(t, s.PutTaskStatus(ctx(t), old, store.Status{State: store.StateFailed, Trace: "zombie"}), store.ErrFenced, "stale status")
	_, err = s.Renew(ctx(t), old, 10*time.Second)
	wantErr(t, err, store.ErrFenced, "stale renew")
	must(t, s.Release(ctx(t), old), "releasing a lease that was taken over")

	// Forged tokens are refused too, whether older or newer than the current one.
	for _, tok := range []int64{cur.Token - 1, cur.Token + 1, 0} {
		forged := cur
		forged.Token = tok
		wantErr(t, s.CommitSinkOffsets(ctx(t), forged, map[connect.TopicPartition]int64{tp("t", 0): 3}), store.ErrFenced,
			fmt.Sprintf("commit with token %d while %d is current", tok, cur.Token))
	}

	wantSource(t, s, a, map[string]string{`{"filename":"f"}`: `{"position":1}`})
	wantSink(t, s, a, map[connect.TopicPartition]int64{tp("t", 0): 1})
	sts, err := s.Statuses(ctx(t), a)
	must(t, err, "statuses")
	if len(sts) != 1 || sts[0].WorkerID != "zombie" || sts[0].State != store.StateRunning {
		t.Fatalf("statuses after fenced writes: %+v", sts)
	}
	l, err := s.CurrentLease(ctx(t), a, 0)
	must(t, err, "current lease")
	if l.Token != cur.Token || l.Holder != "new" {
		t.Fatalf("the stale release changed the lease: %+v", l)
	}

	// The new holder writes fine.
	must(t, s.CommitSinkOffsets(ctx(t), cur, map[connect.TopicPartition]int64{tp("t", 0): 9}), "new holder commit")
	must(t, s.PutTaskStatus(ctx(t), cur, store.Status{State: store.StateRunning, WorkerID: "new"}), "new holder status")
	wantSink(t, s, a, map[connect.TopicPartition]int64{tp("t", 0): 9})
}

func testRenewRelease(e *env) {
	t, s := e.t, e.s
	a := e.name("renew")
	l, err := s.Acquire(ctx(t), a, 2, "w1", 10*time.Second)
	must(t, err, "acquire")
	e.clock.Advance(8 * time.Second)
	r, err := s.Renew(ctx(t), l, 10*time.Second)
	must(t, err, "renew")
	if r.Token != l.Token || r.Holder != "w1" || !r.Expires.Equal(e.clock.Now().Add(10*time.Second)) {
		t.Fatalf("renewed lease %+v", r)
	}
	e.clock.Advance(5 * time.Second) // past the first expiry, before the renewed one
	_, err = s.Acquire(ctx(t), a, 2, "w2", 10*time.Second)
	wantErr(t, err, store.ErrLeaseHeld, "acquire a renewed lease")
	must(t, s.CommitSinkOffsets(ctx(t), r, map[connect.TopicPartition]int64{tp("t", 1): 4}), "commit after renew")

	must(t, s.Release(ctx(t), r), "release")
	l2, err := s.Acquire(ctx(t), a, 2, "w2", 10*time.Second)
	must(t, err, "acquire after release")
	if l2.Token <= r.Token {
		t.Fatalf("token after release %d, want > %d", l2.Token, r.Token)
	}
	if l2.TookOver {
		t.Fatalf("lease %+v after a released one: TookOver true, want false", l2)
	}
	_, err = s.Renew(ctx(t), r, 10*time.Second)
	wantErr(t, err, store.ErrFenced, "renew a released lease after takeover")
	must(t, s.Release(ctx(t), l2), "release again")
	must(t, s.Release(ctx(t), l2), "release twice")

	// A lease renewed after its release is held again: left to expire, the next is a takeover.
	l3, err := s.Acquire(ctx(t), a, 2, "w3", 10*time.Second)
	must(t, err, "acquire a third time")
	must(t, s.Release(ctx(t), l3), "release the third")
	_, err = s.Renew(ctx(t), l3, 10*time.Second)
	must(t, err, "renew a released lease nobody took")
	e.clock.Advance(11 * time.Second)
	l4, err := s.Acquire(ctx(t), a, 2, "w4", 10*time.Second)
	must(t, err, "acquire after the renewed lease expired")
	if !l4.TookOver {
		t.Fatalf("lease %+v after a renewed-then-expired one: TookOver false, want true", l4)
	}
}

func testLeaseErrors(e *env) {
	t, s := e.t, e.s
	a := e.name("bad")
	cases := []struct {
		what      string
		connector string
		task      int
		ttl       time.Duration
	}{
		{"empty connector", "", 0, time.Second},
		{"negative task", a, -1, time.Second},
		{"zero ttl", a, 0, 0},
		{"negative ttl", a, 0, -time.Second},
	}
	for _, c := range cases {
		_, err := s.Acquire(ctx(t), c.connector, c.task, "w", c.ttl)
		wantErr(t, err, store.ErrInvalid, c.what)
	}
	_, err := s.CurrentLease(ctx(t), a, 0)
	wantErr(t, err, store.ErrNotFound, "lease after refused acquires")
	l, err := s.Acquire(ctx(t), a, 0, "w", time.Second)
	must(t, err, "acquire")
	_, err = s.Renew(ctx(t), l, 0)
	wantErr(t, err, store.ErrInvalid, "renew with zero ttl")
	// A lease of a task never acquired cannot commit.
	never := store.Lease{Connector: a, Task: 5, Holder: "w", Token: 1}
	wantErr(t, s.CommitSinkOffsets(ctx(t), never, map[connect.TopicPartition]int64{tp("t", 0): 1}), store.ErrFenced, "commit without lease")
}
