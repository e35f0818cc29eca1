package startup

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"

	"github.com/connectless/connectless/core/config"
	"github.com/connectless/connectless/core/config/provider"
	"github.com/connectless/connectless/core/config/workerprops"
	"github.com/connectless/connectless/core/connect"
	"github.com/connectless/connectless/core/internal/backend"
	"github.com/connectless/connectless/core/internal/herder"
	"github.com/connectless/connectless/core/internal/preflight"
	"github.com/connectless/connectless/core/internal/standalone"
	"github.com/connectless/connectless/core/kafka"
	"github.com/connectless/connectless/core/store"
	"github.com/connectless/connectless/core/store/kafkatopic"
	"github.com/connectless/connectless/core/taskrun"
)

// Options are what Prepare needs besides the worker properties.
type Options struct {
	// Mode is the program: workerprops.Worker or workerprops.Functions.
	Mode workerprops.Mode
	// Registry holds the connector plugins. Required.
	Registry *connect.Registry
	// Logger receives lifecycle events and property warnings. Default slog.Default().
	Logger *slog.Logger
	// AWSConfig loads the AWS configuration (DynamoDB, Secrets Manager, AWS_MSK_IAM); nil
	// means the SDK's default chain (environment, AWS_ENDPOINT_URL_<SERVICE>, shared files,
	// the instance or function role).
	AWSConfig func(ctx context.Context) (aws.Config, error)
	// Standalone keeps connector configurations and statuses in memory for the run and only
	// offsets in the state file (state.bolt.path), as Kafka's connect-standalone; the state
	// backend is not used (see core/internal/standalone).
	Standalone bool
	// PreflightElsewhere runs the connector's own live checks (connect.Preflighter) in another
	// process when it takes the connector's class: the one that links the connector, where
	// this program does not. Validation, create and update then report what that process
	// found as if the checks ran here, within preflight.timeout.ms; an error is a check that
	// could not finish. Nil runs every check here.
	PreflightElsewhere func(ctx context.Context, plugin connect.Plugin, props map[string]string) (findings []connect.PreflightFinding, taken bool, err error)
}

// Prepared is a worker's configuration, resolved and parsed, before anything is opened.
type Prepared struct {
	Config   *workerprops.Config
	Resolver *provider.Resolver
	// Props are the properties with their config-provider references resolved.
	Props map[string]string
	opts  Options
	log   *slog.Logger
}

// Prepare resolves the config-provider references of props and parses them. It opens
// nothing but the config providers.
func Prepare(ctx context.Context, props map[string]string, opts Options) (*Prepared, error) {
	if opts.Registry == nil {
		return nil, errors.New("startup: no connector registry")
	}
	log := cmp.Or(opts.Logger, slog.Default())
	if opts.AWSConfig == nil {
		opts.AWSConfig = func(ctx context.Context) (aws.Config, error) { return awsconfig.LoadDefaultConfig(ctx) }
	}
	resolver, err := provider.FromWorkerConfig(ctx, props, provider.Options{AWSConfig: opts.AWSConfig})
	if err != nil {
		return nil, fmt.Errorf("config providers: %w", err)
	}
	resolved, err := resolver.Resolve(ctx, props)
	if err != nil {
		return nil, fmt.Errorf("resolve worker properties: %w", err)
	}
	cfg, err := workerprops.Parse(resolved, workerprops.Options{Mode: opts.Mode, Logger: log})
	if err != nil {
		return nil, err
	}
	return &Prepared{Config: cfg, Resolver: resolver, Props: resolved, opts: opts, log: log}, nil
}

// Services are what a worker or a function runs on. Close releases them.
type Services struct {
	Config   *workerprops.Config
	Resolver *provider.Resolver
	// Kafka is nil when bootstrap.servers is not set (the REST function needs no Kafka).
	Kafka  *kafka.Client
	Store  store.Store
	Herder *herder.Herder
	// Env runs task slices; its Holder is the worker id.
	Env *taskrun.Env
}

// Open opens the Kafka client, the state backend, the herder and the task environment;
// workerID names this process in statuses and leases. On a secured cluster (TLS or SASL),
// or with state.backend=kafka, the cluster is asked for its metadata first, so that a wrong
// password, trust store or host name stops the start with one error naming the key to fix.
func (p *Prepared) Open(ctx context.Context, workerID string) (_ *Services, err error) {
	cfg := p.Config
	s := &Services{Config: cfg, Resolver: p.Resolver}
	defer func() {
		if err != nil {
			_ = s.Close()
		}
	}()
	var storeClient kafka.Options
	if len(cfg.Brokers) > 0 {
		bo := kafka.BuildOptions{AWSConfig: p.opts.AWSConfig}
		if s.Kafka, err = kafka.Open(ctx, cfg.Kafka, bo); err != nil {
			return nil, fmt.Errorf("%w: %w", workerprops.ErrConfig, err)
		}
		if storeClient, err = cfg.Kafka.WorkerOptions(ctx, bo); err != nil {
			return nil, fmt.Errorf("%w: %w", workerprops.ErrConfig, err)
		}
		if secured(cfg.Kafka) || cfg.Backend == workerprops.BackendKafka {
			if err := s.Kafka.Ping(ctx); err != nil {
				return nil, err
			}
		}
	}
	var st store.Store
	if p.opts.Standalone {
		st, err = standalone.Open(cfg.BoltPath, standalone.Options{Logger: p.log})
	} else {
		st, err = backend.Open(ctx, backend.Options{Backend: cfg.Backend, BoltPath: cfg.BoltPath,
			DynamoDBTable: cfg.DynamoDBTable, DynamoDBCreate: cfg.DynamoDBTableCreate, AWSConfig: p.opts.AWSConfig, Logger: p.log,
			Kafka: kafkatopic.Config{Brokers: cfg.Brokers, Client: storeClient, ConfigTopic: cfg.ConfigTopic,
				OffsetsTopic: cfg.OffsetsTopic, StatusTopic: cfg.StatusTopic, ReplicationFactor: cfg.ReplicationFactor,
				ConfigReplicationFactor: cfg.ConfigReplicationFactor, OffsetsReplicationFactor: cfg.OffsetsReplicationFactor,
				StatusReplicationFactor: cfg.StatusReplicationFactor,
				OffsetsPartitions:       cfg.OffsetsPartitions, StatusPartitions: cfg.StatusPartitions}})
	}
	if errors.Is(err, store.ErrInvalid) {
		return nil, fmt.Errorf("%w: %w", workerprops.ErrConfig, err)
	}
	if err != nil {
		return nil, storeClient.Explain(err)
	}
	s.Store = st
	checks := preflight.Checker{Registry: p.opts.Registry, Kafka: s.Kafka, WorkerProps: p.Props,
		TopicCreationDisabled: cfg.TopicCreationDisabled, Timeout: cfg.PreflightTimeout, Logger: p.log,
		Elsewhere: p.opts.PreflightElsewhere}
	if s.Herder, err = herder.New(herder.Config{Store: st, Plugins: p.opts.Registry, Validate: p.validate,
		Preflight: checks.Run, PreflightDisabled: cfg.PreflightDisabled,
		Resolver: p.Resolver, WorkerID: workerID, Logger: p.log, TopicTrackingDisabled: cfg.TopicTrackingDisabled,
		TopicResetDisabled: cfg.TopicResetDisabled}); err != nil {
		return nil, fmt.Errorf("herder: %w", err)
	}
	margin := cfg.Margin
	if p.opts.Mode == workerprops.Worker {
		margin = min(5*time.Second, cfg.SliceLength/5)
	}
	s.Env = &taskrun.Env{Store: st, Registry: p.opts.Registry, Kafka: s.Kafka, Pipeline: taskrun.DefaultPipeline(p.opts.Registry, p.Props),
		Resolver: p.Resolver, Holder: workerID, Margin: margin, LeaseGrace: cfg.LeaseTimeout, Logger: p.log,
		TopicCreationDisabled: cfg.TopicCreationDisabled, TopicTrackingDisabled: cfg.TopicTrackingDisabled,
		Preflight: checks.Run, PreflightAlways: cfg.PreflightDisabled}
	return s, nil
}

// validate is the herder's connector validation plus Kafka's check of the connector's client
// overrides against connector.client.config.override.policy: each refused
// producer.override.*, consumer.override.* or admin.override.* key gets Kafka's message.
func (p *Prepared) validate(ctx context.Context, plugin connect.Plugin, props map[string]string) connect.ConfigInfos {
	infos := config.ValidateConnector(ctx, plugin, props, config.WithRegistry(p.opts.Registry))
	bad := kafka.CheckOverrides(p.Config.OverridePolicy, props)
	for _, key := range slices.Sorted(maps.Keys(bad)) {
		infos.AddError(key, bad[key])
	}
	return infos
}

// secured reports whether any client role uses TLS or SASL.
func secured(c kafka.ClientConfig) bool {
	if c.Security.Protocol != kafka.Plaintext {
		return true
	}
	for _, s := range c.Roles {
		if s.Protocol != kafka.Plaintext {
			return true
		}
	}
	return false
}

// Close releases the store and the Kafka client.
func (s *Services) Close() error {
	var errs []error
	if s.Store != nil {
		errs = append(errs, s.Store.Close())
	}
	if s.Kafka != nil {
		errs = append(errs, s.Kafka.Close())
	}
	return errors.Join(errs...)
}
