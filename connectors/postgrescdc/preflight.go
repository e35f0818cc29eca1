package postgrescdc

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/connectless/connectless/core/connect"
)

// diagnoseTimeout bounds the checks a failed task start runs to explain its failure.
const diagnoseTimeout = 5 * time.Second

// finding is one problem of a configuration: the key to change and one line naming the fix.
type finding struct {
	key, msg string
	// slotBusy marks "the slot is active": at task start that is a previous invocation
	// still letting it go, not a configuration problem.
	slotBusy bool
}

// PreflightChecks lists what Preflight checks.
func (c *Connector) PreflightChecks() []string {
	return []string{
		"Connects to database.hostname:database.port and database.dbname as database.user with database.password; " +
			"each refusal is reported on the key to fix.",
		"The server runs with wal_level=logical (reported on database.hostname, with the setting to change).",
		"database.user may replicate: it has the REPLICATION attribute, is a superuser or is a member of rds_replication.",
		"The publication (publication.name) exists, or publication.autocreate.mode can create it: all_tables needs a superuser, " +
			"filtered needs CREATE on the database, ownership of the captured tables and at least one table to publish; disabled needs it to exist.",
		"The replication slot (slot.name) uses pgoutput in database.dbname and no other client reads it, " +
			"or it can be created (a free slot under max_replication_slots).",
		"Each pattern of table.include.list matches a table, and database.user may read the captured tables for the snapshot.",
	}
}

// Preflight connects to the server and checks what logical replication needs, each problem
// on the key to change (see PreflightChecks).
func (c *Connector) Preflight(ctx context.Context, props map[string]string, results *connect.ConfigInfos) error {
	cfg, err := parseConfig(props)
	if err != nil {
		return nil // Validate reports configuration errors
	}
	findings, err := preflight(ctx, &cfg)
	for _, f := range findings {
		results.AddError(f.key, f.msg)
	}
	return err
}

// diagnosedError is a failure of a task's start explained by the configuration's findings.
// It keeps the driver's error for errors.Is/As, so retriable failures stay retriable.
type diagnosedError struct {
	msg string
	err error
}

func (e *diagnosedError) Error() string { return e.msg }
func (e *diagnosedError) Unwrap() error { return e.err }

// explainStart turns a task start's failure into one line naming the keys to change, when the
// preflight checks find what is wrong; otherwise it returns err as it is.
func explainStart(ctx context.Context, cfg *config, err error) error {
	if ctx.Err() != nil || errors.Is(err, context.Canceled) {
		return err
	}
	dctx, cancel := context.WithTimeout(ctx, diagnoseTimeout)
	defer cancel()
	findings, _ := preflight(dctx, cfg)
	var lines []string
	for _, f := range findings {
		if !f.slotBusy {
			lines = append(lines, f.key+": "+f.msg)
		}
	}
	if len(lines) == 0 {
		return err
	}
	return &diagnosedError{msg: strings.Join(lines, "; "), err: err}
}

// replicationAppName is the application_name of a task's replication connection: it tells
// the connector's own use of its slot from another client's. It is cut to the 63 bytes the
// server keeps (topic prefixes are ASCII).
func replicationAppName(cfg *config) string {
	name := "connectless " + cfg.prefix
	return name[:min(len(name), 63)]
}

// preflight runs the checks on one plain connection. The error is for a check that could not
// run; findings found before it are returned with it.
func preflight(ctx context.Context, cfg *config) ([]finding, error) {
	conn, err := connectPlain(ctx, cfg)
	if err != nil {
		return []finding{diagnoseConnect(cfg, err)}, nil
	}
	defer conn.Close(context.Background())
	var out []finding
	add := func(key, format string, args ...any) {
		out = append(out, finding{key: key, msg: fmt.Sprintf(format, args...)})
	}
	where := fmt.Sprintf("%s:%d", cfg.host, cfg.port)

	var walLevel string
	var super, replication, rds, canCreate bool
	var maxSlots, usedSlots int
	err = conn.QueryRow(ctx, `SELECT current_setting('wal_level'), r.rolsuper, r.rolreplication,
		EXISTS (SELECT 1 FROM pg_roles g WHERE g.rolname = 'rds_replication' AND pg_has_role(current_user, g.oid, 'MEMBER')),
		has_database_privilege(current_database(), 'CREATE'),
		current_setting('max_replication_slots')::int, (SELECT count(*) FROM pg_replication_slots)
		FROM pg_roles r WHERE r.rolname = current_user`).Scan(&walLevel, &super, &replication, &rds, &canCreate, &maxSlots, &usedSlots)
	if err != nil {
		return out, fmt.Errorf("postgres cdc preflight: read server settings: %w", err)
	}
	if walLevel != "logical" {
		add(HostnameConfig, "the server at %s runs with wal_level=%s, and logical decoding needs wal_level=logical: "+
			"set wal_level = logical in postgresql.conf (or ALTER SYSTEM SET wal_level = logical; on RDS rds.logical_replication = 1) and restart the server",
			where, walLevel)
	}
	mayReplicate := super || replication || rds
	if !mayReplicate {
		add(UserConfig, "user %q may not replicate: run ALTER ROLE %s WITH REPLICATION (on RDS: GRANT rds_replication TO %s), "+
			"or set database.user to a user that may", cfg.user, quoteIdent(cfg.user), quoteIdent(cfg.user))
	}

	tables, err := listTables(ctx, conn)
	if err != nil {
		return out, err
	}
	var captured []tableRight
	for _, t := range tables {
		if cfg.tableWanted(t.schema, t.name) {
			captured = append(captured, t)
		}
	}
	for _, re := range cfg.tableInclude {
		matched := false
		for _, t := range tables {
			matched = matched || re.MatchString(t.schema+"."+t.name)
		}
		if !matched {
			add(TableIncludeConfig, "no table of database %q matches the pattern %s (patterns match whole schema.table names, e.g. public\\.orders)",
				cfg.dbname, strings.TrimSuffix(strings.TrimPrefix(re.String(), "^(?:"), ")$"))
		}
	}
	if cfg.snapshotMode != SnapshotNoData {
		if bad := namesWhere(captured, func(t tableRight) bool { return !t.canSelect }); bad != "" {
			add(UserConfig, "user %q may not read %s, which the snapshot reads: GRANT SELECT on them to %s, or narrow table.include.list",
				cfg.user, bad, quoteIdent(cfg.user))
		}
	}

	var allTables bool
	err = conn.QueryRow(ctx, `SELECT puballtables FROM pg_publication WHERE pubname = $1`, cfg.publication).Scan(&allTables)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		checkNewPublication(cfg, super, canCreate, captured, add)
	case err != nil:
		return out, fmt.Errorf("postgres cdc preflight: read publication: %w", err)
	}

	var plugin, database, app string
	var active bool
	var pid *int32
	err = conn.QueryRow(ctx, `SELECT s.plugin, coalesce(s.database, ''), s.active, s.active_pid, coalesce(a.application_name, '')
		FROM pg_replication_slots s LEFT JOIN pg_stat_activity a ON a.pid = s.active_pid WHERE s.slot_name = $1`, cfg.slot).
		Scan(&plugin, &database, &active, &pid, &app)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		if usedSlots >= maxSlots {
			add(SlotNameConfig, "slot %q does not exist and the server has no free slot (%d of max_replication_slots=%d in use): "+
				"drop an unused slot (pg_drop_replication_slot) or raise max_replication_slots", cfg.slot, usedSlots, maxSlots)
		}
	case err != nil:
		return out, fmt.Errorf("postgres cdc preflight: read slot: %w", err)
	case plugin != "pgoutput":
		add(SlotNameConfig, "slot %q uses the %s plugin, not pgoutput: set slot.name to another slot, or drop this one", cfg.slot, plugin)
	case database != cfg.dbname:
		add(SlotNameConfig, "slot %q belongs to database %q, not %q: set slot.name to another slot", cfg.slot, database, cfg.dbname)
	case active && app != replicationAppName(cfg):
		client := "another client"
		if pid != nil {
			client = fmt.Sprintf("another client (pid %d", *pid)
			if app != "" {
				client += fmt.Sprintf(", application %q", app)
			}
			client += ")"
		}
		out = append(out, finding{key: SlotNameConfig, slotBusy: true, msg: fmt.Sprintf(
			"slot %q is in use by %s: stop that client, or set slot.name to a slot of this connector's own", cfg.slot, client)})
	}
	return out, nil
}

// checkNewPublication checks that publication.autocreate.mode can create the missing publication.
func checkNewPublication(cfg *config, super, canCreate bool, captured []tableRight, add func(key, format string, args ...any)) {
	switch cfg.autocreate {
	case AutocreateDisabled:
		add(PublicationNameConfig, "publication %q does not exist and publication.autocreate.mode=disabled: create it "+
			"(CREATE PUBLICATION %s FOR TABLE …), fix publication.name, or set publication.autocreate.mode=filtered",
			cfg.publication, quoteIdent(cfg.publication))
	case AutocreateAllTables:
		if !super {
			add(PublicationAutocreateConfig, "publication %q does not exist, and creating it FOR ALL TABLES needs a superuser, which %q is not: "+
				"set publication.autocreate.mode=filtered, or create the publication", cfg.publication, cfg.user)
		}
	case AutocreateFiltered:
		switch {
		case len(captured) == 0:
			add(TableIncludeConfig, "publication %q does not exist and no table of database %q matches the include/exclude lists: "+
				"publication.autocreate.mode=filtered has nothing to publish", cfg.publication, cfg.dbname)
		case !super && !canCreate:
			add(UserConfig, "user %q may not create publication %q: GRANT CREATE ON DATABASE %s TO %s, or create the publication",
				cfg.user, cfg.publication, quoteIdent(cfg.dbname), quoteIdent(cfg.user))
		case !super:
			if bad := namesWhere(captured, func(t tableRight) bool { return !t.owned }); bad != "" {
				add(UserConfig, "user %q does not own %s, and a publication FOR TABLE needs the owner: create publication %q as their owner, "+
					"or set database.user to it", cfg.user, bad, cfg.publication)
			}
		}
	}
}

// tableRight is a table with what the connection's user may do with it.
type tableRight struct {
	schema, name     string
	owned, canSelect bool
}

// listTables lists the tables capturedTables considers, with the user's rights.
func listTables(ctx context.Context, conn *pgx.Conn) ([]tableRight, error) {
	rows, err := conn.Query(ctx, `SELECT n.nspname, r.relname, pg_has_role(r.relowner, 'USAGE'), has_table_privilege(r.oid, 'SELECT')
		FROM pg_class r JOIN pg_namespace n ON n.oid = r.relnamespace
		WHERE r.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'
		AND n.nspname NOT LIKE 'pg_temp%' ORDER BY n.nspname, r.relname`)
	if err != nil {
		return nil, fmt.Errorf("postgres cdc preflight: list tables: %w", err)
	}
	defer rows.Close()
	var out []tableRight
	for rows.Next() {
		var t tableRight
		if err := rows.Scan(&t.schema, &t.name, &t.owned, &t.canSelect); err != nil {
			return nil, fmt.Errorf("postgres cdc preflight: list tables: %w", err)
		}
		out = append(out, t)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("postgres cdc preflight: list tables: %w", err)
	}
	return out, nil
}

// namesWhere names the tables for which bad holds, at most three and a count.
func namesWhere(tables []tableRight, bad func(tableRight) bool) string {
	var names []string
	n := 0
	for _, t := range tables {
		if bad(t) {
			if n++; n <= 3 {
				names = append(names, t.schema+"."+t.name)
			}
		}
	}
	if n > 3 {
		names = append(names, fmt.Sprintf("and %d more", n-3))
	}
	return strings.Join(names, ", ")
}

// diagnoseConnect turns a failed connection into a finding on the key to change. Messages
// name the user, host and database, never the password.
func diagnoseConnect(cfg *config, err error) finding {
	where := fmt.Sprintf("%s:%d", cfg.host, cfg.port)
	var pe *pgconn.PgError
	var dns *net.DNSError
	var ne net.Error
	switch {
	case errors.As(err, &pe) && pe.Code == "28P01": // invalid_password (also an unknown user)
		return finding{key: PasswordConfig, msg: fmt.Sprintf("password authentication failed for user %q at %s (SQLSTATE %s): set the right database.password, or fix database.user", cfg.user, where, pe.Code)}
	case errors.As(err, &pe) && pe.Code == "28000": // no such role, no pg_hba.conf entry
		return finding{key: UserConfig, msg: fmt.Sprintf("the server at %s refused user %q: %s (SQLSTATE %s); fix database.user or the server's pg_hba.conf", where, cfg.user, pe.Message, pe.Code)}
	case errors.As(err, &pe) && pe.Code == "42501": // no CONNECT right
		return finding{key: UserConfig, msg: fmt.Sprintf("user %q may not connect to database %q: GRANT CONNECT ON DATABASE %s TO %s, or fix database.user",
			cfg.user, cfg.dbname, quoteIdent(cfg.dbname), quoteIdent(cfg.user))}
	case errors.As(err, &pe) && pe.Code == "3D000": // invalid_catalog_name
		return finding{key: DBNameConfig, msg: fmt.Sprintf("database %q does not exist on %s (SQLSTATE %s): fix database.dbname", cfg.dbname, where, pe.Code)}
	case errors.As(err, &dns):
		return finding{key: HostnameConfig, msg: fmt.Sprintf("host %q is not known (DNS): fix database.hostname", dns.Name)}
	case errors.Is(err, syscall.ECONNREFUSED):
		return finding{key: PortConfig, msg: fmt.Sprintf("nothing listens on %s (connection refused): fix database.hostname and database.port, or start the server", where)}
	case errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout()):
		return finding{key: HostnameConfig, msg: fmt.Sprintf("%s did not answer in time: check database.hostname, database.port and that a firewall lets the connection through", where)}
	}
	return finding{key: HostnameConfig, msg: fmt.Sprintf("cannot connect to %s: %s", where, strings.Join(strings.Fields(err.Error()), " "))}
}
