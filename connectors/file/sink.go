package file

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"maps"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/connectless/connectless/core/connect"
)

// ErrUnwritable is reported (through the errant record reporter) for a record whose value
// cannot be written as one line of text: binary bytes, or text with a line break.
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
		line, err := appendValue(t.line[:0], records[i].Value)
		if err == nil && (strings.ContainsAny(string(line), "\r\n")) {
			err = fmt.Errorf("%w: it contains a line break", ErrUnwritable)
		}
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
// FileStreamSink prints): strings as is, null as "null", structs as Struct{f=v,...}, maps as
// {k=v, ...} (keys sorted), arrays as [a, b]. Bytes are written when they are UTF-8 text.
func appendValue(b []byte, v any) ([]byte, error) {
	switch x := v.(type) {
	case nil:
		return append(b, "null"...), nil
	case string:
		return append(b, x...), nil
	case []byte:
		if !utf8.Valid(x) {
			return b, fmt.Errorf("%w: %d bytes of binary data are not UTF-8 text", ErrUnwritable, len(x))
		}
		return append(b, x...), nil
	case bool:
		return strconv.AppendBool(b, x), nil
	case int8:
		return strconv.AppendInt(b, int64(x), 10), nil
	case int16:
		return strconv.AppendInt(b, int64(x), 10), nil
	case int32:
		return strconv.AppendInt(b, int64(x), 10), nil
	case int64:
		return strconv.AppendInt(b, x, 10), nil
	case int:
		return strconv.AppendInt(b, int64(x), 10), nil
	case float32:
		return append(b, connect.FormatFloat(x)...), nil
	case float64:
		return append(b, connect.FormatDouble(x)...), nil
	case connect.Decimal:
		return append(b, x.String()...), nil
	case time.Time:
		return x.UTC().AppendFormat(b, time.RFC3339Nano), nil
	case *connect.Struct:
		if x == nil {
			return append(b, "null"...), nil
		}
		b = append(b, "Struct{"...)
		first := true
		for _, f := range x.Schema().Fields {
			fv, _ := x.GetWithoutDefault(f.Name)
			if fv == nil {
				continue
			}
			if !first {
				b = append(b, ',')
			}
			first = false
			b = append(b, f.Name...)
			b = append(b, '=')
			var err error
			if b, err = appendValue(b, fv); err != nil {
				return b, err
			}
		}
		return append(b, '}'), nil
	case []any:
		b = append(b, '[')
		for i, e := range x {
			if i > 0 {
				b = append(b, ", "...)
			}
			var err error
			if b, err = appendValue(b, e); err != nil {
				return b, err
			}
		}
		return append(b, ']'), nil
	case map[string]any:
		keys := slices.Sorted(maps.Keys(x))
		b = append(b, '{')
		for i, k := range keys {
			if i > 0 {
				b = append(b, ", "...)
			}
			b = append(b, k...)
			b = append(b, '=')
			var err error
			if b, err = appendValue(b, x[k]); err != nil {
				return b, err
			}
		}
		return append(b, '}'), nil
	case map[any]any:
		type kv struct {
			k string
			v any
		}
		var entries []kv
		for k, e := range x {
			kb, err := appendValue(nil, k)
			if err != nil {
				return b, err
			}
			entries = append(entries, kv{string(kb), e})
		}
		slices.SortFunc(entries, func(p, q kv) int { return strings.Compare(p.k, q.k) })
		b = append(b, '{')
		for i, e := range entries {
			if i > 0 {
				b = append(b, ", "...)
			}
			b = append(b, e.k...)
			b = append(b, '=')
			var err error
			if b, err = appendValue(b, e.v); err != nil {
				return b, err
			}
		}
		return append(b, '}'), nil
	default:
		return b, fmt.Errorf("%w: values of type %T are not supported", ErrUnwritable, v)
	}
}

var (
	_ connect.SinkConnector = (*SinkConnector)(nil)
	_ connect.SinkTask      = (*SinkTask)(nil)
)
