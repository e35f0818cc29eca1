package s3sink

import (
	"context"
	"log/slog"
	"maps"
	"slices"
	"testing"

	"github.com/connectless/connectless/core/connect"
)

// stubRuntime drives one Task the way the runtime does: it delivers records of a partition log
// in batches from a start offset, honours ResetOffsets, and collects reported records.
type stubRuntime struct {
	t         *testing.T
	tps       []connect.TopicPartition
	resets    map[connect.TopicPartition]int64
	reported  []connect.SinkRecord
	errs      []error // the errors reported with them
	reportErr error   // returned by Report (errors.tolerance=none)
}

func (r *stubRuntime) Assignment() []connect.TopicPartition { return r.tps }
func (r *stubRuntime) ResetOffsets(m map[connect.TopicPartition]int64) {
	if r.resets == nil {
		r.resets = map[connect.TopicPartition]int64{}
	}
	maps.Copy(r.resets, m)
}
func (r *stubRuntime) Reporter() connect.ErrantRecordReporter { return r }
func (r *stubRuntime) Logger() *slog.Logger                   { return slog.New(slog.DiscardHandler) }
func (r *stubRuntime) Report(_ context.Context, rec connect.SinkRecord, err error) error {
	r.reported = append(r.reported, rec)
	r.errs = append(r.errs, err)
	return r.reportErr
}

// partitionLog is the records of one topic-partition, by offset index.
type partitionLog struct {
	tp      connect.TopicPartition
	records []connect.SinkRecord
}

// slice runs Open, Put batches from the committed offsets until stop(offset) says to stop or
// the logs end, and returns the task. It does not flush: callers choose Flush/PreCommit or a
// "kill" (dropping the task).
func (r *stubRuntime) slice(ctx context.Context, task *Task, logs []partitionLog, from map[connect.TopicPartition]int64, batch int, stopAfter int) error {
	pos := map[connect.TopicPartition]int64{}
	for _, l := range logs {
		pos[l.tp] = from[l.tp]
	}
	delivered := 0
	for {
		progressed := false
		for _, l := range logs {
			var recs []connect.SinkRecord
			for _, rec := range l.records {
				if rec.KafkaOffset() >= pos[l.tp] && len(recs) < batch {
					recs = append(recs, rec)
				}
			}
			if len(recs) == 0 {
				continue
			}
			if stopAfter >= 0 && delivered >= stopAfter {
				return nil
			}
			progressed = true
			delivered += len(recs)
			pos[l.tp] = recs[len(recs)-1].KafkaOffset() + 1
			r.resets = nil
			if err := task.Put(ctx, slices.Clone(recs)); err != nil {
				return err
			}
			for tp, off := range r.resets {
				pos[tp] = off
			}
		}
		if !progressed {
			return nil
		}
	}
}

// testLogger logs through the test, at Warn and above, so runs stay quiet unless -v.
func testLogger(t testing.TB) *slog.Logger {
	return slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelWarn}))
}

type testWriter struct{ t testing.TB }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(string(p))
	return len(p), nil
}
