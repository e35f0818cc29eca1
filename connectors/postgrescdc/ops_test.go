package postgrescdc

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/connectless/connectless/core/connect"
	"github.com/connectless/connectless/core/connect/connecttest"
)

// TestIntegrationOperations streams insert, update, delete (with tombstone), a primary key
// change, a truncate, REPLICA IDENTITY DEFAULT and FULL, an unchanged TOASTed value, an added
// column and transaction metadata; the slot's confirmed position follows the stored offsets.
func TestIntegrationOperations(t *testing.T) {
	e := newPgEnv(t, "ops")
	e.exec(t, `CREATE TABLE ops.t (id INT PRIMARY KEY, name TEXT NOT NULL, big TEXT)`,
		`CREATE TABLE ops.f (id INT PRIMARY KEY, name TEXT NOT NULL)`, `ALTER TABLE ops.f REPLICA IDENTITY FULL`)
	props := e.props("srv", SnapshotModeConfig, SnapshotNoData, SkippedOperationsConfig, "none", TransactionMetadataConfig, "true")
	offsets := connecttest.NewOffsets()
	slice(t, props, offsets)
	// Random hex does not compress below the TOAST threshold: the value is stored out of line.
	e.exec(t,
		"INSERT INTO ops.t VALUES (1, 'a', (SELECT string_agg(md5(random()::text), '') FROM generate_series(1, 400))), (2, 'b', NULL)",
		"UPDATE ops.t SET name = 'a2' WHERE id = 1",
		"DELETE FROM ops.t WHERE id = 2",
		"UPDATE ops.t SET id = 10 WHERE id = 1",
		"INSERT INTO ops.f VALUES (1, 'x')", "UPDATE ops.f SET name = 'y' WHERE id = 1", "DELETE FROM ops.f WHERE id = 1",
		"ALTER TABLE ops.t ADD COLUMN extra INT",
		"INSERT INTO ops.t (id, name, extra) VALUES (3, 'c', 42)",
		"TRUNCATE ops.f",
	)
	recs := slice(t, props, offsets)
	var ops []string
	var changes []connect.SourceRecord
	for _, r := range recs {
		if r.Topic == "srv.transaction" {
			ops = append(ops, op(r))
			continue
		}
		ops = append(ops, r.Topic[len("srv.ops."):]+":"+op(r))
		changes = append(changes, r)
	}
	want := []string{
		"BEGIN", "t:c", "t:c", "END", // one INSERT statement, one transaction
		"BEGIN", "t:u", "END",
		"BEGIN", "t:d", "t:tombstone", "END",
		"BEGIN", "t:d", "t:tombstone", "t:c", "END", // primary key change
		"BEGIN", "f:c", "END", "BEGIN", "f:u", "END", "BEGIN", "f:d", "f:tombstone", "END",
		"BEGIN", "t:c", "END",
		"BEGIN", "f:t", "END",
	}
	if !reflect.DeepEqual(ops, want) {
		t.Fatalf("events:\n got %v\nwant %v", ops, want)
	}
	// REPLICA IDENTITY DEFAULT: an update has no before; the unchanged TOASTed column is the placeholder.
	upd := changes[2]
	if field(upd, "before") != nil || field(upd, "after.name") != "a2" || field(upd, "after.big") != "__debezium_unavailable_value" {
		t.Errorf("update (DEFAULT): before %v, after.name %v, after.big %.20v", field(upd, "before"), field(upd, "after.name"), field(upd, "after.big"))
	}
	// A delete under DEFAULT carries the key in before.
	if del := changes[3]; field(del, "before.id") != int32(2) || field(del, "after") != nil {
		t.Errorf("delete (DEFAULT): before %v", field(del, "before"))
	}
	if tomb := changes[4]; tomb.Value != nil || tomb.Key.(*connect.Struct) == nil {
		t.Errorf("tombstone: key %v value %v", tomb.Key, tomb.Value)
	}
	// The key change: delete of id 1, create of id 10. Debezium's documentation (PostgreSQL
	// connector, "Primary key updates"): the DELETE event has the header __debezium.newkey
	// holding the new primary key, the CREATE event __debezium.oldkey holding the old one.
	if field(changes[5], "before.id") != int32(1) || field(changes[7], "after.id") != int32(10) {
		t.Errorf("key change: delete of %v, create of %v", field(changes[5], "before.id"), field(changes[7], "after.id"))
	}
	headerKey := func(r connect.SourceRecord, name string) any {
		h, ok := r.Headers.Last(name)
		if !ok || h.Schema != r.KeySchema {
			return fmt.Sprintf("no %s header with the key schema", name)
		}
		v, _ := h.Value.(*connect.Struct).Get("id")
		return v
	}
	if got := headerKey(changes[5], "__debezium.newkey"); got != int32(10) {
		t.Errorf("key change: delete's __debezium.newkey = %v, want id 10", got)
	}
	// Debezium's EventDispatcher gives the tombstone the delete event's headers.
	if got := headerKey(changes[6], "__debezium.newkey"); got != int32(10) {
		t.Errorf("key change: tombstone's __debezium.newkey = %v, want id 10", got)
	}
	if got := headerKey(changes[7], "__debezium.oldkey"); got != int32(1) {
		t.Errorf("key change: create's __debezium.oldkey = %v, want id 1", got)
	}
	// REPLICA IDENTITY FULL: before holds every column.
	if fu := changes[9]; field(fu, "before.name") != "x" || field(fu, "after.name") != "y" {
		t.Errorf("update (FULL): before %v after %v", field(fu, "before"), field(fu, "after"))
	}
	if fd := changes[10]; field(fd, "before.name") != "y" {
		t.Errorf("delete (FULL): before %v", field(fd, "before"))
	}
	// The added column is in the next event's schema.
	added := changes[12]
	if field(added, "after.extra") != int32(42) {
		t.Errorf("after ALTER TABLE: after = %v", field(added, "after"))
	}
	if _, ok := added.ValueSchema.Field("after"); !ok {
		t.Fatal("no after field")
	}
	// Transaction blocks count events per transaction and table.
	if id, _ := field(changes[1], "transaction.id").(string); !strings.Contains(id, ":") || field(changes[1], "transaction.total_order") != int64(2) {
		t.Errorf("transaction block = %v", field(changes[1], "transaction"))
	}
	end := recs[3]
	if field(end, "event_count") != int64(2) || field(end, "status") != "END" {
		t.Errorf("END = %v", end.Value)
	}
	// The slot confirmed exactly what the stored offset covers.
	off, _ := offsets.Offset(t.Context(), map[string]any{"server": "srv"})
	p, _, err := parsePosition(off)
	if err != nil || !p.complete() {
		t.Fatalf("stored offset %v (%v): want a complete position", off, err)
	}
	if got := e.confirmedFlush(t); got != p.commit {
		t.Errorf("confirmed_flush_lsn = %d, stored offset covers %d", got, p.commit)
	}
	if len(slice(t, props, offsets)) != 0 {
		t.Error("a further slice replayed committed changes")
	}
}

// TestIntegrationColumnTypes checks the Connect schema and value of each mapped column type.
func TestIntegrationColumnTypes(t *testing.T) {
	e := newPgEnv(t, "types")
	e.exec(t, `CREATE TYPE types.mood AS ENUM ('sad', 'ok', 'happy')`,
		`CREATE TABLE types.t (id BIGINT PRIMARY KEY, b BOOLEAN, s SMALLINT, i INTEGER, f4 REAL, f8 DOUBLE PRECISION,
		n NUMERIC(10,2), nv NUMERIC, vc VARCHAR(10), tx TEXT, j JSON, jb JSONB, u UUID, by BYTEA, d DATE, tm TIME, tm3 TIME(3),
		ts TIMESTAMP, ts3 TIMESTAMP(3), tz TIMESTAMPTZ, iv INTERVAL, arr INTEGER[], tarr TEXT[], m types.mood, x XML, bit1 BIT(1))`)
	props := e.props("srv", SnapshotModeConfig, SnapshotNoData)
	offsets := connecttest.NewOffsets()
	slice(t, props, offsets)
	e.exec(t, `INSERT INTO types.t VALUES (1, true, 7, 70000, 1.5, 2.25, 12.30, 3.14159, 'vc', 'text', '{"a": 1}', '{"b": 2}',
		'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '\x0102ff', '2024-02-29', '13:14:15.123456', '13:14:15.5', '2024-02-29 13:14:15.123456',
		'2024-02-29 13:14:15.123', '2024-02-29 13:14:15.5+02', '1 day 02:00:00', '{1,NULL,3}', '{"a b","c"}', 'happy', '<a/>', B'1')`)
	recs := slice(t, props, offsets)
	if len(recs) != 1 {
		t.Fatalf("%d records", len(recs))
	}
	r := recs[0]
	after, _ := r.ValueSchema.Field("after")
	cases := []struct {
		col, typ, name string
		value          any
	}{
		{"b", "boolean", "", true},
		{"s", "int16", "", int16(7)},
		{"i", "int32", "", int32(70000)},
		{"f4", "float32", "", float32(1.5)},
		{"f8", "float64", "", 2.25},
		{"n", "bytes", connect.DecimalName, "12.30"},
		{"vc", "string", "", "vc"},
		{"tx", "string", "", "text"},
		{"j", "string", "io.debezium.data.Json", `{"a": 1}`},
		{"jb", "string", "io.debezium.data.Json", `{"b": 2}`},
		{"u", "string", "io.debezium.data.Uuid", "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"},
		{"by", "bytes", "", []byte{1, 2, 0xff}},
		{"d", "int32", "io.debezium.time.Date", int32(19782)},
		{"tm", "int64", "io.debezium.time.MicroTime", int64(47655123456)},
		{"tm3", "int32", "io.debezium.time.Time", int32(47655500)},
		{"ts", "int64", "io.debezium.time.MicroTimestamp", int64(1709212455123456)},
		{"ts3", "int64", "io.debezium.time.Timestamp", int64(1709212455123)},
		{"tz", "string", "io.debezium.time.ZonedTimestamp", "2024-02-29T11:14:15.5Z"},
		{"iv", "int64", "io.debezium.time.MicroDuration", int64(93600000000)},
		{"arr", "array", "", []any{int32(1), nil, int32(3)}},
		{"tarr", "array", "", []any{"a b", "c"}},
		{"m", "string", "io.debezium.data.Enum", "happy"},
		{"x", "string", "io.debezium.data.Xml", "<a/>"},
		{"bit1", "boolean", "", true},
	}
	for _, c := range cases {
		f, ok := after.Schema.Field(c.col)
		if !ok {
			t.Errorf("%s: no field", c.col)
			continue
		}
		if string(f.Schema.Type) != c.typ || f.Schema.Name != c.name {
			t.Errorf("%s: schema %s %q, want %s %q", c.col, f.Schema.Type, f.Schema.Name, c.typ, c.name)
		}
		v := field(r, "after."+c.col)
		if d, ok := v.(connect.Decimal); ok {
			v = d.String()
		}
		if !reflect.DeepEqual(v, c.value) {
			t.Errorf("%s: value %#v, want %#v", c.col, v, c.value)
		}
	}
	if f, _ := after.Schema.Field("m"); f.Schema.Parameters["allowed"] != "sad,ok,happy" {
		t.Errorf("enum parameters %v", f.Schema.Parameters)
	}
	if f, _ := after.Schema.Field("n"); f.Schema.Parameters["scale"] != "2" || f.Schema.Parameters["connect.decimal.precision"] != "10" {
		t.Errorf("decimal parameters %v", f.Schema.Parameters)
	}
	if f, _ := after.Schema.Field("nv"); f.Schema.Name != "io.debezium.data.VariableScaleDecimal" {
		t.Errorf("unconstrained numeric: %q", f.Schema.Name)
	}
	_ = fmt.Sprint
}
