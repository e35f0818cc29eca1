package outage

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/connectless/connectless/core/connect"
	"github.com/connectless/connectless/core/kafka"
	"github.com/connectless/connectless/core/store"
	"github.com/connectless/connectless/infra/devstack"
	"github.com/connectless/connectless/infra/devstack/devstacktest"
)

const datagenClass = "io.confluent.kafka.connect.datagen.DatagenConnector"

// runUntilSettled runs slices of a task until one succeeds caught up, and returns how many
// ended retrying. Every slice must either succeed or retry: none may fail.
func (e *sliceEnv) runUntilSettled(t *testing.T, name string) int {
	t.Helper()
	retries := 0
	for range 20 {
		res, err := e.run(t, name)
		if err != nil {
			t.Fatalf("%s: slice failed: %v (status %+v)", name, err, e.status(t, name))
		}
		if res.Retrying {
			retries++
			st := e.status(t, name)
			if st.State != store.StateRunning || !strings.HasPrefix(st.Trace, "retrying since ") {
				t.Fatalf("%s: retrying slice left status %s %q", name, st.State, st.Trace)
			}
			t.Logf("%s: %s", name, firstLine(st.Trace))
			continue
		}
		if res.CaughtUp {
			return retries
		}
	}
	t.Fatalf("%s: not settled after 20 slices", name)
	return retries
}

// TestIntegrationKafkaConnectionsCutMidProduceAndFetch cuts the broker connection of more
// produce requests than the producer retries by itself, then of fetch requests: the source
// and sink tasks stay RUNNING, and every record is written to the topic once and to the
// sink's file once.
func TestIntegrationKafkaConnectionsCutMidProduceAndFetch(t *testing.T) {
	const n = 300
	k := devstacktest.Kafka(t, devstack.KafkaOptions{Topics: []string{"gen"}, Partitions: 1})
	e := newSliceEnv(t, k.Brokers())
	e.create(t, "gen", map[string]string{"connector.class": datagenClass, "tasks.max": "1", "kafka.topic": "gen",
		"quickstart": "users", "iterations": "300", "max.interval": "0", "errors.retry.delay.max.ms": "300"})
	// The producer tries a batch 5 times: 7 cuts fail one slice and delay the next.
	if err := k.CutRequests(kmsg.Produce.Int16(), 7); err != nil {
		t.Fatal(err)
	}
	if retries := e.runUntilSettled(t, "gen"); retries == 0 {
		t.Error("no slice retried: the connection cuts did not reach the source")
	}
	ends, err := e.client.EndOffsets(t.Context(), []connect.TopicPartition{{Topic: "gen"}})
	if err != nil {
		t.Fatal(err)
	}
	if got := ends[connect.TopicPartition{Topic: "gen"}]; got != n {
		t.Errorf("topic holds %d records, want %d (each polled record once)", got, n)
	}

	out := filepath.Join(t.TempDir(), "sink.txt")
	e.create(t, "file-sink", map[string]string{"connector.class": "org.apache.kafka.connect.file.FileStreamSinkConnector",
		"tasks.max": "1", "topics": "gen", "file": out, "errors.retry.delay.max.ms": "300"})
	if err := k.CutRequests(kmsg.Fetch.Int16(), 4); err != nil {
		t.Fatal(err)
	}
	e.runUntilSettled(t, "file-sink")
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	seen := map[string]bool{}
	for _, l := range lines {
		seen[l] = true
	}
	if len(lines) != n || len(seen) != n {
		t.Errorf("sink file has %d lines (%d distinct), want %d once each", len(lines), len(seen), n)
	}
	offs, _ := e.store.SinkOffsets(t.Context(), "file-sink")
	if got := offs[connect.TopicPartition{Topic: "gen"}]; got != n {
		t.Errorf("sink committed offset %d, want %d", got, n)
	}
}

// TestIntegrationSourceWaitsForMissingTopic runs a source whose topic does not exist on a
// broker that does not create topics: UNKNOWN_TOPIC_OR_PARTITION is retried (the task
// stays RUNNING and says so) until the topic is created, then the records flow.
func TestIntegrationSourceWaitsForMissingTopic(t *testing.T) {
	k := devstacktest.Kafka(t, devstack.KafkaOptions{Topics: []string{"other"}, Partitions: 1})
	e := newSliceEnv(t, k.Brokers())
	e.create(t, "gen", map[string]string{"connector.class": datagenClass, "tasks.max": "1", "kafka.topic": "later",
		"quickstart": "users", "iterations": "20", "max.interval": "0", "errors.retry.delay.max.ms": "300"})
	res, err := e.run(t, "gen")
	e.wantRetrying(t, "gen", res, err, 1, "Unknown Topic Or Partition")
	if offs, _ := e.store.SourceOffsets(t.Context(), "gen"); len(offs) != 0 {
		t.Fatalf("offsets committed for records never written: %v", offs)
	}
	if err := e.client.CreateTopics(t.Context(), kafka.TopicSpec{Name: "later", Partitions: 1, ReplicationFactor: 1}); err != nil {
		t.Fatal(err)
	}
	e.runUntilSettled(t, "gen")
	ends, err := e.client.EndOffsets(t.Context(), []connect.TopicPartition{{Topic: "later"}})
	if err != nil {
		t.Fatal(err)
	}
	if got := ends[connect.TopicPartition{Topic: "later"}]; got != 20 {
		t.Errorf("topic holds %d records, want 20", got)
	}
}

// TestIntegrationSinkOnTopicCreatedMomentsAgo creates a topic with another client and at
// once a sink on it, while this runner's client still holds metadata from before: a fetch
// that finds the topic missing from stale metadata is retried until the metadata catches
// up, and every record arrives once.
func TestIntegrationSinkOnTopicCreatedMomentsAgo(t *testing.T) {
	k := devstacktest.Kafka(t, devstack.KafkaOptions{Topics: []string{"other"}, Partitions: 1})
	e := newSliceEnv(t, k.Brokers())
	if _, err := e.client.EndOffsets(t.Context(), []connect.TopicPartition{{Topic: "other"}}); err != nil {
		t.Fatal(err) // this client now has metadata without the new topic
	}
	admin, err := kafka.NewClient(kafka.Options{Brokers: k.Brokers()})
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	if err := admin.CreateTopics(t.Context(), kafka.TopicSpec{Name: "fresh", Partitions: 1, ReplicationFactor: 1}); err != nil {
		t.Fatal(err)
	}
	produce(t, k.Brokers(), "fresh", numbered("v%d", 25))
	out := filepath.Join(t.TempDir(), "sink.txt")
	e.create(t, "file-sink", map[string]string{"connector.class": "org.apache.kafka.connect.file.FileStreamSinkConnector",
		"tasks.max": "1", "topics": "fresh", "file": out, "errors.retry.delay.max.ms": "300",
		"value.converter": "org.apache.kafka.connect.storage.StringConverter"})
	e.runUntilSettled(t, "file-sink")
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if lines := strings.Split(strings.TrimSpace(string(b)), "\n"); len(lines) != 25 {
		t.Errorf("sink file has %d lines, want 25", len(lines))
	}
}
