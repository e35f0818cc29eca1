package functions_test

import (
	"context"
	"encoding/json"
	"maps"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	icebergo "github.com/apache/iceberg-go"
	"github.com/apache/iceberg-go/catalog"

	"github.com/connectless/connectless/connectors/iceberg"
	"github.com/connectless/connectless/infra/devstack"
	"github.com/connectless/connectless/infra/devstack/devstacktest"
)

// restAnswer is the REST function's answer to one API Gateway event: the status and body.
type restAnswer struct {
	StatusCode int    `json:"statusCode"`
	Body       string `json:"body"`
}

// invokeREST sends one API Gateway event to the REST function under RIE.
func invokeREST(t *testing.T, r *devstack.RIE, event string) restAnswer {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	out, err := r.Invoke(ctx, []byte(event))
	if err != nil {
		t.Fatalf("%v\n%s", err, r.Log())
	}
	var a restAnswer
	if err := json.Unmarshal(out, &a); err != nil || a.StatusCode == 0 {
		t.Fatalf("answer %s: %v\n%s", out, err, r.Log())
	}
	return a
}

// validateErrors reads a validate answer's error count and errors by key.
func validateErrors(t *testing.T, a restAnswer) (int, map[string][]string) {
	t.Helper()
	if a.StatusCode != 200 {
		t.Fatalf("validate: status %d: %s", a.StatusCode, a.Body)
	}
	var infos struct {
		ErrorCount int `json:"error_count"`
		Configs    []struct {
			Value struct {
				Name   string   `json:"name"`
				Errors []string `json:"errors"`
			} `json:"value"`
		} `json:"configs"`
	}
	if err := json.Unmarshal([]byte(a.Body), &infos); err != nil {
		t.Fatalf("validate answer %s: %v", a.Body, err)
	}
	errs := map[string][]string{}
	for _, c := range infos.Configs {
		if len(c.Value.Errors) > 0 {
			errs[c.Value.Name] = append(errs[c.Value.Name], c.Value.Errors...)
		}
	}
	return infos.ErrorCount, errs
}

// TestIntegrationRESTIcebergPreflight: the built REST function, which links no iceberg-go,
// has the built Iceberg task function (both under RIE, Lambda's Invoke API routed to the
// latter) run the Iceberg sink's catalog checks against a SQL catalog in PostgreSQL with its
// warehouse in S3. A missing table with auto-create off is a finding on iceberg.tables in the
// validate answer and Kafka Connect's 400 on create and update; an unreachable catalog is a
// finding on iceberg.catalog.uri; a good configuration has none and is created;
// preflight.enable=false invokes nothing. A REST function without the Iceberg task
// function's name, or with a name Lambda does not know, reports that on connector.class
// instead of passing the configuration.
func TestIntegrationRESTIcebergPreflight(t *testing.T) {
	t.Parallel()
	s := newStack(t, 1)
	ctx := context.Background()
	base := s.icebergCatalog(t)
	maps.Copy(base, map[string]string{
		"connector.class":    "IcebergSink",
		"name":               "lake",
		"tasks.max":          "1",
		"topics":             topic,
		iceberg.TablesConfig: "db.present",
	})
	// The table the good configuration names, made with iceberg-go in this process.
	cat, err := iceberg.OpenCatalog(ctx, base)
	if err != nil {
		t.Fatal(err)
	}
	if err := cat.CreateNamespace(ctx, catalog.ToIdentifier("db"), nil); err != nil {
		t.Fatal(err)
	}
	schema := icebergo.NewSchema(0, icebergo.NestedField{ID: 1, Name: "n", Type: icebergo.PrimitiveTypes.Int64})
	if _, err := cat.CreateTable(ctx, catalog.ToIdentifier("db.present"), schema); err != nil {
		t.Fatal(err)
	}
	if err := iceberg.CloseCatalog(cat); err != nil {
		t.Fatal(err)
	}
	with := func(change map[string]string) string {
		cfg := maps.Clone(base)
		maps.Copy(cfg, change)
		b, err := json.Marshal(cfg)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	missing := with(map[string]string{iceberg.TablesConfig: "db.present,db.missing"})
	const wantMissing = "table db.missing does not exist in catalog functions: create it or set iceberg.tables.auto-create-enabled=true"

	ice := devstacktest.RIE(t, devstack.RIEOptions{Bootstrap: bootstrap(t, "icebergtask"), Env: s.env})
	router := &lambdaRouter{calls: map[string]int{}, to: map[string]*devstack.RIE{icebergFunction: ice}}
	srv := httptest.NewServer(router)
	t.Cleanup(srv.Close)
	// A generous preflight.timeout.ms: the Iceberg task function's first invocation starts it
	// on a machine shared with other tests.
	env := append(append([]string{}, s.env...), "AWS_ENDPOINT_URL_LAMBDA="+srv.URL, "CONNECT_PREFLIGHT_TIMEOUT_MS=30000")
	rest := devstacktest.RIE(t, devstack.RIEOptions{Bootstrap: bootstrap(t, "rest"),
		Env: append(append([]string{}, env...), "CONNECT_ICEBERG_TASK_FUNCTION_NAME="+icebergFunction)})
	validate := func(r *devstack.RIE, body string) (int, map[string][]string) {
		t.Helper()
		return validateErrors(t, invokeREST(t, r, v2Event("PUT", "/connector-plugins/IcebergSink/config/validate", body, "")))
	}

	// A table that does not exist, auto-create off: the finding on iceberg.tables.
	n, errs := validate(rest, missing)
	if n != 1 || len(errs) != 1 || len(errs[iceberg.TablesConfig]) != 1 || errs[iceberg.TablesConfig][0] != wantMissing {
		t.Errorf("validate with a missing table: %d errors %q; want one on %s: %q\n%s", n, errs, iceberg.TablesConfig, wantMissing, ice.Log())
	}
	if got := router.count(icebergFunction); got != 1 {
		t.Errorf("the Iceberg task function was invoked %d times, want once", got)
	}
	// Create and update answer Kafka Connect's 400 with the same finding, and store nothing.
	wantMessage := "Connector configuration is invalid and contains the following 1 error(s):\n" + wantMissing +
		"\nYou can also find the above list of errors at the endpoint `/connector-plugins/{connectorType}/config/validate`"
	for _, ev := range []string{
		v2Event("POST", "/connectors", `{"name":"lake","config":`+missing+`}`, ""),
		v1Event("PUT", "/connectors/lake/config", missing, nil),
	} {
		a := invokeREST(t, rest, ev)
		var e struct {
			ErrorCode int    `json:"error_code"`
			Message   string `json:"message"`
		}
		if err := json.Unmarshal([]byte(a.Body), &e); err != nil || a.StatusCode != 400 || e.ErrorCode != 400 || e.Message != wantMessage {
			t.Errorf("write with a missing table: %d %s\nwant 400 with the message %q", a.StatusCode, a.Body, wantMessage)
		}
	}
	if names, err := s.rt.Store.Connectors(ctx); err != nil || len(names) != 0 {
		t.Errorf("connectors after the refused writes: %v, %v; want none", names, err)
	}

	// A catalog that cannot be reached: the finding on iceberg.catalog.uri.
	n, errs = validate(rest, with(map[string]string{iceberg.CatalogURIConfig: "postgres://connectless:secret@127.0.0.1:1/connectless?sslmode=disable"}))
	if got := errs[iceberg.CatalogURIConfig]; n != 1 || len(errs) != 1 || len(got) != 1 || !strings.HasPrefix(got[0], "cannot open the sql catalog at connectless@127.0.0.1:1/connectless: ") {
		t.Errorf("validate with an unreachable catalog: %d errors %q; want one on %s", n, errs, iceberg.CatalogURIConfig)
	}

	// The good configuration: no finding; it is created and updated.
	if n, errs = validate(rest, with(nil)); n != 0 {
		t.Errorf("validate a good configuration: %d errors %q, want none", n, errs)
	}
	if a := invokeREST(t, rest, v2Event("POST", "/connectors", `{"name":"lake","config":`+with(nil)+`}`, "")); a.StatusCode != 201 {
		t.Errorf("create a good configuration: %d %s", a.StatusCode, a.Body)
	}
	if a := invokeREST(t, rest, v1Event("PUT", "/connectors/lake/config", with(map[string]string{"tasks.max": "2"}), nil)); a.StatusCode != 200 {
		t.Errorf("update with a good configuration: %d %s", a.StatusCode, a.Body)
	}

	// preflight.enable=false: nothing is invoked, nothing found.
	before := router.count(icebergFunction)
	if n, errs = validate(rest, with(map[string]string{iceberg.TablesConfig: "db.missing", "preflight.enable": "false"})); n != 0 {
		t.Errorf("validate with preflight.enable=false: %d errors %q, want none", n, errs)
	}
	if got := router.count(icebergFunction); got != before {
		t.Errorf("preflight.enable=false: the Iceberg task function was invoked %d times, want none", got-before)
	}

	// Without the Iceberg task function, or with one Lambda does not know, the configuration
	// is not passed unchecked: one finding on connector.class says why.
	for _, tc := range []struct {
		name string
		env  []string
		want string
	}{
		{"no function name", env, "iceberg.task.function.name (CONNECT_ICEBERG_TASK_FUNCTION_NAME): not set"},
		{"unknown function", append(append([]string{}, env...), "CONNECT_ICEBERG_TASK_FUNCTION_NAME=nope"), "could not finish: invoke nope: "},
	} {
		r := devstacktest.RIE(t, devstack.RIEOptions{Bootstrap: bootstrap(t, "rest"), Env: tc.env})
		n, errs = validate(r, with(nil))
		t.Logf("%s: %q", tc.name, errs["connector.class"])
		if got := errs["connector.class"]; n != 1 || len(got) != 1 || !strings.Contains(got[0], tc.want) {
			t.Errorf("%s: validate: %d errors %q; want one on connector.class with %q", tc.name, n, errs, tc.want)
		}
	}
}
