package s3sink

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"math"
	"os"
	"runtime/debug"
	"sync"
	"sync/atomic"
)

// spool buffers one open file's records until upload: in memory while the task's spool
// budget lasts, then in an append-only local file. On disk it holds no file descriptor
// between writes (the file is opened to append a full buffer, then closed), so neither
// memory nor descriptors grow beyond one small buffer per open file once the budget is
// spent.
type spool struct {
	dir    string
	budget *spoolBudget
	// chunks hold the bytes while the spool is in memory (path is empty); held is the part
	// of the budget they took.
	chunks [][]byte
	held   int64
	path   string // the spool file, once the spool went to disk
	buf    []byte // the write buffer on disk
	size   int64  // bytes on disk
	count  int
}

// spoolBufSize bounds the memory each open file holds once its spool is on disk.
const spoolBufSize = 32 << 10

// Sizes of a memory spool's chunks: the first is small (most open files of a task with many
// partitions stay small), each next one twice the last, up to spoolChunkMax.
const (
	spoolChunkMin = 32 << 10
	spoolChunkMax = 1 << 20
)

// spoolBudget is the memory the spools (and the objects built from them) of one task may
// hold before going to disk; safe for concurrent use. It keeps the chunks of closed spools
// (up to its size) for the next ones, so that spooling object after object makes little
// garbage.
type spoolBudget struct {
	left atomic.Int64
	size int64
	mu   sync.Mutex
	free [][]byte // chunks for reuse, empty
	kept int64    // bytes in free
}

// Bounds of a task's spool budget: a sixteenth of the Go memory limit, at most
// spoolBudgetMax; spoolBudgetNoLimit when the process runs without a limit. The collector
// lets the heap grow to a multiple of what is live (GOGC), so the budget stays small beside
// the limit.
const (
	spoolBudgetMax     = 32 << 20
	spoolBudgetNoLimit = 16 << 20
)

// newSpoolBudget returns a budget of n bytes.
func newSpoolBudget(n int64) *spoolBudget {
	b := &spoolBudget{size: n}
	b.left.Store(n)
	return b
}

// memorySpoolBudget is a task's budget in a process whose Go memory limit is limit (as
// debug.SetMemoryLimit reports it; math.MaxInt64 means none).
func memorySpoolBudget(limit int64) int64 {
	if limit <= 0 || limit == math.MaxInt64 {
		return spoolBudgetNoLimit
	}
	return min(limit/16, spoolBudgetMax)
}

// releaseBatchesMinLimit is the Go memory limit below which a task does not take its
// batches' memory back (connect.BatchReleaser). The reuse saves about 5% of the byte path's
// CPU, but the runtime then touches 1.5-3.5 MiB more of the executable's pages (its tables,
// read when stacks grow and goroutines start), which a 64 MB function (a 32 MiB limit) has no
// room for: P2 went over 64 MiB in 7 of 12 runs with it, in none of 11 without.
const releaseBatchesMinLimit = 256 << 20

// releasesBatches reports whether a task in a process whose Go memory limit is limit (as
// debug.SetMemoryLimit reports it; math.MaxInt64 means none) takes its batches' memory back.
func releasesBatches(limit int64) bool {
	return limit <= 0 || limit >= releaseBatchesMinLimit
}

// processSpoolBudget is the budget of a task in this process.
func processSpoolBudget() *spoolBudget {
	return newSpoolBudget(memorySpoolBudget(debug.SetMemoryLimit(-1)))
}

// take reserves n bytes; false when the budget does not have them.
func (b *spoolBudget) take(n int64) bool {
	if b == nil {
		return false
	}
	for {
		left := b.left.Load()
		if left < n {
			return false
		}
		if b.left.CompareAndSwap(left, left-n) {
			return true
		}
	}
}

// chunk returns an empty chunk of capacity size: a kept one when there is one.
func (b *spoolBudget) chunk(size int) []byte {
	b.mu.Lock()
	for i, c := range b.free {
		if cap(c) == size {
			b.free[i] = b.free[len(b.free)-1]
			b.free = b.free[:len(b.free)-1]
			b.kept -= int64(cap(c))
			b.mu.Unlock()
			return c
		}
	}
	b.mu.Unlock()
	return make([]byte, 0, size)
}

// keep takes back the chunks of a closed spool for reuse, as far as the budget's size goes.
func (b *spoolBudget) keep(chunks [][]byte) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, c := range chunks {
		if b.kept+int64(cap(c)) > b.size {
			return
		}
		b.free = append(b.free, c[:0])
		b.kept += int64(cap(c))
	}
}

// give returns n bytes to the budget.
func (b *spoolBudget) give(n int64) {
	if b != nil && n > 0 {
		b.left.Add(n)
	}
}

// newSpool returns an empty spool that holds its bytes in memory while budget allows, then
// in a file in dir. A nil budget spools to disk from the start.
func newSpool(dir string, budget *spoolBudget) (*spool, error) {
	s := &spool{dir: dir, budget: budget}
	if budget == nil {
		if err := s.toDisk(); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// inMemory reports whether the spool's bytes are all in memory.
func (s *spool) inMemory() bool { return s.path == "" }

// written is the number of bytes written.
func (s *spool) written() int64 {
	if s.inMemory() {
		var n int64
		for _, c := range s.chunks {
			n += int64(len(c))
		}
		return n
	}
	return s.size + int64(len(s.buf))
}

// memWrite appends the parts to the memory chunks, taking a new chunk from the budget when
// the last one is full; false (nothing written) when the budget cannot cover them.
func (s *spool) memWrite(parts ...[]byte) bool {
	n := 0
	for _, p := range parts {
		n += len(p)
	}
	last := len(s.chunks) - 1
	if last < 0 || cap(s.chunks[last])-len(s.chunks[last]) < n {
		size := spoolChunkMin
		if last >= 0 {
			size = min(2*cap(s.chunks[last]), spoolChunkMax)
		}
		size = max(size, n)
		if !s.budget.take(int64(size)) {
			return false
		}
		s.held += int64(size)
		s.chunks = append(s.chunks, s.budget.chunk(size))
		last++
	}
	for _, p := range parts {
		s.chunks[last] = append(s.chunks[last], p...)
	}
	return true
}

// toDisk moves the spool to a new file in dir: what memory held is written to it, and the
// budget it took is given back.
func (s *spool) toDisk() error {
	f, err := os.CreateTemp(s.dir, "s3sink-*.spool")
	if err != nil {
		return fmt.Errorf("create spool file: %w", err)
	}
	for _, c := range s.chunks {
		if err == nil {
			_, err = f.Write(c)
		}
		s.size += int64(len(c))
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	s.path = f.Name()
	if s.budget != nil {
		s.budget.keep(s.chunks)
	}
	s.chunks = nil
	s.budget.give(s.held)
	s.held = 0
	if err != nil {
		return fmt.Errorf("append to spool: %w", err)
	}
	return nil
}

// write appends b, going to disk when the buffer is full.
func (s *spool) write(b []byte) error {
	if s.inMemory() {
		if s.memWrite(b) {
			return nil
		}
		if err := s.toDisk(); err != nil {
			return err
		}
	}
	if len(s.buf)+len(b) <= spoolBufSize {
		if s.buf == nil {
			s.buf = make([]byte, 0, spoolBufSize)
		}
		s.buf = append(s.buf, b...)
		return nil
	}
	if err := s.flush(b); err != nil {
		return err
	}
	return nil
}

// writeLine appends b and the terminator c.
func (s *spool) writeLine(b []byte, c byte) error {
	if s.inMemory() {
		if s.memWrite(b, []byte{c}) {
			return nil
		}
		if err := s.toDisk(); err != nil {
			return err
		}
	}
	if len(s.buf)+len(b)+1 > spoolBufSize {
		if err := s.flush(b); err != nil {
			return err
		}
		b = nil
	}
	if s.buf == nil {
		s.buf = make([]byte, 0, spoolBufSize)
	}
	s.buf = append(append(s.buf, b...), c)
	return nil
}

// flush appends the buffer and extra to the file.
func (s *spool) flush(extra []byte) error {
	if len(s.buf) == 0 && len(extra) == 0 {
		return nil
	}
	f, err := os.OpenFile(s.path, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		return fmt.Errorf("open spool: %w", err)
	}
	_, err = f.Write(s.buf)
	if err == nil && len(extra) > 0 {
		_, err = f.Write(extra)
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("append to spool: %w", err)
	}
	s.size += int64(len(s.buf) + len(extra))
	s.buf = s.buf[:0]
	return nil
}

// reader returns the spool's bytes from the start; the caller closes it. On disk it flushes
// pending bytes and opens the file.
func (s *spool) reader() (io.ReadCloser, error) {
	if s.inMemory() {
		rs := make([]io.Reader, len(s.chunks))
		for i, c := range s.chunks {
			rs[i] = bytes.NewReader(c)
		}
		return io.NopCloser(io.MultiReader(rs...)), nil
	}
	if err := s.flush(nil); err != nil {
		return nil, err
	}
	f, err := os.Open(s.path)
	if err != nil {
		return nil, fmt.Errorf("open spool: %w", err)
	}
	return struct {
		io.Reader
		io.Closer
	}{bufio.NewReaderSize(f, 32<<10), f}, nil
}

// readerAt returns the bytes of a spool in memory, for reading at any offset while the
// spool stays open.
func (s *spool) readerAt() io.ReaderAt { return chunksReader(s.chunks) }

// chunksReader reads the concatenation of its chunks.
type chunksReader [][]byte

// ReadAt implements io.ReaderAt.
func (c chunksReader) ReadAt(p []byte, off int64) (int, error) {
	if off < 0 {
		return 0, fmt.Errorf("spool: negative offset %d", off)
	}
	n := 0
	for _, b := range c {
		if off >= int64(len(b)) {
			off -= int64(len(b))
			continue
		}
		k := copy(p[n:], b[off:])
		n, off = n+k, 0
		if n == len(p) {
			return n, nil
		}
	}
	return n, io.EOF
}

// section returns the n bytes from off as an upload body. Unlike an io.SectionReader it
// writes its bytes out as they are (io.WriterTo), as a bytes.Reader does: the SDK's payload
// hash reads them without a copy in between.
func (c chunksReader) section(off, n int64) *chunksSection {
	s := &chunksSection{size: n}
	for _, b := range c {
		if n == 0 {
			break
		}
		if off >= int64(len(b)) {
			off -= int64(len(b))
			continue
		}
		b = b[off:min(int64(len(b)), off+n)]
		s.chunks = append(s.chunks, b)
		off, n = 0, n-int64(len(b))
	}
	s.size -= n // what the chunks lack
	return s
}

// chunksSection reads its chunks in order from pos.
type chunksSection struct {
	chunks    [][]byte
	size, pos int64
}

// Read implements io.Reader.
func (s *chunksSection) Read(p []byte) (int, error) {
	if s.pos >= s.size {
		return 0, io.EOF
	}
	n, _ := chunksReader(s.chunks).ReadAt(p, s.pos)
	s.pos += int64(n)
	return n, nil
}

// Seek implements io.Seeker.
func (s *chunksSection) Seek(offset int64, whence int) (int64, error) {
	switch whence {
	case io.SeekCurrent:
		offset += s.pos
	case io.SeekEnd:
		offset += s.size
	case io.SeekStart:
	default:
		return 0, fmt.Errorf("spool: invalid whence %d", whence)
	}
	if offset < 0 {
		return 0, fmt.Errorf("spool: negative position %d", offset)
	}
	s.pos = offset
	return offset, nil
}

// WriteTo implements io.WriterTo: the chunks from pos, each written as it is.
func (s *chunksSection) WriteTo(w io.Writer) (int64, error) {
	var written int64
	skip := s.pos
	for _, b := range s.chunks {
		if skip >= int64(len(b)) {
			skip -= int64(len(b))
			continue
		}
		n, err := w.Write(b[skip:])
		written, s.pos, skip = written+int64(n), s.pos+int64(n), 0
		if err != nil {
			return written, err
		}
	}
	return written, nil
}

// uploadBody returns the n bytes of f from off as an upload body: a chunksSection when f
// is in memory (chunksReader), else an io.SectionReader.
func uploadBody(f io.ReaderAt, off, n int64) io.ReadSeeker {
	if c, ok := f.(chunksReader); ok {
		return c.section(off, n)
	}
	return io.NewSectionReader(f, off, n)
}

// close drops the spool's bytes: its memory goes back to the budget (its chunks to be
// reused), its file is removed. Nothing may read the spool after.
func (s *spool) close() {
	s.buf = nil
	if s.budget != nil {
		s.budget.keep(s.chunks)
	}
	s.chunks = nil
	s.budget.give(s.held)
	s.held = 0
	if s.path != "" {
		os.Remove(s.path)
	}
}
