package postgrescdc

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"

	"github.com/jackc/pgx/v5"
)

// sessionOptions fix the text output formats the type converters parse, for both the
// replication connection (pgoutput writes values with its session's settings) and the
// snapshot connection.
const sessionOptions = "-c DateStyle=ISO -c IntervalStyle=postgres -c extra_float_digits=3 -c bytea_output=hex -c TimeZone=UTC"

// catalog reads tables and types from the database on a plain connection.
type catalog struct {
	conn   *pgx.Conn
	cfg    *config
	mapper *typeMapper
	types  map[uint32]pgType
	logger *slog.Logger
}

func newCatalog(conn *pgx.Conn, cfg *config, logger *slog.Logger) *catalog {
	c := &catalog{conn: conn, cfg: cfg, types: map[uint32]pgType{}, logger: logger}
	c.mapper = &typeMapper{decimal: cfg.decimal, time: cfg.timePrecision, binary: cfg.binary, interval: cfg.interval, hstoreMode: cfg.hstore}
	return c
}

// typeOf returns the catalog entry of a type; domains resolve to their base type.
func (c *catalog) typeOf(ctx context.Context, oid uint32) (pgType, error) {
	if t, ok := c.types[oid]; ok {
		return t, nil
	}
	var t pgType
	var typtype, category string
	var base uint32
	err := c.conn.QueryRow(ctx, `SELECT t.typname, t.typcategory::text, t.typelem, t.typtype::text, t.typbasetype,
		coalesce((SELECT array_agg(e.enumlabel::text ORDER BY e.enumsortorder) FROM pg_enum e WHERE e.enumtypid = t.oid), '{}')
		FROM pg_type t WHERE t.oid = $1`, oid).Scan(&t.name, &category, &t.elem, &typtype, &base, &t.enum)
	if err != nil {
		return t, fmt.Errorf("read type %d: %w", oid, err)
	}
	if typtype == "d" {
		return c.typeOf(ctx, base)
	}
	t.oid = oid
	if category != "" {
		t.category = category[0]
	}
	c.types[oid] = t
	return t, nil
}

// loadTable reads a table's columns, nullability and primary key and builds its schemas.
// order, when given, is the column order of the log's relation message.
func (c *catalog) loadTable(ctx context.Context, oid uint32, order []string) (*table, error) {
	t := &table{oid: oid}
	if err := c.conn.QueryRow(ctx, `SELECT n.nspname, r.relname FROM pg_class r JOIN pg_namespace n ON n.oid = r.relnamespace WHERE r.oid = $1`,
		oid).Scan(&t.schema, &t.name); err != nil {
		return nil, fmt.Errorf("read table %d: %w", oid, err)
	}
	rows, err := c.conn.Query(ctx, `SELECT a.attname, a.atttypid, a.atttypmod, a.attnotnull, format_type(a.atttypid, a.atttypmod),
		coalesce(a.attnum = ANY(i.indkey), false), coalesce(pg_get_expr(d.adbin, d.adrelid), '')
		FROM pg_attribute a LEFT JOIN pg_index i ON i.indrelid = a.attrelid AND i.indisprimary
		LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
		WHERE a.attrelid = $1 AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = ''
		ORDER BY a.attnum`, oid)
	if err != nil {
		return nil, fmt.Errorf("read columns of %s.%s: %w", t.schema, t.name, err)
	}
	type attr struct {
		name, sqlType  string
		defaultExpr    string
		typ            uint32
		typmod         int32
		notnull, inKey bool
	}
	var attrs []attr
	for rows.Next() {
		var a attr
		if err := rows.Scan(&a.name, &a.typ, &a.typmod, &a.notnull, &a.sqlType, &a.inKey, &a.defaultExpr); err != nil {
			rows.Close()
			return nil, err
		}
		attrs = append(attrs, a)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	byName := map[string]attr{}
	var names []string
	for _, a := range attrs {
		byName[a.name] = a
		names = append(names, a.name)
	}
	if order == nil {
		order = names
	}
	t.relCols = order
	for _, name := range order {
		a, ok := byName[name]
		if !ok {
			t.cols = append(t.cols, nil)
			continue
		}
		if !a.inKey && !c.cfg.columnWanted(t.schema, t.name, a.name) {
			t.cols = append(t.cols, nil)
			continue
		}
		typ, err := c.typeOf(ctx, a.typ)
		if err != nil {
			return nil, err
		}
		col := &column{name: a.name, sqlType: a.sqlType, typ: typ, typmod: a.typmod, optional: !a.notnull, key: a.inKey}
		if err := c.mapper.mapColumnWith(ctx, c, col); err != nil {
			if errors.Is(err, errUnmapped) {
				c.logger.Warn("column type not captured", "table", t.schema+"."+t.name, "column", a.name, "type", typ.name)
				t.cols = append(t.cols, nil)
				continue
			}
			return nil, err
		}
		if v, ok := columnDefault(col, a.defaultExpr); ok {
			col.schema.Default = v // in the key's schema too: the columns share it
		}
		t.cols = append(t.cols, col)
	}
	t.buildSchemas(c.cfg.prefix)
	return t, nil
}

// mapColumnWith maps a column, resolving array element types through the catalog.
func (m *typeMapper) mapColumnWith(ctx context.Context, c *catalog, col *column) error {
	m.types = func(oid uint32) (pgType, error) { return c.typeOf(ctx, oid) }
	defer func() { m.types = nil }()
	return m.mapColumn(col)
}

// capturedTables lists the ordinary tables the filters select, as (oid, schema, name).
func (c *catalog) capturedTables(ctx context.Context) ([]*table, error) {
	rows, err := c.conn.Query(ctx, `SELECT r.oid, n.nspname, r.relname FROM pg_class r JOIN pg_namespace n ON n.oid = r.relnamespace
		WHERE r.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'
		AND n.nspname NOT LIKE 'pg_temp%' ORDER BY n.nspname, r.relname`)
	if err != nil {
		return nil, fmt.Errorf("list tables: %w", err)
	}
	var out []*table
	for rows.Next() {
		t := &table{}
		if err := rows.Scan(&t.oid, &t.schema, &t.name); err != nil {
			rows.Close()
			return nil, err
		}
		if c.cfg.tableWanted(t.schema, t.name) {
			out = append(out, t)
		}
	}
	rows.Close()
	return out, rows.Err()
}

// quoteIdent quotes an identifier for SQL.
func quoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

// ensurePublication creates the publication when it is missing, as publication.autocreate.mode says.
func (c *catalog) ensurePublication(ctx context.Context) error {
	var exists bool
	if err := c.conn.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_publication WHERE pubname = $1)`, c.cfg.publication).Scan(&exists); err != nil {
		return fmt.Errorf("check publication: %w", err)
	}
	if exists {
		return nil
	}
	stmt := "CREATE PUBLICATION " + quoteIdent(c.cfg.publication)
	switch c.cfg.autocreate {
	case AutocreateDisabled:
		return fmt.Errorf("publication %q does not exist and publication.autocreate.mode is disabled", c.cfg.publication)
	case AutocreateFiltered:
		tables, err := c.capturedTables(ctx)
		if err != nil {
			return err
		}
		if len(tables) == 0 {
			return fmt.Errorf("publication.autocreate.mode=filtered: no table matches the include/exclude lists")
		}
		var names []string
		for _, t := range tables {
			names = append(names, quoteIdent(t.schema)+"."+quoteIdent(t.name))
		}
		stmt += " FOR TABLE " + strings.Join(names, ", ")
	default:
		stmt += " FOR ALL TABLES"
	}
	if _, err := c.conn.Exec(ctx, stmt); err != nil {
		return fmt.Errorf("create publication: %w", err)
	}
	return nil
}
