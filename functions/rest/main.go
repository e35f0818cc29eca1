// Command rest is the REST Lambda function: the Kafka Connect REST API behind API Gateway
// (HTTP API payload 2.0 or REST API proxy events). It links no iceberg-go: validation, create
// and update of an Iceberg sink have the Iceberg task function (iceberg.task.function.name) run
// the sink's catalog checks.
package main

import (
	"context"
	"os"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/connectless/connectless/connectors/light"
	"github.com/connectless/connectless/core/rest"
	"github.com/connectless/connectless/core/serverless"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

func main() {
	reg, err := light.RESTRegistry()
	if err != nil {
		panic(err)
	}
	rt, err := serverless.OpenLambda(context.Background(), os.Environ(), reg)
	if err != nil {
		os.Exit(1)
	}
	// the Iceberg sink's catalog checks run in the Iceberg task function, which links the
	// catalog client this function leaves out
	if err := rt.DelegatePreflight(context.Background(), rt.IcebergRoute(light.IcebergNames())); err != nil {
		rt.Logger.Error("init", "error", err)
		os.Exit(1)
	}
	handler := rt.RESTHandler(rest.Options{Version: version})
	lambda.StartWithOptions(handler, lambda.WithEnableSIGTERM(rt.Shutdown))
}
