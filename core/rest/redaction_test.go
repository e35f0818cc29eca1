package rest

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/connectless/connectless/core/config/provider"
	"github.com/connectless/connectless/core/store"
)

// TestSecretRedaction resolves a ${env:...} secret for a task, then scans every GET response
// and the log output for the resolved value.
func TestSecretRedaction(t *testing.T) {
	const secret = "s3cr3t-Value-9431"
	const bad = "notanumber-0f1e2d"
	t.Setenv("CL_TEST_SECRET", secret)
	t.Setenv("CL_TEST_BAD", bad)
	ctx := context.Background()
	res, err := provider.FromWorkerConfig(ctx, map[string]string{"config.providers": "env"}, provider.Options{})
	if err != nil {
		t.Fatal(err)
	}
	f := newFixture(t, res)
	steps := []struct{ method, path, body string }{
		{"POST", "/connectors", `{"name":"db","config":{"connector.class":"TestSource","tasks.max":"2","topic":"t","password":"${env:CL_TEST_SECRET}"}}`},
		{"POST", "/connectors", `{"name":"broken","config":{"connector.class":"TestSource","fail.start":"true","password":"${env:CL_TEST_SECRET}"}}`},
		{"POST", "/connectors", `{"name":"invalid","config":{"connector.class":"TestSource","tasks.max":"${env:CL_TEST_BAD}"}}`},
		{"PUT", "/connector-plugins/TestSource/config/validate", `{"connector.class":"TestSource","name":"v","tasks.max":"${env:CL_TEST_BAD}","password":"${env:CL_TEST_SECRET}"}`},
		{"PATCH", "/connectors/db/config", `{"topic":"t2"}`},
		{"POST", "/connectors/db/restart?includeTasks=true", ``},
	}
	var bodies []string
	for _, s := range steps {
		rec := f.do(s.method, s.path, s.body, "")
		if rec.Code >= 500 {
			t.Fatalf("%s %s: %d %s", s.method, s.path, rec.Code, rec.Body)
		}
		bodies = append(bodies, rec.Body.String())
	}
	// Validation saw the resolved value (it is not a number) and reports the reference.
	for _, i := range []int{2, 3} {
		if !strings.Contains(bodies[i], "Invalid value ${env:CL_TEST_BAD} for configuration tasks.max") {
			t.Fatalf("step %d: validation error does not name the reference: %s", i, bodies[i])
		}
	}
	// The task is handed its resolved config, as a runner does.
	tasks, err := f.h.Tasks(ctx, "db")
	if err != nil || len(tasks) != 2 {
		t.Fatalf("tasks: %v %v", tasks, err)
	}
	if got := tasks[0].Config["password"]; got != "${env:CL_TEST_SECRET}" {
		t.Fatalf("stored task password %q, want the reference", got)
	}
	resolved, err := f.h.Resolve(ctx, tasks[0].Config)
	if err != nil {
		t.Fatal(err)
	}
	if resolved["password"] != secret || resolved["dsn"] != "user:"+secret+"@db" {
		t.Fatalf("task config not resolved for the task: password set=%v dsn set=%v", resolved["password"] != "", resolved["dsn"] != "")
	}
	f.runTask(t, "db", 0, store.StateRunning, "")
	// A task that quotes the secret in its failure trace: the REST layer still hides it.
	f.runTask(t, "db", 1, store.StateFailed, "java.sql.SQLException: login failed for password "+secret)

	gets := []string{"/connectors?expand=status&expand=info", "/connectors/db", "/connectors/db/config", "/connectors/db/status",
		"/connectors/db/tasks", "/connectors/db/tasks-config", "/connectors/db/tasks/0/status", "/connectors/db/offsets",
		"/connectors/db/topics", "/connectors/db/tasks/1/status", "/connectors/broken", "/connectors/broken/status", "/connectors/broken/tasks", "/admin/loggers"}
	for _, p := range gets {
		rec := f.do("GET", p, "", "-")
		if rec.Code != 200 {
			t.Fatalf("GET %s: %d %s", p, rec.Code, rec.Body)
		}
		bodies = append(bodies, rec.Body.String())
	}
	rec := f.do("POST", "/connectors/db/restart?includeTasks=true&onlyFailed=true", "", "-")
	if rec.Code != 202 || !strings.Contains(rec.Body.String(), "login failed for password ${env:CL_TEST_SECRET}") {
		t.Fatalf("restart plan: %d %s", rec.Code, rec.Body)
	}
	bodies = append(bodies, rec.Body.String())
	// The failed connector's trace is there, without the secret.
	st, err := f.h.ConnectorStatus(ctx, "broken")
	if err != nil || st.Connector.State != "FAILED" || !strings.Contains(st.Connector.Trace, "${env:CL_TEST_SECRET}") {
		t.Fatalf("broken status %+v %v", st, err)
	}
	bodies = append(bodies, f.logs.String())
	if !strings.Contains(bodies[len(bodies)-1], "connector failed") {
		t.Fatal("log output misses the connector failure")
	}
	hits := 0
	for _, b := range bodies {
		for _, s := range []string{secret, bad, url.QueryEscape(secret)} {
			hits += strings.Count(b, s)
		}
	}
	if hits != 0 {
		t.Fatalf("%d occurrences of resolved values in responses and logs:\n%s", hits, strings.Join(bodies, "\n"))
	}
}

func TestEncodedConnectorName(t *testing.T) {
	f := newFixture(t, nil)
	rec := f.do("POST", "/connectors", `{"name":"a/b c","config":{"connector.class":"TestSource"}}`, "")
	if rec.Code != 201 || rec.Header().Get("Location") != "http://localhost:8083/connectors/a%2Fb%20c" {
		t.Fatalf("create: %d %q %s", rec.Code, rec.Header().Get("Location"), rec.Body)
	}
	for _, p := range []string{"/connectors/a%2Fb%20c", "/connectors/a%2Fb%20c/", "/connectors/a%2Fb%20c/status"} {
		if rec := f.do("GET", p, "", "-"); rec.Code != 200 || !strings.Contains(rec.Body.String(), `"name":"a/b c"`) {
			t.Errorf("GET %s: %d %s", p, rec.Code, rec.Body)
		}
	}
}
