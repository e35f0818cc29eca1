package convert

import (
	"math"
	"slices"
	"unicode/utf16"
)

// JavaStringHash is Java's String.hashCode over UTF-16 code units (h = 31*h + c, int32 wrap).
func JavaStringHash(s string) int32 {
	var h int32
	for _, r := range s {
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

// javaSpread is HashMap.hash: h ^ (h >>> 16).
func javaSpread(h int32) uint32 { u := uint32(h); return u ^ (u >> 16) }

// JDK selects which JDK's java.util.HashMap sizing rules an emulation follows.
type JDK int

// JDK generations whose HashMap copy constructor sizes the table differently (JDK-8281631).
const (
	JDK17 JDK = 17 // JDK <= 18: t = (int)((float)s/0.75f + 1.0f)
	JDK21 JDK = 21 // JDK >= 19: t = (int)Math.ceil(s/0.75)
)

// javaHashMap emulates java.util.HashMap's table (not treeified bins) to reproduce its
// iteration order.
type javaHashMap struct {
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

func (m *javaHashMap) resize() {
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

func (m *javaHashMap) put(k string) { m.putHashed(k, javaSpread(JavaStringHash(k))) }

// putHashed puts a key whose spread Java hash is already known.
func (m *javaHashMap) putHashed(k string, h uint32) {
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

func (m *javaHashMap) keys() []string {
	out := make([]string, 0, m.size)
	for _, chain := range m.buckets {
		for _, e := range chain {
			out = append(out, e.key)
		}
	}
	return out
}

// JavaHashMapOrder returns keys in the iteration order of a java.util.HashMap created with
// new HashMap<>() and filled by put in the given order (a repeated key keeps its first
// position). This is the order in which Kafka's JsonConverter (schemas.enable=false) and
// Jackson write a schemaless map it produced: reuse it to write byte-identical JSON.
// Treeified bins (9+ colliding keys in a table of 64+) are not emulated.
func JavaHashMapOrder(keys []string) []string {
	var m javaHashMap
	for _, k := range keys {
		m.put(k)
	}
	return m.keys()
}

// JavaHashMapSizedOrder is JavaHashMapOrder for new HashMap<>(initialCapacity).
func JavaHashMapSizedOrder(initialCapacity int, keys []string) []string {
	m := javaHashMap{threshold: tableSizeFor(max(initialCapacity, 1))}
	for _, k := range keys {
		m.put(k)
	}
	return m.keys()
}

// JavaHashMapCopyOrder returns the iteration order of new HashMap<>(src) where keys is src's
// iteration order (the copy constructor used by InsertField, MaskField, Cast, ...), sized as
// the given JDK does.
func JavaHashMapCopyOrder(keys []string, jdk JDK) []string {
	var m javaHashMap
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

// hashOrder computes JavaHashMapOrder without building the table: with no treeified bin, the
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
		hashes = append(hashes, javaSpread(JavaStringHash(k)))
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

// sortedHashMapOrder is the order used for a Go map whose insertion order is unknown: keys are
// inserted in sorted order, so keys sharing a bucket come out sorted.
func sortedHashMapOrder(keys []string) []string {
	slices.Sort(keys)
	if len(keys) > 500 {
		return JavaHashMapOrder(keys)
	}
	return hashOrder(keys)
}
