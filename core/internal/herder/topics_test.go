package herder_test

import (
	"context"
	"errors"
	"log/slog"
	"slices"
	"testing"

	"github.com/connectless/connectless/core/connect"
	"github.com/connectless/connectless/core/internal/herder"
	"github.com/connectless/connectless/core/store"
	"github.com/connectless/connectless/core/store/memory"
)

func TestActiveTopics(t *testing.T) {
	reg, err := connect.NewRegistry(connect.Plugin{Class: "x.SrcConnector", Type: connect.PluginSource, New: func() connect.Connector { return &src{} }})
	if err != nil {
		t.Fatal(err)
	}
	st := memory.New()
	for _, tc := range []struct {
		name                  string
		trackingOff, resetOff bool
		wantGet, wantReset    string // "" = no error
	}{
		{name: "enabled"},
		{name: "tracking disabled", trackingOff: true, wantGet: "Topic tracking is disabled.", wantReset: "Topic tracking is disabled."},
		{name: "reset disabled", resetOff: true, wantReset: "Topic tracking reset is disabled."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, topic := range []string{"b", "a"} {
				if err := st.RecordActiveTopic(context.Background(), store.TopicStatus{Topic: topic, Connector: "c"}); err != nil {
					t.Fatal(err)
				}
			}
			h, err := herder.New(herder.Config{Store: st, Plugins: reg, TopicTrackingDisabled: tc.trackingOff,
				TopicResetDisabled: tc.resetOff, Logger: slog.New(slog.DiscardHandler)})
			if err != nil {
				t.Fatal(err)
			}
			ctx := context.Background()
			got, err := h.ActiveTopics(ctx, "c")
			if tc.wantGet != "" {
				if !errors.Is(err, herder.ErrForbidden) || err.Error() != tc.wantGet {
					t.Fatalf("get: %v", err)
				}
			} else if err != nil || !slices.Equal(got["c"].Topics, []string{"a", "b"}) {
				t.Fatalf("get: %v %v", got, err)
			}
			err = h.ResetActiveTopics(ctx, "c")
			if tc.wantReset != "" {
				if !errors.Is(err, herder.ErrForbidden) || err.Error() != tc.wantReset {
					t.Fatalf("reset: %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got, _ := h.ActiveTopics(ctx, "c"); len(got["c"].Topics) != 0 {
				t.Fatalf("after reset: %v", got)
			}
		})
	}
}
