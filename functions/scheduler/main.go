// Command scheduler is the scheduler Lambda function: at each EventBridge Scheduler tick it
// deals sink partitions over tasks, plans the due tasks and invokes the task function
// asynchronously once per due task: the Iceberg sink's tasks go to the icebergtask function
// (iceberg.task.function.name), every other task to the task function (task.function.name).
package main

import (
	"context"
	"os"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/connectless/connectless/connectors/light"
	"github.com/connectless/connectless/core/serverless"
)

func main() {
	ctx := context.Background()
	// no iceberg-go: the Iceberg sink is known by its class and type only, as dealing its
	// partitions needs (its tasks run in the Iceberg task function)
	reg, err := light.SchedulerRegistry()
	if err != nil {
		panic(err)
	}
	rt, err := serverless.OpenLambda(ctx, os.Environ(), reg)
	if err != nil {
		os.Exit(1)
	}
	// the Iceberg sink's tasks go to the function that links iceberg-go, every other to task.function.name
	inv, err := rt.LambdaInvoker(ctx, rt.IcebergRoute(light.IcebergNames()))
	if err != nil {
		rt.Logger.Error("init", "error", err)
		os.Exit(1)
	}
	lambda.StartWithOptions(rt.SchedulerHandler(inv), lambda.WithEnableSIGTERM(rt.Shutdown))
}
