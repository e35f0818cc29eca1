package layout

import (
	"errors"
	"fmt"
	"time"
	_ "time/tzdata" // time zones for timezone on hosts without zoneinfo (Lambda)
)

// LoadZone resolves a Joda time zone id: UTC, a region id, or a fixed offset (+05:30, -08).
func LoadZone(id string) (*time.Location, error) {
	if id == "UTC" || id == "Z" {
		return time.UTC, nil
	}
	if id != "" && (id[0] == '+' || id[0] == '-') {
		sign := 1
		if id[0] == '-' {
			sign = -1
		}
		var h, m int
		rest := id[1:]
		var err error
		switch {
		case len(rest) == 2:
			_, err = fmt.Sscanf(rest, "%02d", &h)
		case len(rest) == 5 && rest[2] == ':':
			_, err = fmt.Sscanf(rest, "%02d:%02d", &h, &m)
		case len(rest) == 4:
			_, err = fmt.Sscanf(rest, "%02d%02d", &h, &m)
		default:
			err = errors.New("bad offset")
		}
		if err != nil || h > 23 || m > 59 {
			return nil, fmt.Errorf("the datetime zone id '%s' is not recognised", id)
		}
		return time.FixedZone(id, sign*(h*3600+m*60)), nil
	}
	loc, err := time.LoadLocation(id)
	if err != nil {
		return nil, fmt.Errorf("the datetime zone id '%s' is not recognised", id)
	}
	return loc, nil
}

// NextScheduledRotation is the next wall-clock rotation after nowMs for
// rotate.schedule.interval.ms = periodMs in loc: periods count from local midnight, and the
// last one of a day ends at the next midnight (Confluent's
// DateTimeUtils.getNextTimeAdjustedByDay).
func NextScheduledRotation(nowMs, periodMs int64, loc *time.Location) int64 {
	sod := localToUTC(((nowMs+offsetMs(nowMs, loc))/86400000)*86400000, loc)
	next := localToUTC(((sod+offsetMs(sod, loc))/86400000+1)*86400000, loc)
	day := next - sod
	return sod + min(((nowMs-sod)/periodMs+1)*periodMs, day)
}

// offsetMs is the zone's offset in milliseconds at the instant ms.
func offsetMs(ms int64, loc *time.Location) int64 {
	_, off := time.UnixMilli(ms).In(loc).Zone()
	return int64(off) * 1000
}

// nextTransitionMs is the next zone transition after ms, or ms when there is none.
func nextTransitionMs(ms int64, loc *time.Location) int64 {
	_, end := time.UnixMilli(ms).In(loc).ZoneBounds()
	if end.IsZero() {
		return ms
	}
	return end.UnixMilli()
}

// localToUTC is Joda's DateTimeZone.convertLocalToUTC(local, strict=false).
func localToUTC(local int64, loc *time.Location) int64 {
	offLocal := offsetMs(local, loc)
	off := offsetMs(local-offLocal, loc)
	if off != offLocal && offLocal < 0 {
		if nextTransitionMs(local-offLocal, loc) != nextTransitionMs(local-off, loc) {
			off = offLocal
		}
	}
	return local - off
}

// bucketStart is TimeBasedPartitioner's bucket start for a timestamp: local time truncated
// toward zero (Java long division) to a multiple of duration, back in UTC.
func bucketStart(ts, durationMs int64, loc *time.Location) int64 {
	local := ts + offsetMs(ts, loc)
	bucket := (local / durationMs) * durationMs
	return localToUTC(bucket, loc)
}
