package postgrescdc

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/connectless/connectless/core/connect"
	"github.com/connectless/connectless/core/connect/connecttest"
	"github.com/connectless/connectless/infra/devstack"
	"github.com/jackc/pgx/v5"
)

// servers are started once, on first use, and stopped by TestMain.
var servers struct {
	pgOnce, myOnce sync.Once
	pg             *devstack.Postgres
	my             *devstack.MariaDB
	pgErr, myErr   error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if servers.pg != nil {
		servers.pg.Close()
	}
	if servers.my != nil {
		servers.my.Close()
	}
	os.Exit(code)
}

func skipOrFail(t testing.TB, service string, err error) {
	t.Helper()
	var missing *devstack.MissingError
	if errors.As(err, &missing) && os.Getenv("CI") != "true" {
		t.Skipf("%s: %v", service, err)
	}
	t.Fatalf("start %s: %v", service, err)
}

// logicalPostgres returns the shared PostgreSQL server (wal_level=logical).
func logicalPostgres(t testing.TB) *devstack.Postgres {
	t.Helper()
	servers.pgOnce.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
		defer cancel()
		servers.pg, servers.pgErr = devstack.StartPostgresWith(ctx, devstack.PostgresOptions{Logical: true})
	})
	if servers.pgErr != nil {
		skipOrFail(t, "postgres", servers.pgErr)
	}
	return servers.pg
}

func mariaDB(t testing.TB) *devstack.MariaDB {
	t.Helper()
	servers.myOnce.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
		defer cancel()
		servers.my, servers.myErr = devstack.StartMariaDB(ctx)
	})
	if servers.myErr != nil {
		skipOrFail(t, "mariadb", servers.myErr)
	}
	return servers.my
}

// pgEnv is one test's database objects: its own schema, slot and publication.
type pgEnv struct {
	pg     *devstack.Postgres
	conn   *pgx.Conn
	schema string
	slot   string

	writerOnce sync.Once
	writer     *pgx.Conn
	writerErr  error
}

func pgxConnect(ctx context.Context, dsn string) (*pgx.Conn, error) { return pgx.Connect(ctx, dsn) }

func newPgEnv(t *testing.T, schema string) *pgEnv {
	t.Helper()
	pg := logicalPostgres(t)
	conn, err := pgx.Connect(t.Context(), pg.DSN)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	e := &pgEnv{pg: pg, conn: conn, schema: schema, slot: "slot_" + schema}
	e.exec(t, "DROP SCHEMA IF EXISTS "+schema+" CASCADE", "CREATE SCHEMA "+schema,
		"DROP PUBLICATION IF EXISTS pub_"+schema,
		"SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = '"+e.slot+"'")
	t.Cleanup(func() {
		c, err := pgx.Connect(context.Background(), pg.DSN)
		if err == nil {
			c.Exec(context.Background(), "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = '"+e.slot+"' AND NOT active")
			c.Close(context.Background())
		}
	})
	return e
}

func (e *pgEnv) exec(t testing.TB, stmts ...string) {
	t.Helper()
	for _, s := range stmts {
		if _, err := e.conn.Exec(t.Context(), s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
}

// props is a connector configuration for the test's schema; extra pairs override.
func (e *pgEnv) props(prefix string, extra ...string) map[string]string {
	p := map[string]string{
		"connector.class": Class, "tasks.max": "1",
		HostnameConfig: "127.0.0.1", PortConfig: fmt.Sprint(e.pg.Port), UserConfig: "connectless", PasswordConfig: "connectless",
		DBNameConfig: "connectless", SSLModeConfig: "disable", TopicPrefixConfig: prefix, SlotNameConfig: e.slot,
		PublicationNameConfig: "pub_" + e.schema, PublicationAutocreateConfig: AutocreateFiltered,
		TableIncludeConfig: e.schema + `\..*`,
	}
	for i := 0; i+1 < len(extra); i += 2 {
		p[extra[i]] = extra[i+1]
	}
	return p
}

// confirmedFlush returns the slot's confirmed_flush_lsn.
func (e *pgEnv) confirmedFlush(t testing.TB) uint64 {
	t.Helper()
	var lsn uint64
	err := e.conn.QueryRow(t.Context(), "SELECT (confirmed_flush_lsn - '0/0')::bigint FROM pg_replication_slots WHERE slot_name = $1", e.slot).Scan(&lsn)
	if err != nil {
		t.Fatal(err)
	}
	return lsn
}

// slice runs one bounded invocation of a task directly: Start, Poll until two empty polls (of
// 300 ms each: more than the devstack server's WAL writer delay, since with
// synchronous_commit=off the log sends a commit only once the WAL writer flushed it),
// store the offsets, Commit, Stop. It returns the records polled.
func slice(t *testing.T, props map[string]string, offsets *connecttest.Offsets) []connect.SourceRecord {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
	defer cancel()
	task := &Task{idle: 300 * time.Millisecond}
	if err := task.Start(ctx, props, connecttest.SourceContext{Reader: offsets}); err != nil {
		t.Fatalf("start: %v", err)
	}
	var all []connect.SourceRecord
	for idle, retries := 0, 0; idle < 2; {
		recs, err := task.Poll(ctx)
		if err != nil && connect.IsRetriable(err) && retries < 50 {
			// As the runtime does: a retriable error (the slot still held by the previous
			// invocation's server process) is tried again.
			retries++
			time.Sleep(100 * time.Millisecond)
			continue
		}
		if err != nil {
			task.Stop()
			t.Fatalf("poll: %v", err)
		}
		if len(recs) == 0 {
			idle++
			continue
		}
		idle = 0
		all = append(all, recs...)
	}
	if err := offsets.CommitRecords(all); err != nil {
		t.Fatal(err)
	}
	if err := task.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	if err := task.Stop(); err != nil {
		t.Fatal(err)
	}
	return all
}

// op returns a record's op, "tombstone" for a tombstone, or its topic's last part otherwise.
func op(r connect.SourceRecord) string {
	if r.Value == nil {
		return "tombstone"
	}
	s, ok := r.Value.(*connect.Struct)
	if !ok {
		return "?"
	}
	if v, ok := s.Get("op"); ok {
		return v.(string)
	}
	if v, ok := s.Get("status"); ok {
		return v.(string)
	}
	return r.Topic[strings.LastIndex(r.Topic, ".")+1:]
}

// field reads a nested field ("after.name") of a record value.
func field(r connect.SourceRecord, path string) any {
	var cur any = r.Value
	for _, p := range strings.Split(path, ".") {
		s, ok := cur.(*connect.Struct)
		if !ok {
			return nil
		}
		cur, _ = s.Get(p)
	}
	return cur
}

// dropSlot drops the test's slot once the server process of the last slice has let it go.
func (e *pgEnv) dropSlot(t testing.TB) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		_, err := e.conn.Exec(t.Context(), "SELECT pg_drop_replication_slot($1)", e.slot)
		if err == nil {
			return
		}
		if time.Now().After(deadline) || !strings.Contains(err.Error(), "55006") {
			t.Fatalf("drop slot %s: %v", e.slot, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
