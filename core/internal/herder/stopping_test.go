package herder_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/connectless/connectless/core/connect"
	"github.com/connectless/connectless/core/internal/herder"
	"github.com/connectless/connectless/core/store"
)

// TestAlterOffsetsWaitsForRunningSlice: a slice still running after STOP holds its task's
// lease and commits when it ends; altering offsets waits for it, so the slice's commit can
// never overwrite the altered offsets. A slice that does not end in time gives Kafka's 500.
func TestAlterOffsetsWaitsForRunningSlice(t *testing.T) {
	h, st := newHerder(t)
	ctx := context.Background()
	if _, err := h.CreateConnector(ctx, "s", raw("connector.class", "Snk", "topics", "t"), ""); err != nil {
		t.Fatal(err)
	}
	lease, err := st.Acquire(ctx, "s", 0, "w2:8083", time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.PutTaskStatus(ctx, lease, store.Status{Connector: "s", Task: 0, State: store.StateRunning, WorkerID: "w2:8083"}); err != nil {
		t.Fatal(err)
	}
	if err := h.StopConnector(ctx, "s"); err != nil {
		t.Fatal(err)
	}
	tp := connect.TopicPartition{Topic: "t", Partition: 0}
	patch := []herder.ConnectorOffset{{Partition: map[string]any{"kafka_topic": "t", "kafka_partition": 0}, Offset: map[string]any{"kafka_offset": 5}}}

	// The slice ends 200ms after the stop: it commits offset 9, then releases its lease.
	go func() {
		time.Sleep(200 * time.Millisecond)
		if err := st.CommitSinkOffsets(ctx, lease, map[connect.TopicPartition]int64{tp: 9}); err != nil {
			t.Errorf("slice commit: %v", err)
		}
		if err := st.Release(ctx, lease); err != nil {
			t.Errorf("release: %v", err)
		}
	}()
	start := time.Now()
	if _, err := h.AlterOffsets(ctx, "s", patch); err != nil {
		t.Fatal(err)
	}
	if waited := time.Since(start); waited < 150*time.Millisecond {
		t.Errorf("alter returned after %v, before the running slice ended", waited)
	}
	offs, err := st.SinkOffsets(ctx, "s")
	if err != nil || offs[tp] != 5 {
		t.Errorf("offsets = %v, %v; want the altered 5, not the slice's 9", offs, err)
	}

	// A zombie that never releases: the request's context ends first, with Kafka's message.
	if _, err := st.Acquire(ctx, "s", 0, "w3:8083", time.Hour); err != nil {
		t.Fatal(err)
	}
	tctx, cancel := context.WithTimeout(ctx, 200*time.Millisecond)
	defer cancel()
	for _, call := range []func() error{
		func() error { _, err := h.AlterOffsets(tctx, "s", patch); return err },
		func() error { _, err := h.ResetOffsets(tctx, "s"); return err },
	} {
		err := call()
		var he *herder.Error
		if !errors.As(err, &he) || !errors.Is(err, herder.ErrInternal) || he.Message == "" {
			t.Errorf("err = %v, want ErrInternal with Kafka's message", err)
		}
	}
}
