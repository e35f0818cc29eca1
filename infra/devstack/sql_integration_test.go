package devstack_test

import (
	"context"
	"database/sql"
	"errors"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/connectless/connectless/infra/devstack/devstacktest"
)

func TestIntegrationPostgres(t *testing.T) {
	t.Parallel()
	p := devstacktest.Postgres(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, p.DSN)
	if err != nil {
		t.Fatalf("connect %s: %v", p.DSN, err)
	}
	defer conn.Close(context.Background())
	for _, stmt := range []string{
		"CREATE TABLE events (id bigint PRIMARY KEY, name text NOT NULL)",
		"INSERT INTO events VALUES (1, 'created'), (2, 'updated'), (3, 'deleted')",
	} {
		if _, err := conn.Exec(ctx, stmt); err != nil {
			t.Fatalf("%s: %v", stmt, err)
		}
	}
	var n int
	var names string
	if err := conn.QueryRow(ctx, "SELECT count(*), string_agg(name, ',' ORDER BY id) FROM events WHERE id >= $1", 2).Scan(&n, &names); err != nil {
		t.Fatalf("query: %v", err)
	}
	if n != 2 || names != "updated,deleted" {
		t.Errorf("query = %d %q, want 2 %q", n, names, "updated,deleted")
	}
	_, err = conn.Exec(ctx, "INSERT INTO events VALUES (1, 'again')")
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) || pgErr.Code != "23505" {
		t.Errorf("duplicate key insert: err = %v, want unique_violation 23505", err)
	}
}

func TestIntegrationMariaDB(t *testing.T) {
	t.Parallel()
	m := devstacktest.MariaDB(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	db, err := sql.Open("mysql", m.DSN)
	if err != nil {
		t.Fatalf("open %s: %v", m.DSN, err)
	}
	defer db.Close()
	for _, stmt := range []string{
		"CREATE TABLE events (id BIGINT PRIMARY KEY, name VARCHAR(64) NOT NULL)",
		"INSERT INTO events VALUES (1, 'created'), (2, 'updated'), (3, 'deleted')",
	} {
		if _, err := db.ExecContext(ctx, stmt); err != nil {
			t.Fatalf("%s: %v", stmt, err)
		}
	}
	var n int
	var names string
	if err := db.QueryRowContext(ctx, "SELECT COUNT(*), GROUP_CONCAT(name ORDER BY id) FROM events WHERE id >= ?", 2).Scan(&n, &names); err != nil {
		t.Fatalf("query: %v", err)
	}
	if n != 2 || names != "updated,deleted" {
		t.Errorf("query = %d %q, want 2 %q", n, names, "updated,deleted")
	}
	_, err = db.ExecContext(ctx, "INSERT INTO events VALUES (1, 'again')")
	var myErr *mysql.MySQLError
	if !errors.As(err, &myErr) || myErr.Number != 1062 {
		t.Errorf("duplicate key insert: err = %v, want ER_DUP_ENTRY 1062", err)
	}
}
