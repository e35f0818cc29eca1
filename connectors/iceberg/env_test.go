package iceberg

import (
	"context"
	"fmt"
	"maps"
	"sort"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/iceberg-go/catalog"
	"github.com/apache/iceberg-go/table"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/connectless/connectless/core/connect"
	"github.com/connectless/connectless/core/connect/connecttest"
	"github.com/connectless/connectless/infra/devstack"
	"github.com/connectless/connectless/infra/devstack/devstacktest"
)

// testEnv is a PostgreSQL server (the sql catalog) and a versitygw gateway (the warehouse).
type testEnv struct {
	pg     *devstack.Postgres
	s3     *devstack.S3
	client *s3.Client
	bucket string
	seq    atomic.Int64
}

func startEnv(t *testing.T) *testEnv {
	t.Helper()
	e := &testEnv{pg: devstacktest.Postgres(t), s3: devstacktest.S3(t), bucket: "warehouse"}
	c, err := e.s3.NewClient(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	e.client = c
	if _, err := c.CreateBucket(context.Background(), &s3.CreateBucketInput{Bucket: &e.bucket}); err != nil {
		t.Fatalf("create bucket: %v", err)
	}
	return e
}

// props is a sink configuration on the environment's catalog; each call gets its own catalog
// name (so tests do not see each other's tables) unless extra sets one.
func (e *testEnv) props(extra map[string]string) map[string]string {
	p := map[string]string{
		"name":                                 "logs-to-iceberg",
		"task.id":                              "0",
		"connector.class":                      ConnectorClass,
		CatalogTypeConfig:                      "sql",
		CatalogNameConfig:                      "c" + strconv.FormatInt(e.seq.Add(1), 10),
		CatalogURIConfig:                       e.pg.DSN,
		CatalogWarehouseConfig:                 "s3://" + e.bucket + "/wh",
		S3EndpointConfig:                       e.s3.Endpoint,
		S3PathStyleConfig:                      "true",
		S3AccessKeyConfig:                      e.s3.AccessKey,
		S3SecretKeyConfig:                      e.s3.SecretKey,
		ClientRegionConfig:                     e.s3.Region,
		AutoCreateConfig:                       "true",
		TablesConfig:                           "logs.app",
		CommitIntervalConfig:                   "3600000",
		"iceberg.tables.evolve-schema-enabled": "false",
	}
	maps.Copy(p, extra)
	return p
}

// run starts a task on props over partitions, puts records, commits and stops; it returns
// the offsets PreCommit gave and the task context.
func run(t *testing.T, props map[string]string, tps []connect.TopicPartition, lease int64, records []connect.SinkRecord) (map[connect.TopicPartition]int64, *leaseContext, error) {
	t.Helper()
	ctx := context.Background()
	tctx := &leaseContext{SinkContext: &connecttest.SinkContext{Partitions: tps}, token: lease}
	task := NewTask(nil)
	if err := task.Start(ctx, props, tctx); err != nil {
		return nil, tctx, fmt.Errorf("start: %w", err)
	}
	defer task.Stop()
	if err := task.Put(ctx, records); err != nil {
		return nil, tctx, fmt.Errorf("put: %w", err)
	}
	offs, err := task.PreCommit(ctx, nil)
	return offs, tctx, err
}

// leaseContext is a sink task context with a lease token, the lease's task and whether it
// was taken over, as the runtime's.
type leaseContext struct {
	*connecttest.SinkContext
	token    int64
	task     int
	tookOver bool
	stale    bool // the state store says the lease was taken over
}

func (c *leaseContext) LeaseToken() int64   { return c.token }
func (c *leaseContext) TaskID() int         { return c.task }
func (c *leaseContext) LeaseTookOver() bool { return c.tookOver }
func (c *leaseContext) LeaseCurrent(context.Context) (bool, error) {
	return !c.stale, nil
}

// jsonRecords are schemaless JSON log lines of topic/partition from offset first.
func jsonRecords(topic string, partition int32, first int64, n int, mk func(off int64) map[string]any) []connect.SinkRecord {
	out := make([]connect.SinkRecord, n)
	for i := range out {
		off := first + int64(i)
		r := connect.NewSinkRecord(topic, partition, off)
		r.Value = mk(off)
		out[i] = r
	}
	return out
}

func logLine(off int64) map[string]any {
	levels := []string{"INFO", "WARN", "ERROR"}
	return map[string]any{
		"ts":    time.Date(2026, 1, 2, int(off%3), 0, 0, 0, time.UTC).Format(time.RFC3339),
		"level": levels[off%3],
		"msg":   "line " + strconv.FormatInt(off, 10),
		"seq":   off,
	}
}

// loadTable loads a table through a catalog of its own (a reader that is not the writer).
func loadTable(t *testing.T, props map[string]string, name string) *table.Table {
	t.Helper()
	ctx := context.Background()
	cat, err := OpenCatalog(ctx, props)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = CloseCatalog(cat) })
	tbl, err := cat.LoadTable(ctx, catalog.ToIdentifier(name))
	if err != nil {
		t.Fatalf("load %s: %v", name, err)
	}
	return tbl
}

// scanColumn scans a table with iceberg-go's scan API and returns one column's values as
// strings, sorted.
func scanColumn(t *testing.T, tbl *table.Table, col string) []string {
	t.Helper()
	at, err := tbl.Scan().ToArrowTable(context.Background())
	if err != nil {
		t.Fatalf("scan: %v", err)
	}
	defer at.Release()
	idx := at.Schema().FieldIndices(col)
	if len(idx) == 0 {
		t.Fatalf("no column %s in %s", col, at.Schema())
	}
	var out []string
	for _, chunk := range at.Column(idx[0]).Data().Chunks() {
		for i := range chunk.Len() {
			out = append(out, valueString(chunk, i))
		}
	}
	sort.Strings(out)
	return out
}

func valueString(a arrow.Array, i int) string {
	if a.IsNull(i) {
		return "<null>"
	}
	switch x := a.(type) {
	case *array.String:
		return x.Value(i)
	case *array.LargeString:
		return x.Value(i)
	case *array.Int64:
		return strconv.FormatInt(x.Value(i), 10)
	case *array.Int32:
		return strconv.FormatInt(int64(x.Value(i)), 10)
	}
	return a.ValueStr(i)
}
