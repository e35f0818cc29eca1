package kafkatopic

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/connectless/connectless/core/connect"
	"github.com/connectless/connectless/core/store"
	"github.com/connectless/connectless/core/store/storetest"
)

// Contenders in different Stores (processes) share nothing but the log: exactly one of them
// wins each lease, every one agrees on the winner, and the loser's later writes are fenced.
func TestIntegrationLeaseRaceAcrossStores(t *testing.T) {
	brokers := startKafka(t)
	clock := storetest.NewClock(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC))
	const n = 4
	stores := make([]*Store, n)
	for i := range stores {
		stores[i] = openStore(t, brokers, func(c *Config) { c.Now = clock.Now })
	}
	ctx := t.Context()
	for task := range 5 {
		var (
			wg   sync.WaitGroup
			mu   sync.Mutex
			wins []store.Lease
		)
		start := make(chan struct{})
		for i, s := range stores {
			wg.Go(func() {
				<-start
				l, err := s.Acquire(ctx, "race", task, fmt.Sprintf("w%d", i), time.Minute)
				if err != nil && !errors.Is(err, store.ErrLeaseHeld) {
					t.Errorf("acquire: %v", err)
				}
				if err == nil {
					mu.Lock()
					wins = append(wins, l)
					mu.Unlock()
				}
			})
		}
		close(start)
		wg.Wait()
		if len(wins) != 1 {
			t.Fatalf("task %d: %d winners: %+v", task, len(wins), wins)
		}
		for i, s := range stores {
			cur, err := s.CurrentLease(ctx, "race", task)
			if err != nil || cur.Holder != wins[0].Holder || cur.Token != wins[0].Token {
				t.Fatalf("task %d: store %d sees %+v, %v; winner %+v", task, i, cur, err, wins[0])
			}
		}
	}

	// Takeover through another Store fences the first holder everywhere.
	old, err := stores[0].Acquire(ctx, "fence", 0, "a", 10*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	clock.Advance(10 * time.Second)
	cur, err := stores[1].Acquire(ctx, "fence", 0, "b", 10*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	for i, s := range stores {
		err := s.CommitSinkOffsets(ctx, old, map[connect.TopicPartition]int64{{Topic: "t", Partition: 0}: 1})
		if !errors.Is(err, store.ErrFenced) {
			t.Fatalf("store %d: stale commit got %v, want ErrFenced", i, err)
		}
		if _, err := s.Renew(ctx, old, time.Second); !errors.Is(err, store.ErrFenced) {
			t.Fatalf("store %d: stale renew got %v, want ErrFenced", i, err)
		}
	}
	if err := stores[2].CommitSinkOffsets(ctx, cur, map[connect.TopicPartition]int64{{Topic: "t", Partition: 0}: 2}); err != nil {
		t.Fatalf("current holder through another store: %v", err)
	}
}

// The lease replay rule, record by record: stale or early claims change nothing.
func TestLeaseReplay(t *testing.T) {
	t0 := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	at := func(d time.Duration) int64 { return t0.Add(d).UnixNano() }
	k := taskKey{"c", 0}
	steps := []struct {
		lv          leaseValue
		wantHolder  string
		wantToken   int64
		wantExpires time.Duration
	}{
		{leaseValue{Op: "acquire", Holder: "a", Token: 1, AtNanos: at(0), ExpiresNs: at(10 * time.Second)}, "a", 1, 10 * time.Second},
		// Same token again (a losing racer): refused.
		{leaseValue{Op: "acquire", Holder: "b", Token: 1, AtNanos: at(0), ExpiresNs: at(10 * time.Second)}, "a", 1, 10 * time.Second},
		// Next token before expiry: refused.
		{leaseValue{Op: "acquire", Holder: "b", Token: 2, AtNanos: at(9 * time.Second), ExpiresNs: at(20 * time.Second)}, "a", 1, 10 * time.Second},
		// Renew with the current token extends.
		{leaseValue{Op: "renew", Holder: "a", Token: 1, AtNanos: at(9 * time.Second), ExpiresNs: at(30 * time.Second)}, "a", 1, 30 * time.Second},
		// A token skipping ahead: refused.
		{leaseValue{Op: "acquire", Holder: "b", Token: 5, AtNanos: at(40 * time.Second), ExpiresNs: at(50 * time.Second)}, "a", 1, 30 * time.Second},
		// After expiry, the next token takes over.
		{leaseValue{Op: "acquire", Holder: "b", Token: 2, AtNanos: at(30 * time.Second), ExpiresNs: at(40 * time.Second)}, "b", 2, 40 * time.Second},
		// Stale renew and release: refused.
		{leaseValue{Op: "renew", Holder: "a", Token: 1, AtNanos: at(31 * time.Second), ExpiresNs: at(60 * time.Second)}, "b", 2, 40 * time.Second},
		{leaseValue{Op: "release", Holder: "a", Token: 1, AtNanos: at(31 * time.Second)}, "b", 2, 40 * time.Second},
		// Release by the holder ends it now.
		{leaseValue{Op: "release", Holder: "b", Token: 2, AtNanos: at(32 * time.Second)}, "b", 2, 32 * time.Second},
		{leaseValue{Op: "acquire", Holder: "c", Token: 3, AtNanos: at(32 * time.Second), ExpiresNs: at(42 * time.Second)}, "c", 3, 42 * time.Second},
	}
	v := newView(nil)
	for i, st := range steps {
		v.applyLease(k, st.lv, int64(i))
		cur := v.leases[k]
		if cur.holder != st.wantHolder || cur.token != st.wantToken || !cur.expires.Equal(t0.Add(st.wantExpires)) {
			t.Fatalf("step %d (%+v): state %+v, want holder %s token %d expires +%v", i, st.lv, cur, st.wantHolder, st.wantToken, st.wantExpires)
		}
	}
}
