package storetest

import (
	"testing"
	"time"

	"github.com/connectless/connectless/core/connect"
	"github.com/connectless/connectless/core/store"
)

// WriteSample writes a small fixed state through s, one of each kind of thing a backend
// persists, for golden tests of the backend's stored format: two connectors (one with task
// configs), a source offset and a source tombstone, sink offsets including an altered one,
// leases, task and connector statuses, an active topic. now must be the backend's clock; leases last a minute.
func WriteSample(t testing.TB, s store.Store, now time.Time) {
	t.Helper()
	ctx := t.Context()
	steps := []struct {
		what string
		do   func() error
	}{
		{"create source connector", func() error {
			return s.CreateConnector(ctx, "local-file-source", map[string]string{
				"connector.class": "FileStreamSource", "file": "/tmp/in.txt", "topic": "lines"}, store.TargetRunning)
		}},
		{"source task configs", func() error {
			_, err := s.PutTaskConfigs(ctx, "local-file-source", []map[string]string{{"file": "/tmp/in.txt", "topic": "lines"}})
			return err
		}},
		{"create sink connector", func() error {
			return s.CreateConnector(ctx, "s3-archive", map[string]string{"connector.class": "S3Sink", "topics": "logs"}, store.TargetPaused)
		}},
		{"source task", func() error {
			l, err := s.Acquire(ctx, "local-file-source", 0, "worker-1:8083", time.Minute)
			if err != nil {
				return err
			}
			err = s.CommitSourceOffsets(ctx, l, []store.SourceOffset{
				{Partition: map[string]any{"filename": "/tmp/in.txt"}, Offset: map[string]any{"position": 4096}},
				{Partition: map[string]any{"filename": "/tmp/gone.txt"}, Offset: nil},
			})
			if err != nil {
				return err
			}
			return s.PutTaskStatus(ctx, l, store.Status{State: store.StateRunning, WorkerID: "worker-1:8083", Generation: 1, Updated: now})
		}},
		{"sink task", func() error {
			l, err := s.Acquire(ctx, "s3-archive", 1, "invocation-7f3a", time.Minute)
			if err != nil {
				return err
			}
			err = s.CommitSinkOffsets(ctx, l, map[connect.TopicPartition]int64{{Topic: "logs", Partition: 0}: 1200, {Topic: "logs", Partition: 3}: 77})
			if err != nil {
				return err
			}
			return s.PutTaskStatus(ctx, l, store.Status{State: store.StateFailed, WorkerID: "invocation-7f3a", Trace: "boom\n\tat x", Updated: now})
		}},
		{"alter sink offsets", func() error {
			return s.AlterSinkOffsets(ctx, "s3-archive", map[connect.TopicPartition]int64{{Topic: "logs", Partition: 5}: 10})
		}},
		{"active topic", func() error {
			return s.RecordActiveTopic(ctx, store.TopicStatus{Topic: "lines", Connector: "local-file-source", Task: 0, Discovered: now})
		}},
		{"connector status", func() error {
			return s.PutStatus(ctx, store.Status{Connector: "s3-archive", Task: -1, State: store.StatePaused, WorkerID: "worker-1:8083", Updated: now})
		}},
	}
	for _, st := range steps {
		if err := st.do(); err != nil {
			t.Fatalf("write sample: %s: %v", st.what, err)
		}
	}
}
