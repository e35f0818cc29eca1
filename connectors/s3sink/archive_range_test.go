package s3sink

import (
	"testing"
	"time"

	"github.com/connectless/connectless/connectors/archive/layout"
)

// TestBucketRange checks the time range the archive listing gives an object's time bucket,
// from its smallest record timestamp: hourly and daily buckets in UTC and in a zone with a
// DST change, and none for another bucket, or a layout that is not time-based.
func TestBucketRange(t *testing.T) {
	at := func(s string) int64 {
		tm, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return tm.UnixMilli()
	}
	hourly := layout.Layout{DirectoryDelim: "/", PartitionerClass: layout.HourlyPartitionerClass, Timezone: "UTC"}
	hourly.ApplyPreset()
	daily := layout.Layout{DirectoryDelim: "/", PartitionerClass: layout.DailyPartitionerClass, Timezone: "Europe/Berlin"}
	daily.ApplyPreset()
	custom := layout.Layout{DirectoryDelim: "/", PartitionerClass: layout.TimeBasedPartitionerClass, Timezone: "UTC",
		PathFormat: "'dt'=YYYY-MM-dd/'hour'=HH", PartitionDurationMs: 3600000}
	plain := layout.Layout{DirectoryDelim: "/", PartitionerClass: layout.DefaultPartitionerClass}
	for _, c := range []struct {
		name       string
		l          layout.Layout
		encoded    string
		ts         string
		start, end string
	}{
		{"hourly", hourly, "year=2024/month=01/day=05/hour=07", "2024-01-05T07:59:59Z", "2024-01-05T07:00:00Z", "2024-01-05T08:00:00Z"},
		{"custom path.format", custom, "dt=2024-01-05/hour=23", "2024-01-05T23:00:00Z", "2024-01-05T23:00:00Z", "2024-01-06T00:00:00Z"},
		// 2024-03-31 in Berlin has 23 hours (clocks go forward at 02:00 CET).
		{"daily over DST", daily, "year=2024/month=03/day=31", "2024-03-31T12:00:00Z", "2024-03-30T23:00:00Z", "2024-03-31T22:00:00Z"},
		{"another bucket", hourly, "year=2024/month=01/day=05/hour=08", "2024-01-05T07:10:00Z", "", ""},
		{"not time-based", plain, "partition=0", "2024-01-05T07:10:00Z", "", ""},
	} {
		start, end, ok := bucketRange(&c.l, c.encoded, at(c.ts))
		if c.start == "" {
			if ok {
				t.Errorf("%s: range %s..%s, want none", c.name, rfc3339Ms(start), rfc3339Ms(end))
			}
			continue
		}
		if !ok || start != at(c.start) || end != at(c.end) {
			t.Errorf("%s: range %s..%s (ok %v), want %s..%s", c.name, rfc3339Ms(start), rfc3339Ms(end), ok, c.start, c.end)
		}
	}
}
