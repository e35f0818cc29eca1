package iceberg

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"

	"github.com/connectless/connectless/core/connect"
	"github.com/connectless/connectless/core/connect/connecttest"
	"github.com/connectless/connectless/core/connect/transient"
	"github.com/connectless/connectless/core/convert"
	"github.com/connectless/connectless/infra/devstack"
	"github.com/connectless/connectless/infra/devstack/devstacktest"
)

// TestIntegrationSink runs the sink on a PostgreSQL sql catalog with a versitygw warehouse:
// create, append, resume, evolve, error handling and fencing.
func TestIntegrationSink(t *testing.T) {
	e := startEnv(t)
	tp0 := connect.TopicPartition{Topic: "app-logs", Partition: 0}
	tp1 := connect.TopicPartition{Topic: "app-logs", Partition: 1}

	t.Run("create and append", func(t *testing.T) {
		props := e.props(nil)
		recs := append(jsonRecords("app-logs", 0, 0, 30, logLine), jsonRecords("app-logs", 1, 0, 20, logLine)...)
		offs, _, err := run(t, props, []connect.TopicPartition{tp0, tp1}, 7, recs)
		if err != nil {
			t.Fatal(err)
		}
		if offs[tp0] != 30 || offs[tp1] != 20 {
			t.Fatalf("PreCommit offsets %v, want 30 and 20", offs)
		}
		tbl := loadTable(t, props, "logs.app")
		if got := len(scanColumn(t, tbl, "msg")); got != 50 {
			t.Fatalf("table has %d rows, want 50", got)
		}
		snap := tbl.CurrentSnapshot()
		if snap == nil || snap.Summary == nil {
			t.Fatal("no snapshot")
		}
		sp := snap.Summary.Properties
		// The Apache Iceberg sink's summary key shape: kafka.connect.offsets.<topic>.<group-id>
		// with a JSON object of partition → offset (Coordinator.java, snapshotOffsetsProp).
		if got := sp["kafka.connect.offsets.app-logs.connect-logs-to-iceberg"]; got != `{"0":30,"1":20}` {
			t.Fatalf("offsets property %q", got)
		}
		if sp[LeaseTokenProp] != "7" || sp[CommitIDProp] == "" {
			t.Fatalf("summary %v lacks lease token 7 or commit id", sp)
		}
		if string(snap.Summary.Operation) != "append" {
			t.Fatalf("operation %s, want append", snap.Summary.Operation)
		}

		// A second slice resumes where the table is, even if the state store lags: the
		// records it is handed again are skipped, new ones appended.
		offs, tctx, err := run(t, props, []connect.TopicPartition{tp0, tp1}, 8, jsonRecords("app-logs", 0, 25, 10, logLine))
		if err != nil {
			t.Fatal(err)
		}
		if r := tctx.Resets(); r[tp0] != 30 || r[tp1] != 20 {
			t.Fatalf("resets %v, want the table's offsets 30 and 20", r)
		}
		if offs[tp0] != 35 {
			t.Fatalf("PreCommit offset %d, want 35", offs[tp0])
		}
		msgs := scanColumn(t, loadTable(t, props, "logs.app"), "msg")
		if len(msgs) != 55 {
			t.Fatalf("table has %d rows after the second slice, want 55 (5 new)", len(msgs))
		}
		seen := map[string]int{}
		for _, m := range msgs {
			seen[m]++
		}
		for off := range 35 {
			if n := seen["line "+strconv.Itoa(off)]; (off < 20 && n != 2) || (off >= 20 && n != 1) {
				t.Fatalf("line %d appears %d times", off, n) // partition 0 and 1 share offsets below 20
			}
		}

		// An invocation committed to the table, then lost its lease before the state store
		// followed: the next slice has no record to read, yet must return the table's
		// offsets, or the state store stays behind for good. A partition the table holds no
		// offset of resumes from the state store's.
		tp2 := connect.TopicPartition{Topic: "app-logs", Partition: 2}
		offs, tctx, err = run(t, props, []connect.TopicPartition{tp0, tp1, tp2}, 9, nil)
		if err != nil {
			t.Fatal(err)
		}
		if r := tctx.Resets(); len(r) != 2 || r[tp0] != 35 || r[tp1] != 20 {
			t.Fatalf("resets %v, want the table's offsets 35 and 20 and none for partition 2", r)
		}
		if len(offs) != 2 || offs[tp0] != 35 || offs[tp1] != 20 {
			t.Fatalf("PreCommit offsets %v with no records, want the table's 35 and 20", offs)
		}
	})

	t.Run("evolve", func(t *testing.T) {
		props := e.props(map[string]string{EvolveSchemaConfig: "true"})
		recs := jsonRecords("app-logs", 0, 0, 5, logLine)
		recs = append(recs, jsonRecords("app-logs", 0, 5, 5, func(off int64) map[string]any {
			m := logLine(off)
			m["host"] = "web-" + strconv.FormatInt(off, 10)
			m["ctx"] = map[string]any{"user": "u1", "attempt": int64(2)}
			return m
		})...)
		if _, _, err := run(t, props, []connect.TopicPartition{tp0}, 1, recs); err != nil {
			t.Fatal(err)
		}
		tbl := loadTable(t, props, "logs.app")
		if _, ok := tbl.Schema().FindFieldByName("ctx.attempt"); !ok {
			t.Fatalf("schema not evolved: %s", tbl.Schema())
		}
		hosts := scanColumn(t, tbl, "host")
		if len(hosts) != 10 || hosts[0] != "<null>" || hosts[5] != "web-5" {
			t.Fatalf("host column %v", hosts)
		}
	})

	t.Run("incompatible record to error handling", func(t *testing.T) {
		props := e.props(map[string]string{EvolveSchemaConfig: "true"})
		recs := jsonRecords("app-logs", 0, 0, 3, logLine)
		bad := jsonRecords("app-logs", 0, 3, 1, func(off int64) map[string]any {
			m := logLine(off)
			m["seq"] = "not a number"
			return m
		})
		recs = append(recs, bad...)
		recs = append(recs, jsonRecords("app-logs", 0, 4, 2, logLine)...)
		offs, tctx, err := run(t, props, []connect.TopicPartition{tp0}, 1, recs)
		if err != nil {
			t.Fatal(err)
		}
		rep := tctx.Reported()
		if len(rep) != 1 || rep[0].Record.KafkaOffset() != 3 || !errors.Is(rep[0].Err, ErrSchema) {
			t.Fatalf("reported %+v, want offset 3 with ErrSchema", rep)
		}
		t.Logf("error handed to the reporter: %v", rep[0].Err)
		if offs[tp0] != 6 {
			t.Fatalf("offset %d, want 6", offs[tp0])
		}
		if n := len(scanColumn(t, loadTable(t, props, "logs.app"), "msg")); n != 5 {
			t.Fatalf("%d rows, want 5", n)
		}
	})

	t.Run("fenced", func(t *testing.T) {
		// A warehouse of its own: orphan cleanup looks at everything under the table's location.
		props := e.props(map[string]string{CatalogWarehouseConfig: "s3://" + e.bucket + "/fenced"})
		if _, _, err := run(t, props, []connect.TopicPartition{tp0}, 1, jsonRecords("app-logs", 0, 0, 10, logLine)); err != nil {
			t.Fatal(err)
		}
		// Two invocations start from the same snapshot; the later commit must fail.
		ctx := context.Background()
		start := func(token int64) *Task {
			task := NewTask(nil)
			if err := task.Start(ctx, props, &leaseContext{SinkContext: &connecttest.SinkContext{Partitions: []connect.TopicPartition{tp0}}, token: token}); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = task.Stop() })
			return task
		}
		zombie, owner := start(2), start(3)
		for _, task := range []*Task{zombie, owner} {
			if err := task.Put(ctx, jsonRecords("app-logs", 0, 10, 5, logLine)); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := owner.PreCommit(ctx, nil); err != nil {
			t.Fatal(err)
		}
		_, err := zombie.PreCommit(ctx, nil)
		if !errors.Is(err, ErrFenced) || !transient.Is(err) || connect.IsRetriable(err) {
			t.Fatalf("stale commit: %v, want ErrFenced, retriable by a later slice only", err)
		}
		tbl := loadTable(t, props, "logs.app")
		if n := len(scanColumn(t, tbl, "msg")); n != 15 {
			t.Fatalf("%d rows, want 15 (the stale invocation's 5 not visible)", n)
		}
		if tok := tbl.CurrentSnapshot().Summary.Properties[LeaseTokenProp]; tok != "3" {
			t.Fatalf("head snapshot by lease %s, want 3", tok)
		}

		// The stale invocation's data file was written but never committed: an orphan that
		// compaction removes once older than the safety age, and only then.
		cat, err := OpenCatalog(ctx, props)
		if err != nil {
			t.Fatal(err)
		}
		defer CloseCatalog(cat)
		res, err := Compact(ctx, cat, "logs.app", CompactOptions{OrphansOlderThan: time.Hour})
		if err != nil {
			t.Fatal(err)
		}
		if res.Orphans != 0 {
			t.Fatalf("%d orphan files younger than the safety age deleted, want 0", res.Orphans)
		}
		time.Sleep(10 * time.Millisecond)
		if res, err = Compact(ctx, cat, "logs.app", CompactOptions{OrphansOlderThan: time.Millisecond}); err != nil {
			t.Fatal(err)
		}
		t.Logf("orphans: %d files, %d bytes: %v", res.Orphans, res.OrphanBytes, res.OrphanFiles)
		data := 0
		for _, f := range res.OrphanFiles {
			if strings.Contains(f, "/data/") && strings.HasSuffix(f, ".parquet") {
				data++
			}
		}
		if data != 1 {
			t.Fatalf("compaction deleted %d orphan data files (%v), want the stale invocation's one", data, res.OrphanFiles)
		}
		tbl = loadTable(t, props, "logs.app")
		if n := len(scanColumn(t, tbl, "msg")); n != 15 {
			t.Fatalf("%d rows after deleting orphans, want 15", n)
		}
		if res, err = Compact(ctx, cat, "logs.app", CompactOptions{OrphansOlderThan: time.Millisecond}); err != nil || res.Orphans != 0 {
			t.Fatalf("second orphan pass: %+v, %v; want nothing left to delete", res, err)
		}
	})

	t.Run("taken over", func(t *testing.T) {
		// A holder whose lease expired unreleased (a zombie) prepares a commit; the task that
		// took the lease over fences the tables at start, before it has anything to commit, so
		// the zombie's commit fails even though the new holder has committed no record yet.
		for _, tc := range []struct {
			name  string
			extra map[string]string
		}{
			{"unpartitioned", nil},
			{"partitioned", map[string]string{PartitionByConfig: "day(ts), identity(level)"}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				props := e.props(tc.extra)
				ctx := context.Background()
				if _, _, err := run(t, props, []connect.TopicPartition{tp0}, 1, jsonRecords("app-logs", 0, 0, 10, logLine)); err != nil {
					t.Fatal(err)
				}
				start := func(token int64, tookOver bool) *Task {
					task := NewTask(nil)
					tctx := &leaseContext{SinkContext: &connecttest.SinkContext{Partitions: []connect.TopicPartition{tp0}}, token: token, tookOver: tookOver}
					if err := task.Start(ctx, props, tctx); err != nil {
						t.Fatal(err)
					}
					t.Cleanup(func() { _ = task.Stop() })
					return task
				}
				zombie := start(2, false)
				if err := zombie.Put(ctx, jsonRecords("app-logs", 0, 10, 5, logLine)); err != nil {
					t.Fatal(err)
				}
				before := loadTable(t, props, "logs.app").CurrentSnapshot().SnapshotID
				owner := start(3, true)
				head := loadTable(t, props, "logs.app").CurrentSnapshot()
				if head.SnapshotID == before || head.Summary.Properties[FenceProp] != "true" || head.Summary.Properties[LeaseTokenProp] != "3" {
					t.Fatalf("after the takeover the head is %d %v, want a fencing snapshot by token 3", head.SnapshotID, head.Summary.Properties)
				}
				if got := head.Summary.Properties["kafka.connect.offsets.app-logs.connect-logs-to-iceberg"]; got != `{"0":10}` {
					t.Fatalf("fencing snapshot offsets %s, want the table's unchanged", got)
				}
				if got := head.Summary.Properties[LeaseTokensPropPrefix+"connect-logs-to-iceberg"]; got != `{"0":3}` {
					t.Fatalf("fencing snapshot lease tokens %s, want task 0 at 3", got)
				}

				_, err := zombie.PreCommit(ctx, nil)
				if !errors.Is(err, ErrFenced) || !transient.Is(err) {
					t.Fatalf("the zombie's commit after the takeover: %v, want ErrFenced", err)
				}
				if n := len(scanColumn(t, loadTable(t, props, "logs.app"), "msg")); n != 10 {
					t.Fatalf("%d rows, want 10: nothing of the zombie's", n)
				}

				if err := owner.Put(ctx, jsonRecords("app-logs", 0, 10, 5, logLine)); err != nil {
					t.Fatal(err)
				}
				if _, err := owner.PreCommit(ctx, nil); err != nil {
					t.Fatal(err)
				}
				tbl := loadTable(t, props, "logs.app")
				if n := len(scanColumn(t, tbl, "msg")); n != 15 {
					t.Fatalf("%d rows, want 15", n)
				}
				fences, empty := 0, 0
				for _, s := range tbl.Metadata().Snapshots() {
					if s.Summary != nil && s.Summary.Properties[FenceProp] == "true" {
						fences++
					}
				}
				// Scans skip a data file without rows; the manifests list it, and parquet-go
				// reads it as a Parquet file of the table's columns with their field ids.
				fs, err := tbl.FS(ctx)
				if err != nil {
					t.Fatal(err)
				}
				mfs, err := tbl.CurrentSnapshot().Manifests(fs)
				if err != nil {
					t.Fatal(err)
				}
				for _, mf := range mfs {
					for en, err := range mf.Entries(fs, true) {
						if err != nil {
							t.Fatal(err)
						}
						if df := en.DataFile(); df.Count() == 0 {
							empty++
							b := getObject(t, e, df.FilePath())
							f, err := parquet.OpenFile(bytes.NewReader(b), int64(len(b)))
							if err != nil || f.NumRows() != 0 {
								t.Fatalf("parquet-go: fencing data file %s: %v", df.FilePath(), err)
							}
							msg, _ := tbl.Schema().FindFieldByName("msg")
							if !slices.ContainsFunc(f.Schema().Fields(), func(c parquet.Field) bool { return c.Name() == "msg" && c.ID() == msg.ID }) {
								t.Fatalf("fencing data file %s: no column msg with field id %d", df.FilePath(), msg.ID)
							}
						}
					}
				}
				if fences != 1 || empty != 1 {
					t.Fatalf("%d fencing snapshots and %d data files without rows, want 1 and 1", fences, empty)
				}
				checkDataFiles(t, e, tbl, 15, []string{"msg", "level", "ts"})

				// A later slice under the same lease (still taken over) finds its token in the
				// table and does not fence again; a lease that was released does not fence.
				start(3, true)
				start(4, false)
				if got := loadTable(t, props, "logs.app").CurrentSnapshot().SnapshotID; got != tbl.CurrentSnapshot().SnapshotID {
					t.Fatalf("a slice that needs no fence committed snapshot %d", got)
				}

				// A stale invocation that opens the table only after the new holder was there
				// (frozen before its start) is refused at once when the state store confirms
				// its lease was taken over ...
				late := NewTask(nil)
				err = late.Start(ctx, props, &leaseContext{SinkContext: &connecttest.SinkContext{Partitions: []connect.TopicPartition{tp0}}, token: 2, stale: true})
				_ = late.Stop()
				if !errors.Is(err, ErrFenced) || !transient.Is(err) {
					t.Fatalf("a stale invocation opening a table with a newer token of its task: %v, want ErrFenced", err)
				}
				// ... and goes on when its lease is current: a replaced state store whose
				// tokens restarted, whose commits then carry the lower token.
				reset := start(1, false)
				if err := reset.Put(ctx, jsonRecords("app-logs", 0, 15, 2, logLine)); err != nil {
					t.Fatal(err)
				}
				if _, err := reset.PreCommit(ctx, nil); err != nil {
					t.Fatalf("commit under a restarted token sequence: %v", err)
				}
				if got := loadTable(t, props, "logs.app").CurrentSnapshot().Summary.Properties[LeaseTokensPropPrefix+"connect-logs-to-iceberg"]; got != `{"0":1}` {
					t.Fatalf("lease tokens after the restarted sequence's commit: %s, want task 0 at 1", got)
				}
			})
		}
	})

	t.Run("two tasks share a table", func(t *testing.T) {
		props := e.props(nil)
		if _, _, err := run(t, props, []connect.TopicPartition{tp0}, 1, jsonRecords("app-logs", 0, 0, 4, logLine)); err != nil {
			t.Fatal(err)
		}
		ctx := context.Background()
		mk := func(tp connect.TopicPartition) *Task {
			task := NewTask(nil)
			if err := task.Start(ctx, props, &leaseContext{SinkContext: &connecttest.SinkContext{Partitions: []connect.TopicPartition{tp}}, token: 5}); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = task.Stop() })
			return task
		}
		a, b := mk(tp0), mk(tp1)
		if err := a.Put(ctx, jsonRecords("app-logs", 0, 4, 3, logLine)); err != nil {
			t.Fatal(err)
		}
		if err := b.Put(ctx, jsonRecords("app-logs", 1, 0, 6, logLine)); err != nil {
			t.Fatal(err)
		}
		if _, err := b.PreCommit(ctx, nil); err != nil {
			t.Fatal(err)
		}
		// a based its work on the snapshot before b's: it loses the race but only other
		// partitions moved, so it retries on b's snapshot.
		if _, err := a.PreCommit(ctx, nil); err != nil {
			t.Fatalf("commit after another task's: %v", err)
		}
		tbl := loadTable(t, props, "logs.app")
		if n := len(scanColumn(t, tbl, "msg")); n != 13 {
			t.Fatalf("%d rows, want 13", n)
		}
		if got := tbl.CurrentSnapshot().Summary.Properties["kafka.connect.offsets.app-logs.connect-logs-to-iceberg"]; got != `{"0":7,"1":6}` {
			t.Fatalf("offsets %s", got)
		}
	})

	t.Run("compact", func(t *testing.T) {
		props := e.props(nil)
		for slice := range 4 {
			if _, _, err := run(t, props, []connect.TopicPartition{tp0}, int64(slice+1), jsonRecords("app-logs", 0, int64(slice*10), 10, logLine)); err != nil {
				t.Fatal(err)
			}
		}
		ctx := context.Background()
		cat, err := OpenCatalog(ctx, props)
		if err != nil {
			t.Fatal(err)
		}
		defer CloseCatalog(cat)
		res, err := Compact(ctx, cat, "logs.app", CompactOptions{ExpireOlderThan: time.Nanosecond})
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("compaction: %+v", res)
		if res.FilesBefore != 4 || res.Rewritten != 4 || res.Added != 1 || res.FilesAfter != 1 || res.Expired != 4 {
			t.Fatalf("compaction %+v, want 4 files rewritten into 1 and the 4 older snapshots expired", res)
		}
		tbl := loadTable(t, props, "logs.app")
		if n := len(scanColumn(t, tbl, "msg")); n != 40 {
			t.Fatalf("%d rows after compaction, want 40", n)
		}
		if len(tbl.Metadata().Snapshots()) != 1 || string(tbl.CurrentSnapshot().Summary.Operation) != "replace" {
			t.Fatalf("snapshots after expiry: %d, head %s", len(tbl.Metadata().Snapshots()), tbl.CurrentSnapshot().Summary.Operation)
		}
		// The sink resumes from the compaction's snapshot, which kept its offsets.
		_, tctx, err := run(t, props, []connect.TopicPartition{tp0}, 9, jsonRecords("app-logs", 0, 35, 10, logLine))
		if err != nil {
			t.Fatal(err)
		}
		if r := tctx.Resets(); r[tp0] != 40 {
			t.Fatalf("resume at %v, want 40", r)
		}
		if n := len(scanColumn(t, loadTable(t, props, "logs.app"), "msg")); n != 45 {
			t.Fatalf("%d rows, want 45", n)
		}
	})

	t.Run("connect schema", func(t *testing.T) {
		props := e.props(map[string]string{TablesConfig: "sales.orders"})
		conv := &convert.JSONConverter{}
		if err := conv.Configure(map[string]string{"schemas.enable": "true"}, false); err != nil {
			t.Fatal(err)
		}
		env := `{"schema":{"type":"struct","fields":[
			{"field":"id","type":"int64","optional":false},
			{"field":"amount","type":"bytes","name":"org.apache.kafka.connect.data.Decimal","parameters":{"scale":"2"},"optional":true},
			{"field":"day","type":"int32","name":"org.apache.kafka.connect.data.Date","optional":true},
			{"field":"at","type":"int64","name":"org.apache.kafka.connect.data.Timestamp","optional":true},
			{"field":"tags","type":"array","items":{"type":"string","optional":false},"optional":true},
			{"field":"attrs","type":"map","keys":{"type":"string","optional":false},"values":{"type":"int32","optional":true},"optional":true},
			{"field":"geo","type":"struct","fields":[{"field":"lat","type":"double","optional":false},{"field":"lon","type":"float","optional":true}],"optional":true},
			{"field":"small","type":"int16","optional":true}]},
			"payload":{"id":%d,"amount":"AQI=","day":19000,"at":1700000000000,"tags":["a","b"],"attrs":{"x":1},"geo":{"lat":1.5,"lon":2.5},"small":7}}`
		var recs []connect.SinkRecord
		for off := range int64(3) {
			sc, v, err := conv.ToConnect("orders", []byte(fmt.Sprintf(env, off)))
			if err != nil {
				t.Fatal(err)
			}
			r := connect.NewSinkRecord("orders", 0, off)
			r.ValueSchema, r.Value = sc, v
			recs = append(recs, r)
		}
		if _, _, err := run(t, props, []connect.TopicPartition{{Topic: "orders", Partition: 0}}, 1, recs); err != nil {
			t.Fatal(err)
		}
		tbl := loadTable(t, props, "sales.orders")
		// Connect → Iceberg types as the Apache Iceberg sink maps them (kafka-connect
		// SchemaUtils.toIcebergType): Decimal → decimal(38, scale), Date → date, Timestamp →
		// timestamptz, int16 → int, float32 → float; required Connect fields give required columns.
		want := map[string]string{
			"id": "long", "amount": "decimal(38, 2)", "day": "date", "at": "timestamptz", "tags": "list<string>",
			"attrs": "map<string, int>", "geo": "struct<3: lat: required double, 4: lon: optional float>", "small": "int",
		}
		for name, typ := range want {
			f, ok := tbl.Schema().FindFieldByName(name)
			if !ok {
				t.Fatalf("no column %s in %s", name, tbl.Schema())
			}
			if got := f.Type.String(); got != typ && !(name == "geo" && strings.HasPrefix(got, "struct<")) {
				t.Errorf("column %s: %s, want %s", name, got, typ)
			}
		}
		if f, _ := tbl.Schema().FindFieldByName("id"); !f.Required {
			t.Error("id should be required (non-optional Connect field)")
		}
		if got := scanColumn(t, tbl, "amount"); len(got) != 3 || got[0] != "2.58" {
			t.Errorf("amount %v, want 2.58", got)
		}
		checkDataFiles(t, e, tbl, 3, []string{"id", "amount", "day", "at", "tags", "attrs", "geo", "small"})
		checkMetadataJSON(t, e, tbl)
	})

	t.Run("avro through schema registry", func(t *testing.T) {
		sr := devstacktest.SchemaRegistry(t, devstack.SchemaRegistryOptions{})
		conv, err := convert.New("io.confluent.connect.avro.AvroConverter", map[string]string{"schema.registry.url": sr.URL()}, false)
		if err != nil {
			t.Fatal(err)
		}
		sc := connect.StructBuilder().Name("shop.Order").
			Field("id", &connect.Schema{Type: connect.TypeInt64}).
			Field("note", &connect.Schema{Type: connect.TypeString, Optional: true}).
			Field("at", connect.TimestampSchema()).Build()
		var recs []connect.SinkRecord
		for off := range int64(4) {
			v := connect.NewStruct(sc).MustPut("id", off).MustPut("note", "n").MustPut("at", time.UnixMilli(1700000000000+off).UTC())
			b, err := conv.FromConnect("orders-avro", sc, v)
			if err != nil {
				t.Fatal(err)
			}
			gotSc, gotV, err := conv.ToConnect("orders-avro", b)
			if err != nil {
				t.Fatal(err)
			}
			r := connect.NewSinkRecord("orders-avro", 0, off)
			r.ValueSchema, r.Value = gotSc, gotV
			recs = append(recs, r)
		}
		props := e.props(map[string]string{TablesConfig: "shop.orders"})
		if _, _, err := run(t, props, []connect.TopicPartition{{Topic: "orders-avro", Partition: 0}}, 1, recs); err != nil {
			t.Fatal(err)
		}
		tbl := loadTable(t, props, "shop.orders")
		for name, typ := range map[string]string{"id": "long", "note": "string", "at": "timestamptz"} {
			if f, ok := tbl.Schema().FindFieldByName(name); !ok || f.Type.String() != typ {
				t.Errorf("column %s: %v, want %s", name, f.Type, typ)
			}
		}
		if got := scanColumn(t, tbl, "id"); strings.Join(got, ",") != "0,1,2,3" {
			t.Errorf("ids %v", got)
		}
	})

	t.Run("routing and commit interval", func(t *testing.T) {
		props := e.props(map[string]string{TablesConfig: "", DynamicEnabledConfig: "true", RouteFieldConfig: "app.name", CommitIntervalConfig: "1"})
		mk := func(app string) func(int64) map[string]any {
			return func(off int64) map[string]any {
				m := logLine(off)
				if app != "" {
					m["app"] = map[string]any{"name": app}
				}
				return m
			}
		}
		ctx := context.Background()
		tctx := &leaseContext{SinkContext: &connecttest.SinkContext{Partitions: []connect.TopicPartition{tp0}}, token: 1}
		task := NewTask(nil)
		if err := task.Start(ctx, props, tctx); err != nil {
			t.Fatal(err)
		}
		defer task.Stop()
		batches := [][]connect.SinkRecord{
			jsonRecords("app-logs", 0, 0, 3, mk("Logs.Web")),
			jsonRecords("app-logs", 0, 3, 2, mk("logs.api")),
			jsonRecords("app-logs", 0, 5, 1, mk("")),
			jsonRecords("app-logs", 0, 6, 2, mk("logs.web")),
		}
		for _, b := range batches {
			time.Sleep(2 * time.Millisecond) // past the 1 ms commit interval: each Put commits
			if err := task.Put(ctx, b); err != nil {
				t.Fatal(err)
			}
		}
		offs, err := task.PreCommit(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		if offs[tp0] != 8 {
			t.Fatalf("offset %d, want 8", offs[tp0])
		}
		web, api := loadTable(t, props, "logs.web"), loadTable(t, props, "logs.api")
		if n := len(scanColumn(t, web, "msg")); n != 5 {
			t.Errorf("logs.web has %d rows, want 5 (route values are lower-cased)", n)
		}
		if n := len(scanColumn(t, api, "msg")); n != 2 {
			t.Errorf("logs.api has %d rows, want 2", n)
		}
		if n := len(web.Metadata().Snapshots()); n != 2 {
			t.Errorf("logs.web has %d snapshots, want 2 (one per commit that had its records)", n)
		}
		if rep := tctx.Reported(); len(rep) != 1 || rep[0].Record.KafkaOffset() != 5 || !errors.Is(rep[0].Err, ErrSchema) {
			t.Errorf("reported %+v, want the record without a route value", rep)
		}
	})

	t.Run("preflight", func(t *testing.T) {
		ctx := context.Background()
		res := &connect.ConfigInfos{}
		props := e.props(map[string]string{AutoCreateConfig: "false", TablesConfig: "nowhere.none"})
		if err := (&Connector{}).Preflight(ctx, props, res); err != nil {
			t.Fatal(err)
		}
		missing := connect.PreflightFindings(*res)
		if len(missing) != 1 || missing[0].Key != TablesConfig || !strings.Contains(missing[0].Message, "does not exist") {
			t.Fatalf("findings %+v, want the missing table", missing)
		}
		// A program that validated without the catalog client finds it when a task starts.
		_, _, err := run(t, props, []connect.TopicPartition{{Topic: "pre", Partition: 0}}, 1, nil)
		var pe *connect.PreflightError
		if !errors.As(err, &pe) || len(pe.Findings) != 1 || pe.Findings[0] != missing[0] {
			t.Fatalf("task start: %v, want the preflight's finding %+v", err, missing[0])
		}
		res = &connect.ConfigInfos{}
		props = e.props(map[string]string{CatalogURIConfig: strings.Replace(e.pg.DSN, "connectless:connectless@", "connectless:wrong@", 1)})
		if err := (&Connector{}).Preflight(ctx, props, res); err != nil {
			t.Fatal(err)
		}
		f := connect.PreflightFindings(*res)
		if len(f) != 1 || f[0].Key != CatalogURIConfig || strings.Contains(f[0].Message, "wrong") {
			t.Fatalf("findings %+v, want the catalog URI, without the password", f)
		}
		t.Logf("finding: %s", f[0].Message)
	})
}
