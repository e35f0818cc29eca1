// Package datagen is a source connector that generates realistic records from built-in
// templates, compatible with Confluent's datagen connector (class
// io.confluent.kafka.connect.datagen.DatagenConnector, keys kafka.topic, quickstart,
// iterations, max.interval, random.seed, schema.string, schema.keyfield).
//
// Templates are Confluent's quickstarts users, orders, pageviews and clickstream, plus applogs:
// JSON-friendly application log lines of about 220 bytes (ts, level, service, host, trace_id,
// msg and an http struct of method, path, status and latency_ms) keyed by host, made for demos and benchmarks.
// schema.string takes an Avro record schema with arg.properties (options, range, iteration,
// regex) as Confluent's avro-random-generator reads them, for the common subset.
//
// Record i of task t is a pure function of (random.seed, t, i): with a seed, output is
// reproducible across runs and a restarted task continues exactly where its committed offset
// ({"task.id": t} → {"current.iteration": i}) left it.
package datagen
