package format

import (
	"bytes"
	"slices"
	"strings"
	"testing"

	"github.com/connectless/connectless/core/connect"
	"github.com/connectless/connectless/core/convert"
)

// schemalessConverter is Kafka's JsonConverter with schemas.enable=false, the converter
// that hands sinks *connect.JSONBytes values.
func schemalessConverter(t testing.TB) *convert.JSONConverter {
	t.Helper()
	c := convert.NewJSONConverter()
	if err := c.Configure(map[string]string{convert.SchemasEnable: "false"}, false); err != nil {
		t.Fatal(err)
	}
	return c
}

// checkFromBytes asserts that writing raw as an unbuilt value gives what encoding the value
// the converter builds from raw gives, for both key orders, when the converter checks raw;
// it returns whether it checked raw and whether the scan took raw (default key order).
func checkFromBytes(t *testing.T, c *convert.JSONConverter, raw []byte) (checked, scanned bool) {
	t.Helper()
	if !c.CheckJSON("t", raw) {
		return false, false
	}
	_, v, err := c.ToConnect("t", raw)
	if err != nil {
		t.Fatalf("CheckJSON took %q, ToConnect fails: %v", raw, err)
	}
	for _, inputOrder := range []bool{false, true} {
		f := jsonFormat{w: jsonWriter{inputOrder: inputOrder}}
		slow, slowErr := f.Encode(nil, v)
		jb := connect.NewJSONBytes(raw, c, "t")
		got, verbatim, err := f.EncodeRaw(nil, raw, nil, &jb)
		if verbatim {
			got = append(slices.Clip(got), '\n')
		}
		if (err == nil) != (slowErr == nil) || !bytes.Equal(got, slow) {
			t.Fatalf("input order %v, raw %q: from the bytes %q (%v), from the value %q (%v)", inputOrder, raw, got, err, slow, slowErr)
		}
		if !inputOrder {
			_, _, scanned = f.w.appendFromBytes(nil, raw)
		}
	}
	return true, scanned
}

func TestJSONFromBytesDifferential(t *testing.T) {
	many := func(n int) string {
		var b strings.Builder
		b.WriteByte('{')
		for i := range n {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(`"k` + strings.Repeat("x", i) + `":1`)
		}
		return b.String() + "}"
	}
	tests := []struct {
		name, raw string
		scanned   bool // written from the bytes, without building the value
	}{
		{"log line in document order", `{"ts":"2024-05-01T12:34:56.789Z","level":"INFO","service":"checkout","latency_ms":12,"msg":"served"}`, true},
		{"in encoder order", `{"a":1,"b":2}`, true},
		// Java's HashMap puts "b" (hash 98) before "aa" (hash 3104, bucket 0) in 16 buckets.
		{"hash order differs from sorted order", `{"b":2,"aa":1}`, true},
		{"nested object in encoder order", `{"z":{"a":1,"b":[true,false,null]},"y":"x"}`, true},
		{"nested object out of order", `{"z":{"b":1,"a":2}}`, false},
		{"nested repeated key", `{"z":{"a":1,"a":2}}`, false},
		{"repeated key", `{"a":1,"a":2}`, false},
		{"spaces", `{"a": 1}`, false},
		{"trailing space", `{"a":1} `, false},
		{"leading space", ` {"a":1}`, false},
		{"escapes Jackson writes", `{"s":"q\" b\\ \n\t\r\b\f \u001F \u0000"}`, true},
		{"escaped slash", `{"s":"a\/b"}`, false},
		{"escaped letter", `{"s":"\u00e9"}`, false},
		{"lower-case hex", `{"s":"\u001f"}`, false},
		{"escape with a short form", `{"s":"\u000A"}`, false},
		{"escaped key", `{"a\"b":1}`, false},
		{"non-ASCII text", `{"s":"é 中 😀","ü":1}`, true},
		{"integers", `{"a":0,"b":-12,"c":9223372036854775807,"d":-9223372036854775808}`, true},
		{"integer beyond int64", `{"a":9223372036854775808}`, false},
		{"minus zero", `{"a":-0}`, false},
		{"double as Java prints it", `{"a":12.5,"b":1.0E10,"c":-0.0,"d":1.0E-5}`, true},
		{"double Java prints otherwise", `{"a":1.50}`, false},
		{"exponent Java prints otherwise", `{"a":1e5}`, false},
		{"top-level array", `[1,"a",{"b":null}]`, true},
		{"top-level string", `"text"`, true},
		{"top-level number", `12.5`, true},
		{"empty object", `{}`, true},
		{"48 members", many(48), true},
		{"49 members", many(49), false},
		{"17 members nested", `{"n":` + many(17) + `}`, false},
	}
	c := schemalessConverter(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checked, scanned := checkFromBytes(t, c, []byte(tt.raw))
			if !checked {
				t.Fatalf("the converter did not check %q", tt.raw)
			}
			if scanned != tt.scanned {
				t.Errorf("%q written from the bytes: %v, want %v", tt.raw, scanned, tt.scanned)
			}
		})
	}
}

func TestJSONFromBytesEncodeBuilds(t *testing.T) {
	c := schemalessConverter(t)
	raw := []byte(`{"b":1,"a":1.50}`)
	jb := connect.NewJSONBytes(raw, c, "t")
	got, err := jsonFormat{}.Encode(nil, &jb)
	if err != nil || string(got) != `{"a":1.5,"b":1}`+"\n" {
		t.Fatalf("Encode of an unbuilt value gives %q, %v", got, err)
	}
}

func FuzzJSONFromBytes(f *testing.F) {
	for _, s := range []string{`{"a":1}`, `{"b":2,"aa":1}`, `{"x":1.0E10,"y":[1,2.5,"c"]}`, `"\u001F"`, `{"a":{"b":null}}`,
		`{"s":"q\" \u0000"}`, `[-0,1e5]`, `{"a":1,"a":2}`} {
		f.Add([]byte(s))
	}
	c := schemalessConverter(f)
	f.Fuzz(func(t *testing.T, raw []byte) {
		checked, _ := checkFromBytes(t, c, raw)
		if !checked {
			return
		}
		// The encoder's own output is taken from the bytes when its objects are small.
		_, v, _ := c.ToConnect("t", raw)
		line, err := jsonFormat{}.Encode(nil, v)
		if err != nil {
			return
		}
		canonical := line[:len(line)-1]
		if _, scanned := checkFromBytes(t, c, canonical); !scanned && smallObjects(v, 0) {
			t.Fatalf("encoder output %q not written from the bytes", canonical)
		}
	})
}

// BenchmarkJSONFormatEncodeFromBytes writes the document-order log line of
// BenchmarkJSONFormatEncodeRawReordered as an unbuilt value: one scan, members copied in
// HashMap order, no map.
func BenchmarkJSONFormatEncodeFromBytes(b *testing.B) {
	raw := []byte(`{"ts":"2024-05-01T12:34:56.789Z","level":"INFO","service":"checkout","host":"checkout-7","trace_id":"4bf92f3577b34da6","latency_ms":12,"msg":"request served a b c d e f g h i j k l m n o p q r s t u v w x y z"}`)
	c := schemalessConverter(b)
	jb := connect.NewJSONBytes(raw, c, "logs")
	f := jsonFormat{}
	var buf []byte
	b.ReportAllocs()
	b.SetBytes(int64(len(raw)))
	for b.Loop() {
		out, verbatim, err := f.EncodeRaw(buf[:0], raw, nil, &jb)
		if err != nil || verbatim {
			b.Fatalf("verbatim %v, %v", verbatim, err)
		}
		buf = out[:0]
	}
}

// BenchmarkJSONValuePath is a record's JSON work in a sink with JsonFormat, from the
// value's bytes to the line: the converter's ToConnect then EncodeRaw with the map (built),
// against CheckJSON then EncodeRaw with the unbuilt value (from bytes). Same document-order
// log line, reordered either way.
func BenchmarkJSONValuePath(b *testing.B) {
	raw := []byte(`{"ts":"2024-05-01T12:34:56.789Z","level":"INFO","service":"checkout","host":"checkout-7","trace_id":"4bf92f3577b34da6","latency_ms":12,"msg":"request served a b c d e f g h i j k l m n o p q r s t u v w x y z"}`)
	c := schemalessConverter(b)
	f := jsonFormat{}
	for _, fromBytes := range []bool{false, true} {
		name := "built"
		if fromBytes {
			name = "from-bytes"
		}
		b.Run(name, func(b *testing.B) {
			var buf []byte
			b.ReportAllocs()
			b.SetBytes(int64(len(raw)))
			for b.Loop() {
				var v any
				if fromBytes {
					if !c.CheckJSON("logs", raw) {
						b.Fatal("not checked")
					}
					jb := connect.NewJSONBytes(raw, c, "logs")
					v = &jb
				} else {
					var err error
					if _, v, err = c.ToConnect("logs", raw); err != nil {
						b.Fatal(err)
					}
				}
				out, _, err := f.EncodeRaw(buf[:0], raw, nil, v)
				if err != nil {
					b.Fatal(err)
				}
				buf = out[:0]
			}
		})
	}
}

func TestJSONWriteAsRead(t *testing.T) {
	c := schemalessConverter(t)
	f, err := New(JSONFormatClass, Options{WriteAsRead: true})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		raw, want string
		asRead    bool
	}{
		{`{"b":1,"a":1e5,"s":"\/"}`, `{"b":1,"a":1e5,"s":"\/"}`, true},
		{" {\"a\": 1}\r\n", `{"a": 1}`, true},
		{"{\"a\":\n1,\"b\":2}", `{"a":1,"b":2}` + "\n", false}, // a line break between tokens
		{`[1,2]`, `[1,2]`, true},
	}
	for _, tt := range tests {
		jb := connect.NewJSONBytes([]byte(tt.raw), c, "t")
		got, asRead, err := f.(RawEncoder).EncodeRaw(nil, []byte(tt.raw), nil, &jb)
		if err != nil || asRead != tt.asRead || string(got) != tt.want {
			t.Errorf("EncodeRaw(%q) = %q, %v, %v; want %q, %v", tt.raw, got, asRead, err, tt.want, tt.asRead)
		}
	}
	// A built value is encoded as before: only unbuilt values are written as read.
	raw := []byte(`{"b":1,"a":1e5}`)
	_, v, _ := c.ToConnect("t", raw)
	if got, asRead, err := f.(RawEncoder).EncodeRaw(nil, raw, nil, v); err != nil || asRead || string(got) != `{"a":100000.0,"b":1}`+"\n" {
		t.Errorf("built value: EncodeRaw = %q, %v, %v", got, asRead, err)
	}
}
