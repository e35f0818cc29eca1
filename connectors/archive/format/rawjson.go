package format

import (
	"strconv"

	"github.com/connectless/connectless/core/connect/javacompat"
)

// maxRawDepth bounds the nesting the raw matcher follows; deeper values take the encoder.
const maxRawDepth = 64

// rawMatches reports whether raw is exactly what appendJackson writes for v, so that a
// record's bytes as read from Kafka can be written as they are. It holds for any converter:
// raw is compared with the encoding of v, not parsed, and v's types outside the schemaless
// JSON set (maps with string keys, slices, strings, numbers, booleans, null) never match.
// It does not allocate for integers, strings, booleans, null and objects of fewer than nine
// keys per bucket of a 16-bucket table.
func (w jsonWriter) rawMatches(raw []byte, v any) bool {
	end, ok := w.match(raw, 0, v, 0)
	return ok && end == len(raw)
}

// match compares raw from i with appendJackson's output for v and returns the index after it.
func (w jsonWriter) match(raw []byte, i int, v any, depth int) (int, bool) {
	var scratch [32]byte
	switch x := v.(type) {
	case nil:
		return matchLiteral(raw, i, "null")
	case bool:
		if x {
			return matchLiteral(raw, i, "true")
		}
		return matchLiteral(raw, i, "false")
	case int64:
		return matchBytes(raw, i, strconv.AppendInt(scratch[:0], x, 10))
	case int32:
		return matchBytes(raw, i, strconv.AppendInt(scratch[:0], int64(x), 10))
	case int16:
		return matchBytes(raw, i, strconv.AppendInt(scratch[:0], int64(x), 10))
	case int8:
		return matchBytes(raw, i, strconv.AppendInt(scratch[:0], int64(x), 10))
	case int:
		return matchBytes(raw, i, strconv.AppendInt(scratch[:0], int64(x), 10))
	case float64:
		return matchBytes(raw, i, javacompat.AppendJSONDouble(scratch[:0], x))
	case float32:
		return matchBytes(raw, i, javacompat.AppendJSONFloat(scratch[:0], x))
	case string:
		return matchJSONString(raw, i, x)
	case []any:
		if depth >= maxRawDepth || i >= len(raw) || raw[i] != '[' {
			return 0, false
		}
		i++
		for k, e := range x {
			if k > 0 {
				if i >= len(raw) || raw[i] != ',' {
					return 0, false
				}
				i++
			}
			var ok bool
			if i, ok = w.match(raw, i, e, depth+1); !ok {
				return 0, false
			}
		}
		return matchLiteral(raw, i, "]")
	case map[string]any:
		if depth >= maxRawDepth {
			return 0, false
		}
		return w.matchObject(raw, i, x, depth)
	}
	return 0, false
}

// matchObject compares raw from i with the object appendJackson writes for m: its keys
// sorted, then (unless json.map.key.order=input) in the iteration order javacompat.HashMapOrder
// gives, which is by bucket index at the table's final capacity, then by key. Keys written
// with an escape take the encoder.
func (w jsonWriter) matchObject(raw []byte, i int, m map[string]any, depth int) (int, bool) {
	if i >= len(raw) || raw[i] != '{' {
		return 0, false
	}
	i++
	if len(m) == 0 {
		return matchLiteral(raw, i, "}")
	}
	// Final capacity when no bucket reaches 9 keys below capacity 64 (checked below).
	capacity := tableCapacity(len(m))
	var counts [16]uint8 // keys per bucket at capacity 16
	var prev []byte
	prevBucket := uint32(0)
	n := 0
	for {
		if i >= len(raw) || raw[i] != '"' {
			return 0, false
		}
		start := i + 1
		j := start
		for j < len(raw) && raw[j] != '"' {
			if c := raw[j]; c == '\\' || c < 0x20 {
				return 0, false
			}
			j++
		}
		if j+1 >= len(raw) || raw[j+1] != ':' {
			return 0, false
		}
		key := raw[start:j]
		val, ok := m[string(key)]
		if !ok {
			return 0, false
		}
		if w.inputOrder {
			if n > 0 && string(prev) >= string(key) {
				return 0, false
			}
		} else {
			h := javacompat.Spread(javacompat.StringHash(key))
			b := h & (capacity - 1)
			if n > 0 && (prevBucket > b || prevBucket == b && string(prev) >= string(key)) {
				return 0, false
			}
			prevBucket = b
			if counts[h&15]++; counts[h&15] >= 9 {
				return 0, false // a collision resize may have grown the table
			}
		}
		prev = key
		n++
		if i, ok = w.match(raw, j+2, val, depth+1); !ok || i >= len(raw) {
			return 0, false
		}
		switch raw[i] {
		case ',':
			i++
		case '}':
			if n != len(m) {
				return 0, false
			}
			return i + 1, true
		default:
			return 0, false
		}
	}
}

// matchJSONString compares raw from i with javacompat.AppendString's output for s.
func matchJSONString(raw []byte, i int, s string) (int, bool) {
	if i >= len(raw) || raw[i] != '"' {
		return 0, false
	}
	i++
	// Common case: nothing to escape, so the bytes are s itself.
	if end := i + len(s); end < len(raw) && raw[end] == '"' && string(raw[i:end]) == s && !needsEscape(s) {
		return end + 1, true
	}
	for k := 0; k < len(s); k++ {
		c := s[k]
		if !javacompat.NeedsEscape(c) {
			if i >= len(raw) || raw[i] != c {
				return 0, false
			}
			i++
			continue
		}
		var esc [8]byte
		e := javacompat.AppendString(esc[:0], s[k:k+1]) // "\n" or "\u001F", quotes included
		e = e[1 : len(e)-1]
		var ok bool
		if i, ok = matchBytes(raw, i, e); !ok {
			return 0, false
		}
	}
	return matchLiteral(raw, i, `"`)
}

// needsEscape reports whether javacompat.AppendString escapes a byte of s.
func needsEscape(s string) bool {
	for i := 0; i < len(s); i++ {
		if javacompat.NeedsEscape(s[i]) {
			return true
		}
	}
	return false
}

func matchBytes(raw []byte, i int, want []byte) (int, bool) {
	end := i + len(want)
	if end > len(raw) || string(raw[i:end]) != string(want) {
		return 0, false
	}
	return end, true
}

func matchLiteral(raw []byte, i int, want string) (int, bool) {
	end := i + len(want)
	if end > len(raw) || string(raw[i:end]) != want {
		return 0, false
	}
	return end, true
}

// maxReorderKeys bounds the members of a top-level object that appendRawObject reorders.
const maxReorderKeys = 16

// appendRawObject appends the object appendJackson writes for m by copying the members of
// raw (a compact JSON object as read) in the encoder's key order, when every member of raw is
// exactly the encoder's output for one entry of m and raw holds each entry once, in any
// order: the values are compared, not encoded, and only the member order changes. When raw
// already is in that order it appends nothing and reports inOrder (raw itself is the
// encoding); when raw does not qualify it reports !ok and leaves b unchanged.
func (w jsonWriter) appendRawObject(b, raw []byte, m map[string]any) (out []byte, inOrder, ok bool) {
	if len(raw) == 0 || raw[0] != '{' || len(m) > maxReorderKeys {
		return b, false, false
	}
	if len(m) == 0 {
		if string(raw) != "{}" {
			return b, false, false
		}
		return b, true, true
	}
	var members [maxReorderKeys]scanMember
	n, i := 0, 1
	for {
		if n == len(m) || i >= len(raw) || raw[i] != '"' {
			return b, false, false
		}
		start := i
		j := i + 1
		for j < len(raw) && raw[j] != '"' {
			if c := raw[j]; c == '\\' || c < 0x20 {
				return b, false, false
			}
			j++
		}
		if j+1 >= len(raw) || raw[j+1] != ':' {
			return b, false, false
		}
		key := raw[start+1 : j]
		val, found := m[string(key)]
		if !found {
			return b, false, false
		}
		if i, ok = w.match(raw, j+2, val, 1); !ok || i >= len(raw) {
			return b, false, false
		}
		members[n] = scanMember{start: int32(start), keyEnd: int32(j), end: int32(i)}
		if !w.inputOrder {
			members[n].hash = javacompat.Spread(javacompat.StringHash(key))
		}
		n++
		if raw[i] == '}' {
			if i+1 != len(raw) || n != len(m) {
				return b, false, false
			}
			break
		}
		if raw[i] != ',' {
			return b, false, false
		}
		i++
	}
	if inOrder, ok = w.orderMembers(raw, members[:n]); !ok {
		return b, false, false
	}
	if inOrder {
		return b, true, true
	}
	return appendMembers(b, raw, members[:n]), false, true
}
