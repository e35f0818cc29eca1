package taskrun

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/connectless/connectless/core/kafka"
	"github.com/connectless/connectless/core/store"
)

// sourceWriter returns the producer of a source slice. As Kafka's producer, it lets the
// broker auto-create a missing topic; before its first record to a topic it creates the
// topic through the admin API when the connector uses topic creation (KIP-158: the worker's
// topic.creation.enable and the connector's topic.creation.* keys), and notes the topic as
// one the connector used (KIP-558) unless topic tracking is off.
func (env *Env) sourceWriter(client *kafka.Client, c store.Connector, taskID int, log *slog.Logger) (*kafka.Writer, error) {
	tc, err := kafka.ParseTopicCreation(c.Config)
	if err != nil {
		return nil, fmt.Errorf("connector %q: %w", c.Name, err)
	}
	if tc != nil && env.TopicCreationDisabled {
		log.Warn("topic.creation.enable=false on this worker: the connector's topic.creation.* settings are not used")
		tc = nil
	}
	return client.NewWriter(kafka.WriterOptions{
		AllowAutoTopicCreation: true,
		BeforeTopic: func(ctx context.Context, topic string) error {
			if tc != nil {
				spec := tc.Spec(topic)
				created, err := client.EnsureTopic(ctx, spec)
				if err != nil {
					return fmt.Errorf("task %s/%d failed to create new topic %q: %w", c.Name, taskID, topic, err)
				}
				if created {
					log.Info("created topic", "topic", topic, "group", tc.Group(topic).Name,
						"partitions", spec.Partitions, "replication_factor", spec.ReplicationFactor)
				}
			}
			env.recordTopic(ctx, log, c.Name, taskID, topic)
			return nil
		},
	}), nil
}

// recordTopic notes a topic the connector used, unless topic tracking is off; a failure is
// logged, never fatal to the task.
func (env *Env) recordTopic(ctx context.Context, log *slog.Logger, connector string, taskID int, topic string) {
	if env.TopicTrackingDisabled {
		return
	}
	ts := store.TopicStatus{Topic: topic, Connector: connector, Task: taskID, Discovered: time.Now()}
	if err := env.Store.RecordActiveTopic(ctx, ts); err != nil {
		log.Warn("record active topic", "topic", topic, "error", err)
	}
}
