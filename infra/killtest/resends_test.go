package killtest

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/connectless/connectless/core/connect"
	"github.com/connectless/connectless/core/kafka"
)

// readLines reads every record of a partition and returns the line number each starts with.
func readLines(ctx context.Context, c *kafka.Client, tp connect.TopicPartition) ([]int64, error) {
	ends, err := c.EndOffsets(ctx, []connect.TopicPartition{tp})
	if err != nil {
		return nil, fmt.Errorf("end offset of %s: %w", kafka.FormatPartition(tp), err)
	}
	var seqs []int64
	for off := int64(0); off < ends[tp]; {
		res, err := c.Fetch(ctx, tp, off, kafka.FetchOptions{MaxBytes: 4 << 20})
		if err != nil {
			return nil, err
		}
		for _, m := range res.Messages {
			n, err := strconv.ParseInt(string(m.Value[:min(len(m.Value), lineDigits)]), 10, 64)
			if err != nil {
				return nil, fmt.Errorf("record at offset %d: %q: %w", m.Offset, m.Value, err)
			}
			seqs = append(seqs, n)
		}
		if res.Next <= off {
			return nil, fmt.Errorf("fetch %s at %d: no progress before the end offset %d", kafka.FormatPartition(tp), off, ends[tp])
		}
		off = res.Next
	}
	return seqs, nil
}

// resends is what checkResends found.
type resends struct {
	// lost counts lines of the file not in the topic; duplicates the records that repeat
	// an earlier one.
	lost, duplicates int
	// restarts counts the runs of lines sent again; largest is the longest of them.
	restarts, largest int
	problems          []string
}

// checkResends checks the line numbers of a topic (in offset order) against a file of n
// lines read at least once. Without its repeats (each line's first occurrence kept) the
// topic must be the file: lines 0 to n-1 in order, none skipped. A repeat is a restart: a
// task resumed from the committed offset and sent lines again, one after the other from
// there, until it passed the last line sent; it goes back no further than the first line
// of the run it repeats (the run of consecutive lines it breaks), since a committed offset
// never goes back.
func checkResends(seqs []int64, n int) resends {
	var rs resends
	seen := make([]bool, n)
	distinct := int64(0) // lines seen so far: the first occurrence of line k must come k-th
	runStart := int64(0) // the first line of the current run of consecutive lines
	prev := int64(-1)
	for i, s := range seqs {
		switch {
		case s == prev+1:
		case s <= prev:
			rs.restarts++
			rs.largest = max(rs.largest, int(prev-s+1))
			if s < runStart {
				rs.problems = append(rs.problems, fmt.Sprintf("record %d: line %d after line %d goes back past the run it repeats, from line %d", i, s, prev, runStart))
			}
			runStart = s
		default:
			rs.problems = append(rs.problems, fmt.Sprintf("record %d: line %d after line %d skips lines", i, s, prev))
			runStart = s
		}
		prev = s
		switch {
		case s < 0 || s >= int64(n):
			rs.problems = append(rs.problems, fmt.Sprintf("record %d: line %d is not in the file of %d lines", i, s, n))
		case seen[s]:
			rs.duplicates++
		default:
			if s != distinct {
				rs.problems = append(rs.problems, fmt.Sprintf("record %d: line %d first seen after %d other lines: not in file order", i, s, distinct))
			}
			seen[s] = true
			distinct++
		}
	}
	rs.lost = n - int(distinct)
	return rs
}

// TestCheckResends checks that the source test's check finds what it must: a lost line, a
// line out of order, a skip, a re-send going back too far, and counts the restarts and
// duplicates of legitimate re-sends.
func TestCheckResends(t *testing.T) {
	for _, tc := range []struct {
		name                string
		seqs                []int64
		n                   int
		lost, dup, restarts int
		largest             int
		problemWith         string
	}{
		{name: "once each", seqs: []int64{0, 1, 2, 3}, n: 4},
		{name: "re-send after a kill", seqs: []int64{0, 1, 2, 1, 2, 3}, n: 4, dup: 2, restarts: 1, largest: 2},
		{name: "two re-sends of one run", seqs: []int64{0, 1, 2, 1, 2, 3, 1, 2, 3, 4}, n: 5, dup: 5, restarts: 2, largest: 3},
		{name: "lost at the end", seqs: []int64{0, 1, 2}, n: 4, lost: 1},
		{name: "lost in the middle", seqs: []int64{0, 1, 3}, n: 4, lost: 1, problemWith: "skips lines"},
		{name: "lost at the start", seqs: []int64{1, 2, 3}, n: 4, lost: 1, problemWith: "not in file order"},
		{name: "out of order", seqs: []int64{0, 2, 1, 3}, n: 4, restarts: 1, largest: 2, problemWith: "not in file order"},
		{name: "re-send past its run", seqs: []int64{0, 1, 2, 3, 2, 3, 1, 2, 3}, n: 4, dup: 5, restarts: 2, largest: 3, problemWith: "goes back past the run"},
		{name: "not in the file", seqs: []int64{0, 1, 4}, n: 2, problemWith: "not in the file"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := checkResends(tc.seqs, tc.n)
			if got.lost != tc.lost || got.duplicates != tc.dup || got.restarts != tc.restarts || got.largest != tc.largest {
				t.Errorf("lost %d, duplicates %d, restarts %d, largest %d; want %d, %d, %d, %d",
					got.lost, got.duplicates, got.restarts, got.largest, tc.lost, tc.dup, tc.restarts, tc.largest)
			}
			all := strings.Join(got.problems, "; ")
			if (tc.problemWith == "") != (len(got.problems) == 0) || !strings.Contains(all, tc.problemWith) {
				t.Errorf("problems %q, want one with %q", all, tc.problemWith)
			}
		})
	}
}
