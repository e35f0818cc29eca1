package taskslice

import (
	"context"
	"testing"
	"time"
)

// BenchmarkHandlerRetrySucceeds is the per-record cost of running a converter call through
// the retry handler when it succeeds, without retries configured (the default) and with.
func BenchmarkHandlerRetrySucceeds(b *testing.B) {
	for _, tt := range []struct {
		name    string
		timeout time.Duration
	}{{"no retries", 0}, {"retry timeout 30s", 30 * time.Second}} {
		b.Run(tt.name, func(b *testing.B) {
			h := newHandler(ErrorConfig{RetryTimeout: tt.timeout}, nil, "c", 0, time.Time{})
			ctx := context.Background()
			b.ReportAllocs()
			for b.Loop() {
				if err := h.retry(ctx, func() error { return nil }); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
