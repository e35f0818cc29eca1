package sqldb

import (
	"errors"
	"fmt"
	"maps"
	"strings"
	"testing"
	"time"

	"github.com/connectless/connectless/core/connect"
	"github.com/connectless/connectless/core/connect/connecttest"
)

func sinkProps(db testDB, extra map[string]string) map[string]string {
	p := map[string]string{
		"name": "jdbc-sink-test", "connector.class": SinkClass,
		ConnectionURLConfig: db.jdbc, ConnectionUserConfig: "connectless", ConnectionPasswordConfig: "connectless",
	}
	maps.Copy(p, extra)
	return p
}

// startSinkTask starts a sink task with props; it is stopped when the test ends.
func startSinkTask(t *testing.T, props map[string]string) (*SinkTask, *connecttest.SinkContext) {
	t.Helper()
	c := &SinkConnector{}
	if err := c.Start(t.Context(), props); err != nil {
		t.Fatalf("connector Start: %v", err)
	}
	cfgs, _ := c.TaskConfigs(1)
	task := c.NewTask().(*SinkTask)
	tctx := &connecttest.SinkContext{}
	if err := task.Start(t.Context(), cfgs[0], tctx); err != nil {
		t.Fatalf("task Start: %v", err)
	}
	t.Cleanup(func() { task.Stop() })
	return task, tctx
}

// putFlush writes records as one runtime batch.
func putFlush(t *testing.T, task *SinkTask, recs []connect.SinkRecord) error {
	t.Helper()
	if err := task.Put(t.Context(), recs); err != nil {
		return err
	}
	return task.Flush(t.Context(), nil)
}

var (
	keySchema   = connect.StructBuilder().Name("Key").Field("id", connect.Int32Schema()).Build()
	valueSchema = connect.StructBuilder().Name("Order").
			Field("id", connect.Int32Schema()).
			Field("name", connect.StringSchema()).
			Field("amount", connect.BuilderFrom(connect.DecimalSchema(2)).Optional().Build()).
			Field("at", connect.BuilderFrom(connect.TimestampSchema()).Optional().Build()).
			Build()
)

// order builds an order record with a struct key, at offset off of topic/partition 0.
func order(topic string, off int64, id int32, name string) connect.SinkRecord {
	r := connect.NewSinkRecord(topic, 0, off)
	r.KeySchema, r.Key = keySchema, connect.NewStruct(keySchema).MustPut("id", id)
	r.ValueSchema = valueSchema
	r.Value = connect.NewStruct(valueSchema).MustPut("id", id).MustPut("name", name).
		MustPut("amount", connect.NewDecimal(int64(id)*1000+5, 2)).
		MustPut("at", time.Date(2024, 5, 1, 10, 0, int(id), 250e6, time.UTC))
	return r
}

// dump renders a table's rows ordered by its first column, with the given columns.
func (db testDB) dump(t testing.TB, table string, cols ...string) string {
	t.Helper()
	quoted := make([]string, len(cols))
	for i, c := range cols {
		quoted[i] = db.q(c)
	}
	rs, err := db.raw.QueryContext(t.Context(), "SELECT "+strings.Join(quoted, ", ")+" FROM "+db.q(table)+" ORDER BY 1")
	if err != nil {
		t.Fatalf("dump %s: %v", table, err)
	}
	defer rs.Close()
	var out []string
	for rs.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rs.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		var parts []string
		for _, v := range vals {
			switch x := v.(type) {
			case []byte:
				parts = append(parts, string(x))
			case time.Time:
				parts = append(parts, x.UTC().Format("15:04:05.000"))
			case nil:
				parts = append(parts, "null")
			default:
				parts = append(parts, fmt.Sprint(x))
			}
		}
		out = append(out, strings.Join(parts, "|"))
	}
	return strings.Join(out, " ")
}

func TestIntegrationSinkUpsertReplay(t *testing.T) {
	cases := []struct {
		name  string
		props map[string]string
		cols  []string
	}{
		{"record_key struct", map[string]string{PKModeConfig: PKModeRecordKey}, []string{"id", "name", "amount", "at"}},
		{"record_value", map[string]string{PKModeConfig: PKModeRecordValue, PKFieldsConfig: "id"}, []string{"id", "name", "amount", "at"}},
		{"kafka", map[string]string{PKModeConfig: PKModeKafka}, []string{DefaultKafkaOffsetPK, "id", "name"}},
	}
	forEachDB(t, func(t *testing.T, db testDB) {
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				table := tableName(t)
				db.exec(t, "DROP TABLE IF EXISTS "+db.q(table))
				props := sinkProps(db, map[string]string{InsertModeConfig: InsertModeUpsert, AutoCreateConfig: "true", TableNameFormatConfig: table})
				maps.Copy(props, tc.props)
				task, _ := startSinkTask(t, props)
				batch := []connect.SinkRecord{order("orders", 0, 1, "a"), order("orders", 1, 2, "b"), order("orders", 2, 1, "a2")}
				if err := putFlush(t, task, batch); err != nil {
					t.Fatalf("Put: %v", err)
				}
				before := db.dump(t, table, tc.cols...)
				want := map[string]string{
					"id":                 "1|a2|10.05|10:00:01.250 2|b|20.05|10:00:02.250",
					DefaultKafkaOffsetPK: "0|1|a 1|2|b 2|1|a2",
				}[tc.cols[0]]
				if before != want {
					t.Fatalf("after first delivery: %s, want %s", before, want)
				}
				// At-least-once delivery replays the batch: the rows stay as they are.
				if err := putFlush(t, task, batch); err != nil {
					t.Fatalf("replay Put: %v", err)
				}
				if after := db.dump(t, table, tc.cols...); after != before {
					t.Errorf("replay changed the table:\n%s\nwant\n%s", after, before)
				}
			})
		}
	})
}

func TestIntegrationSinkInsertAndUpdateModes(t *testing.T) {
	forEachDB(t, func(t *testing.T, db testDB) {
		table := tableName(t)
		db.recreate(t, table, "id INT PRIMARY KEY, name VARCHAR(16) NOT NULL, amount DECIMAL(10,2), at "+db.ts)
		ins, _ := startSinkTask(t, sinkProps(db, map[string]string{TableNameFormatConfig: table}))
		if err := putFlush(t, ins, []connect.SinkRecord{order("o", 0, 1, "a"), order("o", 1, 2, "b")}); err != nil {
			t.Fatal(err)
		}
		upd, _ := startSinkTask(t, sinkProps(db, map[string]string{TableNameFormatConfig: table, InsertModeConfig: InsertModeUpdate, PKModeConfig: PKModeRecordKey}))
		if err := putFlush(t, upd, []connect.SinkRecord{order("o", 2, 2, "B"), order("o", 3, 3, "absent")}); err != nil {
			t.Fatal(err)
		}
		if got, want := db.dump(t, table, "id", "name"), "1|a 2|B"; got != want {
			t.Errorf("table = %s, want %s", got, want)
		}
		// insert mode does not overwrite: a replay is refused and nothing of the batch stays.
		err := putFlush(t, ins, []connect.SinkRecord{order("o", 4, 9, "new"), order("o", 0, 1, "a")})
		if err == nil {
			t.Fatal("duplicate insert: no error")
		}
		if got, want := db.dump(t, table, "id", "name"), "1|a 2|B"; got != want {
			t.Errorf("after the failed batch: %s, want %s (nothing of the batch committed)", got, want)
		}
	})
}

func TestIntegrationSinkEvolve(t *testing.T) {
	forEachDB(t, func(t *testing.T, db testDB) {
		table := tableName(t)
		db.exec(t, "DROP TABLE IF EXISTS "+db.q(table))
		task, _ := startSinkTask(t, sinkProps(db, map[string]string{TableNameFormatConfig: table, InsertModeConfig: InsertModeUpsert,
			PKModeConfig: PKModeRecordKey, AutoCreateConfig: "true", AutoEvolveConfig: "true"}))
		if err := putFlush(t, task, []connect.SinkRecord{order("o", 0, 1, "a")}); err != nil {
			t.Fatal(err)
		}
		v2 := connect.BuilderFrom(valueSchema).Field("email", connect.OptionalStringSchema()).
			Field("tier", connect.NewSchemaBuilder(connect.TypeInt32).Default(int32(3)).Build()).Build()
		r := connect.NewSinkRecord("o", 0, 1)
		r.KeySchema, r.Key = keySchema, connect.NewStruct(keySchema).MustPut("id", int32(2))
		r.ValueSchema, r.Value = v2, connect.NewStruct(v2).MustPut("id", int32(2)).MustPut("name", "b").MustPut("email", "b@example.com").MustPut("tier", int32(5))
		if err := putFlush(t, task, []connect.SinkRecord{r}); err != nil {
			t.Fatalf("Put with new fields: %v", err)
		}
		if got, want := db.dump(t, table, "id", "name", "email", "tier"), "1|a|null|3 2|b|b@example.com|5"; got != want {
			t.Errorf("evolved table = %s, want %s", got, want)
		}
		// A new required field without a default cannot be added: the batch fails, nothing written.
		v3 := connect.BuilderFrom(valueSchema).Field("must", connect.StringSchema()).Build()
		r3 := connect.NewSinkRecord("o", 0, 2)
		r3.KeySchema, r3.Key = keySchema, connect.NewStruct(keySchema).MustPut("id", int32(3))
		r3.ValueSchema, r3.Value = v3, connect.NewStruct(v3).MustPut("id", int32(3)).MustPut("name", "c").MustPut("must", "x")
		err := putFlush(t, task, []connect.SinkRecord{order("o", 3, 4, "d"), r3})
		if err == nil || !strings.Contains(err.Error(), "neither optional nor has a default") {
			t.Fatalf("required new field: err = %v", err)
		}
		if got := db.dump(t, table, "id"); got != "1 2" {
			t.Errorf("after the failed batch the table holds ids %s, want 1 2", got)
		}
	})
}

func TestIntegrationSinkDelete(t *testing.T) {
	forEachDB(t, func(t *testing.T, db testDB) {
		table := tableName(t)
		db.exec(t, "DROP TABLE IF EXISTS "+db.q(table))
		task, _ := startSinkTask(t, sinkProps(db, map[string]string{TableNameFormatConfig: table, InsertModeConfig: InsertModeUpsert,
			PKModeConfig: PKModeRecordKey, AutoCreateConfig: "true", DeleteEnabledConfig: "true"}))
		tomb := func(off int64, id int32) connect.SinkRecord {
			r := connect.NewSinkRecord("o", 0, off)
			r.KeySchema, r.Key = keySchema, connect.NewStruct(keySchema).MustPut("id", id)
			return r
		}
		batch := []connect.SinkRecord{order("o", 0, 1, "a"), order("o", 1, 2, "b"), order("o", 2, 3, "c"), tomb(3, 2), tomb(4, 9)}
		if err := putFlush(t, task, batch); err != nil {
			t.Fatal(err)
		}
		if got := db.dump(t, table, "id"); got != "1 3" {
			t.Errorf("after the tombstone: ids %s, want 1 3", got)
		}
		if err := putFlush(t, task, batch); err != nil {
			t.Fatalf("replay: %v", err)
		}
		if got := db.dump(t, table, "id"); got != "1 3" {
			t.Errorf("after replay: ids %s, want 1 3", got)
		}
	})
}

func TestIntegrationSinkBadInput(t *testing.T) {
	forEachDB(t, func(t *testing.T, db testDB) {
		table := tableName(t)
		db.recreate(t, table, "id INT PRIMARY KEY, name VARCHAR(16) NOT NULL, amount DECIMAL(10,2), at "+db.ts)
		base := map[string]string{TableNameFormatConfig: table, InsertModeConfig: InsertModeUpsert, PKModeConfig: PKModeRecordKey}
		with := func(kv ...string) map[string]string {
			p := sinkProps(db, base)
			for i := 0; i < len(kv); i += 2 {
				p[kv[i]] = kv[i+1]
			}
			return p
		}
		t.Run("config", func(t *testing.T) {
			for _, tc := range []struct {
				name  string
				props map[string]string
				key   string
				want  error
			}{
				{"unsupported URL", with(ConnectionURLConfig, "sqlserver://host/db"), ConnectionURLConfig, ErrURL},
				{"wrong password", with(ConnectionPasswordConfig, "nope"), ConnectionPasswordConfig, ErrConnect},
				{"missing table", with(TableNameFormatConfig, "no_such_${topic}", "topics", "orders"), AutoCreateConfig, nil},
				{"delete without record_key", with(DeleteEnabledConfig, "true", PKModeConfig, PKModeRecordValue), DeleteEnabledConfig, ErrConfig},
			} {
				t.Run(tc.name, func(t *testing.T) {
					c := &SinkConnector{}
					infos, _ := checkConfig(t, c, SinkClass, tc.props)
					if errs := errorsOf(infos, tc.key); len(errs) == 0 {
						t.Errorf("Validate reported no error under %s: %s", tc.key, jsonOf(t, infos))
					} else {
						t.Logf("validate: %s: %s", tc.key, errs[0])
					}
					if tc.want == nil {
						return
					}
					err := c.Start(t.Context(), tc.props)
					if err == nil {
						err = c.NewTask().Start(t.Context(), tc.props, &connecttest.SinkContext{})
					}
					if !errors.Is(err, tc.want) {
						t.Errorf("start: err = %v, want %v", err, tc.want)
					}
				})
			}
		})
		t.Run("missing table without auto.create", func(t *testing.T) {
			task, _ := startSinkTask(t, with(TableNameFormatConfig, "no_such_${topic}"))
			if err := putFlush(t, task, []connect.SinkRecord{order("o", 0, 1, "a")}); !errors.Is(err, ErrNoTable) {
				t.Errorf("err = %v, want ErrNoTable", err)
			}
		})
		t.Run("unmappable field", func(t *testing.T) {
			task, _ := startSinkTask(t, with(TableNameFormatConfig, table+"_arr", AutoCreateConfig, "true"))
			s := connect.StructBuilder().Field("id", connect.Int32Schema()).Field("tags", connect.ArraySchema(connect.StringSchema())).Build()
			r := connect.NewSinkRecord("o", 0, 0)
			r.KeySchema, r.Key = keySchema, connect.NewStruct(keySchema).MustPut("id", int32(1))
			r.ValueSchema, r.Value = s, connect.NewStruct(s).MustPut("id", int32(1)).MustPut("tags", []any{"x"})
			if err := putFlush(t, task, []connect.SinkRecord{r}); !errors.Is(err, ErrUnmappable) {
				t.Errorf("err = %v, want ErrUnmappable", err)
			}
		})
		t.Run("constraint violation rolls back the batch", func(t *testing.T) {
			db.exec(t, "DELETE FROM "+db.q(table))
			task, _ := startSinkTask(t, with())
			if err := putFlush(t, task, []connect.SinkRecord{order("o", 0, 1, "a")}); err != nil {
				t.Fatal(err)
			}
			// The second record breaks the NOT NULL constraint of name.
			nameless := order("o", 2, 3, "c")
			nameless.Value.(*connect.Struct).MustPut("name", nil)
			err := putFlush(t, task, []connect.SinkRecord{order("o", 1, 2, "b"), nameless})
			if err == nil {
				t.Fatal("NOT NULL violation: no error")
			}
			if got := db.dump(t, table, "id"); got != "1" {
				t.Errorf("after the failed batch: ids %s, want 1", got)
			}
		})
		t.Run("non-struct value goes to error handling", func(t *testing.T) {
			db.exec(t, "DELETE FROM "+db.q(table))
			task, tctx := startSinkTask(t, with())
			bad := connect.NewSinkRecord("o", 0, 1)
			bad.KeySchema, bad.Key = keySchema, connect.NewStruct(keySchema).MustPut("id", int32(5))
			bad.Value = map[string]any{"id": 5}
			if err := putFlush(t, task, []connect.SinkRecord{order("o", 0, 1, "a"), bad, order("o", 2, 2, "b")}); err != nil {
				t.Fatal(err)
			}
			if rep := tctx.Reported(); len(rep) != 1 || rep[0].Record.OriginalOffset != 1 || !errors.Is(rep[0].Err, ErrRecord) {
				t.Errorf("reported %+v, want the record at offset 1 with ErrRecord", rep)
			}
			if got := db.dump(t, table, "id"); got != "1 2" {
				t.Errorf("ids %s, want 1 2", got)
			}
		})
	})
}

func TestIntegrationSinkConformance(t *testing.T) {
	forEachDB(t, func(t *testing.T, db testDB) {
		table := tableName(t)
		db.exec(t, "DROP TABLE IF EXISTS "+db.q(table))
		connecttest.Run(t, connecttest.Suite{
			Plugin: SinkPlugin,
			Config: sinkProps(db, map[string]string{TableNameFormatConfig: table, InsertModeConfig: InsertModeUpsert,
				PKModeConfig: PKModeRecordKey, AutoCreateConfig: "true", "topics": "connecttest"}),
			Records: func(_ testing.TB, n int) []connect.SinkRecord {
				out := make([]connect.SinkRecord, n)
				for i := range out {
					out[i] = order("connecttest", int64(i), int32(i), fmt.Sprintf("value-%d", i))
				}
				return out
			},
			CheckSink: func(t testing.TB, written []connect.SinkRecord) {
				var want []string
				for _, r := range written {
					st := r.Value.(*connect.Struct)
					id, _ := st.Get("id")
					name, _ := st.Get("name")
					want = append(want, fmt.Sprintf("%v|%v", id, name))
				}
				if got := db.dump(t, table, "id", "name"); got != strings.Join(want, " ") {
					t.Errorf("table = %s, want %s", got, strings.Join(want, " "))
				}
			},
		})
	})
}

// TestIntegrationSinkLargeBatch writes a batch larger than one multi-row statement, with keys
// repeating within and across statements: the last record of each key wins, as with one
// upsert per record.
func TestIntegrationSinkLargeBatch(t *testing.T) {
	forEachDB(t, func(t *testing.T, db testDB) {
		table := tableName(t)
		db.exec(t, "DROP TABLE IF EXISTS "+db.q(table))
		task, _ := startSinkTask(t, sinkProps(db, map[string]string{TableNameFormatConfig: table, InsertModeConfig: InsertModeUpsert,
			PKModeConfig: PKModeRecordKey, AutoCreateConfig: "true", BatchSizeConfig: "1100"}))
		const n, keys = 2*maxRowsPerStatement + 203, 700
		recs := make([]connect.SinkRecord, n)
		for i := range recs {
			recs[i] = order("o", int64(i), int32(i%keys), fmt.Sprintf("v%d", i))
		}
		if err := putFlush(t, task, recs); err != nil {
			t.Fatal(err)
		}
		var count int
		var sample string
		if err := db.raw.QueryRowContext(t.Context(), "SELECT COUNT(*) FROM "+db.q(table)).Scan(&count); err != nil {
			t.Fatal(err)
		}
		if err := db.raw.QueryRowContext(t.Context(), "SELECT name FROM "+db.q(table)+" WHERE id = 5").Scan(&sample); err != nil {
			t.Fatal(err)
		}
		if count != keys || sample != fmt.Sprintf("v%d", keys+5) {
			t.Errorf("%d rows, id 5 = %q; want %d rows and v%d", count, sample, keys, keys+5)
		}
	})
}

func TestIntegrationSinkPrimitiveKey(t *testing.T) {
	forEachDB(t, func(t *testing.T, db testDB) {
		table := tableName(t)
		db.exec(t, "DROP TABLE IF EXISTS "+db.q(table))
		task, _ := startSinkTask(t, sinkProps(db, map[string]string{TableNameFormatConfig: table, InsertModeConfig: InsertModeUpsert,
			PKModeConfig: PKModeRecordKey, AutoCreateConfig: "true", DeleteEnabledConfig: "true"}))
		s := connect.StructBuilder().Field("name", connect.StringSchema()).Build()
		rec := func(off int64, key string, name any) connect.SinkRecord {
			r := connect.NewSinkRecord("o", 0, off)
			r.KeySchema, r.Key = connect.StringSchema(), key
			if name != nil {
				r.ValueSchema, r.Value = s, connect.NewStruct(s).MustPut("name", name)
			}
			return r
		}
		batch := []connect.SinkRecord{rec(0, "k1", "a"), rec(1, "k2", "b"), rec(2, "k1", "a2"), rec(3, "k2", nil)}
		for range 2 { // the second pass is a replay
			if err := putFlush(t, task, batch); err != nil {
				t.Fatal(err)
			}
			if got, want := db.dump(t, table, DefaultRecordKeyPK, "name"), "k1|a2"; got != want {
				t.Fatalf("table = %s, want %s", got, want)
			}
		}
	})
}

// TestIntegrationSinkSourceRoundTrip writes every mapped Connect type through the sink into an
// auto-created table and reads it back with the source.
func TestIntegrationSinkSourceRoundTrip(t *testing.T) {
	forEachDB(t, func(t *testing.T, db testDB) {
		table := tableName(t)
		db.exec(t, "DROP TABLE IF EXISTS "+db.q(table))
		s := connect.StructBuilder().
			Field("id", connect.Int64Schema()).
			Field("i16", connect.Int16Schema()).
			Field("i32", connect.OptionalInt32Schema()).
			Field("f32", connect.Float32Schema()).
			Field("f64", connect.Float64Schema()).
			Field("s", connect.StringSchema()).
			Field("b", connect.BytesSchema()).
			Field("dec", connect.DecimalSchema(3)).
			Field("day", connect.DateSchema()).
			Field("clock", connect.TimeSchema()).
			Field("at", connect.TimestampSchema()).
			Build()
		want := connect.NewStruct(s).MustPut("id", int64(7)).MustPut("i16", int16(-3)).MustPut("f32", float32(1.5)).
			MustPut("f64", 2.25).MustPut("s", "héllo 'quoted'").MustPut("b", []byte{0, 1, 255}).
			MustPut("dec", connect.NewDecimal(-12345, 3)).MustPut("day", time.Date(2024, 2, 29, 0, 0, 0, 0, time.UTC)).
			MustPut("clock", time.Date(1970, 1, 1, 13, 14, 15, 678e6, time.UTC)).
			MustPut("at", time.Date(2024, 5, 1, 10, 0, 0, 123e6, time.UTC))
		r := connect.NewSinkRecord("o", 0, 0)
		r.ValueSchema, r.Value = s, want
		task, _ := startSinkTask(t, sinkProps(db, map[string]string{TableNameFormatConfig: table, InsertModeConfig: InsertModeUpsert,
			PKModeConfig: PKModeRecordValue, PKFieldsConfig: "id", AutoCreateConfig: "true"}))
		if err := putFlush(t, task, []connect.SinkRecord{r}); err != nil {
			t.Fatal(err)
		}
		recs := sourceSlice(t, sourceProps(db, map[string]string{ModeConfig: ModeIncrementing, IncrementingColumnConfig: "id",
			TableWhitelistConfig: table}), connecttest.NewOffsets())
		if len(recs) != 1 {
			t.Fatalf("read %d rows, want 1", len(recs))
		}
		got := recs[0].Value.(*connect.Struct)
		for _, f := range s.Fields {
			g, _ := got.Get(f.Name)
			w, _ := want.Get(f.Name)
			gf, _ := got.Schema().Field(f.Name)
			if gf.Schema.Type != f.Schema.Type || gf.Schema.Name != f.Schema.Name {
				t.Errorf("%s: read back as %s %q, want %s %q", f.Name, gf.Schema.Type, gf.Schema.Name, f.Schema.Type, f.Schema.Name)
			}
			if fmt.Sprint(g) != fmt.Sprint(w) {
				t.Errorf("%s = %v, want %v", f.Name, g, w)
			}
		}
	})
}

// TestIntegrationQualifiedTableNames reads and writes tables of another schema (PostgreSQL)
// or database (MariaDB) named as schema.table.
func TestIntegrationQualifiedTableNames(t *testing.T) {
	forEachDB(t, func(t *testing.T, db testDB) {
		if db.kind == postgres {
			db.exec(t, "CREATE SCHEMA IF NOT EXISTS other")
		} else {
			db.exec(t, "CREATE DATABASE IF NOT EXISTS other")
		}
		table := tableName(t)
		qualified := "other." + table
		db.exec(t, "DROP TABLE IF EXISTS other."+db.q(table))
		task, _ := startSinkTask(t, sinkProps(db, map[string]string{TableNameFormatConfig: "other.${topic}", InsertModeConfig: InsertModeUpsert,
			PKModeConfig: PKModeRecordKey, AutoCreateConfig: "true"}))
		if err := putFlush(t, task, []connect.SinkRecord{order(table, 0, 1, "a"), order(table, 1, 2, "b")}); err != nil {
			t.Fatal(err)
		}
		recs := sourceSlice(t, sourceProps(db, map[string]string{ModeConfig: ModeIncrementing, IncrementingColumnConfig: "id",
			TableWhitelistConfig: qualified}), connecttest.NewOffsets())
		if got, want := rows(t, recs), "1:a,2:b"; got != want {
			t.Fatalf("read %s from %s, want %s", got, qualified, want)
		}
		if recs[0].Topic != "db-"+qualified || jsonOf(t, recs[0].SourcePartition) != `{"table":"`+qualified+`"}` {
			t.Errorf("topic %q partition %s", recs[0].Topic, jsonOf(t, recs[0].SourcePartition))
		}
	})
}
