package s3sink

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/connectless/connectless/connectors/archive/layout"
	"github.com/connectless/connectless/core/connect"
)

// With the Wallclock extractor a record's directory depends on when it is processed, so a
// re-run after a crash would look for the crashed run's files in the wrong directory. Before
// its first record, a writer therefore lists the directories of the recent time buckets
// (s3.recovery.lookback.ms back from now) for objects of its Kafka partition that start at or
// after the first offset it was given. Wallclock directories only move forward in time, so
// such an object holds every record of its offset range: records in a listed range are
// skipped, and commits never fall inside one.

// wallclockRecovery reports whether writers must list recent objects before writing.
func (t *Task) wallclockRecovery() bool {
	return t.cfg.TimeBased() && t.cfg.TimestampExtractor == "Wallclock"
}

// listRecent fills w.listed with the objects of w's partition, starting at from or later, in
// the time buckets of the lookback window.
func (t *Task) listRecent(ctx context.Context, w *tpWriter, from, nowMs int64) error {
	c := t.cfg
	tp, err := layout.NewTimePartitioner(&c.Layout)
	if err != nil {
		return err
	}
	d := c.DirectoryDelim
	base := w.tp.Topic + d
	if strings.TrimSpace(c.TopicsDir) != "" {
		base = c.TopicsDir + d + base
	}
	if c.SchemaAffix != "NONE" {
		// Records of several schemas interleave in one hour: an object's offset range no
		// longer holds all records of that range, so only per-file lookups apply.
		t.log.Warn("wallclock recovery is off with s3.schema.partition.affix.type", "affix", c.SchemaAffix)
		return nil
	}
	var prefixes []string
	start := nowMs - c.RecoveryLookbackMs - c.PartitionDurationMs
	for ts := start; ts <= nowMs+c.PartitionDurationMs; ts += c.PartitionDurationMs {
		prefixes = append(prefixes, base+tp.EncodeTimestamp(ts)+d)
	}
	slices.Sort(prefixes)
	prefixes = slices.Compact(prefixes)
	namePrefix := w.tp.Topic + c.FileDelim + strconv.Itoa(int(w.tp.Partition)) + c.FileDelim
	for _, prefix := range prefixes {
		p := s3.NewListObjectsV2Paginator(t.store.client, &s3.ListObjectsV2Input{Bucket: &c.Bucket, Prefix: &prefix})
		for p.HasMorePages() {
			page, err := p.NextPage(ctx)
			if err != nil {
				return classify(fmt.Errorf("list %q: %w", prefix, err))
			}
			for _, o := range page.Contents {
				key := *o.Key
				name := key[strings.LastIndex(key, d)+1:]
				rest, ok := strings.CutPrefix(name, namePrefix)
				v := layout.ValueView
				if strings.Contains(rest, layout.KeysView.Suffix()+".") {
					v = layout.KeysView
				} else if strings.Contains(rest, layout.HeadersView.Suffix()+".") {
					v = layout.HeadersView
				}
				if !ok || (v != layout.ValueView && t.notifier == nil) {
					continue // companions only matter for their notifications
				}
				digits := rest
				if i := strings.IndexByte(rest, '.'); i >= 0 {
					digits = rest[:i]
				}
				start, err := strconv.ParseInt(digits, 10, 64)
				if err != nil || start < from {
					continue
				}
				m, found, err := t.store.head(ctx, key)
				if err != nil {
					return err
				}
				if found && v == layout.ValueView {
					w.listed = append(w.listed, span{first: m.first, last: m.last})
				}
				if found {
					t.queueNotifications(existingEntry(key, w.tp, v, m))
				}
			}
		}
	}
	t.log.Debug("listed recent objects for wallclock recovery", "topic", w.tp.Topic, "partition", w.tp.Partition, "objects", len(w.listed))
	return nil
}

// inListed reports whether off falls in an object listed by listRecent. Tombstones (their
// own partition, interleaved with values) are left to the per-file lookup.
func (w *tpWriter) inListed(off int64) bool {
	for _, s := range w.listed {
		if off >= s.first && off <= s.last {
			return true
		}
	}
	return false
}

// ensureListed runs listRecent once per writer, before its first record.
func (t *Task) ensureListed(ctx context.Context, w *tpWriter, rec *connect.SinkRecord, nowMs int64) error {
	if w.listDone || !t.wallclockRecovery() {
		return nil
	}
	if err := t.listRecent(ctx, w, rec.KafkaOffset(), nowMs); err != nil {
		return err
	}
	w.listDone = true
	return nil
}
