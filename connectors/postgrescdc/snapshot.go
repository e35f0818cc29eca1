package postgrescdc

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/connectless/connectless/core/connect"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// snapshot reads the captured tables in the snapshot the slot exported at its creation, in
// one REPEATABLE READ transaction, each table ordered by its primary key.
type snapshot struct {
	tx      pgx.Tx
	cp      uint64
	xid     int64
	started time.Time
	tables  []*table
	ti      int
	rows    pgx.Rows
	peek    *snapRow
	// fresh: the table query just started reads the table from its first row
	fresh bool
	// A resumed snapshot starts after startKey in startTable, and holds the temporary slot
	// that exported its snapshot.
	startTable string
	startKey   []string
	tempRepl   *pgconn.PgConn
}

// snapRow is one row read, with where it came from.
type snapRow struct {
	tbl  *table
	ti   int
	vals rowValues
	key  string
	// first: the first row of its table (not so for the first row after a resume's key)
	first bool
}

func (t *Task) beginSnapshot(ctx context.Context, name string, cp uint64) (*snapshot, error) {
	tx, err := t.conn.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return nil, fmt.Errorf("begin snapshot transaction: %w", err)
	}
	s := &snapshot{tx: tx, cp: cp, started: time.Now()}
	if _, err := tx.Exec(ctx, "SET TRANSACTION SNAPSHOT '"+strings.ReplaceAll(name, "'", "''")+"'"); err != nil {
		s.close(ctx)
		return nil, fmt.Errorf("set transaction snapshot: %w", err)
	}
	var xid *int64
	if err := tx.QueryRow(ctx, "SELECT txid_current_if_assigned()").Scan(&xid); err == nil && xid != nil {
		s.xid = *xid
	}
	listed, err := t.cat.capturedTables(ctx)
	if err != nil {
		s.close(ctx)
		return nil, err
	}
	for _, l := range listed {
		tbl, err := t.cat.loadTable(ctx, l.oid, nil)
		if err != nil {
			s.close(ctx)
			return nil, err
		}
		s.tables = append(s.tables, tbl)
	}
	return s, nil
}

func (s *snapshot) close(ctx context.Context) {
	if s.rows != nil {
		s.rows.Close()
		s.rows = nil
	}
	if s.tx != nil {
		_ = s.tx.Rollback(ctx)
		s.tx = nil
	}
	if s.tempRepl != nil {
		_ = s.tempRepl.Close(ctx) // drops the temporary slot
		s.tempRepl = nil
	}
}

// next returns the next row of the snapshot, nil at its end.
func (s *snapshot) next(ctx context.Context) (*snapRow, error) {
	for {
		if s.rows == nil {
			if s.ti >= len(s.tables) {
				return nil, nil
			}
			tbl := s.tables[s.ti]
			name := tbl.schema + "." + tbl.name
			if s.startTable != "" && name < s.startTable {
				s.ti++ // read in full before the resume
				continue
			}
			var sel, order, types []string
			for _, c := range tbl.cols {
				if c != nil {
					sel = append(sel, "src."+quoteIdent(c.name)+"::text")
				}
			}
			if len(sel) == 0 {
				s.ti++
				continue
			}
			// Qualified: the text casts are output columns of the same names, which a bare
			// ORDER BY would sort as text.
			for _, c := range tbl.keyCols {
				order, types = append(order, "src."+quoteIdent(c.name)), append(types, c.sqlType)
			}
			if len(order) == 0 {
				// A table without a primary key is read in the order of its rows' physical
				// places (ctid), so that a resume reads on after the last one.
				sel, order, types = append(sel, "src.ctid::text"), []string{"src.ctid"}, []string{"tid"}
			}
			q := "SELECT " + strings.Join(sel, ", ") + " FROM " + quoteIdent(tbl.schema) + "." + quoteIdent(tbl.name) + " AS src"
			var args []any
			if name == s.startTable && len(s.startKey) == len(order) {
				var after []string
				for i := range order {
					after = append(after, fmt.Sprintf("$%d::text::%s", i+1, types[i]))
					args = append(args, s.startKey[i])
				}
				q += " WHERE (" + strings.Join(order, ", ") + ") > (" + strings.Join(after, ", ") + ")"
			}
			q += " ORDER BY " + strings.Join(order, ", ")
			rows, err := s.tx.Query(ctx, q, args...)
			if err != nil {
				return nil, fmt.Errorf("read %s.%s: %w", tbl.schema, tbl.name, err)
			}
			s.rows, s.fresh = rows, len(args) == 0
		}
		tbl := s.tables[s.ti]
		if !s.rows.Next() {
			err := s.rows.Err()
			s.rows.Close()
			s.rows = nil
			if err != nil {
				return nil, fmt.Errorf("read %s.%s: %w", tbl.schema, tbl.name, err)
			}
			s.ti++
			continue
		}
		raw, err := s.rows.Values()
		if err != nil {
			return nil, err
		}
		vals := rowValues{}
		texts := map[string]string{}
		i := 0
		for _, c := range tbl.cols {
			if c == nil {
				continue
			}
			if str, ok := raw[i].(string); ok {
				texts[c.name] = str
				v, err := c.conv(str)
				if err != nil {
					return nil, fmt.Errorf("%s.%s.%s: %w", tbl.schema, tbl.name, c.name, err)
				}
				vals[c.name] = v
			} else {
				vals[c.name] = nil
			}
			i++
		}
		key := []string{}
		for _, c := range tbl.keyCols {
			key = append(key, texts[c.name])
		}
		if len(tbl.keyCols) == 0 {
			key = append(key, raw[len(raw)-1].(string)) // the row's ctid
		}
		kb, _ := json.Marshal(key)
		first := s.fresh
		s.fresh = false
		return &snapRow{tbl: tbl, ti: s.ti, vals: vals, key: string(kb), first: first}, nil
	}
}

// pollSnapshot returns the next rows as read events (op r). The last one's offset says the
// snapshot is complete; then the task streams from the slot's consistent point.
func (t *Task) pollSnapshot(ctx context.Context) ([]connect.SourceRecord, error) {
	s := t.snap
	var out []connect.SourceRecord
	if s.peek == nil {
		r, err := s.next(ctx)
		if err != nil {
			return nil, err
		}
		s.peek = r
	}
	cp := int64(s.cp)
	for s.peek != nil && len(out) < t.cfg.maxBatch {
		r := s.peek
		next, err := s.next(ctx)
		if err != nil {
			return nil, err
		}
		s.peek = next
		p := position{commit: s.cp, proc: s.cp, txID: s.xid, tsUsec: s.started.UnixMicro(), snapshot: true,
			lastSnapshot: next == nil, snapTable: r.tbl.schema + "." + r.tbl.name, snapKey: r.key, epoch: t.cfg.epoch,
			windows: t.windowsJSON}
		mark := snapshotMark(r.first, next == nil || next.ti != r.ti, r.ti == 0, r.ti == len(s.tables)-1)
		src := sourceInfo{snapshot: mark, ts: s.started, lsn: &cp}
		if s.xid != 0 {
			src.txID = &s.xid
		}
		out = append(out, t.rb.change(r.tbl, opRead, nil, r.vals, src, nil, p.offset())...)
	}
	if s.peek == nil {
		// Done: the exported snapshot may go, and streaming starts at the consistent point.
		if err := s.tx.Commit(ctx); err != nil {
			return nil, fmt.Errorf("end snapshot transaction: %w", err)
		}
		s.tx = nil
		s.close(ctx)
		t.snap = nil
		t.idleOnly = t.cfg.snapshotMode == SnapshotInitialOnly
		if len(out) == 0 {
			// An empty snapshot still has to be stored as done, or the next invocation would
			// take it again; a heartbeat record carries its position.
			p := position{commit: s.cp, proc: s.cp, tsUsec: s.started.UnixMicro(), snapshot: true, lastSnapshot: true, epoch: t.cfg.epoch,
				windows: t.windowsJSON}
			out = append(out, t.rb.heartbeat(t.cfg.heartbeatTopic, p.offset()))
		}
	}
	if n := len(out); n > 0 {
		t.pending = s.cp
	}
	return out, nil
}
