package format

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/klauspost/compress/zstd"

	"github.com/connectless/connectless/core/connect"
)

// This file is the read side of the formats: readers for every format.

// Reader yields the records one object holds, in the order they were written.
type Reader interface {
	// Next returns the next record's schema and value (nil schema for schemaless values),
	// or io.EOF after the last one. Other errors wrap ErrFormat.
	Next() (*connect.Schema, any, error)
	// Close releases the reader's resources.
	Close() error
}

// NewReader returns a reader for an object with the given extension (after the view
// suffix): .json and ByteArrayFormat's extension (o.ByteArrayExtension, records split on
// o.ByteArraySeparator), each optionally .gz or .zst, .avro, and *.parquet. The reader
// consumes body; the caller closes body after the reader.
func NewReader(ext string, body io.Reader, o Options) (Reader, error) {
	return newReader(ext, body, o, false)
}

// NewRawJSONReader is NewReader, except that JsonFormat records are returned as the bytes of
// their line (schema optional BYTES, without the line feed) instead of being parsed.
func NewRawJSONReader(ext string, body io.Reader, o Options) (Reader, error) {
	return newReader(ext, body, o, true)
}

func newReader(ext string, body io.Reader, c Options, rawJSON bool) (Reader, error) {
	switch {
	case strings.HasSuffix(ext, ".parquet"):
		return newParquetReader(body)
	case ext == ".avro":
		return newAvroReader(body)
	}
	base, r := ext, body
	var closeFn func() error
	switch {
	case strings.HasSuffix(ext, ".gz"):
		base = strings.TrimSuffix(ext, ".gz")
		zr, err := gzip.NewReader(body)
		if err != nil {
			return nil, fmt.Errorf("%w: gzip: %w", ErrFormat, err)
		}
		r, closeFn = zr, zr.Close
	case strings.HasSuffix(ext, ".zst"):
		base = strings.TrimSuffix(ext, ".zst")
		zr, err := zstd.NewReader(body, zstd.WithDecoderConcurrency(1))
		if err != nil {
			return nil, fmt.Errorf("%w: zstd: %w", ErrFormat, err)
		}
		r, closeFn = zr, func() error { zr.Close(); return nil }
	}
	switch base {
	case ".json":
		return &jsonReader{br: bufio.NewReaderSize(r, 64<<10), close: closeFn, raw: rawJSON}, nil
	case c.ByteArrayExtension:
		if c.ByteArraySeparator == "" {
			return nil, fmt.Errorf("%w: format.bytearray.separator is empty, so ByteArrayFormat records cannot be told apart", ErrConfig)
		}
		return &bytesReader{br: bufio.NewReaderSize(r, 64<<10), sep: []byte(c.ByteArraySeparator), close: closeFn}, nil
	}
	if closeFn != nil {
		closeFn()
	}
	return nil, fmt.Errorf("%w: unknown extension %q", ErrFormat, ext)
}

// jsonReader reads JsonFormat: one JSON value per line.
type jsonReader struct {
	br    *bufio.Reader
	line  int
	close func() error
	raw   bool
}

// Next returns the next line's value.
func (r *jsonReader) Next() (*connect.Schema, any, error) {
	b, err := r.br.ReadBytes('\n')
	if err == io.EOF && len(b) == 0 {
		return nil, nil, io.EOF
	}
	if err != nil && err != io.EOF {
		return nil, nil, fmt.Errorf("%w: read line %d: %w", ErrFormat, r.line+1, err)
	}
	r.line++
	b = bytes.TrimRight(b, "\r\n")
	if len(b) == 0 && err == io.EOF {
		return nil, nil, io.EOF
	}
	if r.raw {
		return connect.OptionalBytesSchema(), bytes.Clone(b), nil
	}
	v, perr := ParseJSONValue(b)
	if perr != nil {
		return nil, nil, fmt.Errorf("%w: line %d: %w", ErrFormat, r.line, perr)
	}
	return nil, v, nil
}

func (r *jsonReader) Close() error {
	if r.close != nil {
		return r.close()
	}
	return nil
}

// ParseJSONValue decodes one JSON value into the schemaless shapes of Kafka's JsonConverter
// (schemas.enable=false): map[string]any, []any, string, bool, int64 for integers, float64
// otherwise, and nil.
func ParseJSONValue(b []byte) (any, error) {
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		return nil, err
	}
	if d.More() {
		return nil, errors.New("trailing data after the JSON value")
	}
	return fromJSONNumbers(v), nil
}

func fromJSONNumbers(v any) any {
	switch x := v.(type) {
	case json.Number:
		if n, err := x.Int64(); err == nil {
			return n
		}
		f, _ := x.Float64()
		return f
	case map[string]any:
		for k, e := range x {
			x[k] = fromJSONNumbers(e)
		}
	case []any:
		for i, e := range x {
			x[i] = fromJSONNumbers(e)
		}
	}
	return v
}

// bytesReader reads ByteArrayFormat: raw bytes followed by the separator.
type bytesReader struct {
	br    *bufio.Reader
	sep   []byte
	close func() error
}

func (r *bytesReader) Next() (*connect.Schema, any, error) {
	last := r.sep[len(r.sep)-1]
	var out []byte
	for {
		b, err := r.br.ReadBytes(last)
		out = append(out, b...)
		if err == io.EOF {
			if len(out) == 0 {
				return nil, nil, io.EOF
			}
			return nil, nil, fmt.Errorf("%w: last record is not followed by the separator", ErrFormat)
		}
		if err != nil {
			return nil, nil, fmt.Errorf("%w: %w", ErrFormat, err)
		}
		if v, ok := bytes.CutSuffix(out, r.sep); ok {
			return connect.OptionalBytesSchema(), v, nil
		}
	}
}

func (r *bytesReader) Close() error {
	if r.close != nil {
		return r.close()
	}
	return nil
}

// HeadersOf turns one record of a headers file (Confluent's HeaderRecordView: a struct, or
// for JsonFormat a map, holding "headers": [{"key", "value"}]) into Connect headers with
// string values.
func HeadersOf(v any) (connect.Headers, error) {
	field := func(x any, name string) (any, bool) {
		switch m := x.(type) {
		case *connect.Struct:
			return m.Get(name)
		case map[string]any:
			e, ok := m[name]
			return e, ok
		}
		return nil, false
	}
	list, ok := field(v, "headers")
	items, isList := list.([]any)
	if !ok || !isList {
		return nil, fmt.Errorf("%w: headers record has no headers array (got %T)", ErrFormat, v)
	}
	out := make(connect.Headers, 0, len(items))
	for _, it := range items {
		k, _ := field(it, "key")
		ks, ok := k.(string)
		if !ok {
			return nil, fmt.Errorf("%w: header without a string key", ErrFormat)
		}
		h := connect.Header{Key: ks, Schema: connect.OptionalStringSchema()}
		if val, _ := field(it, "value"); val != nil {
			s, ok := val.(string)
			if !ok {
				return nil, fmt.Errorf("%w: header %q value is %T, not a string", ErrFormat, ks, val)
			}
			h.Value = s
		}
		out = append(out, h)
	}
	return out, nil
}
