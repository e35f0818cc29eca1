// Command task is the task Lambda function: one invocation runs one slice of one task
// (lease, config, slice, fenced commit, status, release) and writes its metrics as EMF. It
// links every connector but the Iceberg sink (light.Registry), whose tasks run in the
// icebergtask function: an Iceberg connector's task sent here is refused before its lease
// with an error naming that function.
package main

import (
	"context"
	"os"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/connectless/connectless/connectors/light"
	"github.com/connectless/connectless/core/memtune"
	"github.com/connectless/connectless/core/serverless"
)

func main() {
	// a memory limit from the function's memory size lets the collector run rarely
	memtune.Apply(os.Environ(), memtune.ForMemory(memtune.LambdaMemoryMB(os.Environ())))
	reg, err := light.Registry()
	if err != nil {
		panic(err)
	}
	rt, err := serverless.OpenLambda(context.Background(), os.Environ(), reg)
	if err != nil {
		os.Exit(1)
	}
	rt.Elsewhere = []serverless.TaskRoute{rt.IcebergRoute(light.IcebergNames())}
	metrics := &serverless.Metrics{W: os.Stdout, Namespace: rt.Config.MetricsNamespace}
	lambda.StartWithOptions(rt.TaskHandler(metrics), lambda.WithEnableSIGTERM(rt.Shutdown))
}
