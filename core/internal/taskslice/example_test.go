package taskslice_test

import (
	"context"
	"log/slog"
	"time"

	"github.com/connectless/connectless/core/connect"
	"github.com/connectless/connectless/core/internal/taskslice"
	"github.com/connectless/connectless/core/kafka"
)

// One invocation of a sink task: run a slice from the committed offsets, commit what it
// returns to the offset store (under the task's lease), then mirror it to the consumer
// group connect-<name>. The worker runs the same steps in a loop.
func ExampleRunSinkSlice() {
	ctx := context.Background()
	logger := slog.Default()
	props := map[string]string{"topics": "logs", "errors.tolerance": "all", "errors.deadletterqueue.topic.name": "logs-dlq"}
	errCfg, err := taskslice.ParseErrorConfig(props)
	if err != nil {
		logger.Error("bad connector config", "error", err)
		return
	}
	client, err := kafka.NewClient(kafka.Options{Brokers: []string{"localhost:9092"}})
	if err != nil {
		return
	}
	defer client.Close()

	var task connect.SinkTask                       // from the connector's plugin: NewTask()
	var keyConv, valueConv connect.Converter        // from the connector's converter config
	committed := map[connect.TopicPartition]int64{} // from the offset store

	res, err := taskslice.RunSinkSlice(ctx, logger, taskslice.SinkSlice{
		Task: task, TaskConfig: props, Client: client,
		Assignment: []connect.TopicPartition{{Topic: "logs", Partition: 0}},
		Start:      committed,
		Deadline:   time.Now().Add(14 * time.Minute), Margin: 30 * time.Second,
		Converters: taskslice.Converters{Key: keyConv, Value: valueConv},
		Errors:     errCfg, ConnectorName: "archive", TaskID: 0,
	})
	if err != nil {
		logger.Error("task failed", "error", err) // record it in the task's status
		return
	}
	// Commit res.Committable to the offset store under the lease, then:
	if err := taskslice.MirrorSinkOffsets(ctx, client, "archive", res.Committable); err != nil {
		logger.Warn("mirror offsets", "error", err)
	}
}
