package functions_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/connectless/connectless/connectors/file"
	"github.com/connectless/connectless/core/startup"
	"github.com/connectless/connectless/core/store"
	"github.com/connectless/connectless/infra/devstack"
	"github.com/connectless/connectless/infra/devstack/devstacktest"
)

// BenchmarkTaskColdInit measures the task function's cold start under RIE: a fresh emulator
// starts the bootstrap at the first invocation, which opens its runtime (memory store, Kafka
// client) and answers a payload for an unknown connector. Emulator start-up is not timed.
func BenchmarkTaskColdInit(b *testing.B) {
	k := devstacktest.Kafka(b, devstack.KafkaOptions{Partitions: 1, Topics: []string{topic}})
	env := []string{"CONNECT_STATE_BACKEND=memory", "CONNECT_BOOTSTRAP_SERVERS=" + k.Addr()}
	bin := bootstrap(b, "task")
	payload, _ := json.Marshal(serverlessPayload("none"))
	ctx := context.Background()
	for b.Loop() {
		b.StopTimer()
		r, err := devstack.StartRIE(ctx, devstack.RIEOptions{Bootstrap: bin, Env: env})
		if err != nil {
			b.Skipf("rie: %v (make deps)", err)
		}
		b.StartTimer()
		out, err := r.Invoke(ctx, payload)
		b.StopTimer()
		r.Close()
		if err != nil {
			b.Fatalf("%v: %s", err, out)
		}
		b.StartTimer()
	}
}

// BenchmarkTaskWarmIdleSourceSlice measures a warm task invocation under RIE whose source
// (FileStreamSource on an empty file) has nothing to do, on the DynamoDB store: invoke,
// lease, config, three empty polls (the file source waits 250ms in each), status, release.
func BenchmarkTaskWarmIdleSourceSlice(b *testing.B) {
	s := newStack(b, 1)
	empty := filepath.Join(b.TempDir(), "empty.txt")
	if err := os.WriteFile(empty, nil, 0o644); err != nil {
		b.Fatal(err)
	}
	cfg := map[string]string{"connector.class": file.SourceClass, "file": empty, "topic": topic, "tasks.max": "1"}
	raw := startup.RawConfig{}
	for k, v := range cfg {
		raw[k] = &v
	}
	if _, err := s.rt.Herder.CreateConnector(context.Background(), "idle", raw, store.TargetRunning); err != nil {
		b.Fatal(err)
	}
	r := devstacktest.RIE(b, devstack.RIEOptions{Bootstrap: bootstrap(b, "task"), Env: s.env})
	p := serverlessPayload("idle")
	p.NotAfter = time.Now().Add(time.Hour)
	if _, err := invokeTask(b, r, p); err != nil { // warm up
		b.Fatal(err)
	}
	for b.Loop() {
		res, err := invokeTask(b, r, p)
		if err != nil || res.Skipped || res.Records != 0 {
			b.Fatalf("%+v, %v", res, err)
		}
	}
}
