package serverless

import (
	"bytes"
	"encoding/json"
	"os"
	"testing"
	"time"

	"github.com/connectless/connectless/core/connect"
)

func TestMetricsGolden(t *testing.T) {
	var buf bytes.Buffer
	m := &Metrics{W: &buf, Now: func() time.Time { return time.UnixMilli(1700000000000) }}
	results := []struct {
		r    TaskResult
		kind connect.PluginType
	}{
		{TaskResult{Connector: "archive", Task: 2, Records: 40, Written: 40, Committed: true, DurationMs: 812}, connect.PluginSink},
		{TaskResult{Connector: "gen", Task: 0, Records: 5, Written: 5, DurationMs: 20}, connect.PluginSource},
		{TaskResult{Connector: "archive", Task: 2, Skipped: true, Reason: "lease held", DurationMs: 3}, ""},
		// A task's gauges are metrics of their own; one named as a dimension is left out.
		{TaskResult{Connector: "cdc", Task: 0, Records: 3, Written: 3, Committed: true, DurationMs: 50,
			Gauges: map[string]float64{"slot_lag_bytes": 4096, "task": 7}}, connect.PluginSource},
	}
	for _, r := range results {
		if err := m.Task(r.r, r.kind); err != nil {
			t.Fatal(err)
		}
	}
	checkGolden(t, "metrics", buf.Bytes())
	// Every metric a directive names has a numeric value at the top level, as EMF requires.
	for _, line := range bytes.Split(bytes.TrimSpace(buf.Bytes()), []byte("\n")) {
		var doc map[string]any
		if err := json.Unmarshal(line, &doc); err != nil {
			t.Fatal(err)
		}
		meta := doc["_aws"].(map[string]any)["CloudWatchMetrics"].([]any)[0].(map[string]any)
		for _, mt := range meta["Metrics"].([]any) {
			name := mt.(map[string]any)["Name"].(string)
			if _, ok := doc[name].(float64); !ok {
				t.Errorf("metric %s has no numeric value in %s", name, line)
			}
		}
	}
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, os.ErrClosed }

func TestMetricsWriteError(t *testing.T) {
	m := &Metrics{W: failingWriter{}}
	if err := m.Task(TaskResult{Connector: "c"}, connect.PluginSink); err == nil {
		t.Error("a failing writer gave no error")
	}
}
