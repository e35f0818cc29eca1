package convert

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"
)

// decodeWithDecoder is the reference: encoding/json's Decoder with UseNumber.
func decodeWithDecoder(data []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	err := dec.Decode(&v)
	return v, err
}

// checkFastAgainstDecoder fails when decodeFast accepts what the Decoder rejects or decodes
// anything differently; decodeStrict must always agree with the Decoder.
func checkFastAgainstDecoder(t *testing.T, in []byte) (fastOK bool) {
	t.Helper()
	want, wantErr := decodeWithDecoder(in)
	got, ok := decodeFast(in)
	if ok {
		if wantErr != nil {
			t.Fatalf("decodeFast(%q) accepted input the Decoder rejects: %v", in, wantErr)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("decodeFast(%q) = %#v, Decoder gives %#v", in, got, want)
		}
	}
	strict, err := decodeStrict(in)
	if (err == nil) != (wantErr == nil) || (err != nil && err.Error() != wantErr.Error()) || !reflect.DeepEqual(strict, want) {
		t.Fatalf("decodeStrict(%q) = %#v, %v; Decoder gives %#v, %v", in, strict, err, want, wantErr)
	}
	return ok
}

var fastCases = []struct {
	in   string
	fast bool // whether the fast path is expected to take it
}{
	{`{"a":1,"b":"x","c":[true,false,null],"d":{"e":-1.5e+3}}`, true},
	{string(logRecord), true},
	{`  {"a" : [ 1 , 2 ] }  trailing garbage after an object is not read`, true},
	{`[1,2]]`, true},
	{`"plain"`, true},
	{`"plain" `, true},
	{`"plain"x`, false},
	{`123`, true},
	{`123 456`, true},
	{`123x`, false},
	{`-0`, true},
	{`0.5E-7`, true},
	{`1.`, false},
	{`.5`, false},
	{`-`, false},
	{`01`, false},
	{`{"a":01}`, false},
	{`1e`, false},
	{`true`, true},
	{`truex`, false},
	{`nul`, false},
	{`{"a":1,"a":2}`, true},
	{`{}`, true},
	{`[]`, true},
	{`{"a":}`, false},
	{`{"a" 1}`, false},
	{`{"a":1,}`, false},
	{`[1,]`, false},
	{`{a:1}`, false},
	{`"esc \" \\ \/ \b \f \n \r \t \u00e9 \u4e2d"`, true},
	{`"surrogates \ud83d\ude00"`, false},
	{`"lone \ud83d"`, false},
	{`"bad \x"`, false},
	{`"bad \u12"`, false},
	{"\"ctl \x01\"", false},
	{"\"utf8 é 中 😀\"", true},
	{"\"invalid \xff utf8\"", false},
	{"{\"k\xfe\":1}", false},
	{``, false},
	{`   `, false},
	{`{"unterminated":"x`, false},
	{`[1,2`, false},
	{`{"n":12345678901234567890123}`, true},
	{`{"a":[1,-2.5e3,"x",{"b":-9223372036854775808,"c":""}],"d":-0,"e":1.0}`, true},
}

func TestDecodeFastMatchesDecoder(t *testing.T) {
	for _, tc := range fastCases {
		t.Run(tc.in, func(t *testing.T) {
			if got := checkFastAgainstDecoder(t, []byte(tc.in)); got != tc.fast {
				t.Errorf("fast path took %q: %v, want %v", tc.in, got, tc.fast)
			}
		})
	}
}

func TestDecodeFastDeepNestingFallsBack(t *testing.T) {
	deep := bytes.Repeat([]byte("["), maxFastDepth+5)
	deep = append(deep, bytes.Repeat([]byte("]"), maxFastDepth+5)...)
	if checkFastAgainstDecoder(t, deep) {
		t.Fatal("fast path took a value nested deeper than its limit")
	}
}

func FuzzDecodeFast(f *testing.F) {
	for _, tc := range fastCases {
		f.Add([]byte(tc.in))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		checkFastAgainstDecoder(t, in)
		checkSchemalessFast(t, in)
	})
}

// checkSchemalessFast fails when decodeFastSchemaless differs from decodeFast followed by
// schemaless, in what it accepts or what it gives.
func checkSchemalessFast(t *testing.T, in []byte) {
	t.Helper()
	want, wantOK := decodeFast(in)
	if wantOK {
		want = schemaless(want)
	}
	got, ok := decodeFastSchemaless(in)
	if ok != wantOK || !reflect.DeepEqual(got, want) {
		t.Fatalf("decodeFastSchemaless(%q) = %#v, %v; decodeFast then schemaless gives %#v, %v", in, got, ok, want, wantOK)
	}
}

func TestDecodeFastSchemaless(t *testing.T) {
	for _, tc := range fastCases {
		t.Run(tc.in, func(t *testing.T) { checkSchemalessFast(t, []byte(tc.in)) })
	}
}

// BenchmarkDecodeStrict measures decoding one ~200-byte log line to Go values.
func BenchmarkDecodeStrict(b *testing.B) {
	b.ReportAllocs()
	b.SetBytes(int64(len(logRecord)))
	for b.Loop() {
		if _, err := decodeStrict(logRecord); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDecodeWithDecoder is the same with encoding/json's Decoder alone, for comparison.
func BenchmarkDecodeWithDecoder(b *testing.B) {
	b.ReportAllocs()
	b.SetBytes(int64(len(logRecord)))
	for b.Loop() {
		if _, err := decodeWithDecoder(logRecord); err != nil {
			b.Fatal(err)
		}
	}
}
