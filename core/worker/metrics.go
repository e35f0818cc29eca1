package worker

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/connectless/connectless/core/connect"
	"github.com/connectless/connectless/core/store"
	"github.com/connectless/connectless/core/taskrun"
)

// Metrics are the worker's Kafka Connect metrics in Prometheus form. Kafka Connect's JMX
// names contain '-', which Prometheus names cannot: they are spelled as the Prometheus JMX
// exporter's usual Kafka Connect rules spell them, kafka_connect_<group>_<attribute> with
// dashes as underscores, so dashboards built on the exporter work unchanged:
//
//	sink-task-metrics sink-record-read-total          kafka_connect_sink_task_sink_record_read_total{connector,task}
//	sink-task-metrics sink-record-send-total          kafka_connect_sink_task_sink_record_send_total{connector,task}
//	sink-task-metrics put-batch-avg-time-ms           kafka_connect_sink_task_put_batch_avg_time_ms{connector,task}
//	source-task-metrics source-record-poll-total      kafka_connect_source_task_source_record_poll_total{connector,task}
//	source-task-metrics source-record-write-total     kafka_connect_source_task_source_record_write_total{connector,task}
//	connector-task-metrics offset-commit-completion-total  kafka_connect_connector_task_offset_commit_completion_total{connector,task}
//	connector-task-metrics offset-commit-skip-total   kafka_connect_connector_task_offset_commit_skip_total{connector,task}
//	connector-task-metrics status                     kafka_connect_connector_task_status{connector,task,status} 1
//	connector-metrics status                          kafka_connect_connector_status{connector,status} 1
//	connect-worker-metrics connector-count, task-count  kafka_connect_connect_worker_metrics_connector_count, …_task_count
//	task-error-metrics total-record-errors, total-record-failures, total-records-skipped,
//	  deadletterqueue-produce-requests, last-error-timestamp  kafka_connect_task_error_<attribute>{connector,task}
//	task-error-metrics total-retries                  kafka_connect_task_error_total_retries{connector,task}
//	(connectless) gauges a task reports               connectless_task_gauge{connector,task,name}
//	(connectless) slice durations                     connectless_task_slice_duration_seconds{connector,task} (histogram)
//	(connectless) sink records left behind            connectless_sink_task_records_lag{connector,task}
//
// Counters count the slices this worker ran. A task slice is measured as a whole: put-batch-
// avg-time-ms is the average time of the slices that delivered records (read, put and
// flush), and a slice that failed counts one record failure and one record error. An offset
// commit refused because the task's lease was taken over counts as skipped. Status and
// counts are read from the store at scrape time: task statuses and task-count cover the
// tasks whose last slice ran on this worker; connector statuses and connector-count cover
// every connector (any worker's herder manages them all). total-retries counts the slices
// that ended on a retriable error and will be retried (the task stays RUNNING); they are
// not record failures. A sink's records lag is what its last slice left uncommitted below
// the end offsets it saw at its start (records that arrived later are not counted).
type Metrics struct {
	reg *prometheus.Registry

	sinkRead, sinkSend, sourcePoll, sourceWrite *prometheus.CounterVec
	commitDone, commitSkip                      *prometheus.CounterVec
	putBatchAvg                                 *prometheus.GaugeVec
	avgMu                                       sync.Mutex
	putBatchSum, putBatchN                      map[taskKey]float64

	recordErrors, recordFailures, recordsSkipped, dlqRequests *prometheus.CounterVec
	retries                                                   *prometheus.CounterVec
	lastError                                                 *prometheus.GaugeVec
	taskGauge                                                 *prometheus.GaugeVec
	sliceDuration                                             *prometheus.HistogramVec
	sinkLag                                                   *prometheus.GaugeVec
}

var taskLabels = []string{"connector", "task"}

// NewMetrics returns the metrics of a worker whose id is workerID on st.
func NewMetrics(st store.Store, reg *connect.Registry, workerID string) *Metrics {
	counter := func(name, help string) *prometheus.CounterVec {
		return prometheus.NewCounterVec(prometheus.CounterOpts{Name: name, Help: help}, taskLabels)
	}
	m := &Metrics{
		reg:            prometheus.NewRegistry(),
		sinkRead:       counter("kafka_connect_sink_task_sink_record_read_total", "Records read from Kafka by the sink task (sink-record-read-total)."),
		sinkSend:       counter("kafka_connect_sink_task_sink_record_send_total", "Records put to the sink task after transformations (sink-record-send-total)."),
		sourcePoll:     counter("kafka_connect_source_task_source_record_poll_total", "Records polled from the source task (source-record-poll-total)."),
		sourceWrite:    counter("kafka_connect_source_task_source_record_write_total", "Records written to Kafka and acknowledged (source-record-write-total)."),
		commitDone:     counter("kafka_connect_connector_task_offset_commit_completion_total", "Offset commits that completed (offset-commit-completion-total)."),
		commitSkip:     counter("kafka_connect_connector_task_offset_commit_skip_total", "Offset commits refused because the task's lease was taken over (offset-commit-skip-total)."),
		recordErrors:   counter("kafka_connect_task_error_total_record_errors", "Record processing errors (total-record-errors)."),
		recordFailures: counter("kafka_connect_task_error_total_record_failures", "Record processing failures that failed a slice (total-record-failures)."),
		recordsSkipped: counter("kafka_connect_task_error_total_records_skipped", "Records skipped after errors (total-records-skipped)."),
		dlqRequests:    counter("kafka_connect_task_error_deadletterqueue_produce_requests", "Records written to the dead letter queue (deadletterqueue-produce-requests)."),
		retries:        counter("kafka_connect_task_error_total_retries", "Slices that ended on a retriable error and are retried (total-retries)."),
		putBatchAvg: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "kafka_connect_sink_task_put_batch_avg_time_ms",
			Help: "Average time in ms of the sink task's slices that delivered records (put-batch-avg-time-ms)."}, taskLabels),
		lastError: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "kafka_connect_task_error_last_error_timestamp",
			Help: "Epoch ms of the task's last error (last-error-timestamp)."}, taskLabels),
		taskGauge: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "connectless_task_gauge",
			Help: "A gauge the task reported in its last slice, e.g. name=\"slot_lag_bytes\" (connect.TaskStatusReporter)."},
			[]string{"connector", "task", "name"}),
		sliceDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "connectless_task_slice_duration_seconds",
			Help:    "Duration of the task's slices on this worker, failed ones included.",
			Buckets: prometheus.ExponentialBuckets(0.01, 4, 10)}, taskLabels),
		sinkLag: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "connectless_sink_task_records_lag",
			Help: "Records below the end offsets seen at the start of the sink task's last slice that the slice left uncommitted."}, taskLabels),
		putBatchSum: map[taskKey]float64{}, putBatchN: map[taskKey]float64{},
	}
	m.reg.MustRegister(m.sinkRead, m.sinkSend, m.sourcePoll, m.sourceWrite, m.commitDone, m.commitSkip, m.putBatchAvg,
		m.recordErrors, m.recordFailures, m.recordsSkipped, m.dlqRequests, m.retries, m.lastError, m.taskGauge, m.sliceDuration, m.sinkLag,
		&statusCollector{store: st, workerID: workerID})
	return m
}

// Handler serves the metrics in the Prometheus text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{})
}

// Registry is the Prometheus registry holding the metrics.
func (m *Metrics) Registry() *prometheus.Registry { return m.reg }

// observe records one slice's result.
func (m *Metrics) observe(k taskKey, typ connect.PluginType, res taskrun.Result, err error) {
	if errors.Is(err, taskrun.ErrSkipped) {
		return
	}
	l := prometheus.Labels{"connector": k.connector, "task": strconv.Itoa(k.task)}
	m.sliceDuration.With(l).Observe(res.Duration.Seconds())
	switch typ {
	case connect.PluginSink:
		if res.Lag >= 0 {
			m.sinkLag.With(l).Set(float64(res.Lag))
		}
		m.sinkRead.With(l).Add(float64(res.Records))
		m.sinkSend.With(l).Add(float64(res.Written))
		if res.Written > 0 {
			m.averagePut(k, l, res.Duration)
		}
	case connect.PluginSource:
		m.sourcePoll.With(l).Add(float64(res.Records))
		m.sourceWrite.With(l).Add(float64(res.Written))
	}
	for name, v := range res.Gauges {
		m.taskGauge.With(prometheus.Labels{"connector": k.connector, "task": strconv.Itoa(k.task), "name": name}).Set(v)
	}
	if res.Committed {
		m.commitDone.With(l).Inc()
	}
	if errors.Is(err, store.ErrFenced) {
		m.commitSkip.With(l).Inc()
		return
	}
	m.recordsSkipped.With(l).Add(float64(res.Skipped))
	m.recordErrors.With(l).Add(float64(res.Skipped))
	m.dlqRequests.With(l).Add(float64(res.DeadLettered))
	if err != nil {
		m.recordFailures.With(l).Inc()
		m.recordErrors.With(l).Inc()
	}
	if res.Retrying {
		m.retries.With(l).Inc()
	}
	if err != nil || res.Retrying || res.Skipped > 0 {
		m.lastError.With(l).Set(float64(time.Now().UnixMilli()))
	}
}

func (m *Metrics) averagePut(k taskKey, l prometheus.Labels, d time.Duration) {
	m.avgMu.Lock()
	defer m.avgMu.Unlock()
	m.putBatchSum[k] += float64(d.Microseconds()) / 1000
	m.putBatchN[k]++
	m.putBatchAvg.With(l).Set(m.putBatchSum[k] / m.putBatchN[k])
}

// statusCollector reads statuses and counts from the store at scrape time.
type statusCollector struct {
	store    store.Store
	workerID string
}

var (
	descTaskStatus = prometheus.NewDesc("kafka_connect_connector_task_status",
		"The task's status, as a label: 1 for the current one (connector-task-metrics status).", []string{"connector", "task", "status"}, nil)
	descConnStatus = prometheus.NewDesc("kafka_connect_connector_status",
		"The connector's status, as a label: 1 for the current one (connector-metrics status).", []string{"connector", "status"}, nil)
	descConnCount = prometheus.NewDesc("kafka_connect_connect_worker_metrics_connector_count",
		"Connectors in the cluster (connect-worker-metrics connector-count).", nil, nil)
	descTaskCount = prometheus.NewDesc("kafka_connect_connect_worker_metrics_task_count",
		"Tasks whose last slice ran on this worker (connect-worker-metrics task-count).", nil, nil)
)

func (c *statusCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- descTaskStatus
	ch <- descConnStatus
	ch <- descConnCount
	ch <- descTaskCount
}

func (c *statusCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	names, err := c.store.Connectors(ctx)
	if err != nil {
		return
	}
	ch <- prometheus.MustNewConstMetric(descConnCount, prometheus.GaugeValue, float64(len(names)))
	tasks := 0
	for _, name := range names {
		conn, err := c.store.Connector(ctx, name)
		if err != nil {
			continue
		}
		statuses, err := c.store.Statuses(ctx, name)
		if err != nil {
			continue
		}
		for _, st := range statuses {
			state := strings.ToLower(string(st.State))
			switch {
			case st.Task < 0:
				ch <- prometheus.MustNewConstMetric(descConnStatus, prometheus.GaugeValue, 1, name, state)
			case st.Task < len(conn.Tasks) && st.WorkerID == c.workerID:
				tasks++
				ch <- prometheus.MustNewConstMetric(descTaskStatus, prometheus.GaugeValue, 1, name, strconv.Itoa(st.Task), state)
			}
		}
	}
	ch <- prometheus.MustNewConstMetric(descTaskCount, prometheus.GaugeValue, float64(tasks))
}
