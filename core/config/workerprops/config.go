package workerprops

import (
	"errors"
	"log/slog"
	"maps"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/connectless/connectless/core/kafka"
)

// ErrConfig is wrapped by every error about a malformed worker property; the message names
// the key.
var ErrConfig = errors.New("invalid worker property")

// Mode says which program reads the properties: the long-lived worker (and standalone) or
// the Lambda functions. A few defaults differ, and each mode ignores the other's own keys.
type Mode int

// Modes.
const (
	// Worker is `connectless worker` and `connectless standalone`.
	Worker Mode = iota
	// Functions are the REST, scheduler and task Lambda functions.
	Functions
)

// State backends for state.backend.
const (
	BackendBolt     = "bolt"
	BackendDynamoDB = "dynamodb"
	BackendKafka    = "kafka"
	BackendMemory   = "memory"
)

// Config is a parsed set of worker properties: one struct for the worker, standalone and
// the Lambda functions. Keys, defaults and meanings are in Keys (and docs/worker.md).
type Config struct {
	// Brokers from bootstrap.servers.
	Brokers []string
	// ClientID from client.id.
	ClientID string
	// Kafka holds the client security keys (security.protocol, sasl.*, ssl.*, and the same
	// under producer., consumer. and admin.), with Brokers and ClientID filled in.
	Kafka kafka.ClientConfig
	// OverridePolicy from connector.client.config.override.policy: None, Principal or All.
	OverridePolicy string
	// GroupID from group.id.
	GroupID string

	// Listeners from listeners (worker only).
	Listeners []*url.URL
	// TLSCert and TLSKey from listeners.https.ssl.certificate.location and
	// listeners.https.ssl.key.location.
	TLSCert, TLSKey string
	// BasicAuthFile from basic.auth.file.
	BasicAuthFile string
	// AllowOrigins and AllowMethods from access.control.allow.origin and
	// access.control.allow.methods (comma-separated, as given).
	AllowOrigins, AllowMethods string
	// AdvertisedHost and AdvertisedPort from rest.advertised.host.name and
	// rest.advertised.port; empty and 0 mean the host name and the first listener's port.
	AdvertisedHost string
	AdvertisedPort int
	// AdminDisabled is true when admin.listeners is set and empty.
	AdminDisabled bool
	// UIDisabled from ui.enable: the REST listeners do not serve the web console.
	UIDisabled bool
	// TopicTrackingDisabled and TopicResetDisabled from topic.tracking.enable and
	// topic.tracking.allow.reset.
	TopicTrackingDisabled, TopicResetDisabled bool
	// TopicCreationDisabled from topic.creation.enable: connectors' topic.creation.* settings
	// are not used.
	TopicCreationDisabled bool
	// PreflightDisabled from preflight.enable=false: no live checks at validation, create
	// and update; tasks run them when they start. PreflightTimeout from preflight.timeout.ms.
	PreflightDisabled bool
	PreflightTimeout  time.Duration

	// KeyConverter, ValueConverter and HeaderConverter with their options (the keys after
	// the prefix): the converters of connectors that set none.
	KeyConverter, ValueConverter, HeaderConverter string
	KeyConverterProps, ValueConverterProps        map[string]string
	HeaderConverterProps                          map[string]string

	// SliceLength from offset.flush.interval.ms (worker).
	SliceLength time.Duration
	// LeaseTimeout from task.lease.timeout.ms.
	LeaseTimeout time.Duration
	// PollInterval from task.poll.interval.ms (worker).
	PollInterval time.Duration
	// ShutdownTimeout from task.shutdown.graceful.timeout.ms (worker).
	ShutdownTimeout time.Duration

	// Backend from state.backend; BackendReason says why it was chosen when the key is
	// unset.
	Backend, BackendReason string
	// BoltPath from state.bolt.path, else offset.storage.file.filename, else the default.
	BoltPath string
	// DynamoDBTable from state.dynamodb.table.
	DynamoDBTable string
	// DynamoDBTableCreate from state.dynamodb.table.create: create the table when missing.
	DynamoDBTableCreate bool
	// ConfigTopic, OffsetsTopic and StatusTopic of the kafka backend.
	ConfigTopic, OffsetsTopic, StatusTopic string
	// ReplicationFactor of those topics when created (the smallest of the three keys), and
	// ConfigReplicationFactor, OffsetsReplicationFactor and StatusReplicationFactor, each
	// topic's own key when given (0 when not).
	ReplicationFactor                                                          int
	ConfigReplicationFactor, OffsetsReplicationFactor, StatusReplicationFactor int
	// OffsetsPartitions and StatusPartitions of those topics when created.
	OffsetsPartitions, StatusPartitions int

	// TaskFunction from task.function.name (functions).
	TaskFunction string
	// IcebergTaskFunction from iceberg.task.function.name (functions).
	IcebergTaskFunction string
	// DispatchConcurrency from scheduler.dispatch.concurrency (functions).
	DispatchConcurrency int
	// SliceBudget from task.slice.max.ms (functions).
	SliceBudget time.Duration
	// Margin from task.shutdown.margin.ms (functions).
	Margin time.Duration
	// MetricsNamespace from metrics.namespace (functions).
	MetricsNamespace string

	// Ignored are the keys given that have no effect here (unknown, or Kafka's keys this
	// implementation does not need), each logged once as a warning.
	Ignored []string
	// Raw holds every property as given (config providers read config.providers.* from it).
	Raw map[string]string
}

// Options are what Parse needs besides the properties.
type Options struct {
	// Mode is the program reading the properties. Default Worker.
	Mode Mode
	// Logger receives one warning per ignored key and the state backend choice. Default
	// slog.Default().
	Logger *slog.Logger
}

// Parse reads worker properties (config-provider references already resolved). Every
// malformed value is reported, each as an error wrapping ErrConfig that names the key; an
// unknown key, or one of Kafka's keys that has no effect here, is logged once as a warning
// naming it (as Kafka's "was supplied but isn't a known config") and does not stop the start.
func Parse(props map[string]string, opts Options) (*Config, error) {
	log := opts.Logger
	if log == nil {
		log = slog.Default()
	}
	c := &Config{
		KeyConverterProps: map[string]string{}, ValueConverterProps: map[string]string{}, HeaderConverterProps: map[string]string{},
		Raw: maps.Clone(props),
	}
	if c.Raw == nil {
		c.Raw = map[string]string{}
	}
	p := NewProblems(ErrConfig)
	st := &parseState{mode: opts.Mode}
	for _, k := range Keys {
		v, given := props[k.Name]
		if !given {
			d, ok := k.defaultFor(opts.Mode)
			if !ok {
				continue
			}
			v = d
		}
		k.set(c, st, k.Name, v, p)
	}
	conv := Converters{Key: &c.KeyConverter, Value: &c.ValueConverter, Header: &c.HeaderConverter,
		KeyProps: c.KeyConverterProps, ValueProps: c.ValueConverterProps, HeaderProps: c.HeaderConverterProps}
	for _, key := range slices.Sorted(maps.Keys(props)) {
		if _, known := keyIndex[key]; known || conv.Set(key, props[key]) || hasPrefix(key, passPrefixes) || isClientKey(key) {
			continue
		}
		why := noEffect(key)
		c.Ignored = append(c.Ignored, key)
		if why == "" {
			log.Warn("unknown worker property: it has no effect", "key", key)
		} else {
			log.Warn("worker property has no effect here", "key", key, "reason", why)
		}
	}
	for _, key := range slices.Sorted(maps.Keys(props)) {
		if k, ok := keyIndex[key]; ok && !k.Scope.in(opts.Mode) {
			log.Debug("worker property is for the other mode", "key", key, "scope", k.Scope.String())
		}
	}
	var err error
	if c.Kafka, err = kafka.ParseClientConfig(props); err != nil {
		p.Add(err)
	}
	c.Kafka.Brokers, c.Kafka.ClientID, c.Kafka.Policy = c.Brokers, c.ClientID, c.OverridePolicy
	st.finish(c, props, p)
	if c.BackendReason != "" {
		log.Info("state backend chosen", "state_backend", c.Backend, "reason", c.BackendReason)
	}
	return c, p.Err()
}

// parseState carries what the key setters share: values whose effect depends on others.
type parseState struct {
	mode       Mode
	listeners  string
	offsetFile string
	rfSet      bool
}

// finish applies the rules that involve several keys.
func (st *parseState) finish(c *Config, props map[string]string, p *Problems) {
	if st.mode == Worker {
		ls, err := parseListeners(st.listeners)
		if err != nil {
			p.Add(err)
		}
		c.Listeners = ls
		for _, u := range c.Listeners {
			if u.Scheme == "https" && (c.TLSCert == "" || c.TLSKey == "") {
				p.Bad("listeners", "%s needs %s and %s", u, KeyTLSCert, KeyTLSKey)
			}
		}
	}
	if !st.rfSet {
		c.ReplicationFactor = 3
	}
	if c.BoltPath == "" {
		c.BoltPath = st.offsetFile
	}
	if c.BoltPath == "" {
		c.BoltPath = map[Mode]string{Worker: "connectless.db", Functions: "/tmp/connectless.db"}[st.mode]
	}
	if _, set := props[KeyBackend]; !set {
		c.Backend, c.BackendReason = chooseBackend(props, st.mode)
	}
	if c.Backend == BackendKafka && len(c.Brokers) == 0 {
		p.Bad("bootstrap.servers", "state.backend=kafka needs brokers")
	}
}

// chooseBackend picks the state backend when state.backend is unset, and says why.
func chooseBackend(props map[string]string, mode Mode) (backend, reason string) {
	_, group := props["group.id"]
	_, topic := props["config.storage.topic"]
	switch {
	case group && topic:
		return BackendKafka, "state.backend is unset and group.id and config.storage.topic are set, as in Kafka's connect-distributed.properties: Kafka Connect's internal topics"
	case mode == Functions:
		return BackendDynamoDB, "state.backend is unset: the functions' default"
	case props["offset.storage.file.filename"] != "":
		return BackendBolt, "state.backend is unset and offset.storage.file.filename is set, as in Kafka's connect-standalone.properties: the embedded state file"
	}
	return BackendBolt, "state.backend is unset: the worker's default, the embedded state file"
}

func hasPrefix(key string, prefixes []string) bool {
	return slices.ContainsFunc(prefixes, func(p string) bool { return strings.HasPrefix(key, p) })
}

// isClientKey reports whether key is a client security key under a role prefix.
func isClientKey(key string) bool {
	for _, r := range kafka.Roles {
		if rest, ok := strings.CutPrefix(key, string(r)+"."); ok && slices.Contains(kafka.SecurityKeys, rest) {
			return true
		}
	}
	return false
}
