package postgrescdc

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/connectless/connectless/core/connect"
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

	reads, created := verifyHistory(t, e, recs, "s.snap.t", "snap.t")
	if reads < initial {
		t.Errorf("%d rows read by the snapshot, want at least %d", reads, initial)
	}
	t.Logf("%d read, %d created during or after the snapshot", reads, created)
}

// verifyHistory checks the events of one table (id, v columns; v counts updates): each row is
// read or created exactly once, its updates follow with v up by one each time, and the last
// event of each row holds the table's current v. It returns the rows read and created.
func verifyHistory(t *testing.T, e *pgEnv, recs []connect.SourceRecord, topic, table string) (reads, created int) {
	t.Helper()
	first := map[int32]string{}
	last := map[int32]int32{}
	for _, r := range recs {
		if r.Value == nil || r.Topic != topic {
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
				t.Fatalf("%s row %d: update before its read or create", table, id)
			}
			if v != last[id]+1 {
				t.Fatalf("row %d: v %d after %d (gap or repeat)", id, v, last[id])
			}
			last[id] = v
		default:
			t.Fatalf("unexpected op %s", o)
		}
	}
	rows, err := e.conn.Query(t.Context(), "SELECT id, v FROM "+table)
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
	return reads, len(first) - reads
}

// TestIntegrationResumedSnapshot cuts a two-table snapshot short twice while a writer changes
// both tables: each resume reads the rest in a new snapshot, and the stream skips what those
// later snapshots already hold, so no change is missed or repeated.
func TestIntegrationResumedSnapshot(t *testing.T) {
	e := newPgEnv(t, "resume")
	e.exec(t, "CREATE TABLE resume.a (id INT PRIMARY KEY, v INT NOT NULL)", "CREATE TABLE resume.b (id INT PRIMARY KEY, v INT NOT NULL)",
		"INSERT INTO resume.a SELECT g, 0 FROM generate_series(1, 2000) g", "INSERT INTO resume.b SELECT g, 0 FROM generate_series(1, 1000) g")
	props := e.props("rs", MaxBatchSizeConfig, "100")
	offsets := connecttest.NewOffsets()
	stop := make(chan struct{})
	writerDone := make(chan error, 1)
	go func() {
		ctx := context.Background()
		for i := 0; ; i++ {
			select {
			case <-stop:
				writerDone <- nil
				return
			default:
			}
			tbl := []string{"a", "b"}[i%2]
			var err error
			if i%5 == 0 {
				_, err = e.pgExecOwn(ctx, "INSERT INTO resume."+tbl+" VALUES ($1, 0)", 5000+i)
			} else {
				_, err = e.pgExecOwn(ctx, "UPDATE resume."+tbl+" SET v = v + 1 WHERE id = $1", 1+(i*13)%1000)
			}
			if err != nil {
				writerDone <- err
				return
			}
			if i%10 == 0 {
				time.Sleep(time.Millisecond)
			}
		}
	}()
	var recs []connect.SourceRecord
	recs = append(recs, sliceN(t, props, offsets, 5)...)  // part of a
	recs = append(recs, sliceN(t, props, offsets, 18)...) // the rest of a, part of b
	close(stop)
	if err := <-writerDone; err != nil {
		t.Fatal(err)
	}
	recs = append(recs, slice(t, props, offsets)...)
	recs = append(recs, slice(t, props, offsets)...)
	off, _ := offsets.Offset(t.Context(), map[string]any{"server": "rs"})
	if p, _, _ := parsePosition(off); p.snapshot {
		t.Fatalf("snapshot not finished: %v", off)
	}
	ra, ca := verifyHistory(t, e, recs, "rs.resume.a", "resume.a")
	rb, cb := verifyHistory(t, e, recs, "rs.resume.b", "resume.b")
	t.Logf("a: %d read, %d created; b: %d read, %d created", ra, ca, rb, cb)
}

// sliceN is slice cut short after polls polls, as a slice whose time ran out.
func sliceN(t *testing.T, props map[string]string, offsets *connecttest.Offsets, polls int) []connect.SourceRecord {
	t.Helper()
	ctx := t.Context()
	task := &Task{idle: 300 * time.Millisecond}
	if err := task.Start(ctx, props, connecttest.SourceContext{Reader: offsets}); err != nil {
		t.Fatalf("start: %v", err)
	}
	var all []connect.SourceRecord
	for i, retries := 0, 0; i < polls; i++ {
		recs, err := task.Poll(ctx)
		if err != nil && connect.IsRetriable(err) && retries < 50 {
			retries++
			i--
			time.Sleep(100 * time.Millisecond)
			continue
		}
		if err != nil {
			task.Stop()
			t.Fatalf("poll: %v", err)
		}
		all = append(all, recs...)
	}
	if err := offsets.CommitRecords(all); err != nil {
		t.Fatal(err)
	}
	if err := task.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	task.Stop()
	return all
}

// TestIntegrationSnapshotMarks checks source.snapshot of read events across tables and polls:
// Debezium 2.x marks the first row of the first table "first", the last row of the last table
// "last", the first and last rows of the other tables "first_in_data_collection" and
// "last_in_data_collection", the rest "true" (RelationalSnapshotChangeEventSource's
// setSnapshotMarker and its SnapshotRecord enum), and streamed events "false".
func TestIntegrationSnapshotMarks(t *testing.T) {
	e := newPgEnv(t, "marks")
	e.exec(t, "CREATE TABLE marks.a (id INT PRIMARY KEY)", "CREATE TABLE marks.b (id INT PRIMARY KEY)", "CREATE TABLE marks.c (id INT PRIMARY KEY)",
		"INSERT INTO marks.a VALUES (1), (2)", "INSERT INTO marks.b VALUES (1), (2), (3)", "INSERT INTO marks.c VALUES (1)")
	props := e.props("mk", MaxBatchSizeConfig, "2")
	offsets := connecttest.NewOffsets()
	recs := slice(t, props, offsets)
	var got []string
	for _, r := range recs {
		got = append(got, fmt.Sprintf("%s%v:%v", r.Topic[len("mk.marks."):], field(r, "after.id"), field(r, "source.snapshot")))
	}
	want := "a1:first a2:last_in_data_collection b1:first_in_data_collection b2:true b3:last_in_data_collection c1:last"
	if strings.Join(got, " ") != want {
		t.Errorf("snapshot marks\n got %s\nwant %s", strings.Join(got, " "), want)
	}
	e.exec(t, "INSERT INTO marks.b VALUES (4)")
	recs = slice(t, props, offsets)
	if len(recs) != 1 || field(recs[0], "source.snapshot") != "false" {
		t.Errorf("streamed event: %d records, snapshot %v; want one, \"false\"", len(recs), field(recs[0], "source.snapshot"))
	}
}

// TestIntegrationResumedSnapshotWithoutKey cuts the snapshot of a table without a primary key
// short: the resume reads on after the last row's place (ctid) instead of reading the table
// again, so no row is read twice; rows inserted and updated between the two slices arrive
// (the stream keeps every change of such a table: a row may come as a read and a change).
func TestIntegrationResumedSnapshotWithoutKey(t *testing.T) {
	e := newPgEnv(t, "nokey")
	e.exec(t, "CREATE TABLE nokey.k (id INT NOT NULL, v INT NOT NULL)", "ALTER TABLE nokey.k REPLICA IDENTITY FULL",
		"INSERT INTO nokey.k SELECT g, 0 FROM generate_series(1, 2000) g")
	props := e.props("nk", MaxBatchSizeConfig, "100")
	offsets := connecttest.NewOffsets()
	recs := sliceN(t, props, offsets, 5)
	if len(recs) != 500 {
		t.Fatalf("first slice: %d records, want 500", len(recs))
	}
	e.exec(t, "INSERT INTO nokey.k VALUES (3001, 0)", "UPDATE nokey.k SET v = 1 WHERE id = 10")
	recs = append(recs, slice(t, props, offsets)...)
	reads, last := map[int32]int{}, map[int32]int32{}
	for _, r := range recs {
		id, _ := field(r, "after.id").(int32)
		if op(r) == "r" {
			reads[id]++
		}
		last[id], _ = field(r, "after.v").(int32)
	}
	for id := int32(1); id <= 2000; id++ {
		if id != 10 && reads[id] != 1 {
			t.Fatalf("row %d read %d times, want once", id, reads[id])
		}
	}
	if _, ok := last[3001]; !ok {
		t.Error("the row inserted between the slices is missing")
	}
	if last[10] != 1 {
		t.Errorf("row 10 ends at v %d, want 1 (updated between the slices)", last[10])
	}
}
