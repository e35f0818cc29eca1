package format

import (
	"bytes"
	"encoding/json"
	"math/big"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// schemalessJSON decodes data as Kafka's JsonConverter does with schemas.enable=false:
// objects to map[string]any, integral numbers to int64 (wrapping to their low 64 bits),
// other numbers to float64.
func schemalessJSON(data []byte) (any, bool) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, false
	}
	if _, err := dec.Token(); err == nil {
		return nil, false // trailing data
	}
	return toSchemaless(v), true
}

func toSchemaless(v any) any {
	switch x := v.(type) {
	case json.Number:
		if !strings.ContainsAny(string(x), ".eE") {
			if n, err := strconv.ParseInt(string(x), 10, 64); err == nil {
				return n
			}
			bi, _ := new(big.Int).SetString(string(x), 10)
			return int64(new(big.Int).And(bi, new(big.Int).SetUint64(^uint64(0))).Uint64())
		}
		f, _ := strconv.ParseFloat(string(x), 64)
		return f
	case []any:
		for i, e := range x {
			x[i] = toSchemaless(e)
		}
	case map[string]any:
		for k, e := range x {
			x[k] = toSchemaless(e)
		}
	}
	return v
}

// checkRaw asserts that writing raw for v gives what encoding v gives, for both key orders,
// and returns whether the raw bytes were taken as they are (default key order).
func checkRaw(t *testing.T, raw []byte, v any) bool {
	t.Helper()
	var fast bool
	for _, inputOrder := range []bool{false, true} {
		f := jsonFormat{w: jsonWriter{inputOrder: inputOrder}}
		slow, slowErr := f.Encode(nil, v)
		got, verbatim, err := f.EncodeRaw(nil, raw, nil, v)
		if verbatim {
			got = append(slices.Clip(got), '\n')
		}
		if (err == nil) != (slowErr == nil) || !bytes.Equal(got, slow) {
			t.Fatalf("input order %v, raw %q: encodeRaw gives %q (%v), encode gives %q (%v)", inputOrder, raw, got, err, slow, slowErr)
		}
		if !inputOrder {
			fast = f.w.rawMatches(raw, v)
		}
	}
	return fast
}

func TestJSONRawValueDifferential(t *testing.T) {
	tests := []struct {
		name string
		raw  string
		fast bool // the bytes are written as they are
	}{
		{"log line in HashMap order", `{"msg":"request served","trace_id":"4bf92f3577b34da6","level":"INFO","service":"checkout","host":"checkout-7","latency_ms":12,"ts":"2024-05-01T12:34:56.789Z"}`, true},
		{"log line in document order", `{"ts":"2024-05-01T12:34:56.789Z","level":"INFO","service":"checkout","host":"checkout-7","trace_id":"4bf92f3577b34da6","latency_ms":12,"msg":"request served"}`, false},
		{"whitespace", `{"a": 1}`, false},
		{"trailing newline", "{\"a\":1}\n", false},
		{"empty object", `{}`, true},
		{"empty array", `[]`, true},
		{"scalar string", `"x"`, true},
		{"null", `null`, true},
		{"booleans", `[true,false]`, true},
		{"colliding keys Aa BB in order", `{"Aa":1,"BB":2}`, true},
		{"colliding keys Aa BB reversed", `{"BB":2,"Aa":1}`, false},
		{"duplicate key", `{"a":1,"a":1}`, false},
		{"double one", `{"x":1.0}`, true},
		{"double trailing zero", `{"x":1.50}`, false},
		{"double exponent Java form", `{"x":1.0E10}`, true},
		{"double exponent JSON form", `{"x":1e10}`, false},
		{"double plus exponent", `{"x":1.0E+10}`, false},
		{"double small", `{"x":1.0E-4}`, true},
		{"double small plain", `{"x":0.0001}`, false},
		{"double plain below 1e7", `{"x":1234567.5}`, true},
		{"negative zero integer", `{"x":-0}`, false},
		{"negative zero double", `{"x":-0.0}`, true},
		{"int64 max", `{"x":9223372036854775807}`, true},
		{"int64 overflow wraps", `{"x":9223372036854775808}`, false},
		{"negative integer", `{"x":-42}`, true},
		{"escapes Jackson writes", `{"s":"a\"b\\c\n\t\r\b\f\u0001\u001F"}`, true},
		{"lower-case hex escape", `{"s":"\u001f"}`, false},
		{"escaped slash", `{"s":"a\/b"}`, false},
		{"escaped non-ASCII", `{"s":"\u00e9"}`, false},
		{"raw non-ASCII", `{"s":"é✓😀"}`, true},
		{"supplementary key", `{"😀":1}`, true},
		{"escaped key", `{"a\nb":1}`, false},
		{"nested", `{"a":{"b":[1,2.5,"c",{"d":null}],"c":[]},"b":true}`, true},
		{"nested out of order", `{"a":{"c":[],"b":[1]},"b":true}`, false},
		{"many keys", `{"k00":0,"k01":1,"k02":2,"k03":3,"k04":4,"k05":5,"k06":6,"k07":7,"k08":8,"k09":9,"k10":10,"k11":11,"k12":12,"k13":13}`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, ok := schemalessJSON([]byte(tt.raw))
			if !ok {
				t.Fatalf("test input %q is not JSON", tt.raw)
			}
			if fast := checkRaw(t, []byte(tt.raw), v); fast != tt.fast {
				t.Errorf("written as read: %v, want %v", fast, tt.fast)
			}
		})
	}
}

// TestJSONRawValueReordered checks which objects as read are copied member by member in the
// encoder's order (their output is checked against the encoder's by checkRaw).
func TestJSONRawValueReordered(t *testing.T) {
	tests := []struct {
		name      string
		raw       string
		ok        bool
		reordered bool
	}{
		{"log line in document order", `{"ts":"2024-05-01T12:34:56.789Z","level":"INFO","service":"checkout","host":"checkout-7","trace_id":"4bf92f3577b34da6","latency_ms":12,"msg":"request served"}`, true, true},
		{"colliding keys reversed", `{"BB":2,"Aa":1}`, true, true},
		{"colliding keys in order", `{"Aa":1,"BB":2}`, true, false},
		{"nested object out of order", `{"b":true,"a":{"c":[],"b":[1]}}`, false, false},
		{"value not in Java form", `{"b":1e3,"a":1}`, false, false},
		{"duplicate key", `{"b":1,"a":2,"b":1}`, false, false},
		{"whitespace", `{"b":1, "a":2}`, false, false},
		{"trailing bytes", `{"b":1,"a":2}x`, false, false},
		{"empty object", `{}`, true, false},
		{"seventeen keys", `{"k00":0,"k01":1,"k02":2,"k03":3,"k04":4,"k05":5,"k06":6,"k07":7,"k08":8,"k09":9,"k10":10,"k11":11,"k12":12,"k13":13,"k14":14,"k15":15,"k16":16}`, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, ok := schemalessJSON([]byte(tt.raw))
			if !ok {
				t.Fatalf("test input %q is not JSON", tt.raw)
			}
			checkRaw(t, []byte(tt.raw), v)
			m, _ := v.(map[string]any)
			b, inOrder, ok := jsonWriter{}.appendRawObject(nil, []byte(tt.raw), m)
			if ok != tt.ok || (ok && inOrder == tt.reordered) {
				t.Errorf("qualifies %v, in order %v; want %v, reordered %v", ok, inOrder, tt.ok, tt.reordered)
			}
			if !ok && b != nil {
				t.Errorf("appended %q to nil for an object that does not qualify", b)
			}
		})
	}
}

// TestJSONRawValueCanonical checks that the encoder's own output is always written as read:
// the fast path is taken whenever the bytes allow it.
func TestJSONRawValueCanonical(t *testing.T) {
	for _, doc := range []string{
		`{"ts":"2024-05-01T12:34:56.789Z","level":"INFO","latency_ms":12.25,"n":-3,"big":1e300,"tiny":5e-324,"ok":true,"tags":["a","b"],"ctx":{"Aa":1,"BB":2,"C#":3}}`,
		`{"k00":0,"k01":1,"k02":2,"k03":3,"k04":4,"k05":5,"k06":6,"k07":7,"k08":8,"k09":9,"k10":10,"k11":11,"k12":12,"k13":13}`,
		`{"s":"tab\there \"quoted\" back\\slash \u0000 é"}`,
	} {
		v, ok := schemalessJSON([]byte(doc))
		if !ok {
			t.Fatalf("test input %q is not JSON", doc)
		}
		line, err := jsonFormat{}.Encode(nil, v)
		if err != nil {
			t.Fatal(err)
		}
		canonical := line[:len(line)-1]
		if !checkRaw(t, canonical, v) {
			t.Errorf("encoder output %q not written as read", canonical)
		}
	}
}

// TestJSONRawValueOtherConverters checks values a converter other than schemaless JSON made:
// the raw bytes are never written unless they are the value's encoding.
func TestJSONRawValueOtherConverters(t *testing.T) {
	tests := []struct {
		name string
		raw  string
		v    any
	}{
		{"string converter", `{"a":1}`, `{"a":1}`},
		{"byte array converter", `{"a":1}`, []byte(`{"a":1}`)},
		{"envelope payload", `{"schema":null,"payload":{"a":1}}`, map[string]any{"a": int64(1)}},
		{"same keys, other values", `{"payload":{"a":1},"schema":null}`, map[string]any{"payload": int64(1), "schema": nil}},
		{"fewer keys in value", `{"a":1,"b":2}`, map[string]any{"a": int64(1)}},
		{"more keys in value", `{"a":1}`, map[string]any{"a": int64(1), "b": int64(2)}},
		{"int32 value", `7`, int32(7)},
		{"float32 value", `1.1`, float32(1.1)},
		{"NaN", `"NaN"`, nanValue()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkRaw(t, []byte(tt.raw), tt.v)
		})
	}
}

func nanValue() float64 { z := 0.0; return z / z }

// FuzzJSONRawValue asserts for arbitrary bytes that writing raw bytes for a value gives the
// encoder's output, whether the value was decoded from those bytes or from others.
func FuzzJSONRawValue(f *testing.F) {
	for _, s := range []string{`{"a":1}`, `{"Aa":1,"BB":2}`, `{"x":1.0E10,"y":[1,2.5,"c"]}`, `"\u001F"`, `{"a":{"b":null}}`} {
		f.Add([]byte(s), []byte(`{"a":1}`))
	}
	f.Fuzz(func(t *testing.T, raw, other []byte) {
		for _, src := range [][]byte{raw, other} {
			v, ok := schemalessJSON(src)
			if !ok {
				continue
			}
			checkRaw(t, raw, v)
			checkRaw(t, other, v)
			line, err := jsonFormat{}.Encode(nil, v)
			if err != nil {
				continue
			}
			if canonical := line[:len(line)-1]; !checkRaw(t, canonical, v) && smallObjects(v, 0) {
				t.Fatalf("encoder output %q not written as read", canonical)
			}
		}
	})
}

// smallObjects reports whether every object in v has at most 8 keys, none needing an escape,
// and nesting stays below maxRawDepth: such values are always matched when their bytes are
// canonical.
func smallObjects(v any, depth int) bool {
	if depth >= maxRawDepth {
		return false
	}
	switch x := v.(type) {
	case []any:
		for _, e := range x {
			if !smallObjects(e, depth+1) {
				return false
			}
		}
	case map[string]any:
		if len(x) > 8 {
			return false
		}
		for k, e := range x {
			if needsEscape(k) {
				return false
			}
			if !smallObjects(e, depth+1) {
				return false
			}
		}
	}
	return true
}
