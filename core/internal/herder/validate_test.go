package herder_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/connectless/connectless/core/connect"
	"github.com/connectless/connectless/core/internal/herder"
)

// The default validation is the framework's (core/config): Kafka's messages for sinks.
func TestDefaultValidation(t *testing.T) {
	h, _ := newHerder(t)
	ctx := context.Background()
	_, err := h.CreateConnector(ctx, "s", raw("connector.class", "Snk"), "")
	if !errors.Is(err, herder.ErrBadRequest) || !strings.HasPrefix(err.Error(), "Connector configuration is invalid and contains the following 2 error(s):\nMust configure one of topics or topics.regex\n") {
		t.Fatalf("sink without topics: %v", err)
	}
	infos, err := h.ValidateConfig(ctx, "Snk", raw("connector.class", "x.SnkConnector", "name", "s", "topics", "a", "tasks.max", "zero"))
	if err != nil {
		t.Fatal(err)
	}
	if infos.Name != "x.SnkConnector" || !strings.Contains(errs(infos), "Invalid value zero for configuration tasks.max: Not a number of type INT") || len(infos.Groups) == 0 || infos.Groups[0] != "Common" {
		t.Fatalf("validate: name %q, %d errors, groups %v: %s", infos.Name, infos.ErrorCount, infos.Groups, errs(infos))
	}
	if _, err := h.ValidateConfig(ctx, "Src", raw("connector.class", "Snk")); !errors.Is(err, herder.ErrBadRequest) ||
		err.Error() != "Included connector type Snk does not match request type Src" {
		t.Fatalf("type mismatch: %v", err)
	}
	keys, err := h.PluginConfig(ctx, "SnkConnector")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, k := range keys {
		names = append(names, k.Name)
	}
	if !strings.Contains(strings.Join(names, ","), "name,connector.class,tasks.max") || !strings.Contains(strings.Join(names, ","), "topics") {
		t.Fatalf("plugin config keys %v", names)
	}
	if _, err := h.PluginConfig(ctx, "Nope"); !errors.Is(err, herder.ErrNotFound) || err.Error() != "Unknown plugin Nope." {
		t.Fatalf("unknown plugin: %v", err)
	}
}

func errs(infos connect.ConfigInfos) string {
	var out []string
	for _, c := range infos.Configs {
		if c.Value != nil {
			out = append(out, c.Value.Errors...)
		}
	}
	return strings.Join(out, "; ")
}
