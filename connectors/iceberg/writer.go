package iceberg

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"maps"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	ice "github.com/apache/iceberg-go"
	"github.com/apache/iceberg-go/catalog"
	"github.com/apache/iceberg-go/table"
	"github.com/google/uuid"

	"github.com/connectless/connectless/core/connect"
	"github.com/connectless/connectless/core/connect/transient"
)

// ErrFenced is returned when a table's offsets of this task's partitions moved since the task
// read them: another invocation of the task (a retry, a zombie) committed them. Nothing of
// this invocation is visible in the table. The error is marked transient.LaterError: the
// slice ends and a later one starts from the table again.
var ErrFenced = errors.New("iceberg commit fenced: another invocation committed these partitions")

// bufferBytes is how much record input a table buffers in Arrow builders before it is
// written out as data files (not yet committed).
const bufferBytes = 64 << 20

// maxCommitAttempts bounds the retries of a commit that lost the race to a commit of other
// partitions (another task writing the same table).
const maxCommitAttempts = 20

// tableWriter buffers one table's records and commits them.
type tableWriter struct {
	t     *Task
	name  string
	ident table.Identifier
	tbl   *table.Table
	// wm holds the offsets in the snapshot this writer is based on (loaded, or committed by
	// it): every record of a partition below its offset that routes here is in the table.
	wm offsetMap
	// pendingFrom holds, per partition, the offset of the first record buffered or written
	// but not committed.
	pendingFrom offsetMap
	// Buffered rows go into bld (Arrow schema sc); finished batches wait in batches.
	sc        *arrow.Schema
	bldSchema *ice.Schema // the table schema sc was made from
	bld       *array.RecordBuilder
	batches   []arrow.RecordBatch
	buffered  int64 // bytes of record input in bld and batches
	rows      int
	files     []ice.DataFile // written, not committed
}

func (w *tableWriter) structType() *ice.StructType {
	st := w.tbl.Schema().AsStruct()
	return &st
}

// adopt takes tbl as the writer's base. With check, the offsets of the task's partitions in
// tbl's current snapshot must equal the writer's: otherwise another invocation committed them.
func (w *tableWriter) adopt(tbl *table.Table, check bool) error {
	head := tableOffsets(tbl, w.t.cfg.GroupID)
	if check {
		if err := w.fencedBy(w.tbl, tbl); err != nil {
			return transient.MarkLater(err) // a later slice starts from the table again
		}
		for _, tp := range w.t.tps {
			mine, had := w.wm[tp]
			theirs, has := head[tp]
			if had != has || mine != theirs {
				// A later slice starts from the table again; this one's work is void.
				return transient.MarkLater(fmt.Errorf("%w: table %s, %s-%d: offset %d in the table, %d when this invocation read it (lease token %d)",
					ErrFenced, w.name, tp.Topic, tp.Partition, theirs, mine, w.t.token))
			}
		}
	}
	w.tbl, w.wm = tbl, head
	if w.sc != nil && !w.tbl.Schema().Equals(w.schemaOfBuilder()) {
		w.finishBatch()
	}
	return nil
}

// schemaOfBuilder is the table schema the current builder was made for.
func (w *tableWriter) schemaOfBuilder() *ice.Schema { return w.bldSchema }

// add converts a record's value to the table schema and buffers it.
func (w *tableWriter) add(rec *connect.SinkRecord, tp connect.TopicPartition, size int) error {
	vals, err := convertStruct(rec.Value, w.structType())
	if err != nil {
		return err
	}
	if w.bld == nil {
		sc, err := table.SchemaToArrowSchema(w.tbl.Schema(), nil, true, false)
		if err != nil {
			return fmt.Errorf("table %s: arrow schema: %w", w.name, err)
		}
		w.sc, w.bldSchema = sc, w.tbl.Schema()
		w.bld = array.NewRecordBuilder(memory.DefaultAllocator, sc)
	}
	for i := range w.bld.Fields() {
		var v any
		if i < len(vals) {
			v = vals[i]
		}
		if err := appendValue(w.bld.Field(i), v); err != nil {
			return fmt.Errorf("table %s: %w", w.name, err)
		}
	}
	if _, ok := w.pendingFrom[tp]; !ok {
		w.pendingFrom[tp] = rec.KafkaOffset()
	}
	w.rows++
	w.buffered += int64(size)
	return nil
}

// finishBatch turns the builder's rows into a batch.
func (w *tableWriter) finishBatch() {
	if w.bld == nil {
		return
	}
	if w.bld.Field(0).Len() > 0 {
		w.batches = append(w.batches, w.bld.NewRecordBatch())
	}
	w.bld.Release()
	w.bld, w.sc, w.bldSchema = nil, nil, nil
}

// writeFiles writes the buffered batches as data files (not committed).
func (w *tableWriter) writeFiles(ctx context.Context) error {
	w.finishBatch()
	for len(w.batches) > 0 {
		// Batches of one Arrow schema go through one WriteRecords call, so files roll at the
		// target size across them.
		sc := w.batches[0].Schema()
		n := 1
		for n < len(w.batches) && w.batches[n].Schema().Equal(sc) {
			n++
		}
		group := w.batches[:n]
		w.batches = w.batches[n:]
		seq := func(yield func(arrow.RecordBatch, error) bool) {
			for i, b := range group {
				if !yield(b, nil) {
					for _, rest := range group[i+1:] {
						rest.Release()
					}
					return
				}
			}
		}
		for df, err := range table.WriteRecords(ctx, w.tbl, sc, iter.Seq2[arrow.RecordBatch, error](seq), table.WithTargetFileSize(w.t.targetFileSize(w.tbl))) {
			if err != nil {
				return fmt.Errorf("table %s: write data files: %w", w.name, err)
			}
			w.files = append(w.files, df)
		}
	}
	w.buffered = 0
	return nil
}

// dirty reports whether the writer holds records not committed yet.
func (w *tableWriter) dirty() bool { return len(w.pendingFrom) > 0 }

// commit writes what is buffered and appends one snapshot with the files and the task's
// offsets, conditioned on the snapshot the writer is based on. A conflicting commit of other
// partitions makes it retry on the new snapshot; one of the task's own partitions, or a newer
// lease of its task, fences it.
func (w *tableWriter) commit(ctx context.Context) error {
	if !w.dirty() {
		return nil
	}
	if err := w.writeFiles(ctx); err != nil {
		return err
	}
	started := time.Now()
	var next offsetMap
	tbl, attempts, err := w.appendSnapshot(ctx, "commit", w.files, func() ice.Properties {
		next = maps.Clone(w.wm)
		for tp, off := range w.t.processed {
			if off > next[tp] {
				next[tp] = off
			}
		}
		return summaryProps(next, w.t.cfg.GroupID)
	}, func(fresh *table.Table) error { return w.adopt(fresh, true) })
	if err != nil {
		return err
	}
	w.t.log.Info("iceberg commit", "table", w.name, "snapshot", tbl.CurrentSnapshot().SnapshotID, "attempt", attempts,
		"files", len(w.files), "ms", time.Since(started).Milliseconds())
	w.tbl, w.wm, w.files = tbl, next, nil
	clear(w.pendingFrom)
	return nil
}

// appendSnapshot appends files in one snapshot whose summary is props() (made anew for every
// attempt, from the writer's base then) plus the commit id and the lease tokens, conditioned
// on the snapshot the writer is based on, and returns the table with it. When the catalog
// refuses, its current state decides, whatever the error says: the snapshot landed (an
// answer lost on the way), nothing moved (a real failure), or another commit changed the
// table: onRace takes the fresh table as the new base or ends the commit with its error.
func (w *tableWriter) appendSnapshot(ctx context.Context, what string, files []ice.DataFile, props func() ice.Properties,
	onRace func(fresh *table.Table) error) (*table.Table, int, error) {
	commitID := uuid.NewString()
	for attempt := 1; ; attempt++ {
		p := props()
		p[CommitIDProp] = commitID
		w.t.tokenProps(w.tbl, p)
		tx := w.tbl.NewTransaction()
		err := tx.AssertRefSnapshotID(table.MainBranch)
		if err == nil {
			err = tx.AddDataFiles(ctx, files, p)
		}
		var tbl *table.Table
		if err == nil {
			if tbl, err = tx.Commit(ctx); err == nil {
				return tbl, attempt, nil
			}
		}
		fresh, lerr := w.t.cat.LoadTable(ctx, w.ident)
		if lerr != nil {
			return nil, attempt, errors.Join(fmt.Errorf("table %s: %s: %w", w.name, what, err), fmt.Errorf("reload: %w", lerr))
		}
		if head := fresh.CurrentSnapshot(); head != nil && head.Summary != nil && head.Summary.Properties[CommitIDProp] == commitID {
			return fresh, attempt, nil
		}
		if fresh.MetadataLocation() == w.tbl.MetadataLocation() {
			return nil, attempt, fmt.Errorf("table %s: %s: %w", w.name, what, err)
		}
		if attempt >= maxCommitAttempts {
			return nil, attempt, transient.MarkLater(fmt.Errorf("table %s: %s lost %d races to other writers: %w", w.name, what, attempt, err))
		}
		if err := onRace(fresh); err != nil {
			return nil, attempt, err
		}
	}
}

// evolve adds the record type's new columns (optional) and widenings to the table, in a
// commit of its own; an incompatible change is an ErrSchema error.
func (w *tableWriter) evolve(ctx context.Context, rt *ice.StructType) error {
	for attempt := 1; ; attempt++ {
		tx := w.tbl.NewTransaction()
		us := tx.UpdateSchema(true, false).UnionByNameWith(ice.NewSchema(0, optionalFields(rt.FieldList)...))
		if err := us.Commit(); err != nil {
			return fmt.Errorf("%w: table %s: %w", ErrSchema, w.name, err)
		}
		tbl, err := tx.Commit(ctx)
		if err == nil {
			w.t.log.Info("iceberg schema evolved", "table", w.name, "schema", tbl.Schema().ID)
			return w.adopt(tbl, true)
		}
		fresh, lerr := w.t.cat.LoadTable(ctx, w.ident)
		if lerr != nil || attempt >= 3 {
			// Another writer keeps changing the table (or the catalog is away): a later slice
			// tries again.
			return transient.MarkLater(fmt.Errorf("table %s: evolve schema: %w", w.name, errors.Join(err, lerr)))
		}
		if aerr := w.adopt(fresh, true); aerr != nil {
			return aerr
		}
		if !newColumns(rt, w.structType()) {
			return nil // another writer made the change
		}
	}
}

func optionalFields(fs []ice.NestedField) []ice.NestedField {
	out := make([]ice.NestedField, len(fs))
	for i, f := range fs {
		f.Required = false
		if st, ok := f.Type.(*ice.StructType); ok {
			f.Type = &ice.StructType{FieldList: optionalFields(st.FieldList)}
		}
		out[i] = f
	}
	return out
}

// createTable creates a missing table (and its namespace) from a record's type.
func (t *Task) createTable(ctx context.Context, name string, ident table.Identifier, rt *ice.StructType) (*table.Table, error) {
	ns := catalog.NamespaceFromIdent(ident)
	if ok, err := t.cat.CheckNamespaceExists(ctx, ns); err != nil {
		return nil, fmt.Errorf("check namespace of %s: %w", name, err)
	} else if !ok {
		if err := t.cat.CreateNamespace(ctx, ns, nil); err != nil && !errors.Is(err, catalog.ErrNamespaceAlreadyExists) {
			return nil, fmt.Errorf("create namespace of %s: %w", name, err)
		}
	}
	sc := ice.NewSchema(0, rt.FieldList...)
	opts := []catalog.CreateTableOpt{}
	if terms := t.cfg.PartitionFor(name); len(terms) > 0 {
		spec, err := partitionSpec(terms, sc)
		if err != nil {
			return nil, fmt.Errorf("%w: table %s: %w", ErrSchema, name, err)
		}
		opts = append(opts, catalog.WithPartitionSpec(spec))
	}
	if len(t.cfg.AutoCreateProps) > 0 {
		opts = append(opts, catalog.WithProperties(ice.Properties(maps.Clone(t.cfg.AutoCreateProps))))
	}
	tbl, err := t.cat.CreateTable(ctx, ident, sc, opts...)
	if errors.Is(err, catalog.ErrTableAlreadyExists) {
		return t.cat.LoadTable(ctx, ident)
	}
	if err != nil {
		return nil, fmt.Errorf("create table %s: %w", name, err)
	}
	t.log.Info("iceberg table created", "table", name, "location", tbl.Location())
	return tbl, nil
}
