package sqldb

import (
	"context"
	gosql "database/sql"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/go-sql-driver/mysql"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
)

// ErrURL is returned for a connection.url that names no supported database.
var ErrURL = errors.New("unsupported connection.url")

// ErrConnect is returned when the database cannot be reached or refuses the credentials.
var ErrConnect = errors.New("cannot connect to the database")

// dialectKind names a supported database family.
type dialectKind int

const (
	postgres dialectKind = iota + 1
	mysqlKind
)

// dialect holds what differs between PostgreSQL and MySQL/MariaDB.
type dialect struct {
	kind dialectKind
}

// String names the dialect as Confluent's dialect names do.
func (d dialect) String() string {
	if d.kind == postgres {
		return "PostgreSqlDatabaseDialect"
	}
	return "MySqlDatabaseDialect"
}

// quote quotes an identifier.
func (d dialect) quote(name string) string {
	if d.kind == postgres {
		return `"` + strings.ReplaceAll(name, `"`, `""`) + `"`
	}
	return "`" + strings.ReplaceAll(name, "`", "``") + "`"
}

// quoteTable quotes a possibly schema-qualified table name ("schema.table").
func (d dialect) quoteTable(name string) string {
	parts := strings.Split(name, ".")
	for i, p := range parts {
		parts[i] = d.quote(p)
	}
	return strings.Join(parts, ".")
}

// placeholder returns the n-th (1-based) bind placeholder.
func (d dialect) placeholder(n int) string {
	if d.kind == postgres {
		return fmt.Sprintf("$%d", n)
	}
	return "?"
}

// nowQuery returns the database's current time in UTC, the upper bound of timestamp modes.
func (d dialect) nowQuery() string {
	if d.kind == postgres {
		return "SELECT CURRENT_TIMESTAMP"
	}
	return "SELECT UTC_TIMESTAMP(6)"
}

// currentSchema is the SQL expression naming the schema (PostgreSQL) or database (MySQL)
// that unqualified table names resolve to.
func (d dialect) currentSchema() string {
	if d.kind == postgres {
		return "current_schema()"
	}
	return "DATABASE()"
}

// conn is an open database with its dialect.
type conn struct {
	db *gosql.DB
	d  dialect
	// where is the database's URL without credentials, for messages.
	where string
}

// connInfo is a parsed connection.url with credentials applied.
type connInfo struct {
	d        dialect
	pg       *pgx.ConnConfig
	my       *mysql.Config
	redacted string
}

// parseURL turns connection.url, user and password into a driver configuration. Credentials
// given as user and password win over those in the URL.
func parseURL(raw, user, password string) (connInfo, error) {
	raw = strings.TrimSpace(raw)
	lower := strings.ToLower(raw)
	switch {
	case strings.HasPrefix(lower, "jdbc:postgresql:"):
		return parsePostgres("postgres:"+raw[len("jdbc:postgresql:"):], user, password)
	case strings.HasPrefix(lower, "postgres://"), strings.HasPrefix(lower, "postgresql://"):
		return parsePostgres(raw, user, password)
	case strings.HasPrefix(lower, "jdbc:mysql:"), strings.HasPrefix(lower, "jdbc:mariadb:"):
		return parseJDBCMySQL(raw[strings.Index(raw, ":")+1:], user, password)
	case strings.HasPrefix(lower, "mysql://"), strings.HasPrefix(lower, "mariadb://"):
		return parseJDBCMySQL(raw, user, password)
	case strings.Contains(raw, "@tcp(") || strings.Contains(raw, "@unix(") || strings.HasPrefix(raw, "tcp("):
		cfg, err := mysql.ParseDSN(raw)
		if err != nil {
			return connInfo{}, fmt.Errorf("%w: mysql dsn: %w", ErrURL, err)
		}
		return mysqlInfo(cfg, user, password), nil
	}
	return connInfo{}, fmt.Errorf("%w: %q: want postgres://, jdbc:postgresql://, jdbc:mysql:// or a MySQL DSN user:pass@tcp(host:port)/db", ErrURL, redactURL(raw))
}

func parsePostgres(raw, user, password string) (connInfo, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return connInfo{}, fmt.Errorf("%w: %w", ErrURL, err)
	}
	// JDBC URLs carry credentials as user= and password= query parameters.
	q := u.Query()
	if v := q.Get("user"); v != "" && user == "" {
		user = v
	}
	if v := q.Get("password"); v != "" && password == "" {
		password = v
	}
	q.Del("user")
	q.Del("password")
	if q.Get("sslmode") == "" {
		q.Set("sslmode", "prefer")
	}
	u.RawQuery = q.Encode()
	cfg, err := pgx.ParseConfig(u.String())
	if err != nil {
		return connInfo{}, fmt.Errorf("%w: %w", ErrURL, err)
	}
	if user != "" {
		cfg.User = user
	}
	if password != "" {
		cfg.Password = password
	}
	if cfg.Database == "" {
		return connInfo{}, fmt.Errorf("%w: %q names no database", ErrURL, redactURL(raw))
	}
	cfg.RuntimeParams["timezone"] = "UTC"
	cfg.ConnectTimeout = 10 * time.Second
	return connInfo{d: dialect{postgres}, pg: cfg, redacted: fmt.Sprintf("postgres://%s/%s", hostPortString(cfg.Host, int(cfg.Port)), cfg.Database)}, nil
}

// parseJDBCMySQL parses mysql://user:pass@host:port/db?params.
func parseJDBCMySQL(raw, user, password string) (connInfo, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return connInfo{}, fmt.Errorf("%w: %w", ErrURL, err)
	}
	cfg := mysql.NewConfig()
	cfg.Net = "tcp"
	cfg.Addr = u.Host
	if u.Port() == "" {
		cfg.Addr = u.Hostname() + ":3306"
	}
	cfg.DBName = strings.TrimPrefix(u.Path, "/")
	if u.User != nil {
		cfg.User = u.User.Username()
		cfg.Passwd, _ = u.User.Password()
	}
	q := u.Query()
	if v := q.Get("user"); v != "" {
		cfg.User = v
	}
	if v := q.Get("password"); v != "" {
		cfg.Passwd = v
	}
	if cfg.DBName == "" {
		return connInfo{}, fmt.Errorf("%w: %q names no database", ErrURL, redactURL(raw))
	}
	return mysqlInfo(cfg, user, password), nil
}

func mysqlInfo(cfg *mysql.Config, user, password string) connInfo {
	if user != "" {
		cfg.User = user
	}
	if password != "" {
		cfg.Passwd = password
	}
	cfg.ParseTime = true
	cfg.Loc = time.UTC
	if cfg.Params == nil {
		cfg.Params = map[string]string{}
	}
	cfg.Params["time_zone"] = "'+00:00'"
	cfg.Timeout = 10 * time.Second
	return connInfo{d: dialect{mysqlKind}, my: cfg, redacted: fmt.Sprintf("mysql://%s/%s", cfg.Addr, cfg.DBName)}
}

func hostPortString(host string, port int) string { return fmt.Sprintf("%s:%d", host, port) }

// redactURL hides a password in a URL for error messages.
func redactURL(raw string) string {
	if u, err := url.Parse(raw); err == nil && u.User != nil {
		if _, ok := u.User.Password(); ok {
			u.User = url.UserPassword(u.User.Username(), "xxxxx")
			return u.String()
		}
	}
	// A MySQL DSN: user:password@tcp(host:port)/db.
	if at := strings.LastIndex(raw, "@"); at > 0 && (strings.Contains(raw[at:], "@tcp(") || strings.Contains(raw[at:], "@unix(")) {
		if colon := strings.Index(raw[:at], ":"); colon >= 0 {
			return raw[:colon] + ":xxxxx" + raw[at:]
		}
	}
	return raw
}

// open connects to the database and checks the connection with a ping.
func open(ctx context.Context, raw, user, password string) (*conn, error) {
	info, err := parseURL(raw, user, password)
	if err != nil {
		return nil, err
	}
	var db *gosql.DB
	if info.pg != nil {
		db = stdlib.OpenDB(*info.pg)
	} else {
		c, err := mysql.NewConnector(info.my)
		if err != nil {
			return nil, &connectError{key: ConnectionURLConfig, msg: fmt.Sprintf("cannot connect to %s: %v", info.redacted, err), err: err}
		}
		db = gosql.OpenDB(c)
	}
	db.SetMaxOpenConns(4)
	db.SetConnMaxIdleTime(time.Minute)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, diagnoseConnect(info, passwordInURL(raw, password), err)
	}
	return &conn{db: db, d: info.d, where: info.redacted}, nil
}

// now returns the database's current time.
func (c *conn) now(ctx context.Context) (time.Time, error) {
	var t time.Time
	if err := c.db.QueryRowContext(ctx, c.d.nowQuery()).Scan(&t); err != nil {
		return time.Time{}, fmt.Errorf("read database time: %w", err)
	}
	return t.UTC(), nil
}

// column is one column of a table as information_schema describes it.
type column struct {
	name     string
	nullable bool
}

// ErrNoTable is returned when a table does not exist.
var ErrNoTable = errors.New("table does not exist")

// splitTable splits "schema.table" into its parts; schema is "" when not qualified.
func splitTable(name string) (schema, table string) {
	if i := strings.LastIndex(name, "."); i >= 0 {
		return name[:i], name[i+1:]
	}
	return "", name
}

// columns returns the columns of a table in ordinal order; ErrNoTable when it has none.
func (c *conn) columns(ctx context.Context, name string) ([]column, error) {
	schema, table := splitTable(name)
	schemaExpr := c.d.currentSchema()
	args := []any{table}
	if schema != "" {
		schemaExpr = c.d.placeholder(2)
		args = append(args, schema)
	}
	q := fmt.Sprintf("SELECT column_name, is_nullable FROM information_schema.columns WHERE table_name = %s AND table_schema = %s ORDER BY ordinal_position",
		c.d.placeholder(1), schemaExpr)
	rows, err := c.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("describe table %q: %w", name, err)
	}
	defer rows.Close()
	var out []column
	for rows.Next() {
		var col column
		var nullable string
		if err := rows.Scan(&col.name, &nullable); err != nil {
			return nil, fmt.Errorf("describe table %q: %w", name, err)
		}
		col.nullable = strings.EqualFold(nullable, "YES")
		out = append(out, col)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("describe table %q: %w", name, err)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%w: %q", ErrNoTable, name)
	}
	return out, nil
}

// tables lists the base tables (and views) of the current schema or database, sorted.
func (c *conn) tables(ctx context.Context, types []string) ([]string, error) {
	var kinds []string
	for _, t := range types {
		switch strings.ToUpper(strings.TrimSpace(t)) {
		case "TABLE":
			kinds = append(kinds, "'BASE TABLE'")
		case "VIEW":
			kinds = append(kinds, "'VIEW'")
		}
	}
	if len(kinds) == 0 {
		kinds = []string{"'BASE TABLE'"}
	}
	q := fmt.Sprintf("SELECT table_name FROM information_schema.tables WHERE table_schema = %s AND table_type IN (%s) ORDER BY table_name",
		c.d.currentSchema(), strings.Join(kinds, ", "))
	rows, err := c.db.QueryContext(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("list tables: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, fmt.Errorf("list tables: %w", err)
		}
		out = append(out, n)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list tables: %w", err)
	}
	return out, nil
}
