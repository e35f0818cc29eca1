package serverless

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"

	"github.com/connectless/connectless/core/config/workerprops"
	"github.com/connectless/connectless/core/connect"
	"github.com/connectless/connectless/core/schedule"
)

// LambdaAPI is the part of the AWS SDK's Lambda client that LambdaInvoker calls.
type LambdaAPI interface {
	Invoke(ctx context.Context, in *lambda.InvokeInput, opts ...func(*lambda.Options)) (*lambda.InvokeOutput, error)
}

// LambdaInvoker starts task invocations as asynchronous Lambda invocations
// (InvocationType=Event): Lambda queues the payload and answers at once; its retries and the
// on-failure destination handle a failing task. Preflight asks a task function for a
// connector's live checks and waits for the answer.
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
	_, err = l.call(ctx, fn, types.InvocationTypeEvent, p)
	return err
}

// Preflight runs the connector's own live checks of props (a resolved configuration) in the
// task function of its class and waits for what they found (InvocationType=RequestResponse).
// The function gets four fifths of the time left before ctx's deadline for its checks, so
// that its answer, a check that timed out included, arrives before the deadline. An error is
// an invocation that failed or a function that answered something else.
func (l LambdaInvoker) Preflight(ctx context.Context, props map[string]string) ([]connect.PreflightFinding, error) {
	fn, err := function(l.Routes, l.Function, schedule.Payload{Connector: props["name"], Class: props["connector.class"]})
	if err != nil {
		return nil, err
	}
	req := PreflightRequest{Kind: KindPreflight, Config: props}
	if d, ok := ctx.Deadline(); ok {
		req.TimeoutMs = max(1, time.Until(d).Milliseconds()*4/5)
	}
	out, err := l.call(ctx, fn, types.InvocationTypeRequestResponse, req)
	if err != nil {
		return nil, err
	}
	var res PreflightResult
	if err := json.Unmarshal(out, &res); err != nil || res.Kind != KindPreflight {
		return nil, fmt.Errorf("invoke %s: answer %.200q is not a preflight result", fn, out)
	}
	return res.Findings, nil
}

// call invokes fn with payload encoded as JSON and returns the function's answer; a function
// error is an error holding the answer.
func (l LambdaInvoker) call(ctx context.Context, fn string, how types.InvocationType, payload any) ([]byte, error) {
	body, err := json.Marshal(payload)
	if err != nil {
		return nil, fmt.Errorf("encode payload: %w", err)
	}
	out, err := l.Client.Invoke(ctx, &lambda.InvokeInput{
		FunctionName:   aws.String(fn),
		InvocationType: how,
		Payload:        body,
	})
	if err != nil {
		return nil, fmt.Errorf("invoke %s: %w", fn, err)
	}
	if out.FunctionError != nil {
		return nil, fmt.Errorf("invoke %s: function error %s: %s", fn, *out.FunctionError, out.Payload)
	}
	return out.Payload, nil
}

// LambdaInvoker returns an invoker of the task function named by task.function.name, and of
// the routes' functions for their classes, with a Lambda client from the standard SDK
// configuration (AWS_ENDPOINT_URL_LAMBDA included).
func (rt *Runtime) LambdaInvoker(ctx context.Context, routes ...TaskRoute) (LambdaInvoker, error) {
	if rt.Config.TaskFunction == "" {
		return LambdaInvoker{}, fmt.Errorf("%w: %s: not set", ErrConfig, workerprops.KeyTaskFunction)
	}
	client, err := rt.lambdaClient(ctx)
	if err != nil {
		return LambdaInvoker{}, err
	}
	return LambdaInvoker{Client: client, Function: rt.Config.TaskFunction, Routes: routes}, nil
}

// lambdaClient returns a Lambda client from the standard SDK configuration
// (AWS_ENDPOINT_URL_LAMBDA included).
func (rt *Runtime) lambdaClient(ctx context.Context) (*lambda.Client, error) {
	ac, err := rt.awsConfig(ctx)
	if err != nil {
		return nil, fmt.Errorf("load AWS configuration: %w", err)
	}
	return lambda.NewFromConfig(ac), nil
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
