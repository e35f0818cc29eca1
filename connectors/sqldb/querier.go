package sqldb

import (
	"context"
	gosql "database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/connectless/connectless/core/connect"
)

// Errors about the mode's columns, reported under their config keys by Validate.
var (
	errIncColumn = errors.New("incrementing column")
	errTsColumn  = errors.New("timestamp column")
	// ErrQuery is returned when the database refuses the source's query.
	ErrQuery = errors.New("source query refused by the database")
	// ErrBadOffset is returned for a committed offset that cannot be resumed from.
	ErrBadOffset = errors.New("unusable source offset")
)

// querier reads one table (or the query) from its offset on.
type querier struct {
	db        *conn
	cfg       sourceConfig
	table     string // "" in query mode
	partition map[string]any
	topic     string
	nullable  map[string]bool // by column name; nil in query mode

	// offset state
	inc int64
	ts  time.Time

	probing bool // execute only checks the statement and its column types

	rows *gosql.Rows
	// cancelRows cancels the context the open result was queried with: a result outlives the
	// Poll that opened it, so it is not tied to that Poll's context.
	cancelRows context.CancelFunc
	fields     []columnField
	schema     *connect.Schema
	incIdx     int
	tsIdx      []int
	nextDue    time.Time
}

func newQuerier(ctx context.Context, db *conn, cfg sourceConfig, table string) (*querier, error) {
	q := &querier{db: db, cfg: cfg, table: table, inc: -1}
	if table == "" {
		q.partition = map[string]any{QueryPartitionKey: QueryPartitionValue}
		q.topic = cfg.topicPrefix
		return q, nil
	}
	q.partition = map[string]any{TablePartitionKey: table}
	q.topic = cfg.topicPrefix + table
	cols, err := db.columns(ctx, table)
	if err != nil {
		return nil, err
	}
	q.nullable = map[string]bool{}
	for _, c := range cols {
		q.nullable[c.name] = c.nullable
	}
	check := func(kind error, key, name string) error {
		nullable, ok := q.nullable[name]
		if !ok {
			return fmt.Errorf("%w %q does not exist in table %q: fix %s", kind, name, table, key)
		}
		if nullable && cfg.validateNonNull {
			return fmt.Errorf("%w %q of table %q is nullable: cannot make incremental queries on it (set validate.non.null=false to allow it)", kind, name, table)
		}
		return nil
	}
	if cfg.mode == ModeIncrementing || cfg.mode == ModeTimestampIncrementing {
		if err := check(errIncColumn, IncrementingColumnConfig, cfg.incColumn); err != nil {
			return nil, err
		}
	}
	if cfg.mode == ModeTimestamp || cfg.mode == ModeTimestampIncrementing {
		for _, c := range cfg.tsColumns {
			if err := check(errTsColumn, TimestampColumnConfig, c); err != nil {
				return nil, err
			}
		}
	}
	return q, nil
}

func (q *querier) describe() string {
	if q.table == "" {
		return "query"
	}
	return fmt.Sprintf("table %q", q.table)
}

func (q *querier) usesInc() bool {
	return q.cfg.mode == ModeIncrementing || q.cfg.mode == ModeTimestampIncrementing
}

func (q *querier) usesTs() bool {
	return q.cfg.mode == ModeTimestamp || q.cfg.mode == ModeTimestampIncrementing
}

// restore sets the offset state from a committed offset (nil: start from the beginning).
func (q *querier) restore(ctx context.Context, off map[string]any) error {
	if q.usesTs() {
		switch {
		case q.cfg.tsInitial != nil && *q.cfg.tsInitial == -1:
			now, err := q.db.now(ctx)
			if err != nil {
				return err
			}
			q.ts = now
		case q.cfg.tsInitial != nil:
			q.ts = time.UnixMilli(*q.cfg.tsInitial).UTC()
		default:
			q.ts = time.Unix(0, 0).UTC()
		}
	}
	if off == nil {
		return nil
	}
	if raw, ok := off[IncrementingField]; ok && raw != nil {
		n, err := offsetInt(raw)
		if err != nil {
			return fmt.Errorf("%w: %s: %w", ErrBadOffset, IncrementingField, err)
		}
		q.inc = n
	}
	if raw, ok := off[TimestampField]; ok && raw != nil {
		ms, err := offsetInt(raw)
		if err != nil {
			return fmt.Errorf("%w: %s: %w", ErrBadOffset, TimestampField, err)
		}
		var nanos int64
		if rawN, ok := off[TimestampNanosField]; ok && rawN != nil {
			if nanos, err = offsetInt(rawN); err != nil || nanos < 0 || nanos > 999_999_999 {
				return fmt.Errorf("%w: %s: %v", ErrBadOffset, TimestampNanosField, rawN)
			}
		} else {
			nanos = (ms % 1000) * 1e6
		}
		sec := ms / 1000
		if ms < 0 && ms%1000 != 0 {
			sec--
		}
		q.ts = time.Unix(sec, nanos).UTC()
	}
	return nil
}

// offsetInt reads a whole number as the offset stores give it back.
func offsetInt(raw any) (int64, error) {
	if n, ok := connect.OffsetInt(raw); ok {
		return n, nil
	}
	return 0, fmt.Errorf("%v (%T) is not a whole number", raw, raw)
}

// offset returns the source offset after the last row read, in Confluent's format.
func (q *querier) offset() map[string]any {
	out := map[string]any{}
	if q.usesInc() {
		out[IncrementingField] = q.inc
	}
	if q.usesTs() {
		out[TimestampField] = q.ts.UnixMilli()
		out[TimestampNanosField] = int64(q.ts.Nanosecond())
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// tsExpr is the SQL expression of the row's timestamp.
func (q *querier) tsExpr() string {
	if len(q.cfg.tsColumns) == 1 {
		return q.db.d.quote(q.cfg.tsColumns[0])
	}
	parts := make([]string, len(q.cfg.tsColumns))
	for i, c := range q.cfg.tsColumns {
		parts[i] = q.db.d.quote(c)
	}
	return "COALESCE(" + strings.Join(parts, ", ") + ")"
}

// statement builds the query for the current offset, as Confluent's queriers do.
func (q *querier) statement(ctx context.Context) (string, []any, error) {
	d := q.db.d
	from := ""
	switch {
	case q.table != "":
		from = "SELECT * FROM " + d.quoteTable(q.table)
	case q.cfg.mode == ModeBulk:
		return q.cfg.query, nil, nil
	default:
		from = "SELECT * FROM (" + q.cfg.query + ") " + d.quote("connectless_query")
	}
	if q.cfg.mode == ModeBulk {
		return from, nil, nil
	}
	var end time.Time
	if q.usesTs() {
		now, err := q.db.now(ctx)
		if err != nil {
			return "", nil, err
		}
		end = now.Add(-time.Duration(q.cfg.delayMs) * time.Millisecond)
	}
	inc, ts := d.quote(q.cfg.incColumn), q.tsExpr()
	switch q.cfg.mode {
	case ModeIncrementing:
		return fmt.Sprintf("%s WHERE %s > %s ORDER BY %s ASC", from, inc, d.placeholder(1), inc), []any{q.inc}, nil
	case ModeTimestamp:
		return fmt.Sprintf("%s WHERE %s > %s AND %s < %s ORDER BY %s ASC", from, ts, d.placeholder(1), ts, d.placeholder(2), ts),
			[]any{q.ts, end}, nil
	default:
		return fmt.Sprintf("%s WHERE %s < %s AND ((%s = %s AND %s > %s) OR %s > %s) ORDER BY %s, %s ASC",
				from, ts, d.placeholder(1), ts, d.placeholder(2), inc, d.placeholder(3), ts, d.placeholder(4), ts, inc),
			[]any{end, q.ts, q.inc, q.ts}, nil
	}
}

// probe runs the query once without reading rows, to check it and its column types.
func (q *querier) probe(ctx context.Context) error {
	q.probing = true
	defer func() { q.probing = false }()
	err := q.execute(ctx, ctx)
	q.close()
	return err
}

// execute runs the statement on qctx, which the open result stays tied to, and prepares the
// row schema.
func (q *querier) execute(ctx, qctx context.Context) error {
	stmt, args, err := q.statement(ctx)
	if err != nil {
		return err
	}
	if q.probing {
		// Column types without reading (or sorting) a single row.
		stmt = "SELECT * FROM (" + stmt + ") " + q.db.d.quote("connectless_probe") + " WHERE 1 = 0"
	}
	rows, err := q.db.db.QueryContext(qctx, stmt, args...)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrQuery, err)
	}
	cts, err := rows.ColumnTypes()
	if err != nil {
		rows.Close()
		return fmt.Errorf("read column types: %w", err)
	}
	fields := make([]columnField, len(cts))
	b := connect.StructBuilder()
	if q.table != "" {
		b.Name(q.table)
	}
	q.incIdx, q.tsIdx = -1, nil
	for i, ct := range cts {
		optional := true
		if q.nullable != nil {
			optional = q.nullable[ct.Name()]
		} else if n, ok := ct.Nullable(); ok {
			optional = n
		}
		f, err := mapColumn(q.db.d, ct, optional, q.cfg.numeric)
		if err != nil {
			rows.Close()
			return fmt.Errorf("%s: %w", q.describe(), err)
		}
		fields[i] = f
		b.Field(f.name, f.schema)
		if q.usesInc() && strings.EqualFold(f.name, q.cfg.incColumn) {
			q.incIdx = i
		}
	}
	for _, c := range q.cfg.tsColumns {
		for i, f := range fields {
			if q.usesTs() && strings.EqualFold(f.name, c) {
				q.tsIdx = append(q.tsIdx, i)
				break
			}
		}
	}
	if q.usesInc() && q.incIdx < 0 {
		rows.Close()
		return fmt.Errorf("%w %q is not in the result of %s: fix %s", errIncColumn, q.cfg.incColumn, q.describe(), IncrementingColumnConfig)
	}
	if q.usesTs() && len(q.tsIdx) != len(q.cfg.tsColumns) {
		rows.Close()
		return fmt.Errorf("%w %v is not in the result of %s: fix %s", errTsColumn, q.cfg.tsColumns, q.describe(), TimestampColumnConfig)
	}
	if s := b.Build(); !s.Equal(q.schema) {
		q.schema = s
	}
	q.rows, q.fields = rows, fields
	return nil
}

// poll reads up to max rows, running the query first when no result is open. When the
// result is exhausted the table is next due after poll.interval.ms.
func (q *querier) poll(ctx context.Context, max int) ([]connect.SourceRecord, error) {
	if q.rows == nil {
		qctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
		q.cancelRows = cancel
		stop := context.AfterFunc(ctx, cancel)
		err := q.execute(ctx, qctx)
		stop()
		if err != nil {
			q.close()
			return nil, err
		}
	}
	// Cancelling this Poll's context interrupts the reads below.
	defer context.AfterFunc(ctx, q.cancelRows)()
	var out []connect.SourceRecord
	scan := make([]any, len(q.fields))
	ptrs := make([]any, len(q.fields))
	for i := range scan {
		ptrs[i] = &scan[i]
	}
	for len(out) < max {
		if !q.rows.Next() {
			err := q.rows.Err()
			q.close()
			if err != nil {
				return nil, fmt.Errorf("read rows: %w", err)
			}
			q.nextDue = time.Now().Add(time.Duration(q.cfg.pollMs) * time.Millisecond)
			return out, nil
		}
		for i := range scan {
			scan[i] = nil
		}
		if err := q.rows.Scan(ptrs...); err != nil {
			return nil, fmt.Errorf("scan row: %w", err)
		}
		rec, err := q.record(scan)
		if err != nil {
			return nil, err
		}
		out = append(out, rec)
	}
	return out, nil
}

// record converts one scanned row and advances the offset past it.
func (q *querier) record(scan []any) (connect.SourceRecord, error) {
	st := connect.NewStruct(q.schema)
	for i, f := range q.fields {
		if scan[i] == nil {
			if !f.schema.Optional {
				return connect.SourceRecord{}, fmt.Errorf("column %q: null in a NOT NULL column", f.name)
			}
			continue
		}
		v, err := f.conv(scan[i])
		if err != nil {
			return connect.SourceRecord{}, fmt.Errorf("column %q: %w", f.name, err)
		}
		st.MustPut(f.name, v)
	}
	if q.incIdx >= 0 {
		v, err := intConv(64)(scan[q.incIdx])
		if err != nil || scan[q.incIdx] == nil {
			return connect.SourceRecord{}, fmt.Errorf("%w %q: value %v: %v", errIncColumn, q.cfg.incColumn, scan[q.incIdx], err)
		}
		q.inc = v.(int64)
	}
	for _, i := range q.tsIdx {
		if scan[i] == nil {
			continue
		}
		v, err := timestampConv(scan[i])
		if err != nil {
			return connect.SourceRecord{}, fmt.Errorf("%w %q: %w", errTsColumn, q.fields[i].name, err)
		}
		q.ts = v.(time.Time)
		break
	}
	return connect.SourceRecord{
		Record:          connect.Record{Topic: q.topic, ValueSchema: q.schema, Value: st},
		SourcePartition: q.partition,
		SourceOffset:    q.offset(),
	}, nil
}

// close drops the open result, if any.
func (q *querier) close() {
	if q.rows != nil {
		q.rows.Close()
		q.rows = nil
	}
	if q.cancelRows != nil {
		q.cancelRows()
		q.cancelRows = nil
	}
}
