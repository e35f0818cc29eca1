package s3sink

import (
	"bufio"
	"fmt"
	"io"
	"os"
)

// spool is an append-only local file buffering one open file's records. It holds no file
// descriptor between writes (the file is opened to append a full buffer, then closed), so
// neither memory nor descriptors grow beyond one small buffer per open file.
type spool struct {
	path  string
	buf   []byte
	size  int64 // bytes on disk
	count int
}

// spoolBufSize bounds the memory each open file holds.
const spoolBufSize = 32 << 10

func newSpool(dir string) (*spool, error) {
	f, err := os.CreateTemp(dir, "s3sink-*.spool")
	if err != nil {
		return nil, fmt.Errorf("create spool file: %w", err)
	}
	if err := f.Close(); err != nil {
		return nil, fmt.Errorf("create spool file: %w", err)
	}
	return &spool{path: f.Name()}, nil
}

// write appends b, going to disk when the buffer is full.
func (s *spool) write(b []byte) error {
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

// reader flushes pending bytes and opens the spool for reading; the caller closes it.
func (s *spool) reader() (io.ReadCloser, error) {
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

func (s *spool) close() {
	s.buf = nil
	os.Remove(s.path)
}
