package iceberg

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"strconv"

	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
	ice "github.com/apache/iceberg-go"
	icebergio "github.com/apache/iceberg-go/io"
	"github.com/apache/iceberg-go/table"
	"github.com/google/uuid"

	"github.com/connectless/connectless/core/connect/transient"
)

// LeaseTakeover is the optional task-context ability that describes the slice's lease
// beyond its token. With it a task records its token in the tables, fences a previous holder
// that did not release the lease in every table it opens, and finds out it is stale itself.
type LeaseTakeover interface {
	// TaskID is the task the lease is of.
	TaskID() int
	// LeaseTookOver reports that the lease was taken from a holder that did not release
	// it, which may still be running and commit.
	LeaseTookOver() bool
	// LeaseCurrent reports whether the lease is still the task's current one in the state
	// store (asked when a table records a newer token of the task than the lease's).
	LeaseCurrent(ctx context.Context) (bool, error)
}

// FenceProp marks a fencing snapshot: an append of one data file without rows, committed by
// a task whose lease was taken over, so that the previous holder's commits fail.
const FenceProp = "connectless.fence"

// leaseTokens are the lease tokens of a connector's tasks (task id → token) as the table last
// recorded them; every commit of the sink carries the whole map.
type leaseTokens map[string]int64

// tableTokens reads group's lease tokens from the latest snapshot of the main branch that has
// them, as tableOffsets reads offsets.
func tableTokens(tbl *table.Table, group string) leaseTokens {
	key := LeaseTokensPropPrefix + group
	var out leaseTokens
	walkBack(tbl, func(s *table.Snapshot) bool {
		if s.Summary == nil {
			return false
		}
		v, ok := s.Summary.Properties[key]
		if !ok {
			return false
		}
		if json.Unmarshal([]byte(v), &out) != nil {
			out = nil
			return false
		}
		return true
	})
	if out == nil {
		out = leaseTokens{}
	}
	return out
}

// leased reports whether the task knows its lease (token and task id): only then are tokens
// recorded in the tables and checked.
func (t *Task) leased() bool { return t.token > 0 && t.taskID >= 0 }

// tokenProps adds the task's lease token to the map in tbl and renders it as summary
// properties.
func (t *Task) tokenProps(tbl *table.Table, props ice.Properties) {
	props[LeaseTokenProp] = strconv.FormatInt(t.token, 10)
	if !t.leased() {
		return
	}
	toks := maps.Clone(tableTokens(tbl, t.cfg.GroupID))
	toks[strconv.Itoa(t.taskID)] = t.token
	b, _ := json.Marshal(toks) // keys sorted by encoding/json
	props[LeaseTokensPropPrefix+t.cfg.GroupID] = string(b)
}

// fencedBy returns an ErrFenced error when a commit made since base, the snapshot the writer
// is based on, recorded a newer lease of this task than the writer's: that holder took the
// lease over and fenced this invocation. A token that was already in base (a table kept
// while the state store was replaced, whose tokens restarted) fences nothing.
func (w *tableWriter) fencedBy(base, fresh *table.Table) error {
	t := w.t
	if !t.leased() {
		return nil
	}
	id := strconv.Itoa(t.taskID)
	theirs, was := tableTokens(fresh, t.cfg.GroupID)[id], tableTokens(base, t.cfg.GroupID)[id]
	if theirs == was || theirs <= t.token {
		return nil
	}
	return fmt.Errorf("%w: table %s: task %d's lease token %d was taken over by token %d", ErrFenced, w.name, t.taskID, t.token, theirs)
}

// checkStale fails with ErrFenced when the table records a newer lease token of this task
// than the slice's and the state store confirms that the lease was taken over: the slice
// started after a newer holder touched the table, so none of its commits may land. A newer
// token while the lease is still current comes from a state store that was replaced (its
// tokens restarted) and is overwritten by this lease's commits.
func (w *tableWriter) checkStale(ctx context.Context) error {
	t := w.t
	if !t.leased() || t.lease == nil {
		return nil
	}
	theirs := tableTokens(w.tbl, t.cfg.GroupID)[strconv.Itoa(t.taskID)]
	if theirs <= t.token {
		return nil
	}
	current, err := t.lease.LeaseCurrent(ctx)
	if err != nil {
		return fmt.Errorf("table %s records lease token %d of task %d, this slice's is %d: check the lease: %w",
			w.name, theirs, t.taskID, t.token, err)
	}
	if current {
		t.log.Warn("a table records a newer lease token of this task than the current lease's; the state store was replaced",
			"table", w.name, "table token", theirs, "token", t.token)
		return nil
	}
	return transient.MarkLater(fmt.Errorf("%w: table %s: task %d's lease token %d was taken over by token %d before this slice opened the table",
		ErrFenced, w.name, t.taskID, t.token, theirs))
}

// fence commits a fencing snapshot when the task took its lease over and the table does not
// hold this lease's token yet: an append of one data file without rows, carrying the table's
// offsets unchanged and this lease's token. A commit the previous holder prepared on an
// earlier snapshot then conflicts and, finding the newer token, fails with ErrFenced.
func (w *tableWriter) fence(ctx context.Context) error {
	t := w.t
	if !t.tookOver || !t.leased() || tableTokens(w.tbl, t.cfg.GroupID)[strconv.Itoa(t.taskID)] == t.token {
		return nil
	}
	df, err := w.emptyDataFile(ctx)
	if err != nil {
		return err
	}
	tbl, _, err := w.appendSnapshot(ctx, "fencing commit", []ice.DataFile{df}, func() ice.Properties {
		props := summaryProps(w.wm, t.cfg.GroupID)
		props[FenceProp] = "true"
		return props
	}, func(fresh *table.Table) error {
		// A newer lease of this task got there first (this invocation paused mid-commit):
		// it is the stale one now. Anything else (offsets the previous holder committed,
		// other tasks' commits) is taken as the new base.
		if err := w.fencedBy(w.tbl, fresh); err != nil {
			return transient.MarkLater(err)
		}
		return w.adopt(fresh, false)
	})
	if err != nil {
		return err
	}
	t.log.Info("iceberg fencing snapshot: the lease was taken over", "table", w.name,
		"snapshot", tbl.CurrentSnapshot().SnapshotID, "token", t.token)
	return w.adopt(tbl, false)
}

// emptyDataFile writes a Parquet data file without rows in the table's schema (field ids
// included) where the table's data files go, and describes it; its partition values are null.
func (w *tableWriter) emptyDataFile(ctx context.Context) (ice.DataFile, error) {
	sc, err := table.SchemaToArrowSchema(w.tbl.Schema(), nil, true, false)
	if err != nil {
		return nil, fmt.Errorf("table %s: arrow schema: %w", w.name, err)
	}
	var buf bytes.Buffer
	fw, err := pqarrow.NewFileWriter(sc, &buf, parquet.NewWriterProperties(), pqarrow.DefaultWriterProps())
	if err != nil {
		return nil, fmt.Errorf("table %s: fencing data file: %w", w.name, err)
	}
	if err := fw.Close(); err != nil {
		return nil, fmt.Errorf("table %s: fencing data file: %w", w.name, err)
	}
	locs, err := w.tbl.LocationProvider()
	if err != nil {
		return nil, fmt.Errorf("table %s: data location: %w", w.name, err)
	}
	path := locs.NewDataLocation("connectless-fence-" + uuid.NewString() + ".parquet")
	fs, err := w.tbl.FS(ctx)
	if err != nil {
		return nil, fmt.Errorf("table %s: file io: %w", w.name, err)
	}
	wfs, ok := fs.(icebergio.WriteFileIO)
	if !ok {
		return nil, fmt.Errorf("table %s: the warehouse's file io cannot write", w.name)
	}
	if err := wfs.WriteFile(path, buf.Bytes()); err != nil {
		return nil, fmt.Errorf("table %s: write fencing data file: %w", w.name, err)
	}
	spec := w.tbl.Spec()
	part := map[int]any{}
	for _, f := range spec.Fields() {
		part[f.FieldID] = nil
	}
	b, err := ice.NewDataFileBuilder(spec, ice.EntryContentData, path, ice.ParquetFile, part, nil, nil, 0, int64(buf.Len()))
	if err != nil {
		return nil, fmt.Errorf("table %s: fencing data file: %w", w.name, err)
	}
	return b.Build(), nil
}
