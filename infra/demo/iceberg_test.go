package demo

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/connectless/connectless/infra/devstack/devstacktest"
)

// TestIntegrationIcebergDemo runs the Iceberg demo (make demo-iceberg) on real services: every
// produced record is a row of the table, scanned with iceberg-go, and the count by hour and
// level covers the hours the records span and every level.
func TestIntegrationIcebergDemo(t *testing.T) {
	devstacktest.Binary(t, "versitygw")
	devstacktest.Postgres(t) // fails under CI=true, skips elsewhere, when PostgreSQL is missing
	var out bytes.Buffer
	const records = 20000
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	rep, err := RunIceberg(ctx, Options{Out: &out, Records: records, Partitions: 3, Span: 3 * time.Hour})
	t.Log("\n" + out.String())
	if err != nil {
		t.Fatal(err)
	}
	if rep.Produced != records || rep.Rows != records {
		t.Fatalf("produced %d, %d rows in the table, want %d each", rep.Produced, rep.Rows, records)
	}
	var sum int64
	levels := map[string]bool{}
	for hour, byLevel := range rep.Counts {
		if _, err := time.Parse("2006-01-02T15", hour); err != nil {
			t.Errorf("hour %q: want yyyy-MM-ddTHH: %v", hour, err)
		}
		for level, n := range byLevel {
			levels[level] = true
			sum += n
		}
	}
	if sum != records || len(rep.Counts) < 3 || len(levels) < 3 {
		t.Errorf("counts hold %d rows over %d hours and %d levels, want %d over at least 3 of each", sum, len(rep.Counts), len(levels), records)
	}
	if rep.Snapshots < 1 || rep.DataFiles < 1 {
		t.Errorf("%d snapshots, %d data files", rep.Snapshots, rep.DataFiles)
	}
	for _, want := range []string{"SELECT hour(ts), level, count(*)", "HOUR (UTC)", "done: 20000 records produced, 20000 rows"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q", want)
		}
	}
}
