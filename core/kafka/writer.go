package kafka

import (
	"context"
	"errors"
	"sync"
	"time"

	kafkago "github.com/segmentio/kafka-go"

	"github.com/connectless/connectless/core/connect"
	"github.com/connectless/connectless/core/connect/transient"
)

// AnyPartition as a Message's Partition lets Writer.Produce's partitioner choose: murmur2
// of the key (the Java client's default, so keyed records land where a Java producer would
// put them), round-robin for records without a key.
const AnyPartition int32 = -1

// ErrInvalidPartition is returned for a message whose explicit partition does not exist.
var ErrInvalidPartition = errors.New("invalid partition")

// WriterOptions configure a Writer. Zero values take the defaults.
type WriterOptions struct {
	// RequiredAcks is how many replicas must acknowledge a write: -1 all in-sync replicas,
	// 1 the leader only. Default -1. Mirrors Kafka's acks=all.
	RequiredAcks int
	// BatchBytes bounds one produce request per partition. Default 1 MiB. Mirrors Kafka's
	// max.request.size.
	BatchBytes int64
	// BatchSize bounds the records in one batch. Default 1000.
	BatchSize int
	// MaxAttempts bounds the attempts of a batch on retriable errors. Default 5. Mirrors
	// Kafka's retries.
	MaxAttempts int
	// AllowAutoTopicCreation lets producing to a missing topic create it (when the broker
	// allows it). Default false.
	AllowAutoTopicCreation bool
	// BeforeTopic, when set, runs once per topic before the writer's first produce to it
	// (e.g. to create the topic, or to note that it was used). While it fails, that topic's
	// messages fail with its error and the next Produce calls it again.
	BeforeTopic func(ctx context.Context, topic string) error
}

// Writer produces records and reports the outcome of each one. It is safe for concurrent
// use; Close flushes nothing (Produce is synchronous).
type Writer struct {
	c      *Client
	kc     *kafkago.Client // the producer's connections
	opts   WriterOptions
	rr     kafkago.RoundRobin
	before func(ctx context.Context, topic string) error
	mu     sync.Mutex
	ready  map[string]bool // topics BeforeTopic succeeded for
	// encoders keeps the batch encoders (and their buffers) of finished produce requests
	// for the next ones.
	encoders sync.Pool
}

// ProduceResult is the outcome of one produced message: its partition and offset when Err
// is nil.
type ProduceResult struct {
	Partition int32
	Offset    int64
	// Time is the record timestamp as written (the broker's time for LogAppendTime topics).
	Time time.Time
	Err  error
}

// NewWriter returns a writer on the client's cluster.
func (c *Client) NewWriter(opts WriterOptions) *Writer {
	if opts.RequiredAcks == 0 {
		opts.RequiredAcks = -1
	}
	if opts.BatchBytes <= 0 {
		opts.BatchBytes = 1 << 20
	}
	if opts.BatchSize <= 0 {
		opts.BatchSize = 1000
	}
	if opts.MaxAttempts <= 0 {
		opts.MaxAttempts = 5
	}
	kc := &kafkago.Client{Addr: c.addr, Timeout: c.opts.Timeout, Transport: c.produce}
	return &Writer{c: c, kc: kc, opts: opts, before: opts.BeforeTopic, ready: map[string]bool{}}
}

// prepare runs BeforeTopic for a topic not yet prepared.
func (w *Writer) prepare(ctx context.Context, topic string) error {
	if w.before == nil {
		return nil
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.ready[topic] {
		return nil
	}
	if err := w.before(ctx, topic); err != nil {
		return err
	}
	w.ready[topic] = true
	return nil
}

// Close releases the writer; its connections are the client's.
func (w *Writer) Close() error { return nil }

// ErrNoTopic is returned for a message without a topic.
var ErrNoTopic = errors.New("message without topic")

// IsRecordError reports whether a produce error is about the record itself (refused by
// the broker or the client as too large, invalid, unauthorized or aimed at a partition
// that does not exist) rather than about Kafka being unreachable or unavailable. Only such
// errors may be skipped by errors.tolerance=all.
func IsRecordError(err error) bool {
	if err == nil {
		return false
	}
	if errors.Is(err, ErrInvalidPartition) || errors.Is(err, ErrNoTopic) {
		return true
	}
	var tooLarge kafkago.MessageTooLargeError
	if errors.As(err, &tooLarge) {
		return true
	}
	var ke kafkago.Error
	return errors.As(err, &ke) && !ke.Temporary()
}

// IsRetriable reports whether a Kafka error may go away on retry (a leader change, stale
// metadata, a timeout, a network error), as the Java client's RetriableException: it is
// transient.Is, the one classification every connector and the runtime use.
func IsRetriable(err error) bool {
	return transient.Is(err)
}

// TopicPartition returns the topic-partition of a message.
func (m *Message) TopicPartition() connect.TopicPartition {
	return connect.TopicPartition{Topic: m.Topic, Partition: m.Partition}
}
