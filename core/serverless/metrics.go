package serverless

import (
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/connectless/connectless/core/connect"
)

// Metric names: Kafka Connect's task metric names, the same the worker exports.
const (
	MetricSinkRecordRead         = "sink-record-read-total"
	MetricSinkRecordSend         = "sink-record-send-total"
	MetricSourceRecordPoll       = "source-record-poll-total"
	MetricSourceRecordWrite      = "source-record-write-total"
	MetricOffsetCommitCompletion = "offset-commit-completion-total"
	MetricOffsetCommitSkip       = "offset-commit-skip-total"
	// MetricTotalRetries counts slices that ended on a retriable error (task-error-metrics
	// total-retries); written only by such invocations.
	MetricTotalRetries = "total-retries"
	// MetricInvocationTime is connectless's own: how long the invocation ran, in milliseconds.
	MetricInvocationTime = "invocation-time-ms"
	// MetricInvocationSkipped is connectless's own: 1 when the invocation found the task
	// running elsewhere, stopped or gone and did nothing.
	MetricInvocationSkipped = "invocation-skipped-total"
)

// Metrics writes task metrics in CloudWatch Embedded Metric Format: one JSON line per
// invocation, which CloudWatch Logs turns into metrics with the dimensions connector and
// connector+task. It is safe for concurrent use.
type Metrics struct {
	W io.Writer
	// Namespace is the CloudWatch namespace. Default "connectless".
	Namespace string
	// Now is the clock. Default time.Now.
	Now func() time.Time
	mu  sync.Mutex
}

type emfMetric struct {
	Name string `json:"Name"`
	Unit string `json:"Unit"`
}

type emfDirective struct {
	Namespace  string      `json:"Namespace"`
	Dimensions [][]string  `json:"Dimensions"`
	Metrics    []emfMetric `json:"Metrics"`
}

type emfMeta struct {
	Timestamp         int64          `json:"Timestamp"`
	CloudWatchMetrics []emfDirective `json:"CloudWatchMetrics"`
}

// Task writes the metrics of one invocation. kind is the connector's plugin type; it picks
// the sink or source names and may be empty when unknown (a skipped invocation).
func (m *Metrics) Task(r TaskResult, kind connect.PluginType) error {
	now := time.Now
	if m.Now != nil {
		now = m.Now
	}
	ns := m.Namespace
	if ns == "" {
		ns = "connectless"
	}
	doc := map[string]any{"connector": r.Connector, "task": strconv.Itoa(r.Task)}
	var metrics []emfMetric
	add := func(name, unit string, v int64) {
		metrics = append(metrics, emfMetric{Name: name, Unit: unit})
		doc[name] = v
	}
	switch kind {
	case connect.PluginSink:
		add(MetricSinkRecordRead, "Count", int64(r.Records))
		add(MetricSinkRecordSend, "Count", int64(r.Written))
	case connect.PluginSource:
		add(MetricSourceRecordPoll, "Count", int64(r.Records))
		add(MetricSourceRecordWrite, "Count", int64(r.Written))
	}
	if !r.Skipped {
		committed, skipped := int64(0), int64(1)
		if r.Committed {
			committed, skipped = 1, 0
		}
		add(MetricOffsetCommitCompletion, "Count", committed)
		add(MetricOffsetCommitSkip, "Count", skipped)
	}
	skipped := int64(0)
	if r.Skipped {
		skipped = 1
	}
	add(MetricInvocationSkipped, "Count", skipped)
	if r.Retrying {
		add(MetricTotalRetries, "Count", 1)
	}
	add(MetricInvocationTime, "Milliseconds", r.DurationMs)
	for _, name := range slices.Sorted(maps.Keys(r.Gauges)) {
		if _, taken := doc[name]; taken || name == "_aws" {
			continue // a gauge never hides a dimension or a metric of ours
		}
		metrics = append(metrics, emfMetric{Name: name, Unit: "None"})
		doc[name] = r.Gauges[name]
	}
	doc["_aws"] = emfMeta{Timestamp: now().UnixMilli(), CloudWatchMetrics: []emfDirective{{
		Namespace: ns, Dimensions: [][]string{{"connector"}, {"connector", "task"}}, Metrics: metrics,
	}}}
	line, err := json.Marshal(doc)
	if err != nil {
		return fmt.Errorf("encode metrics: %w", err)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, err := m.W.Write(append(line, '\n')); err != nil {
		return fmt.Errorf("write metrics: %w", err)
	}
	return nil
}
