package postgrescdc

import (
	"encoding/json"
	"testing"

	"github.com/connectless/connectless/core/connect/connecttest"
)

// TestIntegrationLogicalDecodingMessages follows Debezium's PostgreSQL documentation
// ("message events"): a message written with pg_logical_emit_message is an event with op m
// on <topic.prefix>.message, keyed by a struct holding its prefix, whose value holds
// message.prefix and message.content (bytes: base64 under JsonConverter) and a source block
// with empty schema and table, a txId for a transactional message and none for a
// non-transactional one. A message is not read again by the next slice.
func TestIntegrationLogicalDecodingMessages(t *testing.T) {
	e := newPgEnv(t, "msgs")
	e.exec(t, "CREATE TABLE msgs.t (id INT PRIMARY KEY)")
	props := e.props("PostgreSQL_server", SnapshotModeConfig, SnapshotNoData)
	offsets := connecttest.NewOffsets()
	slice(t, props, offsets)
	e.exec(t, "SELECT pg_logical_emit_message(true, 'foo', 'bar')", "SELECT pg_logical_emit_message(false, 'foo', 'bar')")
	recs := slice(t, props, offsets)
	if len(recs) != 2 {
		t.Fatalf("%d records, want 2 message events", len(recs))
	}
	for i, r := range recs {
		if r.Topic != "PostgreSQL_server.message" {
			t.Errorf("message %d: topic %s, want PostgreSQL_server.message", i, r.Topic)
		}
		key := jsonOf(t, r.Topic, r.KeySchema, r.Key)
		if b, _ := json.Marshal(key["payload"]); string(b) != `{"prefix":"foo"}` || key["schema"].(map[string]any)["name"] != "io.debezium.connector.postgresql.MessageKey" {
			t.Errorf("message %d: key %v", i, key)
		}
		v := jsonOf(t, r.Topic, r.ValueSchema, r.Value)["payload"].(map[string]any)
		src := v["source"].(map[string]any)
		if v["op"] != "m" || src["schema"] != "" || src["table"] != "" || src["snapshot"] != "false" || src["connector"] != "postgresql" {
			t.Errorf("message %d: op %v, source %v", i, v["op"], src)
		}
		// The documentation's example content is base64 of the bytes, as JsonConverter writes them.
		if b, _ := json.Marshal(v["message"]); string(b) != `{"content":"YmFy","prefix":"foo"}` {
			t.Errorf("message %d: message %s, want prefix foo and the base64 of bar", i, b)
		}
		if _, hasTx := src["txId"].(float64); hasTx != (i == 0) {
			t.Errorf("message %d: txId %v; want one only for the transactional message", i, src["txId"])
		}
	}
	if again := slice(t, props, offsets); len(again) != 0 {
		t.Errorf("the next slice read %d records again", len(again))
	}
	e.exec(t, "INSERT INTO msgs.t VALUES (1)")
	if recs := slice(t, props, offsets); len(recs) != 1 || op(recs[0]) != "c" {
		t.Errorf("after the messages: %d records", len(recs))
	}

	// message.prefix.exclude.list (Debezium: regular expressions matching whole prefixes of
	// messages not to capture).
	props[MessagePrefixExcludeConfig] = "audit.*"
	e.exec(t, "SELECT pg_logical_emit_message(true, 'audit-1', 'x')", "SELECT pg_logical_emit_message(false, 'keep', 'y')",
		"SELECT pg_logical_emit_message(false, 'audit-2', 'z')")
	recs = slice(t, props, offsets)
	if len(recs) != 1 || field(recs[0], "message.prefix") != "keep" {
		t.Errorf("with message.prefix.exclude.list=audit.*: %d records, want only the message prefixed keep", len(recs))
	}
	if again := slice(t, props, offsets); len(again) != 0 {
		t.Errorf("after filtered messages the next slice read %d records", len(again))
	}
}
