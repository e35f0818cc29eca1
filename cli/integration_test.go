package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/segmentio/kafka-go"

	"github.com/connectless/connectless/core/connect"
	"github.com/connectless/connectless/core/store/kafkatopic"
	"github.com/connectless/connectless/core/worker"
	"github.com/connectless/connectless/infra/devstack"
	"github.com/connectless/connectless/infra/devstack/devstacktest"
)

// startWorker runs the real long-lived worker (REST, herder, task runners) on a bolt store
// and Kafka, and returns its REST URL; extra are more worker properties, key then value.
func startWorker(t *testing.T, brokers []string, extra ...string) string {
	t.Helper()
	props := map[string]string{
		"bootstrap.servers":         strings.Join(brokers, ","),
		"listeners":                 "http://127.0.0.1:0",
		"rest.advertised.host.name": "127.0.0.1",
		"state.bolt.path":           filepath.Join(t.TempDir(), "state.db"),
		"key.converter":             "org.apache.kafka.connect.storage.StringConverter",
		"value.converter":           "org.apache.kafka.connect.storage.StringConverter",
		"offset.flush.interval.ms":  "1000",
		"task.poll.interval.ms":     "50",
		"task.lease.timeout.ms":     "2000",
	}
	for i := 0; i+1 < len(extra); i += 2 {
		props[extra[i]] = extra[i+1]
	}
	return runTestWorker(t, props)
}

// runTestWorker runs a worker on props until the test ends and returns its REST base URL once it
// is running.
func runTestWorker(t *testing.T, props map[string]string) string {
	t.Helper()
	return runWorkerWith(t, props, testRegistry(t))
}

// runWorkerWith is runTestWorker with the given plugins.
func runWorkerWith(t *testing.T, props map[string]string, reg *connect.Registry) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	w, err := worker.New(ctx, props, worker.Options{Registry: reg, Logger: slog.New(slog.DiscardHandler), Version: "test"})
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	go w.Run(ctx)
	t.Cleanup(func() {
		cancel()
		select {
		case <-w.Done():
		case <-time.After(10 * time.Second):
			t.Error("worker did not stop")
		}
	})
	select {
	case <-w.Ready():
	case <-time.After(20 * time.Second):
		t.Fatal("worker not ready")
	}
	if w.State() != worker.StateRunning {
		t.Fatalf("worker %s: %v", w.State(), w.Err())
	}
	return "http://" + w.Addrs()[0].String()
}

func eventually(t *testing.T, d time.Duration, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not after %s", what, d)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestIntegrationCLIAgainstWorker drives a real worker with the CLI: a file source and a file
// sink through Kafka, waits, stop, offsets, resume, delete.
func TestIntegrationCLIAgainstWorker(t *testing.T) {
	k := devstacktest.Kafka(t, devstack.KafkaOptions{Topics: []string{"lines"}})
	url := startWorker(t, k.Brokers())
	cli := newCLI(t, url)
	dir := t.TempDir()
	in, out := filepath.Join(dir, "in.txt"), filepath.Join(dir, "out.txt")
	if err := os.WriteFile(in, []byte("one\ntwo\nthree\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	writeFile(t, dir, "pipeline.yaml", "name: src\nconnector.class: FileStreamSource\nfile: "+in+"\ntopic: lines\n---\n"+
		"name: dst\nconnector.class: FileStreamSink\nfile: "+out+"\ntopics: lines\n")
	r := cli.ok("apply", "-f", filepath.Join(dir, "pipeline.yaml"), "--wait", "--timeout", "30s")
	for _, want := range []string{"connector/src is RUNNING", "connector/dst is RUNNING"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("apply --wait lacks %q:\n%s", want, r.stderr)
		}
	}
	eventually(t, 20*time.Second, "lines copied through Kafka", func() bool {
		b, _ := os.ReadFile(out)
		return string(b) == "one\ntwo\nthree\n"
	})
	r = cli.ok("get", "connectors")
	for _, want := range []string{"dst    sink     RUNNING   1/1", "src    source   RUNNING   1/1"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("get connectors lacks %q:\n%s", want, r.stdout)
		}
	}
	cli.ok("stop", "src", "--wait", "--timeout", "20s")
	eventually(t, 10*time.Second, "source offsets committed", func() bool {
		return strings.Contains(cli.ok("offsets", "get", "src").stdout, `{"position":14}`)
	})
	cli.ok("offsets", "reset", "src")
	if r := cli.ok("offsets", "get", "src"); !strings.Contains(r.stdout, "no committed offsets") {
		t.Errorf("after reset: %s", r.stdout)
	}
	cli.ok("resume", "src", "--wait", "--timeout", "20s")
	// Reset offsets: the source reads the file again from the start.
	eventually(t, 20*time.Second, "file read again after the reset", func() bool {
		b, _ := os.ReadFile(out)
		return string(b) == "one\ntwo\nthree\none\ntwo\nthree\n"
	})
	r = cli.ok("describe", "connector", "dst")
	if !strings.Contains(r.stdout, "TOPIC   PARTITION   OFFSET") {
		t.Errorf("describe shows no sink offsets:\n%s", r.stdout)
	}
	cli.ok("delete", "connector", "src", "dst")
	if r := cli.ok("get", "connectors"); !strings.Contains(r.stdout, "No connectors") {
		t.Errorf("after delete: %s", r.stdout)
	}
}

// TestIntegrationOffsetsImport copies offsets that a Kafka Connect cluster wrote (its
// connect-offsets topic and a sink's consumer group) into connectors through the REST API.
func TestIntegrationOffsetsImport(t *testing.T) {
	k := devstacktest.Kafka(t, devstack.KafkaOptions{Partitions: 2, Topics: []string{"connect-offsets", "orders"}})
	ctx := context.Background()
	kc := &kafka.Client{Addr: kafka.TCP(k.Brokers()...), Timeout: 10 * time.Second}
	var recs []kafkatopic.Record
	for _, o := range []struct {
		conn, file string
		pos        int64
	}{{"legacy-src", "/data/a.txt", 10}, {"legacy-src", "/data/a.txt", 30}, {"legacy-src", "/data/b.txt", 7}, {"other", "/data/a.txt", 99}} {
		key, err := kafkatopic.EncodeOffsetKey(o.conn, map[string]any{"filename": o.file})
		if err != nil {
			t.Fatal(err)
		}
		val, err := kafkatopic.EncodeOffsetValue(map[string]any{"position": o.pos})
		if err != nil {
			t.Fatal(err)
		}
		recs = append(recs, kafkatopic.Record{Key: key, Value: val})
	}
	if err := kafkatopic.WriteRecords(ctx, kc, "connect-offsets", 2, recs); err != nil {
		t.Fatal(err)
	}
	if err := kafkatopic.CommitGroupOffsets(ctx, kc, "connect-legacy-sink", map[connect.TopicPartition]int64{
		{Topic: "orders", Partition: 0}: 120, {Topic: "orders", Partition: 1}: 80}); err != nil {
		t.Fatal(err)
	}

	s := startServer(t, nil)
	s.create(t, "src", "connector.class", "FileStreamSource", "file", "/data/a.txt", "topic", "t")
	s.create(t, "legacy-sink", "connector.class", "FileStreamSink", "file", "/data/out", "topics", "orders")
	cli := newCLI(t, s.URL)
	brokers := strings.Join(k.Brokers(), ",")

	r := cli.run("offsets", "import", "src", "--from", "legacy-src", "--bootstrap-servers", brokers)
	if r.code != exitError || !strings.Contains(r.stderr, "STOPPED") {
		t.Errorf("import into a running connector: exit %d %s", r.code, r.stderr)
	}
	cli.ok("stop", "src")
	cli.ok("stop", "legacy-sink")
	r = cli.ok("offsets", "import", "src", "--from", "legacy-src", "--bootstrap-servers", brokers, "--dry-run")
	if !strings.Contains(r.stdout, "would get 2 offsets") {
		t.Errorf("dry run: %s", r.stdout)
	}
	if offs, _ := s.Store.SourceOffsets(ctx, "src"); len(offs) != 0 {
		t.Errorf("dry run wrote offsets: %v", offs)
	}
	r = cli.ok("offsets", "import", "src", "--from", "legacy-src", "--bootstrap-servers", brokers)
	if !strings.Contains(r.stdout, "imported 2 offsets") {
		t.Errorf("import: %s", r.stdout)
	}
	got := map[string]any{}
	offs, err := s.Store.SourceOffsets(ctx, "src")
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range offs {
		got[fmt.Sprint(o.Partition["filename"])] = fmt.Sprint(o.Offset["position"])
	}
	if len(got) != 2 || got["/data/a.txt"] != "30" || got["/data/b.txt"] != "7" {
		t.Errorf("imported source offsets %v, want a.txt 30 (the last record) and b.txt 7", got)
	}

	cli.ok("offsets", "import", "legacy-sink", "--bootstrap-servers", brokers)
	sink, err := s.Store.SinkOffsets(ctx, "legacy-sink")
	if err != nil || sink[connect.TopicPartition{Topic: "orders", Partition: 0}] != 120 || sink[connect.TopicPartition{Topic: "orders", Partition: 1}] != 80 {
		t.Errorf("imported sink offsets %v (%v)", sink, err)
	}
	r = cli.run("offsets", "import", "src", "--from", "nobody", "--bootstrap-servers", brokers)
	if r.code != exitError || !strings.Contains(r.stderr, "has no offsets for connector nobody") {
		t.Errorf("import of an unknown connector: exit %d %s", r.code, r.stderr)
	}
}
