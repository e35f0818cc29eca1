package s3sink

import (
	"errors"
	"testing"

	"github.com/connectless/connectless/connectors/archive/layout"
	"github.com/connectless/connectless/core/connect"
)

func TestRejectedErrorClass(t *testing.T) {
	tests := []struct {
		err  error
		want string
	}{
		{recordExtractorErr(), "io.confluent.connect.storage.errors.PartitionException"},
		{ErrData, "org.apache.kafka.connect.errors.DataException"},
		{&connect.DataError{Message: "field \"x\" is not present in the schema"}, "org.apache.kafka.connect.errors.DataException"},
	}
	for _, tt := range tests {
		r := &rejectedError{err: tt.err}
		if got := r.ExceptionClassName(); got != tt.want || !errors.Is(r, tt.err) {
			t.Errorf("%v: class %s, want %s", tt.err, got, tt.want)
		}
	}
}

func recordExtractorErr() error {
	rec := connect.NewSinkRecord("t", 0, 1)
	_, err := layout.NewExtractor(&layout.Layout{TimestampExtractor: "Record"})(&rec, 0)
	return err
}
