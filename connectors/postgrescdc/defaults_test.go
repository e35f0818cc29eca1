package postgrescdc

import (
	"encoding/json"
	"testing"

	"github.com/connectless/connectless/core/connect/avrodata"
	"github.com/connectless/connectless/core/connect/connecttest"
)

// TestIntegrationColumnDefaults checks the schema defaults Debezium's PostgreSQL connector
// derives from column DEFAULTs (PostgresDefaultValueConverter in debezium-connector-postgres):
// a literal converted like the column's values (5, 'abc', true, 1.50 as a Decimal), the
// type's zero for a default a function computes (SERIAL's nextval(...) gives 0, now() the
// epoch), none for NULL, for expressions it cannot evaluate (CURRENT_TIMESTAMP) and for an
// unconstrained NUMERIC (a VariableScaleDecimal struct, which Kafka cannot hold as a default).
// The key's schema carries the default too, as in Debezium's output for a SERIAL key:
// {"type":"int32","optional":false,"default":0,"field":"id"}.
func TestIntegrationColumnDefaults(t *testing.T) {
	e := newPgEnv(t, "defs")
	e.exec(t, `CREATE TABLE defs.t (id SERIAL PRIMARY KEY, n INT NOT NULL DEFAULT 5, s VARCHAR(10) DEFAULT 'it''s',
		b BOOLEAN DEFAULT true, ts TIMESTAMP DEFAULT now(), d NUMERIC(5,2) DEFAULT 1.5, nv NUMERIC DEFAULT 2,
		z TEXT DEFAULT NULL, c TIMESTAMPTZ DEFAULT CURRENT_TIMESTAMP, u UUID DEFAULT gen_random_uuid(), iv INTERVAL DEFAULT '1 day',
		plain TEXT)`)
	props := e.props("df", SnapshotModeConfig, SnapshotNoData)
	offsets := connecttest.NewOffsets()
	slice(t, props, offsets)
	e.exec(t, "INSERT INTO defs.t (plain) VALUES ('x')")
	recs := slice(t, props, offsets)
	if len(recs) != 1 {
		t.Fatalf("%d records", len(recs))
	}
	defaults := func(schema map[string]any) map[string]string {
		out := map[string]string{}
		for _, f := range schema["fields"].([]any) {
			m := f.(map[string]any)
			if d, ok := m["default"]; ok {
				b, _ := json.Marshal(d)
				out[m["field"].(string)] = string(b)
			}
		}
		return out
	}
	value := jsonOf(t, recs[0].Topic, recs[0].ValueSchema, recs[0].Value)
	var after map[string]any
	for _, f := range value["schema"].(map[string]any)["fields"].([]any) {
		if f.(map[string]any)["field"] == "after" {
			after = f.(map[string]any)
		}
	}
	// d: 1.50 at scale 2 is the unscaled 150, the bytes 0x00 0x96 in JsonConverter's base64.
	want := map[string]string{"id": "0", "n": "5", "s": `"it's"`, "b": "true", "ts": "0", "d": `"AJY="`,
		"u": `"00000000-0000-0000-0000-000000000000"`, "iv": "86400000000"}
	got := defaults(after)
	for k, v := range want {
		if got[k] != v {
			t.Errorf("after.%s default = %s, want %s", k, got[k], v)
		}
	}
	for k := range got {
		if _, ok := want[k]; !ok {
			t.Errorf("after.%s has default %s, want none", k, got[k])
		}
	}
	// The defaults carry over to Avro (AvroData writes them as the fields' defaults).
	if _, err := avrodata.FromConnectSchema(avrodata.DefaultConfig(), recs[0].ValueSchema); err != nil {
		t.Errorf("value schema with defaults to Avro: %v", err)
	}
	key := jsonOf(t, recs[0].Topic, recs[0].KeySchema, recs[0].Key)
	if got := defaults(key["schema"].(map[string]any)); got["id"] != "0" {
		t.Errorf("key id default = %q, want 0", got["id"])
	}
}

// TestIntegrationIntervalString streams an INTERVAL under interval.handling.mode=string: the
// value of Debezium's documented example, P1Y2M3DT4H5M6.78S, from the server's own output.
func TestIntegrationIntervalString(t *testing.T) {
	e := newPgEnv(t, "ivs")
	e.exec(t, "CREATE TABLE ivs.t (id INT PRIMARY KEY, iv INTERVAL)",
		"INSERT INTO ivs.t VALUES (1, '1 year 2 months 3 days 4 hours 5 minutes 6.78 seconds')")
	recs := slice(t, e.props("iv", IntervalHandlingConfig, IntervalString), connecttest.NewOffsets())
	if len(recs) != 1 || field(recs[0], "after.iv") != "P1Y2M3DT4H5M6.78S" {
		t.Fatalf("%d records, iv %v; want P1Y2M3DT4H5M6.78S", len(recs), field(recs[0], "after.iv"))
	}
}

// TestIntegrationHstore follows Debezium's hstore.handling.mode: json (the default) gives an
// io.debezium.data.Json string of the pairs ({"key":"val"} for 'key=>val'; a NULL value as
// null), map a Connect MAP of strings.
func TestIntegrationHstore(t *testing.T) {
	e := newPgEnv(t, "hs")
	e.exec(t, "CREATE EXTENSION IF NOT EXISTS hstore", "CREATE TABLE hs.t (id INT PRIMARY KEY, h hstore)",
		`INSERT INTO hs.t VALUES (1, 'key=>val, "a \"q\""=>NULL')`)
	recs := slice(t, e.props("hs"), connecttest.NewOffsets())
	if len(recs) != 1 {
		t.Fatalf("%d records", len(recs))
	}
	if f, _ := recs[0].ValueSchema.Field("after"); f.Schema == nil {
		t.Fatal("no after")
	} else if h, ok := f.Schema.Field("h"); !ok || h.Schema.Name != "io.debezium.data.Json" {
		t.Fatalf("h: %+v, want an io.debezium.data.Json string", h.Schema)
	}
	var got map[string]any
	if err := json.Unmarshal([]byte(field(recs[0], "after.h").(string)), &got); err != nil ||
		len(got) != 2 || got["key"] != "val" || got[`a "q"`] != nil {
		t.Errorf("json mode: %v (%v), want key: val and a \"q\": null", field(recs[0], "after.h"), err)
	}
	e.dropSlot(t)
	recs = slice(t, e.props("hs", HstoreHandlingConfig, HstoreMap), connecttest.NewOffsets())
	m, _ := field(recs[0], "after.h").(map[any]any)
	if v, ok := m[`a "q"`]; len(m) != 2 || m["key"] != "val" || !ok || v != nil {
		t.Errorf("map mode: %#v", field(recs[0], "after.h"))
	}
}
