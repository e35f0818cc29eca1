package file

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"unicode/utf8"

	"github.com/connectless/connectless/core/connect"
	"github.com/connectless/connectless/core/connect/javacompat"
)

// ErrUnwritable is reported (through the errant record reporter) for a record whose value
// cannot be written as text: bytes that are not UTF-8, or a type with no text form.
var ErrUnwritable = errors.New("value cannot be written as one line")

// sinkSpec gives connect.ConnectorBase FileStreamSink's version and configuration check.
type sinkSpec struct{}

func (sinkSpec) Version() string { return Version }
func (sinkSpec) Check(props map[string]string) error {
	if _, err := SinkConfigDef().Parse(props); err != nil {
		return fmt.Errorf("file sink: %w", err)
	}
	return nil
}

// SinkConnector is FileStreamSink; every task gets the configuration, as in Kafka.
type SinkConnector struct {
	connect.ConnectorBase[sinkSpec]
}

// Config returns FileStreamSink's ConfigDef.
func (c *SinkConnector) Config() *connect.ConfigDef { return SinkConfigDef() }

// NewTask returns a new sink task.
func (c *SinkConnector) NewTask() connect.SinkTask { return &SinkTask{} }

// SinkTask appends each record's value as one line. Lines are buffered by Put and made
// durable (written and synced) by Flush, before the runtime commits their offsets.
type SinkTask struct {
	name     string
	f        *os.File
	w        *bufio.Writer
	reporter connect.ErrantRecordReporter
	line     []byte
}

// Start opens the file for appending, creating it when missing.
func (t *SinkTask) Start(_ context.Context, props map[string]string, tctx connect.SinkTaskContext) error {
	v, err := SinkConfigDef().Parse(props)
	if err != nil {
		return fmt.Errorf("file sink: %w", err)
	}
	t.name = v.String(FileConfig)
	f, err := os.OpenFile(t.name, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return fmt.Errorf("file sink: open %q: %w", t.name, err)
	}
	t.f, t.w, t.reporter = f, bufio.NewWriterSize(f, 64<<10), tctx.Reporter()
	return nil
}

// Put buffers one line per record. A value that cannot be a line goes to the errant record
// reporter; with errors.tolerance=none its error fails the task.
func (t *SinkTask) Put(ctx context.Context, records []connect.SinkRecord) error {
	if t.w == nil {
		return fmt.Errorf("file sink: put before start")
	}
	for i := range records {
		if err := ctx.Err(); err != nil {
			return err
		}
		// As Kafka's FileStreamSinkTask (PrintStream.println): the value's text and a line
		// break, line breaks inside the value included.
		line, err := appendValue(t.line[:0], records[i].Value)
		if err != nil {
			r := records[i]
			if rerr := t.reporter.Report(ctx, r, fmt.Errorf("file sink %q: record %s-%d@%d: %w", t.name, r.OriginalTopic, r.OriginalPartition, r.OriginalOffset, err)); rerr != nil {
				return rerr
			}
			continue
		}
		t.line = append(line, '\n')
		if _, err := t.w.Write(t.line); err != nil {
			return fmt.Errorf("file sink: write %q: %w", t.name, err)
		}
	}
	return nil
}

// Flush writes the buffered lines and syncs the file.
func (t *SinkTask) Flush(context.Context, map[connect.TopicPartition]int64) error {
	if t.w == nil {
		return nil
	}
	if err := t.w.Flush(); err != nil {
		return fmt.Errorf("file sink: write %q: %w", t.name, err)
	}
	if err := t.f.Sync(); err != nil {
		return fmt.Errorf("file sink: sync %q: %w", t.name, err)
	}
	return nil
}

// Stop closes the file. Lines not flushed are dropped: their offsets were not committed, so
// the next run writes them again.
func (t *SinkTask) Stop() error {
	if t.f == nil {
		return nil
	}
	err := t.f.Close()
	t.f, t.w = nil, nil
	if err != nil {
		return fmt.Errorf("file sink: close %q: %w", t.name, err)
	}
	return nil
}

// appendValue renders a value as Java's String.valueOf does for Connect data (what Kafka's
// FileStreamSink prints, javacompat.ToString): strings as is, null as "null", structs as
// Struct{f=v,...}, maps as {k=v, ...} in Java HashMap order, arrays as [a, b]. Bytes are
// written when they are UTF-8 text; a line that is not UTF-8 is refused.
func appendValue(b []byte, v any) ([]byte, error) {
	out, err := javacompat.AppendToString(b, v)
	if err != nil {
		return b, fmt.Errorf("%w: %w", ErrUnwritable, err)
	}
	if !utf8.Valid(out[len(b):]) {
		return b, fmt.Errorf("%w: the value is not UTF-8 text", ErrUnwritable)
	}
	return out, nil
}

var (
	_ connect.SinkConnector = (*SinkConnector)(nil)
	_ connect.SinkTask      = (*SinkTask)(nil)
)
