package s3sink

import (
	"bytes"
	"io"
	"testing"
)

// TestSpoolWriteLine checks that lines written with their terminator read back whole,
// across buffer flushes and for a line longer than the buffer.
func TestSpoolWriteLine(t *testing.T) {
	sp, err := newSpool(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer sp.close()
	var want []byte
	for i, n := range []int{100, spoolBufSize - 50, 60, spoolBufSize + 10, 1, spoolBufSize - 1} {
		line := bytes.Repeat([]byte{byte('a' + i)}, n)
		if err := sp.writeLine(line, '\n'); err != nil {
			t.Fatal(err)
		}
		want = append(append(want, line...), '\n')
	}
	r, err := sp.reader()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	got, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) || sp.size != int64(len(want)) {
		t.Fatalf("read %d bytes (size %d), want %d", len(got), sp.size, len(want))
	}
}
