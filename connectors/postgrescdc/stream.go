package postgrescdc

import (
	"context"
	"fmt"
	"reflect"
	"strconv"

	"github.com/connectless/connectless/core/connect"
	"github.com/jackc/pglogrepl"
)

// Headers of the two events of a primary key change, as Debezium's.
const (
	headerNewKey = "__debezium.newkey"
	headerOldKey = "__debezium.oldkey"
)

// handleMessage turns one pgoutput message into records appended to t.out.
func (t *Task) handleMessage(ctx context.Context, lsn uint64, data []byte) error {
	msg, err := pglogrepl.Parse(data)
	if err != nil {
		return fmt.Errorf("parse pgoutput message: %w", err)
	}
	switch m := msg.(type) {
	case *pglogrepl.RelationMessage:
		return t.relation(ctx, m)
	case *pglogrepl.BeginMessage:
		t.inTxn, t.xid, t.finalLSN, t.commitTime = true, m.Xid, uint64(m.FinalLSN), m.CommitTime
		t.txOrder, t.txCounts, t.txColls = 0, map[string]int64{}, nil
		t.resumed = !t.resume.complete() && t.resume.commit == t.finalLSN
		t.skipTo = 0
		if t.resumed {
			t.skipTo = t.resume.proc
		}
		if t.cfg.txMetadata && !t.resumed {
			p := t.txPosition(0)
			t.out = append(t.out, t.rb.txRecord(t.cfg.txTopic, "BEGIN", t.txID(), t.commitTime, nil, nil, p.offset()))
		}
	case *pglogrepl.CommitMessage:
		end := uint64(m.TransactionEndLSN)
		done := position{commit: end, proc: end, txID: int64(t.xid), tsUsec: t.commitTime.UnixMicro(), epoch: t.cfg.epoch,
			windows: t.windowsAt(end)}
		if t.cfg.txMetadata {
			t.out = append(t.out, t.rb.txRecord(t.cfg.txTopic, "END", t.txID(), t.commitTime, t.txCounts, t.txColls, done.offset()))
		} else if n := len(t.out); n > 0 {
			if p, _, _ := parsePosition(t.out[n-1].SourceOffset); p.commit == t.finalLSN {
				t.out[n-1].SourceOffset = done.offset()
			}
		}
		t.inTxn, t.resumed, t.lastComplete = false, false, end
		t.resume = done
	case *pglogrepl.InsertMessage:
		return t.rowChange(ctx, m.RelationID, lsn, opCreate, 0, nil, m.Tuple)
	case *pglogrepl.UpdateMessage:
		return t.rowChange(ctx, m.RelationID, lsn, opUpdate, m.OldTupleType, m.OldTuple, m.NewTuple)
	case *pglogrepl.DeleteMessage:
		return t.rowChange(ctx, m.RelationID, lsn, opDelete, m.OldTupleType, m.OldTuple, nil)
	case *pglogrepl.LogicalDecodingMessage:
		t.message(m, lsn)
	case *pglogrepl.TruncateMessage:
		for _, rel := range m.RelationIDs {
			tbl := t.tables[rel]
			if tbl == nil || !t.counted(tbl, lsn) || t.cfg.skipped[opTruncate] {
				continue
			}
			p := t.txPosition(lsn)
			t.out = append(t.out, t.rb.truncate(tbl, t.source(lsn), t.meta(tbl), p.offset()))
		}
	}
	return nil
}

// relation (re)loads a table's schema: the log sends one before the first change of a table
// in a session and after every change of its definition.
func (t *Task) relation(ctx context.Context, m *pglogrepl.RelationMessage) error {
	if !t.cfg.tableWanted(m.Namespace, m.RelationName) {
		t.tables[m.RelationID] = nil
		return nil
	}
	order := make([]string, len(m.Columns))
	keys := map[string]bool{}
	for i, c := range m.Columns {
		order[i] = c.Name
		keys[c.Name] = c.Flags&1 != 0
	}
	tbl, err := t.cat.loadTable(ctx, m.RelationID, order)
	if err != nil {
		return err
	}
	tbl.identity = keys
	t.tables[m.RelationID] = tbl
	return nil
}

func (t *Task) txID() string { return txIDString(t.xid, t.finalLSN) }

// txPosition is the position after a change at lsn of the current transaction.
func (t *Task) txPosition(lsn uint64) position {
	return position{commit: t.finalLSN, proc: lsn, txID: int64(t.xid), tsUsec: t.commitTime.UnixMicro(), epoch: t.cfg.epoch,
		windows: t.windowsAt(t.finalLSN)}
}

// counted advances the transaction's event order and reports whether the change at lsn is to
// be emitted: changes up to the stored position of a transaction read again are not.
func (t *Task) counted(tbl *table, lsn uint64) bool {
	t.txOrder++
	name := tbl.schema + "." + tbl.name
	if _, ok := t.txCounts[name]; !ok {
		t.txColls = append(t.txColls, name)
	}
	t.txCounts[name]++
	return !(t.resumed && lsn <= t.skipTo)
}

func (t *Task) source(lsn uint64) sourceInfo {
	xid, l := int64(t.xid), int64(lsn)
	seq := "[" + strconv.Quote(strconv.FormatUint(t.lastComplete, 10)) + "," + strconv.Quote(strconv.FormatUint(lsn, 10)) + "]"
	return sourceInfo{ts: t.commitTime, txID: &xid, lsn: &l, sequence: &seq}
}

func (t *Task) meta(tbl *table) *eventMeta {
	if !t.cfg.txMetadata {
		return nil
	}
	return &eventMeta{id: t.txID(), totalOrder: t.txOrder, dataCollOrder: t.txCounts[tbl.schema+"."+tbl.name]}
}

// rowChange emits the records of an insert, update or delete.
func (t *Task) rowChange(ctx context.Context, rel uint32, lsn uint64, op string, oldType uint8, oldTuple, newTuple *pglogrepl.TupleData) error {
	tbl, known := t.tables[rel]
	if !known {
		return fmt.Errorf("change for relation %d before its relation message", rel)
	}
	if tbl == nil {
		return nil
	}
	emit := t.counted(tbl, lsn)
	if !emit || t.cfg.skipped[op] {
		return nil
	}
	if len(t.windows) > 0 && t.finalLSN < t.windowsEnd {
		tuple := newTuple
		if tuple == nil {
			tuple = oldTuple
		}
		in, err := t.inSnapshot(ctx, tbl, keyTexts(tbl, tuple), t.finalLSN)
		if err != nil || in {
			return err
		}
	}
	var before, after rowValues
	var err error
	if oldTuple != nil {
		if before, err = t.row(tbl, oldTuple, oldType == 'K', nil); err != nil {
			return err
		}
	}
	if newTuple != nil {
		if after, err = t.row(tbl, newTuple, false, before); err != nil {
			return err
		}
	}
	p := t.txPosition(lsn)
	src, meta := t.source(lsn), t.meta(tbl)
	if op == opUpdate && before != nil && tbl.keySchema != nil && !sameKey(tbl, before, after) {
		// A changed primary key: a delete of the old key (and its tombstone) carrying the new
		// key in the header __debezium.newkey, then a create carrying the old one in
		// __debezium.oldkey.
		del := t.rb.change(tbl, opDelete, before, nil, src, meta, p.offset())
		for i := range del {
			del[i].Headers = connect.Headers{{Key: headerNewKey, Schema: tbl.keySchema, Value: tbl.keyStruct(after)}}
		}
		create := t.rb.change(tbl, opCreate, nil, after, src, meta, p.offset())
		create[0].Headers = connect.Headers{{Key: headerOldKey, Schema: tbl.keySchema, Value: tbl.keyStruct(before)}}
		t.out = append(append(t.out, del...), create...)
		return nil
	}
	if op == opUpdate && oldType == 'K' {
		before = nil // only the key's old value: Debezium leaves before empty unless the key changed
	}
	t.out = append(t.out, t.rb.change(tbl, op, before, after, src, meta, p.offset())...)
	return nil
}

// keyTexts returns the text of a tuple's primary key columns.
func keyTexts(tbl *table, tuple *pglogrepl.TupleData) []string {
	var out []string
	for i, col := range tuple.Columns {
		if i < len(tbl.cols) && tbl.cols[i] != nil && tbl.cols[i].key && col.DataType == pglogrepl.TupleDataTypeText {
			out = append(out, string(col.Data))
		}
	}
	return out
}

func sameKey(tbl *table, a, b rowValues) bool {
	for _, c := range tbl.keyCols {
		if !reflect.DeepEqual(a[c.name], b[c.name]) {
			return false
		}
	}
	return true
}

// row converts a tuple. keyOnly keeps the replica identity columns only (an old key tuple);
// old, when given, fills unchanged TOASTed columns that the old full tuple carries.
func (t *Task) row(tbl *table, tuple *pglogrepl.TupleData, keyOnly bool, old rowValues) (rowValues, error) {
	row := rowValues{}
	for i, col := range tuple.Columns {
		if i >= len(tbl.cols) {
			break
		}
		c := tbl.cols[i]
		if c == nil || (keyOnly && !tbl.identity[c.name]) {
			continue
		}
		switch col.DataType {
		case pglogrepl.TupleDataTypeNull:
			row[c.name] = nil
		case pglogrepl.TupleDataTypeToast:
			if v, ok := old[c.name]; ok && old != nil {
				row[c.name] = v
			} else {
				row[c.name] = placeholder(c.schema, t.cfg.placeholder)
			}
		case pglogrepl.TupleDataTypeText:
			v, err := c.conv(string(col.Data))
			if err != nil {
				return nil, fmt.Errorf("%s.%s.%s: %w", tbl.schema, tbl.name, c.name, err)
			}
			row[c.name] = v
		default:
			return nil, fmt.Errorf("%s.%s.%s: binary tuple data is not expected", tbl.schema, tbl.name, c.name)
		}
	}
	return row, nil
}

// placeholder is the value of an unchanged TOASTed column, as Debezium's
// unavailable.value.placeholder.
func placeholder(s *connect.Schema, text string) any {
	switch s.Type {
	case connect.TypeString:
		return text
	case connect.TypeBytes:
		if s.Name == "" {
			return []byte(text)
		}
	case connect.TypeArray:
		if s.Value.Type == connect.TypeString {
			return []any{text}
		}
	}
	if s.Optional {
		return nil
	}
	return zeroValue(s)
}
