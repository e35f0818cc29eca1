package rest

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"
)

// TestLoggerLevelsGateOutput: PUT /admin/loggers changes what a named slog logger emits.
func TestLoggerLevelsGateOutput(t *testing.T) {
	f := newFixture(t, nil)
	var out bytes.Buffer
	base := slog.NewTextHandler(&out, &slog.HandlerOptions{Level: slog.Level(-100)})
	log := f.srv.loggers.Logger(base, "connectless.runtime.sink")
	other := f.srv.loggers.Logger(base, "connectless.herder")

	log.Debug("hidden-1")
	if rec := f.do("PUT", "/admin/loggers/connectless.runtime", `{"level":"DEBUG"}`, ""); rec.Code != 200 ||
		rec.Body.String() != `["connectless.runtime","connectless.runtime.sink"]` {
		t.Fatalf("put: %d %s", rec.Code, rec.Body)
	}
	log.Debug("shown-1")
	other.Debug("hidden-2")
	if rec := f.do("PUT", "/admin/loggers/root", `{"level":"error"}`, ""); rec.Code != 200 {
		t.Fatalf("put root: %d %s", rec.Code, rec.Body)
	}
	log.Warn("hidden-3")
	other.Error("shown-2")
	if rec := f.do("PUT", "/admin/loggers/connectless", `{"level":"OFF"}`, ""); rec.Code != 200 {
		t.Fatalf("put off: %d %s", rec.Code, rec.Body)
	}
	other.Error("hidden-4")
	got := out.String()
	for _, s := range []string{"shown-1", "shown-2"} {
		if !strings.Contains(got, s) {
			t.Errorf("%s missing from %q", s, got)
		}
	}
	for _, s := range []string{"hidden-1", "hidden-2", "hidden-3", "hidden-4"} {
		if strings.Contains(got, s) {
			t.Errorf("%s logged: %q", s, got)
		}
	}
	// A logger registered later inherits its namespace's level.
	late := f.srv.loggers.Logger(base, "connectless.late")
	late.Error("hidden-5")
	if strings.Contains(out.String(), "hidden-5") {
		t.Error("a new logger under an OFF namespace logged")
	}
}
