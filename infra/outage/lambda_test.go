package outage

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/connectless/connectless/connectors"
	"github.com/connectless/connectless/core/schedule"
	"github.com/connectless/connectless/core/serverless"
	"github.com/connectless/connectless/core/store"
	"github.com/connectless/connectless/infra/devstack"
	"github.com/connectless/connectless/infra/devstack/devstacktest"
)

// TestIntegrationLambdaRetriesThroughScheduler runs the serverless flow in process
// (scheduler ticks invoking the task function's RunTask) with S3 stopped: the invocation
// reports a retry, not a failure (nothing for the on-failure destination), the scheduler
// does not dispatch the task again before its backoff, and once S3 is back a later tick's
// invocation archives the records.
func TestIntegrationLambdaRetriesThroughScheduler(t *testing.T) {
	k := devstacktest.Kafka(t, devstack.KafkaOptions{Topics: []string{"orders"}, Partitions: 1})
	gw := devstacktest.S3(t)
	ctx := context.Background()
	if err := gw.CreateBucket(ctx, "lake"); err != nil {
		t.Fatal(err)
	}
	produce(t, k.Brokers(), "orders", numbered(`{"n":%d}`, 20))
	reg, err := connectors.Registry()
	if err != nil {
		t.Fatal(err)
	}
	rt, err := serverless.Open(ctx, map[string]string{"state.backend": "memory", "bootstrap.servers": strings.Join(k.Brokers(), ","),
		"task.shutdown.margin.ms": "100"}, serverless.Options{Registry: reg, Logger: testLogger(t)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { rt.Close() })
	cfg := map[string]string{
		"connector.class": "io.confluent.connect.s3.S3SinkConnector", "topics": "orders", "tasks.max": "1",
		"storage.class": "io.confluent.connect.s3.storage.S3Storage", "format.class": "io.confluent.connect.s3.format.json.JsonFormat",
		"flush.size": "5", "s3.bucket.name": "lake", "s3.region": gw.Region, "store.url": gw.Endpoint,
		"aws.access.key.id": gw.AccessKey, "aws.secret.access.key": gw.SecretKey, "s3.part.retries": "0",
		"value.converter": "org.apache.kafka.connect.json.JsonConverter", "value.converter.schemas.enable": "false",
		// A backoff long enough to see the scheduler wait for it.
		"errors.retry.delay.max.ms": "4000",
	}
	storeConnector(t, rt.Store, reg, "lake", cfg)

	var mu sync.Mutex
	var results []serverless.TaskResult
	inv := &serverless.InProcess{Run: func(ctx context.Context, p schedule.Payload) error {
		ctx, cancel := context.WithTimeout(ctx, 10*time.Second) // the Lambda deadline
		defer cancel()
		res, err := rt.RunTask(ctx, "invocation", p)
		mu.Lock()
		results = append(results, res)
		mu.Unlock()
		return err // an error here is what Lambda would send to the on-failure destination
	}}
	tick := func() serverless.Tick {
		t.Helper()
		got, err := rt.Schedule(ctx, time.Now(), inv)
		if err != nil {
			t.Fatal(err)
		}
		inv.Wait()
		return got
	}
	last := func() serverless.TaskResult {
		mu.Lock()
		defer mu.Unlock()
		return results[len(results)-1]
	}

	if err := gw.Stop(); err != nil {
		t.Fatal(err)
	}
	if got := tick(); got.Sent != 1 {
		t.Fatalf("first tick: %+v", got)
	}
	res := last()
	if !res.Retrying || res.RetryAttempt != 1 || res.Committed || !strings.Contains(res.RetryCause, "connection refused") {
		t.Fatalf("invocation during the outage = %+v; want a retry", res)
	}
	if got := tick(); got.Due != 0 {
		t.Errorf("tick during the backoff dispatched %d invocations, want 0", got.Due)
	}
	if err := gw.Start(ctx); err != nil {
		t.Fatal(err)
	}
	eventually(t, 20*time.Second, "an invocation after the backoff archives the records", func() bool {
		tick()
		r := last()
		return !r.Retrying && r.Committed && r.Records == 20
	})
	sts, err := rt.Store.Statuses(ctx, "lake")
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range sts {
		if s.Task == 0 && (s.State != store.StateRunning || s.Trace != "") {
			t.Errorf("status after recovery = %s %q", s.State, s.Trace)
		}
	}
}
