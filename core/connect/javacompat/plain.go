package javacompat

import "encoding/binary"

// Every byte 0x01, and every byte 0x80.
const (
	ones  = 0x0101010101010101
	highs = 0x8080808080808080
)

// PlainASCII returns the length of the longest prefix of b made of printable ASCII other
// than '"' and '\': bytes a JSON string holds as they are and AppendString writes as they
// are, so a scanner can skip them without looking at each. It tests eight bytes at a time.
func PlainASCII(b []byte) int {
	i := 0
	for ; len(b)-i >= 16; i += 16 {
		if notPlain(binary.LittleEndian.Uint64(b[i:]))|notPlain(binary.LittleEndian.Uint64(b[i+8:])) != 0 {
			break
		}
	}
	for ; len(b)-i >= 8; i += 8 {
		if notPlain(binary.LittleEndian.Uint64(b[i:])) != 0 {
			break
		}
	}
	for ; i < len(b); i++ {
		if c := b[i]; c < 0x20 || c == '"' || c == '\\' || c >= 0x80 {
			return i
		}
	}
	return i
}

// notPlain is non-zero when a byte of x is below 0x20, '"' or '\' (a zero byte of x^'"' or
// x^'\'), or has its high bit set: the has-less and has-zero tests, exact for a word.
func notPlain(x uint64) uint64 {
	q := x ^ ('"' * ones)
	s := x ^ ('\\' * ones)
	return ((x-0x20*ones)&^x | (q-ones)&^q | (s-ones)&^s | x) & highs
}
