package schedule

import (
	"maps"
	"testing"
	"time"
)

// TestNoteTaskReportRoundTrip checks that a task's note and gauges survive Trace and
// ParseNote next to the retry state, a plain cause and the restarts.
func TestNoteTaskReportRoundTrip(t *testing.T) {
	since := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	gauges := map[string]float64{"slot_lag_bytes": 1 << 31, "ratio": 0.25}
	for _, tc := range []struct {
		name string
		note Note
	}{
		{"running", Note{TaskNote: "slot lag over slot.lag.warn.bytes", Gauges: gauges}},
		{"gauges only", Note{Gauges: gauges}},
		{"retrying", Note{Cause: "dial: refused", RetryingSince: since, Attempt: 2, TaskNote: "behind", Gauges: gauges, Restarts: []time.Time{since}}},
		{"failed", Note{Cause: "boom\nat line 2", TaskNote: "n", Gauges: gauges}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			trace := tc.note.Trace()
			got := ParseNote(trace)
			if got.TaskNote != tc.note.TaskNote || !maps.Equal(got.Gauges, tc.note.Gauges) || got.Cause != tc.note.Cause ||
				got.Retrying() != tc.note.Retrying() || got.Attempt != tc.note.Attempt || len(got.Restarts) != len(tc.note.Restarts) {
				t.Errorf("trace %q parsed as %+v, want %+v", trace, got, tc.note)
			}
		})
	}
	if got := (Note{TaskNote: "a\nb", Gauges: map[string]float64{"x": 1}}).Trace(); got != "task note: a b\ngauges: x=1" {
		t.Errorf("trace = %q", got)
	}
}
