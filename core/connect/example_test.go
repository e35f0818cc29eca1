package connect_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/connectless/connectless/core/connect"
	"github.com/connectless/connectless/core/connect/connecttest"
)

// The connectors of the package documentation, compiled and run through the conformance suite.

func configDef() *connect.ConfigDef {
	return connect.NewConfigDef().
		Define(connect.ConfigKey{Name: "file", Type: connect.ConfigString, Required: true,
			Importance: connect.High, Doc: "File to read. Mirrors FileStreamSource's file."}).
		Define(connect.ConfigKey{Name: "batch.size", Type: connect.ConfigInt, Default: 100,
			Validator: connect.AtLeast(1), Importance: connect.Low,
			Doc: "Lines per poll. Default 100. Mirrors FileStreamSource's batch.size."})
}

type LinesSource struct{ props map[string]string }

func (c *LinesSource) Version() string            { return "1.0.0" }
func (c *LinesSource) Config() *connect.ConfigDef { return configDef() }
func (c *LinesSource) Start(ctx context.Context, props map[string]string) error {
	if _, err := configDef().Parse(props); err != nil {
		return fmt.Errorf("lines source: %w", err)
	}
	c.props = props
	return nil
}
func (c *LinesSource) TaskConfigs(maxTasks int) ([]map[string]string, error) {
	return []map[string]string{c.props}, nil
}
func (c *LinesSource) Stop() error                 { return nil }
func (c *LinesSource) NewTask() connect.SourceTask { return &linesTask{} }

type linesTask struct {
	file  string
	lines []string
	next  int64
}

func (t *linesTask) Start(ctx context.Context, props map[string]string, tctx connect.SourceTaskContext) error {
	v, err := configDef().Parse(props)
	if err != nil {
		return err
	}
	t.file = v.String("file")
	data, err := os.ReadFile(t.file)
	if err != nil {
		return fmt.Errorf("read %q: %w", t.file, err)
	}
	t.lines = strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
	off, err := tctx.OffsetReader().Offset(ctx, map[string]any{"file": t.file})
	if err != nil {
		return err
	}
	if n, ok := off["line"].(int64); ok {
		t.next = n + 1
	}
	return nil
}

func (t *linesTask) Poll(ctx context.Context) ([]connect.SourceRecord, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var out []connect.SourceRecord
	for ; t.next < int64(len(t.lines)) && len(out) < 100; t.next++ {
		out = append(out, connect.SourceRecord{
			Record: connect.Record{Topic: "lines",
				ValueSchema: connect.StringSchema(), Value: t.lines[t.next]},
			SourcePartition: map[string]any{"file": t.file},
			SourceOffset:    map[string]any{"line": t.next},
		})
	}
	return out, nil
}

func (t *linesTask) Stop() error { return nil }

var LinesPlugin = connect.Plugin{
	Class: "com.example.LinesSourceConnector", Type: connect.PluginSource, Version: "1.0.0",
	New: func() connect.Connector { return &LinesSource{} },
}

type stdoutSink struct {
	props map[string]string
	out   io.Writer
}

func (c *stdoutSink) Version() string            { return "1.0.0" }
func (c *stdoutSink) Config() *connect.ConfigDef { return connect.NewConfigDef() }
func (c *stdoutSink) Start(_ context.Context, props map[string]string) error {
	c.props = props
	return nil
}
func (c *stdoutSink) Stop() error               { return nil }
func (c *stdoutSink) NewTask() connect.SinkTask { return &stdoutTask{out: c.out} }
func (c *stdoutSink) TaskConfigs(maxTasks int) ([]map[string]string, error) {
	out := make([]map[string]string, maxTasks)
	for i := range out {
		out[i] = c.props
	}
	return out, nil
}

type stdoutTask struct {
	out     io.Writer
	w       *bufio.Writer
	reports connect.ErrantRecordReporter
}

func (t *stdoutTask) Start(_ context.Context, _ map[string]string, tctx connect.SinkTaskContext) error {
	t.w, t.reports = bufio.NewWriter(t.out), tctx.Reporter()
	return nil
}

func (t *stdoutTask) Put(ctx context.Context, records []connect.SinkRecord) error {
	for _, r := range records {
		s, ok := r.Value.(string)
		if !ok {
			if err := t.reports.Report(ctx, r, fmt.Errorf("value of type %T is not a string", r.Value)); err != nil {
				return err
			}
			continue
		}
		fmt.Fprintln(t.w, s)
	}
	return nil
}

func (t *stdoutTask) Flush(ctx context.Context, _ map[connect.TopicPartition]int64) error {
	return t.w.Flush()
}

func (t *stdoutTask) Stop() error { return nil }

func TestDocExamplesConform(t *testing.T) {
	file := filepath.Join(t.TempDir(), "in.txt")
	connecttest.Run(t, connecttest.Suite{
		Plugin: LinesPlugin,
		Config: map[string]string{"file": file},
		PrepareSource: func(t testing.TB, n int) {
			var b strings.Builder
			for i := range n {
				fmt.Fprintf(&b, "line %d\n", i)
			}
			if err := os.WriteFile(file, []byte(b.String()), 0o644); err != nil {
				t.Fatal(err)
			}
		},
	})
	var out strings.Builder
	connecttest.Run(t, connecttest.Suite{
		Plugin: connect.Plugin{Class: "com.example.StdoutSinkConnector", Type: connect.PluginSink, Version: "1.0.0",
			New: func() connect.Connector { return &stdoutSink{out: &out} }},
		CheckSink: func(t testing.TB, written []connect.SinkRecord) {
			for _, r := range written {
				if !strings.Contains(out.String(), r.Value.(string)+"\n") {
					t.Errorf("%v not written", r.Value)
				}
			}
		},
	})
}
