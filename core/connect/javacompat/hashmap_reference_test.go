package javacompat

import (
	"cmp"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"unicode/utf16"
)

// hashMapOrderReference is a straightforward model (a map of bucket counts, hashes over
// utf16.Encode, a stable sort by bucket) the optimised hashOrder must agree with.
func hashMapOrderReference(keys []string) []string {
	if len(keys) < 2 {
		return keys
	}
	hash := func(s string) int32 {
		var h int32
		for _, u := range utf16.Encode([]rune(s)) {
			h = 31*h + int32(u)
		}
		return h
	}
	hashes := make([]uint32, len(keys))
	for i, k := range keys {
		hashes[i] = Spread(hash(k))
	}
	capacity, threshold := uint32(16), 12
	counts := map[uint32]int{}
	recount := func(n int) {
		clear(counts)
		for _, h := range hashes[:n] {
			counts[h&(capacity-1)]++
		}
	}
	for i, h := range hashes {
		idx := h & (capacity - 1)
		counts[idx]++
		if counts[idx] >= 9 && capacity < 64 {
			capacity, threshold = capacity*2, threshold*2
			recount(i + 1)
		}
		if i+1 > threshold {
			capacity, threshold = capacity*2, threshold*2
			recount(i + 1)
		}
	}
	out := slices.Clone(keys)
	idx := func(k string) uint32 { return Spread(hash(k)) & (capacity - 1) }
	slices.SortStableFunc(out, func(a, b string) int { return cmp.Compare(idx(a), idx(b)) })
	return out
}

func TestHashOrderMatchesReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	alphabet := []rune("abcdefghijklmnopqrstuvwxyz_0123456789éß中😀\U0001F600")
	for n := range 200 {
		seen := map[string]bool{}
		var keys []string
		for len(keys) < 1+n%120 {
			var sb strings.Builder
			for range 1 + rng.IntN(12) {
				sb.WriteRune(alphabet[rng.IntN(len(alphabet))])
			}
			if k := sb.String(); !seen[k] {
				seen[k] = true
				keys = append(keys, k)
			}
		}
		if n%7 == 0 {
			keys = append(keys, "bad\xffutf8")
		}
		got, want := hashOrder(keys), hashMapOrderReference(keys)
		if !slices.Equal(got, want) {
			t.Fatalf("keys %q:\n got %q\nwant %q", keys, got, want)
		}
	}
}

// BenchmarkHashMapOrder orders the keys of a typical log line.
func BenchmarkHashMapOrder(b *testing.B) {
	keys := strings.Split("ts,level,service,host,trace_id,latency_ms,msg", ",")
	b.ReportAllocs()
	for b.Loop() {
		hashOrder(keys)
	}
}
