package file

import (
	"errors"
	"testing"

	"github.com/connectless/connectless/core/connect"
)

// TestSourceAlterOffsets checks Kafka's FileStreamSourceConnector.alterOffsets rules and
// messages (Kafka's FileStreamSourceConnector, 3.6+).
func TestSourceAlterOffsets(t *testing.T) {
	cfg := map[string]string{FileConfig: "/tmp/in.txt", TopicConfig: "t"}
	part := map[string]any{FilenameField: "/tmp/in.txt"}
	for _, tc := range []struct {
		name    string
		cfg     map[string]string
		offsets []connect.PartitionOffset
		want    string // "" = accepted
	}{
		{"position", cfg, []connect.PartitionOffset{{Partition: part, Offset: map[string]any{PositionField: int64(42)}}}, ""},
		{"reset of anything", cfg, []connect.PartitionOffset{{Partition: map[string]any{"other": 1}}}, ""},
		{"negative", cfg, []connect.PartitionOffset{{Partition: part, Offset: map[string]any{PositionField: int64(-1)}}},
			"The value for the 'position' key in the offset should be a non-negative value"},
		{"not a long", cfg, []connect.PartitionOffset{{Partition: part, Offset: map[string]any{PositionField: "7"}}},
			"The value for the 'position' key in the offset is expected to be a Long value"},
		{"fraction", cfg, []connect.PartitionOffset{{Partition: part, Offset: map[string]any{PositionField: 1.5}}},
			"The value for the 'position' key in the offset is expected to be a Long value"},
		{"no position", cfg, []connect.PartitionOffset{{Partition: part, Offset: map[string]any{"pos": int64(1)}}},
			"Offset objects should either be null or contain the key 'position'"},
		{"no filename", cfg, []connect.PartitionOffset{{Partition: map[string]any{"file": "x"}, Offset: map[string]any{PositionField: int64(1)}}},
			"Partition objects should contain the key 'filename'"},
		{"stdin", map[string]string{TopicConfig: "t"}, nil,
			"Offsets cannot be modified if the 'file' configuration is unspecified. This is because stdin is used for input and offsets are not tracked."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ok, err := (&SourceConnector{}).AlterOffsets(t.Context(), tc.cfg, tc.offsets)
			if tc.want == "" {
				if err != nil || !ok {
					t.Fatalf("got %v, %v; want accepted and managed", ok, err)
				}
				return
			}
			if !errors.Is(err, ErrBadAlteredOffset) || err.Error() != tc.want {
				t.Fatalf("got %v, want %q", err, tc.want)
			}
		})
	}
	if ok, err := (&SinkConnector{}).AlterOffsets(t.Context(), nil, map[connect.TopicPartition]*int64{{Topic: "t"}: nil}); !ok || err != nil {
		t.Fatalf("sink: %v %v", ok, err)
	}
}
