package iceberg

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	ice "github.com/apache/iceberg-go"
	"github.com/apache/iceberg-go/catalog"
	"github.com/apache/iceberg-go/table"

	"github.com/connectless/connectless/core/connect"
)

// LeaseTokener is the optional task-context ability that gives the fencing token of the
// lease the slice runs under; the token is written into every snapshot summary.
type LeaseTokener interface {
	LeaseToken() int64
}

// Task is the Iceberg sink task: it buffers each slice's records per table and appends one
// snapshot per table and commit, carrying the offsets it covers.
type Task struct {
	log   *slog.Logger
	now   func() time.Time
	cfg   *settings
	tctx  connect.SinkTaskContext
	cat   catalog.Catalog
	token int64
	// taskID is the task the lease is of (-1: unknown, tokens are not recorded); tookOver
	// says the lease was taken from a holder that did not release it; lease is the task
	// context's LeaseTakeover ability, nil without it.
	taskID   int
	tookOver bool
	lease    LeaseTakeover
	tps      []connect.TopicPartition // the slice's assignment
	writers  map[string]*tableWriter
	// processed holds, per partition, the offset after the last record handled (written,
	// skipped as already in the tables, or sent to error handling).
	processed  offsetMap
	lastCommit time.Time
}

// NewTask returns an unstarted task that logs to log (nil: the task context's logger).
func NewTask(log *slog.Logger) *Task { return &Task{log: log, now: time.Now} }

// Start parses the configuration, opens the catalog, loads the configured tables and resets
// the assigned partitions to the offsets the tables hold. A configured table that does not
// exist while iceberg.tables.auto-create-enabled is false fails it with a
// *connect.PreflightError (the catalog preflight's finding).
func (t *Task) Start(ctx context.Context, props map[string]string, tctx connect.SinkTaskContext) error {
	if t.log == nil {
		t.log = tctx.Logger()
	}
	cfg, err := parse(props)
	if err != nil {
		return err
	}
	t.cfg, t.tctx = cfg, tctx
	if lt, ok := tctx.(LeaseTokener); ok {
		t.token = lt.LeaseToken()
	}
	t.taskID, t.tookOver, t.lease = -1, false, nil
	if lt, ok := tctx.(LeaseTakeover); ok {
		t.taskID, t.tookOver, t.lease = lt.TaskID(), lt.LeaseTookOver(), lt
	}
	t.tps = tctx.Assignment()
	t.writers = map[string]*tableWriter{}
	t.processed = offsetMap{}
	t.lastCommit = t.now()
	if t.cat, err = openCatalog(ctx, cfg); err != nil {
		return err
	}
	if cfg.Dynamic {
		return nil
	}
	// With a fixed table list the tables say where each partition resumes: the lowest offset
	// any of them holds (records below a table's own offset are skipped for that table). A
	// partition some table has no offset of resumes from the state store's.
	resume := offsetMap{}
	missing := map[connect.TopicPartition]bool{}
	for _, name := range cfg.Tables {
		w, err := t.writer(ctx, name)
		if err != nil {
			return err
		}
		if w == nil && !cfg.AutoCreate {
			// the catalog preflight's finding: a program that validated this configuration
			// without the catalog client (the REST function) relies on it being found here
			return &connect.PreflightError{Findings: []connect.PreflightFinding{{Key: TablesConfig, Message: missingTable(cfg, name)}}}
		}
		for _, tp := range t.tps {
			var off int64
			ok := false
			if w != nil {
				off, ok = w.wm[tp]
			}
			if !ok {
				missing[tp] = true
				continue
			}
			if cur, seen := resume[tp]; !seen || off < cur {
				resume[tp] = off
			}
		}
	}
	for tp := range missing {
		delete(resume, tp)
	}
	if len(resume) > 0 {
		t.log.Info("resuming from the offsets in the tables", "offsets", fmt.Sprint(resume))
		tctx.ResetOffsets(resume)
		// The tables hold these records: the state store follows them even when no record
		// comes in this slice (an invocation that committed to the tables but lost its lease
		// before the state store could follow would leave it behind for good).
		maps.Copy(t.processed, resume)
	}
	return nil
}

// writer returns the writer of a table, loading the table on first use; nil (and no error)
// when the table does not exist yet.
func (t *Task) writer(ctx context.Context, name string) (*tableWriter, error) {
	if w, ok := t.writers[name]; ok {
		return w, nil
	}
	ident, err := parseIdent(name)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrSchema, err)
	}
	tbl, err := t.cat.LoadTable(ctx, ident)
	if errors.Is(err, catalog.ErrNoSuchTable) || errors.Is(err, catalog.ErrNoSuchNamespace) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("load table %s: %w", name, err)
	}
	return t.open(ctx, name, ident, tbl)
}

// open makes the writer of a table just loaded or created: it fails when this slice's lease
// is stale for the table and fences a previous holder when the lease was taken over.
func (t *Task) open(ctx context.Context, name string, ident table.Identifier, tbl *table.Table) (*tableWriter, error) {
	w := &tableWriter{t: t, name: name, ident: ident, pendingFrom: offsetMap{}}
	if err := w.adopt(tbl, false); err != nil {
		return nil, err
	}
	if err := w.checkStale(ctx); err != nil {
		return nil, err
	}
	if err := w.fence(ctx); err != nil {
		return nil, err
	}
	t.writers[name] = w
	return w, nil
}

// Put routes each record to its tables, evolving or creating them as configured, and buffers
// it; a record that does not fit goes to error handling. Every iceberg.control.commit.interval-ms
// the tables are committed.
func (t *Task) Put(ctx context.Context, records []connect.SinkRecord) error {
	for i := range records {
		rec := &records[i]
		tp, off := position(rec)
		if err := t.put(ctx, rec, tp, off); err != nil {
			if !errors.Is(err, ErrSchema) {
				return err
			}
			if rerr := t.tctx.Reporter().Report(ctx, *rec, err); rerr != nil {
				return rerr
			}
		}
		t.processed[tp] = off + 1
	}
	if t.now().Sub(t.lastCommit) >= t.cfg.CommitInterval {
		return t.commitAll(ctx)
	}
	return nil
}

// position is where a record was read from: offsets are tracked against it, so a
// topic-renaming transformation does not move them.
func position(rec *connect.SinkRecord) (connect.TopicPartition, int64) {
	if rec.OriginalTopic != "" {
		return connect.TopicPartition{Topic: rec.OriginalTopic, Partition: rec.OriginalPartition}, rec.OriginalOffset
	}
	return connect.TopicPartition{Topic: rec.Topic, Partition: rec.KafkaPartition()}, rec.KafkaOffset()
}

func (t *Task) put(ctx context.Context, rec *connect.SinkRecord, tp connect.TopicPartition, off int64) error {
	if rec.Value == nil {
		return nil // a tombstone: nothing to append (the Apache sink skips null values too)
	}
	names, err := t.route(rec)
	if err != nil {
		return err
	}
	var rt *ice.StructType
	for _, name := range names {
		w, err := t.writer(ctx, name)
		if err != nil {
			return err
		}
		if w != nil {
			if prev, ok := w.wm[tp]; ok && off < prev {
				continue // already in this table
			}
		}
		if rt == nil && (w == nil || t.cfg.Evolve) {
			if rt, err = recordStruct(rec, t.cfg.ForceOptional); err != nil {
				return err
			}
		}
		if w == nil {
			if !t.cfg.AutoCreate {
				return fmt.Errorf("table %s does not exist and %s is false", name, AutoCreateConfig)
			}
			ident, _ := parseIdent(name)
			tbl, err := t.createTable(ctx, name, ident, rt)
			if err != nil {
				return err
			}
			// created, or created by another writer meanwhile and loaded
			if w, err = t.open(ctx, name, ident, tbl); err != nil {
				return err
			}
		}
		if t.cfg.Evolve && newColumns(rt, w.structType()) {
			if err := w.evolve(ctx, rt); err != nil {
				return err
			}
		}
		size := len(rec.RawValue)
		if size == 0 {
			size = 256
		}
		if err := w.add(rec, tp, size); err != nil {
			return fmt.Errorf("table %s: %w", name, err)
		}
		if w.buffered >= bufferBytes {
			if err := w.writeFiles(ctx); err != nil {
				return err
			}
		}
	}
	return nil
}

// route returns the tables a record goes to.
func (t *Task) route(rec *connect.SinkRecord) ([]string, error) {
	if t.cfg.RouteField == "" {
		return t.cfg.Tables, nil
	}
	v, ok := fieldPath(rec.Value, t.cfg.RouteField)
	if t.cfg.Dynamic {
		s, isStr := v.(string)
		if !ok || !isStr || strings.TrimSpace(s) == "" {
			return nil, fmt.Errorf("%w: route field %s is missing or not a string", ErrSchema, t.cfg.RouteField)
		}
		return []string{strings.ToLower(strings.TrimSpace(s))}, nil
	}
	if !ok || v == nil {
		return nil, nil
	}
	s := fmt.Sprint(v)
	var out []string
	for _, name := range t.cfg.Tables {
		if tc, ok := t.cfg.TableConfigs[name]; ok && tc.RouteRegex != nil && tc.RouteRegex.MatchString(s) {
			out = append(out, name)
		}
	}
	return out, nil
}

// fieldPath reads a dotted field path of a struct or map value.
func fieldPath(v any, path string) (any, bool) {
	for _, p := range strings.Split(path, ".") {
		get, err := fieldGetter(v)
		if err != nil {
			return nil, false
		}
		var ok bool
		if v, ok = get(p); !ok {
			return nil, false
		}
	}
	return v, true
}

// commitAll commits every table with uncommitted records, in name order.
func (t *Task) commitAll(ctx context.Context) error {
	for _, name := range slices.Sorted(maps.Keys(t.writers)) {
		if err := t.writers[name].commit(ctx); err != nil {
			return err
		}
	}
	t.lastCommit = t.now()
	return nil
}

// Flush commits every table.
func (t *Task) Flush(ctx context.Context, _ map[connect.TopicPartition]int64) error {
	return t.commitAll(ctx)
}

// PreCommit commits every table and returns, per partition, the offset below which every
// record is in all its tables: the state store's offsets follow the tables.
func (t *Task) PreCommit(ctx context.Context, _ map[connect.TopicPartition]int64) (map[connect.TopicPartition]int64, error) {
	err := t.commitAll(ctx)
	out := map[connect.TopicPartition]int64{}
	for tp, off := range t.processed {
		for _, w := range t.writers {
			if from, ok := w.pendingFrom[tp]; ok && from < off {
				off = from
			}
		}
		out[tp] = off
	}
	return out, err
}

// targetFileSize is the data file size of a table: its write.target-file-size-bytes
// property, else iceberg.tables.target-file-size-bytes.
func (t *Task) targetFileSize(tbl *table.Table) int64 {
	if v, ok := tbl.Properties()[table.WriteTargetFileSizeBytesKey]; ok {
		if n, err := strconv.ParseInt(v, 10, 64); err == nil && n > 0 {
			return n
		}
	}
	return t.cfg.TargetFileSize
}

// Stop releases the buffered records and closes the catalog.
func (t *Task) Stop() error {
	for _, w := range t.writers {
		w.finishBatch()
		for _, b := range w.batches {
			b.Release()
		}
		w.batches = nil
	}
	if t.cat != nil {
		err := CloseCatalog(t.cat)
		t.cat = nil
		return err
	}
	return nil
}
