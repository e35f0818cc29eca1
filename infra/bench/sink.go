package bench

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/connectless/connectless/core/schedule"
	"github.com/connectless/connectless/core/serverless"
	"github.com/connectless/connectless/core/store"
	"github.com/connectless/connectless/core/store/dynamo"
	"github.com/connectless/connectless/infra/bench/archivejob"
)

// runServerless runs the S3 sink as the functions do: each scheduler tick assigns, plans and
// dispatches the due tasks to in-process invocations (RunTask), state on DynamoDB; ticks
// follow each other, a minute apart on the scheduler's clock, until every task caught up.
func runServerless(ctx context.Context, j Job) (JobResult, error) {
	ac, err := awsconfig.LoadDefaultConfig(ctx)
	if err != nil {
		return JobResult{}, fmt.Errorf("load AWS configuration: %w", err)
	}
	if err := dynamo.CreateTable(ctx, dynamodb.NewFromConfig(ac), j.Table); err != nil {
		return JobResult{}, fmt.Errorf("create table %s: %w", j.Table, err)
	}
	rt, err := archivejob.OpenRuntime(ctx, j, map[string]string{"state.backend": serverless.BackendDynamoDB, "state.dynamodb.table": j.Table})
	if err != nil {
		return JobResult{}, err
	}
	defer rt.Close()
	if _, err := rt.Herder.CreateConnector(ctx, connectorName, rawConfig(connectorConfig(j)), store.TargetRunning); err != nil {
		return JobResult{}, fmt.Errorf("create connector: %w", err)
	}
	start := time.Now()
	now := start
	caughtUp := map[int]bool{}
	var total int64
	for tick := 0; tick < 100 && len(caughtUp) < max(j.Tasks, 1); tick++ {
		var (
			mu   sync.Mutex
			errs []error
		)
		inv := &serverless.InProcess{Run: func(ctx context.Context, p schedule.Payload) error {
			res, err := rt.RunTask(ctx, "", p)
			mu.Lock()
			defer mu.Unlock()
			total += int64(res.Written)
			if err != nil {
				errs = append(errs, fmt.Errorf("task %d: %w", p.Task, err))
			} else if res.CaughtUp {
				caughtUp[p.Task] = true
			}
			return err
		}}
		if _, err := rt.Schedule(ctx, now, inv); err != nil {
			return JobResult{Records: total}, fmt.Errorf("scheduler tick: %w", err)
		}
		inv.Wait()
		if err := errors.Join(errs...); err != nil {
			return JobResult{Records: total, Seconds: since(start)}, err
		}
		now = now.Add(time.Minute)
	}
	return JobResult{Records: total, Seconds: since(start)}, nil
}
