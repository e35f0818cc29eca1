package taskslice

import (
	"math"
	"testing"
)

// TestPartitionKeysMatchPartitionKey: the remembered key is always the key of the map given.
func TestPartitionKeysMatchPartitionKey(t *testing.T) {
	seq := []map[string]any{
		{"filename": "/data/a.log"},
		{"filename": "/data/a.log"}, // equal, another map
		{"filename": "/data/b.log"},
		{"filename": "/data/b.log", "shard": 1},
		{"filename": "/data/b.log", "shard": int64(1)}, // same JSON, another type: encoded again
		{"filename": "/data/b.log", "shard": 1.0},
		{"n": math.NaN()}, // NaN is not equal to itself: encoded again
		{"n": math.NaN()},
		{"list": []any{"x"}}, // not a scalar: encoded again
		{"list": []any{"y"}},
		{},
		nil,
		{"ok": true},
		{"ok": false},
	}
	var k partitionKeys
	for i, p := range seq {
		if got, want := k.key(p), partitionKey(p); got != want {
			t.Fatalf("record %d (%v): key %q, want %q", i, p, got, want)
		}
	}
}

// FuzzPartitionKeys checks the remembered key against encoding every partition.
func FuzzPartitionKeys(f *testing.F) {
	f.Add("a.log", "a.log", int64(1), int64(1), true)
	f.Add("a.log", "b.log", int64(1), int64(2), false)
	f.Fuzz(func(t *testing.T, f1, f2 string, n1, n2 int64, flag bool) {
		var k partitionKeys
		for _, p := range []map[string]any{{"f": f1, "n": n1}, {"f": f2, "n": n2}, {"f": f2, "n": n2, "b": flag}, {"f": f1, "n": float64(n1)}} {
			if got, want := k.key(p), partitionKey(p); got != want {
				t.Fatalf("%v: key %q, want %q", p, got, want)
			}
		}
	})
}

// BenchmarkPartitionKeys keys a poll of 1,000 records of one file (a new partition map per
// record, as FileStreamSource makes them); BenchmarkPartitionKey encodes each.
func BenchmarkPartitionKeys(b *testing.B) {
	parts := make([]map[string]any, 1000)
	for i := range parts {
		parts[i] = map[string]any{"filename": "/var/log/app/requests.log"}
	}
	b.ReportAllocs()
	for b.Loop() {
		var k partitionKeys
		for _, p := range parts {
			k.key(p)
		}
	}
}

func BenchmarkPartitionKey(b *testing.B) {
	parts := make([]map[string]any, 1000)
	for i := range parts {
		parts[i] = map[string]any{"filename": "/var/log/app/requests.log"}
	}
	b.ReportAllocs()
	for b.Loop() {
		for _, p := range parts {
			partitionKey(p)
		}
	}
}

// BenchmarkPartitionKeysShared is BenchmarkPartitionKeys for a task that gives its records
// one partition map (FileStreamSource).
func BenchmarkPartitionKeysShared(b *testing.B) {
	shared := map[string]any{"filename": "/var/log/app/requests.log"}
	parts := make([]map[string]any, 1000)
	for i := range parts {
		parts[i] = shared
	}
	b.ReportAllocs()
	for b.Loop() {
		var k partitionKeys
		for _, p := range parts {
			k.key(p)
		}
	}
}
