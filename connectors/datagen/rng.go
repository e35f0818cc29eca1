package datagen

// rng is a splitmix64 generator: tiny, fast and good enough for test data. One is seeded per
// record so that record i does not depend on the records before it.
type rng struct{ s uint64 }

const golden = 0x9E3779B97F4A7C15

func mix(z uint64) uint64 {
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9
	z = (z ^ (z >> 27)) * 0x94D049BB133111EB
	return z ^ (z >> 31)
}

// recordRNG returns the generator of record i of a task.
func recordRNG(seed uint64, task int, i int64) rng {
	return rng{s: mix(seed ^ mix(uint64(task)+golden) ^ uint64(i)*golden)}
}

func (r *rng) next() uint64 {
	r.s += golden
	return mix(r.s)
}

// intn returns a number in [0, n); n must be positive and below 2^32.
func (r *rng) intn(n int) int { return int(((r.next() >> 32) * uint64(n)) >> 32) }

// between returns a number in [lo, hi].
func (r *rng) between(lo, hi int64) int64 {
	if hi <= lo {
		return lo
	}
	return lo + int64(r.next()%uint64(hi-lo+1))
}

// float returns a number in [0, 1).
func (r *rng) float() float64 { return float64(r.next()>>11) / (1 << 53) }

// pick returns one of options.
func pick[T any](r *rng, options []T) T { return options[r.intn(len(options))] }
