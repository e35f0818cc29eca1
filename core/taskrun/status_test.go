package taskrun

import (
	"context"
	"maps"
	"testing"
	"time"

	"github.com/connectless/connectless/core/connect"
	"github.com/connectless/connectless/core/schedule"
	"github.com/connectless/connectless/core/store"
)

// TestRunCarriesTaskGaugesAndNote runs slices of a task that reports through
// connect.TaskStatusReporter at Stop: its gauges reach the result and, with its note, the
// status trace; a slice that reports no note clears it; a retrying slice keeps both next to
// its retry state.
func TestRunCarriesTaskGaugesAndNote(t *testing.T) {
	ctx := context.Background()
	env, col, st := setup(t, 10)
	p := schedule.Payload{Connector: "archive"}
	var report func(connect.TaskStatusReporter)
	col.onStop = func(tctx connect.SinkTaskContext) {
		r, ok := tctx.(connect.TaskStatusReporter)
		if !ok {
			t.Errorf("task context %T is no connect.TaskStatusReporter", tctx)
			return
		}
		report(r)
	}

	for _, tc := range []struct {
		name     string
		report   func(connect.TaskStatusReporter)
		failing  bool
		note     string
		gauges   map[string]float64
		retrying bool
	}{
		{name: "note and gauge", report: func(r connect.TaskStatusReporter) {
			r.SetGauge("slot_lag_bytes", 4096)
			r.SetStatusNote("slot lag 4096 bytes\nover 100")
		}, note: "slot lag 4096 bytes over 100", gauges: map[string]float64{"slot_lag_bytes": 4096}},
		{name: "gauge only clears the note", report: func(r connect.TaskStatusReporter) {
			r.SetGauge("slot_lag_bytes", 12)
		}, gauges: map[string]float64{"slot_lag_bytes": 12}},
		{name: "note set then cleared", report: func(r connect.TaskStatusReporter) {
			r.SetStatusNote("transient")
			r.SetStatusNote("")
			r.SetGauge("a", 1.5)
		}, gauges: map[string]float64{"a": 1.5}},
		// Last: a retrying slice holds the lease for its backoff.
		{name: "retrying slice", failing: true, report: func(r connect.TaskStatusReporter) {
			r.SetGauge("slot_lag_bytes", 99)
			r.SetStatusNote("behind")
		}, note: "behind", gauges: map[string]float64{"slot_lag_bytes": 99}, retrying: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			report = tc.report
			col.flushErr = nil
			if tc.failing {
				col.flushErr = refused
			}
			res, err := Run(ctx, env, p, time.Now().Add(10*time.Second))
			if err != nil {
				t.Fatalf("run: %v", err)
			}
			if !maps.Equal(res.Gauges, tc.gauges) || res.Note != tc.note {
				t.Errorf("result gauges %v note %q, want %v %q", res.Gauges, res.Note, tc.gauges, tc.note)
			}
			s := taskStatus(t, st, "archive")
			note := schedule.ParseNote(s.Trace)
			if s.State != store.StateRunning || note.TaskNote != tc.note || !maps.Equal(note.Gauges, tc.gauges) || note.Retrying() != tc.retrying {
				t.Errorf("status %s, trace %q parsed as %+v", s.State, s.Trace, note)
			}
		})
	}
}
