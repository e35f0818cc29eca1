package sqldb

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/connectless/connectless/core/connect"
	"github.com/connectless/connectless/core/connect/connecttest"
)

// The connectors offer the engine's optional live checks.
var (
	_ connect.Preflighter = (*SourceConnector)(nil)
	_ connect.Preflighter = (*SinkConnector)(nil)
)

// preflightConnector is a connector with the checks the engine runs on a configuration.
type preflightConnector interface {
	connect.Connector
	connect.Validator
	connect.Preflighter
}

// checkConfig runs what validation runs: the ConfigDef, Validate, then, when they found
// nothing, Preflight with a short deadline. It returns the results and Preflight's duration.
func checkConfig(t *testing.T, c preflightConnector, class string, props map[string]string) (connect.ConfigInfos, time.Duration) {
	t.Helper()
	infos := connect.ValidateAll(class, props, c.Config())
	if err := c.Validate(t.Context(), props, &infos); err != nil {
		t.Fatal(err)
	}
	if infos.ErrorCount > 0 {
		return infos, 0
	}
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	start := time.Now()
	if err := c.Preflight(ctx, props, &infos); err != nil {
		t.Fatalf("Preflight: %v", err)
	}
	return infos, time.Since(start)
}

// allErrors lists every error of infos as "key: message".
func allErrors(infos connect.ConfigInfos) []string {
	var out []string
	for _, ci := range infos.Configs {
		if ci.Value != nil {
			for _, e := range ci.Value.Errors {
				out = append(out, ci.Value.Name+": "+e)
			}
		}
	}
	return out
}

// secret is a wrong password no message may show.
const secret = "Wr0ng-S3cret"

// connectionCases are the first-run connection failures of a fresh setup: each is reported
// on the key to change, with a message holding want.
func connectionCases(db testDB) []struct {
	name string
	kv   []string
	key  string
	want string
} {
	port := fmt.Sprint(portOf(db))
	return []struct {
		name string
		kv   []string
		key  string
		want string
	}{
		{"wrong password", []string{ConnectionPasswordConfig, secret}, ConnectionPasswordConfig, "set the right connection.password"},
		{"unknown user", []string{ConnectionUserConfig, "nobody_here", ConnectionPasswordConfig, secret}, ConnectionPasswordConfig, `user "nobody_here"`},
		{"user without access", []string{ConnectionURLConfig, strings.Replace(db.jdbc, "/connectless", "/"+privateDB, 1),
			ConnectionUserConfig, limitedUser, ConnectionPasswordConfig, limitedUser}, ConnectionUserConfig, limitedUser},
		{"closed port", []string{ConnectionURLConfig, strings.Replace(db.jdbc, ":"+port+"/", ":1/", 1)}, ConnectionURLConfig, "connection refused"},
		{"unknown host", []string{ConnectionURLConfig, strings.Replace(db.jdbc, "127.0.0.1", "no-such-host.invalid", 1)}, ConnectionURLConfig, "no-such-host.invalid"},
		{"unknown database", []string{ConnectionURLConfig, strings.Replace(db.jdbc, "/connectless", "/no_such_db", 1)}, ConnectionURLConfig, `database "no_such_db" does not exist`},
		{"password in the URL", []string{ConnectionURLConfig, passwordURL(db, secret), ConnectionUserConfig, "", ConnectionPasswordConfig, ""},
			ConnectionURLConfig, "fix the password in connection.url"},
	}
}

// Names of a user that may log in but has no access to privateDB.
const (
	limitedUser = "preflight_limited"
	privateDB   = "preflight_private"
)

// ensureLimitedUser creates limitedUser (password = its name) without access to privateDB.
func ensureLimitedUser(t *testing.T, db testDB) {
	t.Helper()
	if db.kind == postgres {
		var n int
		if err := db.raw.QueryRowContext(t.Context(), "SELECT count(*) FROM pg_roles WHERE rolname = $1", limitedUser).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			db.exec(t, "CREATE ROLE "+limitedUser+" LOGIN PASSWORD '"+limitedUser+"'", "CREATE DATABASE "+privateDB,
				"REVOKE CONNECT ON DATABASE "+privateDB+" FROM PUBLIC")
		}
		return
	}
	db.exec(t, "CREATE DATABASE IF NOT EXISTS "+privateDB,
		"CREATE USER IF NOT EXISTS '"+limitedUser+"'@'%' IDENTIFIED BY '"+limitedUser+"'")
}

// passwordURL is the database's URL with user and password in it.
func passwordURL(db testDB, password string) string {
	if db.kind == postgres {
		return fmt.Sprintf("postgres://connectless:%s@127.0.0.1:%d/connectless?sslmode=disable", password, portOf(db))
	}
	return fmt.Sprintf("connectless:%s@tcp(127.0.0.1:%d)/connectless", password, portOf(db))
}

// TestIntegrationPreflightConnection checks each connection failure of a fresh setup on both
// connectors: Preflight reports it on the key to change without showing the password, and a
// task started anyway (preflight off) fails with the same line.
func TestIntegrationPreflightConnection(t *testing.T) {
	forEachDB(t, func(t *testing.T, db testDB) {
		ensureLimitedUser(t, db)
		table := tableName(t)
		db.recreate(t, table, "id INT PRIMARY KEY, name VARCHAR(8) NOT NULL")
		connectors := []struct {
			name  string
			class string
			new   func() preflightConnector
			props func(kv ...string) map[string]string
			start func(c preflightConnector, props map[string]string) error
		}{
			{"source", SourceClass, func() preflightConnector { return &SourceConnector{} },
				func(kv ...string) map[string]string {
					return withProps(sourceProps(db, map[string]string{ModeConfig: ModeIncrementing, IncrementingColumnConfig: "id", TableWhitelistConfig: table}), kv...)
				},
				func(c preflightConnector, props map[string]string) error {
					task := &SourceTask{}
					defer task.Stop()
					return task.Start(t.Context(), withProps(props, TablesConfig, table), connecttest.SourceContext{Reader: connecttest.NewOffsets()})
				}},
			{"sink", SinkClass, func() preflightConnector { return &SinkConnector{} },
				func(kv ...string) map[string]string {
					return withProps(sinkProps(db, map[string]string{"topics": table}), kv...)
				},
				func(c preflightConnector, props map[string]string) error {
					task := &SinkTask{}
					defer task.Stop()
					return task.Start(t.Context(), props, &connecttest.SinkContext{})
				}},
		}
		for _, conn := range connectors {
			t.Run(conn.name, func(t *testing.T) {
				infos, took := checkConfig(t, conn.new(), conn.class, conn.props())
				if errs := allErrors(infos); len(errs) > 0 {
					t.Fatalf("happy path: %v", errs)
				}
				t.Logf("happy path preflight: %v", took)
				for _, tc := range connectionCases(db) {
					t.Run(tc.name, func(t *testing.T) {
						props := conn.props(tc.kv...)
						infos, _ := checkConfig(t, conn.new(), conn.class, props)
						errs := errorsOf(infos, tc.key)
						if len(errs) != 1 || infos.ErrorCount != 1 {
							t.Fatalf("want one error on %s, got %v", tc.key, allErrors(infos))
						}
						msg := errs[0]
						t.Logf("%s: %s", tc.key, msg)
						if !strings.Contains(msg, tc.want) {
							t.Errorf("message %q does not hold %q", msg, tc.want)
						}
						if strings.Contains(msg, secret) || strings.Contains(msg, "\n") {
							t.Errorf("message %q shows the password or spans lines", msg)
						}
						err := conn.start(conn.new(), props)
						if !errors.Is(err, ErrConnect) {
							t.Fatalf("task start: err = %v, want ErrConnect", err)
						}
						if !strings.Contains(err.Error(), tc.key+": "+msg) || strings.Contains(err.Error(), secret) {
							t.Errorf("task start error %q does not carry %q (or shows the password)", err, tc.key+": "+msg)
						}
					})
				}
			})
		}
	})
}

// withProps returns props with the key/value pairs set ("" values delete).
func withProps(props map[string]string, kv ...string) map[string]string {
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] == "" {
			delete(props, kv[i])
			continue
		}
		props[kv[i]] = kv[i+1]
	}
	return props
}

// TestIntegrationPreflightSource checks the source's table and column findings, each on the
// key that names the table or column, and that a task started anyway fails with the same line.
func TestIntegrationPreflightSource(t *testing.T) {
	forEachDB(t, func(t *testing.T, db testDB) {
		table := tableName(t)
		db.recreate(t, table, "id INT PRIMARY KEY, name VARCHAR(8) NOT NULL, at "+db.ts+" NOT NULL")
		base := map[string]string{ModeConfig: ModeTimestampIncrementing, IncrementingColumnConfig: "id", TimestampColumnConfig: "at"}
		for _, tc := range []struct {
			name string
			kv   []string
			key  string // "" for none
			want string
		}{
			{"happy path with table.whitelist", []string{TableWhitelistConfig, table}, "", ""},
			{"happy path with table.include.list", []string{TableIncludeListConfig, table}, "", ""},
			{"happy path with query", []string{QueryConfig, "SELECT id, name, at FROM " + db.q(table)}, "", ""},
			{"missing table in table.whitelist", []string{TableWhitelistConfig, table + ",no_such_table"}, TableWhitelistConfig, `table "no_such_table" does not exist`},
			{"missing table in table.include.list", []string{TableIncludeListConfig, "no_such_table"}, TableIncludeListConfig, `table "no_such_table" does not exist`},
			{"missing incrementing column", []string{TableWhitelistConfig, table, IncrementingColumnConfig, "nope"}, IncrementingColumnConfig, "fix incrementing.column.name"},
			{"missing timestamp column", []string{TableWhitelistConfig, table, TimestampColumnConfig, "updated"}, TimestampColumnConfig, "fix timestamp.column.name"},
			{"query without the incrementing column", []string{QueryConfig, "SELECT name, at FROM " + db.q(table)}, QueryConfig, "source query refused"},
			{"query on a missing table", []string{QueryConfig, "SELECT * FROM no_such_table"}, QueryConfig, "no_such_table"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				props := withProps(sourceProps(db, base), tc.kv...)
				infos, took := checkConfig(t, &SourceConnector{}, SourceClass, props)
				errs := allErrors(infos)
				if tc.key == "" {
					if len(errs) > 0 {
						t.Fatalf("happy path: %v", errs)
					}
					t.Logf("preflight: %v", took)
					return
				}
				got := errorsOf(infos, tc.key)
				if len(got) != 1 || len(errs) != 1 || !strings.Contains(got[0], tc.want) {
					t.Fatalf("want one error on %s holding %q, got %v", tc.key, tc.want, errs)
				}
				t.Logf("%s: %s", tc.key, got[0])
				// With preflight off the connector or the task fails at start, on the same line.
				c := &SourceConnector{}
				err := c.Start(t.Context(), props)
				if err == nil {
					cfgs, _ := c.TaskConfigs(1)
					task := &SourceTask{}
					if err = task.Start(t.Context(), cfgs[0], connecttest.SourceContext{Reader: connecttest.NewOffsets()}); err == nil {
						_, err = task.Poll(t.Context())
					}
					task.Stop()
				}
				if err == nil || !strings.Contains(err.Error(), got[0]) {
					t.Errorf("first run: err = %v, want it to carry %q", err, got[0])
				}
			})
		}
	})
}

// TestIntegrationPreflightSink checks the sink's table and column findings: a missing table
// on auto.create, a missing named column on auto.evolve, nothing when they are on.
func TestIntegrationPreflightSink(t *testing.T) {
	forEachDB(t, func(t *testing.T, db testDB) {
		table := tableName(t)
		db.recreate(t, table, "id INT PRIMARY KEY, name VARCHAR(16) NOT NULL, amount DECIMAL(10,2), at "+db.ts)
		base := map[string]string{"topics": table, InsertModeConfig: InsertModeUpsert, PKModeConfig: PKModeRecordKey, PKFieldsConfig: "id"}
		for _, tc := range []struct {
			name string
			kv   []string
			key  string // "" for none
			want string
		}{
			{"happy path", nil, "", ""},
			{"missing table", []string{TableNameFormatConfig, "no_such_${topic}"}, AutoCreateConfig, "set auto.create=true"},
			{"missing table with auto.create", []string{TableNameFormatConfig, "no_such_${topic}", AutoCreateConfig, "true"}, "", ""},
			{"missing pk column", []string{PKFieldsConfig, "order_id"}, AutoEvolveConfig, `no column "order_id" (named by pk.fields): set auto.evolve=true`},
			{"missing kafka pk columns", []string{InsertModeConfig, InsertModeInsert, PKModeConfig, PKModeKafka, PKFieldsConfig, ""}, AutoEvolveConfig, DefaultKafkaTopicPK},
			{"missing whitelisted column", []string{FieldsWhitelistConfig, "name,note"}, AutoEvolveConfig, `no column "note" (named by fields.whitelist)`},
			{"missing column with auto.evolve", []string{FieldsWhitelistConfig, "name,note", AutoEvolveConfig, "true"}, "", ""},
		} {
			t.Run(tc.name, func(t *testing.T) {
				props := withProps(sinkProps(db, base), tc.kv...)
				infos, took := checkConfig(t, &SinkConnector{}, SinkClass, props)
				errs := allErrors(infos)
				if tc.key == "" {
					if len(errs) > 0 {
						t.Fatalf("happy path: %v", errs)
					}
					t.Logf("preflight: %v", took)
					return
				}
				got := errorsOf(infos, tc.key)
				if len(got) == 0 || !strings.Contains(strings.Join(got, "\n"), tc.want) || len(got) != len(errs) {
					t.Fatalf("want errors on %s holding %q, got %v", tc.key, tc.want, errs)
				}
				t.Logf("%s: %s", tc.key, got[0])
			})
		}
		// With preflight off, the first Put into a missing table fails naming auto.create.
		task, _ := startSinkTask(t, sinkProps(db, map[string]string{TableNameFormatConfig: "no_such_${topic}"}))
		err := putFlush(t, task, []connect.SinkRecord{order("o", 0, 1, "a")})
		if !errors.Is(err, ErrNoTable) || !strings.Contains(err.Error(), "set auto.create=true") || strings.Contains(err.Error(), "connectless@") {
			t.Errorf("first Put: err = %v, want ErrNoTable naming auto.create", err)
		}
	})
}

// TestPreflightChecksNamed checks that each listed check names at least one config key of
// its connector, so the reference page says what to change.
func TestPreflightChecksNamed(t *testing.T) {
	for _, c := range []preflightConnector{&SourceConnector{}, &SinkConnector{}} {
		checks := c.PreflightChecks()
		if len(checks) == 0 {
			t.Fatalf("%T lists no checks", c)
		}
		for _, check := range checks {
			named := false
			for _, k := range c.Config().Names() {
				named = named || strings.Contains(check, k)
			}
			if !named {
				t.Errorf("%T: check %q names no config key", c, check)
			}
		}
	}
}

// TestValidateStaysOffline checks that Validate, which runs with preflight off too, reports an
// unsupported connection.url without connecting and leaves an unreachable database to
// Preflight.
func TestValidateStaysOffline(t *testing.T) {
	for _, c := range []struct {
		class string
		conn  preflightConnector
		props map[string]string
	}{
		{SourceClass, &SourceConnector{}, map[string]string{ModeConfig: ModeBulk, TopicPrefixConfig: "db-"}},
		{SinkClass, &SinkConnector{}, map[string]string{"topics": "orders"}},
	} {
		for url, wantErr := range map[string]bool{
			"jdbc:oracle:thin:@host:1521:db":       true,
			"jdbc:postgresql://127.0.0.1:1/db":     false,
			"user:pw@tcp(no-such-host.invalid)/db": false,
		} {
			props := withProps(c.props, ConnectionURLConfig, url)
			infos := connect.ValidateAll(c.class, props, c.conn.Config())
			if err := c.conn.Validate(t.Context(), props, &infos); err != nil {
				t.Fatal(err)
			}
			errs := errorsOf(infos, ConnectionURLConfig)
			if (len(errs) > 0) != wantErr || (wantErr && !strings.Contains(errs[0], ErrURL.Error())) || strings.Contains(strings.Join(errs, " "), "pw@") {
				t.Errorf("%s %s: errors %v, want error: %v", c.class, url, errs, wantErr)
			}
		}
	}
}
