package javacompat

import (
	"encoding/binary"
	"math/bits"
)

// Every byte 0x01, and every byte 0x80.
const (
	ones  = 0x0101010101010101
	highs = 0x8080808080808080
)

// PlainASCII returns the length of the longest prefix of b made of printable ASCII other
// than '"' and '\': bytes a JSON string holds as they are and AppendString writes as they
// are, so a scanner can skip them without looking at each. It tests eight bytes at a time
// and finds the first other byte of a word from its mask, without a second pass.
func PlainASCII(b []byte) int {
	i := 0
	for ; len(b)-i >= 16; i += 16 {
		lo, hi := notPlain(binary.LittleEndian.Uint64(b[i:])), notPlain(binary.LittleEndian.Uint64(b[i+8:]))
		if lo != 0 {
			return i + firstByte(lo)
		}
		if hi != 0 {
			return i + 8 + firstByte(hi)
		}
	}
	if len(b)-i >= 8 {
		if m := notPlain(binary.LittleEndian.Uint64(b[i:])); m != 0 {
			return i + firstByte(m)
		}
		i += 8
	}
	for ; i < len(b); i++ {
		if c := b[i]; c < 0x20 || c == '"' || c == '\\' || c >= 0x80 {
			return i
		}
	}
	return i
}

// firstByte is the index of the lowest byte whose high bit is set in a non-zero mask from
// notPlain: the first such byte in memory, as words are read little-endian.
func firstByte(m uint64) int { return bits.TrailingZeros64(m) >> 3 }

// notPlain is non-zero when a byte of x is below 0x20, '"' or '\' (a zero byte of x^'"' or
// x^'\'), or has its high bit set: the has-less and has-zero tests, exact for a word. A
// subtraction's borrow can only mark bytes above one that is marked rightly, so the lowest
// marked byte is always the first such byte.
func notPlain(x uint64) uint64 {
	q := x ^ ('"' * ones)
	s := x ^ ('\\' * ones)
	return ((x-0x20*ones)&^x | (q-ones)&^q | (s-ones)&^s | x) & highs
}
