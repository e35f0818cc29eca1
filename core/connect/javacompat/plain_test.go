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
