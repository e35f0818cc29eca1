package bench

import (
	"slices"
	"time"
)

// Stat is the spread of one figure over runs.
type Stat struct {
	Min    float64 `json:"min"`
	Median float64 `json:"median"`
	Max    float64 `json:"max"`
}

// statOf returns the min, median and max of xs (the zero Stat when empty). An even count's
// median is the mean of the middle two.
func statOf(xs []float64) Stat {
	if len(xs) == 0 {
		return Stat{}
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	mid := s[len(s)/2]
	if len(s)%2 == 0 {
		mid = (s[len(s)/2-1] + s[len(s)/2]) / 2
	}
	return Stat{Min: s[0], Median: mid, Max: s[len(s)-1]}
}

// msStat returns the spread of durations in milliseconds.
func msStat(ds []time.Duration) Stat {
	xs := make([]float64, len(ds))
	for i, d := range ds {
		xs[i] = float64(d.Microseconds()) / 1000
	}
	return statOf(xs)
}
