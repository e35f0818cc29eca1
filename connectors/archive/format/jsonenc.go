package format

import (
	"fmt"

	"github.com/connectless/connectless/core/connect"
	"github.com/connectless/connectless/core/connect/javacompat"
)

// OrderedMap is a schemaless map that remembers its insertion order, as a JSON converter
// decoding a document may produce. When a value implements it, the JSON writer knows the
// order the keys were inserted into the Java HashMap Confluent's sink would hold, and so can
// reproduce Confluent's key order exactly; for a plain Go map, sorted key order stands in for
// the (lost) insertion order.
type OrderedMap = javacompat.OrderedMap

// jsonWriter writes Connect values as Confluent's JsonFormat does: a Struct through
// JsonConverter (schemas.enable=false), anything else through Jackson's ObjectMapper.
type jsonWriter struct {
	decimalNumeric bool // json.decimal.format=NUMERIC
	inputOrder     bool // json.map.key.order=input
}

func (w jsonWriter) encoder() javacompat.Encoder {
	return javacompat.Encoder{DecimalNumeric: w.decimalNumeric, InputOrder: w.inputOrder}
}

// appendRecord appends one value as JSON (without the line terminator).
func (w jsonWriter) appendRecord(b []byte, _ *connect.Schema, v any) ([]byte, error) {
	if s, ok := v.(*connect.Struct); ok {
		out, err := w.encoder().AppendConnect(b, s.Schema(), v)
		return out, dataError(err)
	}
	return w.appendJackson(b, v)
}

// appendJackson is Jackson's ObjectMapper.writeValue for a schemaless Java object.
func (w jsonWriter) appendJackson(b []byte, v any) ([]byte, error) {
	out, err := w.encoder().AppendJackson(b, v)
	return out, dataError(err)
}

// dataError marks an encoding error as ErrData.
func dataError(err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("%w: %w", ErrData, err)
}
