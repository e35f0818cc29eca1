package s3sink

import "strconv"

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
		return matchBytes(raw, i, appendJavaFloat(scratch[:0], x, 64))
	case float32:
		return matchBytes(raw, i, appendJavaFloat(scratch[:0], float64(x), 32))
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
// sorted, then (unless json.map.key.order=input) in the iteration order javaHashMapOrder
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
	capacity, threshold := uint32(16), len(m)
	for limit := 12; threshold > limit; limit *= 2 {
		capacity *= 2
	}
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
			h := javaSpread(javaBytesHash(key))
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

// javaBytesHash is javaStringHash of UTF-8 bytes, without a string copy.
func javaBytesHash(b []byte) int32 {
	var h int32
	for _, r := range string(b) {
		if r >= 0x10000 {
			r -= 0x10000
			h = 31*h + (0xD800 + (r>>10)&0x3FF)
			h = 31*h + (0xDC00 + r&0x3FF)
			continue
		}
		h = 31*h + r
	}
	return h
}

// matchJSONString compares raw from i with appendJSONString's output for s.
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
		if c >= 0x20 && c != '"' && c != '\\' {
			if i >= len(raw) || raw[i] != c {
				return 0, false
			}
			i++
			continue
		}
		var esc [6]byte
		e := esc[:2]
		esc[0] = '\\'
		switch c {
		case '"', '\\':
			esc[1] = c
		case '\b':
			esc[1] = 'b'
		case '\t':
			esc[1] = 't'
		case '\n':
			esc[1] = 'n'
		case '\f':
			esc[1] = 'f'
		case '\r':
			esc[1] = 'r'
		default:
			esc[1], esc[2], esc[3], esc[4], esc[5] = 'u', '0', '0', hexUpper[c>>4], hexUpper[c&0xF]
			e = esc[:6]
		}
		var ok bool
		if i, ok = matchBytes(raw, i, e); !ok {
			return 0, false
		}
	}
	return matchLiteral(raw, i, `"`)
}

// needsEscape reports whether appendJSONString escapes a byte of s.
func needsEscape(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c == '"' || c == '\\' {
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
