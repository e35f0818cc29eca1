// Command icebergtask is the task Lambda function of the Iceberg sink's tasks: the task
// function (one invocation runs one slice of one task) with every shipped connector linked,
// iceberg-go included (connectors.Registry). The scheduler sends it the tasks of connectors
// whose class is the Iceberg sink's (iceberg.task.function.name) and every other task to the
// task function, which starts faster without iceberg-go. The REST function sends it the
// Iceberg sink's configurations to validate (a preflight request): it opens the catalog and
// loads the tables, and answers what it found.
package main

import (
	"context"
	"os"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/connectless/connectless/connectors"
	"github.com/connectless/connectless/core/memtune"
	"github.com/connectless/connectless/core/serverless"
)

func main() {
	// a memory limit from the function's memory size lets the collector run rarely
	memtune.Apply(os.Environ(), memtune.ForMemory(memtune.LambdaMemoryMB(os.Environ())))
	reg, err := connectors.Registry()
	if err != nil {
		panic(err)
	}
	rt, err := serverless.OpenLambda(context.Background(), os.Environ(), reg)
	if err != nil {
		os.Exit(1)
	}
	metrics := &serverless.Metrics{W: os.Stdout, Namespace: rt.Config.MetricsNamespace}
	lambda.StartWithOptions(rt.TaskHandler(metrics), lambda.WithEnableSIGTERM(rt.Shutdown))
}
