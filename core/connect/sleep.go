package connect

import (
	"context"
	"time"
)

// Sleep waits for d, or less when ctx is done first; it returns ctx's error in that case
// and nil otherwise. A task's Poll uses it to wait for new data without outliving its
// invocation.
func Sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
