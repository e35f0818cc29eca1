package outage

import (
	"database/sql"
	"strconv"
	"testing"

	_ "github.com/go-sql-driver/mysql" // the MariaDB driver for database/sql

	"github.com/connectless/connectless/core/connect/transient"
	"github.com/connectless/connectless/infra/devstack"
	"github.com/connectless/connectless/infra/devstack/devstacktest"
)

// TestIntegrationMariaDBStoppedUnderSQLSink stops MariaDB under a JDBC sink: the error an
// open connection gets and the refused connections after it are retriable, the task stays
// RUNNING, and once the server is back every record is upserted once.
func TestIntegrationMariaDBStoppedUnderSQLSink(t *testing.T) {
	my := devstacktest.MariaDB(t)
	k := devstacktest.Kafka(t, devstack.KafkaOptions{Topics: []string{"rows"}, Partitions: 1})
	produce(t, k.Brokers(), "rows", numbered(`{"schema":{"type":"struct","fields":[{"field":"id","type":"int64"}]},"payload":{"id":%d}}`, 40))
	e := newSliceEnv(t, k.Brokers())
	e.create(t, "maria-sink", map[string]string{
		"connector.class": "io.confluent.connect.jdbc.JdbcSinkConnector", "tasks.max": "1", "topics": "rows",
		"connection.url": "jdbc:mariadb://127.0.0.1:" + strconv.Itoa(my.Port) + "/connectless", "connection.user": "connectless",
		"connection.password": "connectless", "table.name.format": "copy", "insert.mode": "upsert", "pk.mode": "record_value",
		"pk.fields": "id", "auto.create": "true", "errors.retry.delay.max.ms": "300",
	})
	db, err := sql.Open("mysql", my.DSN)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	conn, err := db.Conn(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if err := my.Stop(); err != nil {
		t.Fatal(err)
	}
	_, qerr := conn.ExecContext(t.Context(), "SELECT 1")
	conn.Close()
	if qerr == nil || !transient.Is(qerr) {
		t.Fatalf("query on a connection the shutdown closed: %v; want a retriable error", qerr)
	}
	t.Logf("open connection got: %v", qerr)
	res, err := e.run(t, "maria-sink")
	e.wantRetrying(t, "maria-sink", res, err, 1, "connect")
	if err := my.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	res, err = e.run(t, "maria-sink")
	e.wantRecovered(t, "maria-sink", res, err)
	var rows int
	if err := db.QueryRowContext(t.Context(), "SELECT count(DISTINCT id) FROM copy").Scan(&rows); err != nil {
		t.Fatal(err)
	}
	if rows != 40 {
		t.Errorf("copy holds %d ids, want 40", rows)
	}
}
