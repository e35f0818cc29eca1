package sqldb

import (
	"context"
	gosql "database/sql"
	"errors"
	"fmt"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/connectless/connectless/infra/devstack"
)

// servers are the databases shared by every test of the package: each is started once, on
// first use, and stopped by TestMain.
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

// testDB is one database under test with a setup connection.
type testDB struct {
	name string
	url  string // native DSN
	jdbc string // the same as a JDBC URL (credentials separate)
	kind dialectKind
	raw  *gosql.DB
	// ts is the column type for a microsecond timestamp, serial an auto-increment key.
	ts, serial string
}

func skipOrFail(t testing.TB, service string, err error) {
	t.Helper()
	var missing *devstack.MissingError
	if errors.As(err, &missing) && os.Getenv("CI") != "true" {
		t.Skipf("%s: %v", service, err)
	}
	t.Fatalf("start %s: %v", service, err)
}

func startCtx() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), 90*time.Second)
}

// postgresDB returns the shared PostgreSQL server.
func postgresDB(t testing.TB) testDB {
	t.Helper()
	servers.pgOnce.Do(func() {
		ctx, cancel := startCtx()
		defer cancel()
		servers.pg, servers.pgErr = devstack.StartPostgres(ctx)
	})
	if servers.pgErr != nil {
		skipOrFail(t, "postgres", servers.pgErr)
	}
	db := testDB{name: "postgres", url: servers.pg.DSN, kind: postgres,
		jdbc: fmt.Sprintf("jdbc:postgresql://127.0.0.1:%d/connectless?sslmode=disable", servers.pg.Port),
		ts:   "TIMESTAMP(6)", serial: "BIGSERIAL"}
	db.raw = rawOpen(t, db)
	return db
}

// mariaDB returns the shared MariaDB server.
func mariaDB(t testing.TB) testDB {
	t.Helper()
	servers.myOnce.Do(func() {
		ctx, cancel := startCtx()
		defer cancel()
		servers.my, servers.myErr = devstack.StartMariaDB(ctx)
	})
	if servers.myErr != nil {
		skipOrFail(t, "mariadb", servers.myErr)
	}
	db := testDB{name: "mariadb", url: servers.my.DSN, kind: mysqlKind,
		jdbc: fmt.Sprintf("jdbc:mysql://127.0.0.1:%d/connectless", servers.my.Port),
		ts:   "DATETIME(6)", serial: "BIGINT AUTO_INCREMENT"}
	db.raw = rawOpen(t, db)
	return db
}

func rawOpen(t testing.TB, db testDB) *gosql.DB {
	t.Helper()
	c, err := open(t.Context(), db.url, "", "")
	if err != nil {
		t.Fatalf("open %s: %v", db.name, err)
	}
	t.Cleanup(func() { c.db.Close() })
	return c.db
}

// databases is the table of databases integration tests run over.
var databases = []struct {
	name  string
	start func(testing.TB) testDB
}{
	{"postgres", postgresDB},
	{"mariadb", mariaDB},
}

// forEachDB runs f as a subtest per database.
func forEachDB(t *testing.T, f func(t *testing.T, db testDB)) {
	for _, d := range databases {
		t.Run(d.name, func(t *testing.T) { f(t, d.start(t)) })
	}
}

var nonWord = regexp.MustCompile(`[^a-z0-9]+`)

// tableName derives a table name unique to the test.
func tableName(t testing.TB) string {
	n := strings.Trim(nonWord.ReplaceAllString(strings.ToLower(t.Name()), "_"), "_")
	if len(n) > 50 {
		n = n[len(n)-50:]
	}
	return "t_" + n
}

// exec runs statements, failing the test on error.
func (db testDB) exec(t testing.TB, stmts ...string) {
	t.Helper()
	for _, s := range stmts {
		if _, err := db.raw.ExecContext(t.Context(), s); err != nil {
			t.Fatalf("%s: %s: %v", db.name, s, err)
		}
	}
}

// q quotes an identifier for the database.
func (db testDB) q(name string) string { return dialect{db.kind}.quote(name) }

// recreate drops and creates a table.
func (db testDB) recreate(t testing.TB, table, columns string) {
	t.Helper()
	db.exec(t, "DROP TABLE IF EXISTS "+db.q(table), "CREATE TABLE "+db.q(table)+" ("+columns+")")
}
