// Command echobootstrap is a tiny Lambda function used to test devstack's runtime interface
// emulator: it answers each event with the event itself, the value of $ECHO_GREETING and the
// function name the runtime reports. An event {"fail": "msg"} makes it return an error.
// Build it as a provided.al2023 bootstrap: go build -tags lambda.norpc.
package main

import (
	"context"
	"errors"
	"os"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-lambda-go/lambdacontext"
)

// Event is what the function receives.
type Event struct {
	Message string `json:"message"`
	Fail    string `json:"fail,omitempty"`
}

// Reply is what the function returns.
type Reply struct {
	Echo         string `json:"echo"`
	Greeting     string `json:"greeting"`
	FunctionName string `json:"function_name"`
	RequestID    string `json:"request_id"`
}

func handle(ctx context.Context, e Event) (Reply, error) {
	if e.Fail != "" {
		return Reply{}, errors.New(e.Fail)
	}
	r := Reply{Echo: e.Message, Greeting: os.Getenv("ECHO_GREETING"), FunctionName: lambdacontext.FunctionName}
	if lc, ok := lambdacontext.FromContext(ctx); ok {
		r.RequestID = lc.AwsRequestID
	}
	return r, nil
}

func main() {
	lambda.Start(handle)
}
