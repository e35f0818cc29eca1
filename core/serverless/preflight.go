package serverless

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/connectless/connectless/core/connect"
	"github.com/connectless/connectless/core/internal/preflight"
	"github.com/connectless/connectless/core/schedule"
)

// KindPreflight is the kind of a preflight request. A task payload (schedule.Payload) has
// no kind and no preflight request has a connector at its top level, so neither can be taken
// for the other, by this build or by an older one (which refuses a payload without a
// connector).
const KindPreflight = "preflight"

// ErrPayloadKind is returned by the task functions for a payload of a kind they do not know.
var ErrPayloadKind = errors.New("unknown payload kind")

// PreflightRequest asks a task function to run the connector's own live checks
// (connect.Preflighter) of a configuration, for a function that does not link the connector:
// the REST function sends the Iceberg sink's configurations to the Iceberg task function.
type PreflightRequest struct {
	// Kind is KindPreflight.
	Kind string `json:"kind"`
	// Config is the connector's configuration, its config-provider references resolved (as
	// the checks get it in-process); connector.class selects the connector.
	Config map[string]string `json:"config"`
	// TimeoutMs bounds the checks; zero means the function's preflight.timeout.ms.
	TimeoutMs int64 `json:"timeout_ms,omitempty"`
}

// PreflightResult is what a task function answers to a PreflightRequest: the findings, each
// on the key to change, as the checks give them in-process (a check that could not finish
// is a finding on connector.class).
type PreflightResult struct {
	// Kind is KindPreflight.
	Kind     string                     `json:"kind"`
	Findings []connect.PreflightFinding `json:"findings"`
}

// Preflight runs the connector's own live checks of req's configuration with this function's
// registry and answers what they found. A class this function does not link is an error
// (ErrWrongTaskFunction naming the function that does, when a route takes it).
func (rt *Runtime) Preflight(ctx context.Context, req PreflightRequest) (PreflightResult, error) {
	class := req.Config["connector.class"]
	if class == "" {
		return PreflightResult{}, errors.New("preflight request: no connector.class")
	}
	if err := rt.linked(ctx, schedule.Payload{Connector: req.Config["name"], Class: class}); err != nil {
		return PreflightResult{}, err
	}
	plugin, err := rt.Registry.Lookup(class)
	if err != nil {
		return PreflightResult{}, fmt.Errorf("preflight request: %w", err)
	}
	timeout := rt.Config.PreflightTimeout
	if req.TimeoutMs > 0 {
		timeout = time.Duration(req.TimeoutMs) * time.Millisecond
	}
	started := time.Now()
	findings := preflight.Checker{Timeout: timeout, Logger: rt.Logger}.Run(ctx, plugin, req.Config)
	rt.Logger.Info("preflight done", "connector_class", plugin.Class, "findings", len(findings),
		"duration_ms", time.Since(started).Milliseconds())
	return PreflightResult{Kind: KindPreflight, Findings: findings}, nil
}

// DelegatePreflight has validation, create and update run the connector's own live checks of
// the routes' classes in the routes' task functions, which link those connectors, with a
// synchronous Lambda invocation (LambdaInvoker.Preflight): the REST function, which links no
// iceberg-go, has the Iceberg task function check the Iceberg sink's catalog and tables. A
// route whose function is not set, or a function that cannot be invoked, is a finding on
// connector.class saying so; with preflight.enable=false nothing is invoked. Call it before
// the first invocation.
func (rt *Runtime) DelegatePreflight(ctx context.Context, routes ...TaskRoute) error {
	client, err := rt.lambdaClient(ctx)
	if err != nil {
		return err
	}
	rt.delegated = &LambdaInvoker{Client: client, Routes: routes}
	return nil
}

// preflightElsewhere is the preflight checker's Elsewhere (startup.Options): the classes of
// DelegatePreflight's routes are checked in their task functions.
func (rt *Runtime) preflightElsewhere(ctx context.Context, plugin connect.Plugin, props map[string]string) ([]connect.PreflightFinding, bool, error) {
	d := rt.delegated
	if d == nil {
		return nil, false, nil
	}
	if _, ok := routeOf(d.Routes, plugin.Class); !ok {
		return nil, false, nil
	}
	findings, err := d.Preflight(ctx, props)
	return findings, true, err
}
