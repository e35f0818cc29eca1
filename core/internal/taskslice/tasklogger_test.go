package taskslice

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"testing"
	"time"

	"github.com/connectless/connectless/core/connect"
)

// loggingSource logs one line through its task context's logger at Start and has nothing to
// poll.
type loggingSource struct{}

func (loggingSource) Start(_ context.Context, _ map[string]string, tctx connect.SourceTaskContext) error {
	tctx.Logger().Info("source started")
	return nil
}
func (loggingSource) Poll(context.Context) ([]connect.SourceRecord, error) { return nil, nil }
func (loggingSource) Stop() error                                          { return nil }

// loggingSink logs one line through its task context's logger at Start.
type loggingSink struct{ memSink }

func (s *loggingSink) Start(ctx context.Context, props map[string]string, tctx connect.SinkTaskContext) error {
	tctx.Logger().Info("sink started")
	return s.memSink.Start(ctx, props, tctx)
}

// logLine decodes the one JSON log line with message msg; it fails the test when the line
// names the connector or the task more than once.
func logLine(t *testing.T, buf *bytes.Buffer, msg string) map[string]any {
	t.Helper()
	for _, line := range bytes.Split(buf.Bytes(), []byte("\n")) {
		var m map[string]any
		if json.Unmarshal(line, &m) == nil && m["msg"] == msg {
			if bytes.Count(line, []byte(`"connector":`)) != 1 || bytes.Count(line, []byte(`"task":`)) != 1 {
				t.Errorf("attributes repeated: %s", line)
			}
			return m
		}
	}
	t.Fatalf("no log line %q in:\n%s", msg, buf)
	return nil
}

// A task's context hands it the slice's logger carrying the connector and task attributes,
// once each.
func TestIntegrationTaskContextLogger(t *testing.T) {
	c := newKafka(t, 1, "t")
	ctx := testContext(t)
	var buf bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&buf, nil))

	if _, err := RunSourceSlice(ctx, logger, SourceSlice{Task: loggingSource{}, Client: c, IdlePolls: 1,
		Converters: byteConverters(), ConnectorName: "gen", TaskID: 3}); err != nil {
		t.Fatal(err)
	}
	if m := logLine(t, &buf, "source started"); m["connector"] != "gen" || m["task"] != float64(3) {
		t.Errorf("source task log line %v, want connector=gen task=3", m)
	}

	buf.Reset()
	if _, err := RunSinkSlice(ctx, logger, SinkSlice{Task: &loggingSink{memSink{out: &collector{}}}, Client: c, Assignment: assignment("t", 1),
		Converters: byteConverters(), ConnectorName: "archive", TaskID: 1, Deadline: time.Now().Add(30 * time.Second)}); err != nil {
		t.Fatal(err)
	}
	line := logLine(t, &buf, "sink started")
	if line["connector"] != "archive" || line["task"] != float64(1) {
		t.Errorf("sink task log line %v, want connector=archive task=1", line)
	}
}
