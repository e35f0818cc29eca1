package format

import (
	"bufio"
	"fmt"
	"io"

	"github.com/hamba/avro/v2"
	"github.com/hamba/avro/v2/ocf"

	"github.com/connectless/connectless/core/connect"
	"github.com/connectless/connectless/core/connect/avrodata"
)

// avroReader reads an Avro object container file with hamba/avro, turning records back into
// Connect values (the inverse of AvroData.fromConnectSchema for AvroFormat's output).
type avroReader struct {
	dec    *ocf.Decoder
	as     avro.Schema
	schema *connect.Schema
}

func newAvroReader(body io.Reader) (*avroReader, error) {
	dec, err := ocf.NewDecoder(bufio.NewReaderSize(body, 64<<10), ocf.WithDecoderSchemaCache(&avro.SchemaCache{}), ocf.WithDecoderConfig(avroAPI))
	if err != nil {
		return nil, fmt.Errorf("%w: not an Avro object container file: %w", ErrFormat, err)
	}
	as := dec.Schema()
	s, err := avrodata.ToConnectSchema(avrodata.DefaultConfig(), as)
	if err != nil {
		return nil, fmt.Errorf("%w: avro schema: %w", ErrFormat, err)
	}
	return &avroReader{dec: dec, as: as, schema: s}, nil
}

// Next returns the next record.
func (r *avroReader) Next() (*connect.Schema, any, error) {
	if !r.dec.HasNext() {
		if err := r.dec.Error(); err != nil {
			return nil, nil, fmt.Errorf("%w: avro: %w", ErrFormat, err)
		}
		return nil, nil, io.EOF
	}
	var g any
	if err := r.dec.Decode(&g); err != nil {
		return nil, nil, fmt.Errorf("%w: avro record: %w", ErrFormat, err)
	}
	v, err := avrodata.ToConnectData(r.schema, r.as, wrapUnions(r.as, g))
	if err != nil {
		return nil, nil, fmt.Errorf("%w: avro record: %w", ErrFormat, err)
	}
	return r.schema, v, nil
}

// Close does nothing: the caller closes the body.
func (r *avroReader) Close() error { return nil }
