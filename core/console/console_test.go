package console_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
	"golang.org/x/crypto/bcrypt"

	"github.com/connectless/connectless/core/console"
)

const fileSource = "org.apache.kafka.connect.file.FileStreamSourceConnector"

// TestIntegrationConsoleBrowser drives the worker's console in Chromium: a FileStream source
// created through the form (a validation error at its field, then fixed), running, paused,
// resumed, stopped, its offsets altered, resumed and deleted; a failed task's trace; and
// every page at 1280 and 360 px without horizontal scrolling.
func TestIntegrationConsoleBrowser(t *testing.T) {
	ctx := browser(t)
	base := startWorker(t, nil)
	dir := screenshotDir(t)
	in := filepath.Join(t.TempDir(), "in.txt")
	if err := os.WriteFile(in, []byte("one\ntwo\nthree\n"), 0o644); err != nil {
		t.Fatal(err)
	}

	// Create through the form: the form comes from the plugin's ConfigDef; topic is left out
	// first, and its field shows the validation error until it is filled in.
	run(t, ctx, "open the create form",
		chromedp.Navigate(base+"/ui/new?plugin="+fileSource),
		chromedp.WaitVisible(chromedp.CSS(`#f-file`)),
		chromedp.SendKeys(chromedp.CSS(`#f-name`), "files"),
		chromedp.SendKeys(chromedp.CSS(`#f-file`), in),
		waitText(`#f-topic-err`, "topic"),
		waitText(`#validation`, "error"))
	invalid := get(t, ctx, "read the topic field's state", chromedp.AttributeValue(chromedp.CSS(`#f-topic`), "aria-invalid")).Value
	if invalid != "true" {
		t.Errorf("topic field aria-invalid = %q, want true", invalid)
	}
	run(t, ctx, "fix the topic and create",
		chromedp.SendKeys(chromedp.CSS(`#f-topic`), "lines"),
		waitText(`#validation`, "Configuration is valid"),
		chromedp.Click(chromedp.CSS(`#submit`)),
		chromedp.WaitVisible(chromedp.CSS(`body[data-page=connector]`)),
		waitText(`#state`, "RUNNING"),
		waitText(`#tasks`, "RUNNING"),
		waitText(`#topics`, "lines"))

	// The lifecycle buttons.
	run(t, ctx, "pause", chromedp.Click(chromedp.CSS(`#pause`)), waitText(`#state`, "PAUSED"))
	run(t, ctx, "resume", chromedp.Click(chromedp.CSS(`#resume`)), waitText(`#state`, "RUNNING"))
	run(t, ctx, "stop", chromedp.Click(chromedp.CSS(`#stop`)), waitText(`#state`, "STOPPED"),
		chromedp.WaitVisible(chromedp.CSS(`#alter-offsets:enabled`)), waitText(`#offsets-json`, `"position"`))
	offsets := get(t, ctx, "read offsets", chromedp.Value(chromedp.CSS(`#offsets-json`)))
	if !strings.Contains(offsets, `"position": 14`) {
		t.Errorf("offsets after reading 14 bytes = %s, want position 14", offsets)
	}
	// A request without offsets is refused by the API (Kafka Connect answers 400 "Partitions /
	// offsets need to be provided for an alter offsets request") and the console shows the
	// answer as returned.
	run(t, ctx, "alter offsets with a bad body",
		chromedp.SetValue(chromedp.CSS(`#offsets-json`), `{}`),
		chromedp.Click(chromedp.CSS(`#alter-offsets`)), waitText(`#offsets-result`, "HTTP 400"))
	run(t, ctx, "alter offsets",
		chromedp.SetValue(chromedp.CSS(`#offsets-json`), `{"offsets": [{"partition": {"filename": "`+in+`"}, "offset": {"position": 4}}]}`),
		chromedp.Click(chromedp.CSS(`#alter-offsets`)), waitText(`#offsets-result .ok`, "offsets"))
	got := getJSON(t, base+"/connectors/files/offsets")
	if !strings.Contains(got, `"position":4`) {
		t.Errorf("offsets after the console altered them = %s, want position 4", got)
	}
	run(t, ctx, "resume after altering", chromedp.Click(chromedp.CSS(`#resume`)), waitText(`#state`, "RUNNING"))
	// Records flow again from the altered position: the source re-reads "two" and "three" and
	// its offset comes back to the end of the file.
	deadline := time.Now().Add(15 * time.Second)
	for !strings.Contains(getJSON(t, base+"/connectors/files/offsets"), `"position":14`) {
		if time.Now().After(deadline) {
			t.Fatalf("offsets never came back to 14 after resuming: %s", getJSON(t, base+"/connectors/files/offsets"))
		}
		time.Sleep(200 * time.Millisecond)
	}
	// A sink whose file cannot be opened: its task fails and the trace is on the page.
	post(t, base+"/connectors", `{"name": "broken", "config": {"connector.class": "org.apache.kafka.connect.file.FileStreamSinkConnector",
		"topics": "lines", "file": "/nonexistent-dir/out.txt", "tasks.max": "1"}}`)
	run(t, ctx, "failed task trace",
		chromedp.Navigate(base+"/ui/connectors/broken"),
		waitText(`#tasks`, "FAILED"),
		waitText(`.task-trace pre`, "nonexistent-dir"),
		chromedp.Click(chromedp.CSS(`#include-tasks`)), chromedp.Click(chromedp.CSS(`#only-failed`)),
		chromedp.Click(chromedp.CSS(`#restart`)),
		// Kafka Connect answers a restart with includeTasks 202 Accepted (KIP-745).
		waitText(`#flash`, "Restart: accepted (HTTP 202)"))
	// A plugin's config reference opens in place on the plugins page.
	run(t, ctx, "plugin reference", chromedp.Navigate(base+"/ui/plugins"),
		chromedp.Click(chromedp.CSS(`tr[data-class="`+fileSource+`"] summary`)),
		waitText(`tr[data-class="`+fileSource+`"] dl`, "batch.size"))

	shoot(t, ctx, dir, "connectors", base+"/ui/", `#connectors tr[data-name=broken]`)
	// The schedule columns (expand=schedule, a connectless extension): both connectors run
	// continuously; files has written a task status after a slice, shown as a time, and its
	// task holds its lease (the worker runs it slice after slice); the failed task does not.
	run(t, ctx, "schedule columns", waitText(`#connectors tr[data-name=files] .schedule`, "continuous"),
		waitText(`#connectors tr[data-name=files] .last-slice`, "ago"),
		waitText(`#connectors tr[data-name=files] .last-slice`, "running now (1 task)"))
	if cell := eval[string](t, ctx, `document.querySelector("#connectors tr[data-name=broken] .last-slice").textContent`); strings.Contains(cell, "running") || !strings.Contains(cell, "FAILED") {
		t.Errorf("last slice of the failed sink = %q, want its FAILED status and no running slice", cell)
	}
	if at := eval[string](t, ctx, `document.querySelector("#connectors tr[data-name=files] .last-slice time").getAttribute("datetime")`); !strings.HasPrefix(at, time.Now().UTC().Format("2006-01-02T")) {
		t.Errorf("last slice of files at %q, want today", at)
	}
	plainConnectColumns(t, ctx, base)
	shoot(t, ctx, dir, "connector", base+"/ui/connectors/files", `#tasks table`)
	shoot(t, ctx, dir, "connector-failed", base+"/ui/connectors/broken", `.task-trace`)
	shoot(t, ctx, dir, "new", base+"/ui/new?plugin="+fileSource, `#f-file`)
	shoot(t, ctx, dir, "edit", base+"/ui/edit/files", `#f-file`)
	shoot(t, ctx, dir, "plugins", base+"/ui/plugins", `table`)
	shoot(t, ctx, dir, "metrics", base+"/ui/metrics", `#series tr`)
	// The records the source wrote (three lines, then two again after the offsets change).
	if total := eval[string](t, ctx, `document.querySelector("#throughput tr[data-connector=files] .total").textContent`); total != "5" {
		t.Errorf("metrics page: records of files = %q, want 5", total)
	}
	metricsCharts(t, ctx, base)
	// Dark when the system asks for it.
	if _, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
		Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: "dark"}}}); err != nil {
		t.Fatal(err)
	}
	shoot(t, ctx, dir, "connectors-dark", base+"/ui/", `#connectors tr[data-name=broken]`)
	if bg := eval[string](t, ctx, `getComputedStyle(document.body).backgroundColor`); bg != "rgb(20, 23, 27)" {
		t.Errorf("background with prefers-color-scheme dark = %s, want the dark rgb(20, 23, 27)", bg)
	}
	if _, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
		Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: "light"}}}); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshots in %s", dir)

	// The filter keeps its value across the auto-refresh and in the address.
	run(t, ctx, "filter", chromedp.EmulateViewport(1280, 800), chromedp.Navigate(base+"/ui/"),
		chromedp.WaitVisible(chromedp.CSS(`#connectors tr[data-name=files]`)), chromedp.SendKeys(chromedp.CSS(`#filter-state`), "FAILED"),
		waitText(`#count`, "1 of 2"))
	loc := get(t, ctx, "location", chromedp.Location())
	if !strings.Contains(loc, "state=FAILED") {
		t.Errorf("location after filtering = %s, want state=FAILED kept", loc)
	}

	// An auto-refresh keeps what the user is doing: focus, typed filter and its result.
	run(t, ctx, "type a filter", chromedp.Navigate(base+"/ui/"), chromedp.WaitVisible(chromedp.CSS(`#connectors tr[data-name=files]`)),
		chromedp.SendKeys(chromedp.CSS(`#filter-name`), "fil"), waitText(`#count`, "1 of 2"))
	loads := eval[string](t, ctx, `document.getElementById("connectors").dataset.loads`)
	get(t, ctx, "wait for a refresh", chromedp.Poll[bool](`document.getElementById("connectors").dataset.loads !== "`+loads+`"`, chromedp.WithPollingTimeout(15*time.Second)))
	if state := eval[string](t, ctx, `document.activeElement.id + "=" + document.activeElement.value + " " + document.getElementById("count").textContent`); state != "filter-name=fil 1 of 2 connectors" {
		t.Errorf("after an auto-refresh: focus, filter and count = %q, want filter-name=fil 1 of 2 connectors", state)
	}

	// Delete asks for confirmation first.
	run(t, ctx, "delete", chromedp.Navigate(base+"/ui/connectors/files"), waitText(`#state`, "RUNNING"),
		chromedp.Click(chromedp.CSS(`#delete`)), chromedp.WaitVisible(chromedp.CSS(`#confirm-delete`)))
	if code := apiStatus(t, base+"/connectors/files"); code != http.StatusOK {
		t.Fatalf("connector gone before the delete was confirmed: HTTP %d", code)
	}
	// KIP-558: the set of topics a connector used can be reset.
	run(t, ctx, "reset topics", chromedp.Click(chromedp.CSS(`#reset-topics`)),
		waitText(`#flash`, "Reset topics: accepted"))
	if tp := getJSON(t, base+"/connectors/files/topics"); tp != `{"files":{"topics":[]}}` {
		t.Errorf("topics after the reset = %s, want none", tp)
	}
	run(t, ctx, "confirm delete", chromedp.Click(chromedp.CSS(`#confirm-delete`)), chromedp.WaitVisible(chromedp.CSS(`body[data-page=connectors]`)))
	if code := apiStatus(t, base+"/connectors/files"); code != http.StatusNotFound {
		t.Errorf("GET /connectors/files after delete = HTTP %d, want 404", code)
	}
}

// getJSON GETs url and returns its JSON body re-encoded compactly.
func getJSON(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var v any
	if err := json.NewDecoder(resp.Body).Decode(&v); err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(v)
	return string(b)
}

func post(t *testing.T, url, body string) {
	t.Helper()
	resp, err := http.Post(url, "application/json", bytes.NewBufferString(body))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		t.Fatalf("POST %s: HTTP %d", url, resp.StatusCode)
	}
}

// TestIntegrationConsoleSecretsHidden checks that a PASSWORD value never reaches the page,
// neither on the connector page nor in the edit form, and that saving the form keeps it.
func TestIntegrationConsoleSecretsHidden(t *testing.T) {
	ctx := browser(t)
	base := startWorker(t, nil)
	const secret = "s3cr3t-value-77"
	post(t, base+"/connectors", `{"name": "web", "config": {"connector.class": "io.connectless.connect.http.HttpSinkConnector",
		"topics": "lines", "http.api.url": "http://127.0.0.1:9/", "preflight.enable": "false", "auth.type": "BASIC", "connection.user": "u",
		"connection.password": "`+secret+`"}}`)
	leaks := `(s => document.documentElement.outerHTML.includes(s) ||
		[...document.querySelectorAll("input, textarea, select")].some(e => e.value.includes(s)))(` + `"` + secret + `")`
	run(t, ctx, "connector page", chromedp.Navigate(base+"/ui/connectors/web"),
		waitText(`dd[data-key="connection.password"]`, "hidden"), waitText(`dd[data-key="connection.user"]`, "u"))
	if eval[bool](t, ctx, leaks) {
		t.Error("the connector page shows the password")
	}
	run(t, ctx, "edit page", chromedp.Navigate(base+"/ui/edit/web"),
		chromedp.WaitVisible(chromedp.CSS(`#f-connection_password`)), waitText(`#validation`, "valid"),
		chromedp.Click(chromedp.CSS(`#raw summary`)))
	if eval[bool](t, ctx, leaks) {
		t.Error("the edit page shows the password")
	}
	if raw := get(t, ctx, "raw JSON", chromedp.Value(chromedp.CSS(`#raw-json`))); !strings.Contains(raw, `"connection.password": "(unchanged secret)"`) {
		t.Errorf("raw JSON editor = %s, want the password as (unchanged secret)", raw)
	}
	// The raw YAML editor shows the same configuration, the secret as a placeholder; a list
	// where a string belongs is refused as `connectless apply` refuses it; the user is
	// changed through it.
	run(t, ctx, "YAML editor", chromedp.Click(chromedp.CSS(`#raw-y summary`)),
		waitText(`#raw-yaml`, "connection.password: (unchanged secret)"))
	if eval[bool](t, ctx, leaks) {
		t.Error("the YAML editor shows the password")
	}
	yml := get(t, ctx, "raw YAML", chromedp.Value(chromedp.CSS(`#raw-yaml`)))
	if !strings.Contains(yml, "connection.user: u\n") {
		t.Fatalf("raw YAML editor = %s, want connection.user: u", yml)
	}
	run(t, ctx, "bad YAML", chromedp.SetValue(chromedp.CSS(`#raw-yaml`), yml+"extra.list: [a, b]\n"),
		chromedp.Click(chromedp.CSS(`#raw-yaml-apply`)), waitText(`#submit-result`, `key "extra.list" must be a string, number or boolean`))
	run(t, ctx, "dry run", chromedp.SetValue(chromedp.CSS(`#raw-yaml`), strings.Replace(yml, "connection.user: u\n", "connection.user: u2\n", 1)),
		chromedp.Click(chromedp.CSS(`#raw-yaml-apply`)), waitText(`#f-connection_user`, "u2"),
		waitText(`#validation`, "valid"), chromedp.Click(chromedp.CSS(`#dry-run`)),
		waitText(`#dry-run-diff`, "~ connection.user: u -> u2"))
	if diff := get(t, ctx, "diff", chromedp.Text(chromedp.CSS(`#dry-run-diff`))); strings.Contains(diff, "password") || strings.Count(diff, "\n") != 1 {
		t.Errorf("dry run diff = %q, want only the user's change", diff)
	}
	if eval[bool](t, ctx, leaks) {
		t.Error("the dry run shows the password")
	}
	run(t, ctx, "save", chromedp.Click(chromedp.CSS(`#submit`)),
		chromedp.WaitVisible(chromedp.CSS(`body[data-page=connector]`)))
	cfg := getJSON(t, base+"/connectors/web/config")
	if !strings.Contains(cfg, `"connection.password":"`+secret+`"`) || !strings.Contains(cfg, `"connection.user":"u2"`) {
		t.Errorf("config after saving the form = %s, want the password kept and the user changed", cfg)
	}
}

// TestIntegrationConsoleBasicAuth checks that the console is behind the worker's basic
// authentication like the API: 401 without credentials, the page with them.
func TestIntegrationConsoleBasicAuth(t *testing.T) {
	h, err := bcrypt.GenerateFromPassword([]byte("pw"), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "users")
	if err := os.WriteFile(file, []byte("admin:"+string(h)+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	base := startWorker(t, map[string]string{"basic.auth.file": file})
	for _, path := range []string{"/ui/", "/ui/static/app.js", "/ui/connectors/x"} {
		if code := apiStatus(t, base+path); code != http.StatusUnauthorized {
			t.Errorf("GET %s without credentials = HTTP %d, want 401", path, code)
		}
		req, _ := http.NewRequest(http.MethodGet, base+path, nil)
		req.SetBasicAuth("admin", "pw")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Errorf("GET %s with credentials = HTTP %d, want 200", path, resp.StatusCode)
		}
	}
}

// TestIntegrationConsoleDisabled checks ui.enable: on by default, and false removes /ui/.
func TestIntegrationConsoleDisabled(t *testing.T) {
	if code := apiStatus(t, startWorker(t, nil)+"/ui/"); code != http.StatusOK {
		t.Errorf("GET /ui/ by default = HTTP %d, want 200", code)
	}
	base := startWorker(t, map[string]string{"ui.enable": "false"})
	if code := apiStatus(t, base+"/ui/"); code != http.StatusNotFound {
		t.Errorf("GET /ui/ with ui.enable=false = HTTP %d, want 404", code)
	}
	if code := apiStatus(t, base+"/connectors"); code != http.StatusOK {
		t.Errorf("GET /connectors with ui.enable=false = HTTP %d, want 200", code)
	}
}

// plainConnectColumns opens the connectors page through a console proxy whose server answers
// as Apache Kafka Connect does: it does not know expand=schedule and ignores it (Kafka's
// ConnectorsResource logs "Ignoring unknown expansion type" and leaves the key out), which the
// proxy reproduces by dropping the expansion before the worker sees it. The table then has
// Kafka Connect's columns only.
func plainConnectColumns(t *testing.T, ctx context.Context, base string) {
	t.Helper()
	forward := func(ctx context.Context, method, pathQuery string, header http.Header, body []byte) (*http.Response, error) {
		req, err := http.NewRequestWithContext(ctx, method, base+strings.ReplaceAll(pathQuery, "&expand=schedule", ""), bytes.NewReader(body))
		if err != nil {
			return nil, err
		}
		req.Header = header
		return http.DefaultClient.Do(req)
	}
	srv := httptest.NewServer(console.Proxy(forward))
	defer srv.Close()
	run(t, ctx, "connectors page of a plain Connect server", chromedp.Navigate(srv.URL+"/ui/"),
		chromedp.WaitVisible(chromedp.CSS(`#connectors tr[data-name=files]`)))
	cols := eval[[]string](t, ctx, `[...document.querySelectorAll("thead th")].map(th => th.textContent)`)
	if want := []string{"Name", "Type", "Class", "State", "Tasks", "Topics"}; !slices.Equal(cols, want) {
		t.Errorf("columns against a server without expand=schedule = %q, want %q", cols, want)
	}
}

// metricsCharts samples the metrics page every second with a FileStream sink copying lines:
// the source's throughput and slice durations and the sink's lag (caught up: 0 records) are
// shown per connector, each with a chart once there are samples to draw.
func metricsCharts(t *testing.T, ctx context.Context, base string) {
	t.Helper()
	post(t, base+"/connectors", `{"name": "copy", "config": {"connector.class": "org.apache.kafka.connect.file.FileStreamSinkConnector",
		"topics": "lines", "file": "`+filepath.Join(t.TempDir(), "copy.txt")+`"}}`)
	defer func() {
		req, _ := http.NewRequest(http.MethodDelete, base+"/connectors/copy", nil)
		if resp, err := http.DefaultClient.Do(req); err == nil {
			resp.Body.Close()
		}
	}()
	row := `#throughput tr[data-connector=%s] `
	run(t, ctx, "metrics charts", chromedp.Navigate(base+"/ui/metrics?every=1"),
		waitText(fmt.Sprintf(row, "copy")+".lag", "0 records"),
		chromedp.WaitVisible(chromedp.CSS(fmt.Sprintf(row, "files")+`.rate svg[aria-label^="records per second"]`)),
		chromedp.WaitVisible(chromedp.CSS(fmt.Sprintf(row, "files")+`.slice-time svg[aria-label^="average slice duration"]`)),
		chromedp.WaitVisible(chromedp.CSS(fmt.Sprintf(row, "copy")+`.lag svg[aria-label^="records lag"]`)))
	slices := eval[string](t, ctx, `document.querySelector("#throughput tr[data-connector=files] .slices").textContent`)
	if n, err := strconv.Atoi(slices); err != nil || n < 2 {
		t.Errorf("slices of files = %q, want at least 2", slices)
	}
	if avg := eval[string](t, ctx, `document.querySelector("#throughput tr[data-connector=files] .slice-time").textContent`); !regexp.MustCompile(`^avg \d+(\.\d+)? m?s`).MatchString(avg) {
		t.Errorf("slice duration of files = %q, want an average in ms or s", avg)
	}
	shoot(t, ctx, screenshotDir(t), "metrics-charts", base+"/ui/metrics?every=1", `#throughput tr[data-connector=copy] .lag svg`)
	// A source has no records lag, nor has a sink whose task failed before it read.
	for _, c := range []string{"files", "broken"} {
		if lag := eval[string](t, ctx, `document.querySelector("#throughput tr[data-connector=`+c+`] .lag").textContent`); strings.TrimSpace(lag) != "–" {
			t.Errorf("lag of %s = %q, want none", c, lag)
		}
	}
}
