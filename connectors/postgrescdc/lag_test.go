package postgrescdc

import (
	"maps"
	"strings"
	"testing"

	"github.com/connectless/connectless/core/schedule"
	"github.com/connectless/connectless/core/store"
)

// TestIntegrationSlotLagReported runs the task through the runtime: after a slice that left
// WAL of a table not captured behind the slot's confirmed position, the task reports the
// slot lag as the gauge slot_lag_bytes (in the result and the status trace) and, past a tiny
// slot.lag.warn.bytes, a note in its status; under a large threshold the note is gone.
func TestIntegrationSlotLagReported(t *testing.T) {
	ctx := t.Context()
	e := newPgEnv(t, "lag")
	e.exec(t, "CREATE TABLE lag.captured (id INT PRIMARY KEY)", "CREATE TABLE lag.other (id INT PRIMARY KEY)")
	r := newRunEnv(t, "lg.lag.captured")
	r.create(t, "pglag", e.props("lg", SnapshotModeConfig, SnapshotNoData, TableIncludeConfig, `lag\.captured`, SlotLagWarnConfig, "1000"))
	if _, err := r.invoke(ctx, "pglag"); err != nil { // creates the slot
		t.Fatal(err)
	}
	e.exec(t, "INSERT INTO lag.other SELECT generate_series(1, 2000)")
	res, err := r.invoke(ctx, "pglag")
	if err != nil {
		t.Fatal(err)
	}
	var now int64
	if err := e.conn.QueryRow(ctx, `SELECT (pg_current_wal_lsn() - confirmed_flush_lsn)::bigint FROM pg_replication_slots WHERE slot_name = $1`, e.slot).Scan(&now); err != nil {
		t.Fatal(err)
	}
	lag, ok := res.Gauges[GaugeSlotLag]
	// 2,000 rows of a table not captured are far more than 1,000 bytes of WAL; the slot did
	// not move since, so the lag read now is at least the one reported.
	if !ok || lag <= 1000 || lag > float64(now) {
		t.Fatalf("gauges %v, slot lag now %d", res.Gauges, now)
	}
	t.Logf("slot lag reported: %.0f bytes (now %d)", lag, now)
	st := statusOf(t, r.st, "pglag")
	note := schedule.ParseNote(st.Trace)
	if st.State != store.StateRunning || !strings.Contains(note.TaskNote, SlotLagWarnConfig+"=1000") || !maps.Equal(note.Gauges, res.Gauges) {
		t.Fatalf("status %s, trace %q", st.State, st.Trace)
	}

	c, err := r.st.Connector(ctx, "pglag")
	if err != nil {
		t.Fatal(err)
	}
	tc := maps.Clone(c.Tasks[0])
	tc[SlotLagWarnConfig] = "1099511627776"
	if _, err := r.st.PutTaskConfigs(ctx, "pglag", []map[string]string{tc}); err != nil {
		t.Fatal(err)
	}
	if res, err = r.invoke(ctx, "pglag"); err != nil {
		t.Fatal(err)
	}
	st = statusOf(t, r.st, "pglag")
	note = schedule.ParseNote(st.Trace)
	if note.TaskNote != "" || note.Gauges[GaugeSlotLag] < lag || res.Gauges[GaugeSlotLag] != note.Gauges[GaugeSlotLag] {
		t.Fatalf("under the threshold: trace %q, gauges %v", st.Trace, res.Gauges)
	}
}

func statusOf(t *testing.T, st store.Store, name string) store.Status {
	t.Helper()
	sts, err := st.Statuses(t.Context(), name)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range sts {
		if s.Task == 0 {
			return s
		}
	}
	t.Fatalf("no status for %s/0", name)
	return store.Status{}
}
