package transform

import (
	"testing"
	"time"

	"github.com/connectless/connectless/core/connect"
)

// BenchmarkChain3 runs a 3-SMT chain (InsertField$Value static field, ReplaceField$Value
// exclude, TimestampRouter) over a schemaless log record of about 200 bytes of JSON:
// {"timestamp":"2024-03-05T06:07:08.009Z","level":"INFO","service":"checkout","host":"ip-10-0-3-17",
// "trace_id":"4bf92f3577b34da6a3ce929d0e0e4736","message":"order placed id=918273 total=42.10 EUR"}
func BenchmarkChain3(b *testing.B) {
	c, err := NewChain(Builtin(), map[string]string{
		"transforms":                    "env,drop,route",
		"transforms.env.type":           "InsertField$Value",
		"transforms.env.static.field":   "env",
		"transforms.env.static.value":   "prod",
		"transforms.drop.type":          "ReplaceField$Value",
		"transforms.drop.exclude":       "host,trace_id",
		"transforms.route.type":         "TimestampRouter",
		"transforms.route.topic.format": "${topic}-${timestamp}",
	})
	if err != nil {
		b.Fatal(err)
	}
	value := map[string]any{
		"timestamp": "2024-03-05T06:07:08.009Z",
		"level":     "INFO",
		"service":   "checkout",
		"host":      "ip-10-0-3-17",
		"trace_id":  "4bf92f3577b34da6a3ce929d0e0e4736",
		"message":   "order placed id=918273 total=42.10 EUR",
	}
	partition, offset := int32(0), int64(0)
	in := &connect.Record{Topic: "logs", Partition: &partition, Offset: &offset, Value: value,
		Timestamp: time.Date(2024, 3, 5, 6, 7, 8, 9e6, time.UTC)}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		out, err := c.Apply(in)
		if err != nil || out == nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "records/s")
}
