package memtune

import (
	"runtime/debug"
	"strconv"
	"strings"
)

// DefaultGCPercent is the GC percentage a task process runs with: the heap may grow to five
// times the live data between collections, bounded by the memory limit.
const DefaultGCPercent = 400

// reserveShare and reserveMinMB are the part of the process's memory left outside the Go
// limit, for the binary's resident pages and what the kernel counts beside the runtime:
// 15%, and at least 32 MiB (the task function's executable keeps about 28 MiB resident while
// it archives; see P2 in docs/benchmarks.md).
const (
	reserveShare = 0.15
	reserveMinMB = 32
)

// Settings are the collector settings of a process. Zero fields are left as they are.
type Settings struct {
	// LimitBytes is the soft memory limit (GOMEMLIMIT).
	LimitBytes int64
	// GCPercent is the GC percentage (GOGC).
	GCPercent int
}

// ForMemory returns the settings of a process that may use memoryMB MiB: a limit of what is
// left after reserving 15% of it (at least 32 MiB), and DefaultGCPercent. A memoryMB of
// zero or less, or too small to leave 8 MiB, gives no settings.
func ForMemory(memoryMB int) Settings {
	reserve := max(float64(memoryMB)*reserveShare, reserveMinMB)
	limitMB := float64(memoryMB) - reserve
	if limitMB < 8 {
		return Settings{}
	}
	return Settings{LimitBytes: int64(limitMB * (1 << 20)), GCPercent: DefaultGCPercent}
}

// LambdaMemoryMB reads the function's memory size from AWS_LAMBDA_FUNCTION_MEMORY_SIZE in
// env (KEY=VALUE entries); 0 when absent or not a number.
func LambdaMemoryMB(env []string) int {
	v, _ := lookup(env, "AWS_LAMBDA_FUNCTION_MEMORY_SIZE")
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil || n < 0 {
		return 0
	}
	return n
}

// Apply sets s, except what env (KEY=VALUE entries) already sets through GOMEMLIMIT or GOGC,
// which the Go runtime applied at start. It returns what it set.
func Apply(env []string, s Settings) Settings {
	if _, ok := lookup(env, "GOMEMLIMIT"); ok {
		s.LimitBytes = 0
	}
	if _, ok := lookup(env, "GOGC"); ok {
		s.GCPercent = 0
	}
	if s.LimitBytes > 0 {
		debug.SetMemoryLimit(s.LimitBytes)
	}
	if s.GCPercent > 0 {
		debug.SetGCPercent(s.GCPercent)
	}
	return s
}

// lookup finds key in env; the last entry wins, as in os.Getenv.
func lookup(env []string, key string) (string, bool) {
	var (
		val   string
		found bool
	)
	for _, e := range env {
		if k, v, ok := strings.Cut(e, "="); ok && k == key {
			val, found = v, true
		}
	}
	return val, found
}
