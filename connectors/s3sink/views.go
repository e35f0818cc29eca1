package s3sink

import (
	"fmt"

	"github.com/connectless/connectless/connectors/archive/format"
	"github.com/connectless/connectless/connectors/archive/layout"
	"github.com/connectless/connectless/core/connect"
)

// pick returns the schema and value a view stores of rec.
func pick(v layout.View, rec *connect.SinkRecord) (*connect.Schema, any, error) {
	switch v {
	case layout.KeysView:
		if rec.Key == nil {
			return nil, nil, fmt.Errorf("%w: key cannot be null for SinkRecord at offset %d", ErrData, rec.KafkaOffset())
		}
		return rec.KeySchema, rec.Key, nil
	case layout.HeadersView:
		if len(rec.Headers) == 0 {
			return nil, nil, fmt.Errorf("%w: headers cannot be null for SinkRecord at offset %d", ErrData, rec.KafkaOffset())
		}
		s, v := format.HeadersRecord(rec.Headers)
		return s, v, nil
	}
	return rec.ValueSchema, rec.Value, nil
}
