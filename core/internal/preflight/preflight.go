package preflight

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/connectless/connectless/core/connect"
	"github.com/connectless/connectless/core/convert"
	"github.com/connectless/connectless/core/convert/schemaregistry"
	"github.com/connectless/connectless/core/kafka"
)

// DefaultTimeout bounds all checks of one configuration when Checker.Timeout is zero.
const DefaultTimeout = 5 * time.Second

// keyConnectorClass is where a check that could not finish is reported.
const keyConnectorClass = "connector.class"

// Checker runs the live checks of connector configurations. The zero value checks nothing
// but the connector's own; a Checker is safe for concurrent use.
type Checker struct {
	// Registry holds the converter plugins, for the Schema Registry check; nil skips it.
	Registry *connect.Registry
	// Kafka is the worker's client; nil skips the Kafka checks (a process that has no
	// bootstrap.servers).
	Kafka *kafka.Client
	// WorkerProps are the worker properties: the converters of connectors that name none.
	WorkerProps map[string]string
	// TopicCreationDisabled mirrors the worker's topic.creation.enable=false.
	TopicCreationDisabled bool
	// Timeout bounds all checks of one configuration. Default DefaultTimeout.
	Timeout time.Duration
	// Logger receives a line per check that failed to run. Default slog.Default().
	Logger *slog.Logger
	// Elsewhere runs the connector's own checks in another process when taken is true: the
	// one that links the connector, where this one does not (the REST function has the
	// Iceberg task function check the Iceberg sink's catalog). An error is a check that
	// could not finish, reported as the connector's own would be. Nil, or taken false,
	// runs them here.
	Elsewhere func(ctx context.Context, plugin connect.Plugin, props map[string]string) (findings []connect.PreflightFinding, taken bool, err error)
}

// Run runs, at the same time and within Timeout, the checks that apply to a resolved
// connector configuration and returns what they found: the connector's findings first,
// then Kafka's, then the registry's. A check that panics or cannot finish is a finding on
// connector.class.
func (c Checker) Run(ctx context.Context, plugin connect.Plugin, props map[string]string) []connect.PreflightFinding {
	ctx, cancel := context.WithTimeout(ctx, cmp.Or(c.Timeout, DefaultTimeout))
	defer cancel()
	parts := make([][]connect.PreflightFinding, 3)
	var wg sync.WaitGroup
	run := func(i int, f func() []connect.PreflightFinding) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() {
				if r := recover(); r != nil {
					parts[i] = []connect.PreflightFinding{{Key: keyConnectorClass, Message: fmt.Sprintf(
						"preflight check of %s panicked: %v; set %s=false to skip the live checks", plugin.Class, r, connect.KeyPreflightEnable)}}
				}
			}()
			parts[i] = f()
		}()
	}
	run(0, func() []connect.PreflightFinding { return c.connector(ctx, plugin, props) })
	if c.Kafka != nil && (plugin.Type == connect.PluginSink || plugin.Type == connect.PluginSource) {
		run(1, func() []connect.PreflightFinding { return c.kafka(ctx, plugin.Type, props) })
	}
	if c.Registry != nil {
		run(2, func() []connect.PreflightFinding { return c.registry(ctx, props) })
	}
	wg.Wait()
	var out []connect.PreflightFinding
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

// Add adds findings to infos as errors on their keys.
func Add(infos *connect.ConfigInfos, findings []connect.PreflightFinding) {
	for _, f := range findings {
		infos.AddError(f.Key, f.Message)
	}
}

// Err is nil without findings, else a *connect.PreflightError holding them.
func Err(findings []connect.PreflightFinding) error {
	if len(findings) == 0 {
		return nil
	}
	return &connect.PreflightError{Findings: findings}
}

func (c Checker) connector(ctx context.Context, plugin connect.Plugin, props map[string]string) []connect.PreflightFinding {
	var (
		out   []connect.PreflightFinding
		taken bool
		err   error
	)
	if c.Elsewhere != nil {
		out, taken, err = c.Elsewhere(ctx, plugin, props)
	}
	if !taken {
		out, err = own(ctx, plugin, props)
	}
	if err != nil {
		what := "could not finish"
		if errors.Is(err, context.DeadlineExceeded) || ctx.Err() != nil {
			what = fmt.Sprintf("did not finish within %s", cmp.Or(c.Timeout, DefaultTimeout))
		}
		cmp.Or(c.Logger, slog.Default()).WarnContext(ctx, "preflight check "+what, "connector_class", plugin.Class, "error", err)
		out = append(out, connect.PreflightFinding{Key: keyConnectorClass, Message: fmt.Sprintf(
			"preflight check of %s %s: %v; fix what it names, or set %s=false to skip the live checks", plugin.Class, what, err, connect.KeyPreflightEnable)})
	}
	return out
}

// own runs the connector's Preflighter, if it has one, in this process.
func own(ctx context.Context, plugin connect.Plugin, props map[string]string) ([]connect.PreflightFinding, error) {
	if plugin.New == nil {
		return nil, nil
	}
	pf, ok := plugin.New().(connect.Preflighter)
	if !ok {
		return nil, nil
	}
	var infos connect.ConfigInfos
	err := pf.Preflight(ctx, props, &infos)
	return connect.PreflightFindings(infos), err
}

func (c Checker) kafka(ctx context.Context, t connect.PluginType, props map[string]string) []connect.PreflightFinding {
	client, err := c.Kafka.ForConnector(ctx, props)
	if err != nil {
		return nil // validation reports the connector's client overrides
	}
	if client != c.Kafka {
		defer client.Close()
	}
	return client.Preflight(ctx, t, props, !c.TopicCreationDisabled)
}

// registry checks the Schema Registry of each registry converter (key and value) answers.
func (c Checker) registry(ctx context.Context, props map[string]string) []connect.PreflightFinding {
	set, err := convert.ForConnector(c.Registry, c.WorkerProps, props)
	if err != nil {
		return nil // validation reports the converters
	}
	type registered interface {
		Registry() *schemaregistry.Registry
	}
	var out []connect.PreflightFinding
	seen := map[string]bool{}
	for _, conv := range []struct {
		prefix string
		c      connect.Converter
	}{{"key.converter.", set.Key}, {"value.converter.", set.Value}} {
		r, ok := conv.c.(registered)
		if !ok || r.Registry() == nil {
			continue
		}
		urls := strings.Join(r.Registry().Settings().URLs, ",")
		if seen[urls] {
			continue // one registry, one check
		}
		seen[urls] = true
		if err := r.Registry().Reachable(ctx, conv.prefix); err != nil {
			out = append(out, connect.PreflightFinding{Key: conv.prefix + schemaregistry.URLKey, Message: err.Error()})
		}
	}
	return out
}
