package kafka

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	kafkago "github.com/segmentio/kafka-go"
	"github.com/segmentio/kafka-go/protocol"

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
	// Linger is how long a partial batch waits for more records. Default 2ms. Mirrors
	// Kafka's linger.ms.
	Linger time.Duration
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
// use; Close flushes nothing (Produce is synchronous) and releases the connections.
type Writer struct {
	c      *Client
	w      *kafkago.Writer
	before func(ctx context.Context, topic string) error
	mu     sync.Mutex
	ready  map[string]bool // topics BeforeTopic succeeded for
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
	if opts.Linger <= 0 {
		opts.Linger = 2 * time.Millisecond
	}
	if opts.MaxAttempts <= 0 {
		opts.MaxAttempts = 5
	}
	w := &kafkago.Writer{
		Addr:                   c.addr,
		Balancer:               &balancer{},
		MaxAttempts:            opts.MaxAttempts,
		WriteBackoffMin:        50 * time.Millisecond,
		WriteBackoffMax:        time.Second,
		BatchSize:              opts.BatchSize,
		BatchBytes:             opts.BatchBytes,
		BatchTimeout:           opts.Linger,
		WriteTimeout:           c.opts.Timeout,
		RequiredAcks:           kafkago.RequiredAcks(opts.RequiredAcks),
		AllowAutoTopicCreation: opts.AllowAutoTopicCreation,
		Transport:              c.produce,
		Completion:             complete,
	}
	return &Writer{c: c, w: w, before: opts.BeforeTopic, ready: map[string]bool{}}
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

// Close releases the writer.
func (w *Writer) Close() error { return w.w.Close() }

// slot receives the outcome of one message from the kafka-go completion callback.
type slot struct {
	mu        sync.Mutex
	partition int32 // explicit partition or AnyPartition
	done      bool
	res       ProduceResult
}

func complete(msgs []kafkago.Message, err error) {
	for i := range msgs {
		s, ok := msgs[i].WriterData.(*slot)
		if !ok {
			continue
		}
		s.mu.Lock()
		s.done = true
		s.res = ProduceResult{Partition: int32(msgs[i].Partition), Offset: msgs[i].Offset, Time: msgs[i].Time, Err: err}
		if err != nil {
			s.res.Offset = -1
		}
		s.mu.Unlock()
	}
}

// Produce writes the messages and waits for each to be acknowledged or to fail; the
// result at index i is the outcome of msgs[i]. Messages to one partition are written in
// order. A message whose Partition is AnyPartition is placed by the partitioner; its Offset
// and LogAppendTime are ignored. A message without a topic fails.
func (w *Writer) Produce(ctx context.Context, msgs []Message) []ProduceResult {
	out := make([]ProduceResult, len(msgs))
	if len(msgs) == 0 {
		return out
	}
	slots := make([]slot, len(msgs)) // one allocation; kafka-go's messages point into it
	kms := make([]kafkago.Message, 0, len(msgs))
	idx := make([]int, 0, len(msgs))
	var counts map[string]int
	for i, m := range msgs {
		slots[i].partition = m.Partition
		if m.Topic == "" {
			out[i] = ProduceResult{Partition: m.Partition, Offset: -1, Err: fmt.Errorf("produce: %w", ErrNoTopic)}
			continue
		}
		if m.Partition != AnyPartition {
			n, ok := counts[m.Topic]
			if !ok {
				if counts == nil {
					counts = map[string]int{}
				}
				var err error
				if n, err = w.partitionCount(ctx, m.Topic); err != nil {
					out[i] = ProduceResult{Partition: m.Partition, Offset: -1, Err: fmt.Errorf("produce to %q: %w", m.Topic, err)}
					continue
				}
				counts[m.Topic] = n
			}
			if m.Partition < 0 || int(m.Partition) >= n {
				out[i] = ProduceResult{Partition: m.Partition, Offset: -1, Err: fmt.Errorf("produce to %q partition %d of %d: %w", m.Topic, m.Partition, n, ErrInvalidPartition)}
				continue
			}
		}
		km := kafkago.Message{Topic: m.Topic, Key: m.Key, Value: m.Value, Time: m.Time, WriterData: &slots[i]}
		for _, h := range m.Headers {
			km.Headers = append(km.Headers, protocol.Header{Key: h.Key, Value: h.Value})
		}
		kms = append(kms, km)
		idx = append(idx, i)
	}
	// One WriteMessages per topic: kafka-go fails a whole call when one topic is unknown.
	byTopic := map[string][]int{} // topic -> positions in kms
	for j := range kms {
		byTopic[kms[j].Topic] = append(byTopic[kms[j].Topic], j)
	}
	var wg sync.WaitGroup
	for topic, js := range byTopic {
		if err := w.prepare(ctx, topic); err != nil {
			for _, j := range js {
				out[idx[j]] = ProduceResult{Partition: msgs[idx[j]].Partition, Offset: -1, Err: fmt.Errorf("produce to %q: %w", topic, err)}
			}
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			batch := make([]kafkago.Message, len(js))
			for k, j := range js {
				batch[k] = kms[j]
			}
			w.write(ctx, batch)
			for _, j := range js {
				i := idx[j]
				out[i] = result(msgs[i], &slots[i])
			}
		}()
	}
	wg.Wait()
	return out
}

// write writes one topic's messages and leaves each outcome in its slot.
func (w *Writer) write(ctx context.Context, batch []kafkago.Message) {
	for len(batch) > 0 {
		err := w.w.WriteMessages(ctx, batch...)
		var tooLarge kafkago.MessageTooLargeError
		if errors.As(err, &tooLarge) {
			// kafka-go refuses the whole call for one oversized message: fail that one and
			// write the others.
			fail(tooLarge.Message, tooLarge)
			batch = tooLarge.Remaining
			continue
		}
		var werrs kafkago.WriteErrors
		perMessage := errors.As(err, &werrs) && len(werrs) == len(batch)
		for k := range batch {
			switch {
			case perMessage && werrs[k] != nil:
				fail(batch[k], werrs[k])
			case !perMessage && err != nil:
				fail(batch[k], err)
			}
		}
		return
	}
}

// fail records err as the outcome of m, unless the broker acknowledged m already (a
// call cut short by its context may have written some batches).
func fail(m kafkago.Message, err error) {
	s, ok := m.WriterData.(*slot)
	if !ok {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.done && s.res.Err == nil {
		return
	}
	s.done = true
	s.res = ProduceResult{Partition: s.res.Partition, Offset: -1, Err: err}
}

// result is the outcome recorded in a message's slot.
func result(m Message, s *slot) ProduceResult {
	s.mu.Lock()
	done, res := s.done, s.res
	s.mu.Unlock()
	switch {
	case !done:
		return ProduceResult{Partition: m.Partition, Offset: -1, Err: fmt.Errorf("produce to %q: no acknowledgement", m.Topic)}
	case res.Err != nil:
		res.Err = fmt.Errorf("produce to %q: %w", m.Topic, res.Err)
	}
	return res
}

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

// partitionCount reads the partition count from the metadata cache the writer itself
// routes with.
func (w *Writer) partitionCount(ctx context.Context, topic string) (int, error) {
	resp, err := w.c.kc.Metadata(ctx, &kafkago.MetadataRequest{Topics: []string{topic}})
	if err != nil {
		return 0, err
	}
	for _, t := range resp.Topics {
		if t.Name == topic {
			if t.Error != nil {
				return 0, t.Error
			}
			return len(t.Partitions), nil
		}
	}
	return 0, kafkago.UnknownTopicOrPartition
}

// balancer places a message on its explicit partition when it has one, else as the Java
// client's default partitioner does for keyed records (murmur2), else round-robin.
type balancer struct {
	rr kafkago.RoundRobin
}

// Balance picks the partition of one message.
func (b *balancer) Balance(msg kafkago.Message, partitions ...int) int {
	if s, ok := msg.WriterData.(*slot); ok && s.partition != AnyPartition {
		return int(s.partition)
	}
	if msg.Key != nil {
		return kafkago.Murmur2Balancer{Consistent: true}.Balance(msg, partitions...)
	}
	return b.rr.Balance(msg, partitions...)
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
