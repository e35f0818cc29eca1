package file

import (
	"context"
	"errors"
	"fmt"

	"github.com/connectless/connectless/core/connect"
)

// ErrBadAlteredOffset refuses offsets given to the offsets REST API that the source task could
// not resume from; errors.Is matches every AlteredOffsetError.
var ErrBadAlteredOffset = errors.New("invalid offset for FileStreamSource")

// AlteredOffsetError carries Kafka's FileStreamSourceConnector.alterOffsets message, exactly.
type AlteredOffsetError struct{ Message string }

func (e *AlteredOffsetError) Error() string { return e.Message }

// Is matches ErrBadAlteredOffset.
func (e *AlteredOffsetError) Is(target error) bool { return target == ErrBadAlteredOffset }

func badOffset(format string, args ...any) error {
	return &AlteredOffsetError{Message: fmt.Sprintf(format, args...)}
}

// AlterOffsets checks offsets being altered or reset, as Kafka's FileStreamSourceConnector: a
// nil offset (a reset) is always accepted; any other needs a whole, non-negative "position",
// and its partition the "filename" key. The framework manages all of this connector's
// offsets, so it answers true.
func (c *SourceConnector) AlterOffsets(_ context.Context, config map[string]string, offsets []connect.PartitionOffset) (bool, error) {
	if config[FileConfig] == "" {
		return false, badOffset("Offsets cannot be modified if the '%s' configuration is unspecified. "+
			"This is because stdin is used for input and offsets are not tracked.", FileConfig)
	}
	for _, po := range offsets {
		if po.Offset == nil {
			continue // tombstones clean up anything, as in Kafka
		}
		raw, ok := po.Offset[PositionField]
		if !ok {
			return false, badOffset("Offset objects should either be null or contain the key '%s'", PositionField)
		}
		pos, ok := connect.OffsetInt(raw)
		if !ok {
			return false, badOffset("The value for the '%s' key in the offset is expected to be a Long value", PositionField)
		}
		if pos < 0 {
			return false, badOffset("The value for the '%s' key in the offset should be a non-negative value", PositionField)
		}
		if po.Partition == nil {
			return false, badOffset("Partition objects cannot be null")
		}
		if _, ok := po.Partition[FilenameField]; !ok {
			return false, badOffset("Partition objects should contain the key '%s'", FilenameField)
		}
	}
	return true, nil
}

// AlterOffsets accepts any change, as Kafka's FileStreamSinkConnector: the framework keeps
// all of this connector's offsets.
func (c *SinkConnector) AlterOffsets(context.Context, map[string]string, map[connect.TopicPartition]*int64) (bool, error) {
	return true, nil
}
