package worker

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/connectless/connectless/core/connect"
	"github.com/connectless/connectless/core/store"
	"github.com/connectless/connectless/core/store/memory"
	"github.com/connectless/connectless/core/taskrun"
)

// TestWorkerOnKafkaBackend keeps the state in Kafka Connect's internal topics: a sink runs
// and delivers, and its status and offsets are read back through the REST API.
func TestWorkerOnKafkaBackend(t *testing.T) {
	brokers := newKafka(t, "logs", 1)
	col := &collector{}
	props := baseProps(t, brokers)
	props["state.backend"] = "kafka"
	props["config.storage.replication.factor"] = "1"
	props["offset.storage.replication.factor"] = "1"
	props["status.storage.replication.factor"] = "1"
	_, c := startWorker(t, props, testRegistry(col))
	if code, body := c.do("POST", "/connectors", map[string]any{"name": "k", "config": map[string]string{
		"connector.class": collectSinkClass, "topics": "logs"}}); code != http.StatusCreated {
		t.Fatalf("create: %d %v", code, body)
	}
	produce(t, brokers, "logs", "x", "y")
	eventually(t, 15*time.Second, "2 records", func() bool { return len(col.all()) == 2 })
	eventually(t, 10*time.Second, "offsets at 2", func() bool {
		_, b := c.do("GET", "/connectors/k/offsets", nil)
		return strings.Contains(jsonString(t, b), `"kafka_offset":2`)
	})
	// The status topic is read back as Kafka Connect's is, so the task's status may show a
	// moment after the offsets do.
	eventually(t, 10*time.Second, "task RUNNING", func() bool {
		_, st := c.do("GET", "/connectors/k/status", nil)
		s, _ := taskStates(st)
		return len(s) == 1 && s[0] == "RUNNING"
	})
}

// TestMetricsObserve checks how slice results become metrics, per connector type and outcome.
func TestMetricsObserve(t *testing.T) {
	k := taskKey{"c", 0}
	tests := []struct {
		name string
		typ  connect.PluginType
		res  taskrun.Result
		err  error
		want map[string]float64
	}{
		{"sink slice", connect.PluginSink, taskrun.Result{Records: 10, Written: 9, Committed: true, Duration: 40 * time.Millisecond, Lag: 12}, nil,
			map[string]float64{"sink_read": 10, "sink_send": 9, "commit": 1, "put_avg": 40, "lag": 12, "slices": 1, "slice_seconds": 0.04}},
		{"source slice", connect.PluginSource, taskrun.Result{Records: 7, Written: 7, Committed: true}, nil,
			map[string]float64{"source_poll": 7, "source_write": 7, "commit": 1, "slices": 1}},
		{"source slice with a gauge", connect.PluginSource, taskrun.Result{Records: 1, Written: 1, Gauges: map[string]float64{"slot_lag_bytes": 4096}}, nil,
			map[string]float64{"source_poll": 1, "source_write": 1, "slot_lag": 4096, "slices": 1}},
		{"skipped records", connect.PluginSink, taskrun.Result{Records: 5, Written: 3, Skipped: 2, DeadLettered: 2}, nil,
			map[string]float64{"sink_read": 5, "sink_send": 3, "skipped": 2, "errors": 2, "dlq": 2, "put_avg": 0, "slices": 1}},
		{"failed slice", connect.PluginSink, taskrun.Result{Records: 1, Lag: -1, Duration: 2 * time.Second}, errors.New("boom"),
			map[string]float64{"sink_read": 1, "failures": 1, "errors": 1, "slices": 1, "slice_seconds": 2}},
		{"fenced commit", connect.PluginSink, taskrun.Result{Records: 3, Written: 3}, fmt.Errorf("commit: %w", store.ErrFenced),
			map[string]float64{"sink_read": 3, "sink_send": 3, "skip": 1, "slices": 1}},
		{"invocation skipped", connect.PluginSink, taskrun.Result{}, taskrun.ErrSkipped, map[string]float64{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := NewMetrics(memory.New(), nil, "w:1")
			m.observe(k, tc.typ, tc.res, tc.err)
			got := map[string]float64{
				"sink_read": testutil.ToFloat64(m.sinkRead.WithLabelValues("c", "0")), "sink_send": testutil.ToFloat64(m.sinkSend.WithLabelValues("c", "0")),
				"source_poll": testutil.ToFloat64(m.sourcePoll.WithLabelValues("c", "0")), "source_write": testutil.ToFloat64(m.sourceWrite.WithLabelValues("c", "0")),
				"commit": testutil.ToFloat64(m.commitDone.WithLabelValues("c", "0")), "skip": testutil.ToFloat64(m.commitSkip.WithLabelValues("c", "0")),
				"skipped": testutil.ToFloat64(m.recordsSkipped.WithLabelValues("c", "0")), "errors": testutil.ToFloat64(m.recordErrors.WithLabelValues("c", "0")),
				"failures": testutil.ToFloat64(m.recordFailures.WithLabelValues("c", "0")), "dlq": testutil.ToFloat64(m.dlqRequests.WithLabelValues("c", "0")),
				"put_avg":  testutil.ToFloat64(m.putBatchAvg.WithLabelValues("c", "0")),
				"slot_lag": testutil.ToFloat64(m.taskGauge.WithLabelValues("c", "0", "slot_lag_bytes")),
				"lag":      testutil.ToFloat64(m.sinkLag.WithLabelValues("c", "0")),
			}
			got["slices"], got["slice_seconds"] = sliceHistogram(t, m)
			for name, v := range got {
				if v != tc.want[name] {
					t.Errorf("%s = %v, want %v", name, v, tc.want[name])
				}
			}
			last := testutil.ToFloat64(m.lastError.WithLabelValues("c", "0"))
			if wantErr := tc.want["errors"] > 0; (last > 0) != wantErr {
				t.Errorf("last error timestamp = %v, want set: %v", last, wantErr)
			}
		})
	}
}

// sliceHistogram returns the count and sum of task c/0's slice duration histogram.
func sliceHistogram(t *testing.T, m *Metrics) (float64, float64) {
	t.Helper()
	mfs, err := m.Registry().Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != "connectless_task_slice_duration_seconds" {
			continue
		}
		for _, mt := range mf.GetMetric() {
			h := mt.GetHistogram()
			return float64(h.GetSampleCount()), h.GetSampleSum()
		}
	}
	return 0, 0
}
