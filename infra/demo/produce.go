package demo

import (
	"context"
	"fmt"
	"log/slog"
	"strconv"
	"time"

	"github.com/connectless/connectless/connectors/datagen"
	"github.com/connectless/connectless/core/connect"
	"github.com/connectless/connectless/core/convert"
	"github.com/connectless/connectless/core/kafka"
)

// Converter classes of the demo's records: string keys (the host), schemaless JSON values.
const (
	stringConverter = "org.apache.kafka.connect.storage.StringConverter"
	jsonConverter   = "org.apache.kafka.connect.json.JsonConverter"
)

// seed makes the generated logs the same on every run (their timestamps follow the clock).
const seed = "20240105"

// noOffsets is a source task context with nothing committed.
type noOffsets struct{}

func (noOffsets) OffsetReader() connect.OffsetReader { return noOffsets{} }
func (noOffsets) Logger() *slog.Logger               { return slog.New(slog.DiscardHandler) }
func (noOffsets) Offset(context.Context, map[string]any) (map[string]any, error) {
	return nil, nil
}

// LogGenerator yields application log records from the datagen connector's applogs template
// with their timestamps (the record time and the value's ts field) spread evenly from
// From over Span, in order.
type LogGenerator struct {
	task   *datagen.Task
	key    connect.Converter
	value  connect.Converter
	from   time.Time
	span   time.Duration
	total  int
	next   int
	buffer []connect.SourceRecord
}

// NewLogGenerator returns a generator of n records for topic whose timestamps cover
// [from, from+span).
func NewLogGenerator(ctx context.Context, topic string, n int, from time.Time, span time.Duration) (*LogGenerator, error) {
	task := &datagen.Task{}
	props := map[string]string{
		datagen.TopicConfig: topic, datagen.QuickstartConfig: "applogs", datagen.MaxIntervalConfig: "0",
		datagen.IterationsConfig: strconv.Itoa(n), datagen.RandomSeedConfig: seed,
	}
	if err := task.Start(ctx, props, noOffsets{}); err != nil {
		return nil, fmt.Errorf("datagen: %w", err)
	}
	key, err := convert.New(stringConverter, nil, true)
	if err != nil {
		return nil, fmt.Errorf("key converter: %w", err)
	}
	value, err := convert.New(jsonConverter, map[string]string{"schemas.enable": "false"}, false)
	if err != nil {
		return nil, fmt.Errorf("value converter: %w", err)
	}
	return &LogGenerator{task: task, key: key, value: value, from: from, span: span, total: n}, nil
}

// Next returns up to max messages (with AnyPartition: Kafka's partitioner places them by
// key); none once every record was returned.
func (g *LogGenerator) Next(ctx context.Context, max int) ([]kafka.Message, error) {
	var out []kafka.Message
	for len(out) < max && g.next < g.total {
		if len(g.buffer) == 0 {
			recs, err := g.task.Poll(ctx)
			if err != nil {
				return nil, fmt.Errorf("datagen poll: %w", err)
			}
			if len(recs) == 0 {
				return nil, fmt.Errorf("datagen: no record after %d of %d", g.next, g.total)
			}
			g.buffer = recs
		}
		rec := g.buffer[0]
		g.buffer = g.buffer[1:]
		at := g.from.Add(time.Duration(int64(g.span) * int64(g.next) / int64(g.total))).UTC()
		v, ok := rec.Value.(*connect.Struct)
		if !ok {
			return nil, fmt.Errorf("datagen: value is %T, want a struct", rec.Value)
		}
		if err := v.Put("ts", at.Format("2006-01-02T15:04:05.000Z07:00")); err != nil {
			return nil, fmt.Errorf("set ts: %w", err)
		}
		key, err := g.key.FromConnect(rec.Topic, rec.KeySchema, rec.Key)
		if err != nil {
			return nil, fmt.Errorf("encode key: %w", err)
		}
		value, err := g.value.FromConnect(rec.Topic, rec.ValueSchema, v)
		if err != nil {
			return nil, fmt.Errorf("encode value: %w", err)
		}
		out = append(out, kafka.Message{Topic: rec.Topic, Partition: kafka.AnyPartition, Key: key, Value: value, Time: at})
		g.next++
	}
	return out, nil
}

// produce writes the logs into app-logs.
func (r *run) produce(ctx context.Context) error {
	now := time.Now()
	from := now.Add(-r.opts.Span)
	r.progress("writing %d application log records (datagen applogs: 8 services, DEBUG..ERROR, JSON) into %s, timestamps from %s to %s",
		r.opts.Records, Topic, from.UTC().Format("15:04"), now.UTC().Format("15:04 MST"))
	gen, err := NewLogGenerator(ctx, Topic, r.opts.Records, from, r.opts.Span)
	if err != nil {
		return err
	}
	w := r.rt.Kafka.NewWriter(kafka.WriterOptions{BatchSize: 2000})
	defer w.Close()
	var bytes int64
	step := max(r.opts.Records/4, 1)
	for {
		msgs, err := gen.Next(ctx, 5000)
		if err != nil {
			return err
		}
		if len(msgs) == 0 {
			break
		}
		for i, res := range w.Produce(ctx, msgs) {
			if res.Err != nil {
				return fmt.Errorf("produce to %s: %w", Topic, res.Err)
			}
			bytes += int64(len(msgs[i].Value))
		}
		before := r.report.Produced
		r.report.Produced += int64(len(msgs))
		if r.report.Produced/int64(step) != before/int64(step) || r.report.Produced == int64(r.opts.Records) {
			r.progress("  produced %d/%d records", r.report.Produced, r.opts.Records)
		}
	}
	if r.report.Produced > 0 {
		r.progress("  %d records, %.1f MB, %d bytes per record on average", r.report.Produced, float64(bytes)/1e6, bytes/r.report.Produced)
	}
	return nil
}
