package format

import (
	"math"
	"strconv"
	"unicode/utf8"

	"github.com/connectless/connectless/core/connect/javacompat"
)

// The byte scan below writes a schemaless JSON value from its bytes as read, without the
// Connect value: it takes the bytes only where they already are what appendJackson writes
// for the value they parse to (compact, strings escaped as Jackson escapes them, numbers as
// Java prints their int64 or double, every object's keys in the encoder's order), except
// that the members of the top-level object may come in any order: they are copied in the
// encoder's order. Anything else (spaces, other escapes, numbers Java would print
// differently, repeated keys, keys with escapes, very large or deep objects) is not taken,
// and the caller builds the value and encodes it.

// maxScanKeys bounds the members of the top-level object the scan orders (a Java HashMap of
// up to 48 entries has at most 64 buckets, as the order check assumes).
const maxScanKeys = 48

// maxNestedKeys bounds the members of a nested object whose order the scan checks.
const maxNestedKeys = 16

// The digits of the largest int64 and of the smallest's magnitude.
const (
	maxInt64Digits = "9223372036854775807"
	minInt64Digits = "9223372036854775808"
)

// scanMember is one member of an object as read: raw[start:end] is `"key":value`, the key
// raw[start+1:keyEnd].
type scanMember struct {
	start, keyEnd, end int32
	hash               uint32 // javacompat.Spread of the key's Java hash
}

// key returns the member's key in raw.
func (m *scanMember) key(raw []byte) []byte { return raw[m.start+1 : m.keyEnd] }

// tableCapacity is the bucket count of the HashMap the encoder's order emulates for n keys
// (checked by orderMembers not to have grown by collisions).
func tableCapacity(n int) uint32 {
	capacity := uint32(16)
	for limit := 12; n > limit; limit *= 2 {
		capacity *= 2
	}
	return capacity
}

// appendFromBytes appends what appendJackson writes for the schemaless JSON value raw
// parses to, when the scan takes raw (see above). When raw already is that encoding it
// appends nothing and reports inOrder; when the scan does not take raw it reports !ok and
// leaves b unchanged.
func (w jsonWriter) appendFromBytes(b, raw []byte) (out []byte, inOrder, ok bool) {
	if len(raw) == 0 || len(raw) > math.MaxInt32 {
		return b, false, false
	}
	if raw[0] != '{' {
		end, ok := w.scanValue(raw, 0, 0)
		return b, ok && end == len(raw), ok && end == len(raw)
	}
	var members [maxScanKeys]scanMember
	end, n, ok := w.scanMembers(raw, 0, 0, members[:])
	if !ok || end != len(raw) {
		return b, false, false
	}
	inOrder, ok = w.orderMembers(raw, members[:n])
	if !ok {
		return b, false, false
	}
	if inOrder {
		return b, true, true
	}
	return appendMembers(b, raw, members[:n]), false, true
}

// appendMembers appends the object of the members of raw, in their order.
func appendMembers(b, raw []byte, members []scanMember) []byte {
	if b == nil {
		b = make([]byte, 0, len(raw)+1) // room for a line terminator
	}
	b = append(b, '{')
	for k := range members {
		if k > 0 {
			b = append(b, ',')
		}
		b = append(b, raw[members[k].start:members[k].end]...)
	}
	return append(b, '}')
}

// scanMembers scans the object at raw[i] into members and returns the index after it and
// the member count; false when a member is not taken or there are more than len(members).
func (w jsonWriter) scanMembers(raw []byte, i, depth int, members []scanMember) (end, n int, ok bool) {
	i++ // {
	if i < len(raw) && raw[i] == '}' {
		return i + 1, 0, true
	}
	for {
		if n == len(members) || i >= len(raw) || raw[i] != '"' {
			return 0, 0, false
		}
		start := i
		j := i + 1
		var h int32 // Java's String.hashCode while the key is ASCII
		ascii := true
		for ; j < len(raw) && raw[j] != '"'; j++ {
			c := raw[j]
			if c == '\\' || c < 0x20 {
				return 0, 0, false
			}
			h = 31*h + int32(c)
			ascii = ascii && c < utf8.RuneSelf
		}
		if j+1 >= len(raw) || raw[j+1] != ':' {
			return 0, 0, false
		}
		if !ascii {
			key := raw[start+1 : j]
			if !utf8.Valid(key) {
				return 0, 0, false
			}
			h = javacompat.StringHash(key)
		}
		if w.inputOrder {
			h = 0 // by key alone
		}
		keyEnd := j
		if i, ok = w.scanValue(raw, j+2, depth+1); !ok || i >= len(raw) {
			return 0, 0, false
		}
		members[n] = scanMember{start: int32(start), keyEnd: int32(keyEnd), end: int32(i), hash: javacompat.Spread(h)}
		n++
		switch raw[i] {
		case ',':
			i++
		case '}':
			return i + 1, n, true
		default:
			return 0, 0, false
		}
	}
}

// orderMembers sorts members into the encoder's order: by bucket in the table of their
// count, then by key (javacompat.HashMapOrder is a stable sort by bucket of the sorted
// keys), or by key alone with json.map.key.order=input. It reports whether they already
// were in that order, and false when a key repeats or a bucket holds so many keys that a
// Java HashMap would have grown or changed the bin.
func (w jsonWriter) orderMembers(raw []byte, members []scanMember) (inOrder, ok bool) {
	var counts [16]uint8
	mask := tableCapacity(len(members)) - 1
	for k := range members {
		if w.inputOrder {
			continue
		}
		if counts[members[k].hash&15]++; counts[members[k].hash&15] >= 9 {
			return false, false
		}
	}
	less := func(a, b *scanMember) bool {
		if ba, bb := a.hash&mask, b.hash&mask; ba != bb {
			return ba < bb
		}
		return string(a.key(raw)) < string(b.key(raw))
	}
	inOrder = true
	for k := 1; k < len(members); k++ {
		cur := members[k]
		p := k
		for p > 0 && less(&cur, &members[p-1]) {
			members[p] = members[p-1]
			p--
		}
		if p != k {
			inOrder = false
		}
		members[p] = cur
	}
	for k := 1; k < len(members); k++ {
		if !less(&members[k-1], &members[k]) {
			return false, false // a repeated key: the value keeps the last one
		}
	}
	return inOrder, true
}

// scanValue returns the index after the value at raw[i] when it is taken as it is.
func (w jsonWriter) scanValue(raw []byte, i, depth int) (int, bool) {
	if i >= len(raw) || depth >= maxRawDepth {
		return 0, false
	}
	switch c := raw[i]; {
	case c == '"':
		return scanString(raw, i)
	case c == '-' || c >= '0' && c <= '9':
		return scanNumber(raw, i)
	case c == '{':
		var members [maxNestedKeys]scanMember
		end, n, ok := w.scanMembers(raw, i, depth, members[:])
		if !ok {
			return 0, false
		}
		if inOrder, ok := w.orderMembers(raw, members[:n]); !ok || !inOrder {
			return 0, false
		}
		return end, true
	case c == '[':
		i++
		if i < len(raw) && raw[i] == ']' {
			return i + 1, true
		}
		for {
			var ok bool
			if i, ok = w.scanValue(raw, i, depth+1); !ok || i >= len(raw) {
				return 0, false
			}
			switch raw[i] {
			case ',':
				i++
			case ']':
				return i + 1, true
			default:
				return 0, false
			}
		}
	case c == 't':
		return matchLiteral(raw, i, "true")
	case c == 'f':
		return matchLiteral(raw, i, "false")
	case c == 'n':
		return matchLiteral(raw, i, "null")
	}
	return 0, false
}

// scanString returns the index after the string at raw[i] when it is valid UTF-8 escaped
// exactly as javacompat.AppendString escapes its text.
func scanString(raw []byte, i int) (int, bool) {
	for i++; i < len(raw); {
		if i += javacompat.PlainASCII(raw[i:]); i >= len(raw) {
			break
		}
		c := raw[i]
		switch {
		case c == '"':
			return i + 1, true
		case c == '\\':
			if i+1 >= len(raw) {
				return 0, false
			}
			switch raw[i+1] {
			case '"', '\\', 'b', 't', 'n', 'f', 'r':
				i += 2
			case 'u':
				// \u00XX, upper-case hex, for the control characters without a short form.
				if i+6 > len(raw) || raw[i+2] != '0' || raw[i+3] != '0' || (raw[i+4] != '0' && raw[i+4] != '1') {
					return 0, false
				}
				x := raw[i+5]
				v := byte(0)
				switch {
				case x >= '0' && x <= '9':
					v = x - '0'
				case x >= 'A' && x <= 'F':
					v = x - 'A' + 10
				default:
					return 0, false
				}
				v += (raw[i+4] - '0') << 4
				if v == '\b' || v == '\t' || v == '\n' || v == '\f' || v == '\r' {
					return 0, false
				}
				i += 6
			default:
				return 0, false
			}
		case c < 0x20:
			return 0, false
		case c < utf8.RuneSelf:
			i++
		default:
			r, size := utf8.DecodeRune(raw[i:])
			if r == utf8.RuneError && size == 1 {
				return 0, false
			}
			i += size
		}
	}
	return 0, false
}

// scanNumber returns the index after the number at raw[i] when Java prints the value it
// parses to (an int64, or a double when it has a fraction or an exponent) as these bytes.
func scanNumber(raw []byte, i int) (int, bool) {
	start := i
	if raw[i] == '-' {
		i++
	}
	digits := i
	for i < len(raw) && raw[i] >= '0' && raw[i] <= '9' {
		i++
	}
	n := i - digits
	if n == 0 || raw[digits] == '0' && n > 1 {
		return 0, false
	}
	if i < len(raw) && (raw[i] == '.' || raw[i] == 'e' || raw[i] == 'E') {
		for i < len(raw) && (raw[i] >= '0' && raw[i] <= '9' || raw[i] == '.' || raw[i] == 'e' || raw[i] == 'E' || raw[i] == '+' || raw[i] == '-') {
			i++
		}
		var buf [32]byte
		f, err := strconv.ParseFloat(string(raw[start:i]), 64)
		if err != nil {
			return 0, false
		}
		if end, ok := matchBytes(raw, start, javacompat.AppendJSONDouble(buf[:0], f)); !ok || end != i {
			return 0, false
		}
		return i, true
	}
	if n == 1 && raw[digits] == '0' && digits > start {
		return 0, false // -0 is the int64 0
	}
	limit := maxInt64Digits
	if digits > start {
		limit = minInt64Digits
	}
	if n > 19 || n == 19 && string(raw[digits:i]) > limit {
		return 0, false // beyond an int64: the value wraps
	}
	return i, true
}
