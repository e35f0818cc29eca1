package main

import (
	"bytes"
	"context"
	"flag"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/connectless/connectless/connectors/datagen"
	"github.com/connectless/connectless/connectors/file"
	connhttp "github.com/connectless/connectless/connectors/httpsink"
	"github.com/connectless/connectless/core/config"
	"github.com/connectless/connectless/core/connect"
	"github.com/connectless/connectless/core/rest"
	"github.com/connectless/connectless/core/startup"
	"github.com/connectless/connectless/core/store"
	"github.com/connectless/connectless/core/store/memory"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// testWorkerID is the worker id the test server writes in statuses.
const testWorkerID = "worker-1:8083"

func testRegistry(t testing.TB) *connect.Registry {
	t.Helper()
	reg, err := connect.NewRegistry(append(config.BuiltinPlugins(), file.SourcePlugin, file.SinkPlugin, datagen.Plugin, connhttp.Plugin, greetingPlugin)...)
	if err != nil {
		t.Fatal(err)
	}
	return reg
}

// server is a real REST handler (core/rest over the herder on a memory store) on a real
// HTTP listener.
type server struct {
	URL    string
	Store  store.Store
	Herder *startup.Herder
	srv    *httptest.Server
}

// startServer serves the REST API; wrap, when not nil, wraps the handler (authentication).
func startServer(t testing.TB, wrap func(http.Handler) http.Handler) *server {
	t.Helper()
	st := memory.New()
	// The fixtures point at hosts that need not exist (hooks.example.com): no live checks here;
	// they have their own tests.
	h, err := startup.NewHerder(startup.HerderConfig{Store: st, Plugins: testRegistry(t), WorkerID: testWorkerID,
		Logger: slog.New(slog.DiscardHandler), PreflightDisabled: true})
	if err != nil {
		t.Fatal(err)
	}
	var handler http.Handler = rest.New(h, rest.Options{Version: "4.0.0-test", Commit: "0123abcd", Logger: slog.New(slog.DiscardHandler)})
	if wrap != nil {
		handler = wrap(handler)
	}
	srv := httptest.NewServer(handler)
	t.Cleanup(srv.Close)
	return &server{URL: srv.URL, Store: st, Herder: h, srv: srv}
}

// create creates a connector through the herder.
func (s *server) create(t testing.TB, name string, kv ...string) {
	t.Helper()
	cfg := startup.RawConfig{}
	for i := 0; i+1 < len(kv); i += 2 {
		v := kv[i+1]
		cfg[kv[i]] = &v
	}
	if _, err := s.Herder.CreateConnector(context.Background(), name, cfg, store.TargetRunning); err != nil {
		t.Fatalf("create %s: %v", name, err)
	}
}

// runTasks writes every task's status as a runner does (under the task's lease). It may be
// called from another goroutine: it reports failures with Errorf.
func (s *server) runTasks(t testing.TB, name string, state store.State, trace string) {
	t.Helper()
	ctx := context.Background()
	c, err := s.Store.Connector(ctx, name)
	if err != nil {
		t.Errorf("connector %s: %v", name, err)
		return
	}
	for i := range c.Tasks {
		lease, err := s.Store.Acquire(ctx, name, i, testWorkerID, time.Minute)
		if err != nil {
			t.Errorf("acquire %s/%d: %v", name, i, err)
			return
		}
		st := store.Status{Connector: name, Task: i, State: state, WorkerID: testWorkerID, Trace: trace, Generation: c.Generation, Updated: time.Now()}
		if err := s.Store.PutTaskStatus(ctx, lease, st); err != nil {
			t.Errorf("status %s/%d: %v", name, i, err)
		}
		if err := s.Store.Release(ctx, lease); err != nil {
			t.Errorf("release %s/%d: %v", name, i, err)
		}
	}
}

// result is one CLI run.
type result struct {
	code           int
	stdout, stderr string
}

// cli runs the CLI in process with its own config directory and environment.
type cliRunner struct {
	t         testing.TB
	configDir string
	env       map[string]string
	stdin     string
	awsConfig func(ctx context.Context, region, profile string) (aws.Config, error)
	registry  func() (*connect.Registry, error)
}

func newCLI(t testing.TB, url string) *cliRunner {
	return &cliRunner{t: t, configDir: t.TempDir(), env: map[string]string{"CONNECTLESS_URL": url}}
}

func (c *cliRunner) run(args ...string) result {
	c.t.Helper()
	var out, errb bytes.Buffer
	e := newEnv()
	e.stdin = strings.NewReader(c.stdin)
	e.stdout, e.stderr = &out, &errb
	e.getenv = func(k string) string { return c.env[k] }
	e.configDir = c.configDir
	e.poll = 20 * time.Millisecond
	if c.awsConfig != nil {
		e.awsConfig = c.awsConfig
	}
	if c.registry != nil {
		e.registry = c.registry
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	code := run(ctx, append([]string{"connectless"}, args...), e)
	return result{code: code, stdout: out.String(), stderr: errb.String()}
}

// ok runs and fails the test unless the exit code is 0.
func (c *cliRunner) ok(args ...string) result {
	c.t.Helper()
	r := c.run(args...)
	if r.code != 0 {
		c.t.Fatalf("connectless %s: exit %d\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), r.code, r.stdout, r.stderr)
	}
	return r
}

// golden compares got with testdata/golden/name, rewriting it with -update.
func golden(t testing.TB, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden file (run go test -update to create it): %v", err)
	}
	if string(want) != got {
		t.Errorf("%s differs from the golden file (go test -update rewrites it)\n--- got:\n%s\n--- want:\n%s", name, got, want)
	}
}

// writeFile writes a file in dir and returns its path.
func writeFile(t testing.TB, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}
