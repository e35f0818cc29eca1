package s3sink

import (
	"fmt"
	"io"

	"github.com/connectless/connectless/core/connect"
)

// parquetFormat is Confluent's ParquetFormat. The spool holds length-prefixed Avro datums;
// finish decodes them and writes one Parquet file.
type parquetFormat struct {
	codec string
}

func (f parquetFormat) extension() string {
	switch f.codec {
	case "none":
		return ".parquet"
	case "gzip":
		return ".gz.parquet"
	case "brotli":
		return ".br.parquet"
	case "lz4_raw":
		return ".lz4raw.parquet"
	}
	return "." + f.codec + ".parquet"
}

func (f parquetFormat) encode(schema *connect.Schema, value any) ([]byte, error) {
	return avroFrame(schema, value)
}

func (f parquetFormat) finish(dst io.Writer, spool io.Reader, schema *connect.Schema, _ int) error {
	return fmt.Errorf("%w: parquet output is not implemented yet", ErrData)
}
