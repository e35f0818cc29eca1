package sqldb

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/connectless/connectless/core/connect"
)

// tableInfo is what the sink knows of a destination table: its columns by lower-case name.
type tableInfo struct {
	name string
	cols map[string]string
}

func (i *tableInfo) has(name string) bool {
	_, ok := i.cols[strings.ToLower(name)]
	return ok
}

// table describes a table, from the cache when known.
func (t *SinkTask) table(ctx context.Context, name string) (*tableInfo, error) {
	if info, ok := t.tables[name]; ok {
		return info, nil
	}
	cols, err := t.db.columns(ctx, name)
	if err != nil {
		return nil, err
	}
	info := &tableInfo{name: name, cols: map[string]string{}}
	for _, c := range cols {
		info.cols[strings.ToLower(c.name)] = c.name
	}
	t.tables[name] = info
	return info, nil
}

// ensureTable creates the table or adds missing columns, as auto.create and auto.evolve allow.
func (t *SinkTask) ensureTable(ctx context.Context, name string, cols []col) error {
	info, err := t.table(ctx, name)
	if errors.Is(err, ErrNoTable) {
		if !t.cfg.autoCreate {
			return &missingError{kind: ErrNoTable, msg: fmt.Sprintf("table %q does not exist in %s: set %s=true to create it, or create it, or fix %s",
				name, t.db.where, AutoCreateConfig, TableNameFormatConfig)}
		}
		if err := t.create(ctx, name, cols); err != nil {
			return err
		}
		delete(t.tables, name)
		info, err = t.table(ctx, name)
	}
	if err != nil {
		return err
	}
	var missing []col
	for _, c := range cols {
		if !info.has(c.name) {
			missing = append(missing, c)
		}
	}
	if len(missing) == 0 {
		return nil
	}
	if !t.cfg.autoEvolve {
		return fmt.Errorf("table %q has no column %q for the record's field: set %s=true to add it, or add it", name, missing[0].name, AutoEvolveConfig)
	}
	for _, c := range missing {
		if !c.schema.Optional && c.schema.Default == nil {
			return fmt.Errorf("table %q: cannot add column %q: the field is neither optional nor has a default", name, c.name)
		}
		def, err := t.columnDef(c, false)
		if err != nil {
			return fmt.Errorf("table %q: %w", name, err)
		}
		stmt := fmt.Sprintf("ALTER TABLE %s ADD %s", t.db.d.quoteTable(name), def)
		if _, err := t.db.db.ExecContext(ctx, stmt); err != nil {
			// Another task may have added it meanwhile.
			delete(t.tables, name)
			if again, derr := t.table(ctx, name); derr == nil && again.has(c.name) {
				continue
			}
			return fmt.Errorf("table %q: %s: %w", name, stmt, err)
		}
	}
	delete(t.tables, name)
	return nil
}

// create runs CREATE TABLE for the columns of a record, the key columns as primary key.
func (t *SinkTask) create(ctx context.Context, name string, cols []col) error {
	var defs, keys []string
	for _, c := range cols {
		def, err := t.columnDef(c, c.key)
		if err != nil {
			return fmt.Errorf("create table %q: %w", name, err)
		}
		defs = append(defs, def)
		if c.key {
			keys = append(keys, t.db.d.quote(c.name))
		}
	}
	if len(keys) > 0 {
		defs = append(defs, "PRIMARY KEY("+strings.Join(keys, ", ")+")")
	}
	stmt := fmt.Sprintf("CREATE TABLE IF NOT EXISTS %s (\n%s)", t.db.d.quoteTable(name), strings.Join(defs, ",\n"))
	if _, err := t.db.db.ExecContext(ctx, stmt); err != nil {
		return fmt.Errorf("create table %q: %w", name, err)
	}
	return nil
}

// columnDef renders "name TYPE [NOT] NULL [DEFAULT x]".
func (t *SinkTask) columnDef(c col, key bool) (string, error) {
	typ, err := sqlType(t.db.d, c.schema, key)
	if err != nil {
		return "", fmt.Errorf("column %q: %w", c.name, err)
	}
	def := t.db.d.quote(c.name) + " " + typ
	if c.schema.Optional && !key {
		def += " NULL"
	} else {
		def += " NOT NULL"
	}
	if c.schema.Default != nil {
		lit, ok := literal(c.schema.Default)
		if ok {
			def += " DEFAULT " + lit
		}
	}
	return def, nil
}

// literal renders a primitive default value as SQL.
func literal(v any) (string, bool) {
	switch x := v.(type) {
	case int8, int16, int32, int64:
		return fmt.Sprint(x), true
	case float32:
		return strconv.FormatFloat(float64(x), 'g', -1, 32), true
	case float64:
		return strconv.FormatFloat(x, 'g', -1, 64), true
	case bool:
		if x {
			return "TRUE", true
		}
		return "FALSE", true
	case string:
		return "'" + strings.ReplaceAll(x, "'", "''") + "'", true
	}
	return "", false
}

// sqlType maps a Connect schema to a column type, as Confluent's dialects do.
func sqlType(d dialect, s *connect.Schema, key bool) (string, error) {
	pg := d.kind == postgres
	switch s.Name {
	case connect.DecimalName:
		scale, err := connect.DecimalScale(s)
		if err != nil {
			return "", err
		}
		if pg {
			// A fixed scale keeps the column's values (and a source reading it) at the schema's scale.
			return fmt.Sprintf("DECIMAL(%d,%d)", maxNumericPrecision, scale), nil
		}
		return fmt.Sprintf("DECIMAL(65,%d)", scale), nil
	case connect.DateName:
		return "DATE", nil
	case connect.TimeName:
		if pg {
			return "TIME", nil
		}
		return "TIME(3)", nil
	case connect.TimestampName:
		if pg {
			return "TIMESTAMP", nil
		}
		return "DATETIME(3)", nil
	}
	switch s.Type {
	case connect.TypeInt8:
		if pg {
			return "SMALLINT", nil
		}
		return "TINYINT", nil
	case connect.TypeInt16:
		return "SMALLINT", nil
	case connect.TypeInt32:
		return "INT", nil
	case connect.TypeInt64:
		return "BIGINT", nil
	case connect.TypeFloat32:
		if pg {
			return "REAL", nil
		}
		return "FLOAT", nil
	case connect.TypeFloat64:
		if pg {
			return "DOUBLE PRECISION", nil
		}
		return "DOUBLE", nil
	case connect.TypeBoolean:
		if pg {
			return "BOOLEAN", nil
		}
		return "TINYINT", nil
	case connect.TypeString:
		switch {
		case pg:
			return "TEXT", nil
		case key:
			return "VARCHAR(256)", nil
		}
		return "TEXT", nil
	case connect.TypeBytes:
		switch {
		case pg:
			return "BYTEA", nil
		case key:
			return "VARBINARY(256)", nil
		}
		return "BLOB", nil
	}
	return "", fmt.Errorf("%w: %s has no SQL column type", ErrUnmappable, s.Type)
}

// param converts a Connect value to a driver argument.
func param(s *connect.Schema, v any) (any, error) {
	if v == nil {
		return nil, nil
	}
	switch x := v.(type) {
	case int8:
		return int64(x), nil
	case int16:
		return int64(x), nil
	case int32:
		return int64(x), nil
	case int64, float64, bool, string, []byte:
		return x, nil
	case float32:
		return float64(x), nil
	case connect.Decimal:
		return x.String(), nil
	case time.Time:
		if s != nil && s.Name == connect.TimeName {
			return x.UTC().Format("15:04:05.000"), nil
		}
		if s != nil && s.Name == connect.DateName {
			return x.UTC().Format(time.DateOnly), nil
		}
		return x.UTC(), nil
	}
	return nil, fmt.Errorf("%w: value of type %T cannot be written to a column", ErrUnmappable, v)
}
