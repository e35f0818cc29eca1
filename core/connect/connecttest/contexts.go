package connecttest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"sync"

	"github.com/connectless/connectless/core/connect"
)

// Offsets is an in-memory OffsetReader: committed source offsets keyed by the JSON form of
// their source partition, as Kafka's offsets topic keys them. Offsets go through JSON as in
// the real stores, so a task reads back what it would in production: integral numbers as
// int64, other numbers as float64. Safe for concurrent use.
type Offsets struct {
	mu sync.Mutex
	m  map[string]map[string]any
}

// NewOffsets returns an empty offset store.
func NewOffsets() *Offsets { return &Offsets{m: map[string]map[string]any{}} }

// Commit records offset as the committed offset of partition.
func (o *Offsets) Commit(partition, offset map[string]any) error {
	key, err := json.Marshal(partition)
	if err != nil {
		return fmt.Errorf("commit offset: partition %v: %w", partition, err)
	}
	stored, err := jsonRoundTrip(offset)
	if err != nil {
		return fmt.Errorf("commit offset: offset %v: %w", offset, err)
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	o.m[string(key)] = stored
	return nil
}

// jsonRoundTrip encodes m and decodes it back as the offset stores do.
func jsonRoundTrip(m map[string]any) (map[string]any, error) {
	if m == nil {
		return nil, nil
	}
	b, err := json.Marshal(m)
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var out map[string]any
	if err := dec.Decode(&out); err != nil {
		return nil, err
	}
	for k, v := range out {
		if n, ok := v.(json.Number); ok {
			if i, err := n.Int64(); err == nil {
				out[k] = i
			} else {
				out[k], _ = n.Float64()
			}
		}
	}
	return out, nil
}

// CommitRecords commits the offsets of records, the last per partition winning.
func (o *Offsets) CommitRecords(records []connect.SourceRecord) error {
	for _, r := range records {
		if err := o.Commit(r.SourcePartition, r.SourceOffset); err != nil {
			return err
		}
	}
	return nil
}

// Offset returns the committed offset of partition, nil if none.
func (o *Offsets) Offset(_ context.Context, partition map[string]any) (map[string]any, error) {
	key, err := json.Marshal(partition)
	if err != nil {
		return nil, fmt.Errorf("read offset: partition %v: %w", partition, err)
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	return maps.Clone(o.m[string(key)]), nil
}

// SourceContext is a SourceTaskContext over an OffsetReader.
type SourceContext struct {
	Reader connect.OffsetReader
	// Log is the task's logger; nil discards.
	Log *slog.Logger
}

// OffsetReader returns the reader.
func (c SourceContext) OffsetReader() connect.OffsetReader { return c.Reader }

// Logger returns Log, or a logger that discards.
func (c SourceContext) Logger() *slog.Logger { return orDiscard(c.Log) }

func orDiscard(l *slog.Logger) *slog.Logger {
	if l == nil {
		return slog.New(slog.DiscardHandler)
	}
	return l
}

// SinkContext is a SinkTaskContext that records what the task asks of the runtime.
type SinkContext struct {
	Partitions []connect.TopicPartition
	// Log is the task's logger; nil discards.
	Log *slog.Logger

	mu       sync.Mutex
	resets   map[connect.TopicPartition]int64
	reported []Reported
}

// Reported is one record handed to the errant record reporter.
type Reported struct {
	Record connect.SinkRecord
	Err    error
}

// Assignment returns Partitions.
func (c *SinkContext) Assignment() []connect.TopicPartition { return slices.Clone(c.Partitions) }

// ResetOffsets records the requested offsets.
func (c *SinkContext) ResetOffsets(offsets map[connect.TopicPartition]int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.resets == nil {
		c.resets = map[connect.TopicPartition]int64{}
	}
	for tp, o := range offsets {
		c.resets[tp] = o
	}
}

// Resets returns the offsets the task asked to resume from.
func (c *SinkContext) Resets() map[connect.TopicPartition]int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := map[connect.TopicPartition]int64{}
	for k, v := range c.resets {
		out[k] = v
	}
	return out
}

// Logger returns Log, or a logger that discards.
func (c *SinkContext) Logger() *slog.Logger { return orDiscard(c.Log) }

// Reporter returns a reporter that records reports (as errors.tolerance=all would).
func (c *SinkContext) Reporter() connect.ErrantRecordReporter { return reporter{c} }

// Reported returns the records reported so far.
func (c *SinkContext) Reported() []Reported {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.reported)
}

type reporter struct{ c *SinkContext }

func (r reporter) Report(_ context.Context, rec connect.SinkRecord, err error) error {
	r.c.mu.Lock()
	defer r.c.mu.Unlock()
	r.c.reported = append(r.c.reported, Reported{Record: rec, Err: err})
	return nil
}

// ValidateOffsetMap checks a source partition or offset as Kafka's OffsetUtils.validateFormat
// does: string keys, primitive values (string, number, bool, nil), and JSON-serialisable.
func ValidateOffsetMap(what string, m map[string]any) error {
	for k, v := range m {
		switch v.(type) {
		case nil, string, bool, int, int8, int16, int32, int64, uint8, uint16, uint32, float32, float64, json.Number:
		default:
			return fmt.Errorf("%s: offsets may only contain primitive types as values, but field %s contains %T", what, k, v)
		}
	}
	if _, err := json.Marshal(m); err != nil {
		return fmt.Errorf("%s: not JSON-serialisable: %w", what, err)
	}
	return nil
}

// sinkOffsets returns, per partition, the offset after the last record (what Flush receives).
func sinkOffsets(records []connect.SinkRecord) map[connect.TopicPartition]int64 {
	out := map[connect.TopicPartition]int64{}
	for _, r := range records {
		tp := connect.TopicPartition{Topic: r.OriginalTopic, Partition: r.OriginalPartition}
		if next := r.OriginalOffset + 1; next > out[tp] {
			out[tp] = next
		}
	}
	return out
}
