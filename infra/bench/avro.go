package bench

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"strconv"
	"time"

	"github.com/hamba/avro/v2"
	"github.com/parquet-go/parquet-go"
	"github.com/twmb/franz-go/pkg/sr"

	"github.com/connectless/connectless/core/kafka"
)

// avroTopic is the Avro → Parquet row's topic.
const avroTopic = "bench-avro"

// avroLogSchema is the log line of P1 as an Avro record, registered under <topic>-value.
const avroLogSchema = `{"type":"record","name":"LogLine","namespace":"bench","fields":[
 {"name":"ts","type":{"type":"long","logicalType":"timestamp-millis"}},
 {"name":"level","type":"string"},{"name":"service","type":"string"},{"name":"host","type":"string"},
 {"name":"trace_id","type":"string"},{"name":"latency_ms","type":"int"},{"name":"msg","type":"string"}]}`

// avroLine is one log line as the loader encodes it and the ceiling decodes and writes it.
type avroLine struct {
	TS        int64  `avro:"ts" parquet:"ts"`
	Level     string `avro:"level" parquet:"level"`
	Service   string `avro:"service" parquet:"service"`
	Host      string `avro:"host" parquet:"host"`
	TraceID   string `avro:"trace_id" parquet:"trace_id"`
	LatencyMs int32  `avro:"latency_ms" parquet:"latency_ms"`
	Msg       string `avro:"msg" parquet:"msg"`
}

// newAvroLine is a log line of about size bytes once encoded, with the words of logLine.
func newAvroLine(rng *rand.Rand, at time.Time, size int) avroLine {
	svc := serviceNames[rng.IntN(len(serviceNames))]
	l := avroLine{TS: at.UnixMilli(), Level: levels[rng.IntN(len(levels))], Service: svc,
		Host: svc + "-" + strconv.Itoa(rng.IntN(16)), TraceID: strconv.FormatUint(rng.Uint64(), 16),
		LatencyMs: int32(rng.IntN(2000))}
	msg := []byte(messages[rng.IntN(len(messages))])
	for len(msg)+len(l.Level)+len(l.Service)+len(l.Host)+len(l.TraceID)+16 < size {
		msg = append(msg, ' ', 'a'+byte(rng.IntN(26)))
	}
	l.Msg = string(msg)
	return l
}

// loadAvro registers avroLogSchema with the registry at url and writes n log lines to
// topic in Confluent's wire format (franz-go's Serde with hamba/avro); it returns the
// value bytes written.
func loadAvro(ctx context.Context, brokers []string, url, topic string, n, size int) (int64, error) {
	cl, err := sr.NewClient(sr.URLs(url))
	if err != nil {
		return 0, fmt.Errorf("registry client: %w", err)
	}
	ss, err := cl.CreateSchema(ctx, topic+"-value", sr.Schema{Schema: avroLogSchema, Type: sr.TypeAvro})
	if err != nil {
		return 0, fmt.Errorf("register %s-value: %w", topic, err)
	}
	schema := avro.MustParse(avroLogSchema)
	var serde sr.Serde
	serde.Register(ss.ID, avroLine{}, sr.EncodeFn(func(v any) ([]byte, error) { return avro.Marshal(schema, v) }))
	return produce(ctx, brokers, topic, n, func(b []byte, rng *rand.Rand, at time.Time) ([]byte, error) {
		return serde.AppendEncode(b, newAvroLine(rng, at, size))
	})
}

// avroParquetBuffer is the ceiling's object of the Avro → Parquet row: Confluent-framed
// Avro values decoded with hamba/avro into a Parquet file written by parquet-go (snappy, as
// the S3 sink's default parquet.codec).
type avroParquetBuffer struct {
	ctx     context.Context
	cl      *sr.Client
	header  sr.ConfluentHeader
	schemas map[int]avro.Schema
	rows    []avroLine
	buf     bytes.Buffer
	w       *parquet.GenericWriter[avroLine]
}

func newAvroParquetBuffer(ctx context.Context, url string) (*avroParquetBuffer, error) {
	cl, err := sr.NewClient(sr.URLs(url))
	if err != nil {
		return nil, fmt.Errorf("registry client: %w", err)
	}
	o := &avroParquetBuffer{ctx: ctx, cl: cl, schemas: map[int]avro.Schema{}, rows: make([]avroLine, 0, 1024)}
	o.w = parquet.NewGenericWriter[avroLine](&o.buf, parquet.Compression(&parquet.Snappy), parquet.PageBufferSize(64<<10))
	return o, nil
}

func (o *avroParquetBuffer) add(v []byte) error {
	id, payload, err := o.header.DecodeID(v)
	if err != nil {
		return fmt.Errorf("avro value: %w", err)
	}
	schema, ok := o.schemas[id]
	if !ok {
		s, err := o.cl.SchemaByID(o.ctx, id)
		if err != nil {
			return fmt.Errorf("schema %d: %w", id, err)
		}
		if schema, err = avro.Parse(s.Schema); err != nil {
			return fmt.Errorf("schema %d: %w", id, err)
		}
		o.schemas[id] = schema
	}
	var l avroLine
	if err := avro.Unmarshal(schema, payload, &l); err != nil {
		return fmt.Errorf("avro value: %w", err)
	}
	o.rows = append(o.rows, l)
	if len(o.rows) >= 1024 {
		return o.flushRows()
	}
	return nil
}

func (o *avroParquetBuffer) flushRows() error {
	if _, err := o.w.Write(o.rows); err != nil {
		return fmt.Errorf("parquet: %w", err)
	}
	o.rows = o.rows[:0]
	return nil
}

func (o *avroParquetBuffer) finish() ([]byte, error) {
	if err := o.flushRows(); err != nil {
		return nil, err
	}
	if err := o.w.Close(); err != nil {
		return nil, fmt.Errorf("parquet: %w", err)
	}
	return o.buf.Bytes(), nil
}

func (o *avroParquetBuffer) reset() {
	o.buf.Reset()
	o.w.Reset(&o.buf)
}

func (o *avroParquetBuffer) extension() string { return ".snappy.parquet" }

// countParquet counts the rows of a Parquet object.
func countParquet(body []byte) (int64, error) {
	f, err := parquet.OpenFile(bytes.NewReader(body), int64(len(body)))
	if err != nil {
		return 0, err
	}
	return f.NumRows(), nil
}

// avroParquet is P1's Avro → Parquet row: the ceiling (hamba/avro decode + parquet-go write
// + PutObject) and the worker path (AvroConverter + ParquetFormat), interleaved, on a topic
// of AvroRecords records.
func (r *runner) avroParquet(ctx context.Context) error {
	if r.opts.AvroRecords < 0 || !r.wants(KindWorker+"/avro-parquet") {
		return nil
	}
	if err := r.svc.kc.CreateTopics(ctx, kafka.TopicSpec{Name: avroTopic, Partitions: r.opts.Partitions, ReplicationFactor: 1}); err != nil {
		return fmt.Errorf("avro: %w", err)
	}
	if err := r.waitPartitions(ctx, avroTopic, r.opts.Partitions); err != nil {
		return fmt.Errorf("avro: %w", err)
	}
	start := time.Now()
	n, err := loadAvro(ctx, r.svc.kafka.Brokers(), r.svc.registry.URL(), avroTopic, r.opts.AvroRecords, r.opts.RecordSize)
	if err != nil {
		return fmt.Errorf("avro: %w", err)
	}
	r.rep.AvroRecords, r.rep.AvroValueBytes = r.opts.AvroRecords, n
	r.progress("P1: loaded %d Avro log lines (Schema Registry wire format), %.1f MB, in %.1fs", r.opts.AvroRecords, float64(n)/1e6, time.Since(start).Seconds())
	var group []variantJob
	for _, k := range []string{KindCeiling, KindWorker} {
		group = append(group, variantJob{k + "/avro-parquet", Job{Kind: k, Topic: avroTopic, FlushSize: r.flushSize(), Tasks: r.opts.Tasks, RegistryURL: r.svc.registry.URL(), MemoryMB: r.taskMemoryMB(k)}})
	}
	r.rep.AvroParquet, err = r.interleave(ctx, "P1", group, r.opts.AvroRecords, n)
	return err
}
