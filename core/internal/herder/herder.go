package herder

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/connectless/connectless/core/config"
	"github.com/connectless/connectless/core/config/provider"
	"github.com/connectless/connectless/core/connect"
	"github.com/connectless/connectless/core/internal/preflight"
	"github.com/connectless/connectless/core/store"
)

// ValidateFunc validates a connector configuration (framework keys and the plugin's own) and
// returns Kafka's ConfigInfos. props are resolved and contain no null values; the herder adds
// the null-value errors and redacts resolved values from the result.
type ValidateFunc func(ctx context.Context, plugin connect.Plugin, props map[string]string) connect.ConfigInfos

// PluginConfigFunc lists a connector plugin's config keys (its own keys, then the framework
// keys it did not define), for GET /connector-plugins/{plugin}/config.
type PluginConfigFunc func(ctx context.Context, plugin connect.Plugin) ([]connect.ConfigKeyInfo, error)

// Config holds a Herder's dependencies.
type Config struct {
	// Store keeps configurations, offsets and statuses. Required.
	Store store.Store
	// Plugins are the plugins of every type: connectors, and the converters, transformations
	// and predicates that validation checks and GET /connector-plugins lists. Required.
	Plugins *connect.Registry
	// Validate validates connector configurations; nil means config.ValidateConnector (the
	// framework keys of Kafka's ConnectorConfig plus the connector's own ConfigDef).
	Validate ValidateFunc
	// PluginConfig lists a connector plugin's config keys; nil means the connector's own
	// ConfigDef followed by the framework keys it does not define.
	PluginConfig PluginConfigFunc
	// Preflight runs the live checks of a configuration that passed validation, before
	// validate answers and before create or update store anything; nil runs the connector's
	// own checks only (preflight.Checker{}.Run).
	Preflight PreflightFunc
	// PreflightDisabled mirrors the worker's preflight.enable=false: no live checks at
	// validation, create or update (tasks run them when they start).
	PreflightDisabled bool
	// Resolver resolves config-provider references; nil resolves none.
	Resolver *provider.Resolver
	// WorkerID is written as worker_id in the statuses the herder writes (host:port).
	WorkerID string
	// TopicTrackingDisabled mirrors topic.tracking.enable=false (Default false, i.e. enabled).
	TopicTrackingDisabled bool
	// TopicResetDisabled mirrors topic.tracking.allow.reset=false (Default false, i.e. allowed).
	TopicResetDisabled bool
	// ConnectorTimeout bounds one Start/TaskConfigs/Stop run of a connector. Default 60s.
	ConnectorTimeout time.Duration
	// Logger receives lifecycle events; never configuration values. Default slog.Default().
	Logger *slog.Logger
	// Now is the clock; default time.Now.
	Now func() time.Time
}

// Herder is the connector lifecycle manager. It is safe for concurrent use.
type Herder struct {
	cfg Config
	log *slog.Logger
	// mu serialises writes so that a read-modify-write of one connector is not interleaved
	// with another in this process.
	mu sync.Mutex
}

// New returns a Herder.
func New(cfg Config) (*Herder, error) {
	if cfg.Store == nil {
		return nil, errors.New("herder: store is required")
	}
	if cfg.Plugins == nil {
		return nil, errors.New("herder: plugin registry is required")
	}
	if cfg.Validate == nil {
		cfg.Validate = func(ctx context.Context, p connect.Plugin, props map[string]string) connect.ConfigInfos {
			return config.ValidateConnector(ctx, p, props, config.WithRegistry(cfg.Plugins))
		}
	}
	if cfg.Preflight == nil {
		cfg.Preflight = preflight.Checker{Logger: cfg.Logger}.Run
	}
	if cfg.PluginConfig == nil {
		cfg.PluginConfig = defaultPluginConfig
	}
	if cfg.ConnectorTimeout <= 0 {
		cfg.ConnectorTimeout = 60 * time.Second
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Herder{cfg: cfg, log: cfg.Logger}, nil
}

// Resolve resolves the config-provider references of a connector or task configuration. Call
// it only when handing a configuration to a connector or task; never store, log or return
// its result.
func (h *Herder) Resolve(ctx context.Context, props map[string]string) (map[string]string, error) {
	return h.cfg.Resolver.Resolve(ctx, props)
}

// ResolveSecrets is Resolve that also returns the substituted values. Runners use it to
// redact what they derive from a resolved configuration (error traces, log lines) before
// writing it: secrets.Redact(trace).
func (h *Herder) ResolveSecrets(ctx context.Context, props map[string]string) (map[string]string, provider.Secrets, error) {
	return h.cfg.Resolver.ResolveSecrets(ctx, props)
}

// traceRedactor returns a function that hides the connector's resolved values in status
// traces: a runner's trace may quote them. It resolves only when the config has references.
func (h *Herder) traceRedactor(ctx context.Context, config map[string]string) func(string) string {
	refs := false
	for _, v := range config {
		if provider.HasReferences(v) {
			refs = true
			break
		}
	}
	if !refs {
		return func(s string) string { return s }
	}
	var once sync.Once
	var secrets provider.Secrets
	return func(s string) string {
		if s == "" {
			return s
		}
		once.Do(func() {
			_, sec, err := h.cfg.Resolver.ResolveSecrets(ctx, config)
			if err != nil {
				h.log.WarnContext(ctx, "resolve config to redact status traces", "connector", config[KeyName], "error", err)
			}
			secrets = sec
		})
		return secrets.Redact(s)
	}
}

// Store returns the store the herder works on.
func (h *Herder) Store() store.Store { return h.cfg.Store }

// WorkerID returns the worker id the herder writes in statuses.
func (h *Herder) WorkerID() string { return h.cfg.WorkerID }

// connector reads a connector; a missing one is reported with the given message.
func (h *Herder) connector(ctx context.Context, name, missingFormat string) (store.Connector, error) {
	c, err := h.cfg.Store.Connector(ctx, name)
	if errors.Is(err, store.ErrNotFound) || errors.Is(err, store.ErrInvalid) {
		return store.Connector{}, &Error{Kind: ErrNotFound, Message: fmt.Sprintf(missingFormat, name), Err: err}
	}
	if err != nil {
		return store.Connector{}, fmt.Errorf("read connector %q: %w", name, err)
	}
	return c, nil
}

// connectorType is "source", "sink" or "unknown" for a configuration.
func (h *Herder) connectorType(config map[string]string) string {
	p, err := h.cfg.Plugins.Lookup(config[KeyConnectorClass])
	if err != nil {
		return "unknown"
	}
	switch p.Type {
	case connect.PluginSource, connect.PluginSink:
		return string(p.Type)
	}
	return "unknown"
}

// Connector config keys the herder reads.
const (
	KeyName            = "name"
	KeyConnectorClass  = "connector.class"
	KeyTasksMax        = "tasks.max"
	KeyTasksMaxEnforce = "tasks.max.enforce"
	KeyTopics          = "topics"
	KeyTopicsRegex     = "topics.regex"
)

// defaultPluginConfig lists the connector's own keys, then the framework keys it does not
// define, as Kafka's ConnectorPluginsResource does.
func defaultPluginConfig(_ context.Context, p connect.Plugin) ([]connect.ConfigKeyInfo, error) {
	own, err := runSafely(func() (*connect.ConfigDef, error) { return p.New().Config(), nil })
	if err != nil {
		return nil, err
	}
	out := own.Infos()
	for _, k := range config.FrameworkDef(p.Type).Infos() {
		if _, defined := own.Key(k.Name); !defined {
			out = append(out, k)
		}
	}
	return out, nil
}
