package s3sink

import (
	"bytes"
	"crypto/sha256"
	"io"
	"math"
	"testing"
)

// TestSpoolWriteLine checks that what is written reads back whole, across buffer flushes,
// for lines longer than the buffer, in memory, on disk and when the budget runs out half
// way (the spool moves to disk), and that closing gives the budget back.
func TestSpoolWriteLine(t *testing.T) {
	tests := []struct {
		name     string
		budget   int64 // -1: no budget (disk from the start)
		inMemory bool  // where the spool ends
	}{
		{"disk", -1, false},
		{"empty budget", 0, false},
		{"budget runs out", 100 << 10, false},
		{"memory", 16 << 20, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var budget *spoolBudget
			if tt.budget >= 0 {
				budget = newSpoolBudget(tt.budget)
			}
			sp, err := newSpool(t.TempDir(), budget)
			if err != nil {
				t.Fatal(err)
			}
			var want []byte
			for i, n := range []int{100, spoolBufSize - 50, 60, spoolBufSize + 10, 1, spoolBufSize - 1, 3 * spoolChunkMax, 7} {
				line := bytes.Repeat([]byte{byte('a' + i)}, n)
				if i%3 == 2 {
					err = sp.write(line)
					want = append(want, line...)
				} else {
					err = sp.writeLine(line, '\n')
					want = append(append(want, line...), '\n')
				}
				if err != nil {
					t.Fatal(err)
				}
			}
			if sp.inMemory() != tt.inMemory || sp.written() != int64(len(want)) {
				t.Fatalf("in memory %v with %d bytes written, want %v and %d", sp.inMemory(), sp.written(), tt.inMemory, len(want))
			}
			r, err := sp.reader()
			if err != nil {
				t.Fatal(err)
			}
			got, err := io.ReadAll(r)
			r.Close()
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				t.Fatalf("read %d bytes, want %d", len(got), len(want))
			}
			if sp.inMemory() {
				// the spool as the object: read at any offset, as an upload's parts are
				ra := sp.readerAt()
				for _, off := range []int64{0, 1, spoolChunkMin - 1, spoolChunkMin, int64(len(want)) / 3, int64(len(want)) - 5} {
					part := make([]byte, min(100_000, int64(len(want))-off))
					if n, err := ra.ReadAt(part, off); n != len(part) || (err != nil && err != io.EOF) || !bytes.Equal(part, want[off:off+int64(n)]) {
						t.Fatalf("ReadAt(%d bytes at %d) = %d, %v", len(part), off, n, err)
					}
				}
				all, err := io.ReadAll(io.NewSectionReader(ra, 0, sp.written()))
				if err != nil || !bytes.Equal(all, want) {
					t.Fatalf("section of the whole spool: %d bytes, %v", len(all), err)
				}
				if n, err := ra.ReadAt(make([]byte, 10), int64(len(want))-4); n != 4 || err != io.EOF {
					t.Fatalf("ReadAt past the end = %d, %v; want 4, EOF", n, err)
				}
			}
			sp.close()
			if budget != nil && budget.left.Load() != tt.budget {
				t.Fatalf("budget %d after close, want %d", budget.left.Load(), tt.budget)
			}
		})
	}
}

func TestMemorySpoolBudget(t *testing.T) {
	tests := []struct {
		limit, want int64
	}{
		{math.MaxInt64, spoolBudgetNoLimit},
		{40 << 20, 5 << 19}, // a 64 MB function's limit: 2.5 MiB
		{1504 << 20, spoolBudgetMax},
	}
	for _, tt := range tests {
		if got := memorySpoolBudget(tt.limit); got != tt.want {
			t.Errorf("memorySpoolBudget(%d) = %d, want %d", tt.limit, got, tt.want)
		}
	}
}

func TestReleasesBatches(t *testing.T) {
	tests := []struct {
		limit int64
		want  bool
	}{
		{math.MaxInt64, true}, // no limit
		{32 << 20, false},     // a 64 MB function's limit (memtune)
		{255 << 20, false},
		{256 << 20, true},
		{1504 << 20, true}, // a 1,769 MB function's
	}
	for _, tt := range tests {
		if got := releasesBatches(tt.limit); got != tt.want {
			t.Errorf("releasesBatches(%d) = %v, want %v", tt.limit, got, tt.want)
		}
	}
}

// BenchmarkSpool spools one 8 MiB object of 200-byte lines and reads it back, in memory and
// on disk (no budget), as an upload of an uncompressed format reads it; one budget serves
// every object, as a task's does.
func BenchmarkSpool(b *testing.B) {
	line := bytes.Repeat([]byte("l"), 199)
	for _, c := range []struct {
		name   string
		budget int64
	}{{"memory", 64 << 20}, {"disk", 0}} {
		b.Run(c.name, func(b *testing.B) {
			dir := b.TempDir()
			budget := newSpoolBudget(c.budget)
			b.SetBytes(8 << 20)
			b.ReportAllocs()
			for b.Loop() {
				sp, err := newSpool(dir, budget)
				if err != nil {
					b.Fatal(err)
				}
				for range (8 << 20) / 200 {
					if err := sp.writeLine(line, '\n'); err != nil {
						b.Fatal(err)
					}
				}
				var body io.Reader
				if sp.inMemory() {
					body = io.NewSectionReader(sp.readerAt(), 0, sp.written())
				} else {
					r, err := sp.reader()
					if err != nil {
						b.Fatal(err)
					}
					defer r.Close()
					body = r
				}
				if n, err := io.Copy(io.Discard, body); err != nil || n != sp.written() {
					b.Fatal(n, err)
				}
				sp.close()
			}
		})
	}
}

// FuzzChunksSection reads sections of chunks in memory with Read, Seek and WriteTo, and
// checks every result against an io.SectionReader over the same bytes.
func FuzzChunksSection(f *testing.F) {
	f.Add([]byte("hello, world: some bytes in chunks"), []byte{3, 0, 7, 1}, int64(2), int64(20), []byte{5, 200, 9, 130, 1, 64})
	f.Add([]byte("x"), []byte{}, int64(0), int64(1), []byte{})
	f.Fuzz(func(t *testing.T, data, cuts []byte, off, n int64, ops []byte) {
		total := int64(len(data))
		if off < 0 || n < 0 || off > total || n > total-off {
			return
		}
		var chunks chunksReader
		rest := data
		for _, c := range cuts {
			k := min(int(c), len(rest))
			chunks, rest = append(chunks, rest[:k]), rest[k:]
		}
		chunks = append(chunks, rest)
		got, want := uploadBody(chunks, off, n), io.NewSectionReader(bytes.NewReader(data), off, n)
		for i, op := range ops {
			switch op % 3 {
			case 0: // read up to op bytes
				p, q := make([]byte, op), make([]byte, op)
				gn, gerr := got.Read(p)
				wn, werr := io.ReadFull(want, q[:gn])
				if gn > 0 && (wn != gn || werr != nil || !bytes.Equal(p[:gn], q[:wn])) {
					t.Fatalf("op %d: read %q, want %q (%v)", i, p[:gn], q[:wn], werr)
				}
				if gn == 0 && len(p) > 0 {
					if _, werr := want.Read(q); gerr != io.EOF || werr != io.EOF {
						t.Fatalf("op %d: read nothing with %v, want %v", i, gerr, werr)
					}
				}
			case 1: // seek
				pos, whence := int64(op)%(n+2)-1, int(op)%3
				gp, gerr := got.Seek(pos, whence)
				wp, werr := want.Seek(pos, whence)
				if (gerr == nil) != (werr == nil) || gerr == nil && gp != wp {
					t.Fatalf("op %d: seek(%d, %d) = %d, %v; want %d, %v", i, pos, whence, gp, gerr, wp, werr)
				}
				if werr != nil {
					return // positions no longer comparable after a refused seek
				}
			case 2: // write out the rest
				var gb, wb bytes.Buffer
				gn, gerr := got.(io.WriterTo).WriteTo(&gb)
				wn, werr := io.Copy(&wb, want)
				if gerr != nil || werr != nil || gn != wn || !bytes.Equal(gb.Bytes(), wb.Bytes()) {
					t.Fatalf("op %d: wrote %q (%v), want %q (%v)", i, gb.Bytes(), gerr, wb.Bytes(), werr)
				}
			}
		}
		got.Seek(0, io.SeekStart)
		if all, err := io.ReadAll(got); err != nil || !bytes.Equal(all, data[off:off+n]) {
			t.Fatalf("read all %q, %v; want %q", all, err, data[off:off+n])
		}
	})
}

// BenchmarkUploadBodyHash hashes an 8 MiB spool in memory as the SDK hashes a PutObject body
// (io.Copy into SHA-256), through an io.SectionReader (a copy per 32 KiB) and through the
// upload body the task hands the SDK.
func BenchmarkUploadBodyHash(b *testing.B) {
	sp, err := newSpool(b.TempDir(), newSpoolBudget(64<<20))
	if err != nil {
		b.Fatal(err)
	}
	defer sp.close()
	line := bytes.Repeat([]byte("l"), 199)
	for range (8 << 20) / 200 {
		if err := sp.writeLine(line, '\n'); err != nil {
			b.Fatal(err)
		}
	}
	for _, c := range []struct {
		name string
		body func() io.Reader
	}{
		{"section", func() io.Reader { return io.NewSectionReader(sp.readerAt(), 0, sp.written()) }},
		{"upload", func() io.Reader { return uploadBody(sp.readerAt(), 0, sp.written()) }},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.SetBytes(sp.written())
			b.ReportAllocs()
			for b.Loop() {
				h := sha256.New()
				if n, err := io.Copy(h, c.body()); err != nil || n != sp.written() {
					b.Fatal(n, err)
				}
			}
		})
	}
}
