package serverless

import (
	"cmp"
	"context"
	"log/slog"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"

	"github.com/connectless/connectless/core/config/provider"
	"github.com/connectless/connectless/core/config/workerprops"
	"github.com/connectless/connectless/core/connect"
	"github.com/connectless/connectless/core/internal/herder"
	"github.com/connectless/connectless/core/kafka"
	"github.com/connectless/connectless/core/startup"
	"github.com/connectless/connectless/core/store"
	"github.com/connectless/connectless/core/taskrun"
)

// Options are what Open needs besides the worker properties.
type Options struct {
	// Registry holds the plugins: connectors, converters, transformations and predicates
	// (connectors.Registry() ships them all). Required.
	Registry *connect.Registry
	// Logger receives lifecycle events. Default slog.Default().
	Logger *slog.Logger
	// WorkerID names this process in statuses and leases (the function name). Default
	// "connectless".
	WorkerID string
	// AWSConfig loads the AWS configuration; nil means the standard SDK chain (environment,
	// AWS_ENDPOINT_URL_<SERVICE>, shared files, the function's role).
	AWSConfig func(ctx context.Context) (aws.Config, error)
}

// Runtime is everything the functions build from the worker properties once per process
// and share between invocations.
type Runtime struct {
	Config *Config
	Store  store.Store
	// Kafka is nil when bootstrap.servers is not set (the REST function needs no Kafka).
	Kafka    *kafka.Client
	Resolver *provider.Resolver
	Registry *connect.Registry
	Herder   *herder.Herder
	// Env runs task invocations; its Holder is the worker id and each invocation copies it
	// with its own request id.
	Env    *taskrun.Env
	Logger *slog.Logger
	// Elsewhere are the routes of the connector classes this task function does not link
	// (set before the first invocation): RunTask refuses their tasks with
	// ErrWrongTaskFunction, naming the function to invoke, before it takes the lease.
	Elsewhere []TaskRoute

	// delegated runs the connector checks of other functions' classes (DelegatePreflight).
	delegated *LambdaInvoker
	services  *startup.Services
	awsConfig func(ctx context.Context) (aws.Config, error)
}

// Open builds the functions' runtime with startup.Prepare and Open (the same builder as the
// long-lived worker): it resolves and parses the worker properties, opens the Kafka client
// and the state backend, and builds the herder and task environment.
func Open(ctx context.Context, props map[string]string, opts Options) (*Runtime, error) {
	log := cmp.Or(opts.Logger, slog.Default())
	if opts.AWSConfig == nil {
		opts.AWSConfig = func(ctx context.Context) (aws.Config, error) { return awsconfig.LoadDefaultConfig(ctx) }
	}
	rt := &Runtime{Registry: opts.Registry, Logger: log, awsConfig: opts.AWSConfig}
	prep, err := startup.Prepare(ctx, props, startup.Options{Mode: workerprops.Functions, Registry: opts.Registry,
		Logger: log, AWSConfig: opts.AWSConfig, PreflightElsewhere: rt.preflightElsewhere})
	if err != nil {
		return nil, err
	}
	s, err := prep.Open(ctx, cmp.Or(opts.WorkerID, "connectless"))
	if err != nil {
		return nil, err
	}
	rt.Config, rt.Store, rt.Kafka, rt.Resolver, rt.Herder, rt.Env, rt.services = s.Config, s.Store, s.Kafka, s.Resolver, s.Herder, s.Env, s
	return rt, nil
}

// Close releases the store and the Kafka client.
func (rt *Runtime) Close() error {
	if rt.services == nil {
		return nil
	}
	return rt.services.Close()
}
