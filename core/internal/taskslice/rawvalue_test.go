package taskslice

import (
	"testing"

	"github.com/connectless/connectless/core/connect"
	"github.com/connectless/connectless/core/kafka"
)

// emptyChain is a transformation chain holding no transformation.
type emptyChain struct{}

func (emptyChain) Apply(r *connect.Record) (*connect.Record, error) { return r, nil }
func (emptyChain) Len() int                                         { return 0 }

func TestIntegrationSinkRawValue(t *testing.T) {
	c := newKafka(t, 1, "in")
	produce(t, c,
		kafka.Message{Topic: "in", Partition: 0, Value: []byte(`{"a":1}`)},
		kafka.Message{Topic: "in", Partition: 0, Value: []byte("b")},
	)
	tests := []struct {
		name      string
		transform Transformer
		wantRaw   bool
	}{
		{"no chain", nil, true},
		{"empty chain", emptyChain{}, true},
		{"chain with a transformation", explodingTransform{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := &collector{}
			if _, err := RunSinkSlice(testContext(t), nil, SinkSlice{Task: &memSink{out: out}, Client: c,
				Assignment: assignment("in", 1), Converters: byteConverters(), Transform: tt.transform}); err != nil {
				t.Fatal(err)
			}
			if len(out.got) != 2 {
				t.Fatalf("delivered %d records, want 2", len(out.got))
			}
			for i, want := range []string{`{"a":1}`, "b"} {
				raw := out.got[i].RawValue
				switch {
				case tt.wantRaw && string(raw) != want:
					t.Errorf("record %d: RawValue %q, want %q", i, raw, want)
				case !tt.wantRaw && raw != nil:
					t.Errorf("record %d: RawValue %q after a transformation, want nil", i, raw)
				}
			}
		})
	}
}
