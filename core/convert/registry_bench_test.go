package convert

import (
	"testing"
	"time"

	"github.com/connectless/connectless/core/connect"
	"github.com/connectless/connectless/infra/devstack"
	"github.com/connectless/connectless/infra/devstack/devstacktest"
)

// logSchema is logRecord's shape as a Connect struct.
var logSchema = connect.NewSchemaBuilder(connect.TypeStruct).Name("com.example.AppLog").
	Field("timestamp", &connect.Schema{Type: connect.TypeInt64, Name: connect.TimestampName, Version: 1}).
	Field("level", &connect.Schema{Type: connect.TypeString}).
	Field("service", &connect.Schema{Type: connect.TypeString}).
	Field("host", &connect.Schema{Type: connect.TypeString}).
	Field("trace_id", &connect.Schema{Type: connect.TypeString}).
	Field("message", &connect.Schema{Type: connect.TypeString}).
	Field("order_id", &connect.Schema{Type: connect.TypeInt64, Optional: true}).
	Field("latency_ms", &connect.Schema{Type: connect.TypeFloat64}).
	Build()

// BenchmarkSchemaRegistryConverters measures FromConnect + ToConnect of one log record per
// converter, with the schema id cached after the first record (no registry call per record).
func BenchmarkSchemaRegistryConverters(b *testing.B) {
	reg := devstacktest.SchemaRegistry(b, devstack.SchemaRegistryOptions{})
	v := connect.NewStruct(logSchema).
		MustPut("timestamp", time.UnixMilli(1714566896789).UTC()).MustPut("level", "INFO").MustPut("service", "checkout-api").
		MustPut("host", "ip-10-0-3-17").MustPut("trace_id", "4bf92f3577b34da6a3ce929d0e0e4736").MustPut("message", "order placed").
		MustPut("order_id", int64(981234)).MustPut("latency_ms", 12.5)
	for _, class := range []string{"AvroConverter", "ProtobufConverter", "JsonSchemaConverter"} {
		b.Run(class, func(b *testing.B) {
			c, err := New(class, map[string]string{"schema.registry.url": reg.URL()}, false)
			if err != nil {
				b.Fatal(err)
			}
			data, err := c.FromConnect("logs", logSchema, v)
			if err != nil {
				b.Fatal(err)
			}
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for b.Loop() {
				data, err := c.FromConnect("logs", logSchema, v)
				if err != nil {
					b.Fatal(err)
				}
				if _, _, err := c.ToConnect("logs", data); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "records/s")
		})
	}
	// A schema rebuilt for every record (as JsonConverter with schemas.enable does): the
	// schema text is made again, the parse and the registry call are not.
	b.Run("AvroConverter/schema-per-record", func(b *testing.B) {
		c, err := New("AvroConverter", map[string]string{"schema.registry.url": reg.URL()}, false)
		if err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		for b.Loop() {
			s := *logSchema
			rec := connect.NewStruct(&s)
			for _, f := range s.Fields {
				fv, _ := v.Get(f.Name)
				rec.MustPut(f.Name, fv)
			}
			if _, err := c.FromConnect("logs", &s, rec); err != nil {
				b.Fatal(err)
			}
		}
	})
}
