package postgrescdc

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/connectless/connectless/core/connect"
	"github.com/jackc/pglogrepl"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgproto3"
)

// Timings of the streaming loop.
const (
	idleWait       = 500 * time.Millisecond // a poll waits this long for the first message
	burstWait      = 10 * time.Millisecond  // and this long for each further one
	pollBudget     = time.Second            // a poll returns after this long at most
	statusInterval = 10 * time.Second       // standby status updates at least this often
)

// Task streams changes of the captured tables. See the package documentation.
type Task struct {
	// Logger receives warnings (slot lag, columns left out); nil means slog.Default().
	Logger *slog.Logger

	// idle is how long a poll waits for a first message; 0 means idleWait.
	idle time.Duration

	cfg    config
	logger *slog.Logger
	// status is the runtime's TaskStatusReporter when its context has one: the slot lag
	// goes to the gauge slot_lag_bytes, and past slot.lag.warn.bytes to the status note.
	status connect.TaskStatusReporter
	repl   *pgconn.PgConn
	conn   *pgx.Conn
	cat    *catalog
	rb     *recordBuilder
	tables map[uint32]*table // by relation id; nil value: not captured

	resume    position // where streaming resumes (from the stored offset or the snapshot)
	startLSN  uint64
	confirmed uint64 // the slot's confirmed position: covered by committed offsets
	pending   uint64 // position covering every record Poll returned so far
	streaming bool
	idleOnly  bool // initial_only after its snapshot: nothing to stream
	snap      *snapshot

	// the transaction being read
	inTxn      bool
	xid        uint32
	finalLSN   uint64
	commitTime time.Time
	skipTo     uint64
	resumed    bool
	txOrder    int64
	txCounts   map[string]int64
	txColls    []string

	// parts of the snapshot read after resumes (see window)
	windows     []window
	windowsJSON string
	windowsEnd  uint64

	// msgSchema is the value schema of logical decoding message events; serverVersion the
	// server's server_version_num (messages need 14 or later).
	msgSchema     *connect.Schema
	msgBlock      *connect.Schema // its message field
	serverVersion int

	lastComplete  uint64
	lastHeartbeat time.Time
	lastStatus    time.Time
	out           []connect.SourceRecord
}

// Start connects, makes sure the publication and the slot exist, reads the committed offset
// and decides between snapshot and streaming.
func (t *Task) Start(ctx context.Context, props map[string]string, tctx connect.SourceTaskContext) error {
	cfg, err := parseConfig(props)
	if err != nil {
		return err
	}
	t.cfg, t.tables = cfg, map[uint32]*table{}
	t.logger = t.Logger
	if lc, ok := tctx.(interface{ Logger() *slog.Logger }); ok && t.logger == nil {
		t.logger = lc.Logger()
	}
	t.status, _ = tctx.(connect.TaskStatusReporter)
	if t.logger == nil {
		t.logger = slog.Default()
	}
	t.rb = &recordBuilder{prefix: cfg.prefix, db: cfg.dbname, partition: map[string]any{partitionServerID: cfg.prefix},
		tombstones: cfg.tombstones, now: time.Now}
	fail := func(err error) error {
		t.Stop()
		return fmt.Errorf("postgres cdc: %w", explainStart(ctx, &cfg, err))
	}
	if t.conn, err = connectPlain(ctx, &t.cfg); err != nil {
		return fail(err)
	}
	t.cat = newCatalog(t.conn, &t.cfg, t.logger)
	t.msgSchema = messageValueSchema(cfg.binary)
	if f, ok := t.msgSchema.Field("message"); ok {
		t.msgBlock = f.Schema
	}
	if err := t.conn.QueryRow(ctx, "SELECT current_setting('server_version_num')::int").Scan(&t.serverVersion); err != nil {
		return fail(fmt.Errorf("read server version: %w", err))
	}
	if err := t.cat.ensurePublication(ctx); err != nil {
		return fail(err)
	}
	stored, err := tctx.OffsetReader().Offset(ctx, t.rb.partition)
	if err != nil {
		return fail(fmt.Errorf("read offset: %w", err))
	}
	pos, hasPos, err := parsePosition(stored)
	if err != nil {
		return fail(fmt.Errorf("stored offset %v: %w", stored, err))
	}
	slotExists, err := t.slotExists(ctx)
	if err != nil {
		return fail(err)
	}
	if t.repl, err = connectReplication(ctx, &t.cfg); err != nil {
		return fail(err)
	}
	ws, err := parseWindows(pos.windows)
	if err != nil {
		return fail(err)
	}
	t.setWindows(ws)
	snapshotDone := hasPos && (!pos.snapshot || pos.lastSnapshot)
	if hasPos && !snapshotDone && slotExists && cfg.snapshotMode != SnapshotNoData && (cfg.snapshotMode != SnapshotAlways || pos.epoch == cfg.epoch) {
		if err := t.resumeSnapshot(ctx, pos); err != nil {
			return fail(err)
		}
		return nil
	}
	needSnapshot := false
	switch cfg.snapshotMode {
	case SnapshotInitial, SnapshotInitialOnly:
		needSnapshot = !snapshotDone
	case SnapshotAlways:
		needSnapshot = !snapshotDone || pos.epoch != cfg.epoch
	case SnapshotWhenNeeded:
		needSnapshot = !snapshotDone || !slotExists
	}
	if !needSnapshot && hasPos && !slotExists {
		return fail(fmt.Errorf("%w: replication slot %q is missing but offsets are stored: the changes since the stored position are lost; "+
			"use snapshot.mode=when_needed to take a new snapshot, or delete the connector's offsets", ErrConfig, cfg.slot))
	}
	if needSnapshot {
		if slotExists {
			// Nothing committed reads from this slot any more: a new slot exports the snapshot
			// the stream continues from, without gap or overlap.
			if err := t.dropSlot(ctx); err != nil {
				return fail(fmt.Errorf("drop slot for a new snapshot: %w", err))
			}
		}
		res, err := pglogrepl.CreateReplicationSlot(ctx, t.repl, cfg.slot, "pgoutput",
			pglogrepl.CreateReplicationSlotOptions{SnapshotAction: "EXPORT_SNAPSHOT", Mode: pglogrepl.LogicalReplication})
		if err != nil {
			return fail(fmt.Errorf("create slot %s: %w", cfg.slot, err))
		}
		cp, err := pglogrepl.ParseLSN(res.ConsistentPoint)
		if err != nil {
			return fail(err)
		}
		if t.snap, err = t.beginSnapshot(ctx, res.SnapshotName, uint64(cp)); err != nil {
			return fail(err)
		}
		t.setWindows(nil)
		t.resume = position{commit: uint64(cp), proc: uint64(cp), epoch: cfg.epoch}
		return nil
	}
	if !slotExists {
		if _, err := pglogrepl.CreateReplicationSlot(ctx, t.repl, cfg.slot, "pgoutput",
			pglogrepl.CreateReplicationSlotOptions{SnapshotAction: "NOEXPORT_SNAPSHOT", Mode: pglogrepl.LogicalReplication}); err != nil {
			return fail(fmt.Errorf("create slot %s: %w", cfg.slot, err))
		}
	}
	pos.snapshot, pos.lastSnapshot = false, false
	t.resume, t.confirmed = pos, pos.commit
	if pos.heartbeatMs > 0 {
		t.lastHeartbeat = time.UnixMilli(pos.heartbeatMs)
	}
	t.idleOnly = cfg.snapshotMode == SnapshotInitialOnly
	t.warnLag(ctx)
	return nil
}

// resumeSnapshot continues a snapshot cut short: the rest is read in the snapshot of a new
// temporary slot, recorded as a window so that the stream, which still starts at the first
// snapshot's point, skips the changes that this later snapshot already holds.
func (t *Task) resumeSnapshot(ctx context.Context, pos position) error {
	var key []string
	if pos.snapKey != "" {
		if err := json.Unmarshal([]byte(pos.snapKey), &key); err != nil {
			return fmt.Errorf("offset field %s: %w", offsetSnapKey, err)
		}
	}
	temp, err := connectReplication(ctx, &t.cfg)
	if err != nil {
		return err
	}
	name := fmt.Sprintf("%s_r%d", t.cfg.slot, time.Now().UnixNano()%1_000_000_000)
	if len(name) > 63 {
		name = name[len(name)-63:]
	}
	res, err := pglogrepl.CreateReplicationSlot(ctx, temp, name, "pgoutput",
		pglogrepl.CreateReplicationSlotOptions{Temporary: true, SnapshotAction: "EXPORT_SNAPSHOT", Mode: pglogrepl.LogicalReplication})
	if err != nil {
		temp.Close(ctx)
		return fmt.Errorf("create temporary slot to resume the snapshot: %w", err)
	}
	point, err := pglogrepl.ParseLSN(res.ConsistentPoint)
	if err != nil {
		temp.Close(ctx)
		return err
	}
	t.setWindows(append(t.windows, window{Table: pos.snapTable, Key: key, Point: uint64(point)}))
	s, err := t.beginSnapshot(ctx, res.SnapshotName, pos.commit)
	if err != nil {
		temp.Close(ctx)
		return err
	}
	s.startTable, s.startKey, s.tempRepl = pos.snapTable, key, temp
	t.snap = s
	t.resume = position{commit: pos.commit, proc: pos.commit, epoch: t.cfg.epoch}
	return nil
}

func connectPlain(ctx context.Context, cfg *config) (*pgx.Conn, error) {
	pc, err := pgx.ParseConfig(cfg.connString(false))
	if err != nil {
		return nil, err
	}
	pc.RuntimeParams["options"] = sessionOptions
	conn, err := pgx.ConnectConfig(ctx, pc)
	if err != nil {
		return nil, fmt.Errorf("connect: %w", err)
	}
	return conn, nil
}

func connectReplication(ctx context.Context, cfg *config) (*pgconn.PgConn, error) {
	pc, err := pgconn.ParseConfig(cfg.connString(true))
	if err != nil {
		return nil, err
	}
	pc.RuntimeParams["options"] = sessionOptions
	pc.RuntimeParams["application_name"] = replicationAppName(cfg)
	conn, err := pgconn.ConnectConfig(ctx, pc)
	if err != nil {
		return nil, fmt.Errorf("connect for replication: %w", err)
	}
	return conn, nil
}

// dropSlot drops the slot, waiting a few seconds for the server process of a previous
// invocation to let it go.
func (t *Task) dropSlot(ctx context.Context) error {
	for attempt := 0; ; attempt++ {
		_, err := t.conn.Exec(ctx, "SELECT pg_drop_replication_slot($1)", t.cfg.slot)
		var pe *pgconn.PgError
		if err == nil || !errors.As(err, &pe) || pe.Code != "55006" || attempt >= 50 {
			return err
		}
		if err := connect.Sleep(ctx, 100*time.Millisecond); err != nil {
			return err
		}
	}
}

func (t *Task) slotExists(ctx context.Context) (bool, error) {
	var plugin string
	err := t.conn.QueryRow(ctx, `SELECT plugin FROM pg_replication_slots WHERE slot_name = $1`, t.cfg.slot).Scan(&plugin)
	if errors.Is(err, pgx.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("read slot %s: %w", t.cfg.slot, err)
	}
	if plugin != "pgoutput" {
		return false, fmt.Errorf("%w: slot %s uses plugin %s, not pgoutput", ErrConfig, t.cfg.slot, plugin)
	}
	return true, nil
}

// SlotLag returns the WAL bytes the slot retains beyond its confirmed position.
func slotLag(ctx context.Context, conn *pgx.Conn, slot string) (int64, error) {
	var lag *int64
	err := conn.QueryRow(ctx, `SELECT (pg_current_wal_lsn() - confirmed_flush_lsn)::bigint FROM pg_replication_slots WHERE slot_name = $1`, slot).Scan(&lag)
	if err != nil {
		return 0, fmt.Errorf("slot lag: %w", err)
	}
	if lag == nil {
		return 0, nil
	}
	return *lag, nil
}

func (t *Task) warnLag(ctx context.Context) {
	lag, err := slotLag(ctx, t.conn, t.cfg.slot)
	if err != nil {
		t.logger.Warn("postgres cdc: read slot lag", "slot", t.cfg.slot, "error", err)
		return
	}
	t.logger.Info("postgres cdc: replication slot lag", "slot", t.cfg.slot, "lag_bytes", lag)
	over := t.cfg.lagWarn > 0 && lag > t.cfg.lagWarn
	if over {
		t.logger.Warn("postgres cdc: replication slot retains more WAL than slot.lag.warn.bytes", "slot", t.cfg.slot,
			"lag_bytes", lag, "threshold", t.cfg.lagWarn)
	}
	if t.status == nil {
		return
	}
	t.status.SetGauge(GaugeSlotLag, float64(lag))
	note := ""
	if over {
		note = fmt.Sprintf("replication slot %s retains %d bytes of WAL, more than %s=%d", t.cfg.slot, lag, SlotLagWarnConfig, t.cfg.lagWarn)
	}
	t.status.SetStatusNote(note)
}

// GaugeSlotLag is the gauge the task reports after each slice: the WAL bytes its
// replication slot retains beyond its confirmed position.
const GaugeSlotLag = "slot_lag_bytes"

// Poll returns the next snapshot rows or streamed changes, waiting at most about a second.
func (t *Task) Poll(ctx context.Context) ([]connect.SourceRecord, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if t.snap != nil {
		recs, err := t.pollSnapshot(ctx)
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		if err != nil {
			return nil, fmt.Errorf("postgres cdc: snapshot: %w", err)
		}
		return recs, nil
	}
	if t.idleOnly {
		return nil, connect.Sleep(ctx, idleWait)
	}
	if !t.streaming {
		if err := t.startStreaming(ctx); err != nil {
			if connect.IsRetriable(err) {
				return nil, err
			}
			return nil, fmt.Errorf("postgres cdc: %w", err)
		}
	}
	recs, err := t.pollStream(ctx)
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	if err != nil {
		return nil, fmt.Errorf("postgres cdc: %w", err)
	}
	return recs, nil
}

func (t *Task) startStreaming(ctx context.Context) error {
	t.startLSN = t.resume.commit
	t.lastComplete = t.resume.commit
	t.pending = max(t.pending, t.startLSN) // covered by the stored offset
	args := []string{"proto_version '1'", "publication_names '" + t.cfg.publication + "'"}
	if t.serverVersion >= messagesMinVersion {
		args = append(args, "messages 'true'") // logical decoding messages, as op m events
	}
	if err := pglogrepl.StartReplication(ctx, t.repl, t.cfg.slot, pglogrepl.LSN(t.startLSN), pglogrepl.StartReplicationOptions{PluginArgs: args}); err != nil {
		err = fmt.Errorf("start replication on slot %s: %w", t.cfg.slot, err)
		var pe *pgconn.PgError
		if errors.As(err, &pe) && pe.Code == "55006" {
			// The slot is still held by the previous invocation's server process.
			return connect.Retriable(err)
		}
		return err
	}
	t.streaming = true
	return t.sendStatus(ctx)
}

// sendStatus tells the server the confirmed position: only what committed offsets cover.
func (t *Task) sendStatus(ctx context.Context) error {
	t.lastStatus = time.Now()
	if t.confirmed == 0 {
		return nil
	}
	lsn := pglogrepl.LSN(t.confirmed)
	if err := pglogrepl.SendStandbyStatusUpdate(ctx, t.repl, pglogrepl.StandbyStatusUpdate{WALWritePosition: lsn, WALFlushPosition: lsn, WALApplyPosition: lsn}); err != nil {
		return fmt.Errorf("standby status: %w", err)
	}
	return nil
}

func (t *Task) pollStream(ctx context.Context) ([]connect.SourceRecord, error) {
	t.out = nil
	start := time.Now()
	for len(t.out) < t.cfg.maxBatch && time.Since(start) < pollBudget {
		wait := cmp.Or(t.idle, idleWait)
		if len(t.out) > 0 {
			wait = burstWait
		}
		rctx, cancel := context.WithTimeout(ctx, wait)
		msg, err := t.repl.ReceiveMessage(rctx)
		cancel()
		if err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			if pgconn.Timeout(err) {
				break
			}
			return nil, connect.Retriable(fmt.Errorf("receive: %w", err))
		}
		switch m := msg.(type) {
		case *pgproto3.CopyData:
			if err := t.handleCopyData(ctx, m.Data); err != nil {
				return nil, err
			}
		case *pgproto3.ErrorResponse:
			return nil, fmt.Errorf("replication: %s (%s)", m.Message, m.Code)
		}
	}
	// A heartbeat every heartbeat.interval.ms, whether or not the position moved, as
	// Debezium's; between transactions only, so that it carries a complete position. The
	// time of the last one is kept in the offsets, so that slices shorter than the interval
	// emit one once the interval has passed since the previous slice's (the first one at once).
	if t.cfg.heartbeatMs > 0 && !t.inTxn && time.Since(t.lastHeartbeat) >= time.Duration(t.cfg.heartbeatMs)*time.Millisecond {
		t.lastHeartbeat = time.Now()
		at := max(t.lastComplete, t.pending)
		p := position{commit: at, proc: at, epoch: t.cfg.epoch, windows: t.windowsAt(at)}
		t.out = append(t.out, t.rb.heartbeat(t.cfg.heartbeatTopic, p.offset()))
	}
	if !t.lastHeartbeat.IsZero() && t.cfg.heartbeatMs > 0 {
		for _, r := range t.out {
			r.SourceOffset[offsetHeartbeat] = t.lastHeartbeat.UnixMilli()
		}
	}
	if time.Since(t.lastStatus) >= statusInterval {
		if err := t.sendStatus(ctx); err != nil {
			return nil, connect.Retriable(err)
		}
	}
	if n := len(t.out); n > 0 {
		p, _, _ := parsePosition(t.out[n-1].SourceOffset)
		t.pending = p.commit
	}
	return t.out, nil
}

func (t *Task) handleCopyData(ctx context.Context, data []byte) error {
	if len(data) == 0 {
		return nil
	}
	switch data[0] {
	case pglogrepl.PrimaryKeepaliveMessageByteID:
		ka, err := pglogrepl.ParsePrimaryKeepaliveMessage(data[1:])
		if err != nil {
			return err
		}
		// Between transactions everything before the server's position was read: nothing
		// committed before it is still to come.
		if !t.inTxn && uint64(ka.ServerWALEnd) > t.lastComplete {
			t.lastComplete = uint64(ka.ServerWALEnd)
		}
		if ka.ReplyRequested {
			return t.sendStatus(ctx)
		}
	case pglogrepl.XLogDataByteID:
		x, err := pglogrepl.ParseXLogData(data[1:])
		if err != nil {
			return err
		}
		return t.handleMessage(ctx, uint64(x.WALStart), x.WALData)
	}
	return nil
}

// Commit is called once the offsets of every record polled so far are stored: the slot may
// now confirm the position they cover.
func (t *Task) Commit(ctx context.Context) error {
	if t.pending <= t.confirmed {
		return nil
	}
	t.confirmed = t.pending
	if !t.streaming || t.repl == nil {
		return nil
	}
	// Ask for a reply, so that the server has applied the position when the task stops.
	lsn := pglogrepl.LSN(t.confirmed)
	if err := pglogrepl.SendStandbyStatusUpdate(ctx, t.repl, pglogrepl.StandbyStatusUpdate{WALWritePosition: lsn, WALFlushPosition: lsn,
		WALApplyPosition: lsn, ReplyRequested: true}); err != nil {
		return fmt.Errorf("postgres cdc: standby status: %w", err)
	}
	deadline := time.Now().Add(2 * time.Second)
	for time.Now().Before(deadline) {
		rctx, cancel := context.WithDeadline(ctx, deadline)
		msg, err := t.repl.ReceiveMessage(rctx)
		cancel()
		if err != nil {
			return nil // the position was sent; the reply is a courtesy
		}
		// Changes after the committed position are read again by the next slice.
		if cd, ok := msg.(*pgproto3.CopyData); ok && len(cd.Data) > 0 && cd.Data[0] == pglogrepl.PrimaryKeepaliveMessageByteID {
			return nil
		}
	}
	return nil
}

// Stop warns about slot lag and closes the connections. It is safe to call more than once.
func (t *Task) Stop() error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if t.snap != nil {
		t.snap.close(ctx)
		t.snap = nil
	}
	if t.conn != nil && !t.conn.IsClosed() && t.cfg.slot != "" {
		t.warnLag(ctx)
	}
	var errs []error
	if t.repl != nil {
		errs = append(errs, t.repl.Close(ctx))
		t.repl = nil
	}
	if t.conn != nil {
		errs = append(errs, t.conn.Close(ctx))
		t.conn = nil
	}
	return errors.Join(errs...)
}
