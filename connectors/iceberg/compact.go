package iceberg

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	ice "github.com/apache/iceberg-go"
	"github.com/apache/iceberg-go/catalog"
	"github.com/apache/iceberg-go/table"
	"github.com/apache/iceberg-go/table/compaction"
)

// CompactOptions tune Compact.
type CompactOptions struct {
	// TargetFileSize is the data file size to aim at; 0 uses the table's
	// write.target-file-size-bytes (Iceberg's default, 512 MiB, when unset).
	TargetFileSize int64
	// ExpireOlderThan expires snapshots older than this; 0 keeps every snapshot.
	ExpireOlderThan time.Duration
	// RetainLast is the number of snapshots kept whatever their age. Default 1.
	RetainLast int
	// OrphansOlderThan, when above zero, deletes the files under the table's location that
	// no snapshot or metadata references and that are older than this (iceberg-go's
	// DeleteOrphanFiles, as Iceberg's remove_orphan_files, whose default age is 3 days):
	// the data files of fenced or killed invocations. The age keeps the files of commits in
	// progress; it must exceed the longest slice.
	OrphansOlderThan time.Duration
}

// CompactResult says what Compact did.
type CompactResult struct {
	FilesBefore, FilesAfter  int
	Rewritten, Added         int
	SnapshotsBefore, Expired int
	BytesBefore              int64
	// Orphans and OrphanBytes are the unreferenced files deleted (OrphansOlderThan);
	// OrphanFiles are their locations.
	Orphans     int
	OrphanBytes int64
	OrphanFiles []string
}

// Compact rewrites a table's small data files into files of about the target size (one
// atomic replace snapshot, iceberg-go's compaction planner and RewriteDataFiles), then
// expires old snapshots and deletes the files only they referenced, then deletes orphan
// files (referenced by nothing) past a safety age. The rewrite snapshot
// carries the sink's offset properties of the snapshot it replaces, so the sink resumes from
// it as from any of its own.
func Compact(ctx context.Context, cat catalog.Catalog, name string, opts CompactOptions) (CompactResult, error) {
	var res CompactResult
	ident, err := parseIdent(name)
	if err != nil {
		return res, err
	}
	tbl, err := cat.LoadTable(ctx, ident)
	if err != nil {
		return res, fmt.Errorf("load table %s: %w", name, err)
	}
	cfg := compaction.DefaultConfig()
	target := opts.TargetFileSize
	if target <= 0 {
		if v, err := strconv.ParseInt(tbl.Properties()[table.WriteTargetFileSizeBytesKey], 10, 64); err == nil && v > 0 {
			target = v
		}
	}
	if target > 0 {
		cfg.TargetFileSizeBytes, cfg.MinFileSizeBytes, cfg.MaxFileSizeBytes = target, target*3/4, target*9/5
	}
	cfg.MinInputFiles = 2
	plan, err := compaction.Analyze(ctx, tbl, cfg)
	if err != nil {
		return res, fmt.Errorf("plan compaction of %s: %w", name, err)
	}
	res.FilesBefore, res.BytesBefore = plan.TotalInputFiles, plan.TotalInputBytes
	res.SnapshotsBefore = len(tbl.Metadata().Snapshots())
	if len(plan.Groups) > 0 {
		groups := make([]table.CompactionTaskGroup, len(plan.Groups))
		for i, g := range plan.Groups {
			groups[i] = table.CompactionTaskGroup{PartitionKey: g.PartitionKey, Tasks: g.Tasks, TotalSizeBytes: g.TotalSizeBytes}
		}
		props := ice.Properties{}
		if s := tbl.CurrentSnapshot(); s != nil && s.Summary != nil {
			for k, v := range s.Summary.Properties {
				if strings.HasPrefix(k, OffsetsPropPrefix) {
					props[k] = v
				}
			}
		}
		tx := tbl.NewTransaction()
		// The sink's offsets are only valid for the snapshot they were read from.
		if err := tx.AssertRefSnapshotID(table.MainBranch); err != nil {
			return res, err
		}
		rw, err := tx.RewriteDataFiles(ctx, groups, table.RewriteDataFilesOptions{SnapshotProps: props})
		if err != nil {
			return res, fmt.Errorf("rewrite data files of %s: %w", name, err)
		}
		if tbl, err = tx.Commit(ctx); err != nil {
			return res, fmt.Errorf("commit compaction of %s: %w", name, err)
		}
		res.Rewritten, res.Added = rw.RemovedDataFiles, rw.AddedDataFiles
	}
	res.FilesAfter = res.FilesBefore - res.Rewritten + res.Added
	if opts.ExpireOlderThan > 0 {
		tx := tbl.NewTransaction()
		if err := tx.ExpireSnapshots(table.WithOlderThan(opts.ExpireOlderThan), table.WithRetainLast(max(opts.RetainLast, 1))); err != nil {
			return res, fmt.Errorf("expire snapshots of %s: %w", name, err)
		}
		after, err := tx.Commit(ctx)
		if err != nil {
			return res, fmt.Errorf("commit snapshot expiry of %s: %w", name, err)
		}
		res.Expired = res.SnapshotsBefore + btoi(res.Rewritten > 0) - len(after.Metadata().Snapshots())
		tbl = after
	}
	if opts.OrphansOlderThan > 0 {
		orphans, err := tbl.DeleteOrphanFiles(ctx, table.WithFilesOlderThan(opts.OrphansOlderThan))
		if err != nil {
			return res, fmt.Errorf("delete orphan files of %s: %w", name, err)
		}
		res.Orphans, res.OrphanBytes, res.OrphanFiles = len(orphans.DeletedFiles), orphans.TotalSizeBytes, orphans.DeletedFiles
	}
	return res, nil
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}
