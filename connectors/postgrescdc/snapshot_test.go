package postgrescdc

import (
	"context"
	"fmt"
	"testing"

	"github.com/connectless/connectless/core/connect/connecttest"
)

// TestIntegrationSnapshotWithConcurrentWrites snapshots a table while a writer inserts and
// updates rows, then streams: each row is read (r) or created (c) exactly once, and its
// updates follow one by one with no gap and no repeat, ending at the table's state.
func TestIntegrationSnapshotWithConcurrentWrites(t *testing.T) {
	e := newPgEnv(t, "snap")
	const initial, writes = 3000, 1500
	e.exec(t, "CREATE TABLE snap.t (id INT PRIMARY KEY, v INT NOT NULL)",
		fmt.Sprintf("INSERT INTO snap.t SELECT g, 0 FROM generate_series(1, %d) g", initial))
	props := e.props("s", MaxBatchSizeConfig, "100")
	offsets := connecttest.NewOffsets()
	writerDone := make(chan error, 1)
	go func() {
		ctx := context.Background()
		for i := 0; i < writes; i++ {
			var err error
			if i%3 == 0 {
				_, err = e.pgExecOwn(ctx, "INSERT INTO snap.t VALUES ($1, 0)", initial+1+i)
			} else {
				_, err = e.pgExecOwn(ctx, "UPDATE snap.t SET v = v + 1 WHERE id = $1", 1+(i*7)%initial)
			}
			if err != nil {
				writerDone <- err
				return
			}
		}
		writerDone <- nil
	}()
	recs := slice(t, props, offsets)
	if err := <-writerDone; err != nil {
		t.Fatal(err)
	}
	recs = append(recs, slice(t, props, offsets)...)

	first := map[int32]string{}
	last := map[int32]int32{}
	reads := 0
	for _, r := range recs {
		if r.Value == nil || r.Topic != "s.snap.t" {
			continue
		}
		id, _ := field(r, "after.id").(int32)
		v, _ := field(r, "after.v").(int32)
		switch o := op(r); o {
		case "r", "c":
			if prev, dup := first[id]; dup {
				t.Fatalf("row %d: %s after %s", id, o, prev)
			}
			first[id], last[id] = o, v
			if o == "r" {
				reads++
			}
		case "u":
			if _, ok := first[id]; !ok {
				t.Fatalf("row %d: update before its read or create", id)
			}
			if v != last[id]+1 {
				t.Fatalf("row %d: v %d after %d (gap or repeat)", id, v, last[id])
			}
			last[id] = v
		default:
			t.Fatalf("unexpected op %s", o)
		}
	}
	rows, err := e.conn.Query(t.Context(), "SELECT id, v FROM snap.t")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for rows.Next() {
		var id, v int32
		rows.Scan(&id, &v)
		n++
		if got, ok := last[id]; !ok || got != v {
			t.Errorf("row %d: table v %d, events end at %d (seen %v)", id, v, got, ok)
		}
	}
	rows.Close()
	if n != len(first) {
		t.Errorf("%d rows in the table, %d in the events", n, len(first))
	}
	if reads < initial {
		t.Errorf("%d rows read by the snapshot, want at least %d", reads, initial)
	}
	t.Logf("%d read, %d created during or after the snapshot", reads, len(first)-reads)
}
