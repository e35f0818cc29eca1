package worker

import (
	"log/slog"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/connectless/connectless/core/config/workerprops"
)

func TestEnvironmentOverridesFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "worker.properties")
	if err := os.WriteFile(path, []byte("# worker\nbootstrap.servers=file:9092\nstate.backend = bolt\nlisteners: http://:8083\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	file, err := LoadProperties(path)
	if err != nil {
		t.Fatal(err)
	}
	props := Merge(file, FromEnv([]string{"CONNECT_BOOTSTRAP_SERVERS=env:9092", "CONNECT_STATE_BOLT_PATH=/tmp/x.db", "HOME=/root",
		"CONNECT_LOG4J_ROOT_LOGLEVEL=INFO"}))
	want := map[string]string{"bootstrap.servers": "env:9092", "state.backend": "bolt", "listeners": "http://:8083", "state.bolt.path": "/tmp/x.db",
		"log4j.root.loglevel": "INFO"}
	if !maps.Equal(props, want) {
		t.Errorf("merged = %v, want %v", props, want)
	}
	c, err := workerprops.Parse(props, workerprops.Options{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatalf("Confluent-style environment refused: %v", err)
	}
	if strings.Join(c.Brokers, ",") != "env:9092" || c.BoltPath != "/tmp/x.db" {
		t.Errorf("parsed = %v %s", c.Brokers, c.BoltPath)
	}
	if _, err := LoadProperties(filepath.Join(dir, "missing.properties")); err == nil {
		t.Error("missing file accepted")
	}
}
