package outage

import (
	"strings"
	"testing"
	"time"

	"github.com/connectless/connectless/core/store"
	"github.com/connectless/connectless/core/worker"
	"github.com/connectless/connectless/infra/devstack"
	"github.com/connectless/connectless/infra/devstack/devstacktest"
)

// TestIntegrationPermanentS3ErrorsFailAtOnce checks that what only a person can fix is not
// retried: a missing bucket and a wrong secret key each fail the S3 sink task on the first
// slice, and the trace names the setting to fix.
func TestIntegrationPermanentS3ErrorsFailAtOnce(t *testing.T) {
	k := devstacktest.Kafka(t, devstack.KafkaOptions{Topics: []string{"orders"}, Partitions: 1})
	gw := devstacktest.S3(t)
	if err := gw.CreateBucket(t.Context(), "exists"); err != nil {
		t.Fatal(err)
	}
	produce(t, k.Brokers(), "orders", numbered(`{"n":%d}`, 10))
	e := newSliceEnv(t, k.Brokers())
	tests := []struct {
		name, bucket, secret string
		want                 []string
	}{
		{"missing-bucket", "no-such-bucket", gw.SecretKey, []string{`bucket "no-such-bucket" does not exist`, "correct s3.bucket.name"}},
		{"bad-secret", "exists", "wrong-secret", []string{"the secret key does not match", "correct aws.secret.access.key"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e.create(t, tc.name, map[string]string{
				"connector.class": "io.confluent.connect.s3.S3SinkConnector", "topics": "orders", "tasks.max": "1",
				"storage.class": "io.confluent.connect.s3.storage.S3Storage", "format.class": "io.confluent.connect.s3.format.json.JsonFormat",
				"flush.size": "5", "s3.bucket.name": tc.bucket, "s3.region": gw.Region, "store.url": gw.Endpoint,
				"aws.access.key.id": gw.AccessKey, "aws.secret.access.key": tc.secret, "s3.part.retries": "0",
				"value.converter": "org.apache.kafka.connect.json.JsonConverter", "value.converter.schemas.enable": "false",
			})
			res, err := e.run(t, tc.name)
			if err == nil || res.Retrying {
				t.Fatalf("slice = %+v, %v; want a failure", res, err)
			}
			st := e.status(t, tc.name)
			if st.State != store.StateFailed {
				t.Fatalf("status = %s %q, want FAILED", st.State, st.Trace)
			}
			for _, w := range tc.want {
				if !strings.Contains(st.Trace, w) {
					t.Errorf("trace %q does not mention %q", st.Trace, w)
				}
			}
			t.Logf("%s: %s", tc.name, firstLine(st.Trace))
		})
	}
}

// TestIntegrationRestartPolicyOnFailure runs, on a worker, an S3 sink whose bucket does not
// exist yet, with task.restart.policy=on-failure: the task is FAILED at once naming
// s3.bucket.name, and once the bucket exists an automatic restart (after the backoff, with
// the restart recorded in the status) archives the records without a person.
func TestIntegrationRestartPolicyOnFailure(t *testing.T) {
	k := devstacktest.Kafka(t, devstack.KafkaOptions{Topics: []string{"orders"}, Partitions: 1})
	gw := devstacktest.S3(t)
	produce(t, k.Brokers(), "orders", numbered(`{"n":%d}`, 10))
	base := startWorker(t, map[string]string{
		"bootstrap.servers": strings.Join(k.Brokers(), ","), "state.backend": "memory",
		"offset.flush.interval.ms": "1000", "task.lease.timeout.ms": "2000",
	}, worker.Options{})
	if code := restJSON(t, "POST", base+"/connectors", map[string]any{"name": "late-bucket", "config": map[string]string{
		"connector.class": "io.confluent.connect.s3.S3SinkConnector", "topics": "orders", "tasks.max": "1",
		"storage.class": "io.confluent.connect.s3.storage.S3Storage", "format.class": "io.confluent.connect.s3.format.json.JsonFormat",
		"flush.size": "5", "s3.bucket.name": "late", "s3.region": gw.Region, "store.url": gw.Endpoint, "preflight.enable": "false",
		"aws.access.key.id": gw.AccessKey, "aws.secret.access.key": gw.SecretKey, "s3.part.retries": "0",
		"value.converter": "org.apache.kafka.connect.json.JsonConverter", "value.converter.schemas.enable": "false",
		"task.restart.policy": "on-failure", "task.restart.backoff.ms": "300",
	}}, nil); code != 201 {
		t.Fatalf("create: %d", code)
	}
	eventually(t, 20*time.Second, "the task FAILED on the missing bucket", func() bool {
		ts := tasksStatus(t, base, "late-bucket")
		return len(ts) == 1 && ts[0].State == "FAILED" && strings.Contains(ts[0].Trace, "s3.bucket.name")
	})
	if err := gw.CreateBucket(t.Context(), "late"); err != nil {
		t.Fatal(err)
	}
	client, err := gw.NewClient(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	eventually(t, 30*time.Second, "records archived after an automatic restart", func() bool {
		return len(archived(t, client, "late")) == 10
	})
	eventually(t, 10*time.Second, "the task RUNNING with its restart in the trace", func() bool {
		ts := tasksStatus(t, base, "late-bucket")
		return len(ts) == 1 && ts[0].State == "RUNNING" && strings.HasPrefix(ts[0].Trace, "automatic restarts in the last hour: ")
	})
}
