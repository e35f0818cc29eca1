package console_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/connectless/connectless/connectors"
	"github.com/connectless/connectless/core/connect"
	"github.com/connectless/connectless/core/worker"
	"github.com/connectless/connectless/infra/devstack"
	"github.com/connectless/connectless/infra/devstack/devstacktest"
)

// chromiumNames are the binaries the browser tests look for, Debian's first.
var chromiumNames = []string{"chromium", "chromium-browser", "google-chrome", "chrome"}

// browser starts a headless Chromium for the test and returns its context. A missing
// browser skips the test, or fails it under CI=true.
func browser(t *testing.T) context.Context {
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

// step is one browser action that returns nothing.
type step = chromedp.Action[chromedp.Void]

// run runs browser steps with a deadline, failing the test with what was being done.
func run(t *testing.T, ctx context.Context, what string, steps ...step) {
	t.Helper()
	cctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	if err := chromedp.Do(cctx, steps...); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// get runs one browser action that returns a value.
func get[T any](t *testing.T, ctx context.Context, what string, a chromedp.Action[T]) T {
	t.Helper()
	cctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	v, err := chromedp.Run(cctx, a)
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	return v
}

// eval evaluates a JavaScript expression in the page.
func eval[T any](t *testing.T, ctx context.Context, expr string) T {
	t.Helper()
	return get(t, ctx, "evaluate "+expr, chromedp.Evaluate[T](expr))
}

// waitText waits until the element at sel (CSS) has text or value containing want.
func waitText(sel, want string) step {
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

// startWorker runs a worker with every shipped plugin on a kfake broker until the test ends
// and returns its base URL.
func startWorker(t *testing.T, extra map[string]string) string {
	t.Helper()
	k := devstacktest.Kafka(t, devstack.KafkaOptions{AutoCreateTopics: true})
	props := map[string]string{
		"bootstrap.servers":         k.Addr(),
		"listeners":                 "http://127.0.0.1:0",
		"rest.advertised.host.name": "127.0.0.1",
		"state.bolt.path":           filepath.Join(t.TempDir(), "state.db"),
		"key.converter":             "org.apache.kafka.connect.storage.StringConverter",
		"value.converter":           "org.apache.kafka.connect.storage.StringConverter",
		"offset.flush.interval.ms":  "1000",
		"task.poll.interval.ms":     "50",
		"task.lease.timeout.ms":     "2000",
	}
	for k, v := range extra {
		props[k] = v
	}
	reg, err := connect.NewRegistry(connectors.Plugins()...)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	w, err := worker.New(ctx, props, worker.Options{Registry: reg, Logger: slog.New(slog.DiscardHandler), Version: "test"})
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- w.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("worker run: %v", err)
		}
	})
	return "http://" + w.Addrs()[0].String()
}

// screenshotDir is where page screenshots go: $CONNECTLESS_SCREENSHOTS when set, else a
// folder under the test's temporary directory.
func screenshotDir(t *testing.T) string {
	if d := os.Getenv("CONNECTLESS_SCREENSHOTS"); d != "" {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
		return d
	}
	return t.TempDir()
}

// shoot loads url at 1280 and 360 px wide, waits for the page to be ready and for ready
// (a selector), saves a PNG of each, and asserts the layout: no horizontal scrolling and no
// element wider than the viewport.
func shoot(t *testing.T, ctx context.Context, dir, name, url, ready string) {
	t.Helper()
	for _, width := range []int64{1280, 360} {
		run(t, ctx, fmt.Sprintf("load %s at %d px", name, width),
			chromedp.EmulateViewport(width, 800),
			chromedp.Navigate(url),
			chromedp.WaitVisible(chromedp.CSS(`body[data-ready]`)),
			chromedp.WaitVisible(chromedp.CSS(ready)),
			chromedp.Sleep(200*time.Millisecond))
		scroll := eval[float64](t, ctx, `document.scrollingElement.scrollWidth`)
		inner := eval[float64](t, ctx, `window.innerWidth`)
		overflow := eval[[]string](t, ctx, `[...document.querySelectorAll("body *")].filter(e => {
				if (e.closest(".scroll") || e.closest(".skip")) return false;
				const r = e.getBoundingClientRect();
				return r.width > 0 && r.right > window.innerWidth + 1;
			}).slice(0, 5).map(e => e.tagName + (e.id ? "#" + e.id : "") + "." + e.className)`)
		buf := get(t, ctx, "screenshot "+name, chromedp.FullScreenshot(100))
		if scroll > inner {
			t.Errorf("%s at %d px: horizontal scroll: scrollWidth %v > innerWidth %v", name, width, scroll, inner)
		}
		if len(overflow) > 0 {
			t.Errorf("%s at %d px: elements overflow the viewport: %v", name, width, overflow)
		}
		file := filepath.Join(dir, fmt.Sprintf("%s-%d.png", name, width))
		if err := os.WriteFile(file, buf, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// apiStatus answers the HTTP status of a GET on the worker's API.
func apiStatus(t *testing.T, url string) int {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}
