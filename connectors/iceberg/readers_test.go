package iceberg

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/url"
	"strings"
	"testing"

	"github.com/apache/iceberg-go/table"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/parquet-go/parquet-go"
)

// getObject reads an s3:// location from the test gateway.
func getObject(t *testing.T, e *testEnv, loc string) []byte {
	t.Helper()
	u, err := url.Parse(loc)
	if err != nil {
		t.Fatal(err)
	}
	key := strings.TrimPrefix(u.Path, "/")
	out, err := e.client.GetObject(context.Background(), &s3.GetObjectInput{Bucket: &u.Host, Key: &key})
	if err != nil {
		t.Fatalf("get %s: %v", loc, err)
	}
	defer out.Body.Close()
	b, err := io.ReadAll(out.Body)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// checkDataFiles reads the table's data files with parquet-go (a reader that is not
// iceberg-go): rows, and every column with its Iceberg field id.
func checkDataFiles(t *testing.T, e *testEnv, tbl *table.Table, rows int64, cols []string) {
	t.Helper()
	tasks, err := tbl.Scan().PlanFiles(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var total int64
	for _, task := range tasks {
		b := getObject(t, e, task.File.FilePath())
		f, err := parquet.OpenFile(bytes.NewReader(b), int64(len(b)))
		if err != nil {
			t.Fatalf("parquet-go: %s: %v", task.File.FilePath(), err)
		}
		total += f.NumRows()
		if f.NumRows() != task.File.Count() {
			t.Errorf("%s: %d rows, manifest says %d", task.File.FilePath(), f.NumRows(), task.File.Count())
		}
		for _, c := range cols {
			fld, ok := tbl.Schema().FindFieldByName(c)
			if !ok {
				t.Fatalf("no column %s", c)
			}
			found := false
			for _, sf := range f.Schema().Fields() {
				if sf.Name() == c {
					found = true
					if id := sf.ID(); id != fld.ID {
						t.Errorf("parquet column %s has field id %d, table %d", c, id, fld.ID)
					}
				}
			}
			if !found {
				t.Errorf("parquet file %s has no column %s", task.File.FilePath(), c)
			}
		}
	}
	if total != rows {
		t.Errorf("data files hold %d rows, want %d", total, rows)
	}
}

// checkMetadataJSON reads the table's current metadata file and checks the fields the
// Iceberg table spec requires (https://iceberg.apache.org/spec/#table-metadata-fields: the
// "required" entries of the v2 column).
func checkMetadataJSON(t *testing.T, e *testEnv, tbl *table.Table) {
	t.Helper()
	var md map[string]any
	if err := json.Unmarshal(getObject(t, e, tbl.MetadataLocation()), &md); err != nil {
		t.Fatalf("metadata JSON: %v", err)
	}
	for _, k := range []string{"format-version", "table-uuid", "location", "last-sequence-number", "last-updated-ms",
		"last-column-id", "schemas", "current-schema-id", "partition-specs", "default-spec-id", "last-partition-id",
		"sort-orders", "default-sort-order-id"} {
		if _, ok := md[k]; !ok {
			t.Errorf("metadata lacks required field %q", k)
		}
	}
	if v, _ := md["format-version"].(float64); v < 2 {
		t.Errorf("format-version %v, want 2 or more", md["format-version"])
	}
	snaps, _ := md["snapshots"].([]any)
	if len(snaps) == 0 {
		t.Fatal("metadata has no snapshots")
	}
	// Snapshot fields required in v2: snapshot-id, sequence-number, timestamp-ms,
	// manifest-list, summary (with operation).
	s := snaps[len(snaps)-1].(map[string]any)
	for _, k := range []string{"snapshot-id", "sequence-number", "timestamp-ms", "manifest-list", "summary"} {
		if _, ok := s[k]; !ok {
			t.Errorf("snapshot lacks required field %q", k)
		}
	}
	if sum, _ := s["summary"].(map[string]any); sum["operation"] != "append" || sum[LeaseTokenProp] == nil {
		t.Errorf("snapshot summary %v", sum)
	}
}
