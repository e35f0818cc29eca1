package httpsink

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/connectless/connectless/core/connect/javacompat"
)

// ErrUnencodable is reported (through the errant record reporter) for a record whose value
// cannot be sent as JSON.
var ErrUnencodable = errors.New("value cannot be sent as JSON")

// appendDocument appends a record value as one JSON document. Strings and bytes must already
// hold JSON and are copied as they are (compacted, so NDJSON stays one line).
func appendDocument(b []byte, v any) ([]byte, error) {
	var raw []byte
	switch x := v.(type) {
	case string:
		raw = []byte(x)
	case []byte:
		raw = x
	default:
		return appendJSON(b, v)
	}
	if !json.Valid(raw) {
		return b, fmt.Errorf("%w: a string or bytes value must hold a JSON document", ErrUnencodable)
	}
	start := len(b)
	buf := bytes.NewBuffer(b)
	if err := json.Compact(buf, raw); err != nil {
		return b[:start], fmt.Errorf("%w: %w", ErrUnencodable, err)
	}
	return buf.Bytes(), nil
}

// appendJSON appends Connect data as JSON the way a Java sink does with Jackson and Kafka's
// JsonConverter: a Struct as JsonConverter writes it (schemas.enable=false, decimals as
// numbers), anything else as Jackson's ObjectMapper, so numbers print as Java prints them
// (1.0E7, "NaN"), maps in Java HashMap order and times as epoch milliseconds. A value of no
// Connect type is ErrUnencodable.
func appendJSON(b []byte, v any) ([]byte, error) {
	out, err := javacompat.Encoder{DecimalNumeric: true}.AppendJackson(b, v)
	if err != nil {
		return b, fmt.Errorf("%w: %w", ErrUnencodable, err)
	}
	return out, nil
}
