package memtune

import (
	"math"
	"runtime/debug"
	"testing"
)

func TestForMemory(t *testing.T) {
	tests := []struct {
		mb   int
		want Settings
	}{
		{0, Settings{}},
		{-5, Settings{}},
		{20, Settings{}}, // less than 8 MiB left after the 32 MiB reserve
		{39, Settings{}}, // 7 MiB left
		{64, Settings{LimitBytes: 32 << 20, GCPercent: DefaultGCPercent}},     // 64 - 32 MiB
		{128, Settings{LimitBytes: 96 << 20, GCPercent: DefaultGCPercent}},    // 128 - 32 MiB (15% is 19.2)
		{1000, Settings{LimitBytes: 850 << 20, GCPercent: DefaultGCPercent}},  // 85%
		{1769, Settings{LimitBytes: 1576691302, GCPercent: DefaultGCPercent}}, // 1769 - 265.35 MiB, truncated
	}
	for _, tt := range tests {
		if got := ForMemory(tt.mb); got != tt.want {
			t.Errorf("ForMemory(%d) = %+v, want %+v", tt.mb, got, tt.want)
		}
	}
}

func TestLambdaMemoryMB(t *testing.T) {
	tests := []struct {
		env  []string
		want int
	}{
		{nil, 0},
		{[]string{"AWS_LAMBDA_FUNCTION_MEMORY_SIZE=1769"}, 1769},
		{[]string{"AWS_LAMBDA_FUNCTION_MEMORY_SIZE=128", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE=512"}, 512},
		{[]string{"AWS_LAMBDA_FUNCTION_MEMORY_SIZE=lots"}, 0},
	}
	for _, tt := range tests {
		if got := LambdaMemoryMB(tt.env); got != tt.want {
			t.Errorf("LambdaMemoryMB(%q) = %d, want %d", tt.env, got, tt.want)
		}
	}
}

func TestApply(t *testing.T) {
	oldLimit, oldPercent := debug.SetMemoryLimit(-1), debug.SetGCPercent(100)
	t.Cleanup(func() { debug.SetMemoryLimit(oldLimit); debug.SetGCPercent(oldPercent) })

	s := Settings{LimitBytes: 64 << 20, GCPercent: 300}
	if got := Apply(nil, s); got != s {
		t.Fatalf("Apply = %+v, want %+v", got, s)
	}
	if l := debug.SetMemoryLimit(-1); l != 64<<20 {
		t.Errorf("memory limit %d, want %d", l, 64<<20)
	}
	if p := debug.SetGCPercent(300); p != 300 {
		t.Errorf("GC percent %d, want 300", p)
	}

	debug.SetMemoryLimit(math.MaxInt64)
	got := Apply([]string{"GOMEMLIMIT=1GiB", "GOGC=50"}, Settings{LimitBytes: 32 << 20, GCPercent: 200})
	if got != (Settings{}) {
		t.Errorf("with GOMEMLIMIT and GOGC set, Apply set %+v", got)
	}
	if l := debug.SetMemoryLimit(-1); l != math.MaxInt64 {
		t.Errorf("memory limit changed to %d despite GOMEMLIMIT", l)
	}
	if p := debug.SetGCPercent(300); p != 300 {
		t.Errorf("GC percent changed to %d despite GOGC", p)
	}
}
