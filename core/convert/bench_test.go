package convert

import (
	"strings"
	"testing"

	"github.com/connectless/connectless/core/connect"
)

// logRecord is a typical ~200-byte JSON application log line.
var logRecord = []byte(`{"timestamp":"2024-05-01T12:34:56.789Z","level":"INFO","service":"checkout-api","host":"ip-10-0-3-17","trace_id":"4bf92f3577b34da6a3ce929d0e0e4736","message":"order placed","order_id":981234,"latency_ms":12.5}`)

// BenchmarkJSONConverterSchemaless measures ToConnect + FromConnect of one log record with
// schemas.enable=false; records/s is reported per core.
func BenchmarkJSONConverterSchemaless(b *testing.B) {
	c := NewJSONConverter()
	if err := c.Configure(map[string]string{"schemas.enable": "false"}, false); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.SetBytes(int64(len(logRecord)))
	for b.Loop() {
		s, v, err := c.ToConnect("logs", logRecord)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := c.FromConnect("logs", s, v); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "records/s")
}

// BenchmarkJSONConverterEnvelope is the same record inside a schema envelope (schema null).
func BenchmarkJSONConverterEnvelope(b *testing.B) {
	c := NewJSONConverter()
	env := append(append([]byte(`{"schema":null,"payload":`), logRecord...), '}')
	b.ReportAllocs()
	for b.Loop() {
		s, v, err := c.ToConnect("logs", env)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := c.FromConnect("logs", s, v); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "records/s")
}

// BenchmarkJSONConverterStruct reads and writes the log record as a Struct in a schema envelope.
func BenchmarkJSONConverterStruct(b *testing.B) {
	c := NewJSONConverter()
	s := connect.StructBuilder().Name("Log").
		Field("timestamp", connect.StringSchema()).Field("level", connect.StringSchema()).
		Field("service", connect.StringSchema()).Field("host", connect.StringSchema()).
		Field("trace_id", connect.StringSchema()).Field("message", connect.StringSchema()).
		Field("order_id", connect.Int64Schema()).Field("latency_ms", connect.Float64Schema()).Build()
	v := connect.NewStruct(s).MustPut("timestamp", "2024-05-01T12:34:56.789Z").MustPut("level", "INFO").
		MustPut("service", "checkout-api").MustPut("host", "ip-10-0-3-17").MustPut("trace_id", "4bf92f3577b34da6a3ce929d0e0e4736").
		MustPut("message", "order placed").MustPut("order_id", int64(981234)).MustPut("latency_ms", 12.5)
	data, err := c.FromConnect("logs", s, v)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		s, v, err := c.ToConnect("logs", data)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := c.FromConnect("logs", s, v); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "records/s")
}

// BenchmarkJSONConverterToConnectSchemaless measures ToConnect alone of one log record with
// schemas.enable=false, as a sink's value converter runs it.
func BenchmarkJSONConverterToConnectSchemaless(b *testing.B) {
	c := NewJSONConverter()
	if err := c.Configure(map[string]string{"schemas.enable": "false"}, false); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.SetBytes(int64(len(logRecord)))
	for b.Loop() {
		if _, _, err := c.ToConnect("logs", logRecord); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkStringConverterFromConnect writes one 200-byte log line as StringConverter does.
func BenchmarkStringConverterFromConnect(b *testing.B) {
	c := &StringConverter{}
	line := strings.Repeat("l", 200)
	b.ReportAllocs()
	for b.Loop() {
		if out, err := c.FromConnect("logs", nil, line); err != nil || len(out) != 200 {
			b.Fatal(err, len(out))
		}
	}
}

// BenchmarkByteArrayConverterToConnect reads one 200-byte value as a sink's value converter
// does on the byte path.
func BenchmarkByteArrayConverterToConnect(b *testing.B) {
	benchToConnect(b, NewByteArrayConverter(), logRecord)
}

// BenchmarkStringConverterToConnectNull reads a null key as a sink's key converter does for
// records without a key.
func BenchmarkStringConverterToConnectNull(b *testing.B) {
	benchToConnect(b, NewStringConverter(), nil)
}

// benchToConnect reads data with c through the Converter interface, as the runtime calls it
// (a call on the concrete type let the compiler inline it and drop the allocations).
//
//go:noinline
func benchToConnect(b *testing.B, c connect.Converter, data []byte) {
	b.ReportAllocs()
	for b.Loop() {
		if s, _, err := c.ToConnect("logs", data); err != nil || s == nil {
			b.Fatal(err)
		}
	}
}
