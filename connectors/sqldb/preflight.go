package sqldb

import (
	"context"
	"errors"
	"fmt"
	"net"
	"slices"
	"strings"
	"syscall"

	"github.com/go-sql-driver/mysql"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/connectless/connectless/core/connect"
)

// connectError is a connection the database refused or that could not be made, with the key
// the user should change and one line that names the fix. It matches ErrConnect and the
// driver's error (errors.Is/As), so retriable outages stay retriable.
type connectError struct {
	key string
	msg string
	err error
}

func (e *connectError) Error() string   { return e.key + ": " + e.msg }
func (e *connectError) Unwrap() []error { return []error{ErrConnect, e.err} }

// diagnoseConnect turns the error of a first connection into a connectError on the key to
// change: refused credentials on connection.password (or connection.url when the password is
// part of it), an unknown user's missing rights on connection.user, an unknown host, port or
// database on connection.url. Messages name the user, host and database, never a password.
func diagnoseConnect(info connInfo, passwordInURL bool, err error) *connectError {
	where := info.redacted
	user, db, addr := info.user(), info.database(), info.addr()
	passwordKey := ConnectionPasswordConfig
	passwordFix := "set the right " + ConnectionPasswordConfig
	if passwordInURL {
		passwordKey, passwordFix = ConnectionURLConfig, "fix the password in "+ConnectionURLConfig+" (or set "+ConnectionPasswordConfig+")"
	}
	ce := &connectError{key: ConnectionURLConfig, err: err}
	var pe *pgconn.PgError
	var me *mysql.MySQLError
	var dns *net.DNSError
	var ne net.Error
	switch {
	case errors.As(err, &pe) && pe.Code == "28P01": // invalid_password (also an unknown user)
		ce.key, ce.msg = passwordKey, fmt.Sprintf("password authentication failed for user %q at %s (SQLSTATE %s): %s, or fix %s", user, where, pe.Code, passwordFix, ConnectionUserConfig)
	case errors.As(err, &pe) && (pe.Code == "28000" || pe.Code == "42501"): // no such role, no pg_hba entry, no CONNECT right
		ce.key, ce.msg = ConnectionUserConfig, fmt.Sprintf("the server refused user %q at %s: %s (SQLSTATE %s); fix %s or the user's rights", user, where, pe.Message, pe.Code, ConnectionUserConfig)
	case errors.As(err, &pe) && pe.Code == "3D000": // invalid_catalog_name
		ce.msg = fmt.Sprintf("database %q does not exist on %s (SQLSTATE %s): fix the database name in %s", db, addr, pe.Code, ConnectionURLConfig)
	case errors.As(err, &me) && me.Number == 1045: // ER_ACCESS_DENIED_ERROR (also an unknown user)
		ce.key, ce.msg = passwordKey, fmt.Sprintf("access denied for user %q at %s (error %d): %s, or fix %s", user, where, me.Number, passwordFix, ConnectionUserConfig)
	case errors.As(err, &me) && me.Number == 1044: // ER_DBACCESS_DENIED_ERROR
		ce.key, ce.msg = ConnectionUserConfig, fmt.Sprintf("user %q has no access to database %q on %s (error %d): grant it or fix %s", user, db, addr, me.Number, ConnectionUserConfig)
	case errors.As(err, &me) && me.Number == 1049: // ER_BAD_DB_ERROR
		ce.msg = fmt.Sprintf("database %q does not exist on %s (error %d): fix the database name in %s", db, addr, me.Number, ConnectionURLConfig)
	case errors.As(err, &dns):
		ce.msg = fmt.Sprintf("host %q of %s is not known (DNS): fix the host in %s", dns.Name, where, ConnectionURLConfig)
	case errors.Is(err, syscall.ECONNREFUSED):
		ce.msg = fmt.Sprintf("nothing listens on %s (connection refused): fix the host and port in %s, or start the database", addr, ConnectionURLConfig)
	case errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout()):
		ce.msg = fmt.Sprintf("%s did not answer in time: check the host and port in %s and that a firewall lets the connection through", addr, ConnectionURLConfig)
	default:
		ce.msg = fmt.Sprintf("cannot connect to %s: %s", where, oneLine(err.Error()))
	}
	return ce
}

// oneLine joins the lines of a driver message.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// user, database and addr describe a parsed connection.url for messages.
func (i connInfo) user() string {
	if i.pg != nil {
		return i.pg.User
	}
	return i.my.User
}

func (i connInfo) database() string {
	if i.pg != nil {
		return i.pg.Database
	}
	return i.my.DBName
}

func (i connInfo) addr() string {
	if i.pg != nil {
		return hostPortString(i.pg.Host, int(i.pg.Port))
	}
	return i.my.Addr
}

// passwordInURL reports whether a password comes from connection.url rather than
// connection.password.
func passwordInURL(raw, password string) bool {
	if password != "" {
		return false
	}
	return redactURL(raw) != raw || strings.Contains(strings.ToLower(raw), "password=")
}

// openChecked opens the database, or reports why it cannot on the key concerned and
// returns nil.
func openChecked(ctx context.Context, url, user, password string, results *connect.ConfigInfos) *conn {
	db, err := open(ctx, url, user, password)
	if err == nil {
		return db
	}
	var ce *connectError
	if errors.As(err, &ce) {
		results.AddError(ce.key, ce.msg)
	} else {
		results.AddError(ConnectionURLConfig, oneLine(err.Error()))
	}
	return nil
}

// connectionCheck is the connection sentence of PreflightChecks, shared by source and sink.
const connectionCheck = "Connects to connection.url as connection.user with connection.password: a wrong password is " +
	"reported on connection.password, a user without access on connection.user, an unknown host, a closed port " +
	"or a missing database on connection.url."

// PreflightChecks lists what the source's Preflight checks.
func (c *SourceConnector) PreflightChecks() []string {
	return []string{
		connectionCheck,
		"Each table named in table.whitelist or table.include.list exists; without a list, the tables of the current schema (table.types) can be listed.",
		"Each table has the incrementing.column.name and timestamp.column.name columns the mode needs, " +
			"non-null unless validate.non.null=false, and only column types that map to a Connect schema.",
		"With query: the database accepts the query and its result holds the mode's columns.",
	}
}

// Preflight connects to the database and checks the tables and columns the configuration
// names, each problem on the key to change.
func (c *SourceConnector) Preflight(ctx context.Context, props map[string]string, results *connect.ConfigInfos) error {
	cfg, err := parseSourceConfig(props)
	if err != nil {
		return nil // Validate reports configuration errors
	}
	db := openChecked(ctx, cfg.url, cfg.user, cfg.password, results)
	if db == nil {
		return nil
	}
	defer db.db.Close()
	if cfg.query != "" {
		q, err := newQuerier(ctx, db, cfg, "")
		if err == nil {
			err = q.probe(ctx)
		}
		if err != nil {
			results.AddError(QueryConfig, oneLine(err.Error()))
		}
		return nil
	}
	tables, err := selectTables(ctx, db, cfg)
	if err != nil {
		key := ConnectionURLConfig
		if errors.Is(err, ErrNoTable) {
			key = listKey(props, cfg.include)
		}
		results.AddError(key, oneLine(err.Error()))
		return nil
	}
	for _, t := range tables {
		q, err := newQuerier(ctx, db, cfg, t)
		if err == nil {
			err = q.probe(ctx)
		}
		if err == nil {
			continue
		}
		if ctx.Err() != nil {
			return fmt.Errorf("jdbc source preflight: %w", ctx.Err())
		}
		key, msg := ModeConfig, oneLine(err.Error())
		switch {
		case errors.Is(err, ErrUnmappable) && len(cfg.include) == 0:
			key, msg = TableBlacklistConfig, msg+": leave the table out with "+TableBlacklistConfig+" ("+TableExcludeListConfig+")"
		case errors.Is(err, ErrUnmappable):
			key = listKey(props, []string{t})
			msg += ": remove the table from " + key
		case errors.Is(err, errIncColumn):
			key = IncrementingColumnConfig
		case errors.Is(err, errTsColumn):
			key = TimestampColumnConfig
		}
		results.AddError(key, msg)
	}
	return nil
}

// listKey names the table list key that holds one of tables: table.include.list when the
// table is there, else table.whitelist.
func listKey(props map[string]string, tables []string) string {
	v, err := SourceConfigDef().Parse(props)
	if err != nil {
		return TableWhitelistConfig
	}
	for _, t := range tables {
		if slices.Contains(v.List(TableIncludeListConfig), t) {
			return TableIncludeListConfig
		}
	}
	return TableWhitelistConfig
}

// topicsOf is the sink's topics list, parsed as the runtime parses it.
func topicsOf(props map[string]string) []string {
	v, err := connect.NewConfigDef().Define(connect.ConfigKey{Name: "topics", Type: connect.ConfigList, Default: []string{}}).Parse(props)
	if err != nil {
		return nil
	}
	return slices.DeleteFunc(v.List("topics"), func(t string) bool { return t == "" })
}

// PreflightChecks lists what the sink's Preflight checks.
func (c *SinkConnector) PreflightChecks() []string {
	return []string{
		connectionCheck,
		"Without auto.create: the table each topic of topics maps to (table.name.format) exists; topics.regex is not checked.",
		"Without auto.evolve: that table has the primary key columns pk.mode and pk.fields name and the columns of fields.whitelist.",
	}
}

// Preflight connects to the database and, unless auto.create and auto.evolve make the sink
// create what is missing, checks that the table of each topic in topics exists with the
// columns the configuration names.
func (c *SinkConnector) Preflight(ctx context.Context, props map[string]string, results *connect.ConfigInfos) error {
	cfg, err := parseSinkConfig(props)
	if err != nil {
		return nil // Validate reports configuration errors
	}
	db := openChecked(ctx, cfg.url, cfg.user, cfg.password, results)
	if db == nil {
		return nil
	}
	defer db.db.Close()
	if cfg.autoCreate && cfg.autoEvolve {
		return nil
	}
	for _, topic := range topicsOf(props) {
		name := cfg.tableFor(topic)
		cols, err := db.columns(ctx, name)
		if errors.Is(err, ErrNoTable) {
			if !cfg.autoCreate {
				results.AddError(AutoCreateConfig, missingTableMessage(name, topic))
			}
			continue
		}
		if err != nil {
			results.AddError(ConnectionURLConfig, oneLine(err.Error()))
			return nil
		}
		if cfg.autoEvolve {
			continue
		}
		have := map[string]bool{}
		for _, c := range cols {
			have[strings.ToLower(c.name)] = true
		}
		for _, need := range cfg.namedColumns() {
			if !have[strings.ToLower(need.name)] {
				results.AddError(AutoEvolveConfig, missingColumnMessage(name, need.name, need.by))
			}
		}
	}
	return nil
}

// namedColumn is a column the sink configuration names, with the key that names it.
type namedColumn struct{ name, by string }

// namedColumns lists the columns the configuration itself names: the primary key columns of
// pk.mode=kafka (pk.fields or the defaults), the pk.fields of record_key and record_value,
// and fields.whitelist.
func (c sinkConfig) namedColumns() []namedColumn {
	var out []namedColumn
	switch {
	case c.pkMode == PKModeKafka && len(c.pkFields) == 0:
		for _, n := range []string{DefaultKafkaTopicPK, DefaultKafkaPartitionPK, DefaultKafkaOffsetPK} {
			out = append(out, namedColumn{n, "pk.mode=kafka"})
		}
	case c.pkMode != PKModeNone:
		for _, n := range c.pkFields {
			out = append(out, namedColumn{n, PKFieldsConfig})
		}
	}
	for _, n := range c.whitelist {
		out = append(out, namedColumn{n, FieldsWhitelistConfig})
	}
	return out
}

// missingTableMessage is the one line for a destination table that does not exist.
func missingTableMessage(table, topic string) string {
	return fmt.Sprintf("table %q (topic %q through %s) does not exist: set %s=true to create it, or create it, or fix %s",
		table, topic, TableNameFormatConfig, AutoCreateConfig, TableNameFormatConfig)
}

// missingColumnMessage is the one line for a destination column that does not exist.
func missingColumnMessage(table, column, by string) string {
	return fmt.Sprintf("table %q has no column %q (named by %s): set %s=true to add it, or add it", table, column, by, AutoEvolveConfig)
}

// missingError is a table or column that does not exist, as one line naming the fix; it
// matches its kind (ErrNoTable, errIncColumn, ...) with errors.Is.
type missingError struct {
	kind error
	msg  string
}

func (e *missingError) Error() string { return e.msg }
func (e *missingError) Unwrap() error { return e.kind }
