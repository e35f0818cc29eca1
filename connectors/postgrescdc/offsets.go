package postgrescdc

import (
	"fmt"
	"strconv"

	"github.com/connectless/connectless/core/connect"
)

// Offset fields, as Debezium's PostgreSQL connector writes them.
const (
	offsetLSN         = "lsn"
	offsetLSNProc     = "lsn_proc"
	offsetLSNCommit   = "lsn_commit"
	offsetTxID        = "txId"
	offsetTsUsec      = "ts_usec"
	offsetSnapshot    = "snapshot"
	offsetLastSnap    = "last_snapshot_record"
	offsetSnapTable   = "snapshot_table"
	offsetSnapKey     = "snapshot_key"
	offsetSnapEpoch   = "snapshot_epoch"
	offsetSnapWindows = "snapshot_windows"
	offsetHeartbeat   = "heartbeat_ts_ms" // when the last heartbeat was emitted (not Debezium's)
	partitionServerID = "server"
)

// position is where the connector is in the log.
//
// commit is the commit LSN of the transaction being read (partial) or the end LSN of the last
// transaction read in full (complete); proc is the LSN of the last change emitted in the
// transaction being read, or commit itself when complete. A complete position has
// proc >= commit. Streaming resumes at commit: a partial transaction is read again and its
// changes up to proc skipped; and commit is also the LSN the slot may confirm, since every
// transaction committed before it was emitted.
type position struct {
	commit, proc uint64
	txID         int64
	tsUsec       int64
	// snapshot progress
	snapshot     bool
	lastSnapshot bool
	snapTable    string // schema.table being read
	snapKey      string // JSON array of the text of the last key read
	epoch        string
	// windows are the parts of the snapshot read after a resume, in another snapshot: kept
	// in the offsets until the stream passes the last of their points.
	windows string
	// heartbeatMs is when the last heartbeat record was emitted (Unix milliseconds).
	heartbeatMs int64
}

func (p position) complete() bool { return p.proc >= p.commit }

// offset renders the position as a source offset.
func (p position) offset() map[string]any {
	m := map[string]any{
		offsetLSN: int64(p.proc), offsetLSNProc: int64(p.proc), offsetLSNCommit: int64(p.commit),
		offsetTsUsec: p.tsUsec,
	}
	if p.txID != 0 {
		m[offsetTxID] = p.txID
	}
	if p.snapshot {
		m[offsetSnapshot] = true
		m[offsetLastSnap] = p.lastSnapshot
		m[offsetSnapTable] = p.snapTable
		m[offsetSnapKey] = p.snapKey
	}
	if p.epoch != "" {
		m[offsetSnapEpoch] = p.epoch
	}
	if p.windows != "" {
		m[offsetSnapWindows] = p.windows
	}
	return m
}

// parsePosition reads a stored offset; nil gives ok=false.
func parsePosition(m map[string]any) (p position, ok bool, err error) {
	if m == nil {
		return p, false, nil
	}
	num := func(k string) (int64, error) {
		switch v := m[k].(type) {
		case nil:
			return 0, nil
		case string:
			return strconv.ParseInt(v, 10, 64)
		default:
			n, ok := connect.OffsetInt(v)
			if !ok {
				return 0, fmt.Errorf("offset field %s: %v (%T) is not a whole number", k, v, v)
			}
			return n, nil
		}
	}
	var vals [5]int64
	for i, k := range []string{offsetLSN, offsetLSNProc, offsetLSNCommit, offsetTxID, offsetTsUsec} {
		if vals[i], err = num(k); err != nil {
			return p, false, err
		}
	}
	p.proc, p.commit, p.txID, p.tsUsec = uint64(vals[1]), uint64(vals[2]), vals[3], vals[4]
	p.snapTable, _ = m[offsetSnapTable].(string)
	p.windows, _ = m[offsetSnapWindows].(string)
	if _, has := m[offsetLSNProc]; !has {
		p.proc = uint64(vals[0]) // an offset with lsn only: Debezium's older form
	}
	if _, has := m[offsetLSNCommit]; !has {
		p.commit = uint64(vals[0])
		p.proc = p.commit
	}
	p.snapshot, _ = m[offsetSnapshot].(bool)
	p.lastSnapshot, _ = m[offsetLastSnap].(bool)
	p.snapKey, _ = m[offsetSnapKey].(string)
	p.epoch, _ = m[offsetSnapEpoch].(string)
	if p.heartbeatMs, err = num(offsetHeartbeat); err != nil {
		return p, false, err
	}
	return p, true, nil
}
