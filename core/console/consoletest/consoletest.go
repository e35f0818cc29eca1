// Package consoletest starts a headless Chromium for tests of the web console.
package consoletest

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// chromiumNames are the binaries the browser tests look for, Debian's first.
var chromiumNames = []string{"chromium", "chromium-browser", "google-chrome", "chrome"}

// Browser starts a headless Chromium for the test and returns its context. A missing
// browser skips the test, or fails it under CI=true.
func Browser(t testing.TB) context.Context {
	t.Helper()
	var bin string
	for _, n := range chromiumNames {
		if p, err := exec.LookPath(n); err == nil {
			bin = p
			break
		}
	}
	if bin == "" {
		msg := "chromium is not installed (make deps installs Debian's chromium)"
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(bin), chromedp.NoSandbox,
		chromedp.DisableGPU, chromedp.Flag("disable-dev-shm-usage", true), chromedp.WindowSize(1280, 900))
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx)
	t.Cleanup(func() { cancel(); cancelAlloc() })
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	return ctx
}

// Step is one browser action that returns nothing.
type Step = chromedp.Action[chromedp.Void]

// Do runs browser steps with a deadline, failing the test with what was being done.
func Do(t testing.TB, ctx context.Context, what string, steps ...Step) {
	t.Helper()
	cctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	if err := chromedp.Do(cctx, steps...); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// Get runs one browser action that returns a value.
func Get[T any](t testing.TB, ctx context.Context, what string, a chromedp.Action[T]) T {
	t.Helper()
	cctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	v, err := chromedp.Run(cctx, a)
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	return v
}

// Eval evaluates a JavaScript expression in the page.
func Eval[T any](t testing.TB, ctx context.Context, expr string) T {
	t.Helper()
	return Get(t, ctx, "evaluate "+expr, chromedp.Evaluate[T](expr))
}

// WaitText waits until the element at sel (CSS) has text or value containing want.
func WaitText(sel, want string) Step {
	return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		var last string
		for {
			got, err := chromedp.Evaluate[string](fmt.Sprintf(`(e => e ? (e.value || e.textContent) : "")(document.querySelector(%q))`, sel))(ctx, tg)
			if err != nil {
				return err
			}
			if strings.Contains(got, want) {
				return nil
			}
			last = got
			select {
			case <-ctx.Done():
				return fmt.Errorf("%s: text %q never contained %q: %w", sel, last, want, ctx.Err())
			case <-time.After(100 * time.Millisecond):
			}
		}
	})
}
