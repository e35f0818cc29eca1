package taskslice

import (
	"testing"
	"time"

	"github.com/connectless/connectless/core/connect"
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

func TestRoundTakesTheBudgetInTurn(t *testing.T) {
	tps := func(n int) []connect.TopicPartition {
		out := make([]connect.TopicPartition, n)
		for i := range out {
			out[i] = connect.TopicPartition{Topic: "t", Partition: int32(i)}
		}
		return out
	}
	perRound := FetchRoundBytes / minPartitionFetch
	t.Run("a round holds every pending partition up to the budget", func(t *testing.T) {
		r := &sinkRun{}
		if got := r.round(tps(perRound)); len(got) != perRound {
			t.Fatalf("%d partitions, want %d", len(got), perRound)
		}
	})
	t.Run("a configured fetch size keeps every partition in each round", func(t *testing.T) {
		r := &sinkRun{s: SinkSlice{Fetch: kafka.FetchOptions{MaxBytes: 1 << 20}}}
		if got := r.round(tps(300)); len(got) != 300 {
			t.Fatalf("%d partitions, want 300", len(got))
		}
	})
	t.Run("beyond the budget rounds take turns and cover every partition", func(t *testing.T) {
		r := &sinkRun{}
		pending := tps(4*perRound + 3)
		seen := map[int32]int{}
		rounds := (len(pending) + perRound - 1) / perRound
		for range rounds {
			got := r.round(pending)
			if len(got) != perRound {
				t.Fatalf("%d partitions in a round, want %d", len(got), perRound)
			}
			if opts := r.fetchOptions(len(got)); opts.MaxBytes*len(got) > FetchRoundBytes {
				t.Fatalf("a round reads up to %d bytes, over the budget", opts.MaxBytes*len(got))
			}
			for _, tp := range got {
				seen[tp.Partition]++
			}
		}
		if len(seen) != len(pending) {
			t.Fatalf("%d of %d partitions fetched in %d rounds", len(seen), len(pending), rounds)
		}
	})
}
