package main

import (
	"context"
	"encoding/json"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/connectless/connectless/core/connect"
	"github.com/connectless/connectless/core/startup"
	"github.com/connectless/connectless/core/store"
	"github.com/connectless/connectless/core/store/bolt"
	"github.com/connectless/connectless/infra/devstack"
	"github.com/connectless/connectless/infra/devstack/devstacktest"
)

// TestIntegrationInvoke runs one slice of a file source task against a bolt store and Kafka.
func TestIntegrationInvoke(t *testing.T) {
	k := devstacktest.Kafka(t, devstack.KafkaOptions{Topics: []string{"lines"}})
	dir := t.TempDir()
	in, db := filepath.Join(dir, "in.txt"), filepath.Join(dir, "state.db")
	if err := os.WriteFile(in, []byte("a\nb\nc\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	// The connector is created in the store, as the REST API would.
	st, err := bolt.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	h, err := startup.NewHerder(startup.HerderConfig{Store: st, Plugins: testRegistry(t), Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	file, topic := in, "lines"
	if _, err := h.CreateConnector(context.Background(), "src", startup.RawConfig{"connector.class": ptr("FileStreamSource"), "file": &file, "topic": &topic}, store.TargetRunning); err != nil {
		t.Fatal(err)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}

	cli := newCLI(t, "")
	cli.registry = func() (*connect.Registry, error) { return testRegistry(t), nil }
	props := filepath.Join(dir, "worker.properties")
	writeFile(t, dir, "worker.properties", "state.backend=bolt\nstate.bolt.path="+db+"\nbootstrap.servers="+strings.Join(k.Brokers(), ",")+"\n")

	var res invokeResult
	r := cli.ok("invoke", "--worker-config", props, "src", "0", "--budget", "10s", "-o", "json")
	if err := json.Unmarshal([]byte(r.stdout), &res); err != nil {
		t.Fatalf("invoke output %q: %v", r.stdout, err)
	}
	if res.Outcome != "ran" || res.Records != 3 || res.Written != 3 || !res.Committed || !res.CaughtUp {
		t.Errorf("first slice: %+v", res)
	}
	r = cli.ok("invoke", "--worker-config", props, "src", "0", "--budget", "10s")
	if field(r.stdout, "Records") != "0" || field(r.stdout, "Outcome") != "ran" || field(r.stdout, "Committed") != "false" {
		t.Errorf("second slice should find nothing new:\n%s", r.stdout)
	}
	// A task that does not exist is a clean skip, not an error.
	r = cli.ok("invoke", "--worker-config", props, "src", "5", "--budget", "2s")
	if field(r.stdout, "Outcome") != "skipped" || !strings.Contains(field(r.stdout, "Reason"), "generation 1 has 1 tasks") {
		t.Errorf("task 5:\n%s", r.stdout)
	}
	if r := cli.run("invoke", "--worker-config", props, "nope", "0"); r.code != exitError || !strings.Contains(r.stderr, `connector "nope" in the store`) {
		t.Errorf("unknown connector: exit %d %s", r.code, r.stderr)
	}
	if r := cli.run("invoke", "src", "0"); r.code != exitUsage || !strings.Contains(r.stderr, "no worker properties") {
		t.Errorf("no properties: exit %d %s", r.code, r.stderr)
	}
	if r := cli.run("invoke", "--set", "state.backend=floppy", "src", "0"); r.code != exitError || !strings.Contains(r.stderr, "state.backend") {
		t.Errorf("bad backend: exit %d %s", r.code, r.stderr)
	}
}

func ptr(s string) *string { return &s }

// field returns the value of a "Key:  value" line.
func field(out, key string) string {
	for _, l := range strings.Split(out, "\n") {
		if v, ok := strings.CutPrefix(l, key+":"); ok {
			return strings.TrimSpace(v)
		}
	}
	return ""
}
