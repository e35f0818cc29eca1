package dynamo_test

import (
	"testing"
	"time"

	"github.com/connectless/connectless/core/connect"
	"github.com/connectless/connectless/core/store"
	"github.com/connectless/connectless/core/store/dynamo"
)

// BenchmarkIntegrationRoundTrip is one task invocation's state traffic: acquire the lease,
// load the connector and its offsets, commit offsets, write the task status, release.
func BenchmarkIntegrationRoundTrip(b *testing.B) {
	newClient := dynamoClient(b)
	c := newClient()
	const table = "bench"
	if err := dynamo.CreateTable(b.Context(), c, table); err != nil {
		b.Fatalf("create table: %v", err)
	}
	s := dynamo.New(c, table)
	ctx := b.Context()
	if err := s.CreateConnector(ctx, "archive", map[string]string{"connector.class": "S3Sink", "topics": "logs"}, store.TargetRunning); err != nil {
		b.Fatal(err)
	}
	if _, err := s.PutTaskConfigs(ctx, "archive", []map[string]string{{"topics": "logs"}, {"topics": "logs"}}); err != nil {
		b.Fatal(err)
	}
	offsets := map[connect.TopicPartition]int64{}
	for p := range 6 {
		offsets[connect.TopicPartition{Topic: "logs", Partition: int32(p)}] = 0
	}
	var n int64
	for b.Loop() {
		l, err := s.Acquire(ctx, "archive", 0, "bench", time.Minute)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := s.Connector(ctx, "archive"); err != nil {
			b.Fatal(err)
		}
		if _, err := s.SinkOffsets(ctx, "archive"); err != nil {
			b.Fatal(err)
		}
		n++
		for tp := range offsets {
			offsets[tp] = n * 1000
		}
		if err := s.CommitSinkOffsets(ctx, l, offsets); err != nil {
			b.Fatal(err)
		}
		if err := s.PutTaskStatus(ctx, l, store.Status{State: store.StateRunning, WorkerID: "bench", Updated: time.Now()}); err != nil {
			b.Fatal(err)
		}
		if err := s.Release(ctx, l); err != nil {
			b.Fatal(err)
		}
	}
}
