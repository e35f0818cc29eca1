package bench

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/twmb/franz-go/pkg/sr"

	"github.com/connectless/connectless/core/kafka"
)

// FormatSchemaJSONParquet is JsonSchemaConverter + ParquetFormat: the S3 sink's Parquet
// beside the Iceberg row. ParquetFormat needs Connect schemas, which schemaless JSON does
// not carry, so the same log lines go in Confluent's JSON Schema wire format (a magic
// byte and the 4-byte id of a schema in Schema Registry before the unchanged JSON line)
// on a topic of their own.
const FormatSchemaJSONParquet = "jsonschema-parquet"

// schemaLogTopic is the topic of the S3 sink's ParquetFormat beside the Iceberg row: P1's
// log lines (same generator, count and size) in JSON Schema wire format.
const schemaLogTopic = "bench-logs-jsonschema"

// logLineJSONSchema is the JSON Schema of logLine, registered under <topic>-value: the
// columns the Iceberg sink infers from the schemaless line (ts stays a string there too).
const logLineJSONSchema = `{"type":"object","title":"LogLine","additionalProperties":false,` +
	`"required":["ts","level","service","host","trace_id","latency_ms","msg"],"properties":{` +
	`"ts":{"type":"string"},"level":{"type":"string"},"service":{"type":"string"},"host":{"type":"string"},` +
	`"trace_id":{"type":"string"},"latency_ms":{"type":"integer"},"msg":{"type":"string"}}}`

// schemaParquetConfig turns a job's S3 sink configuration into JsonSchemaConverter (on
// registry) and ParquetFormat (parquet.codec at its default, snappy).
func schemaParquetConfig(cfg map[string]string, registry string) {
	delete(cfg, "value.converter.schemas.enable")
	delete(cfg, "s3.compression.type")
	cfg["value.converter"] = "io.confluent.connect.json.JsonSchemaConverter"
	cfg["value.converter.schema.registry.url"] = registry
	cfg["format.class"] = "io.confluent.connect.s3.format.parquet.ParquetFormat"
}

// loadSchemaLogs creates schemaLogTopic, registers logLineJSONSchema and writes P1's
// number of log lines to it in JSON Schema wire format; it returns the value bytes
// written.
func (r *runner) loadSchemaLogs(ctx context.Context) (int64, error) {
	if err := r.svc.kc.CreateTopics(ctx, kafka.TopicSpec{Name: schemaLogTopic, Partitions: r.opts.Partitions, ReplicationFactor: 1}); err != nil {
		return 0, fmt.Errorf("create %s: %w", schemaLogTopic, err)
	}
	if err := r.waitPartitions(ctx, schemaLogTopic, r.opts.Partitions); err != nil {
		return 0, fmt.Errorf("%s: %w", schemaLogTopic, err)
	}
	cl, err := sr.NewClient(sr.URLs(r.svc.registry.URL()))
	if err != nil {
		return 0, fmt.Errorf("registry client: %w", err)
	}
	ss, err := cl.CreateSchema(ctx, schemaLogTopic+"-value", sr.Schema{Schema: logLineJSONSchema, Type: sr.TypeJSON})
	if err != nil {
		return 0, fmt.Errorf("register %s-value: %w", schemaLogTopic, err)
	}
	var header sr.ConfluentHeader
	return produce(ctx, r.svc.kafka.Brokers(), schemaLogTopic, r.opts.Records, func(b []byte, rng *rand.Rand, at time.Time) ([]byte, error) {
		b, err := header.AppendEncode(b, ss.ID, nil)
		if err != nil {
			return nil, err
		}
		return logLine(b, rng, at, r.opts.RecordSize), nil
	})
}
