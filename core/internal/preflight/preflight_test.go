package preflight_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/connectless/connectless/core/connect"
	"github.com/connectless/connectless/core/internal/preflight"
)

// checked is a sink connector whose preflight does what its "do" key says.
type checked struct{}

func (checked) Version() string                                { return "1" }
func (checked) Config() *connect.ConfigDef                     { return connect.NewConfigDef() }
func (checked) Start(context.Context, map[string]string) error { return nil }
func (checked) TaskConfigs(int) ([]map[string]string, error)   { return nil, nil }
func (checked) Stop() error                                    { return nil }
func (checked) NewTask() connect.SinkTask                      { return nil }
func (checked) PreflightChecks() []string                      { return []string{"What the do key says."} }
func (checked) Preflight(ctx context.Context, props map[string]string, r *connect.ConfigInfos) error {
	switch props["do"] {
	case "find":
		r.AddError("bucket", "bucket b does not exist: create it")
		r.AddError("region", "bucket b answered from eu-west-1: set region=eu-west-1")
	case "fail":
		return errors.New("driver not loaded")
	case "block":
		<-ctx.Done()
		return ctx.Err()
	case "panic":
		panic("bug")
	}
	return nil
}

func TestCheckerRunsTheConnectorsChecks(t *testing.T) {
	plugin := connect.Plugin{Class: "x.CheckedConnector", Type: connect.PluginSink, New: func() connect.Connector { return checked{} }}
	c := preflight.Checker{Timeout: 100 * time.Millisecond}
	tests := []struct {
		do   string
		want []connect.PreflightFinding
	}{
		{"", nil},
		{"find", []connect.PreflightFinding{{Key: "bucket", Message: "bucket b does not exist: create it"},
			{Key: "region", Message: "bucket b answered from eu-west-1: set region=eu-west-1"}}},
		{"fail", []connect.PreflightFinding{{Key: "connector.class", Message: "preflight check of x.CheckedConnector could not finish: driver not loaded; fix what it names, or set preflight.enable=false to skip the live checks"}}},
		{"block", []connect.PreflightFinding{{Key: "connector.class", Message: "preflight check of x.CheckedConnector did not finish within 100ms: context deadline exceeded; fix what it names, or set preflight.enable=false to skip the live checks"}}},
		{"panic", []connect.PreflightFinding{{Key: "connector.class", Message: "preflight check of x.CheckedConnector panicked: bug; set preflight.enable=false to skip the live checks"}}},
	}
	for _, tt := range tests {
		start := time.Now()
		got := c.Run(context.Background(), plugin, map[string]string{"do": tt.do})
		if time.Since(start) > 5*time.Second {
			t.Errorf("do=%s: took %s despite the 100ms timeout", tt.do, time.Since(start))
		}
		if len(got) != len(tt.want) {
			t.Fatalf("do=%s: %v, want %v", tt.do, got, tt.want)
		}
		for i := range got {
			if got[i] != tt.want[i] {
				t.Errorf("do=%s: finding %d = %v, want %v", tt.do, i, got[i], tt.want[i])
			}
		}
		err := preflight.Err(got)
		if (err == nil) != (len(tt.want) == 0) || err != nil && (!errors.Is(err, connect.ErrPreflight) || strings.Contains(err.Error(), "\n")) {
			t.Errorf("do=%s: Err = %v", tt.do, err)
		}
	}
}

func TestPreflightErrorIsOneLine(t *testing.T) {
	err := preflight.Err([]connect.PreflightFinding{{Key: "a", Message: "first"}, {Key: "b", Message: "second"}})
	if want := "preflight check failed: a: first; b: second"; err.Error() != want {
		t.Errorf("%q, want %q", err, want)
	}
}

// TestCheckerElsewhere: a class Elsewhere takes is checked there, its findings kept as they
// come and its failure reported as the connector's own check's; a class it does not take is
// checked here.
func TestCheckerElsewhere(t *testing.T) {
	plugin := connect.Plugin{Class: "x.CheckedConnector", Type: connect.PluginSink, New: func() connect.Connector { return checked{} }}
	remote := []connect.PreflightFinding{{Key: "tables", Message: "table db.t does not exist"}}
	tests := []struct {
		name  string
		taken bool
		err   error
		props map[string]string
		want  []connect.PreflightFinding
	}{
		{"taken", true, nil, map[string]string{"do": "find"}, remote},
		{"taken, failed", true, errors.New("invoke fn: connection refused"), nil, []connect.PreflightFinding{{Key: "connector.class",
			Message: "preflight check of x.CheckedConnector could not finish: invoke fn: connection refused; fix what it names, or set preflight.enable=false to skip the live checks"}}},
		{"taken, timed out", true, context.DeadlineExceeded, nil, []connect.PreflightFinding{{Key: "connector.class",
			Message: "preflight check of x.CheckedConnector did not finish within 100ms: context deadline exceeded; fix what it names, or set preflight.enable=false to skip the live checks"}}},
		{"not taken", false, nil, map[string]string{"do": "fail"}, []connect.PreflightFinding{{Key: "connector.class",
			Message: "preflight check of x.CheckedConnector could not finish: driver not loaded; fix what it names, or set preflight.enable=false to skip the live checks"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got connect.Plugin
			c := preflight.Checker{Timeout: 100 * time.Millisecond, Elsewhere: func(_ context.Context, p connect.Plugin, _ map[string]string) ([]connect.PreflightFinding, bool, error) {
				got = p
				if !tt.taken {
					return nil, false, nil
				}
				if tt.err != nil {
					return nil, true, tt.err
				}
				return remote, true, nil
			}}
			findings := c.Run(context.Background(), plugin, tt.props)
			if got.Class != plugin.Class {
				t.Errorf("Elsewhere got plugin %q, want %q", got.Class, plugin.Class)
			}
			if !slices.Equal(findings, tt.want) {
				t.Errorf("findings %v, want %v", findings, tt.want)
			}
		})
	}
}
