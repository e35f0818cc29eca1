package console_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/connectless/connectless/connectors"
	"github.com/connectless/connectless/core/connect"
	"github.com/connectless/connectless/core/console/consoletest"
	"github.com/connectless/connectless/core/worker"
	"github.com/connectless/connectless/infra/devstack"
	"github.com/connectless/connectless/infra/devstack/devstacktest"
)

// Shorthands for the consoletest helpers.
type step = consoletest.Step

func run(t *testing.T, ctx context.Context, what string, steps ...step) {
	t.Helper()
	consoletest.Do(t, ctx, what, steps...)
}

func get[T any](t *testing.T, ctx context.Context, what string, a chromedp.Action[T]) T {
	t.Helper()
	return consoletest.Get(t, ctx, what, a)
}

func eval[T any](t *testing.T, ctx context.Context, expr string) T {
	t.Helper()
	return consoletest.Eval[T](t, ctx, expr)
}

func waitText(sel, want string) step { return consoletest.WaitText(sel, want) }

// startWorker runs a worker with every shipped plugin on a kfake broker until the test ends
// and returns its base URL.
func startWorker(t *testing.T, extra map[string]string) string {
	t.Helper()
	return startWorkerOn(t, devstacktest.Kafka(t, devstack.KafkaOptions{AutoCreateTopics: true}), extra)
}

// startWorkerOn is startWorker on a given broker.
func startWorkerOn(t *testing.T, k *devstack.Kafka, extra map[string]string) string {
	t.Helper()
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
	select {
	case <-w.Ready():
	case <-time.After(30 * time.Second):
		t.Fatal("worker not ready")
	}
	if w.State() != worker.StateRunning {
		t.Fatalf("worker %s: %v", w.State(), w.Err())
	}
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
// element wider than the viewport, and every control labelled.
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
		// Every control has a name a screen reader announces.
		unlabelled := eval[[]string](t, ctx, `[...document.querySelectorAll("input, select, textarea, button")].filter(e =>
				!(e.labels && e.labels.length) && !e.getAttribute("aria-label") && !e.textContent.trim()).map(e => e.outerHTML.slice(0, 80))`)
		if len(unlabelled) > 0 {
			t.Errorf("%s: controls without a label: %v", name, unlabelled)
		}
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

func browser(t *testing.T) context.Context { return consoletest.Browser(t) }
