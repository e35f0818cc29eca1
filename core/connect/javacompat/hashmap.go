package javacompat

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode/utf16"
)

// StringHash is Java's String.hashCode over the UTF-16 code units of s (h = 31*h + c, with
// int32 wrap-around). Invalid UTF-8 counts as U+FFFD. It takes a string or UTF-8 bytes, so a
// key read from a record needs no copy.
func StringHash[S ~string | ~[]byte](s S) int32 {
	var h int32
	for _, r := range string(s) {
		if r >= 0x10000 {
			a, b := utf16.EncodeRune(r)
			h = 31*h + a
			h = 31*h + b
			continue
		}
		h = 31*h + r
	}
	return h
}

// HashCode is Java's hashCode of the boxed form of a Connect map key: String, Byte, Short,
// Integer, Long, Boolean, Double and Float hash as Java's classes do; other values hash as 0.
func HashCode(k any) int32 {
	switch x := k.(type) {
	case string:
		return StringHash(x)
	case int8:
		return int32(x)
	case int16:
		return int32(x)
	case int32:
		return x
	case int:
		return int32(int64(x) ^ int64(uint64(x)>>32))
	case int64:
		return int32(x ^ int64(uint64(x)>>32))
	case bool:
		if x {
			return 1231
		}
		return 1237
	case float64:
		u := math.Float64bits(x)
		return int32(u ^ u>>32)
	case float32:
		return int32(math.Float32bits(x))
	}
	return 0
}

// Spread is HashMap.hash: h ^ (h >>> 16). A key's bucket in a table of n (a power of two)
// buckets is Spread(hash) & (n-1).
func Spread(h int32) uint32 { u := uint32(h); return u ^ (u >> 16) }

// JDK selects which JDK's java.util.HashMap sizing rules an emulation follows.
type JDK int

// JDK generations whose HashMap copy constructor sizes the table differently (JDK-8281631).
const (
	JDK17 JDK = 17 // JDK <= 18: t = (int)((float)s/0.75f + 1.0f)
	JDK21 JDK = 21 // JDK >= 19: t = (int)Math.ceil(s/0.75)
)

// hashMap emulates java.util.HashMap's table (not treeified bins) to reproduce its iteration
// order.
type hashMap struct {
	buckets   [][]entryHash
	threshold int // before allocation: the initial capacity, as Java keeps it
	size      int
}

type entryHash struct {
	key  string
	hash uint32
}

func tableSizeFor(n int) int {
	c := 1
	for c < n {
		c <<= 1
	}
	return c
}

func (m *hashMap) resize() {
	oldCap := len(m.buckets)
	var newCap, newThr int
	switch {
	case oldCap > 0:
		newCap = oldCap << 1
		if oldCap >= 16 {
			newThr = m.threshold << 1
		}
	case m.threshold > 0:
		newCap = m.threshold
	default:
		newCap, newThr = 16, 12
	}
	if newThr == 0 {
		newThr = int(float32(newCap) * 0.75)
	}
	nb := make([][]entryHash, newCap)
	for _, chain := range m.buckets {
		for _, e := range chain {
			i := e.hash & uint32(newCap-1)
			nb[i] = append(nb[i], e)
		}
	}
	m.buckets, m.threshold = nb, newThr
}

func (m *hashMap) put(k string) { m.putHashed(k, Spread(StringHash(k))) }

// putHashed puts a key whose spread Java hash is already known.
func (m *hashMap) putHashed(k string, h uint32) {
	if len(m.buckets) == 0 {
		m.resize()
	}
	i := h & uint32(len(m.buckets)-1)
	for _, e := range m.buckets[i] {
		if e.hash == h && e.key == k {
			return
		}
	}
	m.buckets[i] = append(m.buckets[i], entryHash{key: k, hash: h})
	if len(m.buckets[i]) >= 9 && len(m.buckets) < 64 {
		m.resize() // treeifyBin resizes instead while the table is small
	}
	m.size++
	if m.size > m.threshold {
		m.resize()
	}
}

func (m *hashMap) keys() []string {
	out := make([]string, 0, m.size)
	for _, chain := range m.buckets {
		for _, e := range chain {
			out = append(out, e.key)
		}
	}
	return out
}

// HashMapOrder returns keys in the iteration order of a java.util.HashMap created with
// new HashMap<>() and filled by put in the given order (a repeated key keeps its first
// position). This is the order in which Kafka's JsonConverter (schemas.enable=false) and
// Jackson write a schemaless map it produced. Treeified bins (9+ colliding keys in a table of
// 64+) are not emulated.
func HashMapOrder(keys []string) []string {
	var m hashMap
	for _, k := range keys {
		m.put(k)
	}
	return m.keys()
}

// HashMapSizedOrder is HashMapOrder for new HashMap<>(initialCapacity).
func HashMapSizedOrder(initialCapacity int, keys []string) []string {
	m := hashMap{threshold: tableSizeFor(max(initialCapacity, 1))}
	for _, k := range keys {
		m.put(k)
	}
	return m.keys()
}

// HashMapCopyOrder returns the iteration order of new HashMap<>(src) where keys is src's
// iteration order (the copy constructor used by InsertField, MaskField, Cast, ...), sized as
// the given JDK does.
func HashMapCopyOrder(keys []string, jdk JDK) []string {
	var m hashMap
	if s := len(keys); s > 0 {
		var t int
		if jdk >= JDK21 {
			t = int(math.Ceil(float64(s) / 0.75))
		} else {
			t = int(float32(s)/0.75 + 1.0)
		}
		m.threshold = tableSizeFor(t)
	}
	for _, k := range keys {
		m.put(k)
	}
	return m.keys()
}

// SortedHashMapOrder sorts keys (distinct) in place and returns them in the order of a
// new HashMap<>() filled in that sorted order: the order used for a Go map, whose insertion
// order is unknown, so that keys sharing a bucket come out sorted.
func SortedHashMapOrder(keys []string) []string {
	slices.Sort(keys)
	if len(keys) > 500 {
		return HashMapOrder(keys)
	}
	return hashOrder(keys)
}

// OrderedKeys returns the keys of m in SortedHashMapOrder.
func OrderedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	return SortedHashMapOrder(keys)
}

// OrderedAnyKeys returns the keys of a map with keys of any Connect type in the iteration
// order of a HashMap filled in the keys' sorted order (by their text), each key hashed as its
// boxed Java form (HashCode).
func OrderedAnyKeys(m map[any]any) []any {
	keys := sortedAnyKeys(m)
	var hm hashMap
	byID := make(map[string]any, len(keys))
	for i, k := range keys {
		id := strconv.Itoa(i)
		byID[id] = k
		hm.putHashed(id, Spread(HashCode(k)))
	}
	out := make([]any, 0, len(keys))
	for _, id := range hm.keys() {
		out = append(out, byID[id])
	}
	return out
}

// sortedAnyKeys returns the keys of m sorted by their text.
func sortedAnyKeys(m map[any]any) []any {
	keys := make([]any, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b any) int { return strings.Compare(fmt.Sprint(a), fmt.Sprint(b)) })
	return keys
}

// hashOrder computes HashMapOrder without building the table: with no treeified bin, the
// iteration order is the final bucket index, ties in insertion order, and only the final
// capacity depends on the history (load-factor resizes and the resizes treeifyBin does
// instead of treeifying while the table is under 64 buckets). keys must be distinct.
func hashOrder(keys []string) []string {
	n := len(keys)
	if n == 0 {
		return keys
	}
	var hashBuf [32]uint32
	hashes := hashBuf[:0]
	if n > len(hashBuf) {
		hashes = make([]uint32, 0, n)
	}
	for _, k := range keys {
		hashes = append(hashes, Spread(StringHash(k)))
	}
	capacity, threshold := 16, 12
	var counts [64]int
	for i := range hashes {
		if capacity < 64 {
			b := hashes[i] & uint32(capacity-1)
			counts[b]++
			if counts[b] >= 9 {
				capacity, threshold = grow(capacity, threshold)
				recount(&counts, hashes[:i+1], capacity)
			}
		}
		if i+1 > threshold {
			capacity, threshold = grow(capacity, threshold)
			if capacity <= 64 {
				recount(&counts, hashes[:i+1], capacity)
			}
		}
	}
	mask := uint32(capacity - 1)
	var idxBuf [32]int
	idx := idxBuf[:0]
	if n > len(idxBuf) {
		idx = make([]int, 0, n)
	}
	for i := range n {
		idx = append(idx, i)
	}
	// insertion sort: stable and allocation-free for the small maps of log records.
	for i := 1; i < n; i++ {
		for j := i; j > 0 && hashes[idx[j]]&mask < hashes[idx[j-1]]&mask; j-- {
			idx[j], idx[j-1] = idx[j-1], idx[j]
		}
	}
	out := make([]string, n)
	for i, j := range idx {
		out[i] = keys[j]
	}
	return out
}

func grow(capacity, threshold int) (int, int) {
	if capacity >= 16 {
		return capacity << 1, threshold << 1
	}
	return capacity << 1, int(float32(capacity<<1) * 0.75)
}

func recount(counts *[64]int, hashes []uint32, capacity int) {
	*counts = [64]int{}
	if capacity > 64 {
		return
	}
	for _, h := range hashes {
		counts[h&uint32(capacity-1)]++
	}
}
