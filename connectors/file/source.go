package file

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"time"
	"unicode/utf8"

	"github.com/connectless/connectless/core/connect"
)

// ErrBadOffset is returned when a committed source offset cannot be resumed from: a position
// of the wrong type, or one past the end of the file (the file was truncated or replaced).
var ErrBadOffset = errors.New("unusable source offset")

// idleWait is how long Poll waits for new data when the file has no complete line left. A
// slice ends after a few empty polls (the runtime's idle polls), so this wait is what a
// task that read everything is billed for before it stops: short, as checking the file
// again costs a stat call.
const idleWait = 100 * time.Millisecond

// firstIdleWait is the wait of the first empty file poll after lines; each further empty
// poll waits twice as long, up to idleWait. A slice that read the whole file ends after
// its idle polls' waits (10 + 20 + 40 ms at the runtime's default of three, where three
// polls of idleWait took 300 ms), while a task tailing a quiet file settles at one check
// per idleWait.
const firstIdleWait = 10 * time.Millisecond

// readChunk is how many bytes Poll reads from the file at a time.
const readChunk = 64 << 10

// pollPrealloc bounds the records Poll allocates room for at once.
const pollPrealloc = 4096

// SourceConnector is FileStreamSource: one task reads one file.
type SourceConnector struct {
	props map[string]string
	stdin *lineSource // nil: no standard input (see NewSourcePlugin)
}

// Version returns the connector's version.
func (c *SourceConnector) Version() string { return Version }

// Config returns FileStreamSource's ConfigDef.
func (c *SourceConnector) Config() *connect.ConfigDef { return sourceConfigDef(c.stdin != nil) }

// Start checks and keeps the configuration.
func (c *SourceConnector) Start(_ context.Context, props map[string]string) error {
	if _, err := c.Config().Parse(props); err != nil {
		return fmt.Errorf("file source: %w", err)
	}
	c.props = maps.Clone(props)
	return nil
}

// TaskConfigs returns one task configuration: a file is read by one task, as in Kafka.
func (c *SourceConnector) TaskConfigs(int) ([]map[string]string, error) {
	return []map[string]string{maps.Clone(c.props)}, nil
}

// Stop does nothing: the connector holds no resources.
func (c *SourceConnector) Stop() error { return nil }

// NewTask returns a new source task.
func (c *SourceConnector) NewTask() connect.SourceTask { return &SourceTask{stdin: c.stdin} }

// SourceTask reads lines from a file, from the committed position on.
type SourceTask struct {
	name, topic string
	batch       int
	f           *os.File
	// pos is the byte position just after the last line returned by Poll.
	pos int64
	// partition is the source partition of every record: one map the records share.
	partition map[string]any
	// buf holds bytes read from pos on that do not end a line yet, in mem.
	buf, mem []byte
	eof      bool
	// idle counts the empty polls since the last line (see firstIdleWait).
	idle int
	// schema is the value schema every record shares (a string).
	schema *connect.Schema
	// stdin, when the plugin has standard input, is read instead of a file when file is empty.
	stdin     *lineSource
	fromStdin bool
}

// Start opens the file and seeks to the committed position.
func (t *SourceTask) Start(ctx context.Context, props map[string]string, tctx connect.SourceTaskContext) error {
	v, err := sourceConfigDef(t.stdin != nil).Parse(props)
	if err != nil {
		return fmt.Errorf("file source: %w", err)
	}
	t.name, t.topic, t.batch = v.String(FileConfig), v.String(TopicConfig), int(v.Int(BatchSizeConfig))
	if t.fromStdin = t.name == "" && t.stdin != nil; t.fromStdin {
		return nil
	}
	t.pos, t.buf, t.idle = 0, t.buf[:0], 0
	t.partition = map[string]any{FilenameField: t.name}
	t.schema = connect.StringSchema()
	off, err := tctx.OffsetReader().Offset(ctx, map[string]any{FilenameField: t.name})
	if err != nil {
		return fmt.Errorf("file source %q: read committed offset: %w", t.name, err)
	}
	if raw, ok := off[PositionField]; ok && raw != nil {
		if t.pos, err = positionOf(raw); err != nil {
			return fmt.Errorf("file source %q: %w", t.name, err)
		}
	}
	f, err := os.Open(t.name)
	if err != nil {
		return fmt.Errorf("file source: open %q: %w", t.name, err)
	}
	if err := checkPosition(f, t.name, t.pos); err != nil {
		f.Close()
		return err
	}
	t.f = f
	return nil
}

// positionOf reads a committed position, as stored (int64, or float64/json.Number after JSON).
func positionOf(raw any) (int64, error) {
	p, ok := connect.OffsetInt(raw)
	switch {
	case ok:
	case isNumber(raw):
		return 0, fmt.Errorf("%w: position %v is not a whole number", ErrBadOffset, raw)
	default:
		return 0, fmt.Errorf("%w: position is of type %T, want a number", ErrBadOffset, raw)
	}
	if p < 0 {
		return 0, fmt.Errorf("%w: negative position %d", ErrBadOffset, p)
	}
	return p, nil
}

// isNumber tells a number that is not whole from a value of another type.
func isNumber(v any) bool {
	switch v.(type) {
	case float64, float32, json.Number:
		return true
	}
	return false
}

// checkPosition refuses a position past the end of the file: the file was truncated or
// replaced, and resuming would silently skip or repeat data.
func checkPosition(f *os.File, name string, pos int64) error {
	st, err := f.Stat()
	if err != nil {
		return fmt.Errorf("file source: stat %q: %w", name, err)
	}
	if st.IsDir() {
		return fmt.Errorf("file source: %q is a directory", name)
	}
	if st.Size() < pos {
		return fmt.Errorf("file source %q: %w: committed position %d is past the end of the file (%d bytes): it was truncated or replaced",
			name, ErrBadOffset, pos, st.Size())
	}
	return nil
}

// Poll returns up to batch.size complete lines; when there are none it waits briefly for the
// file to grow and returns an empty batch.
func (t *SourceTask) Poll(ctx context.Context) ([]connect.SourceRecord, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if t.fromStdin {
		return t.stdin.poll(ctx, t.topic, t.batch)
	}
	if t.f == nil {
		return nil, fmt.Errorf("file source: poll before start")
	}
	var out []connect.SourceRecord
	t.eof = false
	for len(out) < t.batch {
		line, n, ok := nextLine(t.buf)
		if !ok {
			if t.eof {
				break
			}
			if err := t.fill(); err != nil {
				return out, err
			}
			continue
		}
		t.buf = t.buf[n:]
		t.pos += int64(n)
		if !utf8.Valid(line) {
			line = bytes.ToValidUTF8(line, []byte("\uFFFD"))
		}
		if out == nil {
			out = make([]connect.SourceRecord, 0, min(t.batch, pollPrealloc))
		}
		out = append(out, connect.SourceRecord{
			Record:          connect.Record{Topic: t.topic, ValueSchema: t.schema, Value: string(line)},
			SourcePartition: t.partition,
			SourceOffset:    map[string]any{PositionField: t.pos},
		})
	}
	if len(out) > 0 {
		t.idle = 0
		return out, nil
	}
	// Nothing complete: the file may grow; check it was not truncated under us, then wait.
	if err := checkPosition(t.f, t.name, t.pos+int64(len(t.buf))); err != nil {
		return nil, err
	}
	wait := idleWaitAfter(t.idle)
	t.idle++
	return nil, connect.Sleep(ctx, wait)
}

// fill reads the next chunk after what buf holds; it sets eof when the file has no more.
// The lines Poll returned were copied out of buf: a partial line left at its end moves to
// the front of mem, which grows only for a line longer than what it holds.
func (t *SourceTask) fill() error {
	start := len(t.buf)
	if cap(t.buf)-start < readChunk {
		if cap(t.mem) < start+readChunk {
			t.mem = make([]byte, 0, max(2*cap(t.mem), start+readChunk))
		}
		t.buf = append(t.mem[:0], t.buf...)
	}
	n, err := t.f.ReadAt(t.buf[start:start+readChunk], t.pos+int64(start))
	t.buf = t.buf[:start+n]
	switch {
	case errors.Is(err, io.EOF):
		t.eof = true
		return nil
	case err != nil:
		return fmt.Errorf("file source: read %q at %d: %w", t.name, t.pos+int64(start), err)
	}
	if n == 0 {
		t.eof = true
	}
	return nil
}

// nextLine returns the first line of b and how many bytes it took with its terminator, as
// Kafka's FileStreamSourceTask splits: "\n", "\r\n" or "\r" end a line; a final "\r" waits
// for the next byte to tell "\r" from "\r\n".
func nextLine(b []byte) (line []byte, n int, ok bool) {
	i := lineEnd(b)
	if i < 0 {
		return nil, 0, false
	}
	if b[i] == '\n' {
		return b[:i], i + 1, true
	}
	if i+1 >= len(b) {
		return nil, 0, false
	}
	if b[i+1] == '\n' {
		return b[:i], i + 2, true
	}
	return b[:i], i + 1, true
}

// lineWindow is how far lineEnd looks with bytes.IndexByte before it falls back to
// bytes.IndexAny: a line shorter than it is found by two vectorized scans instead of one
// byte-by-byte scan, and a file whose lines end in "\r" alone costs at most one window more
// per line.
const lineWindow = 4096

// lineEnd returns the index of the first "\r" or "\n" in b, or -1: bytes.IndexAny(b, "\r\n").
func lineEnd(b []byte) int {
	w := b[:min(len(b), lineWindow)]
	nl := bytes.IndexByte(w, '\n')
	if nl < 0 {
		nl = len(w)
	}
	if cr := bytes.IndexByte(w[:nl], '\r'); cr >= 0 {
		return cr
	}
	switch {
	case nl < len(w):
		return nl
	case len(w) == len(b):
		return -1
	}
	if i := bytes.IndexAny(b[len(w):], "\r\n"); i >= 0 {
		return len(w) + i
	}
	return -1
}

// idleWaitAfter is the wait of an empty poll after n empty ones.
func idleWaitAfter(n int) time.Duration { return min(idleWait, firstIdleWait<<min(n, 8)) }

// Stop closes the file.
func (t *SourceTask) Stop() error {
	if t.f == nil {
		return nil
	}
	err := t.f.Close()
	t.f = nil
	if err != nil {
		return fmt.Errorf("file source: close %q: %w", t.name, err)
	}
	return nil
}

var (
	_ connect.SourceConnector = (*SourceConnector)(nil)
	_ connect.SourceTask      = (*SourceTask)(nil)
)
