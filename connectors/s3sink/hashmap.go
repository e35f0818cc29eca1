package s3sink

import (
	"slices"
	"unicode/utf16"
)

// javaStringHash is Java's String.hashCode over UTF-16 code units. Invalid UTF-8 counts as
// U+FFFD, as a conversion to []rune would make it.
func javaStringHash(s string) int32 {
	var h int32
	for _, r := range s {
		if r >= 0x10000 {
			hi, lo := utf16.EncodeRune(r)
			h = 31*h + hi
			h = 31*h + lo
			continue
		}
		h = 31*h + r
	}
	return h
}

// javaSpread is HashMap.hash: h ^ (h >>> 16).
func javaSpread(h int32) uint32 {
	u := uint32(h)
	return u ^ (u >> 16)
}

// javaHashMapOrder returns keys (given in insertion order, distinct) in the iteration order of
// a java.util.HashMap built with new HashMap<>() and filled in that order: capacity starts at
// 16 and doubles when size exceeds 0.75×capacity or when a 9th entry lands in one bucket
// below capacity 64; every bucket chain keeps insertion order, so iteration is a stable sort
// by bucket index at the final capacity (§6.6). Treeified bins (capacity ≥ 64 with 9+
// colliding keys) are not modelled.
func javaHashMapOrder(keys []string) []string {
	if len(keys) < 2 {
		return keys
	}
	hashes := make([]uint32, len(keys))
	for i, k := range keys {
		hashes[i] = javaSpread(javaStringHash(k))
	}
	capacity := uint32(16)
	threshold := 12
	var small [64]int32 // bucket counts; only used below capacity 64, where collisions grow the table
	counts := small[:capacity]
	recount := func(n int) {
		if capacity > 64 {
			return
		}
		counts = small[:capacity]
		clear(counts)
		for _, h := range hashes[:n] {
			counts[h&(capacity-1)]++
		}
	}
	for i, h := range hashes {
		if capacity >= 64 {
			if i+1 > threshold {
				capacity *= 2
				threshold *= 2
			}
			continue
		}
		idx := h & (capacity - 1)
		counts[idx]++
		if counts[idx] >= 9 {
			capacity *= 2
			threshold *= 2
			recount(i + 1)
		}
		if i+1 > threshold {
			capacity *= 2
			threshold *= 2
			recount(i + 1)
		}
	}
	order := make([]int, len(keys))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int {
		x, y := hashes[a]&(capacity-1), hashes[b]&(capacity-1)
		switch {
		case x < y:
			return -1
		case x > y:
			return 1
		}
		return 0
	})
	out := make([]string, len(keys))
	for i, j := range order {
		out[i] = keys[j]
	}
	return out
}
