package format

import (
	"encoding/base64"
	"fmt"

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

// HeadersRecord is the record a headers file stores for a record's headers (Confluent's
// HeaderRecordView): a struct holding "headers", a list of {"key", "value"} with the values
// as strings. HeadersOf reads it back.
func HeadersRecord(headers connect.Headers) (*connect.Schema, *connect.Struct) {
	hs := headersSchema()
	entry := hs.Fields[0].Schema.Value
	list := make([]any, 0, len(headers))
	for _, h := range headers {
		e := connect.NewStruct(entry).MustPut("key", h.Key)
		if h.Value != nil {
			e.MustPut("value", headerString(h.Value))
		}
		list = append(list, e)
	}
	return hs, connect.NewStruct(hs).MustPut("headers", list)
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
