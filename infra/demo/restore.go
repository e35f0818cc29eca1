package demo

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/connectless/connectless/core/client"
	"github.com/connectless/connectless/core/connect"
	"github.com/connectless/connectless/core/kafka"
)

// statusInfo is a connector status as the REST API returns it.
type statusInfo = client.ConnectorStateInfo

// restoreConfig returns the restore connector's configuration: the archive's layout, the
// hour [from, from+1h), into app-logs-restored.
func (r *run) restoreConfig(from time.Time) map[string]string {
	cfg := r.layout()
	cfg["connector.class"] = "io.connectless.s3.S3SourceConnector"
	cfg["topics"] = Topic
	cfg["topic.rename.format"] = "${topic}-restored"
	cfg["restore.time.start"] = from.UTC().Format(time.RFC3339)
	cfg["restore.time.end"] = from.Add(time.Hour).UTC().Format(time.RFC3339)
	return cfg
}

// fullestHour returns the hour of the archive holding the most records, and that count.
func fullestHour(objs []Object) (time.Time, int64, bool) {
	perHour := map[time.Time]int64{}
	for _, o := range objs {
		if h, ok := hourOf(o.Key); ok {
			perHour[h] += o.Records
		}
	}
	var (
		best  time.Time
		count int64 = -1
	)
	for h, n := range perHour {
		if n > count || (n == count && h.Before(best)) {
			best, count = h, n
		}
	}
	return best, count, count >= 0
}

// restore restores the fullest archived hour into app-logs-restored with the S3 source and
// checks the count against the archive's.
func (r *run) restore(ctx context.Context) error {
	hour, archived, ok := fullestHour(r.report.Objects)
	if !ok {
		return fmt.Errorf("%w: no hourly object in the archive to restore", ErrCheck)
	}
	r.report.Hour, r.report.HourArchived = hour, archived
	cfg := r.restoreConfig(hour)
	info, err := r.api.CreateConnector(ctx, RestoreConnector, cfg, "")
	if err != nil {
		return fmt.Errorf("create %s: %w", RestoreConnector, err)
	}
	r.progress("POST /connectors %s: %s, restore.time.start=%s restore.time.end=%s into %s, tasks.max=%s",
		info.Name, cfg["connector.class"], cfg["restore.time.start"], cfg["restore.time.end"], RestoredTopic, cfg["tasks.max"])
	if err := r.runUntilCaughtUp(ctx, RestoreConnector, 6); err != nil {
		return err
	}
	tps, err := r.rt.Kafka.Partitions(ctx, RestoredTopic)
	if err != nil {
		return fmt.Errorf("partitions of %s: %w", RestoredTopic, err)
	}
	ends, err := r.rt.Kafka.EndOffsets(ctx, tps)
	if err != nil {
		return fmt.Errorf("end offsets of %s: %w", RestoredTopic, err)
	}
	r.report.Restored = 0
	for _, off := range ends {
		r.report.Restored += off
	}
	outside, err := r.outsideHour(ctx, ends, hour)
	if err != nil {
		return err
	}
	st, err := r.api.ConnectorStatus(ctx, RestoreConnector)
	if err != nil {
		return fmt.Errorf("status of %s: %w", RestoreConnector, err)
	}
	r.report.Restore = st
	r.printStatus(st)
	if r.report.Restored != archived {
		r.progress("check FAILED: %d records restored into %s, the archive holds %d for %s", r.report.Restored, RestoredTopic, archived, hour.Format("15:04"))
		return fmt.Errorf("%w: %d records restored, the archive holds %d for the hour %s", ErrCheck, r.report.Restored, archived, hour.Format(time.RFC3339))
	}
	if outside > 0 {
		r.progress("check FAILED: %d restored records have a ts outside the hour %s", outside, hour.Format("15:04"))
		return fmt.Errorf("%w: %d restored records have a ts outside the hour %s", ErrCheck, outside, hour.Format(time.RFC3339))
	}
	r.progress("check ok: %d records restored into %s = %d archived for the hour %s, each timestamped within it", r.report.Restored, RestoredTopic, archived, hour.Format("2006-01-02 15:00 MST"))
	return nil
}

// outsideHour reads the restored topic up to ends and counts the records whose ts field, or
// whose Kafka timestamp, is outside [hour, hour+1h).
func (r *run) outsideHour(ctx context.Context, ends map[connect.TopicPartition]int64, hour time.Time) (int64, error) {
	var outside int64
	in := func(t time.Time) bool { return !t.Before(hour) && t.Before(hour.Add(time.Hour)) }
	for tp, end := range ends {
		for off := int64(0); off < end; {
			res, err := r.rt.Kafka.Fetch(ctx, tp, off, kafka.FetchOptions{MaxBytes: 4 << 20})
			if err != nil {
				return 0, fmt.Errorf("read %s: %w", kafka.FormatPartition(tp), err)
			}
			if res.Next <= off {
				return 0, fmt.Errorf("read %s: no progress at offset %d of %d", kafka.FormatPartition(tp), off, end)
			}
			for _, m := range res.Messages {
				var v struct {
					TS time.Time `json:"ts"`
				}
				if err := json.Unmarshal(m.Value, &v); err != nil || !in(v.TS) || !in(m.Time) {
					outside++
				}
			}
			off = res.Next
		}
	}
	return outside, nil
}
