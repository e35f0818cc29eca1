package sqldb

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/connectless/connectless/core/connect"
	"github.com/connectless/connectless/core/connect/connecttest"
)

// sourceProps is a source configuration for db reading table with the given extra keys.
func sourceProps(db testDB, extra map[string]string) map[string]string {
	p := map[string]string{
		"name": "jdbc-test", "connector.class": SourceClass,
		ConnectionURLConfig: db.jdbc, ConnectionUserConfig: "connectless", ConnectionPasswordConfig: "connectless",
		TopicPrefixConfig: "db-", PollIntervalConfig: "50",
	}
	maps.Copy(p, extra)
	return p
}

// sourceSlice runs one bounded slice of every task of the source, as the runtime does:
// start the connector, start each task from the committed offsets, poll until two polls in
// a row come back empty, commit the offsets of what was polled, stop.
func sourceSlice(t *testing.T, props map[string]string, offsets *connecttest.Offsets) []connect.SourceRecord {
	t.Helper()
	c := &SourceConnector{}
	if err := c.Start(t.Context(), props); err != nil {
		t.Fatalf("connector Start: %v", err)
	}
	defer c.Stop()
	cfgs, err := c.TaskConfigs(2)
	if err != nil {
		t.Fatal(err)
	}
	var out []connect.SourceRecord
	for _, cfg := range cfgs {
		task := c.NewTask()
		if err := task.Start(t.Context(), cfg, connecttest.SourceContext{Reader: offsets}); err != nil {
			t.Fatalf("task Start: %v", err)
		}
		for empty := 0; empty < 2; {
			recs, err := task.Poll(t.Context())
			if err != nil {
				task.Stop()
				t.Fatalf("Poll: %v", err)
			}
			if len(recs) == 0 {
				empty++
				continue
			}
			empty = 0
			out = append(out, recs...)
		}
		if err := task.Stop(); err != nil {
			t.Errorf("task Stop: %v", err)
		}
	}
	if err := offsets.CommitRecords(out); err != nil {
		t.Fatal(err)
	}
	return out
}

// field returns a struct field of a record's value.
func field(t testing.TB, r connect.SourceRecord, name string) any {
	t.Helper()
	st, ok := r.Value.(*connect.Struct)
	if !ok {
		t.Fatalf("record value is %T, want *connect.Struct", r.Value)
	}
	v, ok := st.Get(name)
	if !ok {
		t.Fatalf("record has no field %q (schema %v)", name, st.Schema().Fields)
	}
	return v
}

// rows renders records as "id:name" for comparisons.
func rows(t testing.TB, recs []connect.SourceRecord) string {
	t.Helper()
	var parts []string
	for _, r := range recs {
		parts = append(parts, fmt.Sprintf("%v:%v", field(t, r, "id"), field(t, r, "name")))
	}
	return strings.Join(parts, ",")
}

// clock reads the database's clock in UTC, the clock the source's timestamp queries and
// timestamp.delay.interval.ms go by. Tests fix row timestamps against one reading of it, so
// what a slice may read does not depend on how fast the test runs.
func (db testDB) clock(t testing.TB) time.Time {
	t.Helper()
	now, err := (&conn{db: db.raw, d: dialect{db.kind}}).now(t.Context())
	if err != nil {
		t.Fatalf("%s: %v", db.name, err)
	}
	return now
}

// waitClock returns once the database's clock is past at.
func (db testDB) waitClock(t testing.TB, at time.Time) {
	t.Helper()
	for now := db.clock(t); !now.After(at); now = db.clock(t) {
		time.Sleep(at.Sub(now) + time.Millisecond)
	}
}

// tsLit is an SQL literal for a timestamp column (UTC, microseconds).
func tsLit(ts time.Time) string {
	return "'" + ts.UTC().Format("2006-01-02 15:04:05.000000") + "'"
}

func jsonOf(t testing.TB, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestIntegrationSourceIncrementing(t *testing.T) {
	forEachDB(t, func(t *testing.T, db testDB) {
		table := tableName(t)
		db.recreate(t, table, "id "+db.serial+" PRIMARY KEY, name VARCHAR(32) NOT NULL")
		db.exec(t, "INSERT INTO "+db.q(table)+" (name) VALUES ('a'), ('b'), ('c')")
		props := sourceProps(db, map[string]string{ModeConfig: ModeIncrementing, IncrementingColumnConfig: "id",
			TableWhitelistConfig: table, BatchMaxRowsConfig: "2"})
		offsets := connecttest.NewOffsets()

		first := sourceSlice(t, props, offsets)
		if got, want := rows(t, first), "1:a,2:b,3:c"; got != want {
			t.Fatalf("slice 1 = %s, want %s", got, want)
		}
		if first[0].Topic != "db-"+table {
			t.Errorf("topic = %q, want %q", first[0].Topic, "db-"+table)
		}
		db.exec(t, "INSERT INTO "+db.q(table)+" (name) VALUES ('d'), ('e')",
			"UPDATE "+db.q(table)+" SET name = 'A' WHERE id = 1") // incrementing mode does not see updates
		second := sourceSlice(t, props, offsets)
		if got, want := rows(t, second), "4:d,5:e"; got != want {
			t.Fatalf("slice 2 = %s, want %s", got, want)
		}
		if third := sourceSlice(t, props, offsets); len(third) != 0 {
			t.Errorf("slice 3 read %s, want nothing", rows(t, third))
		}
		off, _ := offsets.Offset(t.Context(), map[string]any{"table": table})
		if got := jsonOf(t, off); got != `{"incrementing":5}` {
			t.Errorf("committed offset = %s, want {\"incrementing\":5}", got)
		}
	})
}

// TestIntegrationSourceTimestampIncrementing reads rows in (timestamp, incrementing) order,
// re-reads updated rows and holds back rows younger than timestamp.delay.interval.ms. Row
// timestamps are fixed against one reading of the database clock and the delay is an hour:
// rows placed more than an hour back are readable, and a row placed half an hour back stays
// within the delay, however slowly the test runs.
func TestIntegrationSourceTimestampIncrementing(t *testing.T) {
	forEachDB(t, func(t *testing.T, db testDB) {
		table := tableName(t)
		db.recreate(t, table, "id BIGINT PRIMARY KEY, name VARCHAR(32) NOT NULL, updated "+db.ts+" NOT NULL")
		const delay = time.Hour
		now := db.clock(t)
		at := func(before time.Duration) string { return tsLit(now.Add(-before)) }
		ins := func(id int, name string, before time.Duration) {
			db.exec(t, fmt.Sprintf("INSERT INTO %s (id, name, updated) VALUES (%d, '%s', %s)", db.q(table), id, name, at(before)))
		}
		// Two rows share a timestamp: the incrementing column orders them. Row 3 is inserted
		// first but is younger.
		ins(3, "c", delay+9*time.Second)
		ins(2, "b", delay+10*time.Second)
		ins(1, "a", delay+10*time.Second)
		props := sourceProps(db, map[string]string{ModeConfig: ModeTimestampIncrementing, IncrementingColumnConfig: "id",
			TimestampColumnConfig: "updated", TableWhitelistConfig: table, TimestampDelayConfig: fmt.Sprint(delay.Milliseconds()),
			BatchMaxRowsConfig: "2"})
		offsets := connecttest.NewOffsets()
		if got, want := rows(t, sourceSlice(t, props, offsets)), "1:a,2:b,3:c"; got != want {
			t.Fatalf("slice 1 = %s, want %s", got, want)
		}

		db.exec(t, fmt.Sprintf("UPDATE %s SET name = 'a2', updated = %s WHERE id = 1", db.q(table), at(delay+5*time.Second)))
		ins(4, "d", delay+4*time.Second)
		ins(5, "e", delay/2) // within the delay
		if got, want := rows(t, sourceSlice(t, props, offsets)), "1:a2,4:d"; got != want {
			t.Fatalf("slice 2 (update, insert and a row within the delay) = %s, want %s", got, want)
		}

		off, _ := offsets.Offset(t.Context(), map[string]any{"table": table})
		if len(off) != 3 || off[IncrementingField] != int64(4) || off[TimestampField] == nil || off[TimestampNanosField] == nil {
			t.Errorf("committed offset = %s, want timestamp, timestamp_nanos and incrementing 4", jsonOf(t, off))
		}
	})
}

func TestIntegrationSourceTimestamp(t *testing.T) {
	forEachDB(t, func(t *testing.T, db testDB) {
		table := tableName(t)
		db.recreate(t, table, "id BIGINT PRIMARY KEY, name VARCHAR(32) NOT NULL, created "+db.ts+" NULL, updated "+db.ts+" NULL")
		now := db.clock(t)
		at := func(before time.Duration) string { return tsLit(now.Add(-before)) }
		db.exec(t, fmt.Sprintf("INSERT INTO %s VALUES (1, 'a', %s, NULL), (2, 'b', %s, %s)", db.q(table),
			at(9*time.Second), at(9500*time.Millisecond), at(8*time.Second)))
		props := sourceProps(db, map[string]string{ModeConfig: ModeTimestamp, TimestampColumnConfig: "updated,created",
			TableWhitelistConfig: table, ValidateNonNullConfig: "false"})
		offsets := connecttest.NewOffsets()
		// COALESCE(updated, created): row 1 at -9s, row 2 at -8s.
		if got, want := rows(t, sourceSlice(t, props, offsets)), "1:a,2:b"; got != want {
			t.Fatalf("slice 1 = %s, want %s", got, want)
		}
		db.exec(t, fmt.Sprintf("UPDATE %s SET name = 'a2', updated = %s WHERE id = 1", db.q(table), at(time.Second)))
		if got, want := rows(t, sourceSlice(t, props, offsets)), "1:a2"; got != want {
			t.Fatalf("slice 2 = %s, want %s", got, want)
		}
		off, _ := offsets.Offset(t.Context(), map[string]any{"table": table})
		if _, ok := off[IncrementingField]; ok || off[TimestampField] == nil {
			t.Errorf("timestamp mode offset = %s, want timestamp fields only", jsonOf(t, off))
		}
	})
}

func TestIntegrationSourceBulk(t *testing.T) {
	forEachDB(t, func(t *testing.T, db testDB) {
		table := tableName(t)
		db.recreate(t, table, "id INT PRIMARY KEY, name VARCHAR(32)")
		db.exec(t, "INSERT INTO "+db.q(table)+" VALUES (1, 'a'), (2, 'b')")
		props := sourceProps(db, map[string]string{ModeConfig: ModeBulk, TableWhitelistConfig: table})
		offsets := connecttest.NewOffsets()
		c := &SourceConnector{}
		if err := c.Start(t.Context(), props); err != nil {
			t.Fatal(err)
		}
		cfgs, _ := c.TaskConfigs(1)
		task := c.NewTask()
		if err := task.Start(t.Context(), cfgs[0], connecttest.SourceContext{Reader: offsets}); err != nil {
			t.Fatal(err)
		}
		defer task.Stop()
		// Bulk mode re-reads the whole table each poll interval.
		var got []string
		for len(got) < 2 {
			recs, err := task.Poll(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			if len(recs) > 0 {
				got = append(got, rows(t, recs))
				if recs[0].SourceOffset != nil {
					t.Errorf("bulk offset = %v, want none", recs[0].SourceOffset)
				}
			}
			if len(got) == 1 && len(recs) > 0 {
				db.exec(t, "INSERT INTO "+db.q(table)+" VALUES (3, 'c')")
			}
		}
		if want := []string{"1:a,2:b", "1:a,2:b,3:c"}; strings.Join(got, "|") != strings.Join(want, "|") {
			t.Errorf("bulk polls = %q, want %q", got, want)
		}
	})
}

func TestIntegrationSourceQuery(t *testing.T) {
	forEachDB(t, func(t *testing.T, db testDB) {
		table := tableName(t)
		db.recreate(t, table, "id INT PRIMARY KEY, name VARCHAR(32) NOT NULL, kind VARCHAR(8) NOT NULL")
		db.exec(t, "INSERT INTO "+db.q(table)+" VALUES (1, 'a', 'keep'), (2, 'b', 'skip'), (3, 'c', 'keep')")
		query := fmt.Sprintf("SELECT id, name FROM %s WHERE kind = 'keep'", db.q(table))
		props := sourceProps(db, map[string]string{ModeConfig: ModeIncrementing, IncrementingColumnConfig: "id",
			QueryConfig: query, TopicPrefixConfig: "kept"})
		offsets := connecttest.NewOffsets()
		first := sourceSlice(t, props, offsets)
		if got, want := rows(t, first), "1:a,3:c"; got != want {
			t.Fatalf("slice 1 = %s, want %s", got, want)
		}
		if first[0].Topic != "kept" || jsonOf(t, first[0].SourcePartition) != `{"query":"query"}` {
			t.Errorf("topic %q partition %s, want kept and {\"query\":\"query\"}", first[0].Topic, jsonOf(t, first[0].SourcePartition))
		}
		db.exec(t, "INSERT INTO "+db.q(table)+" VALUES (4, 'd', 'skip'), (5, 'e', 'keep')")
		if got, want := rows(t, sourceSlice(t, props, offsets)), "5:e"; got != want {
			t.Fatalf("slice 2 = %s, want %s", got, want)
		}
	})
}

// TestIntegrationSourceResumesConfluentOffsets starts from offsets as a Kafka Connect cluster
// running Confluent's JDBC source stores them.
func TestIntegrationSourceResumesConfluentOffsets(t *testing.T) {
	forEachDB(t, func(t *testing.T, db testDB) {
		table := tableName(t)
		db.recreate(t, table, "id BIGINT PRIMARY KEY, name VARCHAR(32) NOT NULL, updated "+db.ts+" NOT NULL")
		db.exec(t, "INSERT INTO "+db.q(table)+" VALUES "+
			"(1, 'a', '2024-05-01 10:00:00.250000'), (2, 'b', '2024-05-01 10:00:00.250000'), (3, 'c', '2024-05-01 10:00:01')")
		cases := []struct {
			name   string
			props  map[string]string
			offset string
			want   string
		}{
			{"incrementing", map[string]string{ModeConfig: ModeIncrementing, IncrementingColumnConfig: "id"}, `{"incrementing":2}`, "3:c"},
			// 2024-05-01T10:00:00.25Z is 1714557600250 ms; nanos hold the fraction of the second.
			{"timestamp+incrementing", map[string]string{ModeConfig: ModeTimestampIncrementing, IncrementingColumnConfig: "id", TimestampColumnConfig: "updated"},
				`{"timestamp":1714557600250,"timestamp_nanos":250000000,"incrementing":1}`, "2:b,3:c"},
			{"timestamp", map[string]string{ModeConfig: ModeTimestamp, TimestampColumnConfig: "updated"},
				`{"timestamp":1714557600250,"timestamp_nanos":250000000}`, "3:c"},
			// No stored offset: timestamp.initial (10:00:00.5) is where reading starts.
			{"timestamp.initial", map[string]string{ModeConfig: ModeTimestamp, TimestampColumnConfig: "updated", TimestampInitialConfig: "1714557600500"},
				`null`, "3:c"},
			{"stored offset wins over timestamp.initial", map[string]string{ModeConfig: ModeTimestampIncrementing, IncrementingColumnConfig: "id",
				TimestampColumnConfig: "updated", TimestampInitialConfig: "1714557600500"},
				`{"timestamp":1714557600250,"timestamp_nanos":250000000,"incrementing":1}`, "2:b,3:c"},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				tc.props[TableWhitelistConfig] = table
				var off map[string]any
				if err := json.Unmarshal([]byte(tc.offset), &off); err != nil {
					t.Fatal(err)
				}
				offsets := connecttest.NewOffsets()
				if off != nil {
					if err := offsets.Commit(map[string]any{"table": table}, off); err != nil {
						t.Fatal(err)
					}
				}
				if got := rows(t, sourceSlice(t, sourceProps(db, tc.props), offsets)); got != tc.want {
					t.Errorf("resumed from %s: read %s, want %s", tc.offset, got, tc.want)
				}
			})
		}
	})
}

func TestIntegrationSourceTypes(t *testing.T) {
	forEachDB(t, func(t *testing.T, db testDB) {
		table := tableName(t)
		db.recreate(t, table, "id INT PRIMARY KEY, price DECIMAL(10,2) NOT NULL, qty NUMERIC(5,0), ok BOOLEAN, born DATE, at "+db.ts+", raw "+
			map[dialectKind]string{postgres: "BYTEA", mysqlKind: "BLOB"}[db.kind]+", name TEXT")
		db.exec(t, "INSERT INTO "+db.q(table)+" VALUES (1, 12.50, 7, TRUE, '2024-02-29', '2024-05-01 10:00:00.123456', 'xy', 'n')",
			"INSERT INTO "+db.q(table)+" (id, price) VALUES (2, -0.01)")
		for _, tc := range []struct {
			numeric   string
			priceType connect.Type
			qtyType   connect.Type
		}{
			{NumericNone, connect.TypeBytes, connect.TypeBytes},
			{NumericBestFit, connect.TypeFloat64, connect.TypeInt32},
		} {
			t.Run(tc.numeric, func(t *testing.T) {
				recs := sourceSlice(t, sourceProps(db, map[string]string{ModeConfig: ModeIncrementing, IncrementingColumnConfig: "id",
					TableWhitelistConfig: table, NumericMappingConfig: tc.numeric}), connecttest.NewOffsets())
				if len(recs) != 2 {
					t.Fatalf("read %d rows, want 2", len(recs))
				}
				s := recs[0].ValueSchema
				price, _ := s.Field("price")
				qty, _ := s.Field("qty")
				at, _ := s.Field("at")
				born, _ := s.Field("born")
				if price.Schema.Type != tc.priceType || price.Schema.Optional || qty.Schema.Type != tc.qtyType || !qty.Schema.Optional {
					t.Errorf("price %+v qty %+v, want %s required and %s optional", price.Schema, qty.Schema, tc.priceType, tc.qtyType)
				}
				if at.Schema.Name != connect.TimestampName || born.Schema.Name != connect.DateName {
					t.Errorf("at %q born %q, want Timestamp and Date logical types", at.Schema.Name, born.Schema.Name)
				}
				if got := field(t, recs[0], "at").(time.Time); !got.Equal(time.Date(2024, 5, 1, 10, 0, 0, 123456000, time.UTC)) {
					t.Errorf("at = %v", got)
				}
				if got := field(t, recs[0], "born").(time.Time); !got.Equal(time.Date(2024, 2, 29, 0, 0, 0, 0, time.UTC)) {
					t.Errorf("born = %v", got)
				}
				if got := string(field(t, recs[0], "raw").([]byte)); got != "xy" {
					t.Errorf("raw = %q", got)
				}
				if tc.numeric == NumericNone {
					if got := field(t, recs[1], "price").(connect.Decimal); got.String() != "-0.01" || got.Scale != 2 {
						t.Errorf("price = %v scale %d, want -0.01 scale 2", got, got.Scale)
					}
				} else if got := field(t, recs[0], "price"); got != 12.5 {
					t.Errorf("best_fit price = %v, want 12.5", got)
				}
				if v, _ := recs[1].Value.(*connect.Struct).GetWithoutDefault("qty"); v != nil {
					t.Errorf("null qty = %v, want nil", v)
				}
			})
		}
	})
}

func TestIntegrationSourceBadInput(t *testing.T) {
	forEachDB(t, func(t *testing.T, db testDB) {
		table := tableName(t)
		db.recreate(t, table, "id INT PRIMARY KEY, name VARCHAR(8) NOT NULL, maybe INT NULL")
		db.exec(t, "INSERT INTO "+db.q(table)+" VALUES (1, 'a', NULL)")
		odd := tableName(t) + "_odd"
		db.recreate(t, odd, "id INT PRIMARY KEY, spot "+map[dialectKind]string{postgres: "POINT", mysqlKind: "POINT"}[db.kind])
		db.exec(t, "INSERT INTO "+db.q(odd)+" VALUES (1, "+map[dialectKind]string{postgres: "point(1,2)", mysqlKind: "POINT(1,2)"}[db.kind]+")")
		inc := map[string]string{ModeConfig: ModeIncrementing, IncrementingColumnConfig: "id", TableWhitelistConfig: table}
		with := func(kv ...string) map[string]string {
			p := sourceProps(db, inc)
			for i := 0; i < len(kv); i += 2 {
				p[kv[i]] = kv[i+1]
			}
			return p
		}
		cases := []struct {
			name  string
			props map[string]string
			key   string // the key validation (Validate, then Preflight) reports the error under
			want  error
		}{
			{"unsupported URL", with(ConnectionURLConfig, "jdbc:oracle:thin:@host:1521:db"), ConnectionURLConfig, ErrURL},
			{"wrong port", with(ConnectionURLConfig, strings.Replace(db.jdbc, fmt.Sprint(portOf(db)), "1", 1)), ConnectionURLConfig, ErrConnect},
			{"wrong password", with(ConnectionPasswordConfig, "nope"), ConnectionPasswordConfig, ErrConnect},
			{"missing table", with(TableWhitelistConfig, "no_such_table"), TableWhitelistConfig, ErrNoTable},
			{"missing incrementing column", with(IncrementingColumnConfig, "nope"), IncrementingColumnConfig, errIncColumn},
			{"nullable incrementing column", with(IncrementingColumnConfig, "maybe"), IncrementingColumnConfig, errIncColumn},
			{"unmappable column", with(TableWhitelistConfig, odd), TableWhitelistConfig, ErrUnmappable},
			{"timestamp mode without column", with(ModeConfig, ModeTimestamp), TimestampColumnConfig, ErrConfig},
			{"bad query", with(TableWhitelistConfig, "", QueryConfig, "SELECT id FROM no_such_table"), QueryConfig, ErrQuery},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				c := &SourceConnector{}
				infos, _ := checkConfig(t, c, SourceClass, tc.props)
				if errs := errorsOf(infos, tc.key); len(errs) == 0 {
					t.Errorf("Validate reported no error under %s: %s", tc.key, jsonOf(t, infos))
				} else {
					t.Logf("validate: %s: %s", tc.key, errs[0])
				}
				// The task fails at Start or at its first Poll, with the same error and no record.
				err := c.Start(t.Context(), tc.props)
				if err == nil {
					cfgs, _ := c.TaskConfigs(1)
					task := c.NewTask()
					offsets := connecttest.NewOffsets()
					if err = task.Start(t.Context(), cfgs[0], connecttest.SourceContext{Reader: offsets}); err == nil {
						var recs []connect.SourceRecord
						recs, err = task.Poll(t.Context())
						if len(recs) > 0 {
							t.Errorf("Poll returned %d records with an error", len(recs))
						}
					}
					task.Stop()
				}
				if !errors.Is(err, tc.want) {
					t.Errorf("err = %v, want %v", err, tc.want)
				}
			})
		}
	})
}

func portOf(db testDB) int {
	if db.kind == postgres {
		return servers.pg.Port
	}
	return servers.my.Port
}

// errorsOf returns the validation errors reported under key.
func errorsOf(infos connect.ConfigInfos, key string) []string {
	for _, ci := range infos.Configs {
		if ci.Value != nil && ci.Value.Name == key {
			return ci.Value.Errors
		}
	}
	return nil
}

func TestIntegrationSourceConformance(t *testing.T) {
	forEachDB(t, func(t *testing.T, db testDB) {
		table := tableName(t)
		db.recreate(t, table, "id INT PRIMARY KEY, name VARCHAR(16) NOT NULL")
		connecttest.Run(t, connecttest.Suite{
			Plugin: SourcePlugin,
			Config: sourceProps(db, map[string]string{ModeConfig: ModeIncrementing, IncrementingColumnConfig: "id", TableWhitelistConfig: table}),
			PrepareSource: func(t testing.TB, n int) {
				for i := 1; i <= n; i++ {
					ins := "INSERT INTO " + db.q(table) + fmt.Sprintf(" VALUES (%d, 'row %d')", i, i)
					if db.kind == postgres {
						ins += " ON CONFLICT DO NOTHING"
					} else {
						ins = strings.Replace(ins, "INSERT", "INSERT IGNORE", 1)
					}
					db.exec(t, ins)
				}
			},
		})
	})
}

func TestIntegrationSourceTablesSplitOverTasks(t *testing.T) {
	forEachDB(t, func(t *testing.T, db testDB) {
		base := tableName(t)
		names := []string{base + "_a", base + "_b", base + "_c"}
		for i, n := range names {
			db.recreate(t, n, "id INT PRIMARY KEY, name VARCHAR(8) NOT NULL")
			db.exec(t, fmt.Sprintf("INSERT INTO %s VALUES (%d, 'r%d')", db.q(n), i+1, i+1))
		}
		props := sourceProps(db, map[string]string{ModeConfig: ModeIncrementing, IncrementingColumnConfig: "id",
			TableWhitelistConfig: strings.Join(names, ",")})
		c := &SourceConnector{}
		if err := c.Start(t.Context(), props); err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			max  int
			want []string
		}{
			{1, []string{strings.Join(names, ",")}},
			{2, []string{names[0] + "," + names[2], names[1]}},
			{5, names},
		} {
			cfgs, err := c.TaskConfigs(tc.max)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, cfg := range cfgs {
				got = append(got, cfg[TablesConfig])
			}
			if strings.Join(got, "|") != strings.Join(tc.want, "|") {
				t.Errorf("TaskConfigs(%d) tables = %q, want %q", tc.max, got, tc.want)
			}
		}
		recs := sourceSlice(t, props, connecttest.NewOffsets())
		topics := map[string]string{}
		for _, r := range recs {
			topics[r.Topic] = rows(t, []connect.SourceRecord{r})
		}
		for i, n := range names {
			if got, want := topics["db-"+n], fmt.Sprintf("%d:r%d", i+1, i+1); got != want {
				t.Errorf("topic db-%s: %q, want %q", n, got, want)
			}
		}

		// Without a whitelist every table is copied but the blacklisted ones.
		c2 := &SourceConnector{}
		props2 := sourceProps(db, map[string]string{ModeConfig: ModeBulk, TableBlacklistConfig: names[1]})
		if err := c2.Start(t.Context(), props2); err != nil {
			t.Fatal(err)
		}
		cfgs, _ := c2.TaskConfigs(1)
		listed := strings.Split(cfgs[0][TablesConfig], ",")
		if !slices.Contains(listed, names[0]) || !slices.Contains(listed, names[2]) || slices.Contains(listed, names[1]) {
			t.Errorf("tables %q: want %s and %s, not %s", listed, names[0], names[2], names[1])
		}
	})
}

// TestIntegrationSourceResultOutlivesPoll polls with a context that ends with each Poll: a
// result left open between polls (batch.max.rows smaller than the rows) keeps being read.
func TestIntegrationSourceResultOutlivesPoll(t *testing.T) {
	forEachDB(t, func(t *testing.T, db testDB) {
		table := tableName(t)
		db.recreate(t, table, "id INT PRIMARY KEY, name VARCHAR(8) NOT NULL")
		db.exec(t, "INSERT INTO "+db.q(table)+" VALUES (1, 'a'), (2, 'b'), (3, 'c'), (4, 'd'), (5, 'e')")
		props := sourceProps(db, map[string]string{ModeConfig: ModeIncrementing, IncrementingColumnConfig: "id",
			TableWhitelistConfig: table, BatchMaxRowsConfig: "2", TablesConfig: table})
		task := &SourceTask{}
		if err := task.Start(t.Context(), props, connecttest.SourceContext{Reader: connecttest.NewOffsets()}); err != nil {
			t.Fatal(err)
		}
		defer task.Stop()
		var got []connect.SourceRecord
		for range 4 {
			ctx, cancel := context.WithCancel(t.Context())
			recs, err := task.Poll(ctx)
			cancel()
			if err != nil {
				t.Fatalf("Poll: %v", err)
			}
			time.Sleep(20 * time.Millisecond) // let anything tied to the ended context react
			got = append(got, recs...)
		}
		if s, want := rows(t, got), "1:a,2:b,3:c,4:d,5:e"; s != want {
			t.Errorf("read %s, want %s", s, want)
		}
	})
}

// TestIntegrationSourceLateCommit runs a real late commit: a transaction inserts a row, an
// autocommitted row with a later timestamp lands meanwhile, then the transaction commits.
// Without a delay the source reads the later row first and never sees the late one; with
// timestamp.delay.interval.ms longer than the transaction it reads both, in order.
func TestIntegrationSourceLateCommit(t *testing.T) {
	forEachDB(t, func(t *testing.T, db testDB) {
		for _, tc := range []struct {
			name  string
			delay time.Duration
			want  string
		}{
			{"no delay", 0, "8:late-visible"},
			{"delay longer than the transaction", 2 * time.Second, "7:in-tx,8:late-visible"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				// The first slice has to end, by the database clock, before the later row
				// leaves the delay; when the machine is too slow for that the run proves
				// nothing and is done again with a longer delay.
				for delay := tc.delay; ; delay *= 2 {
					got, ok := lateCommit(t, db, delay)
					if !ok && delay < 16*time.Second {
						t.Logf("first slice outlasted a %v delay: trying again with %v", delay, 2*delay)
						continue
					}
					if !ok {
						t.Fatalf("first slice outlasted a %v delay", delay)
					}
					if got != tc.want {
						t.Errorf("delay %v: read %s, want %s", delay, got, tc.want)
					}
					return
				}
			})
		}
	})
}

// lateCommit runs the late-commit scenario with a delay and returns what two slices read, one
// while the transaction is open and one once both rows are older than the delay. ok is false
// when the first slice did not end within the delay, so the later row was rightly readable.
func lateCommit(t *testing.T, db testDB, delay time.Duration) (got string, ok bool) {
	t.Helper()
	table := tableName(t)
	db.recreate(t, table, "id BIGINT PRIMARY KEY, name VARCHAR(32) NOT NULL, updated "+db.ts+" NOT NULL")
	props := sourceProps(db, map[string]string{ModeConfig: ModeTimestampIncrementing, IncrementingColumnConfig: "id",
		TimestampColumnConfig: "updated", TableWhitelistConfig: table, TimestampDelayConfig: fmt.Sprint(delay.Milliseconds())})
	offsets := connecttest.NewOffsets()
	now := db.clock(t)
	inTx, later := now.Add(-200*time.Millisecond), now.Add(-100*time.Millisecond)
	tx, err := db.raw.BeginTx(t.Context(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(t.Context(), fmt.Sprintf("INSERT INTO %s VALUES (7, 'in-tx', %s)", db.q(table), tsLit(inTx))); err != nil {
		t.Fatal(err)
	}
	db.exec(t, fmt.Sprintf("INSERT INTO %s VALUES (8, 'late-visible', %s)", db.q(table), tsLit(later)))
	first := sourceSlice(t, props, offsets)
	firstEnd := db.clock(t)
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	// The source reads a row once its timestamp is before the database clock minus the delay:
	// without a delay the later row was readable from the start; with one, not before
	// readable, which the first slice has to end before and the second has to start after.
	if delay > 0 {
		readable := later.Add(delay)
		if !firstEnd.Before(readable) {
			return "", false
		}
		db.waitClock(t, readable)
	}
	all := append(first, sourceSlice(t, props, offsets)...)
	return rows(t, all), true
}
