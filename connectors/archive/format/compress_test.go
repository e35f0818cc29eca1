package format

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"testing"

	"github.com/klauspost/compress/zstd"
)

// TestCompressorsReusedAcrossObjects: a compressor given back after one object writes the
// next object whole and alone, readable by the standard gzip reader and a zstd decoder.
func TestCompressorsReusedAcrossObjects(t *testing.T) {
	for _, kind := range []string{"gzip", "zstd", "none"} {
		c := newCompressors(kind, -1)
		for i := range 3 {
			want := bytes.Repeat(fmt.Appendf(nil, "object %d line\n", i), 1000*(i+1))
			var obj bytes.Buffer
			if err := c.copyCompressed(&obj, bytes.NewReader(want)); err != nil {
				t.Fatalf("%s object %d: %v", kind, i, err)
			}
			var r io.Reader = &obj
			switch kind {
			case "gzip":
				zr, err := gzip.NewReader(r)
				if err != nil {
					t.Fatalf("%s object %d: %v", kind, i, err)
				}
				zr.Multistream(false)
				r = zr
			case "zstd":
				zr, err := zstd.NewReader(r)
				if err != nil {
					t.Fatalf("%s object %d: %v", kind, i, err)
				}
				defer zr.Close()
				r = zr
			}
			got, err := io.ReadAll(r)
			if err != nil {
				t.Fatalf("%s object %d: %v", kind, i, err)
			}
			if !bytes.Equal(got, want) {
				t.Fatalf("%s object %d: %d bytes back, want %d", kind, i, len(got), len(want))
			}
		}
	}
}
