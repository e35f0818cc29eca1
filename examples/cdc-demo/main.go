// Command cdc-demo replicates a PostgreSQL table into MariaDB through Kafka on this machine:
// a throwaway PostgreSQL (wal_level=logical) and MariaDB, an in-process Kafka broker and an
// in-memory state store. It creates the Debezium-compatible PostgreSQL source and the JDBC
// sink (with ExtractNewRecordState), runs them as bounded invocations the way the scheduler
// does, changes the source table (inserts, updates, deletes, a key change), and compares the
// two tables. It exits 1 when they differ. Run it with `make demo-cdc`.
package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"time"

	_ "github.com/go-sql-driver/mysql"
	"github.com/jackc/pgx/v5"

	"github.com/connectless/connectless/connectors/postgrescdc"
	jdbc "github.com/connectless/connectless/connectors/sqldb"
	"github.com/connectless/connectless/core/config"
	"github.com/connectless/connectless/core/connect"
	"github.com/connectless/connectless/core/kafka"
	"github.com/connectless/connectless/core/schedule"
	"github.com/connectless/connectless/core/store"
	"github.com/connectless/connectless/core/store/memory"
	"github.com/connectless/connectless/core/taskrun"
	"github.com/connectless/connectless/infra/devstack"
)

func main() {
	// Tasks log through the default logger: only warnings (such as slot lag) are shown.
	slog.SetDefault(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})))
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	if err := run(ctx, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "cdc-demo:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, out io.Writer) error {
	start := time.Now()
	step := func(format string, args ...any) {
		fmt.Fprintf(out, "[%5.1fs] %s\n", time.Since(start).Seconds(), fmt.Sprintf(format, args...))
	}
	step("starting PostgreSQL (wal_level=logical), MariaDB and Kafka")
	pg, err := devstack.StartPostgresWith(ctx, devstack.PostgresOptions{Logical: true})
	if err != nil {
		return err
	}
	defer pg.Close()
	my, err := devstack.StartMariaDB(ctx)
	if err != nil {
		return err
	}
	defer my.Close()
	const topic = "shop.public.customers"
	k, err := devstack.StartKafka(ctx, devstack.KafkaOptions{Topics: []string{topic}})
	if err != nil {
		return err
	}
	defer k.Close()

	src, err := pgx.Connect(ctx, pg.DSN)
	if err != nil {
		return err
	}
	defer src.Close(context.Background())
	exec := func(stmts ...string) error {
		for _, s := range stmts {
			if _, err := src.Exec(ctx, s); err != nil {
				return fmt.Errorf("%s: %w", s, err)
			}
		}
		return nil
	}
	if err := exec(`CREATE TABLE customers (id INT PRIMARY KEY, name TEXT NOT NULL, email TEXT, balance NUMERIC(10,2) NOT NULL)`,
		`INSERT INTO customers SELECT g, 'customer ' || g, 'c' || g || '@example.com', g * 10 FROM generate_series(1, 1000) g`); err != nil {
		return err
	}
	step("PostgreSQL table customers holds 1000 rows")

	client, err := kafka.NewClient(kafka.Options{Brokers: k.Brokers()})
	if err != nil {
		return err
	}
	defer client.Close()
	reg, err := connect.NewRegistry(append(config.BuiltinPlugins(), postgrescdc.Plugin, jdbc.SinkPlugin)...)
	if err != nil {
		return err
	}
	st := memory.New()
	env := &taskrun.Env{Store: st, Registry: reg, Kafka: client, Holder: "cdc-demo", Margin: 300 * time.Millisecond, IdlePolls: 2,
		Pipeline: taskrun.DefaultPipeline(reg, nil), Logger: slog.New(slog.DiscardHandler)}
	converters := map[string]string{
		"key.converter": "org.apache.kafka.connect.json.JsonConverter", "value.converter": "org.apache.kafka.connect.json.JsonConverter",
	}
	source := map[string]string{
		"connector.class": postgrescdc.Class, "tasks.max": "1", "database.hostname": "127.0.0.1", "database.port": fmt.Sprint(pg.Port),
		"database.user": "connectless", "database.password": "connectless", "database.dbname": "connectless", "database.sslmode": "disable",
		"topic.prefix": "shop", "table.include.list": `public\.customers`, "publication.autocreate.mode": "filtered",
	}
	sink := map[string]string{
		"connector.class": jdbc.SinkClass, "tasks.max": "1", "topics": topic, "connection.url": my.DSN,
		"table.name.format": "customers", "insert.mode": "upsert", "pk.mode": "record_key", "delete.enabled": "true",
		"auto.create": "true", "auto.evolve": "true",
		"transforms": "unwrap", "transforms.unwrap.type": "io.debezium.transforms.ExtractNewRecordState",
	}
	for name, cfg := range map[string]map[string]string{"customers-cdc": source, "customers-replica": sink} {
		for k, v := range converters {
			cfg[k] = v
		}
		if err := create(ctx, st, reg, client, name, cfg); err != nil {
			return err
		}
	}
	invoke := func(name string) (int, error) {
		total := 0
		for {
			res, err := taskrun.Run(ctx, env, schedule.Payload{Connector: name}, time.Now().Add(20*time.Second))
			if err != nil {
				return total, fmt.Errorf("invoke %s: %w", name, err)
			}
			n := max(res.Written, res.Records)
			if n == 0 {
				return total, nil
			}
			total += n
		}
	}
	n, err := invoke("customers-cdc")
	if err != nil {
		return err
	}
	step("source invocations: snapshot of %d rows into %s (op r)", n, topic)
	if n, err = invoke("customers-replica"); err != nil {
		return err
	}
	step("sink invocations: %d records upserted into MariaDB", n)

	if err := exec(`UPDATE customers SET balance = balance + 5 WHERE id % 3 = 0`,
		`DELETE FROM customers WHERE id % 10 = 0`,
		`INSERT INTO customers SELECT g, 'new ' || g, NULL, 1 FROM generate_series(1001, 1100) g`,
		`UPDATE customers SET id = 5000 WHERE id = 1`); err != nil {
		return err
	}
	step("changed PostgreSQL: 333 updates, 100 deletes, 100 inserts, 1 primary key change")
	if n, err = invoke("customers-cdc"); err != nil {
		return err
	}
	step("source invocations: %d change records (c, u, d and tombstones) from the replication slot", n)
	if n, err = invoke("customers-replica"); err != nil {
		return err
	}
	step("sink invocations: %d records applied (upserts and deletes)", n)

	want, err := dumpPG(ctx, src)
	if err != nil {
		return err
	}
	got, err := dumpMaria(ctx, my.DSN)
	if err != nil {
		return err
	}
	if got != want {
		return errors.New("the MariaDB copy differs from the PostgreSQL table")
	}
	step("MariaDB customers equals PostgreSQL customers: %d rows", strings.Count(got, "\n"))
	return nil
}

func create(ctx context.Context, st store.Store, reg *connect.Registry, client *kafka.Client, name string, cfg map[string]string) error {
	p, err := reg.Lookup(cfg["connector.class"])
	if err != nil {
		return err
	}
	c := p.New()
	if err := c.Start(ctx, cfg); err != nil {
		return err
	}
	tasks, err := c.TaskConfigs(1)
	c.Stop()
	if err != nil {
		return err
	}
	if err := st.CreateConnector(ctx, name, cfg, store.TargetRunning); err != nil {
		return err
	}
	if _, err := st.PutTaskConfigs(ctx, name, tasks); err != nil {
		return err
	}
	if p.Type == connect.PluginSink {
		conn, err := st.Connector(ctx, name)
		if err != nil {
			return err
		}
		if _, err := taskrun.Assign(ctx, st, reg, client, conn); err != nil {
			return err
		}
	}
	return nil
}

func dumpPG(ctx context.Context, conn *pgx.Conn) (string, error) {
	rows, err := conn.Query(ctx, "SELECT id, name, coalesce(email, ''), balance::text FROM customers ORDER BY id")
	if err != nil {
		return "", err
	}
	defer rows.Close()
	var b strings.Builder
	for rows.Next() {
		var id int
		var name, email, balance string
		if err := rows.Scan(&id, &name, &email, &balance); err != nil {
			return "", err
		}
		fmt.Fprintf(&b, "%d|%s|%s|%s\n", id, name, email, balance)
	}
	return b.String(), rows.Err()
}

func dumpMaria(ctx context.Context, dsn string) (string, error) {
	db, err := sql.Open("mysql", dsn)
	if err != nil {
		return "", err
	}
	defer db.Close()
	rows, err := db.QueryContext(ctx, "SELECT id, name, coalesce(email, ''), CAST(balance AS CHAR) FROM customers ORDER BY id")
	if err != nil {
		return "", err
	}
	defer rows.Close()
	var b strings.Builder
	for rows.Next() {
		var id int
		var name, email, balance string
		if err := rows.Scan(&id, &name, &email, &balance); err != nil {
			return "", err
		}
		fmt.Fprintf(&b, "%d|%s|%s|%s\n", id, name, email, balance)
	}
	return b.String(), rows.Err()
}
