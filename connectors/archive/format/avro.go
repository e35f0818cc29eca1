package format

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"io"

	"github.com/hamba/avro/v2"
	"github.com/hamba/avro/v2/ocf"

	"github.com/connectless/connectless/core/connect"
)

// avroFormat is Confluent's AvroFormat: an Avro object container file. The spool holds
// length-prefixed Avro datums; Finish frames them into container blocks of about 64 KiB.
type avroFormat struct {
	codec  string // null, deflate, snappy
	codecs *avroCodecs
}

// Extension is the file extension.
func (*avroFormat) Extension() string { return ".avro" }

// Encode returns the record as a length-prefixed Avro datum.
func (f *avroFormat) Encode(schema *connect.Schema, value any) ([]byte, error) {
	return avroFrame(f.codecs, schema, value)
}

// avroFrame encodes one datum prefixed by its length, as the Avro and Parquet spools hold them.
func avroFrame(codecs *avroCodecs, schema *connect.Schema, value any) ([]byte, error) {
	if schema == nil {
		return nil, fmt.Errorf("%w: Avro and Parquet formats need schema'd data; got a schemaless %T", ErrData, value)
	}
	ac, err := codecs.of(schema)
	if err != nil {
		return nil, err
	}
	d, err := ac.encode(nil, schema, value)
	if err != nil {
		return nil, err
	}
	return append(binary.AppendUvarint(make([]byte, 0, len(d)+binary.MaxVarintLen32), uint64(len(d))), d...), nil
}

// readFrame reads the next avroFrame datum from a spool and appends it to dst; it returns
// io.EOF (unwrapped) when the spool ends between frames.
func readFrame(br *bufio.Reader, dst []byte) ([]byte, error) {
	l, err := binary.ReadUvarint(br)
	if err == io.EOF {
		return dst, io.EOF
	}
	if err != nil {
		return dst, fmt.Errorf("read spool: %w", err)
	}
	start := len(dst)
	dst = append(dst, make([]byte, l)...)
	if _, err := io.ReadFull(br, dst[start:]); err != nil {
		return dst, fmt.Errorf("read spool: %w", err)
	}
	return dst, nil
}

// eachFrame calls fn with each avroFrame datum of a spool, in order; the slice is reused
// for the next datum.
func eachFrame(spool io.Reader, fn func(datum []byte) error) error {
	br := bufio.NewReader(spool)
	var datum []byte
	for {
		var err error
		if datum, err = readFrame(br, datum[:0]); err == io.EOF {
			return nil
		} else if err != nil {
			return err
		}
		if err := fn(datum); err != nil {
			return err
		}
	}
}

const avroBlockBytes = 64 << 10

// Finish writes the container file from the spooled datums with hamba/avro's encoder.
func (f *avroFormat) Finish(dst io.Writer, spool io.Reader, schema *connect.Schema, _ int) error {
	ac, err := f.codecs.of(schema)
	if err != nil {
		return err
	}
	enc, err := ocf.NewEncoderWithSchema(ac.schema, dst,
		ocf.WithCodec(ocf.CodecName(f.codec)), ocf.WithBlockLength(0), ocf.WithBlockSize(avroBlockBytes),
		ocf.WithSchemaMarshaler(func(avro.Schema) ([]byte, error) { return ac.text, nil }))
	if err != nil {
		return fmt.Errorf("avro container: %w", err)
	}
	err = eachFrame(spool, func(datum []byte) error {
		if _, err := enc.Write(datum); err != nil {
			return fmt.Errorf("avro container: %w", err)
		}
		return nil
	})
	if err != nil {
		return err
	}
	if err := enc.Close(); err != nil {
		return fmt.Errorf("avro container: %w", err)
	}
	return nil
}
