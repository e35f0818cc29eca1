package taskslice

import (
	"testing"
	"time"

	"github.com/connectless/connectless/core/kafka"
)

func TestFetchOptionsSpreadTheRoundOverPartitions(t *testing.T) {
	tests := []struct {
		name       string
		configured kafka.FetchOptions
		partitions int
		want       int
	}{
		{"few partitions get 1 MiB each", kafka.FetchOptions{}, 2, 1 << 20},
		{"four share the round", kafka.FetchOptions{}, 4, FetchRoundBytes / 4},
		{"sixteen share the round", kafka.FetchOptions{}, 16, FetchRoundBytes / 16},
		{"many get at least 64 KiB", kafka.FetchOptions{}, 1000, 64 << 10},
		{"a configured size is kept", kafka.FetchOptions{MaxBytes: 3 << 20}, 64, 3 << 20},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := &sinkRun{s: SinkSlice{Fetch: tt.configured}}
			if got := r.fetchOptions(tt.partitions).MaxBytes; got != tt.want {
				t.Errorf("MaxBytes = %d, want %d", got, tt.want)
			}
		})
	}
	r := &sinkRun{s: SinkSlice{Fetch: kafka.FetchOptions{MaxWait: time.Second}}}
	if got := r.fetchOptions(8).MaxWait; got != time.Second {
		t.Errorf("MaxWait = %v, want the configured 1s", got)
	}
}
