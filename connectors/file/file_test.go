package file

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"math"
	"math/big"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/connectless/connectless/core/connect"
	"github.com/connectless/connectless/core/connect/connecttest"
)

func TestNextLine(t *testing.T) {
	tests := []struct {
		in   string
		line string
		n    int
		ok   bool
	}{
		{"a\nb", "a", 2, true},
		{"a\r\nb", "a", 3, true},
		{"a\rb", "a", 2, true},
		{"a\r", "", 0, false}, // "\r" or "\r\n": wait for the next byte
		{"abc", "", 0, false},
		{"\n", "", 1, true},
		{"", "", 0, false},
	}
	for _, tt := range tests {
		line, n, ok := nextLine([]byte(tt.in))
		if string(line) != tt.line || n != tt.n || ok != tt.ok {
			t.Errorf("nextLine(%q) = %q, %d, %v; want %q, %d, %v", tt.in, line, n, ok, tt.line, tt.n, tt.ok)
		}
	}
}

func startSourceTask(t *testing.T, props map[string]string, offsets *connecttest.Offsets) (*SourceTask, error) {
	t.Helper()
	task := &SourceTask{}
	err := task.Start(t.Context(), props, connecttest.SourceContext{Reader: offsets})
	if err == nil {
		t.Cleanup(func() { task.Stop() })
	}
	return task, err
}

func pollAll(t *testing.T, task *SourceTask) []connect.SourceRecord {
	t.Helper()
	var out []connect.SourceRecord
	for {
		recs, err := task.Poll(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		if len(recs) == 0 {
			return out
		}
		out = append(out, recs...)
	}
}

func values(recs []connect.SourceRecord) []string {
	out := make([]string, len(recs))
	for i, r := range recs {
		out[i] = r.Value.(string)
	}
	return out
}

// FuzzLineEnd checks lineEnd against bytes.IndexAny, the scan it stands for.
func FuzzLineEnd(f *testing.F) {
	for _, s := range []string{"", "a", "a\nb", "a\r\nb", "a\rb", "\r", "\n", strings.Repeat("x", lineWindow) + "\r",
		strings.Repeat("x", lineWindow-1) + "\n", strings.Repeat("x", 2*lineWindow) + "\n\r", strings.Repeat("x", lineWindow)} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, in := range [][]byte{b, append(bytes.Repeat([]byte("y"), lineWindow-len(b)%lineWindow), b...)} {
			if got, want := lineEnd(in), bytes.IndexAny(in, "\r\n"); got != want {
				t.Fatalf("lineEnd(%q) = %d, want %d", in, got, want)
			}
		}
	})
}

// BenchmarkNextLine splits 64 KiB of 200-byte lines.
func BenchmarkNextLine(b *testing.B) {
	chunk := bytes.Repeat(append(bytes.Repeat([]byte("l"), 199), '\n'), 64<<10/200)
	b.SetBytes(int64(len(chunk)))
	for b.Loop() {
		for rest := chunk; ; {
			_, n, ok := nextLine(rest)
			if !ok {
				break
			}
			rest = rest[n:]
		}
	}
}

func TestSourceResumesFromKafkaOffset(t *testing.T) {
	path := filepath.Join(t.TempDir(), "app.log")
	writeFile(t, path, "first\r\nsecond\nthird\npartial")
	props := map[string]string{"file": path, "topic": "logs", "batch.size": "2"}
	offsets := connecttest.NewOffsets()
	task, err := startSourceTask(t, props, offsets)
	if err != nil {
		t.Fatal(err)
	}
	first, err := task.Poll(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(values(first), "|"); got != "first|second" {
		t.Fatalf("first batch %q, want batch.size=2 lines first|second", got)
	}
	for _, r := range first {
		if r.Topic != "logs" || r.ValueSchema.Type != connect.TypeString || r.Key != nil {
			t.Errorf("record %+v: want topic logs, a string value and no key", r.Record)
		}
	}
	// Kafka's offset format: {"filename": path} -> {"position": bytes after the line}.
	p, _ := json.Marshal(first[1].SourcePartition)
	o, _ := json.Marshal(first[1].SourceOffset)
	if wantP, wantO := `{"filename":"`+path+`"}`, `{"position":14}`; string(p) != wantP || string(o) != wantO {
		t.Fatalf("partition %s offset %s, want %s %s", p, o, wantP, wantO)
	}
	if err := offsets.CommitRecords(first); err != nil {
		t.Fatal(err)
	}
	task.Stop()

	// A restart resumes after "second"; "partial" waits for its newline.
	task, err = startSourceTask(t, props, offsets)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(values(pollAll(t, task)), "|"); got != "third" {
		t.Fatalf("after restart polled %q, want third", got)
	}
	appendFile(t, path, " line\nfifth\n")
	recs := pollAll(t, task)
	if got := strings.Join(values(recs), "|"); got != "partial line|fifth" {
		t.Fatalf("after append polled %q, want the completed line and the next", got)
	}
	st, _ := os.Stat(path)
	if pos := recs[len(recs)-1].SourceOffset["position"]; pos != st.Size() {
		t.Errorf("last position %v, want the file size %d", pos, st.Size())
	}
}

// TestSourceLinesAcrossChunks reads lines shorter and longer than a read chunk, ending in
// "\n", "\r\n" and "\r", with terminators split across chunks: the buffer's partial line
// moves to its front and grows only for a longer line, and every line and position is as
// written.
func TestSourceLinesAcrossChunks(t *testing.T) {
	var (
		file  strings.Builder
		lines []string
		ends  []int64
	)
	terms := []string{"\n", "\r\n", "\r"}
	for i := range 400 {
		n := (i * 997) % 3000
		switch i % 50 {
		case 7:
			n = readChunk + 123
		case 31:
			n = 3*readChunk - 1
		}
		line := strings.Repeat(string(rune('a'+i%26)), n)
		lines = append(lines, line)
		file.WriteString(line + terms[i%3])
		ends = append(ends, int64(file.Len()))
	}
	file.WriteString("last\n") // a final "\r" would wait for the next byte
	lines, ends = append(lines, "last"), append(ends, int64(file.Len()))
	path := filepath.Join(t.TempDir(), "app.log")
	writeFile(t, path, file.String())
	task, err := startSourceTask(t, map[string]string{"file": path, "topic": "logs", "batch.size": "7"}, connecttest.NewOffsets())
	if err != nil {
		t.Fatal(err)
	}
	defer task.Stop()
	recs := pollAll(t, task)
	if got := values(recs); !slices.Equal(got, lines) {
		t.Fatalf("read %d lines, want the %d written", len(got), len(lines))
	}
	for i, r := range recs {
		if pos := r.SourceOffset[PositionField]; pos != ends[i] {
			t.Fatalf("line %d: position %v, want %d", i, pos, ends[i])
		}
	}
	if longest := 3*readChunk - 1; cap(task.mem) > 2*(longest+readChunk) {
		t.Errorf("buffer of %d bytes for lines of at most %d", cap(task.mem), longest)
	}
}

// TestSourceIdleWaits: empty polls wait 10, 20, 40, 80 ms, then 100 ms each; a poll with
// lines starts again from 10 ms.
func TestSourceIdleWaits(t *testing.T) {
	want := []time.Duration{10, 20, 40, 80, 100, 100, 100, 100, 100, 100, 100}
	for n, w := range want {
		if got := idleWaitAfter(n); got != w*time.Millisecond {
			t.Errorf("wait after %d empty polls: %v, want %v", n, got, w*time.Millisecond)
		}
	}
	if got := idleWaitAfter(1 << 20); got != idleWait {
		t.Errorf("wait after many empty polls: %v, want %v", got, idleWait)
	}
	path := filepath.Join(t.TempDir(), "app.log")
	writeFile(t, path, "a\n")
	task, err := startSourceTask(t, map[string]string{"file": path, "topic": "logs"}, connecttest.NewOffsets())
	if err != nil {
		t.Fatal(err)
	}
	defer task.Stop()
	if recs := pollAll(t, task); len(recs) != 1 || task.idle != 1 {
		t.Fatalf("polled %d lines, %d empty polls after them; want 1 and 1", len(recs), task.idle)
	}
	start := time.Now()
	if recs, err := task.Poll(t.Context()); err != nil || len(recs) != 0 || task.idle != 2 {
		t.Fatalf("poll at the end: %d records, %v, %d empty polls", len(recs), err, task.idle)
	}
	if d := time.Since(start); d < idleWaitAfter(1) {
		t.Errorf("second empty poll returned after %v, want at least %v", d, idleWaitAfter(1))
	}
	appendFile(t, path, "b\n")
	if recs := pollAll(t, task); len(recs) != 1 || task.idle != 1 {
		t.Fatalf("after an append polled %d lines, %d empty polls after them; want 1 and 1", len(recs), task.idle)
	}
}

func TestSourceBadInput(t *testing.T) {
	dir := t.TempDir()
	short := filepath.Join(dir, "short.log")
	writeFile(t, short, "a\nb\n")
	unreadable := filepath.Join(dir, "secret.log")
	writeFile(t, unreadable, "x\n")
	if err := os.Chmod(unreadable, 0); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		file   string
		offset map[string]any
		want   string
		is     error
	}{
		{name: "missing file", file: filepath.Join(dir, "nope.log"), want: "no such file", is: os.ErrNotExist},
		{name: "directory", file: dir, want: "is a directory"},
		{name: "truncated below the committed position", file: short, offset: map[string]any{"position": int64(100)}, want: "past the end of the file", is: ErrBadOffset},
		{name: "position of the wrong type", file: short, offset: map[string]any{"position": "4"}, want: "want a number", is: ErrBadOffset},
		{name: "negative position", file: short, offset: map[string]any{"position": int64(-1)}, want: "negative position", is: ErrBadOffset},
	}
	if os.Geteuid() != 0 { // root reads any file
		tests = append(tests, struct {
			name   string
			file   string
			offset map[string]any
			want   string
			is     error
		}{name: "unreadable file", file: unreadable, want: "permission denied", is: os.ErrPermission})
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			offsets := connecttest.NewOffsets()
			if tt.offset != nil {
				if err := offsets.Commit(map[string]any{"filename": tt.file}, tt.offset); err != nil {
					t.Fatal(err)
				}
			}
			_, err := startSourceTask(t, map[string]string{"file": tt.file, "topic": "t"}, offsets)
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), tt.file) {
				t.Fatalf("Start error %v, want one naming %q and saying %q", err, tt.file, tt.want)
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Errorf("error %v is not %v", err, tt.is)
			}
		})
	}
}

func TestSourceDetectsTruncationWhileRunning(t *testing.T) {
	path := filepath.Join(t.TempDir(), "rotating.log")
	writeFile(t, path, "one\ntwo\n")
	task, err := startSourceTask(t, map[string]string{"file": path, "topic": "t"}, connecttest.NewOffsets())
	if err != nil {
		t.Fatal(err)
	}
	if got := len(pollAll(t, task)); got != 2 {
		t.Fatalf("polled %d lines, want 2", got)
	}
	writeFile(t, path, "x\n") // replaced by a shorter file
	if _, err := task.Poll(t.Context()); !errors.Is(err, ErrBadOffset) {
		t.Fatalf("Poll after truncation = %v, want ErrBadOffset", err)
	}
}

func TestSourcePollHonoursCancellation(t *testing.T) {
	path := filepath.Join(t.TempDir(), "idle.log")
	writeFile(t, path, "")
	task, err := startSourceTask(t, map[string]string{"file": path, "topic": "t"}, connecttest.NewOffsets())
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	go func() { time.Sleep(20 * time.Millisecond); cancel() }()
	if _, err := task.Poll(ctx); err != nil && !errors.Is(err, context.Canceled) {
		t.Fatalf("Poll = %v", err)
	}
}

func TestSinkWritesLinesOnFlush(t *testing.T) {
	path := filepath.Join(t.TempDir(), "out.txt")
	writeFile(t, path, "existing\n")
	task := &SinkTask{}
	tctx := &connecttest.SinkContext{}
	if err := task.Start(t.Context(), map[string]string{"file": path}, tctx); err != nil {
		t.Fatal(err)
	}
	defer task.Stop()
	st := connect.StructBuilder().Field("id", connect.Int32Schema()).Field("name", connect.OptionalStringSchema()).Field("note", connect.OptionalStringSchema()).Build()
	tests := []struct {
		value any
		want  string // "" means reported as unwritable
	}{
		{"plain text", "plain text"},
		{nil, "null"},
		{int64(42), "42"},
		{1.0e10, "1.0E10"},
		{true, "true"},
		{[]byte("utf-8 bytes"), "utf-8 bytes"},
		{connect.NewStruct(st).MustPut("id", int32(7)).MustPut("name", "ann"), "Struct{id=7,name=ann}"},
		{map[string]any{"b": int64(2), "a": []any{"x", int64(1)}}, "{a=[x, 1], b=2}"},
		{map[string]any{"timestamp": int64(1), "timestamp_nanos": int64(0)}, "{timestamp_nanos=0, timestamp=1}"}, // HashMap order
		{float32(math.SmallestNonzeroFloat32), "1.4E-45"},                                                        // Float.toString(Float.MIN_VALUE)
		{connect.Decimal{Unscaled: big.NewInt(12345), Scale: 2}, "123.45"},
		{[]byte{0xff, 0xfe, 0x00}, ""},
		{"two\nlines", "two\nlines"}, // println, as Kafka's FileStreamSinkTask: the break is kept
		{struct{}{}, ""},
	}
	var recs []connect.SinkRecord
	var want []string
	for i, tt := range tests {
		r := connect.NewSinkRecord("t", 0, int64(i))
		r.Value = tt.value
		recs = append(recs, r)
		if tt.want != "" {
			want = append(want, tt.want)
		}
	}
	if err := task.Put(t.Context(), recs); err != nil {
		t.Fatal(err)
	}
	if got := readLines(t, path); len(got) != 1 {
		t.Fatalf("before Flush the file holds %q, want only the existing line", got)
	}
	if err := task.Flush(t.Context(), nil); err != nil {
		t.Fatal(err)
	}
	got := readLines(t, path)
	if strings.Join(got, "\n") != strings.Join(append([]string{"existing"}, want...), "\n") {
		t.Fatalf("file holds\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(append([]string{"existing"}, want...), "\n"))
	}
	rep := tctx.Reported()
	if len(rep) != 2 {
		t.Fatalf("reported %d records, want 2 unwritable ones", len(rep))
	}
	for _, r := range rep {
		if !errors.Is(r.Err, ErrUnwritable) {
			t.Errorf("reported error %v is not ErrUnwritable", r.Err)
		}
	}
}

// failingReporter is errors.tolerance=none: every report fails the task.
type failingReporter struct{}

func (failingReporter) Assignment() []connect.TopicPartition          { return nil }
func (failingReporter) ResetOffsets(map[connect.TopicPartition]int64) {}
func (failingReporter) Reporter() connect.ErrantRecordReporter        { return failingReporter{} }
func (failingReporter) Logger() *slog.Logger                          { return slog.New(slog.DiscardHandler) }
func (failingReporter) Report(_ context.Context, _ connect.SinkRecord, err error) error {
	return err
}

func TestSinkBadInput(t *testing.T) {
	dir := t.TempDir()
	task := &SinkTask{}
	err := task.Start(t.Context(), map[string]string{"file": filepath.Join(dir, "missing", "out.txt")}, &connecttest.SinkContext{})
	if !errors.Is(err, os.ErrNotExist) || !strings.Contains(err.Error(), "missing/out.txt") {
		t.Fatalf("Start into a missing directory = %v, want a not-exist error naming the path", err)
	}
	if err := task.Start(t.Context(), map[string]string{"file": ""}, &connecttest.SinkContext{}); err == nil || !strings.Contains(err.Error(), "file") {
		t.Fatalf("Start with an empty file = %v, want a config error", err)
	}

	// With tolerance none an unwritable record fails Put and nothing of the batch is written.
	path := filepath.Join(dir, "out.txt")
	task = &SinkTask{}
	if err := task.Start(t.Context(), map[string]string{"file": path}, failingReporter{}); err != nil {
		t.Fatal(err)
	}
	defer task.Stop()
	good, bad := connect.NewSinkRecord("t", 0, 0), connect.NewSinkRecord("t", 0, 1)
	good.Value, bad.Value = "ok", []byte{0xff}
	if err := task.Put(t.Context(), []connect.SinkRecord{good, bad}); !errors.Is(err, ErrUnwritable) {
		t.Fatalf("Put = %v, want ErrUnwritable", err)
	}
	if got := readLines(t, path); len(got) != 0 {
		t.Fatalf("file holds %q after a failed Put without Flush, want nothing", got)
	}
}

func writeFile(t *testing.T, path, s string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
}

func appendFile(t *testing.T, path, s string) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteString(s); err != nil {
		t.Fatal(err)
	}
}
