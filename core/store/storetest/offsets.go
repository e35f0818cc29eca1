package storetest

import (
	"time"

	"github.com/connectless/connectless/core/connect"
	"github.com/connectless/connectless/core/store"
)

func testSourceOffsets(e *env) {
	t, s := e.t, e.s
	a := e.name("src")
	wantSource(t, s, a, map[string]string{})
	l, err := s.Acquire(ctx(t), a, 0, "w", time.Minute)
	must(t, err, "acquire")
	// Partitions and offsets of several shapes; int and float spellings of a number are
	// the same partition.
	must(t, s.CommitSourceOffsets(ctx(t), l, []store.SourceOffset{
		{Partition: part("/tmp/a.txt"), Offset: off(10)},
		{Partition: map[string]any{"db": "x", "table": "t1"}, Offset: map[string]any{"ts": 1700000000000, "id": "k9", "nested": map[string]any{"b": true}}},
		{Partition: map[string]any{"shard": 3}, Offset: off(1)},
	}), "commit 1")
	must(t, s.CommitSourceOffsets(ctx(t), l, []store.SourceOffset{
		{Partition: map[string]any{"shard": 3.0}, Offset: off(2)},
		{Partition: part("/tmp/b.txt"), Offset: off(20)},
	}), "commit 2")
	wantSource(t, s, a, map[string]string{
		`{"filename":"/tmp/a.txt"}`: `{"position":10}`,
		`{"filename":"/tmp/b.txt"}`: `{"position":20}`,
		`{"db":"x","table":"t1"}`:   `{"id":"k9","nested":{"b":true},"ts":1700000000000}`,
		`{"shard":3}`:               `{"position":2}`,
	})
	// A nil offset is a tombstone.
	must(t, s.CommitSourceOffsets(ctx(t), l, []store.SourceOffset{
		{Partition: part("/tmp/a.txt"), Offset: nil},
		{Partition: part("/tmp/never.txt"), Offset: nil},
	}), "commit tombstones")
	wantSource(t, s, a, map[string]string{
		`{"filename":"/tmp/b.txt"}`: `{"position":20}`,
		`{"db":"x","table":"t1"}`:   `{"id":"k9","nested":{"b":true},"ts":1700000000000}`,
		`{"shard":3}`:               `{"position":2}`,
	})
	// Written again after its tombstone, the partition is back.
	must(t, s.CommitSourceOffsets(ctx(t), l, []store.SourceOffset{{Partition: part("/tmp/a.txt"), Offset: off(0)}}), "commit after tombstone")
	wantSource(t, s, a, map[string]string{
		`{"filename":"/tmp/a.txt"}`: `{"position":0}`,
		`{"filename":"/tmp/b.txt"}`: `{"position":20}`,
		`{"db":"x","table":"t1"}`:   `{"id":"k9","nested":{"b":true},"ts":1700000000000}`,
		`{"shard":3}`:               `{"position":2}`,
	})
	// Another connector's offsets are apart.
	wantSource(t, s, e.name("src-other"), map[string]string{})
}

func testSinkOffsetsMove(e *env) {
	t, s := e.t, e.s
	a := e.name("sink")
	wantSink(t, s, a, map[connect.TopicPartition]int64{})
	l0, err := s.Acquire(ctx(t), a, 0, "w0", time.Minute)
	must(t, err, "acquire 0")
	l1, err := s.Acquire(ctx(t), a, 1, "w1", time.Minute)
	must(t, err, "acquire 1")
	must(t, s.CommitSinkOffsets(ctx(t), l0, map[connect.TopicPartition]int64{tp("logs", 0): 100, tp("logs", 1): 200}), "task 0 commit")
	must(t, s.CommitSinkOffsets(ctx(t), l1, map[connect.TopicPartition]int64{tp("logs", 2): 300, tp("audit", 0): 7}), "task 1 commit")
	wantSink(t, s, a, map[connect.TopicPartition]int64{tp("logs", 0): 100, tp("logs", 1): 200, tp("logs", 2): 300, tp("audit", 0): 7})

	// Partition logs-1 moves from task 0 to task 1 (a new generation spread it differently).
	must(t, s.CommitSinkOffsets(ctx(t), l1, map[connect.TopicPartition]int64{tp("logs", 1): 250, tp("logs", 2): 310}), "task 1 takes logs-1")
	wantSink(t, s, a, map[connect.TopicPartition]int64{tp("logs", 0): 100, tp("logs", 1): 250, tp("logs", 2): 310, tp("audit", 0): 7})
	// Task 0 keeps committing its remaining partition: logs-1 stays where task 1 left it.
	must(t, s.CommitSinkOffsets(ctx(t), l0, map[connect.TopicPartition]int64{tp("logs", 0): 110}), "task 0 commit again")
	wantSink(t, s, a, map[connect.TopicPartition]int64{tp("logs", 0): 110, tp("logs", 1): 250, tp("logs", 2): 310, tp("audit", 0): 7})
	// And it moves back to task 0 under a new lease.
	e.clock.Advance(2 * time.Minute)
	l0b, err := s.Acquire(ctx(t), a, 0, "w0b", time.Minute)
	must(t, err, "re-acquire 0")
	must(t, s.CommitSinkOffsets(ctx(t), l0b, map[connect.TopicPartition]int64{tp("logs", 1): 260}), "task 0 takes logs-1 back")
	wantSink(t, s, a, map[connect.TopicPartition]int64{tp("logs", 0): 110, tp("logs", 1): 260, tp("logs", 2): 310, tp("audit", 0): 7})
	// An empty commit changes nothing.
	must(t, s.CommitSinkOffsets(ctx(t), l0b, nil), "empty commit")
	wantSink(t, s, a, map[connect.TopicPartition]int64{tp("logs", 0): 110, tp("logs", 1): 260, tp("logs", 2): 310, tp("audit", 0): 7})
}

func testSourcePartitionMove(e *env) {
	t, s := e.t, e.s
	a := e.name("srcmove")
	l0, err := s.Acquire(ctx(t), a, 0, "w0", time.Minute)
	must(t, err, "acquire 0")
	l1, err := s.Acquire(ctx(t), a, 1, "w1", time.Minute)
	must(t, err, "acquire 1")
	must(t, s.CommitSourceOffsets(ctx(t), l0, []store.SourceOffset{{Partition: part("x"), Offset: off(1)}, {Partition: part("y"), Offset: off(1)}}), "task 0")
	must(t, s.CommitSourceOffsets(ctx(t), l1, []store.SourceOffset{{Partition: part("x"), Offset: off(5)}}), "task 1 takes x")
	wantSource(t, s, a, map[string]string{`{"filename":"x"}`: `{"position":5}`, `{"filename":"y"}`: `{"position":1}`})
	must(t, s.CommitSourceOffsets(ctx(t), l0, []store.SourceOffset{{Partition: part("y"), Offset: off(2)}}), "task 0 again")
	wantSource(t, s, a, map[string]string{`{"filename":"x"}`: `{"position":5}`, `{"filename":"y"}`: `{"position":2}`})
	// A tombstone from task 1 hides what task 0 wrote for y.
	must(t, s.CommitSourceOffsets(ctx(t), l1, []store.SourceOffset{{Partition: part("y"), Offset: nil}}), "task 1 deletes y")
	wantSource(t, s, a, map[string]string{`{"filename":"x"}`: `{"position":5}`})
	// The last writer wins, whichever task it is.
	must(t, s.CommitSourceOffsets(ctx(t), l0, []store.SourceOffset{{Partition: part("x"), Offset: off(6)}}), "task 0 takes x back")
	wantSource(t, s, a, map[string]string{`{"filename":"x"}`: `{"position":6}`})
}

func testAlterReset(e *env) {
	t, s := e.t, e.s
	a := e.name("alter")
	l, err := s.Acquire(ctx(t), a, 0, "w", time.Minute)
	must(t, err, "acquire")
	must(t, s.CommitSourceOffsets(ctx(t), l, []store.SourceOffset{{Partition: part("a"), Offset: off(1)}, {Partition: part("b"), Offset: off(2)}}), "commit source")
	must(t, s.CommitSinkOffsets(ctx(t), l, map[connect.TopicPartition]int64{tp("t", 0): 10, tp("t", 1): 20}), "commit sink")
	must(t, s.Release(ctx(t), l), "release")

	must(t, s.AlterSourceOffsets(ctx(t), a, []store.SourceOffset{
		{Partition: part("a"), Offset: off(100)}, {Partition: part("b"), Offset: nil}, {Partition: part("c"), Offset: off(3)},
	}), "alter source")
	wantSource(t, s, a, map[string]string{`{"filename":"a"}`: `{"position":100}`, `{"filename":"c"}`: `{"position":3}`})
	must(t, s.AlterSinkOffsets(ctx(t), a, map[connect.TopicPartition]int64{tp("t", 0): 0, tp("t", 1): -1, tp("u", 0): 5}), "alter sink")
	wantSink(t, s, a, map[connect.TopicPartition]int64{tp("t", 0): 0, tp("u", 0): 5})

	// A task committing after the alteration wins over it for what it commits.
	l2, err := s.Acquire(ctx(t), a, 0, "w", time.Minute)
	must(t, err, "acquire after alter")
	must(t, s.CommitSinkOffsets(ctx(t), l2, map[connect.TopicPartition]int64{tp("t", 0): 1}), "commit after alter")
	must(t, s.CommitSourceOffsets(ctx(t), l2, []store.SourceOffset{{Partition: part("c"), Offset: off(4)}}), "commit source after alter")
	wantSink(t, s, a, map[connect.TopicPartition]int64{tp("t", 0): 1, tp("u", 0): 5})
	wantSource(t, s, a, map[string]string{`{"filename":"a"}`: `{"position":100}`, `{"filename":"c"}`: `{"position":4}`})
	// And an alteration after a commit wins over the commit.
	must(t, s.AlterSinkOffsets(ctx(t), a, map[connect.TopicPartition]int64{tp("t", 0): 50}), "alter after commit")
	wantSink(t, s, a, map[connect.TopicPartition]int64{tp("t", 0): 50, tp("u", 0): 5})

	must(t, s.ResetOffsets(ctx(t), a), "reset")
	wantSource(t, s, a, map[string]string{})
	wantSink(t, s, a, map[connect.TopicPartition]int64{})

	// Commits after a reset are kept, and only they.
	must(t, s.CommitSinkOffsets(ctx(t), l2, map[connect.TopicPartition]int64{tp("t", 1): 9}), "commit after reset")
	must(t, s.CommitSourceOffsets(ctx(t), l2, []store.SourceOffset{{Partition: part("d"), Offset: off(1)}}), "commit source after reset")
	wantSink(t, s, a, map[connect.TopicPartition]int64{tp("t", 1): 9})
	wantSource(t, s, a, map[string]string{`{"filename":"d"}`: `{"position":1}`})
	// Resetting a connector without offsets is fine.
	must(t, s.ResetOffsets(ctx(t), e.name("alter-none")), "reset empty")
}

func testOffsetErrors(e *env) {
	t, s := e.t, e.s
	a := e.name("offerr")
	l, err := s.Acquire(ctx(t), a, 0, "w", time.Minute)
	must(t, err, "acquire")
	must(t, s.CommitSourceOffsets(ctx(t), l, []store.SourceOffset{{Partition: part("ok"), Offset: off(1)}}), "commit")
	must(t, s.CommitSinkOffsets(ctx(t), l, map[connect.TopicPartition]int64{tp("ok", 0): 1}), "commit sink")

	cases := []struct {
		what string
		err  error
	}{
		{"nil source partition", s.CommitSourceOffsets(ctx(t), l, []store.SourceOffset{{Partition: part("ok"), Offset: off(2)}, {Partition: nil, Offset: off(1)}})},
		{"unencodable offset", s.CommitSourceOffsets(ctx(t), l, []store.SourceOffset{{Partition: part("ok"), Offset: off(2)}, {Partition: part("x"), Offset: map[string]any{"f": func() {}}}})},
		{"negative sink offset", s.CommitSinkOffsets(ctx(t), l, map[connect.TopicPartition]int64{tp("ok", 0): 2, tp("t", 0): -5})},
		{"empty topic", s.CommitSinkOffsets(ctx(t), l, map[connect.TopicPartition]int64{tp("ok", 0): 2, tp("", 0): 5})},
		{"negative partition", s.CommitSinkOffsets(ctx(t), l, map[connect.TopicPartition]int64{tp("ok", 0): 2, tp("t", -1): 5})},
		{"alter with empty connector", s.AlterSinkOffsets(ctx(t), "", map[connect.TopicPartition]int64{tp("t", 0): 5})},
		{"alter with nil partition", s.AlterSourceOffsets(ctx(t), a, []store.SourceOffset{{Partition: part("ok"), Offset: off(2)}, {Partition: nil}})},
	}
	for _, c := range cases {
		wantErr(t, c.err, store.ErrInvalid, c.what)
	}
	// Refused commits are refused whole: nothing of them was written.
	wantSource(t, s, a, map[string]string{`{"filename":"ok"}`: `{"position":1}`})
	wantSink(t, s, a, map[connect.TopicPartition]int64{tp("ok", 0): 1})
}
