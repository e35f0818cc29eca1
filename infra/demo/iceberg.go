package demo

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"time"

	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/iceberg-go/catalog"

	"github.com/connectless/connectless/connectors/iceberg"
	"github.com/connectless/connectless/infra/devstack"
)

// Names of the Iceberg demo.
const (
	// IcebergConnector names the Iceberg sink connector.
	IcebergConnector = "app-logs-iceberg"
	// IcebergTable is the table the logs land in.
	IcebergTable = "logs.app_logs"
)

// IcebergReport is what RunIceberg did and found.
type IcebergReport struct {
	// Produced is how many records were written to app-logs; Rows how many the table holds.
	Produced, Rows int64
	// Counts holds the rows by hour (yyyy-MM-ddTHH of ts) and level.
	Counts map[string]map[string]int64
	// Snapshots and DataFiles describe the table after the run.
	Snapshots, DataFiles int
	// Elapsed is the whole run's duration.
	Elapsed time.Duration
}

// RunIceberg runs the log archive into an Apache Iceberg table: Kafka and S3 as Run starts
// them, plus a throwaway PostgreSQL as the sql catalog; the Iceberg sink runs through the
// scheduler and task invocations; then the table is scanned with iceberg-go and counted by
// hour and level, and the count must equal what was produced.
func RunIceberg(ctx context.Context, opts Options) (*IcebergReport, error) {
	opts.defaults()
	r := &run{opts: opts, start: time.Now()}
	rep := &IcebergReport{}
	defer func() { rep.Elapsed = time.Since(r.start) }()
	stop, err := r.startServices(ctx)
	defer stop()
	if err != nil {
		return rep, err
	}
	r.progress("starting PostgreSQL (the Iceberg sql catalog)")
	pg, err := devstack.StartPostgres(ctx)
	if err != nil {
		return rep, fmt.Errorf("start postgres: %w", err)
	}
	defer pg.Close()
	r.progress("PostgreSQL ready on port %d", pg.Port)
	if err := r.produce(ctx); err != nil {
		return rep, err
	}
	rep.Produced = r.report.Produced
	cfg := r.icebergConfig(pg.DSN)
	info, err := r.api.CreateConnector(ctx, IcebergConnector, cfg, "")
	if err != nil {
		return rep, fmt.Errorf("create %s: %w", IcebergConnector, err)
	}
	r.progress("POST /connectors %s: %s, table %s (auto-created, partitioned by level), sql catalog on PostgreSQL, warehouse %s, schedule=%s",
		info.Name, cfg["connector.class"], IcebergTable, cfg[iceberg.CatalogWarehouseConfig], archiveRate)
	if err := r.runUntilCaughtUp(ctx, IcebergConnector, 6); err != nil {
		return rep, err
	}
	if err := r.queryIceberg(ctx, cfg, rep); err != nil {
		return rep, err
	}
	r.progress("done: %d records produced, %d rows in %s", rep.Produced, rep.Rows, IcebergTable)
	if opts.Wait {
		r.hold(ctx)
	}
	return rep, nil
}

// icebergConfig is the Iceberg sink's configuration for the demo's services.
func (r *run) icebergConfig(dsn string) map[string]string {
	return map[string]string{
		"connector.class":                                iceberg.ConnectorClass,
		"topics":                                         Topic,
		"tasks.max":                                      strconv.Itoa(r.opts.Tasks),
		"schedule":                                       archiveRate,
		iceberg.TablesConfig:                             IcebergTable,
		iceberg.AutoCreateConfig:                         "true",
		iceberg.EvolveSchemaConfig:                       "true",
		iceberg.PartitionByConfig:                        "level",
		iceberg.CatalogTypeConfig:                        "sql",
		iceberg.CatalogURIConfig:                         dsn,
		iceberg.CatalogWarehouseConfig:                   "s3://" + Bucket + "/iceberg",
		iceberg.S3EndpointConfig:                         r.s3.Endpoint,
		iceberg.S3PathStyleConfig:                        "true",
		iceberg.S3AccessKeyConfig:                        r.s3.AccessKey,
		iceberg.S3SecretKeyConfig:                        r.s3.SecretKey,
		iceberg.ClientRegionConfig:                       r.s3.Region,
		"key.converter":                                  stringConverter,
		"value.converter":                                jsonConverter,
		"value.converter.schemas.enable":                 "false",
		iceberg.AutoCreatePropsPrefix + "format-version": "2",
	}
}

// queryIceberg scans the table with iceberg-go (not the sink's writer) and counts the rows by
// hour and level.
func (r *run) queryIceberg(ctx context.Context, cfg map[string]string, rep *IcebergReport) error {
	cat, err := iceberg.OpenCatalog(ctx, cfg)
	if err != nil {
		return err
	}
	defer iceberg.CloseCatalog(cat)
	tbl, err := cat.LoadTable(ctx, catalog.ToIdentifier(IcebergTable))
	if err != nil {
		return fmt.Errorf("load %s: %w", IcebergTable, err)
	}
	tasks, err := tbl.Scan().PlanFiles(ctx)
	if err != nil {
		return fmt.Errorf("plan scan of %s: %w", IcebergTable, err)
	}
	rep.Snapshots, rep.DataFiles = len(tbl.Metadata().Snapshots()), len(tasks)
	at, err := tbl.Scan().ToArrowTable(ctx)
	if err != nil {
		return fmt.Errorf("scan %s: %w", IcebergTable, err)
	}
	defer at.Release()
	li, ti := at.Schema().FieldIndices("level"), at.Schema().FieldIndices("ts")
	if len(li) != 1 || len(ti) != 1 {
		return fmt.Errorf("%w: %s lacks level or ts: %s", ErrCheck, IcebergTable, at.Schema())
	}
	rep.Counts = map[string]map[string]int64{}
	levels, tss := at.Column(li[0]).Data().Chunks(), at.Column(ti[0]).Data().Chunks()
	for c := range levels {
		lv, ts := levels[c].(*array.String), tss[c].(*array.String)
		for i := range lv.Len() {
			hour := ts.Value(i)
			if len(hour) >= 13 {
				hour = hour[:13]
			}
			if rep.Counts[hour] == nil {
				rep.Counts[hour] = map[string]int64{}
			}
			rep.Counts[hour][lv.Value(i)]++
			rep.Rows++
		}
	}
	r.progress("SELECT hour(ts), level, count(*) FROM %s GROUP BY 1, 2 (scanned with iceberg-go: %d snapshots, %d data files)",
		IcebergTable, rep.Snapshots, rep.DataFiles)
	allLevels := map[string]bool{}
	for _, byLevel := range rep.Counts {
		for l := range byLevel {
			allLevels[l] = true
		}
	}
	lvls := slices.Sorted(maps.Keys(allLevels))
	line := fmt.Sprintf("  %-13s", "HOUR (UTC)")
	for _, l := range lvls {
		line += fmt.Sprintf(" %7s", l)
	}
	fmt.Fprintln(r.opts.Out, line)
	for _, h := range slices.Sorted(maps.Keys(rep.Counts)) {
		line := fmt.Sprintf("  %-13s", h)
		for _, l := range lvls {
			line += fmt.Sprintf(" %7d", rep.Counts[h][l])
		}
		fmt.Fprintln(r.opts.Out, line)
	}
	if rep.Rows != rep.Produced {
		return fmt.Errorf("%w: %s holds %d rows, %d records were produced", ErrCheck, IcebergTable, rep.Rows, rep.Produced)
	}
	return nil
}
