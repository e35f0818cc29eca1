package postgrescdc

import (
	"errors"
	"flag"
	"testing"

	jdbc "github.com/connectless/connectless/connectors/sqldb"
	"github.com/connectless/connectless/core/connect"
	"github.com/connectless/connectless/core/connect/connecttest"
	"github.com/connectless/connectless/core/transform"
)

var update = flag.Bool("update", false, "rewrite the reference page in docs/connectors/")

func TestReferenceDocs(t *testing.T) {
	connecttest.ReferenceDocs(t, *update, connecttest.DocsSpec{Name: "postgres-cdc", Title: "PostgreSQL change data capture (Debezium-compatible)", Plugin: Plugin,
		Intro: "Captures every insert, update, delete and truncate of PostgreSQL tables from the write-ahead log (logical decoding " +
			"with the built-in `pgoutput` plugin; the server needs `wal_level=logical`), with the keys, topics, record shapes and " +
			"offsets of Debezium's PostgreSQL connector: topic `<topic.prefix>.<schema>.<table>`, key `<prefix>.<schema>.<table>.Key` " +
			"(the primary key; column DEFAULTs become schema defaults as Debezium derives them), value envelope " +
			"`<prefix>.<schema>.<table>.Envelope` with `before`, `after`, `source` (`io.debezium.connector.postgresql.Source`, its " +
			"`snapshot` the string enum of Debezium 2.x: `first`, `first_in_data_collection`, `true`, `last_in_data_collection`, `last` " +
			"for read events, `false` when streamed), `transaction`, `op` (r, c, u, d, t) and `ts_ms`, a tombstone after each " +
			"delete; a primary key change is a delete carrying the header `__debezium.newkey` and a create carrying `__debezium.oldkey`. " +
			"Logical decoding messages (`pg_logical_emit_message`, PostgreSQL 14 or later) are `op: m` events on `<topic.prefix>.message`. " +
			"Source partition `{\"server\": <topic.prefix>}`, offset `lsn`, `lsn_proc`, `lsn_commit`, `txId`, `ts_usec` " +
			"(plus `snapshot` and `last_snapshot_record` during a snapshot). Each invocation resumes from the stored offset, streams " +
			"until the slice ends or the log is drained, and only then lets the slot confirm the position the stored offsets cover: " +
			"a cut-short invocation replays, at least once, and loses nothing. Between invocations the slot retains WAL: on a " +
			"schedule, the retained WAL grows with the changes made between two runs (after each slice the task reports the slot lag as the " +
			"gauge `slot_lag_bytes`: the worker metric `connectless_task_gauge{connector,task,name=\"slot_lag_bytes\"}`, the Lambda " +
			"metric `slot_lag_bytes` and a `gauges:` line in the task's status trace, shown by `connectless describe`; past " +
			"`slot.lag.warn.bytes` it logs a warning and notes it in the task's status); `schedule=continuous` keeps it near zero at the cost of an always-running task. " +
			"A first run creates the slot with an exported snapshot and reads the tables in it (REPEATABLE READ, by primary key), " +
			"then streams from the slot's consistent point: no change is missed or repeated. A snapshot cut short by the end of " +
			"a slice resumes after the last key stored in the offsets (`snapshot_table`, `snapshot_key`), in the snapshot of a " +
			"temporary slot; the part read that way is kept in the offsets (`snapshot_windows`) until the stream passes it, and " +
			"the stream skips the changes that part already holds. A table without a primary key is read in the order of its rows' " +
			"places (ctid) and resumes after the last one read; the stream then keeps every change of that table, so a row changed " +
			"between the two slices may arrive both as a read and as a change. With `snapshot.mode=always` the task configuration " +
			"carries an internal `snapshot.epoch` derived from the configuration and the connector's start: every start of the " +
			"connector (create, update, restart, resume) takes a new snapshot, the invocations of one start do not. Debezium keys that " +
			"are not implemented (e.g. `message.key.columns`, " +
			"`snapshot.select.statement.overrides`) fail validation. Columns of types without a mapping (e.g. geometric types) are left " +
			"out of events, as Debezium does with `include.unknown.datatypes=false`. Use `io.debezium.transforms.ExtractNewRecordState` " +
			"and the JDBC sink (`pk.mode=record_key`, `insert.mode=upsert`, `delete.enabled=true`) to replicate the tables into " +
			"MySQL/MariaDB or PostgreSQL.\n\n" +
			"Differences from Debezium that remain:\n\n" +
			"* Snapshots are resumable across invocations (Debezium starts an interrupted snapshot again from the beginning).\n" +
			"* Heartbeats are emitted between transactions only; the time of the last one is kept in the offsets as `heartbeat_ts_ms` " +
			"(not a Debezium field), so that short slices emit one once the interval has passed. A slice ends when the log is idle, " +
			"so an interval shorter than about a second keeps each slice running to its deadline.\n" +
			"* `snapshot.mode=always` takes a new snapshot when the connector is (re)started through the API, not when a worker process restarts.\n" +
			"* Multi-dimensional array values fail the task with an error naming the column: the column's schema is an array of the " +
			"element type.\n" +
			"* A NUMERIC `NaN` or infinity under `decimal.handling.mode=precise` fails the task, as Debezium does; the string mode gives " +
			"`NAN`, `POSITIVE_INFINITY`, `NEGATIVE_INFINITY`, the double mode the float's special values.\n" +
			"* `hstore.handling.mode=json` writes the pairs in the server's order (Debezium's follows a Java hash map).\n" +
			"* Column defaults: literal and function defaults as Debezium's (a function gives the type's zero); none for a function " +
			"default of an `interval`, nor for `money`, `bytea`, enums and arrays. Under JsonConverter's default `replace.null.with.default=true`, a NULL in a nullable " +
			"column that has a DEFAULT is written as the default (Kafka's behaviour with Debezium too); set it to false to keep nulls.\n" +
			"* The `source` block puts `ts_us` and `ts_ns` after `ts_ms`, as the documented create event shows them.\n" +
			"* Logical decoding messages need PostgreSQL 14 or later; on older servers none are emitted.\n" +
			"* Not implemented, refused by validation: incremental and ad hoc snapshots (signals), `decoderbufs`, " +
			"`message.key.columns`, column masking and truncation, custom converters.",
	})
}

// TestExampleValidates checks the example configuration and that unimplemented keys are refused.
func TestExampleValidates(t *testing.T) {
	props := connecttest.ExampleConfig(t, "postgres-cdc-replication.json")
	if props["connector.class"] != Class {
		t.Fatalf("connector.class %q", props["connector.class"])
	}
	if err := connect.ValidateAll(Class, props, ConfigDef()).Err(); err != nil {
		t.Fatal(err)
	}
	if _, err := parseConfig(props); err != nil {
		t.Fatal(err)
	}
	// The replica's sink, with the SMT, validates against the JDBC sink's ConfigDef.
	sink := connecttest.ExampleConfig(t, "postgres-cdc-mariadb-sink.json")
	if err := connect.ValidateAll(jdbc.SinkClass, sink, jdbc.SinkPlugin.New().Config()).Err(); err != nil {
		t.Error(err)
	}
	p, err := transform.Builtin().LookupType(connect.PluginTransformation, sink["transforms.unwrap.type"])
	if err != nil {
		t.Fatal(err)
	}
	if err := p.NewTransformation().Configure(map[string]string{"delete.tombstone.handling.mode": sink["transforms.unwrap.delete.tombstone.handling.mode"]}); err != nil {
		t.Error(err)
	}
	for _, bad := range []map[string]string{
		{"message.key.columns": "public.t:id"},
		{SlotDropOnStopConfig: "true"},
		{PluginNameConfig: "decoderbufs"},
		{TableIncludeConfig: "a", TableExcludeConfig: "b"},
	} {
		p := map[string]string{}
		for k, v := range props {
			p[k] = v
		}
		for k, v := range bad {
			p[k] = v
		}
		if _, err := parseConfig(p); err == nil {
			t.Errorf("%v accepted", bad)
		} else if _, isKey := bad["message.key.columns"]; isKey && !errors.Is(err, ErrConfig) {
			t.Errorf("%v: %v, want ErrConfig", bad, err)
		}
	}
}
