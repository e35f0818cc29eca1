package sqldb

import (
	"fmt"
	"strings"
)

// Limits of one multi-row INSERT: rows, and bind parameters (both databases allow 65535).
const (
	maxRowsPerStatement   = 500
	maxParamsPerStatement = 60000
)

// sqlBuilder renders statements for one table, numbering placeholders as it goes.
type sqlBuilder struct {
	d    dialect
	info *tableInfo
	args []any
}

func (b *sqlBuilder) name(c col) string {
	if actual, ok := b.info.cols[strings.ToLower(c.name)]; ok {
		return b.d.quote(actual)
	}
	return b.d.quote(c.name)
}

func (b *sqlBuilder) ph(c col) (string, error) {
	v, err := param(c.schema, c.value)
	if err != nil {
		return "", fmt.Errorf("column %q: %w", c.name, err)
	}
	b.args = append(b.args, v)
	return b.d.placeholder(len(b.args)), nil
}

func (b *sqlBuilder) where(keys []col) (string, error) {
	var parts []string
	for _, c := range keys {
		p, err := b.ph(c)
		if err != nil {
			return "", err
		}
		parts = append(parts, b.name(c)+" = "+p)
	}
	return strings.Join(parts, " AND "), nil
}

func splitKeys(cols []col) (keys, rest []col) {
	for _, c := range cols {
		if c.key {
			keys = append(keys, c)
		} else {
			rest = append(rest, c)
		}
	}
	return keys, rest
}

// statement renders a DELETE or an UPDATE of one operation and its arguments.
func (t *SinkTask) statement(info *tableInfo, o op) (string, []any, error) {
	b := &sqlBuilder{d: t.db.d, info: info}
	keys, rest := splitKeys(o.cols)
	table := b.d.quoteTable(info.name)
	if o.delete {
		w, err := b.where(keys)
		return "DELETE FROM " + table + " WHERE " + w, b.args, err
	}
	var sets []string
	for _, c := range rest {
		p, err := b.ph(c)
		if err != nil {
			return "", nil, err
		}
		sets = append(sets, b.name(c)+" = "+p)
	}
	if len(sets) == 0 {
		return "", nil, fmt.Errorf("%w: update with no column besides the key", ErrRecord)
	}
	w, err := b.where(keys)
	return "UPDATE " + table + " SET " + strings.Join(sets, ", ") + " WHERE " + w, b.args, err
}

// sameShape reports whether two row writes go to the same table with the same columns, so
// that one multi-row INSERT can hold both.
func sameShape(a, b op) bool {
	if a.delete || b.delete || a.table != b.table || len(a.cols) != len(b.cols) {
		return false
	}
	for i := range a.cols {
		if a.cols[i].name != b.cols[i].name || a.cols[i].key != b.cols[i].key {
			return false
		}
	}
	return true
}

// runEnd returns the end of the run of row writes starting at ops[i] that one INSERT can hold.
func runEnd(ops []op, i int) int {
	per := max(len(ops[i].cols), 1)
	j := i + 1
	for j < len(ops) && j-i < maxRowsPerStatement && (j-i+1)*per <= maxParamsPerStatement && sameShape(ops[i], ops[j]) {
		j++
	}
	return j
}

// lastPerKey keeps, of rows sharing a primary key, the last one: an upsert of the run then
// ends in the same state as one upsert per record, and PostgreSQL refuses a statement that
// touches a row twice.
func lastPerKey(run []op) []op {
	if len(run) < 2 {
		return run
	}
	seen := map[string]bool{}
	out := make([]op, 0, len(run))
	for i := len(run) - 1; i >= 0; i-- {
		var k strings.Builder
		for _, c := range run[i].cols {
			if c.key {
				fmt.Fprintf(&k, "%T:%v\x00", c.value, c.value)
			}
		}
		if k.Len() > 0 && seen[k.String()] {
			continue
		}
		seen[k.String()] = true
		out = append(out, run[i])
	}
	for l, r := 0, len(out)-1; l < r; l, r = l+1, r-1 {
		out[l], out[r] = out[r], out[l]
	}
	return out
}

// insertStatement renders one INSERT (or upsert) of several rows of the same shape.
func (t *SinkTask) insertStatement(info *tableInfo, run []op) (string, []any, error) {
	b := &sqlBuilder{d: t.db.d, info: info}
	first := run[0]
	keys, rest := splitKeys(first.cols)
	var names []string
	for _, c := range first.cols {
		names = append(names, b.name(c))
	}
	var rows []string
	for _, o := range run {
		var phs []string
		for _, c := range o.cols {
			p, err := b.ph(c)
			if err != nil {
				return "", nil, fmt.Errorf("%s/%d@%d: %w", o.rec.OriginalTopic, o.rec.OriginalPartition, o.rec.OriginalOffset, err)
			}
			phs = append(phs, p)
		}
		rows = append(rows, "("+strings.Join(phs, ", ")+")")
	}
	stmt := "INSERT INTO " + b.d.quoteTable(info.name) + " (" + strings.Join(names, ", ") + ") VALUES " + strings.Join(rows, ", ")
	if t.cfg.insertMode != InsertModeUpsert {
		return stmt, b.args, nil
	}
	if b.d.kind == postgres {
		var kn, sets []string
		for _, c := range keys {
			kn = append(kn, b.name(c))
		}
		for _, c := range rest {
			sets = append(sets, b.name(c)+" = EXCLUDED."+b.name(c))
		}
		stmt += " ON CONFLICT (" + strings.Join(kn, ", ") + ")"
		if len(sets) == 0 {
			return stmt + " DO NOTHING", b.args, nil
		}
		return stmt + " DO UPDATE SET " + strings.Join(sets, ", "), b.args, nil
	}
	var sets []string
	for _, c := range rest {
		sets = append(sets, b.name(c)+" = VALUES("+b.name(c)+")")
	}
	if len(sets) == 0 {
		sets = append(sets, b.name(keys[0])+" = "+b.name(keys[0]))
	}
	return stmt + " ON DUPLICATE KEY UPDATE " + strings.Join(sets, ", "), b.args, nil
}
