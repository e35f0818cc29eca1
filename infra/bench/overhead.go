package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/connectless/connectless/connectors"
	"github.com/connectless/connectless/connectors/datagen"
	"github.com/connectless/connectless/core/connect"
	"github.com/connectless/connectless/core/schedule"
	"github.com/connectless/connectless/core/serverless"
	"github.com/connectless/connectless/core/store"
	"github.com/connectless/connectless/core/store/dynamo"
	"github.com/connectless/connectless/infra/devstack"
)

// invocationStoreOps measures the store round trips of one sink invocation on DynamoDB:
// acquire the lease, read the connector and its offsets, commit offsets, write the status,
// release the lease. It returns one duration per round.
func invocationStoreOps(ctx context.Context, client *dynamodb.Client, table string, rounds int) ([]time.Duration, error) {
	if err := dynamo.CreateTable(ctx, client, table); err != nil {
		return nil, fmt.Errorf("create table %s: %w", table, err)
	}
	st := dynamo.New(client, table)
	const name = "overhead"
	if err := st.CreateConnector(ctx, name, map[string]string{"connector.class": "S3SinkConnector", "topics": "t"}, store.TargetRunning); err != nil {
		return nil, fmt.Errorf("create connector: %w", err)
	}
	if _, err := st.PutTaskConfigs(ctx, name, []map[string]string{{"task": "0"}}); err != nil {
		return nil, fmt.Errorf("task configs: %w", err)
	}
	tp := connect.TopicPartition{Topic: "t", Partition: 0}
	out := make([]time.Duration, 0, rounds)
	for i := range rounds + 1 {
		start := time.Now()
		lease, err := st.Acquire(ctx, name, 0, "bench", time.Minute)
		if err != nil {
			return nil, fmt.Errorf("acquire: %w", err)
		}
		if _, err := st.Connector(ctx, name); err != nil {
			return nil, fmt.Errorf("read connector: %w", err)
		}
		if _, err := st.SinkOffsets(ctx, name); err != nil {
			return nil, fmt.Errorf("read offsets: %w", err)
		}
		if err := st.CommitSinkOffsets(ctx, lease, map[connect.TopicPartition]int64{tp: int64(i + 1)}); err != nil {
			return nil, fmt.Errorf("commit offsets: %w", err)
		}
		if err := st.PutTaskStatus(ctx, lease, store.Status{Connector: name, Task: 0, State: store.StateRunning, WorkerID: "bench", Updated: time.Now()}); err != nil {
			return nil, fmt.Errorf("status: %w", err)
		}
		if err := st.Release(ctx, lease); err != nil {
			return nil, fmt.Errorf("release: %w", err)
		}
		if i > 0 { // the first round warms the connections
			out = append(out, time.Since(start))
		}
	}
	return out, nil
}

// coldInit measures the task bootstrap's first invocation under a fresh aws-lambda-rie
// (emulator start-up not included) and a second, warm invocation of the same process. The
// payload names a connector that does not exist, so the invocation does the runtime's
// set-up and a store read.
func coldInit(ctx context.Context, bootstrap string, brokers string, runs int) (cold, warm []time.Duration, err error) {
	env := []string{"CONNECT_STATE_BACKEND=memory", "CONNECT_BOOTSTRAP_SERVERS=" + brokers}
	payload, err := json.Marshal(schedule.Payload{Connector: "none", NotAfter: time.Now().Add(time.Hour)})
	if err != nil {
		return nil, nil, fmt.Errorf("payload: %w", err)
	}
	for range runs {
		r, err := devstack.StartRIE(ctx, devstack.RIEOptions{Bootstrap: bootstrap, Env: env})
		if err != nil {
			return cold, warm, fmt.Errorf("start rie: %w", err)
		}
		start := time.Now()
		out, err := r.Invoke(ctx, payload)
		cold = append(cold, time.Since(start))
		if err == nil {
			start = time.Now()
			out, err = r.Invoke(ctx, payload)
			warm = append(warm, time.Since(start))
		}
		r.Close()
		if err != nil {
			return cold, warm, fmt.Errorf("invoke: %w: %s", err, out)
		}
	}
	return cold, warm, nil
}

// fanOutTopic is the topic P4's connectors write to; it exists before they are created (the
// runtime refuses a connector whose topic is missing and would not be created).
const fanOutTopic = "fanout"

// fanOut measures scheduler ticks (assign, plan, dispatch) over connectors×tasks source
// tasks on DynamoDB, with an invoker that only counts. It returns one duration per tick.
func fanOut(ctx context.Context, brokers []string, table string, d *devstack.DynamoDB, client *dynamodb.Client, connectorsN, tasks, ticks int) ([]time.Duration, error) {
	if err := dynamo.CreateTable(ctx, client, table); err != nil {
		return nil, fmt.Errorf("create table %s: %w", table, err)
	}
	reg, err := connectors.Registry()
	if err != nil {
		return nil, fmt.Errorf("connector registry: %w", err)
	}
	props := map[string]string{"state.backend": serverless.BackendDynamoDB, "state.dynamodb.table": table}
	if len(brokers) > 0 {
		props["bootstrap.servers"] = brokers[0]
	}
	awsCfg := func(ctx context.Context) (aws.Config, error) {
		cfg, err := d.AWSConfig(ctx)
		cfg.BaseEndpoint = aws.String(d.Endpoint)
		return cfg, err
	}
	rt, err := serverless.Open(ctx, props, serverless.Options{Registry: reg, Logger: slog.New(slog.DiscardHandler), WorkerID: "bench", AWSConfig: awsCfg})
	if err != nil {
		return nil, fmt.Errorf("open runtime: %w", err)
	}
	defer rt.Close()
	for i := range connectorsN {
		cfg := map[string]string{
			"connector.class": datagen.Class, datagen.TopicConfig: fanOutTopic,
			datagen.QuickstartConfig: "applogs", "tasks.max": strconv.Itoa(tasks),
		}
		if _, err := rt.Herder.CreateConnector(ctx, fmt.Sprintf("fanout-%04d", i), rawConfig(cfg), store.TargetRunning); err != nil {
			return nil, fmt.Errorf("create connector %d: %w", i, err)
		}
	}
	var sent atomic.Int64
	inv := schedule.InvokerFunc(func(context.Context, schedule.Payload) error { sent.Add(1); return nil })
	out := make([]time.Duration, 0, ticks)
	for range ticks {
		sent.Store(0)
		start := time.Now()
		tick, err := rt.Schedule(ctx, time.Now(), inv)
		d := time.Since(start)
		if err != nil {
			return out, fmt.Errorf("tick: %w", err)
		}
		if want := connectorsN * tasks; tick.Sent != want {
			return out, fmt.Errorf("tick sent %d invocations, want %d (due %d, errors %v)", tick.Sent, want, tick.Due, tick.Errors)
		}
		out = append(out, d)
	}
	return out, nil
}
