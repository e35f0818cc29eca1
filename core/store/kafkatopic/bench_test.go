package kafkatopic

import (
	"testing"
	"time"

	"github.com/connectless/connectless/core/store"
)

// BenchmarkIntegrationRoundTrip measures one task invocation's state round trip on an
// in-process kfake broker: acquire the lease, load the connector and its source offsets,
// commit offsets, write the task status, release the lease.
func BenchmarkIntegrationRoundTrip(b *testing.B) {
	brokers := startKafka(b)
	s := openStore(b, brokers)
	ctx := b.Context()
	const c = "bench"
	if err := s.CreateConnector(ctx, c, map[string]string{"connector.class": "FileStreamSource"}, store.TargetRunning); err != nil {
		b.Fatal(err)
	}
	if _, err := s.PutTaskConfigs(ctx, c, []map[string]string{{"file": "/tmp/in.txt"}}); err != nil {
		b.Fatal(err)
	}
	part := map[string]any{"filename": "/tmp/in.txt"}
	i := 0
	for b.Loop() {
		i++
		l, err := s.Acquire(ctx, c, 0, "w", time.Minute)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := s.Connector(ctx, c); err != nil {
			b.Fatal(err)
		}
		if _, err := s.SourceOffsets(ctx, c); err != nil {
			b.Fatal(err)
		}
		if err := s.CommitSourceOffsets(ctx, l, []store.SourceOffset{{Partition: part, Offset: map[string]any{"position": i}}}); err != nil {
			b.Fatal(err)
		}
		if err := s.PutTaskStatus(ctx, l, store.Status{State: store.StateRunning, WorkerID: "w"}); err != nil {
			b.Fatal(err)
		}
		if err := s.Release(ctx, l); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkIntegrationOpen measures a cold start (what a fresh invocation pays): opening a
// Store over topics holding 10 connectors with 2 tasks, 1000 offset records and 20 statuses.
func BenchmarkIntegrationOpen(b *testing.B) {
	brokers := startKafka(b)
	s := openStore(b, brokers)
	ctx := b.Context()
	for c := range 10 {
		name := "c" + itoa(c)
		if err := s.CreateConnector(ctx, name, map[string]string{"connector.class": "X", "k": "v"}, store.TargetRunning); err != nil {
			b.Fatal(err)
		}
		if _, err := s.PutTaskConfigs(ctx, name, []map[string]string{{"t": "0"}, {"t": "1"}}); err != nil {
			b.Fatal(err)
		}
		offs := make([]store.SourceOffset, 100)
		for i := range offs {
			offs[i] = store.SourceOffset{Partition: map[string]any{"file": itoa(i)}, Offset: map[string]any{"position": i}}
		}
		if err := s.AlterSourceOffsets(ctx, name, offs); err != nil {
			b.Fatal(err)
		}
		for task := range 2 {
			if err := s.PutStatus(ctx, store.Status{Connector: name, Task: task, State: store.StateRunning, WorkerID: "w"}); err != nil {
				b.Fatal(err)
			}
		}
	}
	for b.Loop() {
		o, err := Open(ctx, Config{Brokers: brokers, ReplicationFactor: 1})
		if err != nil {
			b.Fatal(err)
		}
		_ = o.Close()
	}
}
