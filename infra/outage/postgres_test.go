package outage

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/connectless/connectless/core/connect/transient"
	"github.com/connectless/connectless/core/store"
	"github.com/connectless/connectless/infra/devstack"
	"github.com/connectless/connectless/infra/devstack/devstacktest"
)

func containsFold(s, sub string) bool {
	return strings.Contains(strings.ToLower(s), strings.ToLower(sub))
}

// TestIntegrationPostgresRestartUnderSQLSourceAndSink stops PostgreSQL under a JDBC source
// (PostgreSQL to Kafka) and a JDBC sink (Kafka back to PostgreSQL): a connection open at
// the shutdown gets 57P01 and new ones are refused, both retriable; the tasks stay RUNNING
// and, once the server is back, copy every row exactly once (offsets only after
// acknowledged writes, upserts on the sink).
func TestIntegrationPostgresRestartUnderSQLSourceAndSink(t *testing.T) {
	pg := devstacktest.Postgres(t)
	k := devstacktest.Kafka(t, devstack.KafkaOptions{Topics: []string{"pg-src"}, Partitions: 1})
	ctx := t.Context()
	db, err := pgx.Connect(ctx, pg.DSN)
	if err != nil {
		t.Fatal(err)
	}
	exec := func(sql string) {
		t.Helper()
		if _, err := db.Exec(ctx, sql); err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
	}
	exec("CREATE TABLE src (id BIGSERIAL PRIMARY KEY, name TEXT NOT NULL)")
	exec("INSERT INTO src (name) SELECT 'row' || g FROM generate_series(1, 100) g")

	e := newSliceEnv(t, k.Brokers())
	e.create(t, "pg-source", map[string]string{
		"connector.class": "io.confluent.connect.jdbc.JdbcSourceConnector", "tasks.max": "1", "connection.url": pg.DSN,
		"mode": "incrementing", "incrementing.column.name": "id", "table.whitelist": "src", "topic.prefix": "pg-",
		"poll.interval.ms": "50", "errors.retry.delay.max.ms": "300",
	})
	e.create(t, "pg-sink", map[string]string{
		"connector.class": "io.confluent.connect.jdbc.JdbcSinkConnector", "tasks.max": "1", "topics": "pg-src",
		"connection.url": pg.DSN, "table.name.format": "dst", "insert.mode": "upsert", "pk.mode": "record_value",
		"pk.fields": "id", "auto.create": "true", "errors.retry.delay.max.ms": "300",
	})
	res, err := e.run(t, "pg-source")
	if err != nil || res.Written != 100 {
		t.Fatalf("source before the outage: %+v, %v", res, err)
	}
	offsets, _ := e.store.SourceOffsets(ctx, "pg-source")

	// Fast shutdown: the open connection is terminated with 57P01, as PostgreSQL's docs
	// list admin_shutdown; both that and the refused connections after it are retriable.
	if err := pg.Stop(); err != nil {
		t.Fatal(err)
	}
	_, qerr := db.Exec(ctx, "SELECT 1")
	var pe *pgconn.PgError
	if errors.As(qerr, &pe) {
		t.Logf("open connection got SQLSTATE %s: %s", pe.Code, pe.Message)
	}
	if qerr == nil || !transient.Is(qerr) {
		t.Fatalf("query on a connection cut by the shutdown: %v; want a retriable error", qerr)
	}
	db.Close(context.Background())

	res, err = e.run(t, "pg-sink")
	e.wantRetrying(t, "pg-sink", res, err, 1, "connect")
	if offs, _ := e.store.SinkOffsets(ctx, "pg-sink"); len(offs) != 0 {
		t.Fatalf("sink committed %v while PostgreSQL was down", offs)
	}
	res, err = e.run(t, "pg-source")
	e.wantRetrying(t, "pg-source", res, err, 1, "connect")
	res, err = e.run(t, "pg-source")
	e.wantRetrying(t, "pg-source", res, err, 2, "connect")
	if now, _ := e.store.SourceOffsets(ctx, "pg-source"); len(now) != len(offsets) || len(now) != 1 ||
		now[0].Offset["incrementing"] != offsets[0].Offset["incrementing"] {
		t.Fatalf("source offsets moved while PostgreSQL was down: %v -> %v", offsets, now)
	}

	if err := pg.Start(ctx); err != nil {
		t.Fatal(err)
	}
	if db, err = pgx.Connect(ctx, pg.DSN); err != nil {
		t.Fatal(err)
	}
	defer db.Close(context.Background())
	exec("INSERT INTO src (name) SELECT 'late' || g FROM generate_series(1, 50) g")
	res, err = e.run(t, "pg-source")
	e.wantRecovered(t, "pg-source", res, err)
	if res.Written != 50 {
		t.Errorf("source after the outage wrote %d rows, want 50", res.Written)
	}
	res, err = e.run(t, "pg-sink")
	e.wantRecovered(t, "pg-sink", res, err)
	// A wrong password is for a person to fix: FAILED at once, naming the keys.
	e.create(t, "bad-password", map[string]string{
		"connector.class": "io.confluent.connect.jdbc.JdbcSinkConnector", "tasks.max": "1", "topics": "pg-src",
		"connection.url": strings.Replace(pg.DSN, ":connectless@", ":wrong@", 1), "table.name.format": "never",
	})
	if res, err := e.run(t, "bad-password"); err == nil || res.Retrying {
		t.Errorf("wrong password: %+v, %v; want a failure", res, err)
	}
	if st := e.status(t, "bad-password"); st.State != store.StateFailed || !strings.Contains(st.Trace, "connection.password") ||
		!strings.Contains(st.Trace, "28P01") {
		t.Errorf("wrong password: status %s %q; want FAILED naming connection.password (SQLSTATE 28P01)", st.State, st.Trace)
	}
	var rows, distinct int
	if err := db.QueryRow(ctx, "SELECT count(*), count(DISTINCT id) FROM dst").Scan(&rows, &distinct); err != nil {
		t.Fatal(err)
	}
	if rows != 150 || distinct != 150 {
		t.Errorf("dst holds %d rows (%d ids), want the 150 rows of src once each", rows, distinct)
	}
}
