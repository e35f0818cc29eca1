package serverless

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"

	"github.com/connectless/connectless/core/config/workerprops"
	"github.com/connectless/connectless/core/schedule"
)

// LambdaAPI is the part of the AWS SDK's Lambda client that LambdaInvoker calls.
type LambdaAPI interface {
	Invoke(ctx context.Context, in *lambda.InvokeInput, opts ...func(*lambda.Options)) (*lambda.InvokeOutput, error)
}

// LambdaInvoker starts task invocations as asynchronous Lambda invocations
// (InvocationType=Event): Lambda queues the payload and answers at once; its retries and the
// on-failure destination handle a failing task.
type LambdaInvoker struct {
	Client LambdaAPI
	// Function is the task function's name or ARN.
	Function string
	// Routes send the tasks of their connector classes (the payload's Class) to their own
	// task functions instead.
	Routes []TaskRoute
}

// Invoke sends one payload to the task function of its connector's class.
func (l LambdaInvoker) Invoke(ctx context.Context, p schedule.Payload) error {
	fn, err := function(l.Routes, l.Function, p)
	if err != nil {
		return err
	}
	body, err := json.Marshal(p)
	if err != nil {
		return fmt.Errorf("encode payload: %w", err)
	}
	out, err := l.Client.Invoke(ctx, &lambda.InvokeInput{
		FunctionName:   aws.String(fn),
		InvocationType: types.InvocationTypeEvent,
		Payload:        body,
	})
	if err != nil {
		return fmt.Errorf("invoke %s: %w", fn, err)
	}
	if out.FunctionError != nil {
		return fmt.Errorf("invoke %s: function error %s: %s", fn, *out.FunctionError, out.Payload)
	}
	return nil
}

// LambdaInvoker returns an invoker of the task function named by task.function.name, and of
// the routes' functions for their classes, with a Lambda client from the standard SDK
// configuration (AWS_ENDPOINT_URL_LAMBDA included).
func (rt *Runtime) LambdaInvoker(ctx context.Context, routes ...TaskRoute) (LambdaInvoker, error) {
	if rt.Config.TaskFunction == "" {
		return LambdaInvoker{}, fmt.Errorf("%w: %s: not set", ErrConfig, workerprops.KeyTaskFunction)
	}
	ac, err := rt.awsConfig(ctx)
	if err != nil {
		return LambdaInvoker{}, fmt.Errorf("load AWS configuration: %w", err)
	}
	return LambdaInvoker{Client: lambda.NewFromConfig(ac), Function: rt.Config.TaskFunction, Routes: routes}, nil
}

// InProcess runs each invocation in a goroutine of this process, so the scheduler → task flow
// runs locally the same way it runs on Lambda. Invoke returns at once; Wait waits for the
// invocations started so far.
type InProcess struct {
	// Run runs one invocation, e.g. a Runtime's RunTask.
	Run    func(ctx context.Context, p schedule.Payload) error
	Logger *slog.Logger
	wg     sync.WaitGroup
}

// Invoke starts p in a goroutine. The invocation outlives ctx's cancellation, as an
// asynchronous Lambda invocation outlives its caller, but keeps ctx's values.
func (ip *InProcess) Invoke(ctx context.Context, p schedule.Payload) error {
	ip.wg.Add(1)
	run := context.WithoutCancel(ctx)
	go func() {
		defer ip.wg.Done()
		if err := ip.Run(run, p); err != nil {
			cmp.Or(ip.Logger, slog.New(slog.DiscardHandler)).Warn("task invocation", "connector", p.Connector, "task", p.Task, "error", err)
		}
	}()
	return nil
}

// Wait blocks until every invocation started so far has returned.
func (ip *InProcess) Wait() { ip.wg.Wait() }
