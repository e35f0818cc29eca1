package sqldb

import (
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/hamba/avro/v2"
	"github.com/twmb/franz-go/pkg/sr"

	"github.com/connectless/connectless/core/connect"
	"github.com/connectless/connectless/core/convert"
	"github.com/connectless/connectless/infra/devstack"
	"github.com/connectless/connectless/infra/devstack/devstacktest"
)

// Two versions of a value schema as a producer registers them: v2 adds an optional field
// and a field with a default, a BACKWARD-compatible change.
const (
	customerV1 = `{"type":"record","name":"Customer","namespace":"com.example","fields":[
 {"name":"id","type":"int"},{"name":"name","type":"string"},
 {"name":"balance","type":{"type":"bytes","logicalType":"decimal","precision":10,"scale":2}},
 {"name":"joined","type":{"type":"long","logicalType":"timestamp-millis"}}]}`
	customerV2 = `{"type":"record","name":"Customer","namespace":"com.example","fields":[
 {"name":"id","type":"int"},{"name":"name","type":"string"},
 {"name":"balance","type":{"type":"bytes","logicalType":"decimal","precision":10,"scale":2}},
 {"name":"joined","type":{"type":"long","logicalType":"timestamp-millis"}},
 {"name":"email","type":["null","string"],"default":null},{"name":"tier","type":"int","default":3}]}`
)

type customerV1Rec struct {
	ID      int32     `avro:"id"`
	Name    string    `avro:"name"`
	Balance *big.Rat  `avro:"balance"`
	Joined  time.Time `avro:"joined"`
}

type customerV2Rec struct {
	ID      int32     `avro:"id"`
	Name    string    `avro:"name"`
	Balance *big.Rat  `avro:"balance"`
	Joined  time.Time `avro:"joined"`
	Email   *string   `avro:"email"`
	Tier    int32     `avro:"tier"`
}

// TestIntegrationSinkAvroCreateAndEvolve writes records an independent producer encoded
// (franz-go's Serde with hamba/avro) through value.converter=AvroConverter into PostgreSQL:
// auto.create builds the table from the first schema version, auto.evolve adds the second
// version's columns, with the Avro default filling the older row.
func TestIntegrationSinkAvroCreateAndEvolve(t *testing.T) {
	db := postgresDB(t)
	reg := devstacktest.SchemaRegistry(t, devstack.SchemaRegistryOptions{})
	const topic = "customers"
	var serde sr.Serde
	for _, s := range []struct {
		text string
		v    any
	}{{customerV1, customerV1Rec{}}, {customerV2, customerV2Rec{}}} {
		id, _, err := reg.Registry().RegisterSchema(topic+"-value", sr.Schema{Schema: s.text, Type: sr.TypeAvro})
		if err != nil {
			t.Fatal(err)
		}
		hs := avro.MustParse(s.text)
		serde.Register(id, s.v, sr.EncodeFn(func(v any) ([]byte, error) { return avro.Marshal(hs, v) }))
	}
	conv, err := convert.New("io.confluent.connect.avro.AvroConverter", map[string]string{"schema.registry.url": reg.URL()}, false)
	if err != nil {
		t.Fatal(err)
	}
	record := func(off int64, v any) connect.SinkRecord {
		t.Helper()
		b, err := serde.Encode(v)
		if err != nil {
			t.Fatal(err)
		}
		r := connect.NewSinkRecord(topic, 0, off)
		if r.ValueSchema, r.Value, err = conv.ToConnect(topic, b); err != nil {
			t.Fatalf("offset %d: %v", off, err)
		}
		return r
	}
	joined := time.Date(2024, 2, 3, 4, 5, 6, 789e6, time.UTC)

	table := tableName(t)
	db.exec(t, "DROP TABLE IF EXISTS "+db.q(table))
	task, _ := startSinkTask(t, sinkProps(db, map[string]string{TableNameFormatConfig: table, InsertModeConfig: InsertModeUpsert,
		PKModeConfig: PKModeRecordValue, PKFieldsConfig: "id", AutoCreateConfig: "true", AutoEvolveConfig: "true"}))
	if err := putFlush(t, task, []connect.SinkRecord{
		record(0, customerV1Rec{ID: 1, Name: "ada", Balance: big.NewRat(12345, 100), Joined: joined}),
	}); err != nil {
		t.Fatal(err)
	}
	email := "bo@example.com"
	if err := putFlush(t, task, []connect.SinkRecord{
		record(1, customerV2Rec{ID: 2, Name: "bo", Balance: big.NewRat(-5, 100), Joined: joined.Add(time.Second), Email: &email, Tier: 7}),
		record(2, customerV1Rec{ID: 1, Name: "ada l.", Balance: big.NewRat(100, 1), Joined: joined}),
	}); err != nil {
		t.Fatalf("Put with the evolved schema: %v", err)
	}

	if got, want := db.dump(t, table, "id", "name", "balance", "joined", "email", "tier"),
		"1|ada l.|100.00|04:05:06.789|null|3 2|bo|-0.05|04:05:07.789|bo@example.com|7"; got != want {
		t.Errorf("table = %s, want %s", got, want)
	}
	// The column types follow the Avro logical types through the Connect schema, as the
	// PostgreSQL dialect of Confluent's JDBC sink maps them (PostgreSqlDatabaseDialect.getSqlType
	// in kafka-connect-jdbc: INT32 -> INT, STRING -> TEXT, Decimal -> DECIMAL, Timestamp ->
	// TIMESTAMP), as information_schema names them; the optional union is nullable.
	rs, err := db.raw.QueryContext(t.Context(), `SELECT column_name, data_type, is_nullable FROM information_schema.columns
		WHERE table_name = $1 ORDER BY ordinal_position`, table)
	if err != nil {
		t.Fatal(err)
	}
	defer rs.Close()
	var cols []string
	for rs.Next() {
		var name, typ, null string
		if err := rs.Scan(&name, &typ, &null); err != nil {
			t.Fatal(err)
		}
		cols = append(cols, name+" "+typ+" "+null)
	}
	want := []string{"id integer NO", "name text NO", "balance numeric NO", "joined timestamp without time zone NO",
		"email text YES", "tier integer NO"}
	if strings.Join(cols, ", ") != strings.Join(want, ", ") {
		t.Errorf("columns:\n got %s\nwant %s", strings.Join(cols, ", "), strings.Join(want, ", "))
	}
}
