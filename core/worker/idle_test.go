package worker

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/connectless/connectless/core/kafka"
)

// statusRecords is the number of records written to the status topic so far: the sum of its
// partitions' end offsets.
func statusRecords(t *testing.T, c *kafka.Client) int64 {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	tps, err := c.Partitions(ctx, "connect-status")
	if err != nil {
		t.Fatal(err)
	}
	ends, err := c.EndOffsets(ctx, tps)
	if err != nil {
		t.Fatal(err)
	}
	var n int64
	for _, e := range ends {
		n += e
	}
	return n
}

// TestIdleTasksWriteLittleToTheStatusTopic runs two idle connectors (a source that polls
// nothing and a sink on an empty topic) on the kafka backend with a 50 ms poll interval and
// counts the records written to connect-status over a window: each task keeps its lease
// across slices, renews it every half lease timeout (5 s here) and writes its status only
// when it changes, so the window sees at most a renewal per task, where taking and releasing
// the lease and rewriting the status at every slice wrote dozens.
func TestIdleTasksWriteLittleToTheStatusTopic(t *testing.T) {
	brokers := newKafka(t, "logs", 1)
	props := baseProps(t, brokers)
	props["state.backend"] = "kafka"
	props["config.storage.replication.factor"] = "1"
	props["offset.storage.replication.factor"] = "1"
	props["status.storage.replication.factor"] = "1"
	props["task.lease.timeout.ms"] = "10000"
	_, c := startWorker(t, props, testRegistry(&collector{}))
	for name, cfg := range map[string]map[string]string{
		"idle-source": {"connector.class": fileSourceClass, "topic": "logs"},
		"idle-sink":   {"connector.class": collectSinkClass, "topics": "logs"},
	} {
		if code, body := c.do("POST", "/connectors", map[string]any{"name": name, "config": cfg}); code != http.StatusCreated {
			t.Fatalf("create %s: %d %v", name, code, body)
		}
	}
	for _, name := range []string{"idle-source", "idle-sink"} {
		eventually(t, 15*time.Second, name+" RUNNING", func() bool {
			_, st := c.do("GET", "/connectors/"+name+"/status", nil)
			s, _ := taskStates(st)
			return s[0] == "RUNNING"
		})
	}
	client, err := kafka.NewClient(kafka.Options{Brokers: brokers})
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	time.Sleep(time.Second) // let the first slices settle
	before := statusRecords(t, client)
	time.Sleep(3 * time.Second)
	written := statusRecords(t, client) - before
	t.Logf("%d status topic records in 3 s for 2 idle tasks", written)
	if written > 4 {
		t.Fatalf("%d records written to connect-status in 3 s by two idle tasks, want at most a lease renewal each", written)
	}
}

// TestKafkaBackendTopicsAsConfigured: offset.storage.partitions and status.storage.partitions
// (Kafka Connect's keys) size the internal topics the kafka backend creates.
func TestKafkaBackendTopicsAsConfigured(t *testing.T) {
	brokers := newKafka(t, "logs", 1)
	props := baseProps(t, brokers)
	props["state.backend"] = "kafka"
	props["config.storage.replication.factor"] = "1"
	props["offset.storage.replication.factor"] = "1"
	props["status.storage.replication.factor"] = "1"
	props["offset.storage.partitions"] = "3"
	props["status.storage.partitions"] = "2"
	startWorker(t, props, testRegistry(&collector{}))
	client, err := kafka.NewClient(kafka.Options{Brokers: brokers})
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	for topic, want := range map[string]int{"connect-configs": 1, "connect-offsets": 3, "connect-status": 2} {
		if tps, err := client.Partitions(context.Background(), topic); err != nil || len(tps) != want {
			t.Errorf("%s: %d partitions (%v), want %d", topic, len(tps), err, want)
		}
	}
}
