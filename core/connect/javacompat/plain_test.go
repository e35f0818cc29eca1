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
