package serverless

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"

	"github.com/connectless/connectless/core/config/provider"
	"github.com/connectless/connectless/core/connect"
	"github.com/connectless/connectless/core/herder"
	"github.com/connectless/connectless/core/kafka"
	"github.com/connectless/connectless/core/store"
	"github.com/connectless/connectless/core/store/backend"
	"github.com/connectless/connectless/core/store/kafkatopic"
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

	awsConfig func(ctx context.Context) (aws.Config, error)
}

// Open parses the worker properties (after resolving their config-provider references),
// opens the state backend and the Kafka client, and builds the herder and task environment.
func Open(ctx context.Context, props map[string]string, opts Options) (*Runtime, error) {
	if opts.Registry == nil {
		return nil, errors.New("open runtime: no connector registry")
	}
	log := cmp.Or(opts.Logger, slog.Default())
	awsCfg := opts.AWSConfig
	if awsCfg == nil {
		awsCfg = func(ctx context.Context) (aws.Config, error) { return awsconfig.LoadDefaultConfig(ctx) }
	}
	resolver, err := provider.FromWorkerConfig(ctx, props, provider.Options{AWSConfig: awsCfg})
	if err != nil {
		return nil, fmt.Errorf("config providers: %w", err)
	}
	resolved, err := resolver.Resolve(ctx, props)
	if err != nil {
		return nil, fmt.Errorf("resolve worker properties: %w", err)
	}
	cfg, err := ParseConfig(resolved)
	if err != nil {
		return nil, err
	}
	rt := &Runtime{Config: cfg, Resolver: resolver, Registry: opts.Registry, Logger: log, awsConfig: awsCfg}
	if len(cfg.Brokers) > 0 {
		tc, mech, err := cfg.tlsAndSASL()
		if err != nil {
			return nil, err
		}
		if rt.Kafka, err = kafka.NewClient(kafka.Options{Brokers: cfg.Brokers, ClientID: cfg.ClientID, TLS: tc, SASL: mech}); err != nil {
			return nil, fmt.Errorf("kafka client: %w", err)
		}
	}
	if rt.Store, err = openStore(ctx, cfg, awsCfg, log); err != nil {
		rt.Close()
		return nil, err
	}
	workerID := cmp.Or(opts.WorkerID, "connectless")
	if rt.Herder, err = herder.New(herder.Config{Store: rt.Store, Plugins: opts.Registry,
		Resolver: resolver, WorkerID: workerID, Logger: log,
		TopicTrackingDisabled: !cfg.TopicTracking, TopicResetDisabled: !cfg.TopicReset}); err != nil {
		rt.Close()
		return nil, fmt.Errorf("herder: %w", err)
	}
	rt.Env = &taskrun.Env{Store: rt.Store, Registry: opts.Registry, Kafka: rt.Kafka, Pipeline: cfg.Pipeline(opts.Registry),
		Resolver: resolver, Holder: workerID, Margin: cfg.Margin, LeaseGrace: cfg.LeaseGrace, Logger: log,
		TopicCreationDisabled: !cfg.TopicCreation, TopicTrackingDisabled: !cfg.TopicTracking}
	return rt, nil
}

func openStore(ctx context.Context, cfg *Config, awsCfg func(context.Context) (aws.Config, error), log *slog.Logger) (store.Store, error) {
	st, err := backend.Open(ctx, backend.Options{Backend: cfg.Backend, BoltPath: cfg.BoltPath,
		DynamoDBTable: cfg.DynamoDBTable, DynamoDBCreate: cfg.DynamoDBTableCreate, AWSConfig: awsCfg, Logger: log,
		Kafka: kafkatopic.Config{Brokers: cfg.Brokers, ConfigTopic: cfg.ConfigTopic, OffsetsTopic: cfg.OffsetsTopic,
			StatusTopic: cfg.StatusTopic}})
	if errors.Is(err, store.ErrInvalid) {
		return nil, fmt.Errorf("%w: %w", ErrConfig, err)
	}
	return st, err
}

// Close releases the store and the Kafka client.
func (rt *Runtime) Close() error {
	var errs []error
	if rt.Store != nil {
		errs = append(errs, rt.Store.Close())
	}
	if rt.Kafka != nil {
		errs = append(errs, rt.Kafka.Close())
	}
	return errors.Join(errs...)
}

// Pipeline returns what builds a task's converters and transformation chain, from the
// registry's plugins, out of its connector's resolved configuration: the connector's
// key.converter, value.converter and header.converter (with their options) when set, the
// worker's otherwise, as Kafka does.
func (c *Config) Pipeline(reg *connect.Registry) taskrun.PipelineFunc {
	worker := map[string]string{}
	for key, class := range map[string]string{"key.converter": c.KeyConverter, "value.converter": c.ValueConverter, "header.converter": c.HeaderConverter} {
		if class != "" {
			worker[key] = class
		}
	}
	for key, props := range map[string]map[string]string{"key.converter": c.KeyConverterProps, "value.converter": c.ValueConverterProps, "header.converter": c.HeaderConverterProps} {
		for k, v := range props {
			worker[key+"."+k] = v
		}
	}
	return taskrun.DefaultPipeline(reg, worker)
}
