package herder

import (
	"context"

	"github.com/connectless/connectless/core/connect"
	"github.com/connectless/connectless/core/internal/preflight"
)

// PreflightFunc runs the live checks of a resolved configuration that passed validation and
// returns what they found (see package preflight).
type PreflightFunc func(ctx context.Context, plugin connect.Plugin, props map[string]string) []connect.PreflightFinding

// preflight adds the live checks' findings to infos when the configuration has no error
// yet and neither the worker nor the connector turned the checks off (preflight.enable).
func (h *Herder) preflight(ctx context.Context, plugin connect.Plugin, props map[string]string, infos *connect.ConfigInfos, redact func(string) string) {
	if h.cfg.PreflightDisabled || errorCount(*infos) > 0 {
		return
	}
	if on, err := connect.PreflightEnabled(props); err != nil || !on {
		return
	}
	findings := h.cfg.Preflight(ctx, plugin, props)
	for _, f := range findings {
		h.log.InfoContext(ctx, "preflight: "+f.Key+": "+redact(f.Message), "connector_class", plugin.Class)
	}
	preflight.Add(infos, findings)
}

func errorCount(infos connect.ConfigInfos) int {
	n := 0
	for _, ci := range infos.Configs {
		if ci.Value != nil {
			n += len(ci.Value.Errors)
		}
	}
	return n
}
