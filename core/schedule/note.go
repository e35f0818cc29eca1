package schedule

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Note is what a task's status trace carries from one slice to the next: the retry state
// of an outage in progress and the task's recent automatic restarts. It lives in the trace
// (the text every state backend stores and the status API shows) so that separate Lambda
// invocations and workers share it without a new field in Kafka Connect's status record.
//
// Traces, one fact per line:
//
//	RUNNING, retrying:  retrying since 2026-01-02T03:04:05Z (attempt 3, next in 4s): <cause>
//	FAILED, gave up:    <cause>
//	                    gave up retrying: failing since 2026-01-02T03:04:05Z (12 attempts), past task.retry.timeout.ms=600000
//	RUNNING, task note: task note: <what the task reported through connect.TaskStatusReporter>
//	any state, gauges:  gauges: slot_lag_bytes=1234 <name>=<value> …
//	any state:          automatic restarts in the last hour: 2026-01-02T03:04:05Z 2026-01-02T03:06:05Z
type Note struct {
	// Cause is the error, as text; for a FAILED task it is the trace's first line(s).
	Cause string
	// RetryingSince is when the outage began; zero when the task is not retrying.
	RetryingSince time.Time
	// Attempt counts the failed slices of the outage.
	Attempt int
	// NextIn is the wait before the next attempt (shown, not parsed back).
	NextIn time.Duration
	// GaveUp, for a FAILED task, says it failed because RetryTimeout passed.
	GaveUp       bool
	RetryTimeout time.Duration
	// TaskNote is the one-line note the task reported in its last slice; Gauges are the
	// gauges it reported (connect.TaskStatusReporter).
	TaskNote string
	Gauges   map[string]float64
	// Restarts are the automatic restarts of the last hour, oldest first.
	Restarts []time.Time
}

const (
	prefixRetrying = "retrying since "
	prefixGaveUp   = "gave up retrying: failing since "
	prefixRestarts = "automatic restarts in the last hour: "
	prefixTaskNote = "task note: "
	prefixGauges   = "gauges: "
)

// Retrying reports whether the note describes an outage being retried.
func (n Note) Retrying() bool { return !n.RetryingSince.IsZero() && !n.GaveUp }

// Trace renders the note as a status trace.
func (n Note) Trace() string {
	var lines []string
	switch {
	case n.Retrying():
		lines = append(lines, fmt.Sprintf("%s%s (attempt %d, next in %s): %s", prefixRetrying,
			n.RetryingSince.UTC().Format(time.RFC3339), n.Attempt, n.NextIn.Round(time.Millisecond), n.Cause))
	case n.GaveUp:
		lines = append(lines, n.Cause, fmt.Sprintf("%s%s (%d attempts), past %s=%d", prefixGaveUp,
			n.RetryingSince.UTC().Format(time.RFC3339), n.Attempt, KeyRetryTimeout, n.RetryTimeout.Milliseconds()))
	case n.Cause != "":
		lines = append(lines, n.Cause)
	}
	if n.TaskNote != "" {
		lines = append(lines, prefixTaskNote+strings.Join(strings.Fields(n.TaskNote), " "))
	}
	if len(n.Gauges) > 0 {
		names := slices.Sorted(maps.Keys(n.Gauges))
		kv := make([]string, len(names))
		for i, name := range names {
			kv[i] = name + "=" + strconv.FormatFloat(n.Gauges[name], 'g', -1, 64)
		}
		lines = append(lines, prefixGauges+strings.Join(kv, " "))
	}
	if len(n.Restarts) > 0 {
		ts := make([]string, len(n.Restarts))
		for i, t := range n.Restarts {
			ts[i] = t.UTC().Format(time.RFC3339)
		}
		lines = append(lines, prefixRestarts+strings.Join(ts, " "))
	}
	return strings.Join(lines, "\n")
}

// ParseNote reads back what Trace wrote; a trace it did not write is all Cause.
func ParseNote(trace string) Note {
	var n Note
	lines := strings.Split(trace, "\n")
	if last := lines[len(lines)-1]; strings.HasPrefix(last, prefixRestarts) {
		for _, f := range strings.Fields(strings.TrimPrefix(last, prefixRestarts)) {
			if t, err := time.Parse(time.RFC3339, f); err == nil {
				n.Restarts = append(n.Restarts, t)
			}
		}
		lines = lines[:len(lines)-1]
	}
	if len(lines) > 0 && strings.HasPrefix(lines[len(lines)-1], prefixGauges) {
		for _, f := range strings.Fields(strings.TrimPrefix(lines[len(lines)-1], prefixGauges)) {
			name, val, _ := strings.Cut(f, "=")
			if v, err := strconv.ParseFloat(val, 64); err == nil {
				if n.Gauges == nil {
					n.Gauges = map[string]float64{}
				}
				n.Gauges[name] = v
			}
		}
		lines = lines[:len(lines)-1]
	}
	if len(lines) > 0 && strings.HasPrefix(lines[len(lines)-1], prefixTaskNote) {
		n.TaskNote = strings.TrimPrefix(lines[len(lines)-1], prefixTaskNote)
		lines = lines[:len(lines)-1]
	}
	if len(lines) > 0 && strings.HasPrefix(lines[0], prefixRetrying) {
		if since, attempt, cause, ok := parseRetrying(strings.Join(lines, "\n")); ok {
			n.RetryingSince, n.Attempt, n.Cause = since, attempt, cause
			return n
		}
	}
	if len(lines) > 0 && strings.HasPrefix(lines[len(lines)-1], prefixGaveUp) {
		rest := strings.TrimPrefix(lines[len(lines)-1], prefixGaveUp)
		if ts, after, ok := strings.Cut(rest, " ("); ok {
			if t, err := time.Parse(time.RFC3339, ts); err == nil {
				n.GaveUp, n.RetryingSince = true, t
				if a, _, ok := strings.Cut(after, " attempts"); ok {
					n.Attempt, _ = strconv.Atoi(a)
				}
				lines = lines[:len(lines)-1]
			}
		}
	}
	n.Cause = strings.Join(lines, "\n")
	return n
}

// parseRetrying reads "retrying since <time> (attempt <n>, next in <d>): <cause>".
func parseRetrying(s string) (since time.Time, attempt int, cause string, ok bool) {
	rest := strings.TrimPrefix(s, prefixRetrying)
	ts, rest, ok := strings.Cut(rest, " (attempt ")
	if !ok {
		return since, 0, "", false
	}
	since, err := time.Parse(time.RFC3339, ts)
	if err != nil {
		return since, 0, "", false
	}
	num, rest, ok := strings.Cut(rest, ", next in ")
	if !ok {
		return since, 0, "", false
	}
	if attempt, err = strconv.Atoi(num); err != nil {
		return since, 0, "", false
	}
	_, cause, ok = strings.Cut(rest, "): ")
	return since, attempt, cause, ok
}
