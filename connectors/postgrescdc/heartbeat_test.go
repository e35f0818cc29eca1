package postgrescdc

import (
	"testing"
	"time"

	"github.com/connectless/connectless/core/connect"
	"github.com/connectless/connectless/core/connect/connecttest"
)

// TestIntegrationHeartbeat changes only a table that is not captured: without heartbeats the
// slot cannot move (no record carries a position); with heartbeat.interval.ms a heartbeat
// record carries it, and once stored the slot confirms it, so the WAL is released.
func TestIntegrationHeartbeat(t *testing.T) {
	e := newPgEnv(t, "hb")
	e.exec(t, "CREATE TABLE hb.captured (id INT PRIMARY KEY)", "CREATE TABLE hb.other (id INT PRIMARY KEY)")
	props := e.props("hb", SnapshotModeConfig, SnapshotNoData, TableIncludeConfig, `hb\.captured`)
	offsets := connecttest.NewOffsets()
	slice(t, props, offsets)
	start := e.confirmedFlush(t)
	e.exec(t, "INSERT INTO hb.other SELECT generate_series(1, 2000)")
	if recs := slice(t, props, offsets); len(recs) != 0 {
		t.Fatalf("%d records for a table not captured", len(recs))
	}
	if got := e.confirmedFlush(t); got != start {
		t.Fatalf("confirmed_flush_lsn moved from %d to %d without a stored position", start, got)
	}
	props[HeartbeatIntervalConfig] = "1000"
	recs := slice(t, props, offsets)
	var hb []connect.SourceRecord
	for _, r := range recs {
		if r.Topic == "__debezium-heartbeat.hb" {
			hb = append(hb, r)
		}
	}
	if len(hb) == 0 || len(hb) != len(recs) {
		t.Fatalf("%d heartbeats among %d records", len(hb), len(recs))
	}
	if k, _ := hb[0].Key.(*connect.Struct); k == nil || k.Schema().Name != "io.debezium.connector.common.ServerNameKey" {
		t.Errorf("heartbeat key %v", hb[0].Key)
	}
	p, _, _ := parsePosition(hb[len(hb)-1].SourceOffset)
	if got := e.confirmedFlush(t); got <= start || got != p.commit {
		t.Errorf("confirmed_flush_lsn %d (was %d), the stored heartbeat covers %d", got, start, p.commit)
	}

	// Debezium's heartbeat.interval.ms: heartbeat messages are sent at that interval, also
	// when nothing changed. A slice on an idle database emits one once the interval passed
	// since the last (kept in the offsets), at the same position, and still ends.
	time.Sleep(time.Second)
	recs = slice(t, props, offsets)
	if len(recs) == 0 || recs[0].Topic != "__debezium-heartbeat.hb" {
		t.Fatalf("idle slice: %d records, want a heartbeat", len(recs))
	}
	if q, _, _ := parsePosition(recs[len(recs)-1].SourceOffset); q.commit < p.commit || q.heartbeatMs <= p.heartbeatMs {
		t.Errorf("idle heartbeat at %d (heartbeat time %d), the previous one at %d (%d)", q.commit, q.heartbeatMs, p.commit, p.heartbeatMs)
	}
}
