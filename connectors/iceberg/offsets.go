package iceberg

import (
	"encoding/json"
	"maps"
	"slices"
	"strconv"
	"strings"

	ice "github.com/apache/iceberg-go"
	"github.com/apache/iceberg-go/table"

	"github.com/connectless/connectless/core/connect"
)

// Snapshot summary properties this sink writes with every commit.
const (
	// OffsetsPropPrefix starts the per-topic offsets property,
	// kafka.connect.offsets.<topic>.<group-id>, whose value is a JSON object of partition →
	// next offset to read, e.g. {"0":1200,"1":1184}: the Apache Iceberg sink's property name
	// and JSON shape, keyed here by the data topic (the Apache sink's coordinator keys it by
	// its control topic).
	OffsetsPropPrefix = "kafka.connect.offsets."
	// CommitIDProp is a unique id of the commit (the Apache sink's kafka.connect.commit-id).
	CommitIDProp = "kafka.connect.commit-id"
	// LeaseTokenProp is the fencing token of the task lease the commit was made under.
	LeaseTokenProp = "connectless.lease.token"
	// LeaseTokensPropPrefix starts connectless.lease.tokens.<group-id>, whose value is a JSON
	// object of task id → the newest lease token that committed to the table, e.g.
	// {"0":12,"1":7}; a commit that finds a newer token of its own task than the one it
	// started from is fenced.
	LeaseTokensPropPrefix = "connectless.lease.tokens."
)

// offsetMap holds next offsets to read by partition.
type offsetMap map[connect.TopicPartition]int64

// tableOffsets reads the offsets of group from the latest snapshot of the main branch that
// has them, walking back through parents past snapshots without them (a compaction, an
// append by another program), as the Apache sink looks its offsets up in the history.
func tableOffsets(tbl *table.Table, group string) offsetMap {
	var out offsetMap
	walkBack(tbl, func(s *table.Snapshot) bool {
		out = snapshotOffsets(s, group)
		return out != nil
	})
	if out == nil {
		out = offsetMap{}
	}
	return out
}

// walkBack calls found on the main branch's snapshots from the current one back through
// parents until it returns true.
func walkBack(tbl *table.Table, found func(*table.Snapshot) bool) {
	for s := tbl.CurrentSnapshot(); s != nil; {
		if found(s) || s.ParentSnapshotID == nil {
			return
		}
		s = tbl.SnapshotByID(*s.ParentSnapshotID)
	}
}

// snapshotOffsets reads the offsets of group from a snapshot's summary; nil when it has
// none.
func snapshotOffsets(s *table.Snapshot, group string) offsetMap {
	if s == nil || s.Summary == nil {
		return nil
	}
	var out offsetMap
	suffix := "." + group
	for k, v := range s.Summary.Properties {
		if !strings.HasPrefix(k, OffsetsPropPrefix) || !strings.HasSuffix(k, suffix) {
			continue
		}
		topic := strings.TrimSuffix(strings.TrimPrefix(k, OffsetsPropPrefix), suffix)
		var parts map[string]int64
		if json.Unmarshal([]byte(v), &parts) != nil {
			continue
		}
		if out == nil {
			out = offsetMap{}
		}
		for p, off := range parts {
			n, err := strconv.ParseInt(p, 10, 32)
			if err == nil {
				out[connect.TopicPartition{Topic: topic, Partition: int32(n)}] = off
			}
		}
	}
	return out
}

// summaryProps renders offsets as snapshot summary properties.
func summaryProps(offs offsetMap, group string) ice.Properties {
	byTopic := map[string]map[string]int64{}
	for tp, off := range offs {
		if byTopic[tp.Topic] == nil {
			byTopic[tp.Topic] = map[string]int64{}
		}
		byTopic[tp.Topic][strconv.Itoa(int(tp.Partition))] = off
	}
	props := ice.Properties{}
	for _, topic := range slices.Sorted(maps.Keys(byTopic)) {
		b, _ := json.Marshal(byTopic[topic]) // map keys are sorted by encoding/json
		props[OffsetsPropPrefix+topic+"."+group] = string(b)
	}
	return props
}
