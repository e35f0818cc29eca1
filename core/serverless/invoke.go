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
}

// Invoke sends one payload.
func (l LambdaInvoker) Invoke(ctx context.Context, p schedule.Payload) error {
	body, err := json.Marshal(p)
	if err != nil {
		return fmt.Errorf("encode payload: %w", err)
	}
	out, err := l.Client.Invoke(ctx, &lambda.InvokeInput{
		FunctionName:   aws.String(l.Function),
		InvocationType: types.InvocationTypeEvent,
		Payload:        body,
	})
	if err != nil {
		return fmt.Errorf("invoke %s: %w", l.Function, err)
	}
	if out.FunctionError != nil {
		return fmt.Errorf("invoke %s: function error %s: %s", l.Function, *out.FunctionError, out.Payload)
	}
	return nil
}

// LambdaInvoker returns an invoker of the task function named by task.function.name, with a
// Lambda client from the standard SDK configuration (AWS_ENDPOINT_URL_LAMBDA included).
func (rt *Runtime) LambdaInvoker(ctx context.Context) (LambdaInvoker, error) {
	if rt.Config.TaskFunction == "" {
		return LambdaInvoker{}, fmt.Errorf("%w: task.function.name: not set", ErrConfig)
	}
	ac, err := rt.awsConfig(ctx)
	if err != nil {
		return LambdaInvoker{}, fmt.Errorf("load AWS configuration: %w", err)
	}
	return LambdaInvoker{Client: lambda.NewFromConfig(ac), Function: rt.Config.TaskFunction}, nil
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
