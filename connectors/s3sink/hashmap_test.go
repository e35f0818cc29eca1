package s3sink

import (
	"cmp"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"unicode/utf16"
)

// Vectors verified on JDK 17 and 25 (spec §6.6), new HashMap<>() filled in insertion order.
func TestJavaHashMapOrder(t *testing.T) {
	tests := []struct{ in, want string }{
		{"timestamp,level,message,service,host,trace_id", "trace_id,level,service,host,message,timestamp"},
		{"b,a,c,id,name,ts", "a,b,c,name,id,ts"},
		{"id,name,email,created_at", "name,created_at,id,email"},
		{"a1,b2,c3,d4,e5,f6,g7,h8,i9,j10,k11,l12", "j10,k11,l12,a1,b2,c3,d4,e5,f6,g7,h8,i9"},
		{"x", "x"},
	}
	for _, tt := range tests {
		got := strings.Join(javaHashMapOrder(strings.Split(tt.in, ",")), ",")
		if got != tt.want {
			t.Errorf("order(%s) = %s, want %s", tt.in, got, tt.want)
		}
	}
}

func TestJavaHashMapOrderGrows(t *testing.T) {
	// 13 keys exceed the threshold of 12: capacity 32. Order must still be a permutation.
	var keys []string
	for i := range 40 {
		keys = append(keys, "k"+strings.Repeat("x", i%5)+string(rune('a'+i%26)))
	}
	keys = slices.Compact(keys)
	got := javaHashMapOrder(keys)
	if len(got) != len(keys) {
		t.Fatalf("len %d, want %d", len(got), len(keys))
	}
	s1, s2 := slices.Clone(got), slices.Clone(keys)
	slices.Sort(s1)
	slices.Sort(s2)
	if !slices.Equal(s1, s2) {
		t.Fatalf("not a permutation: %v", got)
	}
}

// javaHashMapOrderReference is the straightforward model (a map of bucket counts, hashes
// over utf16.Encode) the optimised javaHashMapOrder must agree with.
func javaHashMapOrderReference(keys []string) []string {
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
		hashes[i] = javaSpread(hash(k))
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
	idx := func(k string) uint32 { return javaSpread(hash(k)) & (capacity - 1) }
	slices.SortStableFunc(out, func(a, b string) int { return cmp.Compare(idx(a), idx(b)) })
	return out
}

func TestJavaHashMapOrderMatchesReference(t *testing.T) {
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
		got, want := javaHashMapOrder(keys), javaHashMapOrderReference(keys)
		if !slices.Equal(got, want) {
			t.Fatalf("keys %q:\n got %q\nwant %q", keys, got, want)
		}
	}
}

// BenchmarkJavaHashMapOrder orders the keys of a typical log line.
func BenchmarkJavaHashMapOrder(b *testing.B) {
	keys := strings.Split("ts,level,service,host,trace_id,latency_ms,msg", ",")
	b.ReportAllocs()
	for b.Loop() {
		javaHashMapOrder(keys)
	}
}
