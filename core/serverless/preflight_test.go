package serverless

import (
	"context"
	"encoding/json"
	"errors"
	"net"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/lambda"

	"github.com/connectless/connectless/core/connect"
	"github.com/connectless/connectless/core/schedule"
	"github.com/connectless/connectless/core/startup"
	"github.com/connectless/connectless/core/store"
)

// checkedSink is a sink whose preflight finds what its "do" key says.
type checkedSink struct{ sinkStub }

func (checkedSink) PreflightChecks() []string { return []string{"What the do key says."} }
func (checkedSink) Preflight(_ context.Context, props map[string]string, r *connect.ConfigInfos) error {
	switch props["do"] {
	case "find":
		r.AddError("tables", "table db.t does not exist: create it")
	case "fail":
		return errors.New("catalog driver not loaded")
	}
	return nil
}

// TestTaskHandlerPayloadKinds: the task functions' handler tells a task payload (no kind) from
// a preflight request (kind "preflight") and refuses any other kind; neither kind is taken
// for the other.
func TestTaskHandlerPayloadKinds(t *testing.T) {
	rt, _ := memoryRuntime(t, nil)
	rt.Elsewhere = []TaskRoute{{Names: []string{"x.HeavySink", "HeavySink"}, Function: "heavy-fn", Key: "heavy.task.function.name"}}
	createConnector(t, rt, "idle", "test.IdleSource", 1, store.TargetPaused)
	handler := rt.TaskHandler(nil)
	tests := []struct {
		name    string
		payload string
		want    any    // the result, when no error
		wantErr string // a substring of the error
	}{
		{"task", `{"connector":"idle","task":0,"generation":0,"not_after":"2030-01-01T00:00:00Z"}`, TaskResult{}, ""},
		{"task without connector", `{"task":0}`, nil, "task payload: no connector"},
		{"preflight, findings", `{"kind":"preflight","config":{"connector.class":"test.CheckedSink","do":"find"}}`,
			PreflightResult{Kind: KindPreflight, Findings: []connect.PreflightFinding{{Key: "tables", Message: "table db.t does not exist: create it"}}}, ""},
		{"preflight, none", `{"kind":"preflight","config":{"connector.class":"test.CheckedSink"}}`, PreflightResult{Kind: KindPreflight}, ""},
		{"preflight, check failed", `{"kind":"preflight","config":{"connector.class":"test.CheckedSink","do":"fail"},"timeout_ms":500}`,
			PreflightResult{Kind: KindPreflight, Findings: []connect.PreflightFinding{{Key: "connector.class",
				Message: "preflight check of test.CheckedSink could not finish: catalog driver not loaded; fix what it names, or set preflight.enable=false to skip the live checks"}}}, ""},
		{"preflight of a connector without checks", `{"kind":"preflight","config":{"connector.class":"test.SinkStub"}}`, PreflightResult{Kind: KindPreflight}, ""},
		{"preflight of a class linked elsewhere", `{"kind":"preflight","config":{"connector.class":"HeavySink","name":"lake"}}`, nil, ErrWrongTaskFunction.Error()},
		{"preflight of an unknown class", `{"kind":"preflight","config":{"connector.class":"x.Nope"}}`, nil, "x.Nope"},
		{"preflight without class", `{"kind":"preflight","config":{}}`, nil, "no connector.class"},
		{"preflight carrying a task's fields", `{"kind":"preflight","connector":"idle","task":0,"config":{"connector.class":"test.SinkStub"}}`, PreflightResult{Kind: KindPreflight}, ""},
		{"unknown kind", `{"kind":"restart","connector":"idle"}`, nil, ErrPayloadKind.Error()},
		{"not JSON", `[`, nil, "decode payload"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := handler(context.Background(), json.RawMessage(tt.payload))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %v, want one with %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			switch want := tt.want.(type) {
			case TaskResult:
				res, ok := got.(TaskResult)
				if !ok || res.Connector != "idle" || !res.Skipped {
					t.Errorf("result %#v, want the paused task's skip", got)
				}
			case PreflightResult:
				res, ok := got.(PreflightResult)
				if !ok || res.Kind != want.Kind || len(res.Findings) != len(want.Findings) {
					t.Fatalf("result %#v, want %#v", got, want)
				}
				for i := range want.Findings {
					if res.Findings[i] != want.Findings[i] {
						t.Errorf("finding %d: %v, want %v", i, res.Findings[i], want.Findings[i])
					}
				}
			}
		})
	}
}

// TestPreflightWire: the preflight request and result as they travel (testdata/*.golden; go
// test -update rewrites them). A preflight request read as a task payload, as a build without
// payload kinds reads it, has no connector, so it is refused rather than run as a task.
func TestPreflightWire(t *testing.T) {
	for name, v := range map[string]any{
		"preflight-request": PreflightRequest{Kind: KindPreflight, TimeoutMs: 4000,
			Config: map[string]string{"connector.class": "IcebergSink", "name": "lake", "iceberg.tables": "db.t"}},
		"preflight-result": PreflightResult{Kind: KindPreflight,
			Findings: []connect.PreflightFinding{{Key: "iceberg.tables", Message: "table db.t does not exist in catalog c: create it or set iceberg.tables.auto-create-enabled=true"}}},
	} {
		got, err := json.MarshalIndent(v, "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		checkGolden(t, name, append(got, '\n'))
		if name == "preflight-request" {
			var p schedule.Payload
			if err := json.Unmarshal(got, &p); err != nil || p.Connector != "" {
				t.Errorf("preflight request read as a task payload: %+v, %v; want no connector", p, err)
			}
		}
	}
}

// TestDelegatedPreflightFindings: validation of a class that DelegatePreflight routes elsewhere
// reports a route without a function, and a function that cannot be invoked, as a finding on
// connector.class naming them; with preflight.enable=false it invokes nothing.
func TestDelegatedPreflightFindings(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var conns atomic.Int64
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			conns.Add(1)
			c.Close()
		}
	}()
	t.Cleanup(func() { ln.Close() })
	rt, _ := memoryRuntime(t, map[string]string{"preflight.timeout.ms": "3000"})
	rt.awsConfig = func(context.Context) (aws.Config, error) {
		return aws.Config{Region: "us-east-1", BaseEndpoint: aws.String("http://" + ln.Addr().String()),
			Credentials: credentials.NewStaticCredentialsProvider("id", "secret", ""), RetryMaxAttempts: 1}, nil
	}
	route := TaskRoute{Names: []string{"test.SinkStub"}, Function: "heavy-fn", Key: "heavy.task.function.name"}
	unset := route
	unset.Function = ""
	ctx := context.Background()
	tests := []struct {
		name  string
		route TaskRoute
		extra map[string]string
		want  []string // substrings of the one error on connector.class; none: no error
		conns bool     // whether the endpoint is reached
	}{
		{"function not set", unset, nil, []string{"heavy.task.function.name (CONNECT_HEAVY_TASK_FUNCTION_NAME): not set", "preflight.enable=false"}, false},
		{"function cannot be invoked", route, nil, []string{"preflight check of test.SinkStub", "invoke heavy-fn"}, true},
		{"preflight.enable=false", route, map[string]string{"preflight.enable": "false"}, nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := rt.DelegatePreflight(ctx, tt.route); err != nil {
				t.Fatal(err)
			}
			if _, ok := rt.delegated.Client.(*lambda.Client); !ok {
				t.Fatalf("client %T, want the SDK's", rt.delegated.Client)
			}
			before := conns.Load()
			cfg := startup.RawConfig{}
			for k, v := range map[string]string{"connector.class": "test.SinkStub", "name": "lake", "topics": "logs"} {
				cfg[k] = &v
			}
			for k, v := range tt.extra {
				cfg[k] = &v
			}
			infos, err := rt.Herder.ValidateConfig(ctx, "test.SinkStub", cfg)
			if err != nil {
				t.Fatal(err)
			}
			var errs []string
			for _, ci := range infos.Configs {
				if ci.Value == nil {
					continue
				}
				for _, e := range ci.Value.Errors {
					if ci.Value.Name != "connector.class" {
						t.Errorf("error on %s: %s", ci.Value.Name, e)
					}
					errs = append(errs, e)
				}
			}
			t.Logf("errors: %q", errs)
			if len(tt.want) == 0 && len(errs) > 0 || len(tt.want) > 0 && len(errs) != 1 {
				t.Fatalf("errors %q, want %d", errs, min(1, len(tt.want)))
			}
			for _, w := range tt.want {
				if !strings.Contains(errs[0], w) {
					t.Errorf("error %q lacks %q", errs[0], w)
				}
			}
			if reached := conns.Load() > before; reached != tt.conns {
				t.Errorf("endpoint reached: %v, want %v", reached, tt.conns)
			}
		})
	}
}
