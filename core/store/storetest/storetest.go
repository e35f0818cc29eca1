// Package storetest is the conformance suite every store backend passes. A backend's test
// calls Run with a Harness that opens the backend on its real service (a temp file,
// dynalite, a Kafka broker); the suite then checks configs, leases and fencing, offsets,
// statuses, size limits, restarts and concurrent writers through the store.Store interface
// only.
//
// # What the suite holds every backend to
//
//   - Connectors: CreateConnector refuses a taken name (store.ErrExists); PutConnectorConfig
//     creates a missing connector as RUNNING; generations start at 0 and PutTaskConfigs adds
//     one; concurrent PutTaskConfigs get distinct generations and the highest wins whole;
//     DeleteConnector removes config, task configs and statuses but keeps offsets and leases.
//   - Leases: Acquire succeeds only when no lease exists or the stored one expired (expiry
//     at exactly now counts as expired), whoever asks, the current holder included; each
//     success returns a token larger than every earlier one of that task. Release makes the lease
//     expire now and keeps its token; releasing a lease that was taken over does nothing.
//   - Fencing is by token, not by time: a write under a lease succeeds exactly when its token
//     is the task's stored one. A lease that expired but was not taken over still writes; once
//     another Acquire succeeded, the old token's commits, status writes and renewals fail
//     with store.ErrFenced before the new holder has written anything.
//   - Offsets: source offsets are keyed by the partition's canonical JSON
//     (store.PartitionKey), a nil offset deletes; per key the last commit wins whichever task
//     made it; Alter* writes outside leases and wins over earlier commits; ResetOffsets
//     empties both kinds. A refused call (store.ErrInvalid, store.ErrTooLarge, ErrFenced)
//     writes nothing.
//   - Active topics (KIP-558): recording a topic twice keeps one entry; ActiveTopics lists a
//     connector's topics sorted, none for an unknown connector; ResetActiveTopics and
//     DeleteConnector forget them; other connectors keep theirs; they survive a reopen.
//   - Statuses come back connector first, then tasks by id; a task status is written under
//     the lease, which names connector and task.
//
// The suite drives lease expiry through a fake clock handed to the backend, so no test sleeps.
// It never assumes an empty store: each subtest uses connector names of its own, so a backend
// may share one table or topic set across subtests.
package storetest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/connectless/connectless/core/connect"
	"github.com/connectless/connectless/core/store"
)

// Harness opens the backend under test.
type Harness struct {
	// Open returns a store whose lease expiry reads now, and reopen, which returns a new,
	// independent client over the same data, as a restarted process would open it. The
	// suite closes the first store before it calls reopen, and closes every store it gets
	// (Close may be called twice).
	Open func(t *testing.T, now func() time.Time) (s store.Store, reopen func(t *testing.T) store.Store)
	// MaxValueSize is the backend's limit for one stored value in bytes; the suite writes
	// values above it and expects store.ErrTooLarge.
	MaxValueSize int
	// Concurrency is the number of goroutines of the concurrent tests. Default 8.
	Concurrency int
}

// Clock is a settable clock for lease expiry; the zero value is not usable, use NewClock.
type Clock struct {
	mu  sync.Mutex
	now time.Time
}

// NewClock returns a Clock at t.
func NewClock(t time.Time) *Clock { return &Clock{now: t} }

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Advance moves the clock forward by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// env is one subtest's view: a store, its clock, a name prefix.
type env struct {
	t      *testing.T
	h      Harness
	clock  *Clock
	s      store.Store
	reopen func(t *testing.T) store.Store
	prefix string
}

func (e *env) name(s string) string { return e.prefix + s }

// Run runs the whole suite as subtests of t.
func Run(t *testing.T, h Harness) {
	if h.Concurrency == 0 {
		h.Concurrency = 8
	}
	var nonce [4]byte
	_, _ = rand.Read(nonce[:])
	run := hex.EncodeToString(nonce[:])
	tests := []struct {
		name string
		fn   func(*env)
	}{
		{"ConfigCRUD", testConfigCRUD},
		{"ConfigErrors", testConfigErrors},
		{"TaskConfigGenerations", testTaskConfigGenerations},
		{"DeleteKeepsOffsetsAndLeases", testDeleteKeepsOffsetsAndLeases},
		{"LeaseRace", testLeaseRace},
		{"LeaseExpiryTakeover", testLeaseExpiryTakeover},
		{"ExpiredNotTakenOver", testExpiredNotTakenOver},
		{"FencedAfterTakeover", testFencedAfterTakeover},
		{"RenewRelease", testRenewRelease},
		{"LeaseErrors", testLeaseErrors},
		{"SourceOffsets", testSourceOffsets},
		{"SinkOffsetsMoveBetweenTasks", testSinkOffsetsMove},
		{"SourcePartitionMovesBetweenTasks", testSourcePartitionMove},
		{"AlterAndResetOffsets", testAlterReset},
		{"OffsetErrors", testOffsetErrors},
		{"Statuses", testStatuses},
		{"ActiveTopics", testActiveTopics},
		{"TooLarge", testTooLarge},
		{"ConcurrentWriters", testConcurrentWriters},
		{"ConcurrentCommitsOneLease", testConcurrentCommitsOneLease},
		{"Reopen", testReopen},
	}
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			clock := NewClock(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC))
			s, reopen := h.Open(t, clock.Now)
			t.Cleanup(func() { _ = s.Close() })
			tc.fn(&env{t: t, h: h, clock: clock, s: s, reopen: reopen, prefix: fmt.Sprintf("st-%s-%02d-", run, i)})
		})
	}
}

func ctx(t *testing.T) context.Context { return t.Context() }

func must(t *testing.T, err error, what string) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

func wantErr(t *testing.T, err, target error, what string) {
	t.Helper()
	if !errors.Is(err, target) {
		t.Fatalf("%s: got error %v, want %v", what, err, target)
	}
}

// sourceJSON renders source offsets as partition JSON → offset JSON for comparison.
func sourceJSON(t *testing.T, offs []store.SourceOffset) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, o := range offs {
		p, err := json.Marshal(o.Partition)
		must(t, err, "marshal partition")
		v, err := json.Marshal(o.Offset)
		must(t, err, "marshal offset")
		if _, dup := out[string(p)]; dup {
			t.Fatalf("partition %s returned twice", p)
		}
		out[string(p)] = string(v)
	}
	return out
}

func wantSource(t *testing.T, s store.Store, connector string, want map[string]string) {
	t.Helper()
	got, err := s.SourceOffsets(ctx(t), connector)
	must(t, err, "source offsets")
	if g := sourceJSON(t, got); !maps.Equal(g, want) {
		t.Fatalf("source offsets of %q:\n got %v\nwant %v", connector, g, want)
	}
}

func wantSink(t *testing.T, s store.Store, connector string, want map[connect.TopicPartition]int64) {
	t.Helper()
	got, err := s.SinkOffsets(ctx(t), connector)
	must(t, err, "sink offsets")
	if !maps.Equal(got, want) {
		t.Fatalf("sink offsets of %q:\n got %v\nwant %v", connector, got, want)
	}
}

func part(file string) map[string]any { return map[string]any{"filename": file} }

func off(pos int) map[string]any { return map[string]any{"position": pos} }

func tp(topic string, p int32) connect.TopicPartition {
	return connect.TopicPartition{Topic: topic, Partition: p}
}

func wantConnector(t *testing.T, got, want store.Connector) {
	t.Helper()
	if got.Name != want.Name || got.TargetState != want.TargetState || got.Generation != want.Generation ||
		!maps.Equal(got.Config, want.Config) || len(got.Tasks) != len(want.Tasks) {
		t.Fatalf("connector:\n got %+v\nwant %+v", got, want)
	}
	for i := range got.Tasks {
		if !maps.Equal(got.Tasks[i], want.Tasks[i]) {
			t.Fatalf("connector %q task %d config:\n got %v\nwant %v", got.Name, i, got.Tasks[i], want.Tasks[i])
		}
	}
}

func containsAll(have, want []string) bool {
	for _, w := range want {
		if !slices.Contains(have, w) {
			return false
		}
	}
	return true
}

func bigString(n int) string { return strings.Repeat("x", n) }
