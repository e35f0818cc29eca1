package format

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"

	"github.com/connectless/connectless/core/connect"
	"github.com/connectless/connectless/core/connect/avrodata"
)

// Class names of the formats (format.class, keys.format.class, headers.format.class).
const (
	JSONFormatClass      = "io.confluent.connect.s3.format.json.JsonFormat"
	AvroFormatClass      = "io.confluent.connect.s3.format.avro.AvroFormat"
	ParquetFormatClass   = "io.confluent.connect.s3.format.parquet.ParquetFormat"
	ByteArrayFormatClass = "io.confluent.connect.s3.format.bytearray.ByteArrayFormat"
)

// ErrData is wrapped by errors about a record value that a format cannot write (Kafka's
// DataException): the record is rejected, the file goes on.
var ErrData = errors.New("data error")

// ErrFormat is wrapped when an object cannot be read: unknown extension, corrupt body.
var ErrFormat = errors.New("unreadable object")

// ErrConfig is wrapped when options cannot make a format.
var ErrConfig = errors.New("invalid configuration")

// Format encodes the records of one file into a spool (a local append-only file), and the
// spool into the final object.
type Format interface {
	// Extension is the file extension, including compression.
	Extension() string
	// Encode returns one record's stored form for the spool. Errors wrapping ErrData
	// reject the record only.
	Encode(schema *connect.Schema, value any) ([]byte, error)
	// Finish writes the final object from the spooled records (count of them, all of
	// schema) to dst.
	Finish(dst io.Writer, spool io.Reader, schema *connect.Schema, count int) error
}

// Options configure the formats. Field docs name the configuration key.
type Options struct {
	Compression      string // s3.compression.type: none, gzip or zstd (JSON and ByteArray)
	CompressionLevel int32  // s3.compression.level; -1 means the default
	AvroCodec        string // avro.codec: null, deflate or snappy
	ConnectMetaData  bool   // connect.meta.data
	// EnhancedAvroSchemaSupport is enhanced.avro.schema.support: Connect strings that came
	// from Avro enums are written as enums.
	EnhancedAvroSchemaSupport bool
	ParquetCodec              string // parquet.codec
	// PageDir is where Parquet pages wait on disk for the footer; empty keeps them in memory.
	PageDir            string
	ByteArrayExtension string // format.bytearray.extension
	ByteArraySeparator string // format.bytearray.separator, untrimmed
	DecimalNumeric     bool   // json.decimal.format=NUMERIC
	MapKeyOrderInput   bool   // json.map.key.order=input
	// WriteAsRead is json.write.as.read: JsonFormat writes *connect.JSONBytes values as
	// their bytes as read.
	WriteAsRead bool
}

// New returns the format a class names.
func New(class string, o Options) (Format, error) {
	switch class {
	case JSONFormatClass:
		return jsonFormat{w: jsonWriter{decimalNumeric: o.DecimalNumeric, inputOrder: o.MapKeyOrderInput}, asRead: o.WriteAsRead, compression: o.Compression,
			comp: newCompressors(o.Compression, o.CompressionLevel)}, nil
	case ByteArrayFormatClass:
		return byteArrayFormat{ext: o.ByteArrayExtension, separator: []byte(o.ByteArraySeparator), compression: o.Compression,
			comp: newCompressors(o.Compression, o.CompressionLevel)}, nil
	case AvroFormatClass:
		return &avroFormat{codec: o.AvroCodec, codecs: o.avroCodecs()}, nil
	case ParquetFormatClass:
		return &parquetFormat{codec: o.ParquetCodec, dir: o.PageDir, codecs: o.avroCodecs()}, nil
	}
	return nil, fmt.Errorf("%w: unknown format class %q", ErrConfig, class)
}

// avroCodecs returns an empty codec cache for the options' AvroData settings.
func (o Options) avroCodecs() *avroCodecs {
	return &avroCodecs{cfg: avrodata.Config{ConnectMetaData: o.ConnectMetaData, EnhancedSchemaSupport: o.EnhancedAvroSchemaSupport}}
}

// compressors hands out the whole-object compressor of s3.compression.type and takes it
// back after an object, so a task builds its compressor once instead of once per object (a
// zstd encoder holds megabytes of tables). Finish may run concurrently: a pool, not one
// writer.
type compressors struct {
	kind  string
	level int32
	pool  sync.Pool
}

// resetWriteCloser is a compressor that can start over on a new destination.
type resetWriteCloser interface {
	io.WriteCloser
	Reset(w io.Writer)
}

func newCompressors(kind string, level int32) *compressors {
	if level == -1 {
		level = 6
	}
	return &compressors{kind: kind, level: level}
}

// get returns a compressor writing to dst, and a function that gives it back after Close.
func (c *compressors) get(dst io.Writer) (io.WriteCloser, func(), error) {
	if c == nil || (c.kind != "gzip" && c.kind != "zstd") {
		return nopCloser{dst}, func() {}, nil
	}
	if w, ok := c.pool.Get().(resetWriteCloser); ok {
		w.Reset(dst)
		return w, func() { c.pool.Put(w) }, nil
	}
	var (
		w   resetWriteCloser
		err error
	)
	if c.kind == "gzip" {
		w, err = gzip.NewWriterLevel(dst, int(c.level))
	} else {
		w, err = zstd.NewWriter(dst, zstd.WithEncoderConcurrency(1))
	}
	if err != nil {
		return nil, nil, err
	}
	return w, func() { c.pool.Put(w) }, nil
}

type nopCloser struct{ io.Writer }

// Close does nothing.
func (nopCloser) Close() error { return nil }

// compressionExt is the file extension s3.compression.type adds: .gz, .zst or nothing.
func compressionExt(kind string) string {
	switch kind {
	case "gzip":
		return ".gz"
	case "zstd":
		return ".zst"
	}
	return ""
}

// Verbatim is implemented by formats whose Finish may write the spool unchanged. Verbatim
// reports whether it does in the format's configuration (no compression), so that a sink
// may upload a spool it holds in memory as the object, without copying it.
type Verbatim interface{ Verbatim() bool }

// verbatim reports whether copyCompressed copies the spool unchanged.
func (c *compressors) verbatim() bool { return c == nil || (c.kind != "gzip" && c.kind != "zstd") }

// Verbatim reports whether Finish writes the spooled lines unchanged (no compression).
func (f jsonFormat) Verbatim() bool { return f.comp.verbatim() }

// Verbatim reports whether Finish writes the spooled values unchanged (no compression).
func (f byteArrayFormat) Verbatim() bool { return f.comp.verbatim() }

// copyCompressed copies the spool through the compressor of s3.compression.type to dst.
func (c *compressors) copyCompressed(dst io.Writer, spool io.Reader) error {
	w, done, err := c.get(dst)
	if err != nil {
		return fmt.Errorf("open %s compressor: %w", c.kind, err)
	}
	if _, err := io.Copy(w, spool); err != nil {
		return fmt.Errorf("compress: %w", err)
	}
	if err := w.Close(); err != nil {
		return err
	}
	done() // only a cleanly closed compressor goes back
	return nil
}

// byteArrayFormat is Confluent's ByteArrayFormat: raw value bytes, then the separator.
type byteArrayFormat struct {
	ext         string
	separator   []byte
	compression string
	comp        *compressors
}

// Extension is the configured extension and the compression's.
func (f byteArrayFormat) Extension() string { return f.ext + compressionExt(f.compression) }

// Encode returns the value's bytes and the separator.
func (f byteArrayFormat) Encode(schema *connect.Schema, value any) ([]byte, error) {
	if schema != nil && schema.Type != connect.TypeBytes {
		return nil, fmt.Errorf("%w: invalid schema type for ByteArrayConverter: %s", ErrData, strings.ToUpper(string(schema.Type)))
	}
	b, ok := value.([]byte)
	if !ok {
		return nil, fmt.Errorf("%w: ByteArrayConverter is not compatible with objects of type %T", ErrData, value)
	}
	return append(slices.Clip(b), f.separator...), nil
}

// EncodeRaw returns raw itself and true when the value is those bytes (ByteArrayConverter
// hands the record's value on as read) and the separator is the spool's line terminator, a
// newline: the spool then writes raw and the newline without a copy in between. Anything
// else is Encode's.
func (f byteArrayFormat) EncodeRaw(_, raw []byte, schema *connect.Schema, value any) ([]byte, bool, error) {
	if b, ok := value.([]byte); ok && len(f.separator) == 1 && f.separator[0] == '\n' && (schema == nil || schema.Type == connect.TypeBytes) && bytes.Equal(b, raw) {
		return raw, true, nil
	}
	b, err := f.Encode(schema, value)
	return b, false, err
}

// Finish compresses the spooled records.
func (f byteArrayFormat) Finish(dst io.Writer, spool io.Reader, _ *connect.Schema, _ int) error {
	return f.comp.copyCompressed(dst, spool)
}
