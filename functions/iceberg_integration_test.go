package functions_test

import (
	"context"
	"encoding/json"
	"errors"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/connectless/connectless/connectors/iceberg"
	"github.com/connectless/connectless/core/schedule"
	"github.com/connectless/connectless/core/serverless"
	"github.com/connectless/connectless/core/startup"
	"github.com/connectless/connectless/core/store"
	"github.com/connectless/connectless/infra/devstack"
	"github.com/connectless/connectless/infra/devstack/devstacktest"
)

// icebergFunction is the Iceberg task function's name in the routing test.
const icebergFunction = "iceberg-task"

// icebergCatalog starts PostgreSQL and returns the Iceberg sink's keys of a SQL catalog in it
// named "functions", its warehouse in the stack's S3 (bucket "warehouse", created here).
func (s *stack) icebergCatalog(t *testing.T) map[string]string {
	t.Helper()
	pg := devstacktest.Postgres(t)
	const warehouse = "warehouse"
	if err := s.s3.CreateBucket(context.Background(), warehouse); err != nil {
		t.Fatal(err)
	}
	return map[string]string{
		iceberg.CatalogTypeConfig:      "sql",
		iceberg.CatalogNameConfig:      "functions",
		iceberg.CatalogURIConfig:       pg.DSN,
		iceberg.CatalogWarehouseConfig: "s3://" + warehouse + "/wh",
		iceberg.S3EndpointConfig:       s.s3.Endpoint,
		iceberg.S3PathStyleConfig:      "true",
		iceberg.S3AccessKeyConfig:      s.s3.AccessKey,
		iceberg.S3SecretKeyConfig:      s.s3.SecretKey,
		iceberg.ClientRegionConfig:     s.s3.Region,
	}
}

// lambdaRouter stands where Lambda's Invoke API routes by function name: each emulator
// serves one function under the name "function", so requests for a name are passed to its
// emulator with the name rewritten. It counts the invocations per name.
type lambdaRouter struct {
	mu    sync.Mutex
	calls map[string]int
	to    map[string]*devstack.RIE
}

func (lr *lambdaRouter) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rest, ok := strings.CutPrefix(r.URL.Path, "/2015-03-31/functions/")
	name, _, _ := strings.Cut(rest, "/")
	rie := lr.to[name]
	if !ok || rie == nil {
		http.Error(w, "no function "+name, http.StatusNotFound)
		return
	}
	lr.mu.Lock()
	lr.calls[name]++
	lr.mu.Unlock()
	u, _ := url.Parse(rie.Endpoint)
	r.URL.Path = devstack.RIEInvokePath
	httputil.NewSingleHostReverseProxy(u).ServeHTTP(w, r)
}

func (lr *lambdaRouter) count(name string) int {
	lr.mu.Lock()
	defer lr.mu.Unlock()
	return lr.calls[name]
}

// TestIntegrationSchedulerRoutesIceberg: with an S3 sink and an Iceberg sink on one topic,
// the built scheduler sends the Iceberg sink's task to the Iceberg task function (which
// appends every record to the table: its offsets in the state store follow the table) and
// the S3 sink's to the task function, which links no iceberg-go. The task function invoked
// for the Iceberg sink's task refuses it before its lease, naming the function to use; a
// scheduler without the Iceberg task function's name reports that task as not sent.
func TestIntegrationSchedulerRoutesIceberg(t *testing.T) {
	t.Parallel()
	s := newStack(t, 2)
	ctx := context.Background()
	const n = 40
	s.produce(t, 0, n)
	s.createSink(t, "archive", 5, nil)
	cfg := s.icebergCatalog(t)
	maps.Copy(cfg, map[string]string{
		"connector.class":                     "IcebergSink", // the short alias routes too
		"tasks.max":                           "1",
		"topics":                              topic,
		iceberg.TablesConfig:                  "logs.app",
		iceberg.AutoCreateConfig:              "true",
		"schedule":                            "continuous",
		"consumer.override.auto.offset.reset": "earliest",
		"preflight.enable":                    "false",
	})
	raw := startup.RawConfig{}
	for k, v := range cfg {
		raw[k] = &v
	}
	if _, err := s.rt.Herder.CreateConnector(ctx, "lake", raw, store.TargetRunning); err != nil {
		t.Fatal(err)
	}

	env := append(append([]string{}, s.env...), "CONNECT_ICEBERG_TASK_FUNCTION_NAME="+icebergFunction)
	task := devstacktest.RIE(t, devstack.RIEOptions{Bootstrap: bootstrap(t, "task"), Env: env})
	ice := devstacktest.RIE(t, devstack.RIEOptions{Bootstrap: bootstrap(t, "icebergtask"), Env: env})

	// The task function refuses the Iceberg sink's task, before its lease and status.
	_, err := invokeTask(t, task, schedule.Payload{Connector: "lake", Class: "IcebergSink", NotAfter: time.Now().Add(time.Minute)})
	for _, want := range []string{serverless.ErrWrongTaskFunction.Error(), icebergFunction, "iceberg.task.function.name", "CONNECT_ICEBERG_TASK_FUNCTION_NAME"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("task function invoked for the Iceberg sink: %v; want an error with %q", err, want)
		}
	}
	if _, err := s.rt.Store.CurrentLease(ctx, "lake", 0); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("lease after the refused invocation: %v, want none", err)
	}
	st, err := s.rt.Store.Statuses(ctx, "lake")
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range st {
		if x.Task == 0 {
			t.Errorf("task status after the refused invocation: %+v; want none", x)
		}
	}

	router := &lambdaRouter{calls: map[string]int{}, to: map[string]*devstack.RIE{"function": task, icebergFunction: ice}}
	srv := httptest.NewServer(router)
	t.Cleanup(srv.Close)
	tick := func(sched *devstack.RIE) serverless.Tick {
		t.Helper()
		tctx, cancel := context.WithTimeout(ctx, 120*time.Second)
		defer cancel()
		started := time.Now()
		out, err := sched.Invoke(tctx, []byte(`{"version":"0","detail-type":"Scheduled Event","source":"aws.scheduler"}`))
		if err != nil {
			t.Fatalf("%v\n%s", err, sched.Log())
		}
		t.Logf("tick in %v", time.Since(started).Round(time.Millisecond))
		var got serverless.Tick
		if err := json.Unmarshal(out, &got); err != nil {
			t.Fatalf("response %s: %v", out, err)
		}
		return got
	}

	// Without the Iceberg task function's name, the scheduler sends the S3 sink's task and
	// reports the Iceberg sink's as not sent, naming the variable to set.
	unset := devstacktest.RIE(t, devstack.RIEOptions{Bootstrap: bootstrap(t, "scheduler"),
		Env: append(append([]string{}, s.env...), "AWS_ENDPOINT_URL_LAMBDA="+srv.URL)})
	got := tick(unset)
	if got.Due != 2 || got.Sent != 1 || len(got.Errors) != 1 || !strings.Contains(got.Errors[0], "CONNECT_ICEBERG_TASK_FUNCTION_NAME") {
		t.Errorf("tick without the Iceberg task function: %+v, want two due, the S3 sink's sent and an error naming CONNECT_ICEBERG_TASK_FUNCTION_NAME", got)
	}
	if a, b := router.count("function"), router.count(icebergFunction); a != 1 || b != 0 {
		t.Errorf("invocations: %d of the task function, %d of the Iceberg task function; want one and none", a, b)
	}

	sched := devstacktest.RIE(t, devstack.RIEOptions{Bootstrap: bootstrap(t, "scheduler"),
		Env: append(append([]string{}, env...), "AWS_ENDPOINT_URL_LAMBDA="+srv.URL)})
	got = tick(sched)
	if got.Due != 2 || got.Sent != 2 || len(got.Errors) != 0 {
		t.Fatalf("tick %+v, want two tasks due and sent\n%s\n%s\n%s", got, sched.Log(), task.Log(), ice.Log())
	}
	if a, b := router.count("function"), router.count(icebergFunction); a != 2 || b != 1 {
		t.Errorf("invocations: %d of the task function, %d of the Iceberg task function; want two (one a tick earlier) and one", a, b)
	}
	counts, _ := s.archived(t)
	exactlyOnce(t, counts, n)
	offs, err := s.rt.Store.SinkOffsets(ctx, "lake")
	if err != nil {
		t.Fatal(err)
	}
	var total int64
	for _, off := range offs {
		total += off
	}
	if total != n {
		t.Errorf("the Iceberg sink's committed offsets %v sum to %d, want %d\n%s", offs, total, n, ice.Log())
	}
	if strings.Contains(string(task.Log()), `"connector":"lake","task":0,"holder"`) {
		t.Errorf("the task function ran the Iceberg sink's task:\n%s", task.Log())
	}
}
