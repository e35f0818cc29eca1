package demo

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/connectless/connectless/core/schedule"
	"github.com/connectless/connectless/core/serverless"
)

// Hourly archive layout: Confluent's TimeBasedPartitioner on the ts field of each log line.
const (
	pathFormat  = "'dt'=YYYY-MM-dd/'hour'=HH"
	hourMs      = "3600000"
	archiveRate = "rate(1 hour)"
)

// layout is what the archive and the restore connectors share: bucket, store, format and
// partitioner.
func (r *run) layout() map[string]string {
	return map[string]string{
		"format.class":                   "io.confluent.connect.s3.format.json.JsonFormat",
		"s3.bucket.name":                 Bucket,
		"s3.region":                      r.s3.Region,
		"store.url":                      r.s3.Endpoint,
		"s3.path.style.access.enabled":   "true",
		"aws.access.key.id":              r.s3.AccessKey,
		"aws.secret.access.key":          r.s3.SecretKey,
		"partitioner.class":              "io.confluent.connect.storage.partitioner.TimeBasedPartitioner",
		"path.format":                    pathFormat,
		"partition.duration.ms":          hourMs,
		"locale":                         "en-US",
		"timezone":                       "UTC",
		"timestamp.extractor":            "RecordField",
		"timestamp.field":                "ts",
		"key.converter":                  stringConverter,
		"value.converter":                jsonConverter,
		"value.converter.schemas.enable": "false",
		"tasks.max":                      strconv.Itoa(r.opts.Tasks),
	}
}

// ArchiveConfig returns the archive connector's configuration for an S3 store.
func (r *run) archiveConfig() map[string]string {
	cfg := r.layout()
	cfg["connector.class"] = "io.confluent.connect.s3.S3SinkConnector"
	cfg["topics"] = Topic
	cfg["storage.class"] = "io.confluent.connect.s3.storage.S3Storage"
	cfg["s3.compression.type"] = "gzip"
	cfg["flush.size"] = "100000"
	cfg["schedule"] = archiveRate
	return cfg
}

// archive creates the archive connector through the REST API and runs it through the
// scheduler until its tasks caught up.
func (r *run) archive(ctx context.Context) error {
	cfg := r.archiveConfig()
	info, err := r.api.CreateConnector(ctx, ArchiveConnector, cfg, "")
	if err != nil {
		return fmt.Errorf("create %s: %w", ArchiveConnector, err)
	}
	r.progress("POST /connectors %s: %s, JsonFormat + gzip, TimeBasedPartitioner path.format=%s, schedule=%s, tasks.max=%s",
		info.Name, cfg["connector.class"], pathFormat, archiveRate, cfg["tasks.max"])
	return r.runUntilCaughtUp(ctx, ArchiveConnector, 6)
}

// invocation is what one in-process task invocation answered.
type invocation struct {
	res serverless.TaskResult
	err error
}

// runUntilCaughtUp runs scheduler ticks until every task of connector ran and caught up.
// The first tick is now; when a slice ends before catching up, the next tick is at the
// connector's next firing (the demo moves its scheduler clock there instead of waiting).
func (r *run) runUntilCaughtUp(ctx context.Context, connector string, maxTicks int) error {
	cfg, err := r.api.ConnectorConfig(ctx, connector)
	if err != nil {
		return fmt.Errorf("config of %s: %w", connector, err)
	}
	sched, err := schedule.Parse(cfg[schedule.ScheduleKey])
	if err != nil {
		return fmt.Errorf("schedule of %s: %w", connector, err)
	}
	now := time.Now()
	caughtUp := map[int]bool{}
	for tick := 1; tick <= maxTicks; tick++ {
		var (
			mu      sync.Mutex
			results []invocation
		)
		inv := &serverless.InProcess{Logger: r.opts.Logger, Run: func(ctx context.Context, p schedule.Payload) error {
			res, err := r.rt.RunTask(ctx, "", p)
			mu.Lock()
			results = append(results, invocation{res, err})
			mu.Unlock()
			return err
		}}
		t, err := r.rt.Schedule(ctx, now, inv)
		if err != nil {
			return fmt.Errorf("scheduler tick: %w", err)
		}
		r.progress("scheduler tick %d at %s: %d task(s) due, %d invocation(s) sent%s", tick, now.UTC().Format("15:04:05"), t.Due, t.Sent, tickErrors(t))
		inv.Wait()
		sort.Slice(results, func(i, j int) bool {
			return results[i].res.Connector+strconv.Itoa(results[i].res.Task) < results[j].res.Connector+strconv.Itoa(results[j].res.Task)
		})
		var errs []error
		for _, in := range results {
			res := in.res
			if res.Connector != connector {
				continue
			}
			switch {
			case in.err != nil:
				errs = append(errs, fmt.Errorf("task %s/%d: %w", res.Connector, res.Task, in.err))
				r.progress("  task %s/%d failed after %dms: %v", res.Connector, res.Task, res.DurationMs, in.err)
			case res.Skipped:
				r.progress("  task %s/%d skipped: %s", res.Connector, res.Task, res.Reason)
			default:
				r.progress("  task %s/%d: %d records read, %d written, committed=%v, caught up=%v, %dms",
					res.Connector, res.Task, res.Records, res.Written, res.Committed, res.CaughtUp, res.DurationMs)
				if res.CaughtUp {
					caughtUp[res.Task] = true
				}
			}
		}
		if len(errs) > 0 {
			return errors.Join(errs...)
		}
		info, err := r.api.Connector(ctx, connector)
		if err != nil {
			return fmt.Errorf("read %s: %w", connector, err)
		}
		if len(caughtUp) >= len(info.Tasks) {
			return nil
		}
		now = nextFiring(sched, now)
	}
	return fmt.Errorf("%w: %s did not catch up in %d scheduler ticks", ErrCheck, connector, maxTicks)
}

// nextFiring returns the first firing of s after now (the next minute for continuous).
func nextFiring(s schedule.Schedule, now time.Time) time.Time {
	prev, _ := s.Prev(now)
	for t := now.Truncate(time.Minute).Add(time.Minute); t.Before(now.Add(31 * 24 * time.Hour)); t = t.Add(time.Minute) {
		if p, ok := s.Prev(t); ok && p.After(prev) {
			return p
		}
	}
	return now.Add(time.Hour)
}

func tickErrors(t serverless.Tick) string {
	if len(t.Errors) == 0 {
		return ""
	}
	return " (errors: " + strings.Join(t.Errors, "; ") + ")"
}
