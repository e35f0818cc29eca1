package sqldb

import (
	"fmt"
	"testing"

	"github.com/connectless/connectless/core/connect"
	"github.com/connectless/connectless/core/connect/connecttest"
)

// BenchmarkIntegrationSinkUpsert measures upserts of 1000-record batches (one transaction each).
func BenchmarkIntegrationSinkUpsert(b *testing.B) {
	for _, d := range databases {
		b.Run(d.name, func(b *testing.B) {
			db := d.start(b)
			table := tableName(b)
			db.exec(b, "DROP TABLE IF EXISTS "+db.q(table))
			c := &SinkConnector{}
			props := map[string]string{ConnectionURLConfig: db.url, TableNameFormatConfig: table, InsertModeConfig: InsertModeUpsert,
				PKModeConfig: PKModeRecordKey, AutoCreateConfig: "true"}
			if err := c.Start(b.Context(), props); err != nil {
				b.Fatal(err)
			}
			task := c.NewTask()
			if err := task.Start(b.Context(), props, &connecttest.SinkContext{}); err != nil {
				b.Fatal(err)
			}
			defer task.Stop()
			const batch = 1000
			recs := make([]connect.SinkRecord, batch)
			for i := range recs {
				recs[i] = order("bench", int64(i), int32(i), fmt.Sprintf("name-%d", i))
			}
			b.ResetTimer()
			for b.Loop() {
				if err := task.Put(b.Context(), recs); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N*batch)/b.Elapsed().Seconds(), "rows/s")
		})
	}
}

// BenchmarkIntegrationSourcePoll measures reading a 10000-row table in incrementing mode.
func BenchmarkIntegrationSourcePoll(b *testing.B) {
	for _, d := range databases {
		b.Run(d.name, func(b *testing.B) {
			db := d.start(b)
			table := tableName(b)
			db.recreate(b, table, "id INT PRIMARY KEY, name VARCHAR(32) NOT NULL, amount DECIMAL(10,2) NOT NULL")
			const n = 10000
			for i := 0; i < n; i += 1000 {
				stmt := "INSERT INTO " + db.q(table) + " VALUES "
				for j := i; j < i+1000; j++ {
					if j > i {
						stmt += ", "
					}
					stmt += fmt.Sprintf("(%d, 'name-%d', %d.25)", j+1, j, j)
				}
				db.exec(b, stmt)
			}
			props := map[string]string{ConnectionURLConfig: db.url, ModeConfig: ModeIncrementing, IncrementingColumnConfig: "id",
				TopicPrefixConfig: "b-", BatchMaxRowsConfig: "1000", TablesConfig: table}
			b.ResetTimer()
			for b.Loop() {
				task := &SourceTask{}
				if err := task.Start(b.Context(), props, connecttest.SourceContext{Reader: connecttest.NewOffsets()}); err != nil {
					b.Fatal(err)
				}
				for got := 0; got < n; {
					recs, err := task.Poll(b.Context())
					if err != nil {
						b.Fatal(err)
					}
					got += len(recs)
				}
				task.Stop()
			}
			b.ReportMetric(float64(b.N*n)/b.Elapsed().Seconds(), "rows/s")
		})
	}
}
