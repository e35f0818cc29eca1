package s3sink

import (
	"fmt"

	"github.com/connectless/connectless/connectors/archive/format"
)

// newFormat returns the format a class names, for one view.
func newFormat(c *Config, class string) (format.Format, error) {
	f, err := format.New(class, format.Options{
		Compression: c.CompressionType, CompressionLevel: c.CompressionLevel,
		AvroCodec: c.AvroCodec, ConnectMetaData: c.ConnectMetaData, EnhancedAvroSchemaSupport: c.EnhancedAvro,
		ParquetCodec: c.ParquetCodec, PageDir: c.SpillDir,
		ByteArrayExtension: c.ByteArrayExtension, ByteArraySeparator: c.ByteArraySeparator,
		DecimalNumeric: c.DecimalNumeric, MapKeyOrderInput: c.MapKeyOrderInput, WriteAsRead: c.WriteAsRead,
	})
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrConfig, err)
	}
	return f, nil
}

// ErrData is wrapped by errors about a record value that a format cannot write (Kafka's
// DataException); such records go to the errant record reporter. It is the formats' sentinel.
var ErrData = format.ErrData
