package format

import (
	"bytes"
	"errors"
	"io"
	"testing"
)

func TestObjectReaderBadInput(t *testing.T) {
	o := Options{ByteArrayExtension: ".bin", ByteArraySeparator: "\n"}
	tests := []struct {
		ext  string
		body string
	}{
		{".json", "{\"a\":1}\nnot json\n"},
		{".json.gz", "not gzip at all"},
		{".json.zst", "not zstd at all"},
		{".bin", "rec1\nrec2 without separator"},
		{".avro", "Obj\x02 not avro"},
		{".avro", ""},
		{".snappy.parquet", "PAR1 not parquet PAR1"},
		{".csv", "a,b\n"},
	}
	for _, tc := range tests {
		r, err := NewReader(tc.ext, bytes.NewReader([]byte(tc.body)), o)
		for err == nil {
			_, _, err = r.Next()
		}
		if err == io.EOF || !errors.Is(err, ErrFormat) {
			t.Errorf("%s %q: error %v, want ErrFormat", tc.ext, tc.body, err)
		}
	}
}

func TestHeadersOf(t *testing.T) {
	v, err := ParseJSONValue([]byte(`{"headers":[{"key":"a","value":"1"},{"key":"b","value":null}]}`))
	if err != nil {
		t.Fatal(err)
	}
	h, err := HeadersOf(v)
	if err != nil || len(h) != 2 || h[0].Key != "a" || h[0].Value != "1" || h[1].Value != nil {
		t.Fatalf("headers %+v, %v", h, err)
	}
	if _, err := HeadersOf(map[string]any{"other": 1}); !errors.Is(err, ErrFormat) {
		t.Fatalf("error %v, want ErrFormat", err)
	}
}
