package convert

import (
	"bytes"
	"encoding/json"
	"math"
	"reflect"
	"testing"
	"time"

	"github.com/connectless/connectless/core/connect"
)

// Expected schemas and payloads from Apache Kafka's JsonConverterTest
// (connect/json/src/test/java/org/apache/kafka/connect/json/JsonConverterTest.java:
// booleanToJson, longToJson, doubleToJson, bytesToJson, arrayToJson, mapToJsonStringKeys,
// structToJson, decimalToJson, decimalToNumericJson, dateToJson, timeToJson, timestampToJson,
// nullSchemaAndPrimitiveToJson). Kafka compares parsed trees, so these tests do too; the
// envelope and the payload of a struct are also compared byte for byte.
func TestJSONConverterKafkaVectors(t *testing.T) {
	epoch := time.Unix(0, 0).UTC()
	structSchema := connect.StructBuilder().Field("field1", connect.BooleanSchema()).Field("field2", connect.StringSchema()).
		Field("field3", connect.StringSchema()).Field("field4", connect.BooleanSchema()).Build()
	tests := []struct {
		name    string
		props   map[string]string
		schema  *connect.Schema
		value   any
		schemaJ string // Kafka's expected schema, as written in its test
		payload string // Kafka's expected payload
	}{
		{"booleanToJson", nil, connect.BooleanSchema(), true, `{ "type": "boolean", "optional": false }`, `true`},
		{"longToJson", nil, connect.Int64Schema(), int64(4398046511104), `{ "type": "int64", "optional": false }`, `4398046511104`},
		{"doubleToJson", nil, connect.Float64Schema(), 12.34, `{ "type": "double", "optional": false }`, `12.34`},
		{"bytesToJson", nil, connect.BytesSchema(), []byte("test-string"), `{ "type": "bytes", "optional": false }`, `"dGVzdC1zdHJpbmc="`},
		{"arrayToJson", nil, connect.ArraySchema(connect.Int32Schema()), []any{int32(1), int32(2), int32(3)},
			`{ "type": "array", "items": { "type": "int32", "optional": false }, "optional": false }`, `[1, 2, 3]`},
		{"mapToJsonStringKeys", nil, connect.MapSchema(connect.StringSchema(), connect.Int32Schema()), map[string]any{"key1": int32(12), "key2": int32(15)},
			`{ "type": "map", "keys": { "type" : "string", "optional": false }, "values": { "type" : "int32", "optional": false }, "optional": false }`,
			`{ "key1": 12, "key2": 15 }`},
		{"structToJson", nil, structSchema,
			connect.NewStruct(structSchema).MustPut("field1", true).MustPut("field2", "string2").MustPut("field3", "string3").MustPut("field4", false),
			`{ "type": "struct", "optional": false, "fields": [{ "field": "field1", "type": "boolean", "optional": false }, { "field": "field2", "type": "string", "optional": false }, { "field": "field3", "type": "string", "optional": false }, { "field": "field4", "type": "boolean", "optional": false }] }`,
			`{ "field1": true, "field2": "string2", "field3": "string3", "field4": false }`},
		{"decimalToJson", nil, connect.DecimalSchema(2), connect.NewDecimal(156, 2),
			`{ "type": "bytes", "optional": false, "name": "org.apache.kafka.connect.data.Decimal", "version": 1, "parameters": { "scale": "2" } }`, `"AJw="`},
		{"decimalToNumericJson", map[string]string{"decimal.format": "NUMERIC"}, connect.DecimalSchema(2), connect.NewDecimal(156, 2),
			`{ "type": "bytes", "optional": false, "name": "org.apache.kafka.connect.data.Decimal", "version": 1, "parameters": { "scale": "2" } }`, `1.56`},
		{"dateToJson", nil, connect.DateSchema(), epoch.AddDate(0, 0, 10000),
			`{ "type": "int32", "optional": false, "name": "org.apache.kafka.connect.data.Date", "version": 1 }`, `10000`},
		{"timeToJson", nil, connect.TimeSchema(), epoch.Add(14400000 * time.Millisecond),
			`{ "type": "int32", "optional": false, "name": "org.apache.kafka.connect.data.Time", "version": 1 }`, `14400000`},
		{"timestampToJson", nil, connect.TimestampSchema(), epoch.Add(4000000000 * time.Millisecond),
			`{ "type": "int64", "optional": false, "name": "org.apache.kafka.connect.data.Timestamp", "version": 1 }`, `4000000000`},
		{"nullSchemaAndPrimitiveToJson", nil, nil, true, `null`, `true`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := mustJSON(t, tt.props).FromConnect("topic", tt.schema, tt.value)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.HasPrefix(got, []byte(`{"schema":`)) {
				t.Fatalf("envelope does not start with the schema: %s", got)
			}
			var env map[string]json.RawMessage
			if err := json.Unmarshal(got, &env); err != nil || len(env) != 2 {
				t.Fatalf("envelope %s: %v", got, err)
			}
			sameTree(t, "schema", env["schema"], tt.schemaJ)
			sameTree(t, "payload", env["payload"], tt.payload)
		})
	}
	// The struct payload keeps the field order, byte for byte.
	s := tests[6]
	got, err := mustJSON(t, map[string]string{"schemas.enable": "false"}).FromConnect("topic", s.schema, s.value)
	if want := `{"field1":true,"field2":"string2","field3":"string3","field4":false}`; err != nil || string(got) != want {
		t.Errorf("struct without envelope = %s, %v; want %s", got, err, want)
	}
}

func sameTree(t *testing.T, what string, got json.RawMessage, want string) {
	t.Helper()
	var g, w any
	if err := json.Unmarshal(got, &g); err != nil {
		t.Fatalf("%s %s: %v", what, got, err)
	}
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		t.Fatalf("expected %s %s: %v", what, want, err)
	}
	if !reflect.DeepEqual(g, w) {
		t.Errorf("%s = %s, want %s", what, got, want)
	}
}

// Float.MIN_VALUE and 2×Double.MIN_VALUE print as Java 19+ prints them (JDK-4511638 release
// note: 2×Double.MIN_VALUE is 9.9E-324), as the S3 sink's JsonFormat writes them too.
func TestJSONConverterSubnormals(t *testing.T) {
	c := mustJSON(t, map[string]string{"schemas.enable": "false"})
	for _, tt := range []struct {
		schema *connect.Schema
		value  any
		want   string
	}{
		{connect.Float32Schema(), float32(math.SmallestNonzeroFloat32), "1.4E-45"},
		{connect.Float64Schema(), 2 * math.SmallestNonzeroFloat64, "9.9E-324"},
		{connect.Float64Schema(), 1e7, "1.0E7"},
	} {
		got, err := c.FromConnect("t", tt.schema, tt.value)
		if err != nil || string(got) != tt.want {
			t.Errorf("FromConnect(%v) = %s, %v; want %s", tt.value, got, err, tt.want)
		}
	}
}
