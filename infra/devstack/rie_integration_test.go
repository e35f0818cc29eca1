package devstack_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/connectless/connectless/infra/devstack"
	"github.com/connectless/connectless/infra/devstack/devstacktest"
)

func TestIntegrationRIE(t *testing.T) {
	t.Parallel()
	bootstrap := devstacktest.Binary(t, "echo-bootstrap")
	r := devstacktest.RIE(t, devstack.RIEOptions{Bootstrap: bootstrap, Env: []string{"ECHO_GREETING=hello from env"}})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	tests := []struct {
		name      string
		payload   string
		wantEcho  string
		wantError string
	}{
		{name: "first invoke starts the function", payload: `{"message":"one"}`, wantEcho: "one"},
		{name: "warm invoke", payload: `{"message":"two"}`, wantEcho: "two"},
		{name: "function error", payload: `{"fail":"boom"}`, wantError: "boom"},
		{name: "after an error", payload: `{"message":"three"}`, wantEcho: "three"},
	}
	requestIDs := map[string]bool{}
	for _, tc := range tests {
		body, err := r.Invoke(ctx, []byte(tc.payload))
		if err != nil {
			t.Fatalf("%s: %v\n%s", tc.name, err, r.Log())
		}
		var got struct {
			Echo         string `json:"echo"`
			Greeting     string `json:"greeting"`
			FunctionName string `json:"function_name"`
			RequestID    string `json:"request_id"`
			ErrorMessage string `json:"errorMessage"`
			ErrorType    string `json:"errorType"`
		}
		if err := json.Unmarshal(body, &got); err != nil {
			t.Fatalf("%s: response %q: %v", tc.name, body, err)
		}
		if tc.wantError != "" {
			if got.ErrorMessage != tc.wantError || got.ErrorType == "" {
				t.Errorf("%s: got %s, want errorMessage %q and an errorType", tc.name, body, tc.wantError)
			}
			continue
		}
		if got.Echo != tc.wantEcho || got.Greeting != "hello from env" || got.FunctionName == "" || got.RequestID == "" {
			t.Errorf("%s: got %s, want echo %q, the greeting from Env, a function name and a request id", tc.name, body, tc.wantEcho)
		}
		if requestIDs[got.RequestID] {
			t.Errorf("%s: request id %q reused", tc.name, got.RequestID)
		}
		requestIDs[got.RequestID] = true
	}
}
