package s3sink

import (
	"bufio"
	"encoding/base64"
	"fmt"
	"github.com/klauspost/compress/gzip"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/connectless/connectless/core/connect"
	"github.com/connectless/connectless/core/connect/javacompat"
	"github.com/klauspost/compress/zstd"
)

// view selects what a file stores of a record: its value, its key, or its headers.
type view int

const (
	valueView view = iota
	keyView
	headersView
)

// suffix is the part of the file name a view adds before the format extension.
func (v view) suffix() string {
	switch v {
	case keyView:
		return ".keys"
	case headersView:
		return ".headers"
	}
	return ""
}

// headersSchema is the struct a headers file holds per record (Confluent's HeaderRecordView).
func headersSchema() *connect.Schema {
	entry := &connect.Schema{Type: connect.TypeStruct, Fields: []connect.Field{
		{Name: "key", Index: 0, Schema: &connect.Schema{Type: connect.TypeString}},
		{Name: "value", Index: 1, Schema: &connect.Schema{Type: connect.TypeString, Optional: true}},
	}}
	return &connect.Schema{Type: connect.TypeStruct, Fields: []connect.Field{
		{Name: "headers", Index: 0, Schema: &connect.Schema{Type: connect.TypeArray, Value: entry}},
	}}
}

// select returns the schema and value a view stores for rec.
func (v view) pick(rec *connect.SinkRecord) (*connect.Schema, any, error) {
	switch v {
	case keyView:
		if rec.Key == nil {
			return nil, nil, fmt.Errorf("%w: key cannot be null for SinkRecord at offset %d", ErrData, rec.KafkaOffset())
		}
		return rec.KeySchema, rec.Key, nil
	case headersView:
		if len(rec.Headers) == 0 {
			return nil, nil, fmt.Errorf("%w: headers cannot be null for SinkRecord at offset %d", ErrData, rec.KafkaOffset())
		}
		hs := headersSchema()
		entry := hs.Fields[0].Schema.Value
		list := make([]any, 0, len(rec.Headers))
		for _, h := range rec.Headers {
			e := connect.NewStruct(entry).MustPut("key", h.Key)
			if h.Value != nil {
				e.MustPut("value", headerString(h.Value))
			}
			list = append(list, e)
		}
		return hs, connect.NewStruct(hs).MustPut("headers", list), nil
	}
	return rec.ValueSchema, rec.Value, nil
}

// headerString is Kafka's Values.convertToString for the common header value types.
func headerString(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case []byte:
		return base64.StdEncoding.EncodeToString(x)
	case float32:
		return javacompat.FormatFloat(x)
	case float64:
		return javacompat.FormatDouble(x)
	}
	b, err := jsonWriter{}.appendJackson(nil, v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

// recordFormat encodes records of one file into a spool, and the spool into the final object.
type recordFormat interface {
	// extension is the file extension, including compression.
	extension() string
	// encode returns one record's stored form for the spool. Errors wrapping ErrData
	// reject the record only.
	encode(schema *connect.Schema, value any) ([]byte, error)
	// finish writes the final object from the spooled records to dst.
	finish(dst io.Writer, spool io.Reader, schema *connect.Schema, count int) error
}

// compressor wraps the final object stream for s3.compression.type.
func compress(dst io.Writer, kind string, level int32) (io.WriteCloser, error) {
	switch kind {
	case "gzip":
		if level == -1 {
			level = 6
		}
		return gzip.NewWriterLevel(dst, int(level))
	case "zstd":
		return zstd.NewWriter(dst, zstd.WithEncoderConcurrency(1))
	}
	return nopCloser{dst}, nil
}

type nopCloser struct{ io.Writer }

// Close does nothing.
func (nopCloser) Close() error { return nil }

func compressionExt(kind string) string {
	switch kind {
	case "gzip":
		return ".gz"
	case "zstd":
		return ".zst"
	}
	return ""
}

// copyCompressed copies the spool through the configured compressor to dst.
func copyCompressed(dst io.Writer, spool io.Reader, kind string, level int32) error {
	w, err := compress(dst, kind, level)
	if err != nil {
		return fmt.Errorf("open %s compressor: %w", kind, err)
	}
	if _, err := io.Copy(w, spool); err != nil {
		return fmt.Errorf("compress: %w", err)
	}
	return w.Close()
}

// jsonFormat is Confluent's JsonFormat: one JSON value per line, "\n" after every record.
type jsonFormat struct {
	w           jsonWriter
	compression string
	level       int32
}

func (f jsonFormat) extension() string { return ".json" + compressionExt(f.compression) }

// jsonLineCap is the initial capacity of one encoded line: one allocation for a typical log
// line instead of a buffer grown from empty.
const jsonLineCap = 512

func (f jsonFormat) encode(_ *connect.Schema, value any) ([]byte, error) {
	b, err := f.w.appendRecord(make([]byte, 0, jsonLineCap), nil, value)
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

// encodeRaw returns raw itself and true when raw (a record's value as read from Kafka) is
// exactly what encode writes for value before the line terminator: the caller writes raw and
// the terminator. A schemaless object whose members are each written as encode would write
// them, in another order, is copied member by member in encode's order. Otherwise it returns
// encode's result and false.
//
// A reordered line is appended to dst (which may be nil).
func (f jsonFormat) encodeRaw(dst, raw []byte, schema *connect.Schema, value any) ([]byte, bool, error) {
	if m, ok := value.(map[string]any); ok {
		if b, inOrder, ok := f.w.appendRawObject(dst, raw, m); ok {
			if inOrder {
				return raw, true, nil
			}
			return append(b, '\n'), false, nil
		}
	} else if len(raw) > 0 && f.w.rawMatches(raw, value) {
		return raw, true, nil
	}
	b, err := f.encode(schema, value)
	return b, false, err
}

func (f jsonFormat) finish(dst io.Writer, spool io.Reader, _ *connect.Schema, _ int) error {
	return copyCompressed(dst, spool, f.compression, f.level)
}

// byteArrayFormat is Confluent's ByteArrayFormat: raw value bytes, then the separator.
type byteArrayFormat struct {
	ext         string
	separator   []byte
	compression string
	level       int32
}

func (f byteArrayFormat) extension() string { return f.ext + compressionExt(f.compression) }

func (f byteArrayFormat) encode(schema *connect.Schema, value any) ([]byte, error) {
	if schema != nil && schema.Type != connect.TypeBytes {
		return nil, fmt.Errorf("%w: invalid schema type for ByteArrayConverter: %s", ErrData, strings.ToUpper(string(schema.Type)))
	}
	b, ok := value.([]byte)
	if !ok {
		return nil, fmt.Errorf("%w: ByteArrayConverter is not compatible with objects of type %T", ErrData, value)
	}
	return append(slices.Clip(b), f.separator...), nil
}

func (f byteArrayFormat) finish(dst io.Writer, spool io.Reader, _ *connect.Schema, _ int) error {
	return copyCompressed(dst, spool, f.compression, f.level)
}

// newFormat returns the format a class names, for one view.
func newFormat(c *Config, class string) (recordFormat, error) {
	switch class {
	case JSONFormatClass:
		return jsonFormat{w: jsonWriter{decimalNumeric: c.DecimalNumeric, inputOrder: c.MapKeyOrderInput}, compression: c.CompressionType, level: c.CompressionLevel}, nil
	case ByteArrayFormatClass:
		return byteArrayFormat{ext: c.ByteArrayExtension, separator: []byte(c.ByteArraySeparator), compression: c.CompressionType, level: c.CompressionLevel}, nil
	case AvroFormatClass:
		return avroFormat{codec: c.AvroCodec, metaData: c.ConnectMetaData}, nil
	case ParquetFormatClass:
		return parquetFormat{codec: c.ParquetCodec, dir: c.SpillDir}, nil
	}
	return nil, fmt.Errorf("%w: unknown format class %q", ErrConfig, class)
}

// spool is an append-only local file buffering one open file's records. It holds no file
// descriptor between writes (the file is opened to append a full buffer, then closed), so
// neither memory nor descriptors grow beyond one small buffer per open file.
type spool struct {
	path  string
	buf   []byte
	size  int64 // bytes on disk
	count int
}

// spoolBufSize bounds the memory each open file holds.
const spoolBufSize = 32 << 10

func newSpool(dir string) (*spool, error) {
	f, err := os.CreateTemp(dir, "s3sink-*.spool")
	if err != nil {
		return nil, fmt.Errorf("create spool file: %w", err)
	}
	if err := f.Close(); err != nil {
		return nil, fmt.Errorf("create spool file: %w", err)
	}
	return &spool{path: f.Name()}, nil
}

// write appends b, going to disk when the buffer is full.
func (s *spool) write(b []byte) error {
	if len(s.buf)+len(b) <= spoolBufSize {
		if s.buf == nil {
			s.buf = make([]byte, 0, spoolBufSize)
		}
		s.buf = append(s.buf, b...)
		return nil
	}
	if err := s.flush(b); err != nil {
		return err
	}
	return nil
}

// writeLine appends b and the terminator c.
func (s *spool) writeLine(b []byte, c byte) error {
	if len(s.buf)+len(b)+1 > spoolBufSize {
		if err := s.flush(b); err != nil {
			return err
		}
		b = nil
	}
	if s.buf == nil {
		s.buf = make([]byte, 0, spoolBufSize)
	}
	s.buf = append(append(s.buf, b...), c)
	return nil
}

// flush appends the buffer and extra to the file.
func (s *spool) flush(extra []byte) error {
	if len(s.buf) == 0 && len(extra) == 0 {
		return nil
	}
	f, err := os.OpenFile(s.path, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		return fmt.Errorf("open spool: %w", err)
	}
	_, err = f.Write(s.buf)
	if err == nil && len(extra) > 0 {
		_, err = f.Write(extra)
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("append to spool: %w", err)
	}
	s.size += int64(len(s.buf) + len(extra))
	s.buf = s.buf[:0]
	return nil
}

// reader flushes pending bytes and opens the spool for reading; the caller closes it.
func (s *spool) reader() (io.ReadCloser, error) {
	if err := s.flush(nil); err != nil {
		return nil, err
	}
	f, err := os.Open(s.path)
	if err != nil {
		return nil, fmt.Errorf("open spool: %w", err)
	}
	return struct {
		io.Reader
		io.Closer
	}{bufio.NewReaderSize(f, 32<<10), f}, nil
}

func (s *spool) close() {
	s.buf = nil
	os.Remove(s.path)
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
