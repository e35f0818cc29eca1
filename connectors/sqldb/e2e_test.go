package sqldb

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/connectless/connectless/core/connect"
	"github.com/connectless/connectless/core/convert"
	"github.com/connectless/connectless/core/kafka"
	"github.com/connectless/connectless/core/schedule"
	"github.com/connectless/connectless/core/store"
	"github.com/connectless/connectless/core/store/memory"
	"github.com/connectless/connectless/core/taskrun"
	"github.com/connectless/connectless/infra/devstack"
	"github.com/connectless/connectless/infra/devstack/devstacktest"
)

// e2eEnv is a taskrun environment over kfake and the memory store, with JSON converters
// (schemas enabled) and a registry holding the JDBC plugins.
func e2eEnv(t *testing.T, topics ...string) (*taskrun.Env, store.Store, *connect.Registry, *kafka.Client) {
	t.Helper()
	k := devstacktest.Kafka(t, devstack.KafkaOptions{Partitions: 1, Topics: topics})
	client, err := kafka.NewClient(kafka.Options{Brokers: k.Brokers()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { client.Close() })
	reg, err := connect.NewRegistry(SourcePlugin, SinkPlugin)
	if err != nil {
		t.Fatal(err)
	}
	st := memory.New()
	env := &taskrun.Env{
		Store: st, Registry: reg, Kafka: client, Holder: "e2e", Margin: 200 * time.Millisecond, IdlePolls: 2,
		Pipeline: func(map[string]string) (taskrun.Pipeline, error) {
			key, err := convert.New("org.apache.kafka.connect.json.JsonConverter", map[string]string{"schemas.enable": "true"}, true)
			if err != nil {
				return taskrun.Pipeline{}, err
			}
			value, err := convert.New("org.apache.kafka.connect.json.JsonConverter", map[string]string{"schemas.enable": "true"}, false)
			if err != nil {
				return taskrun.Pipeline{}, err
			}
			return taskrun.Pipeline{Converters: taskrun.Converters{Key: key, Value: value}}, nil
		},
	}
	return env, st, reg, client
}

// createConnector stores a connector and the task configurations its Start/TaskConfigs give.
func createConnector(t *testing.T, st store.Store, p connect.Plugin, name string, cfg map[string]string) {
	t.Helper()
	ctx := t.Context()
	c := p.New()
	if err := c.Start(ctx, cfg); err != nil {
		t.Fatalf("start %s: %v", name, err)
	}
	tasks, err := c.TaskConfigs(1)
	c.Stop()
	if err != nil {
		t.Fatal(err)
	}
	if err := st.CreateConnector(ctx, name, cfg, store.TargetRunning); err != nil {
		t.Fatal(err)
	}
	if _, err := st.PutTaskConfigs(ctx, name, tasks); err != nil {
		t.Fatal(err)
	}
}

// invoke runs one invocation of task 0 of a connector.
func invoke(t *testing.T, env *taskrun.Env, name string) taskrun.Result {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	res, err := taskrun.Run(ctx, env, schedule.Payload{Connector: name}, time.Now().Add(10*time.Second))
	if err != nil {
		t.Fatalf("invoke %s: %v", name, err)
	}
	return res
}

// TestIntegrationEndToEndPostgresToMariaDB copies a PostgreSQL table into MariaDB through
// Kafka, with one task invocation at a time as the scheduler runs them: the source resumes
// from its stored offset, and the sink's upserts make replays harmless.
func TestIntegrationEndToEndPostgresToMariaDB(t *testing.T) {
	pg, my := postgresDB(t), mariaDB(t)
	src := tableName(t)
	topic := "e2e-" + src
	pg.recreate(t, src, "id BIGSERIAL PRIMARY KEY, name VARCHAR(32) NOT NULL, amount DECIMAL(10,2) NOT NULL, updated TIMESTAMP(6) NOT NULL")
	my.exec(t, "DROP TABLE IF EXISTS "+my.q("copy_"+src))
	env, st, reg, client := e2eEnv(t, topic)
	ctx := t.Context()

	createConnector(t, st, SourcePlugin, "pg-source", map[string]string{
		"connector.class": SourceClass, "tasks.max": "1",
		ConnectionURLConfig: pg.url, ModeConfig: ModeTimestampIncrementing, IncrementingColumnConfig: "id",
		TimestampColumnConfig: "updated", TableWhitelistConfig: src, TopicPrefixConfig: "e2e-", PollIntervalConfig: "50",
	})
	sinkCfg := map[string]string{
		"connector.class": SinkClass, "tasks.max": "1", "topics": topic,
		ConnectionURLConfig: my.url, TableNameFormatConfig: "copy_" + src, InsertModeConfig: InsertModeUpsert,
		PKModeConfig: PKModeRecordValue, PKFieldsConfig: "id", AutoCreateConfig: "true", AutoEvolveConfig: "true",
	}
	createConnector(t, st, SinkPlugin, "maria-sink", sinkCfg)
	sinkConn, err := st.Connector(ctx, "maria-sink")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := taskrun.Assign(ctx, st, reg, client, sinkConn); err != nil {
		t.Fatal(err)
	}

	// Timestamps are fixed against one reading of the database clock, so their order does not
	// depend on how fast the inserts run.
	now := pg.clock(t)
	at := func(before time.Duration) string { return tsLit(now.Add(-before)) }
	insert := func(name, amount string, before time.Duration) {
		pg.exec(t, "INSERT INTO "+pg.q(src)+" (name, amount, updated) VALUES ('"+name+"', "+amount+", "+at(before)+")")
	}
	insert("a", "1.50", 5*time.Second)
	insert("b", "2.25", 4*time.Second)
	insert("c", "3.00", 3*time.Second)
	if res := invoke(t, env, "pg-source"); res.Written != 3 || !res.Committed {
		t.Fatalf("source invocation 1: %+v, want 3 written and committed", res)
	}
	offs, err := st.SourceOffsets(ctx, "pg-source")
	if err != nil || len(offs) != 1 {
		t.Fatalf("stored source offsets = %v, %v", offs, err)
	}
	if p, _ := json.Marshal(offs[0].Partition); string(p) != `{"table":"`+src+`"}` {
		t.Errorf("stored partition = %s", p)
	}
	if o := offs[0].Offset; len(o) != 3 || o[IncrementingField] == nil || o[TimestampField] == nil || o[TimestampNanosField] == nil {
		t.Errorf("stored offset = %v, want Confluent's timestamp, timestamp_nanos, incrementing", o)
	}

	// A new invocation resumes from the stored offset: only the update and the new row.
	pg.exec(t, "UPDATE "+pg.q(src)+" SET name = 'a2', updated = "+at(time.Second)+" WHERE id = 1")
	insert("d", "4.75", 500*time.Millisecond)
	if res := invoke(t, env, "pg-source"); res.Written != 2 {
		t.Fatalf("source invocation 2 wrote %d records, want 2 (the update and the insert)", res.Written)
	}
	if res := invoke(t, env, "pg-source"); res.Written != 0 {
		t.Fatalf("source invocation 3 wrote %d records, want 0", res.Written)
	}

	if res := invoke(t, env, "maria-sink"); res.Records != 5 || !res.Committed {
		t.Fatalf("sink invocation: %+v, want 5 records and a commit", res)
	}
	want := "1|a2|1.50 2|b|2.25 3|c|3.00 4|d|4.75"
	if got := my.dump(t, "copy_"+src, "id", "name", "amount"); got != want {
		t.Fatalf("MariaDB copy = %s, want %s", got, want)
	}
	// Replaying the topic from the start (offsets lost) changes nothing.
	lease, err := st.Acquire(ctx, "maria-sink", 0, "e2e-reset", time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.CommitSinkOffsets(ctx, lease, map[connect.TopicPartition]int64{{Topic: topic, Partition: 0}: 0}); err != nil {
		t.Fatal(err)
	}
	if err := st.Release(ctx, lease); err != nil {
		t.Fatal(err)
	}
	if res := invoke(t, env, "maria-sink"); res.Records != 5 {
		t.Fatalf("replay read %d records, want 5", res.Records)
	}
	if got := my.dump(t, "copy_"+src, "id", "name", "amount"); got != want {
		t.Errorf("after replay the copy = %s, want %s", got, want)
	}
}
