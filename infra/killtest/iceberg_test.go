package killtest

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/iceberg-go/catalog"
	icetable "github.com/apache/iceberg-go/table"

	"github.com/connectless/connectless/connectors/iceberg"
	"github.com/connectless/connectless/infra/devstack/devstacktest"
)

// icebergSizes returns the record count and kills (or races) of an Iceberg run: the S3
// sink's sizes (200,000 records and 20 by default), except that -long stays at 200,000 and
// 20 (a million records through one sql catalog on this machine is not a test run); -records
// and -chaos override.
func icebergSizes() (n, target int) {
	n, target = scaled(200000, 20, 200000, 20)
	return n - n%partitions, target
}

// setupIceberg is setup with the Iceberg sink: a PostgreSQL sql catalog and the warehouse in
// versitygw.
func setupIceberg(t *testing.T, n int) (*env, map[string]string) {
	t.Helper()
	pg := devstacktest.Postgres(t)
	e, s := startServices(t, n)
	cfg := map[string]string{
		"connector.class":                      iceberg.ConnectorClass,
		"name":                                 connector,
		"topics":                               topic,
		"tasks.max":                            strconv.Itoa(tasks),
		iceberg.TablesConfig:                   "logs.archive",
		iceberg.AutoCreateConfig:               "true",
		iceberg.EvolveSchemaConfig:             "true",
		iceberg.PartitionByConfig:              "level",
		iceberg.CatalogTypeConfig:              "sql",
		iceberg.CatalogURIConfig:               pg.DSN,
		iceberg.CatalogWarehouseConfig:         "s3://" + bucket + "/warehouse",
		iceberg.S3EndpointConfig:               s.Endpoint,
		iceberg.S3PathStyleConfig:              "true",
		iceberg.S3AccessKeyConfig:              s.AccessKey,
		iceberg.S3SecretKeyConfig:              s.SecretKey,
		iceberg.ClientRegionConfig:             s.Region,
		"key.converter":                        "org.apache.kafka.connect.storage.StringConverter",
		"value.converter":                      "org.apache.kafka.connect.json.JsonConverter",
		"value.converter.schemas.enable":       "false",
		"iceberg.control.commit.interval-ms":   "600000",
		"iceberg.tables.schema-force-optional": "true",
	}
	e.createConnector(connector, cfg)
	return e, cfg
}

// TestIntegrationIcebergKilledTaskProcesses writes the topic to an Iceberg table while task
// processes are SIGKILLed at random moments; every record must be in the table once.
func TestIntegrationIcebergKilledTaskProcesses(t *testing.T) {
	n, target := icebergSizes()
	e, cfg := setupIceberg(t, n)
	t.Cleanup(func() { e.explainFailure(cfg) })
	d := newDriver(e, killMode, target, 3)
	e.drive(d, e)
	if d.kills < target {
		t.Errorf("%d task processes killed while records remained, want at least %d", d.kills, target)
	}
	e.verifyTable(cfg)
}

// TestIntegrationIcebergRacingInvocations writes the topic to an Iceberg table while two
// invocations of one task run at once (one frozen past its lease, then resumed): of two
// commits started from the same snapshot only the first lands, the other fails with nothing
// visible, and the stale invocation's state store commit is fenced; every record must be
// in the table once.
func TestIntegrationIcebergRacingInvocations(t *testing.T) {
	n, target := icebergSizes()
	e, cfg := setupIceberg(t, n)
	t.Cleanup(func() { e.explainFailure(cfg) })
	d := newDriver(e, raceMode, target, 4)
	e.drive(d, e)
	if d.races < target {
		t.Errorf("%d races between two invocations of one task, want at least %d", d.races, target)
	}
	e.verifyTable(cfg)
}

// explainFailure logs, when the test failed, what the tasks' statuses say and where the
// state store's offsets and the table's stand: a state store behind the table that never
// catches up means a task stopped making progress.
func (e *env) explainFailure(cfg map[string]string) {
	t := e.t
	if !t.Failed() {
		return
	}
	ctx := context.Background()
	sts, err := e.rt.Store.Statuses(ctx, connector)
	for _, st := range sts {
		t.Logf("task %d: %s: %s", st.Task, st.State, st.Trace)
	}
	if err != nil {
		t.Logf("statuses: %v", err)
	}
	offs, err := e.rt.Store.SinkOffsets(ctx, connector)
	t.Logf("state store offsets: %v (%v); end offset of every partition %d", offs, err, e.perPartition)
	cat, err := iceberg.OpenCatalog(ctx, cfg)
	if err != nil {
		t.Logf("open catalog: %v", err)
		return
	}
	defer iceberg.CloseCatalog(cat)
	tbl, err := cat.LoadTable(ctx, catalog.ToIdentifier("logs.archive"))
	if err != nil {
		t.Logf("load table: %v", err)
		return
	}
	if s := tbl.CurrentSnapshot(); s != nil && s.Summary != nil {
		t.Logf("table offsets: %s (snapshot %d, lease token %s)", s.Summary.Properties[iceberg.OffsetsPropPrefix+topic+".connect-"+connector],
			s.SnapshotID, s.Summary.Properties[iceberg.LeaseTokenProp])
	}
}

// verifyTable scans the table with iceberg-go's scan API (not the sink's writer) and checks
// that each record of each partition is in it exactly once, and that the latest snapshot
// carries every partition's end offset.
func (e *env) verifyTable(cfg map[string]string) {
	t := e.t
	ctx := context.Background()
	start := time.Now()
	cat, err := iceberg.OpenCatalog(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer iceberg.CloseCatalog(cat)
	tbl, err := cat.LoadTable(ctx, catalog.ToIdentifier("logs.archive"))
	if err != nil {
		t.Fatal(err)
	}
	at, err := tbl.Scan().ToArrowTable(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer at.Release()
	idx := at.Schema().FieldIndices("trace_id")
	if len(idx) != 1 {
		t.Fatalf("no trace_id column in %s", at.Schema())
	}
	seen := map[string]int{}
	for _, chunk := range at.Column(idx[0]).Data().Chunks() {
		s := chunk.(*array.String)
		for i := range s.Len() {
			seen[s.Value(i)]++
		}
	}
	lost, dup := 0, 0
	for seq := range e.perPartition {
		for p := range uint64(partitions) {
			switch c := seen[fmt.Sprintf("%016x", uint64(seq)*2654435761+p)]; {
			case c == 0:
				lost++
			case c > 1:
				dup += c - 1
			}
		}
	}
	snap := tbl.CurrentSnapshot()
	t.Logf("table: %d rows in %d snapshots read back in %s; %d records lost, %d duplicated (of %d)",
		at.NumRows(), len(tbl.Metadata().Snapshots()), time.Since(start).Round(time.Millisecond), lost, dup, e.n)
	if at.NumRows() != int64(e.n) || lost != 0 || dup != 0 {
		t.Errorf("table holds %d rows for %d records: %d lost, %d duplicated", at.NumRows(), e.n, lost, dup)
	}
	want := "{"
	for p := range partitions {
		if p > 0 {
			want += ","
		}
		want += fmt.Sprintf(`"%d":%d`, p, e.perPartition)
	}
	want += "}"
	if got := snap.Summary.Properties[iceberg.OffsetsPropPrefix+topic+".connect-"+connector]; got != want {
		t.Errorf("latest snapshot's offsets %s, want %s", got, want)
	}
	e.verifyLeaseTokens(tbl)
}

// verifyLeaseTokens walks the table's snapshots from the first and checks that each task's
// lease token never goes back: a stale invocation's commit landing after the new holder
// fenced the table would bring its older token back. Killed invocations leave their leases
// unreleased, so the tasks that take them over must have fenced the table at least once.
func (e *env) verifyLeaseTokens(tbl *icetable.Table) {
	t := e.t
	key := iceberg.LeaseTokensPropPrefix + "connect-" + connector
	newest := map[string]int64{}
	fences := 0
	for _, s := range tbl.Metadata().Snapshots() {
		if s.Summary == nil {
			continue
		}
		if s.Summary.Properties[iceberg.FenceProp] == "true" {
			fences++
		}
		v, ok := s.Summary.Properties[key]
		if !ok {
			continue
		}
		var toks map[string]int64
		if err := json.Unmarshal([]byte(v), &toks); err != nil {
			t.Fatalf("snapshot %d: %s = %s: %v", s.SnapshotID, key, v, err)
		}
		for task, tok := range toks {
			if tok < newest[task] {
				t.Errorf("snapshot %d: task %s's lease token %d after %d: a stale invocation's commit landed", s.SnapshotID, task, tok, newest[task])
			}
			newest[task] = max(newest[task], tok)
		}
	}
	if t.Failed() {
		for _, s := range tbl.Metadata().Snapshots() {
			if s.Summary != nil {
				p := s.Summary.Properties
				t.Logf("snapshot %d (parent %v) at %d: token %s tokens %s fence %q offsets %s", s.SnapshotID, s.ParentSnapshotID, s.TimestampMs,
					p[iceberg.LeaseTokenProp], p[key], p[iceberg.FenceProp], p[iceberg.OffsetsPropPrefix+topic+".connect-"+connector])
			}
		}
	}
	t.Logf("%d fencing snapshots; newest lease tokens %v", fences, newest)
	if fences == 0 {
		t.Errorf("no fencing snapshot, though invocations were killed or frozen past their leases")
	}
}
