package taskrun

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/connectless/connectless/core/connect"
	"github.com/connectless/connectless/core/schedule"
	"github.com/connectless/connectless/core/store"
)

// TestRunPreflightAtTaskStart checks that the live checks run at a task's start when
// validation did not run them, fail it with their line, and do not run again once it runs.
func TestRunPreflightAtTaskStart(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name      string
		always    bool   // the worker's preflight.enable=false
		connector string // the connector's preflight.enable
		runs      bool
	}{
		{"worker and connector on: validation ran them", false, "", false},
		{"connector off", false, "false", true},
		{"worker off", true, "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env, _, st := setup(t, 3)
			if tt.connector != "" {
				c, _ := st.Connector(ctx, "archive")
				cfg := c.Config
				cfg[connect.KeyPreflightEnable] = tt.connector
				if err := st.PutConnectorConfig(ctx, "archive", cfg); err != nil {
					t.Fatal(err)
				}
				c, _ = st.Connector(ctx, "archive")
				if _, err := Assign(ctx, st, env.Registry, env.Kafka, c); err != nil {
					t.Fatal(err)
				}
			}
			var calls atomic.Int32
			findings := []connect.PreflightFinding{{Key: "s3.bucket.name", Message: `bucket "x" does not exist: create it, or correct s3.bucket.name`}}
			env.Preflight = func(_ context.Context, p connect.Plugin, props map[string]string) []connect.PreflightFinding {
				calls.Add(1)
				return findings
			}
			env.PreflightAlways = tt.always
			c, _ := st.Connector(ctx, "archive")
			p := schedule.Payload{Connector: "archive", Generation: c.Generation}
			_, err := Run(ctx, env, p, time.Now().Add(10*time.Second))
			if !tt.runs {
				if err != nil || calls.Load() != 0 {
					t.Fatalf("err %v, %d preflight calls; want none", err, calls.Load())
				}
				return
			}
			if !errors.Is(err, connect.ErrPreflight) || calls.Load() != 1 {
				t.Fatalf("err %v after %d calls, want ErrPreflight", err, calls.Load())
			}
			s := taskStatus(t, st, "archive")
			want := "task archive/0: preflight check failed: s3.bucket.name: " + findings[0].Message
			if s.State != store.StateFailed || s.Trace != want {
				t.Fatalf("status %s %q, want FAILED %q", s.State, s.Trace, want)
			}
			// Fixed, the task starts; once RUNNING, later slices do not check again.
			findings = nil
			if _, err := Run(ctx, env, p, time.Now().Add(10*time.Second)); err != nil {
				t.Fatal(err)
			}
			if _, err := Run(ctx, env, p, time.Now().Add(10*time.Second)); err != nil {
				t.Fatal(err)
			}
			if calls.Load() != 2 || taskStatus(t, st, "archive").State != store.StateRunning {
				t.Errorf("%d preflight calls, state %s; want 2 and RUNNING", calls.Load(), taskStatus(t, st, "archive").State)
			}
		})
	}
}
