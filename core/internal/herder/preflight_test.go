package herder_test

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/connectless/connectless/core/connect"
	"github.com/connectless/connectless/core/internal/herder"
	"github.com/connectless/connectless/core/store/memory"
)

// TestPreflight checks when validation, create and update run the live checks, and that
// their findings block a create or update with Kafka's 400 message, storing nothing.
func TestPreflight(t *testing.T) {
	ctx := context.Background()
	reg, err := connect.NewRegistry(connect.Plugin{Class: "x.SnkConnector", Type: connect.PluginSink, New: func() connect.Connector { return snk{} }})
	if err != nil {
		t.Fatal(err)
	}
	finding := connect.PreflightFinding{Key: "topics", Message: `topic "t" does not exist in Kafka at k:9092; create it, or correct topics`}
	newH := func(workerOff bool) (*herder.Herder, *atomic.Int32) {
		var calls atomic.Int32
		h, err := herder.New(herder.Config{Store: memory.New(), Plugins: reg, Logger: slog.New(slog.DiscardHandler), PreflightDisabled: workerOff,
			Preflight: func(_ context.Context, p connect.Plugin, props map[string]string) []connect.PreflightFinding {
				calls.Add(1)
				if props["topics"] == "t" {
					return []connect.PreflightFinding{finding}
				}
				return nil
			}})
		if err != nil {
			t.Fatal(err)
		}
		return h, &calls
	}
	t.Run("validate", func(t *testing.T) {
		h, calls := newH(false)
		infos, err := h.ValidateConfig(ctx, "Snk", raw("name", "a", "connector.class", "Snk", "topics", "t"))
		if err != nil || infos.ErrorCount != 1 || calls.Load() != 1 {
			t.Fatalf("infos %+v, err %v, %d calls", infos, err, calls.Load())
		}
		got := connect.PreflightFindings(infos)
		if len(got) != 1 || got[0] != finding {
			t.Errorf("findings %v, want %v", got, finding)
		}
		// A configuration validation refuses is not checked live.
		infos, _ = h.ValidateConfig(ctx, "Snk", raw("name", "a", "connector.class", "Snk", "topics", "t", "tasks.max", "0"))
		if calls.Load() != 1 || strings.Contains(infos.Err().Error(), "does not exist") {
			t.Errorf("an invalid configuration was checked live: %d calls, %v", calls.Load(), infos.Err())
		}
		// A bad preflight.enable is a validation error.
		infos, _ = h.ValidateConfig(ctx, "Snk", raw("name", "a", "connector.class", "Snk", "topics", "u", "preflight.enable", "maybe"))
		if infos.ErrorCount != 1 || !strings.Contains(infos.Err().Error(), "Invalid value maybe for configuration preflight.enable") {
			t.Errorf("preflight.enable=maybe: %v", infos.Err())
		}
	})
	t.Run("create and update", func(t *testing.T) {
		h, _ := newH(false)
		_, err := h.CreateConnector(ctx, "a", raw("connector.class", "Snk", "topics", "t"), "")
		want := "Connector configuration is invalid and contains the following 1 error(s):\n" + finding.Message
		if !errors.Is(err, herder.ErrBadRequest) || !strings.HasPrefix(err.Error(), want) {
			t.Fatalf("create: %v, want a 400 with %q", err, want)
		}
		if names, _ := h.Connectors(ctx); len(names) != 0 {
			t.Fatalf("a refused create stored %v", names)
		}
		if _, err := h.CreateConnector(ctx, "a", raw("connector.class", "Snk", "topics", "u"), ""); err != nil {
			t.Fatal(err)
		}
		if _, _, err := h.PutConnectorConfig(ctx, "a", raw("connector.class", "Snk", "topics", "t")); !errors.Is(err, herder.ErrBadRequest) {
			t.Fatalf("update: %v, want a 400", err)
		}
		if cfg, _ := h.ConnectorConfig(ctx, "a"); cfg["topics"] != "u" {
			t.Errorf("a refused update changed the config: %v", cfg)
		}
	})
	t.Run("off", func(t *testing.T) {
		for _, tc := range []struct {
			name      string
			workerOff bool
			cfg       herder.RawConfig
		}{
			{"connector preflight.enable=false", false, raw("connector.class", "Snk", "topics", "t", "preflight.enable", "false")},
			{"worker preflight.enable=false", true, raw("connector.class", "Snk", "topics", "t")},
		} {
			h, calls := newH(tc.workerOff)
			if _, err := h.CreateConnector(ctx, "a", tc.cfg, ""); err != nil || calls.Load() != 0 {
				t.Errorf("%s: create %v after %d preflight calls, want created unchecked", tc.name, err, calls.Load())
			}
		}
	})
}
