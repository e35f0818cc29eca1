package taskrun

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/connectless/connectless/core/config/provider"
	"github.com/connectless/connectless/core/schedule"
	"github.com/connectless/connectless/core/store"
)

// TestFailedSliceTraceIsRedacted: a slice failing with an error that quotes a value resolved
// from a config provider stores and returns the reference, never the value.
func TestFailedSliceTraceIsRedacted(t *testing.T) {
	const secret = "t0p-s3cret-v4lue"
	ctx := context.Background()
	env, _, st := setup(t, 1)
	env.Resolver = provider.New(map[string]provider.Provider{"env": provider.Env{Lookup: func(k string) (string, bool) {
		return secret, k == "TOLERANCE"
	}}})
	c, _ := st.Connector(ctx, "archive")
	cfg := c.Config
	cfg["errors.tolerance"] = "${env:TOLERANCE}"
	if err := st.PutConnectorConfig(ctx, "archive", cfg); err != nil {
		t.Fatal(err)
	}
	_, err := Run(ctx, env, schedule.Payload{Connector: "archive"}, time.Now().Add(5*time.Second))
	if err == nil {
		t.Fatal("a slice with an invalid errors.tolerance succeeded")
	}
	if strings.Contains(err.Error(), secret) || !strings.Contains(err.Error(), "${env:TOLERANCE}") {
		t.Errorf("error = %q, want the reference instead of the value", err)
	}
	sts, err := st.Statuses(ctx, "archive")
	if err != nil {
		t.Fatal(err)
	}
	last := sts[len(sts)-1]
	if last.State != store.StateFailed || strings.Contains(last.Trace, secret) || !strings.Contains(last.Trace, "${env:TOLERANCE}") {
		t.Errorf("status = %s %q, want FAILED with the reference in the trace", last.State, last.Trace)
	}
}
