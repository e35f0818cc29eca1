package convert

import (
	"bytes"
	"encoding/json"
	"testing"
)

// checkAgainstToConnect fails when CheckJSON accepts data that ToConnect (schemas off) does
// not turn into a non-null value with a nil schema and no error, or rejects data the
// one-pass schemaless decoder takes with a non-null value.
func checkAgainstToConnect(t *testing.T, c *JSONConverter, data []byte) (checked bool) {
	t.Helper()
	checked = c.CheckJSON("t", data)
	schema, v, err := c.ToConnect("t", data)
	if checked && (err != nil || schema != nil || v == nil) {
		t.Fatalf("CheckJSON(%q) = true, but ToConnect gives %v, %#v, %v", data, schema, v, err)
	}
	if checked && !json.Valid(data) {
		t.Fatalf("CheckJSON(%q) = true for what is not exactly one JSON value", data)
	}
	if fast, ok := decodeFastSchemaless(data); ok && fast != nil && json.Valid(data) && !checked {
		t.Fatalf("CheckJSON(%q) = false for a value the one-pass decoder takes: %#v", data, fast)
	}
	return checked
}

func schemalessConverter(t testing.TB) *JSONConverter {
	c := NewJSONConverter()
	if err := c.Configure(map[string]string{SchemasEnable: "false"}, false); err != nil {
		t.Fatal(err)
	}
	return c
}

func TestCheckJSONAgreesWithToConnect(t *testing.T) {
	c := schemalessConverter(t)
	extra := []struct {
		in   string
		want bool
	}{
		{`null`, false},
		{`  null`, false},
		{`nullx`, false},
		{string(logRecord), true},
		{`[null]`, true},
		{`{"a":null}`, true},
		{`007`, false}, // Kafka's parser takes it, through the slow path
		{`{"a":1} {"b":2}`, false},
		{" {\"a\":1}\n", true},
	}
	for _, tc := range fastCases {
		t.Run(tc.in, func(t *testing.T) {
			got := checkAgainstToConnect(t, c, []byte(tc.in))
			if want := tc.fast && json.Valid([]byte(tc.in)); got != want {
				t.Errorf("CheckJSON(%q) = %v, want %v", tc.in, got, want)
			}
		})
	}
	for _, tc := range extra {
		t.Run(tc.in, func(t *testing.T) {
			if got := checkAgainstToConnect(t, c, []byte(tc.in)); got != tc.want {
				t.Errorf("CheckJSON(%q) = %v, want %v", tc.in, got, tc.want)
			}
		})
	}
	deep := append(bytes.Repeat([]byte("["), maxFastDepth+5), bytes.Repeat([]byte("]"), maxFastDepth+5)...)
	if checkAgainstToConnect(t, c, deep) {
		t.Error("CheckJSON took a value nested deeper than the one-pass decoder's limit")
	}
}

func TestCheckJSONFalseWithSchemas(t *testing.T) {
	c := NewJSONConverter() // schemas.enable=true: values are envelopes
	if c.CheckJSON("t", []byte(`{"schema":null,"payload":{"a":1}}`)) {
		t.Fatal("CheckJSON took an envelope with schemas.enable=true")
	}
}

func FuzzCheckJSON(f *testing.F) {
	for _, tc := range fastCases {
		f.Add([]byte(tc.in))
	}
	f.Add([]byte(`null`))
	c := schemalessConverter(f)
	f.Fuzz(func(t *testing.T, in []byte) { checkAgainstToConnect(t, c, in) })
}

// BenchmarkJSONConverterCheckJSON measures CheckJSON of one log record: what the runtime
// runs instead of ToConnect for a task that writes values from their bytes.
func BenchmarkJSONConverterCheckJSON(b *testing.B) {
	c := schemalessConverter(b)
	b.ReportAllocs()
	b.SetBytes(int64(len(logRecord)))
	for b.Loop() {
		if !c.CheckJSON("logs", logRecord) {
			b.Fatal("not checked")
		}
	}
}
