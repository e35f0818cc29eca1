package killtest

import (
	"strings"
	"testing"
)

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
