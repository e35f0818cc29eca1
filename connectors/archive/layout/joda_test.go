package layout

import (
	"testing"
	"time"
)

func TestJodaFormat(t *testing.T) {
	ts := time.Date(2024, 1, 5, 7, 3, 9, 45e6, time.UTC)
	tests := []struct{ pattern, want string }{
		{"'year'=YYYY/'month'=MM/'day'=dd/'hour'=HH", "year=2024/month=01/day=05/hour=07"},
		{"yyyy-MM-dd'T'HH:mm:ss.SSS", "2024-01-05T07:03:09.045"},
		{"yy/M/d/H", "24/1/5/7"},
		{"MMM MMMM EEE EEEE", "Jan January Fri Friday"},
		{"hh a KK kk", "07 AM 07 07"},
		{"'it''s' D ww e", "it's 5 01 5"},
		{"YYYY-MM-dd/ZZ", "2024-01-05/Z"},
	}
	for _, tt := range tests {
		f, err := CompileJoda(tt.pattern)
		if err != nil {
			t.Fatalf("%s: %v", tt.pattern, err)
		}
		if got := f.Format(ts); got != tt.want {
			t.Errorf("format(%q) = %q, want %q", tt.pattern, got, tt.want)
		}
	}
	for _, bad := range []string{"'unterminated", "YYYY-qq"} {
		if _, err := CompileJoda(bad); err == nil {
			t.Errorf("CompileJoda(%q) accepted", bad)
		}
	}
}

func TestTimeBucket(t *testing.T) {
	ny, _ := LoadZone("America/New_York")
	ist, _ := LoadZone("+05:30")
	hourly, _ := CompileJoda("'year'=YYYY/'month'=MM/'day'=dd/'hour'=HH")
	tests := []struct {
		name string
		ts   int64
		dur  int64
		loc  *time.Location
		want string
	}{
		{"utc hour", time.Date(2024, 1, 5, 7, 59, 0, 0, time.UTC).UnixMilli(), 3600000, time.UTC, "year=2024/month=01/day=05/hour=07"},
		{"offset zone", time.Date(2024, 1, 5, 22, 50, 0, 0, time.UTC).UnixMilli(), 3600000, ist, "year=2024/month=01/day=06/hour=04"},
		{"new york day", time.Date(2024, 1, 5, 3, 0, 0, 0, time.UTC).UnixMilli(), 86400000, ny, "year=2024/month=01/day=04/hour=00"},
		// Java long division truncates toward zero: a pre-1970 instant rounds up to the epoch.
		{"pre-1970 rounds up", -1, 3600000, time.UTC, "year=1970/month=01/day=01/hour=00"},
		{"far future", time.Date(10000, 3, 1, 0, 0, 0, 0, time.UTC).UnixMilli(), 3600000, time.UTC, "year=10000/month=03/day=01/hour=00"},
		{"dst spring forward", time.Date(2024, 3, 10, 7, 30, 0, 0, time.UTC).UnixMilli(), 3600000, ny, "year=2024/month=03/day=10/hour=03"},
	}
	for _, tt := range tests {
		p := TimePartitioner{durationMs: tt.dur, loc: tt.loc, format: hourly}
		if got := p.EncodeTimestamp(tt.ts); got != tt.want {
			t.Errorf("%s: %s, want %s", tt.name, got, tt.want)
		}
	}
}

func TestNextScheduledRotation(t *testing.T) {
	ny, _ := LoadZone("America/New_York")
	at := func(loc *time.Location, y int, m time.Month, d, h, min int) int64 {
		return time.Date(y, m, d, h, min, 0, 0, loc).UnixMilli()
	}
	tests := []struct {
		name   string
		loc    *time.Location
		period int64
		now    int64
		want   int64
	}{
		{"next hour", time.UTC, 3600000, at(time.UTC, 2024, 1, 5, 7, 20), at(time.UTC, 2024, 1, 5, 8, 0)},
		{"capped at midnight", time.UTC, 7 * 3600000, at(time.UTC, 2024, 1, 5, 22, 0), at(time.UTC, 2024, 1, 6, 0, 0)},
		{"local zone", ny, 6 * 3600000, at(ny, 2024, 1, 5, 13, 0), at(ny, 2024, 1, 5, 18, 0)},
		// A 23-hour day: periods count from local midnight in elapsed time.
		{"dst day", ny, 3 * 3600000, at(ny, 2024, 3, 10, 4, 0), at(ny, 2024, 3, 10, 7, 0)},
	}
	for _, tt := range tests {
		if got := NextScheduledRotation(tt.now, tt.period, tt.loc); got != tt.want {
			t.Errorf("%s: %v, want %v", tt.name, time.UnixMilli(got).In(tt.loc), time.UnixMilli(tt.want).In(tt.loc))
		}
	}
}
