package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/connectless/connectless/connectors/iceberg"
	"github.com/connectless/connectless/core/connect"
	"github.com/connectless/connectless/core/connect/connecttest"
	"github.com/connectless/connectless/infra/devstack/devstacktest"
)

// TestIntegrationIcebergCompact runs `connectless iceberg compact` on a table the sink wrote
// in three slices, with a stray file under the table's location: the three data files are
// rewritten into one, the older snapshots expire, the stray file goes, the rows stay.
func TestIntegrationIcebergCompact(t *testing.T) {
	ctx := context.Background()
	pg, s := devstacktest.Postgres(t), devstacktest.S3(t)
	if err := s.CreateBucket(ctx, "lake"); err != nil {
		t.Fatal(err)
	}
	props := map[string]string{
		"connector.class":                      iceberg.ConnectorClass,
		"name":                                 "logs-to-iceberg",
		"task.id":                              "0",
		iceberg.TablesConfig:                   "logs.app",
		iceberg.AutoCreateConfig:               "true",
		iceberg.CatalogTypeConfig:              "sql",
		iceberg.CatalogURIConfig:               pg.DSN,
		iceberg.CatalogWarehouseConfig:         "s3://lake/wh",
		iceberg.S3EndpointConfig:               s.Endpoint,
		iceberg.S3PathStyleConfig:              "true",
		iceberg.S3AccessKeyConfig:              s.AccessKey,
		iceberg.S3SecretKeyConfig:              s.SecretKey,
		iceberg.ClientRegionConfig:             s.Region,
		iceberg.CommitIntervalConfig:           "3600000",
		"iceberg.tables.schema-force-optional": "true",
	}
	tp := connect.TopicPartition{Topic: "app-logs", Partition: 0}
	for slice := range 3 {
		task := iceberg.NewTask(nil)
		if err := task.Start(ctx, props, &connecttest.SinkContext{Partitions: []connect.TopicPartition{tp}}); err != nil {
			t.Fatal(err)
		}
		recs := make([]connect.SinkRecord, 10)
		for i := range recs {
			off := int64(slice*10 + i)
			recs[i] = connect.NewSinkRecord(tp.Topic, tp.Partition, off)
			recs[i].Value = map[string]any{"level": "INFO", "msg": "line " + strconv.FormatInt(off, 10)}
		}
		if err := task.Put(ctx, recs); err != nil {
			t.Fatal(err)
		}
		if _, err := task.PreCommit(ctx, nil); err != nil {
			t.Fatal(err)
		}
		if err := task.Stop(); err != nil {
			t.Fatal(err)
		}
	}
	sc, err := s.NewClient(ctx)
	if err != nil {
		t.Fatal(err)
	}
	stray := "wh/logs.db/app/data/stray-00000.parquet"
	if _, err := sc.PutObject(ctx, &s3.PutObjectInput{Bucket: ptr("lake"), Key: &stray, Body: strings.NewReader("not referenced")}); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "iceberg.json")
	b, _ := json.Marshal(map[string]any{"name": "logs-to-iceberg", "config": props})
	if err := os.WriteFile(file, b, 0o600); err != nil {
		t.Fatal(err)
	}
	time.Sleep(20 * time.Millisecond) // older than the orphan age below

	r := newCLI(t, "").ok("iceberg", "compact", "logs.app", "-f", file, "--expire-older-than", "1ms",
		"--remove-orphans-older-than", "10ms", "-o", "json")
	var res iceberg.CompactResult
	if err := json.Unmarshal([]byte(r.stdout), &res); err != nil {
		t.Fatalf("%v: %s", err, r.stdout)
	}
	t.Logf("%+v", res)
	if res.FilesBefore != 3 || res.Rewritten != 3 || res.FilesAfter != 1 || res.Expired != 3 {
		t.Errorf("compaction %+v, want 3 data files rewritten into 1 and 3 snapshots expired", res)
	}
	if res.Orphans != 1 || len(res.OrphanFiles) != 1 || !strings.HasSuffix(res.OrphanFiles[0], "/"+stray) {
		t.Errorf("orphans deleted: %v, want the stray file only", res.OrphanFiles)
	}
	if _, err := sc.HeadObject(ctx, &s3.HeadObjectInput{Bucket: ptr("lake"), Key: &stray}); err == nil {
		t.Error("the stray file is still there")
	}
	cat, err := iceberg.OpenCatalog(ctx, props)
	if err != nil {
		t.Fatal(err)
	}
	defer iceberg.CloseCatalog(cat)
	tbl, err := cat.LoadTable(ctx, []string{"logs", "app"})
	if err != nil {
		t.Fatal(err)
	}
	at, err := tbl.Scan().ToArrowTable(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer at.Release()
	if at.NumRows() != 30 {
		t.Errorf("%d rows after compaction, want 30", at.NumRows())
	}
}
