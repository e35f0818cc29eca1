package javacompat

import (
	"strings"
	"testing"
)

// plainASCII is PlainASCII byte by byte, the reference.
func plainASCII(b []byte) int {
	for i, c := range b {
		if c < 0x20 || c == '"' || c == '\\' || c >= 0x80 {
			return i
		}
	}
	return len(b)
}

func TestPlainASCII(t *testing.T) {
	base := strings.Repeat("abcdefgh", 3)
	for _, stop := range []byte{0, 0x1f, '"', '\\', 0x80, 0xff, 0xe9} {
		for at := range len(base) {
			b := []byte(base)
			b[at] = stop
			if got := PlainASCII(b); got != at {
				t.Errorf("byte %#x at %d: PlainASCII = %d", stop, at, got)
			}
		}
	}
	// A marked byte followed by one a borrow could mark too (a space, the least plain byte).
	for _, stop := range []byte{0, 0x1f} {
		for at := range len(base) - 1 {
			b := []byte(base)
			b[at], b[at+1] = stop, ' '
			if got := PlainASCII(b); got != at {
				t.Errorf("byte %#x then a space at %d: PlainASCII = %d", stop, at, got)
			}
		}
	}
	for _, s := range []string{"", "a", base, " !#$%&'()*+,-./0123456789:;<=>?@[]^_`{|}~\x7f"} {
		if got, want := PlainASCII([]byte(s)), len(s); got != want {
			t.Errorf("PlainASCII(%q) = %d, want %d", s, got, want)
		}
	}
}

func FuzzPlainASCII(f *testing.F) {
	f.Add([]byte(`request served a b c "quoted" \ é`))
	f.Fuzz(func(t *testing.T, b []byte) {
		if got, want := PlainASCII(b), plainASCII(b); got != want {
			t.Fatalf("PlainASCII(%q) = %d, want %d", b, got, want)
		}
	})
}

// BenchmarkPlainASCII skips the padded message of the bench's log line.
func BenchmarkPlainASCII(b *testing.B) {
	s := []byte("request served a b c d e f g h i j k l m n o p q r s t u v w x y z a b c d e f g h i j k l m n o p q r s t u\"")
	b.SetBytes(int64(len(s)))
	for b.Loop() {
		if PlainASCII(s) != len(s)-1 {
			b.Fatal("wrong length")
		}
	}
}

// BenchmarkPlainASCIIByByte is the byte-by-byte reference on the same bytes.
func BenchmarkPlainASCIIByByte(b *testing.B) {
	s := []byte("request served a b c d e f g h i j k l m n o p q r s t u v w x y z a b c d e f g h i j k l m n o p q r s t u\"")
	b.SetBytes(int64(len(s)))
	for b.Loop() {
		if plainASCII(s) != len(s)-1 {
			b.Fatal("wrong length")
		}
	}
}

// BenchmarkPlainASCIIShort skips the short member names and values of the bench's log line,
// each up to its closing quote, as the scanners call it.
func BenchmarkPlainASCIIShort(b *testing.B) {
	line := []byte(`{"seq":1,"ts":"2026-01-01T00:00:00.000Z","level":"INFO","service":"checkout","host":"checkout-1","trace_id":"00000000deadbeef","msg":"request served"}`)
	var starts []int
	for i := 0; i < len(line); i++ {
		if line[i] == '"' {
			starts = append(starts, i+1)
			i += plainASCII(line[i+1:]) + 1
		}
	}
	b.SetBytes(int64(len(line)))
	for b.Loop() {
		for _, s := range starts {
			if line[s+PlainASCII(line[s:])] != '"' {
				b.Fatal("wrong length")
			}
		}
	}
}
