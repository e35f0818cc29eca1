package s3sink

import (
	"encoding/base64"
	"fmt"

	"github.com/connectless/connectless/connectors/archive/layout"
	"github.com/connectless/connectless/core/connect"
	"github.com/connectless/connectless/core/connect/javacompat"
)

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
