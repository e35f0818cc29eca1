package postgrescdc

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pglogrepl"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/connectless/connectless/core/connect"
	"github.com/connectless/connectless/core/connect/connecttest"
	"github.com/connectless/connectless/infra/devstack"
)

// The connector offers the engine's optional live checks.
var _ connect.Preflighter = (*Connector)(nil)

// check runs what validation runs: the ConfigDef, Validate, then, when they found nothing,
// Preflight with a short deadline. It returns every error as "key: message" and Preflight's
// duration.
func check(t *testing.T, props map[string]string) ([]string, time.Duration) {
	t.Helper()
	c := &Connector{}
	infos := connect.ValidateAll(Class, props, c.Config())
	if err := c.Validate(t.Context(), props, &infos); err != nil {
		t.Fatal(err)
	}
	var took time.Duration
	if infos.ErrorCount == 0 {
		ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
		defer cancel()
		start := time.Now()
		if err := c.Preflight(ctx, props, &infos); err != nil {
			t.Fatalf("Preflight: %v", err)
		}
		took = time.Since(start)
	}
	var out []string
	for _, ci := range infos.Configs {
		if ci.Value != nil {
			for _, e := range ci.Value.Errors {
				out = append(out, ci.Value.Name+": "+e)
			}
		}
	}
	return out, took
}

// findOn returns the first error on key that holds want, or "".
func findOn(errs []string, key, want string) string {
	for _, e := range errs {
		if strings.HasPrefix(e, key+": ") && strings.Contains(e, want) {
			return e
		}
	}
	return ""
}

// startErr starts a task as the runtime does with preflight off and returns its error.
func startErr(t *testing.T, props map[string]string) error {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	task := &Task{}
	err := task.Start(ctx, props, connecttest.SourceContext{Reader: connecttest.NewOffsets()})
	task.Stop()
	return err
}

// ensureRole creates a login role (password = its name) with the given attributes, once.
func ensureRole(t *testing.T, e *pgEnv, name, attrs string) {
	t.Helper()
	e.exec(t, fmt.Sprintf(`DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '%s') THEN
		CREATE ROLE %s LOGIN PASSWORD '%s' %s; END IF; END $$`, name, name, name, attrs))
}

// secret is a wrong password no message may show.
const secret = "Wr0ng-S3cret"

// TestIntegrationPreflight checks each first-run problem of a fresh setup on a logical
// server: Preflight reports it on the key to change, without the password; with preflight
// off, the task's start fails with the same line.
func TestIntegrationPreflight(t *testing.T) {
	e := newPgEnv(t, "preflight")
	e.exec(t, "CREATE TABLE preflight.orders (id INT PRIMARY KEY, note TEXT)")
	ensureRole(t, e, "pf_norepl", "")
	ensureRole(t, e, "pf_repl", "REPLICATION")
	e.exec(t, "GRANT USAGE ON SCHEMA preflight TO pf_norepl, pf_repl", "GRANT SELECT ON preflight.orders TO pf_norepl, pf_repl")

	errs, took := check(t, e.props("pf"))
	if len(errs) > 0 {
		t.Fatalf("happy path: %v", errs)
	}
	t.Logf("happy path preflight: %v", took)

	for _, tc := range []struct {
		name  string
		kv    []string
		key   string
		want  string
		start bool // also check that a task started anyway fails with the same line
	}{
		{"wrong password", []string{PasswordConfig, secret}, PasswordConfig, "set the right database.password", true},
		{"unknown user", []string{UserConfig, "nobody_here", PasswordConfig, secret}, PasswordConfig, `user "nobody_here"`, false},
		{"unknown database", []string{DBNameConfig, "no_such_db"}, DBNameConfig, `database "no_such_db" does not exist`, true},
		{"closed port", []string{PortConfig, "1"}, PortConfig, "connection refused", false},
		{"unknown host", []string{HostnameConfig, "no-such-host.invalid"}, HostnameConfig, "no-such-host.invalid", false},
		{"no replication permission", []string{UserConfig, "pf_norepl", PasswordConfig, "pf_norepl"}, UserConfig, `ALTER ROLE "pf_norepl" WITH REPLICATION`, true},
		{"publication missing, autocreate disabled", []string{PublicationAutocreateConfig, AutocreateDisabled}, PublicationNameConfig, "does not exist and publication.autocreate.mode=disabled", true},
		{"all_tables without superuser", []string{UserConfig, "pf_repl", PasswordConfig, "pf_repl", PublicationAutocreateConfig, AutocreateAllTables},
			PublicationAutocreateConfig, "needs a superuser", true},
		{"filtered without CREATE on the database", []string{UserConfig, "pf_repl", PasswordConfig, "pf_repl"}, UserConfig, "GRANT CREATE ON DATABASE", true},
		{"include list matches nothing", []string{TableIncludeConfig, `preflight\.order`}, TableIncludeConfig, `matches the pattern preflight\.order `, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			props := e.props("pf", tc.kv...)
			errs, _ := check(t, props)
			got := findOn(errs, tc.key, tc.want)
			if got == "" {
				t.Fatalf("no error on %s holding %q: %v", tc.key, tc.want, errs)
			}
			t.Logf("%s", got)
			for _, e := range errs {
				if strings.Contains(e, secret) || strings.Contains(e, "\n") {
					t.Errorf("%q shows the password or spans lines", e)
				}
			}
			if !tc.start {
				return
			}
			err := startErr(t, props)
			if err == nil || !strings.Contains(err.Error(), got) || strings.Contains(err.Error(), secret) {
				t.Errorf("task start: err = %v, want it to carry %q", err, got)
			}
		})
	}
}

// TestIntegrationPreflightSlot checks the slot findings: another plugin's slot, a slot another
// client reads, and none when the client reading it is this connector's own task.
func TestIntegrationPreflightSlot(t *testing.T) {
	e := newPgEnv(t, "preflight_slot")
	e.exec(t, "CREATE TABLE preflight_slot.t (id INT PRIMARY KEY)", "CREATE PUBLICATION pub_preflight_slot FOR TABLE preflight_slot.t")
	props := e.props("pfs")

	e.exec(t, "SELECT pg_create_logical_replication_slot('"+e.slot+"', 'test_decoding')")
	errs, _ := check(t, props)
	if got := findOn(errs, SlotNameConfig, "uses the test_decoding plugin"); got == "" {
		t.Errorf("test_decoding slot: %v", errs)
	}
	e.exec(t, "SELECT pg_drop_replication_slot('"+e.slot+"')")

	// hold reads the slot on a replication connection named app.
	hold := func(app string) *pgconn.PgConn {
		t.Helper()
		conn, err := pgconn.Connect(t.Context(), e.pg.DSN+"&replication=database&application_name="+url.PathEscape(app))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { conn.Close(context.Background()) })
		if err := pglogrepl.StartReplication(t.Context(), conn, e.slot, 0, pglogrepl.StartReplicationOptions{
			PluginArgs: []string{"proto_version '1'", "publication_names 'pub_preflight_slot'"}}); err != nil {
			t.Fatal(err)
		}
		return conn
	}
	e.exec(t, "SELECT pg_create_logical_replication_slot('"+e.slot+"', 'pgoutput')")
	other := hold("someone-else")
	errs, _ = check(t, props)
	got := findOn(errs, SlotNameConfig, `application "someone-else"`)
	if got == "" {
		t.Fatalf("slot read by another client: %v", errs)
	}
	t.Log(got)
	other.Close(t.Context())
	waitActive(t, e, false)

	// The connector's own task reading the slot is no finding.
	own := e.props("pfs", SnapshotModeConfig, SnapshotNoData)
	task := &Task{idle: 100 * time.Millisecond}
	if err := task.Start(t.Context(), own, connecttest.SourceContext{Reader: connecttest.NewOffsets()}); err != nil {
		t.Fatal(err)
	}
	defer task.Stop()
	if _, err := task.Poll(t.Context()); err != nil {
		t.Fatal(err)
	}
	waitActive(t, e, true)
	if errs, _ := check(t, own); len(errs) > 0 {
		t.Errorf("slot read by the connector's own task: %v", errs)
	}
}

// waitActive waits until the test's slot is read (active) or not.
func waitActive(t *testing.T, e *pgEnv, want bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		var active bool
		if err := e.conn.QueryRow(t.Context(), "SELECT active FROM pg_replication_slots WHERE slot_name = $1", e.slot).Scan(&active); err != nil {
			t.Fatal(err)
		}
		if active == want {
			return
		}
	}
	t.Fatalf("slot active is not %v", want)
}

// TestIntegrationPreflightWalLevel checks a server running with wal_level=replica, the
// PostgreSQL default: Preflight says so and names the setting; a task started anyway fails
// with the same line rather than the server's "logical decoding requires wal_level >= logical".
func TestIntegrationPreflightWalLevel(t *testing.T) {
	ctx, cancel := context.WithTimeout(t.Context(), 90*time.Second)
	defer cancel()
	pg, err := devstack.StartPostgres(ctx)
	if err != nil {
		skipOrFail(t, "postgres", err)
	}
	t.Cleanup(func() { pg.Close() })
	e := &pgEnv{pg: pg, schema: "public", slot: "pf_replica"}
	props := e.props("pfr", TableIncludeConfig, "", PublicationAutocreateConfig, AutocreateAllTables)
	errs, _ := check(t, props)
	got := findOn(errs, HostnameConfig, "runs with wal_level=replica")
	if got == "" || len(errs) != 1 {
		t.Fatalf("want one error on %s about wal_level, got %v", HostnameConfig, errs)
	}
	t.Log(got)
	if err := startErr(t, props); err == nil || !strings.Contains(err.Error(), got) {
		t.Errorf("task start: err = %v, want it to carry %q", err, got)
	}
}

// TestPreflightChecksNamed checks that the listed checks name the connector's keys.
func TestPreflightChecksNamed(t *testing.T) {
	checks := (&Connector{}).PreflightChecks()
	named := 0
	for _, c := range checks {
		for _, k := range ConfigDef().Names() {
			if strings.Contains(c, k) {
				named++
				break
			}
		}
	}
	if len(checks) < 5 || named < len(checks)-1 { // the wal_level check names a server setting
		t.Errorf("%d checks, %d naming a key: %q", len(checks), named, checks)
	}
}
