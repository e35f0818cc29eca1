package taskrun

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/connectless/connectless/core/store"
	"github.com/connectless/connectless/core/store/memory"
)

// A slice that failed after its lease was taken over ends as fenced (a stale invocation),
// one that failed under its own lease keeps its error.
func TestFencedOr(t *testing.T) {
	ctx := context.Background()
	st := memory.New()
	env := &Env{Store: st}
	old, err := st.Acquire(ctx, "c", 0, "a", 10*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	cause := errors.New("commit lost to another invocation")
	if err := env.fencedOr(ctx, "c", 0, old, cause); errors.Is(err, store.ErrFenced) || !errors.Is(err, cause) {
		t.Fatalf("under its own lease: %v", err)
	}
	time.Sleep(20 * time.Millisecond)
	if _, err := st.Acquire(ctx, "c", 0, "b", time.Minute); err != nil {
		t.Fatal(err)
	}
	if err := env.fencedOr(ctx, "c", 0, old, cause); !errors.Is(err, store.ErrFenced) || !errors.Is(err, cause) {
		t.Fatalf("after a takeover: %v, want ErrFenced wrapping the cause", err)
	}
}
