package postgrescdc

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/connectless/connectless/core/connect"
	"github.com/connectless/connectless/core/connect/connecttest"
)

// TestIntegrationFiltersAndModes checks column.exclude.list, the default skipped.operations
// (truncates), snapshot.mode=initial_only, when_needed after the slot was lost, and the clear
// error when the slot is lost under snapshot.mode=initial.
func TestIntegrationFiltersAndModes(t *testing.T) {
	e := newPgEnv(t, "modes")
	e.exec(t, "CREATE TABLE modes.t (id INT PRIMARY KEY, name TEXT NOT NULL, secret TEXT)",
		"INSERT INTO modes.t VALUES (1, 'a', 's1'), (2, 'b', 's2')")
	props := e.props("m", ColumnExcludeConfig, `modes\.t\.secret`, SnapshotModeConfig, SnapshotInitialOnly)
	offsets := connecttest.NewOffsets()
	recs := slice(t, props, offsets)
	if len(recs) != 2 || op(recs[0]) != "r" {
		t.Fatalf("initial_only snapshot: %d records", len(recs))
	}
	if after, _ := recs[0].ValueSchema.Field("after"); after.Schema == nil {
		t.Fatal("no after")
	} else if _, has := after.Schema.Field("secret"); has {
		t.Error("column.exclude.list: secret is in the schema")
	}
	e.exec(t, "INSERT INTO modes.t VALUES (3, 'c', 's3')")
	if n := len(slice(t, props, offsets)); n != 0 {
		t.Errorf("initial_only streamed %d records after its snapshot", n)
	}

	props[SnapshotModeConfig] = SnapshotInitial
	e.exec(t, "TRUNCATE modes.t", "INSERT INTO modes.t VALUES (4, 'd', NULL)")
	recs = slice(t, props, offsets)
	var ops []string
	for _, r := range recs {
		ops = append(ops, op(r))
	}
	// The row inserted while initial_only idled streams now; the truncate is skipped (skipped.operations=t by default).
	if strings.Join(ops, ",") != "c,c" {
		t.Errorf("stream after initial_only, default skipped.operations: %v, want c,c", ops)
	}

	// The slot is lost: initial refuses with a clear error, when_needed takes a new snapshot.
	e.dropSlot(t)
	err := (&Task{}).Start(context.Background(), props, connecttest.SourceContext{Reader: offsets})
	if !errors.Is(err, ErrConfig) || !strings.Contains(err.Error(), "when_needed") {
		t.Fatalf("start without the slot: %v, want an error naming snapshot.mode=when_needed", err)
	}
	props[SnapshotModeConfig] = SnapshotWhenNeeded
	recs = slice(t, props, offsets)
	if len(recs) != 1 || op(recs[0]) != "r" || field(recs[0], "after.id") != int32(4) {
		t.Fatalf("when_needed after the slot was lost: %d records", len(recs))
	}
}

// TestIntegrationSnapshotAlways: Debezium's snapshot.mode=always "performs a snapshot when it
// starts" (PostgreSQL connector documentation, snapshot.mode options). The invocations of one
// start of the connector stream after the first one's snapshot; a restart of the connector
// (a new Start and TaskConfigs, as the REST restart does) reads the tables again.
func TestIntegrationSnapshotAlways(t *testing.T) {
	e := newPgEnv(t, "always")
	e.exec(t, "CREATE TABLE always.t (id INT PRIMARY KEY)", "INSERT INTO always.t VALUES (1), (2)")
	taskProps := func() map[string]string {
		c := &Connector{}
		if err := c.Start(context.Background(), e.props("al", SnapshotModeConfig, SnapshotAlways)); err != nil {
			t.Fatal(err)
		}
		tasks, err := c.TaskConfigs(1)
		if err != nil {
			t.Fatal(err)
		}
		return tasks[0]
	}
	ops := func(recs []connect.SourceRecord) string {
		var out []string
		for _, r := range recs {
			out = append(out, fmt.Sprintf("%s%v", op(r), field(r, "after.id")))
		}
		return strings.Join(out, ",")
	}
	offsets := connecttest.NewOffsets()
	props := taskProps()
	if got := ops(slice(t, props, offsets)); got != "r1,r2" {
		t.Fatalf("first start: %s, want r1,r2", got)
	}
	e.exec(t, "INSERT INTO always.t VALUES (3)")
	if got := ops(slice(t, props, offsets)); got != "c3" {
		t.Fatalf("next invocation of the same start: %s, want c3", got)
	}
	props = taskProps() // the connector restarts
	if got := ops(slice(t, props, offsets)); got != "r1,r2,r3" {
		t.Fatalf("after a restart: %s, want r1,r2,r3", got)
	}
	e.exec(t, "INSERT INTO always.t VALUES (4)")
	if got := ops(slice(t, props, offsets)); got != "c4" {
		t.Fatalf("after the new snapshot: %s, want c4", got)
	}
}
