package devstack_test

import (
	"context"
	"encoding/json"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/segmentio/kafka-go"

	"github.com/connectless/connectless/infra/devstack"
	"github.com/connectless/connectless/infra/devstack/devstacktest"
)

// TestIntegrationKcat checks the devstack broker with a client written by others: kcat lists
// its metadata, produces records that kafka-go reads, and consumes records that kafka-go wrote.
func TestIntegrationKcat(t *testing.T) {
	t.Parallel()
	kcatBin := devstacktest.Binary(t, "kcat")
	k := devstacktest.Kafka(t, devstack.KafkaOptions{OutOfProcess: true, Partitions: 2, Topics: []string{"kcat-in", "kcat-out"}})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	kcat := func(stdin string, args ...string) string {
		t.Helper()
		cmd := exec.CommandContext(ctx, kcatBin, append([]string{"-b", k.Addr()}, args...)...)
		cmd.Stdin = strings.NewReader(stdin)
		out, err := cmd.Output()
		if err != nil {
			var stderr string
			if ee, ok := err.(*exec.ExitError); ok {
				stderr = string(ee.Stderr)
			}
			t.Fatalf("kcat %s: %v\n%s", strings.Join(args, " "), err, stderr)
		}
		return string(out)
	}

	var meta struct {
		Brokers []struct {
			Name string `json:"name"`
		} `json:"brokers"`
		Topics []struct {
			Topic      string            `json:"topic"`
			Partitions []json.RawMessage `json:"partitions"`
		} `json:"topics"`
	}
	if err := json.Unmarshal([]byte(kcat("", "-L", "-J")), &meta); err != nil {
		t.Fatalf("kcat -L -J: %v", err)
	}
	if len(meta.Brokers) != 1 || !strings.HasSuffix(meta.Brokers[0].Name, k.Addr()) {
		t.Errorf("kcat -L brokers = %+v, want one at %s", meta.Brokers, k.Addr())
	}
	parts := map[string]int{}
	for _, tp := range meta.Topics {
		parts[tp.Topic] = len(tp.Partitions)
	}
	if parts["kcat-in"] != 2 || parts["kcat-out"] != 2 {
		t.Errorf("kcat -L topics = %v, want kcat-in and kcat-out with 2 partitions", parts)
	}

	// kcat produces, kafka-go fetches.
	kcat("a:1\nb:2\nc:3\n", "-P", "-t", "kcat-in", "-p", "1", "-K", ":")
	r := kafka.NewReader(kafka.ReaderConfig{Brokers: k.Brokers(), Topic: "kcat-in", Partition: 1, MaxWait: 100 * time.Millisecond})
	defer r.Close()
	var got []string
	for len(got) < 3 {
		m, err := r.ReadMessage(ctx)
		if err != nil {
			t.Fatalf("read what kcat produced: %v (got %q)", err, got)
		}
		got = append(got, string(m.Key)+"="+string(m.Value))
	}
	if strings.Join(got, ",") != "a=1,b=2,c=3" {
		t.Errorf("kafka-go read %q, want a=1,b=2,c=3", got)
	}

	// kafka-go produces, kcat consumes.
	w := &kafka.Writer{Addr: kafka.TCP(k.Brokers()...), Topic: "kcat-out", Balancer: &kafka.Hash{}, BatchTimeout: 10 * time.Millisecond}
	defer w.Close()
	if err := w.WriteMessages(ctx, kafka.Message{Key: []byte("x"), Value: []byte("10")}, kafka.Message{Key: []byte("y"), Value: []byte("20")}); err != nil {
		t.Fatalf("produce: %v", err)
	}
	out := kcat("", "-C", "-t", "kcat-out", "-o", "beginning", "-e", "-q", "-f", "%k=%s\n")
	lines := strings.Fields(out)
	seen := map[string]bool{}
	for _, l := range lines {
		seen[l] = true
	}
	if len(lines) != 2 || !seen["x=10"] || !seen["y=20"] {
		t.Errorf("kcat consumed %q, want x=10 and y=20", lines)
	}
}
