package taskslice

import (
	"cmp"
	"context"
	"errors"
	"log/slog"
	"maps"
	"slices"

	kafkago "github.com/segmentio/kafka-go"

	"github.com/connectless/connectless/core/connect"
	"github.com/connectless/connectless/core/kafka"
)

// sinkContext is the SinkTaskContext of one slice.
type sinkContext struct{ r *sinkRun }

// Assignment returns the partitions of the slice.
func (c *sinkContext) Assignment() []connect.TopicPartition {
	return append([]connect.TopicPartition(nil), c.r.tps...)
}

// ResetOffsets moves partitions; it takes effect after the current Put.
func (c *sinkContext) ResetOffsets(offsets map[connect.TopicPartition]int64) {
	c.r.mu.Lock()
	defer c.r.mu.Unlock()
	maps.Copy(c.r.resets, offsets)
}

// KafkaTransport returns the transport of the worker's producers (TLS and SASL as the
// worker's producer keys say), for a task that produces to Kafka itself: the optional
// task-context ability described on connect.SinkTaskContext.
func (c *sinkContext) KafkaTransport() kafkago.RoundTripper { return c.r.s.Client.ProducerTransport() }

// LeaseToken returns the fencing token of the lease the slice runs under: an optional
// task-context ability for sinks that write it next to their data (the Iceberg sink's
// snapshot summary).
func (c *sinkContext) LeaseToken() int64 { return c.r.s.LeaseToken }

// LeaseTookOver reports that the slice's lease was taken from a holder that did not release
// it and may still be running: an optional task-context ability for sinks that fence such a
// holder in the system they write to (the Iceberg sink's tables).
func (c *sinkContext) LeaseTookOver() bool { return c.r.s.LeaseTookOver }

// TaskID returns the id of the task the slice runs, which the lease token belongs to.
func (c *sinkContext) TaskID() int { return c.r.s.TaskID }

// LeaseCurrent reports whether the slice's lease is still the task's current one; without a
// way to ask (SinkSlice.LeaseCurrent unset) it is taken as current.
func (c *sinkContext) LeaseCurrent(ctx context.Context) (bool, error) {
	if c.r.s.LeaseCurrent == nil {
		return true, nil
	}
	return c.r.s.LeaseCurrent(ctx)
}

// Reporter returns the slice's errant record reporter.
func (c *sinkContext) Reporter() connect.ErrantRecordReporter { return (*reporter)(c.r) }

// SetGauge sets a gauge of the slice (connect.TaskStatusReporter).
func (c *sinkContext) SetGauge(name string, value float64) { c.r.status.SetGauge(name, value) }

// SetStatusNote sets the slice's status note (connect.TaskStatusReporter).
func (c *sinkContext) SetStatusNote(note string) { c.r.status.SetStatusNote(note) }

// Logger returns the task's logger.
func (c *sinkContext) Logger() *slog.Logger {
	return cmp.Or(c.r.s.TaskLogger, connect.TaskLogger(c.r.logger, c.r.s.ConnectorName, c.r.s.TaskID))
}

// reporter is the errant record reporter of a sink slice.
type reporter sinkRun

// Report sends a record the task cannot handle to the error handling, stage TASK_PUT.
func (rep *reporter) Report(_ context.Context, rec connect.SinkRecord, err error) error {
	r := (*sinkRun)(rep)
	if err == nil {
		err = errors.New("reported by the task without an error")
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	tp := connect.TopicPartition{Topic: rec.OriginalTopic, Partition: rec.OriginalPartition}
	raw := r.putMessage(tp, rec.OriginalOffset)
	if raw == nil {
		raw = r.reserialize(rec)
	}
	return r.h.fail(failure{stage: StageTaskPut, class: sinkTaskClass, err: err,
		topic: rec.OriginalTopic, partition: rec.OriginalPartition, offset: rec.OriginalOffset, raw: raw})
}

// putMessage returns the message at offset of tp among those of the Put in progress (in
// offset order), nil when there is none.
func (r *sinkRun) putMessage(tp connect.TopicPartition, offset int64) *kafka.Message {
	if tp != r.putTP {
		return nil
	}
	i, found := slices.BinarySearchFunc(r.putMsgs, offset, func(m kafka.Message, off int64) int { return cmp.Compare(m.Offset, off) })
	if !found {
		return nil
	}
	return &r.putMsgs[i]
}

// reserialize rebuilds the bytes of a record the task made itself, with the connector's
// converters, as Kafka Connect's WorkerErrantRecordReporter does.
func (r *sinkRun) reserialize(rec connect.SinkRecord) *kafka.Message {
	cv := r.s.Converters
	m := &kafka.Message{Topic: rec.OriginalTopic, Partition: rec.OriginalPartition, Offset: rec.OriginalOffset, Time: rec.Timestamp}
	m.Key, _ = cv.Key.FromConnect(rec.Topic, rec.KeySchema, rec.Key)
	if jb, ok := rec.Value.(*connect.JSONBytes); ok {
		m.Value = jb.Data // checked by the converter but never built: the bytes as read
	} else {
		m.Value, _ = cv.Value.FromConnect(rec.Topic, rec.ValueSchema, rec.Value)
	}
	for _, h := range rec.Headers {
		var v []byte
		if cv.Header != nil {
			v, _ = cv.Header.FromConnectHeader(rec.Topic, h.Key, h.Schema, h.Value)
		} else if b, ok := h.Value.([]byte); ok {
			v = b
		}
		m.Headers = append(m.Headers, kafka.Header{Key: h.Key, Value: v})
	}
	return m
}
