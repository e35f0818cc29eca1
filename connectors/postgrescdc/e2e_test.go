package postgrescdc

import (
	"context"
	"database/sql"
	"encoding/json"
	"flag"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"

	_ "github.com/go-sql-driver/mysql"

	jdbc "github.com/connectless/connectless/connectors/sqldb"
	workerconfig "github.com/connectless/connectless/core/config"
	"github.com/connectless/connectless/core/connect"
	"github.com/connectless/connectless/core/kafka"
	"github.com/connectless/connectless/core/schedule"
	"github.com/connectless/connectless/core/store"
	"github.com/connectless/connectless/core/store/memory"
	"github.com/connectless/connectless/core/taskrun"
	"github.com/connectless/connectless/infra/devstack"
	"github.com/connectless/connectless/infra/devstack/devstacktest"
)

var long = flag.Bool("long", false, "run the kill tests longer: 20,000 changes instead of 5,000 for cancelled invocations, 60,000 instead of 20,000 for SIGKILLed ones")

// jsonConverters are connector keys selecting JsonConverter with schemas for keys and values.
var jsonConverters = map[string]string{
	"key.converter": "org.apache.kafka.connect.json.JsonConverter", "key.converter.schemas.enable": "true",
	"value.converter": "org.apache.kafka.connect.json.JsonConverter", "value.converter.schemas.enable": "true",
}

type runEnv struct {
	env    *taskrun.Env
	st     store.Store
	reg    *connect.Registry
	client *kafka.Client
}

func newRunEnv(t *testing.T, topics ...string) *runEnv {
	t.Helper()
	k := devstacktest.Kafka(t, devstack.KafkaOptions{Partitions: 1, Topics: topics})
	client, err := kafka.NewClient(kafka.Options{Brokers: k.Brokers()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { client.Close() })
	reg, err := connect.NewRegistry(append(workerconfig.BuiltinPlugins(), Plugin, jdbc.SinkPlugin)...)
	if err != nil {
		t.Fatal(err)
	}
	st := memory.New()
	env := &taskrun.Env{Store: st, Registry: reg, Kafka: client, Holder: "cdc-test", Margin: 300 * time.Millisecond, IdlePolls: 2,
		Pipeline: taskrun.DefaultPipeline(reg, nil), LeaseGrace: time.Second}
	return &runEnv{env: env, st: st, reg: reg, client: client}
}

func (r *runEnv) create(t *testing.T, name string, cfg map[string]string) {
	t.Helper()
	for k, v := range jsonConverters {
		cfg[k] = v
	}
	p, err := r.reg.Lookup(cfg["connector.class"])
	if err != nil {
		t.Fatal(err)
	}
	c := p.New()
	if err := c.Start(t.Context(), cfg); err != nil {
		t.Fatalf("start %s: %v", name, err)
	}
	tasks, err := c.TaskConfigs(1)
	c.Stop()
	if err != nil {
		t.Fatal(err)
	}
	if err := r.st.CreateConnector(t.Context(), name, cfg, store.TargetRunning); err != nil {
		t.Fatal(err)
	}
	if _, err := r.st.PutTaskConfigs(t.Context(), name, tasks); err != nil {
		t.Fatal(err)
	}
	if p.Type == connect.PluginSink {
		conn, err := r.st.Connector(t.Context(), name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := taskrun.Assign(t.Context(), r.st, r.reg, r.client, conn); err != nil {
			t.Fatal(err)
		}
	}
}

// invoke runs one invocation of a connector's task 0 with ctx.
func (r *runEnv) invoke(ctx context.Context, name string) (taskrun.Result, error) {
	return taskrun.Run(ctx, r.env, schedule.Payload{Connector: name}, time.Now().Add(15*time.Second))
}

// drain invokes a source until an invocation writes nothing.
func (r *runEnv) drain(t *testing.T, name string) int {
	t.Helper()
	total := 0
	for i := 0; i < 50; i++ {
		res, err := r.invoke(t.Context(), name)
		if err != nil {
			t.Fatalf("invoke %s: %v", name, err)
		}
		if res.Written == 0 && res.Records == 0 {
			return total
		}
		total += res.Written + res.Records
	}
	t.Fatalf("%s did not drain", name)
	return total
}

// TestIntegrationReplicationToMariaDB replicates a PostgreSQL table into MariaDB through Kafka:
// a snapshot, then inserts, updates and deletes, with ExtractNewRecordState and the JDBC sink
// (pk.mode=record_key, insert.mode=upsert, delete.enabled=true). The tables compare equal.
func TestIntegrationReplicationToMariaDB(t *testing.T) {
	e := newPgEnv(t, "repl")
	my := mariaDB(t)
	e.exec(t, `CREATE TABLE repl.accounts (id INT PRIMARY KEY, owner VARCHAR(40) NOT NULL, balance NUMERIC(12,2) NOT NULL, note TEXT)`,
		`INSERT INTO repl.accounts SELECT g, 'owner' || g, g * 1.5, NULL FROM generate_series(1, 50) g`)
	topic := "pg.repl.accounts"
	r := newRunEnv(t, topic)
	r.create(t, "pg-cdc", e.props("pg"))
	mdb, err := sql.Open("mysql", my.DSN)
	if err != nil {
		t.Fatal(err)
	}
	defer mdb.Close()
	if _, err := mdb.Exec("DROP TABLE IF EXISTS accounts_copy"); err != nil {
		t.Fatal(err)
	}
	r.create(t, "maria-sink", map[string]string{
		"connector.class": "io.confluent.connect.jdbc.JdbcSinkConnector", "tasks.max": "1", "topics": topic,
		"connection.url": my.DSN, "table.name.format": "accounts_copy", "insert.mode": "upsert", "pk.mode": "record_key",
		"delete.enabled": "true", "auto.create": "true", "auto.evolve": "true",
		"transforms": "unwrap", "transforms.unwrap.type": "io.debezium.transforms.ExtractNewRecordState",
	})
	r.drain(t, "pg-cdc") // snapshot
	e.exec(t, "UPDATE repl.accounts SET balance = balance + 100, note = 'paid' WHERE id % 5 = 0",
		"DELETE FROM repl.accounts WHERE id % 7 = 0",
		"INSERT INTO repl.accounts SELECT g, 'new' || g, g, 'fresh' FROM generate_series(51, 60) g",
		"UPDATE repl.accounts SET id = 1000 WHERE id = 1")
	r.drain(t, "pg-cdc")
	r.drain(t, "maria-sink")

	dump := func(rows *sql.Rows, err error) string {
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var b strings.Builder
		for rows.Next() {
			var id int
			var owner, balance string
			var note sql.NullString
			if err := rows.Scan(&id, &owner, &balance, &note); err != nil {
				t.Fatal(err)
			}
			fmt.Fprintf(&b, "%d|%s|%s|%s\n", id, owner, balance, note.String)
		}
		return b.String()
	}
	pgRows, err := e.conn.Query(t.Context(), "SELECT id, owner, balance::text, note FROM repl.accounts ORDER BY id")
	if err != nil {
		t.Fatal(err)
	}
	var want strings.Builder
	for pgRows.Next() {
		var id int
		var owner, balance string
		var note *string
		if err := pgRows.Scan(&id, &owner, &balance, &note); err != nil {
			t.Fatal(err)
		}
		n := ""
		if note != nil {
			n = *note
		}
		fmt.Fprintf(&want, "%d|%s|%s|%s\n", id, owner, balance, n)
	}
	pgRows.Close()
	got := dump(mdb.Query("SELECT id, owner, CAST(balance AS CHAR), note FROM accounts_copy ORDER BY id"))
	if got != want.String() {
		t.Fatalf("MariaDB copy differs from PostgreSQL:\n got %s\nwant %s", got, want.String())
	}
	if strings.Count(got, "\n") != 50-7+10 {
		t.Errorf("%d rows replicated", strings.Count(got, "\n"))
	}
}

// TestIntegrationKilledInvocations cancels source invocations at random moments while a
// writer commits changes: every change still arrives, in commit order per key (replays of
// uncommitted work aside), and the slot never confirms past the stored offsets.
func TestIntegrationKilledInvocations(t *testing.T) {
	changes := 5000
	if *long {
		changes = 20000
	}
	const keys = 50
	e := newPgEnv(t, "kill")
	e.exec(t, "CREATE TABLE kill.c (id INT PRIMARY KEY, v INT NOT NULL)")
	topic := "k.kill.c"
	r := newRunEnv(t, topic, "__debezium-heartbeat.k")
	r.create(t, "cdc", e.props("k", MaxBatchSizeConfig, "200"))
	if _, err := r.invoke(t.Context(), "cdc"); err != nil { // snapshot of the empty table, slot created
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	writerErr := make(chan error, 1)
	wg.Add(1)
	go func() {
		defer wg.Done()
		ctx := context.Background()
		for i := 0; i < changes; i++ {
			k := i % keys
			var err error
			if i < keys {
				_, err = e.pgExecOwn(ctx, "INSERT INTO kill.c VALUES ($1, 1)", k)
			} else {
				_, err = e.pgExecOwn(ctx, "UPDATE kill.c SET v = v + 1 WHERE id = $1", k)
			}
			if err != nil {
				writerErr <- err
				return
			}
			if i%4 == 0 {
				time.Sleep(time.Millisecond) // spread the changes over many invocations
			}
		}
	}()
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	rng := rand.New(rand.NewPCG(1, 2))
	invocations := 0
	check := func() {
		offs, err := r.st.SourceOffsets(t.Context(), "cdc")
		if err != nil {
			t.Fatal(err)
		}
		confirmed := e.confirmedFlush(t)
		for _, o := range offs {
			p, _, err := parsePosition(o.Offset)
			if err != nil {
				t.Fatal(err)
			}
			if confirmed > p.commit {
				t.Fatalf("confirmed_flush_lsn %d passes the stored offset %d", confirmed, p.commit)
			}
		}
	}
loop:
	for {
		select {
		case <-done:
			break loop
		default:
		}
		ctx, cancel := context.WithTimeout(t.Context(), time.Duration(50+rng.IntN(600))*time.Millisecond)
		r.invoke(ctx, "cdc") // errors expected: the invocation is cut short
		cancel()
		invocations++
		check()
	}
	select {
	case err := <-writerErr:
		t.Fatal(err)
	default:
	}
	r.drain(t, "cdc")
	check()

	seen, _ := readCounterChanges(t, r.client, topic)
	if len(seen) != changes {
		var missing []string
		for k := 0; k < keys; k++ {
			for v := 1; v <= changes/keys; v++ {
				if !seen[[2]int{k, v}] {
					missing = append(missing, fmt.Sprintf("%d:%d", k, v))
				}
			}
		}
		if len(missing) > 20 {
			missing = missing[:20]
		}
		t.Logf("missing: %v; a further drain wrote %d", missing, r.drain(t, "cdc"))
		t.Fatalf("%d distinct changes arrived, want %d", len(seen), changes)
	}
	t.Logf("%d changes through %d cut-short invocations", changes, invocations)
}

// pgExecOwn runs a statement on a connection of its own (the test's connection is not
// safe for concurrent use).
func (e *pgEnv) pgExecOwn(ctx context.Context, stmt string, args ...any) (any, error) {
	e.writerOnce.Do(func() {
		e.writer, e.writerErr = pgxConnect(ctx, e.pg.DSN)
	})
	if e.writerErr != nil {
		return nil, e.writerErr
	}
	return e.writer.Exec(ctx, stmt, args...)
}

// invoke2 runs one invocation with a slice of d.
func (r *runEnv) invoke2(ctx context.Context, name string, d time.Duration) (taskrun.Result, error) {
	return taskrun.Run(ctx, r.env, schedule.Payload{Connector: name}, time.Now().Add(d))
}

// readCounterChanges reads a topic of change events of a table (id, v) whose writer adds one
// to v per change, and checks that, per key, v goes up by one or restarts lower (a replay of
// uncommitted work): a change missing fails the test. It returns the distinct (id, v) seen
// and the number of records read.
func readCounterChanges(t *testing.T, client *kafka.Client, topic string) (map[[2]int]bool, int) {
	t.Helper()
	last, seen, records := map[int]int{}, map[[2]int]bool{}, 0
	for off := int64(0); ; {
		res, err := client.Fetch(t.Context(), connect.TopicPartition{Topic: topic}, off, kafka.FetchOptions{MaxBytes: 4 << 20, MaxWait: 100 * time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range res.Messages {
			var v struct {
				Payload struct {
					After *struct{ ID, V int } `json:"after"`
				} `json:"payload"`
			}
			if err := json.Unmarshal(m.Value, &v); err != nil || v.Payload.After == nil {
				t.Fatalf("record %d: %s (%v)", m.Offset, m.Value, err)
			}
			a := v.Payload.After
			if prev, ok := last[a.ID]; ok && a.V > prev+1 {
				t.Fatalf("key %d: %d after %d: a change is missing", a.ID, a.V, prev)
			}
			last[a.ID], seen[[2]int{a.ID, a.V}] = a.V, true
			records++
		}
		off = res.Next
		if off >= res.HighWatermark {
			return seen, records
		}
	}
}
