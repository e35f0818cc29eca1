package taskrun

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/connectless/connectless/core/connect"
	"github.com/connectless/connectless/core/internal/preflight"
)

// preflight runs the live checks at a task's start when validation did not run them (the
// worker's or the connector's preflight.enable=false). Findings fail the task with every
// message on one line, the same messages validation gives.
func (env *Env) preflight(ctx context.Context, log *slog.Logger, connector string, task int, plugin connect.Plugin, cfg map[string]string) error {
	if env.Preflight == nil {
		return nil
	}
	on, err := connect.PreflightEnabled(cfg)
	if err != nil {
		return fmt.Errorf("connector %q: %w", connector, err)
	}
	if on && !env.PreflightAlways {
		return nil
	}
	findings := env.Preflight(ctx, plugin, cfg)
	if err := preflight.Err(findings); err != nil {
		log.Error("preflight check failed at task start", "task", task, "problems", len(findings), "error", err)
		return fmt.Errorf("task %s/%d: %w", connector, task, err)
	}
	return nil
}
