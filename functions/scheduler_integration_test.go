package functions_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/connectless/connectless/core/serverless"
	"github.com/connectless/connectless/infra/devstack"
	"github.com/connectless/connectless/infra/devstack/devstacktest"
)

// TestIntegrationSchedulerFansOut: the built scheduler function, its AWS SDK Lambda client
// pointed at RIE's endpoint, deals the partitions, plans the due task and invokes the real
// task function, whose slice archives every record. A second tick finds nothing new.
func TestIntegrationSchedulerFansOut(t *testing.T) {
	t.Parallel()
	s := newStack(t, 3)
	const n = 30
	s.produce(t, 0, n)
	s.createSink(t, "archive", 5, nil)
	task := devstacktest.RIE(t, devstack.RIEOptions{Bootstrap: bootstrap(t, "task"), Env: s.env})
	sched := devstacktest.RIE(t, devstack.RIEOptions{Bootstrap: bootstrap(t, "scheduler"),
		Env: append(append([]string{}, s.env...), "AWS_ENDPOINT_URL_LAMBDA="+task.Endpoint)})

	tick := func() serverless.Tick {
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		defer cancel()
		out, err := sched.Invoke(ctx, []byte(`{"version":"0","detail-type":"Scheduled Event","source":"aws.scheduler"}`))
		if err != nil {
			t.Fatalf("%v\n%s", err, sched.Log())
		}
		var got serverless.Tick
		if err := json.Unmarshal(out, &got); err != nil {
			t.Fatalf("response %s: %v", out, err)
		}
		return got
	}
	got := tick()
	if got.Due != 1 || got.Sent != 1 || len(got.Errors) != 0 {
		t.Fatalf("tick %+v, want one task due and sent\n%s\n%s", got, sched.Log(), task.Log())
	}
	counts, _ := s.archived(t)
	exactlyOnce(t, counts, n)

	c, err := s.rt.Store.Connector(context.Background(), "archive")
	if err != nil {
		t.Fatal(err)
	}
	if a := c.Tasks[0]["connectless.task.assignment"]; a != "logs:0,logs:1,logs:2" {
		t.Errorf("assignment %q, want the three partitions", a)
	}
	s.produce(t, n, n+15)
	tick()
	counts, _ = s.archived(t)
	exactlyOnce(t, counts, n+15)
}
