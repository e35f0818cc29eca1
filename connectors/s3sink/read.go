package s3sink

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/klauspost/compress/zstd"

	"github.com/connectless/connectless/core/connect"
)

// This file is the read side of the sink's layout and formats, for the S3 source: parsing
// object keys back into their parts, time buckets for pruning, and readers for every format.

// ErrFormat is wrapped when an object cannot be read: unknown extension, corrupt body.
var ErrFormat = errors.New("unreadable object")

// Object metadata keys (x-amz-meta-*, lower case as S3 returns them) the sink puts on every
// object it writes: the Kafka offsets of the first and last record and the record count.
const (
	MetaFirstOffset = metaFirstOffset
	MetaLastOffset  = metaLastOffset
	MetaRecordCount = metaRecordCount
)

// View names what an object stores of its records.
type View string

// Views of an object.
const (
	ValueView   View = ""
	KeysView    View = "keys"
	HeadersView View = "headers"
)

// ObjectName is an object key the sink wrote, taken apart.
type ObjectName struct {
	Key         string
	Topic       string
	Encoded     string // encoded partition, e.g. partition=3 or year=2024/month=01/day=05/hour=07
	Partition   int32
	StartOffset int64
	View        View
	Ext         string // format extension after the view suffix, e.g. .json.gz or .avro
	// Base is the key without view suffix and extension: the value, keys and headers files
	// of one file set share it.
	Base string
}

// ParseObjectKey takes a key written under c's layout (topics.dir, directory.delim,
// file.delim) apart; ok is false for keys that are not the sink's data objects.
func (c *Config) ParseObjectKey(key string) (ObjectName, bool) {
	rest := key
	if strings.TrimSpace(c.TopicsDir) != "" {
		var ok bool
		if rest, ok = strings.CutPrefix(rest, c.TopicsDir+c.DirectoryDelim); !ok {
			return ObjectName{}, false
		}
	}
	i := strings.LastIndex(rest, c.DirectoryDelim)
	if i < 0 {
		return ObjectName{}, false
	}
	dir, file := rest[:i], rest[i+len(c.DirectoryDelim):]
	parts := strings.SplitN(file, c.FileDelim, 3)
	if len(parts) != 3 {
		return ObjectName{}, false
	}
	topic := parts[0]
	enc, ok := strings.CutPrefix(dir, topic+c.DirectoryDelim)
	if !ok || enc == "" {
		return ObjectName{}, false
	}
	p, err := strconv.ParseInt(parts[1], 10, 32)
	if err != nil || p < 0 {
		return ObjectName{}, false
	}
	n := 0
	for n < len(parts[2]) && parts[2][n] >= '0' && parts[2][n] <= '9' {
		n++
	}
	off, err := strconv.ParseInt(parts[2][:n], 10, 64)
	if n == 0 || err != nil {
		return ObjectName{}, false
	}
	ext := parts[2][n:]
	base := key[:len(key)-len(ext)]
	view := ValueView
	for _, v := range []View{KeysView, HeadersView} {
		if e, ok := strings.CutPrefix(ext, "."+string(v)); ok {
			view, ext = v, e
		}
	}
	return ObjectName{Key: key, Topic: topic, Encoded: enc, Partition: int32(p), StartOffset: off, View: view, Ext: ext, Base: base}, true
}

// TopicPrefix is the key prefix under which the sink writes a topic's objects.
func (c *Config) TopicPrefix(topic string) string {
	if strings.TrimSpace(c.TopicsDir) != "" {
		return c.TopicsDir + c.DirectoryDelim + topic + c.DirectoryDelim
	}
	return topic + c.DirectoryDelim
}

// TimeBuckets returns the encoded partitions of the time buckets that hold timestamps in
// [startMs, endMs), with each bucket's start, in time order, for a time-based partitioner.
// It refuses more than limit buckets.
func (c *Config) TimeBuckets(startMs, endMs int64, limit int) (encoded []string, starts []int64, err error) {
	if !c.TimeBased() {
		return nil, nil, fmt.Errorf("%w: partitioner %s is not time-based", ErrConfig, c.PartitionerClass)
	}
	if c.PartitionDurationMs <= 0 {
		return nil, nil, fmt.Errorf("%w: partition.duration.ms must be positive to prune by time", ErrConfig)
	}
	tp, err := newTimePartitioner(c)
	if err != nil {
		return nil, nil, err
	}
	seen := map[string]bool{}
	for b := timeBucketStart(startMs, tp.durationMs, tp.loc); b < endMs; {
		enc := tp.format.Format(time.UnixMilli(b).In(tp.loc))
		if !seen[enc] {
			if len(encoded) == limit {
				return nil, nil, fmt.Errorf("%w: the time range spans more than %d partitions of %d ms", ErrConfig, limit, tp.durationMs)
			}
			seen[enc] = true
			encoded, starts = append(encoded, enc), append(starts, b)
		}
		// The next bucket starts at least one duration later in local time; step by the
		// duration and re-align (DST days are longer or shorter than 24 h).
		next := timeBucketStart(b+tp.durationMs, tp.durationMs, tp.loc)
		if next <= b {
			next = timeBucketStart(b+tp.durationMs+3600000, tp.durationMs, tp.loc)
		}
		b = next
	}
	return encoded, starts, nil
}

// ObjectReader yields the records one object holds, in the order they were written.
type ObjectReader interface {
	// Next returns the next record's schema and value (nil schema for schemaless values),
	// or io.EOF after the last one. Other errors wrap ErrFormat.
	Next() (*connect.Schema, any, error)
	// Close releases the reader's resources.
	Close() error
}

// NewObjectReader returns a reader for an object with the given extension (ObjectName.Ext):
// .json and ByteArrayFormat's extension, each optionally .gz or .zst, .avro, and *.parquet.
// The reader consumes body; the caller closes body after the reader.
func (c *Config) NewObjectReader(ext string, body io.Reader) (ObjectReader, error) {
	return c.newObjectReader(ext, body, false)
}

// NewRawJSONReader is NewObjectReader, except that JsonFormat records are returned as the
// bytes of their line (schema optional BYTES, without the line feed) instead of being parsed.
func (c *Config) NewRawJSONReader(ext string, body io.Reader) (ObjectReader, error) {
	return c.newObjectReader(ext, body, true)
}

func (c *Config) newObjectReader(ext string, body io.Reader, rawJSON bool) (ObjectReader, error) {
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

func (r *jsonReader) Next() (*connect.Schema, any, error) {
	for {
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

// NewClient returns the S3 client the sink would use for c: the standard SDK configuration
// plus store.url, s3.region, static keys, path style and retries.
func (c *Config) NewClient(ctx context.Context) (*s3.Client, error) { return newClient(ctx, c) }
