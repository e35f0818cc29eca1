package worker

import (
	"errors"
	"fmt"
	"maps"
	"net"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/connectless/connectless/core/config/workerprops"
	"github.com/connectless/connectless/core/serverless"
	"github.com/connectless/connectless/core/store/backend"
)

// ErrConfig is wrapped by every error about a malformed or unknown worker property.
var ErrConfig = errors.New("invalid worker property")

// State backends for state.backend.
const (
	BackendBolt     = backend.Bolt
	BackendDynamoDB = backend.DynamoDB
	BackendKafka    = backend.Kafka
	BackendMemory   = backend.Memory
)

// Worker property keys that are connectless's own (Kafka's keys are used as Kafka spells them).
const (
	// KeyBackend selects the state backend: bolt, dynamodb, kafka or memory. Default bolt.
	KeyBackend = "state.backend"
	// KeyBoltPath is the bolt state file. Default offset.storage.file.filename when set,
	// otherwise "connectless.db".
	KeyBoltPath = "state.bolt.path"
	// KeyDynamoDBTable is the DynamoDB state table. Default "connectless".
	KeyDynamoDBTable = "state.dynamodb.table"
	// KeyLeaseTimeout is how long a task's lease outlives the slice it was taken for, in ms.
	// Default 30000.
	KeyLeaseTimeout = "task.lease.timeout.ms"
	// KeyPollInterval is how often the worker looks for due tasks, in ms. Default 500.
	KeyPollInterval = "task.poll.interval.ms"
	// KeyTLSCert and KeyTLSKey are the PEM certificate (chain) and private key of https
	// listeners. Required when a listener is https.
	KeyTLSCert = "listeners.https.ssl.certificate.location"
	KeyTLSKey  = "listeners.https.ssl.key.location"
	// KeyBasicAuthFile is a file of "user:bcrypt-hash" lines (htpasswd -B format); when set,
	// every request needs HTTP basic credentials. No default (no authentication).
	KeyBasicAuthFile = "basic.auth.file"
)

// Config is a parsed set of worker properties.
type Config struct {
	// Brokers from bootstrap.servers. Default localhost:9092. Mirrors Kafka Connect's
	// bootstrap.servers.
	Brokers []string
	// ClientID from client.id. Default "connectless". Mirrors Kafka's client.id.
	ClientID string
	// GroupID from group.id: the name of the worker group, shown in logs. Default
	// "connect-cluster". Mirrors Kafka Connect's group.id (workers share tasks through the
	// store's leases, not a consumer group).
	GroupID string
	// Listeners from listeners: the REST listeners, http or https. Default http://:8083.
	// Mirrors Kafka Connect's listeners.
	Listeners []*url.URL
	// TLSCert and TLSKey from listeners.https.ssl.certificate.location and
	// listeners.https.ssl.key.location: PEM files for https listeners. No default.
	TLSCert, TLSKey string
	// BasicAuthFile from basic.auth.file: "user:bcrypt-hash" lines. No default.
	BasicAuthFile string
	// AdvertisedHost and AdvertisedPort from rest.advertised.host.name and
	// rest.advertised.port: the worker id written in statuses is host:port. Defaults: the
	// host name and the first listener's port. Mirror Kafka Connect's keys of the same names.
	AdvertisedHost string
	AdvertisedPort int
	// AdminDisabled is true when admin.listeners is set and empty: /admin/* answers 404.
	// Mirrors Kafka Connect's admin.listeners.
	AdminDisabled bool
	// TopicTrackingDisabled and TopicResetDisabled from topic.tracking.enable and
	// topic.tracking.allow.reset (both default true). Mirror Kafka Connect's keys.
	TopicTrackingDisabled, TopicResetDisabled bool
	// TopicCreationDisabled from topic.creation.enable (default true): source connectors'
	// topic.creation.* settings are used only when enabled. Mirrors Kafka Connect's key.
	TopicCreationDisabled bool
	// DynamoDBTableCreate from state.dynamodb.table.create (default true): create the
	// state table (on-demand billing) when it is missing.
	DynamoDBTableCreate bool
	// UIDisabled from ui.enable (default true): false stops the REST listeners serving the
	// web console under /ui/.
	UIDisabled bool

	// KeyConverter, ValueConverter and HeaderConverter with their options (the keys after
	// the prefix): the converters of connectors that set none. Defaults JsonConverter,
	// JsonConverter and SimpleHeaderConverter. Mirror Kafka Connect's key.converter,
	// value.converter and header.converter.
	KeyConverter, ValueConverter, HeaderConverter string
	KeyConverterProps, ValueConverterProps        map[string]string
	HeaderConverterProps                          map[string]string

	// SliceLength from offset.flush.interval.ms: the longest slice a task runs before it
	// commits its offsets and releases its lease. Default 10000 (Kafka's default is 60000;
	// a shorter slice gives a faster takeover). Mirrors Kafka Connect's offset.flush.interval.ms.
	SliceLength time.Duration
	// LeaseTimeout from task.lease.timeout.ms: added to the slice length to make a lease's
	// lifetime. Default 30000.
	LeaseTimeout time.Duration
	// PollInterval from task.poll.interval.ms: how often due tasks are looked for. Default 500.
	PollInterval time.Duration
	// ShutdownTimeout from task.shutdown.graceful.timeout.ms: how long a stopping worker waits
	// for its running slices. Default 5000. Mirrors Kafka Connect's key of the same name.
	ShutdownTimeout time.Duration

	// Backend from state.backend: bolt (default), dynamodb, kafka or memory.
	Backend string
	// BoltPath from state.bolt.path, else offset.storage.file.filename, else "connectless.db".
	BoltPath string
	// DynamoDBTable from state.dynamodb.table. Default "connectless". Endpoint, region and
	// credentials come from the standard AWS SDK chain (AWS_ENDPOINT_URL_DYNAMODB, ...).
	DynamoDBTable string
	// ConfigTopic, OffsetsTopic and StatusTopic for state.backend=kafka. Defaults
	// connect-configs, connect-offsets, connect-status. Mirror Kafka Connect's
	// config.storage.topic, offset.storage.topic and status.storage.topic.
	ConfigTopic, OffsetsTopic, StatusTopic string
	// ReplicationFactor for the kafka backend's topics, from the *.storage.replication.factor
	// keys (the smallest given). Default 3. Mirrors Kafka Connect's keys.
	ReplicationFactor int
	// ConfigReplicationFactor, OffsetsReplicationFactor and StatusReplicationFactor from
	// config/offset/status.storage.replication.factor, and OffsetsPartitions and
	// StatusPartitions from offset.storage.partitions (default 25) and
	// status.storage.partitions (default 5): how the kafka backend creates each topic.
	ConfigReplicationFactor, OffsetsReplicationFactor, StatusReplicationFactor int
	OffsetsPartitions, StatusPartitions                                        int

	// Raw holds every property as given (config providers read config.providers.* from it).
	Raw map[string]string
}

// accepted are Kafka Connect worker keys that are read without effect here, so that worker
// files written for Kafka Connect load unchanged.
var accepted = []string{
	"plugin.path", "plugin.discovery", "rest.advertised.listener", "rest.host.name", "rest.port",
	"config.storage.partitions",
	"scheduled.rebalance.max.delay.ms", "session.timeout.ms", "heartbeat.interval.ms",
	"connector.client.config.override.policy", "exactly.once.source.support", "config.providers",
}

// acceptedPrefixes are key prefixes read elsewhere (config providers) or accepted without
// effect: client overrides, the deprecated internal converters, and the log4j settings
// Confluent's images also pass as CONNECT_LOG4J_* variables.
var acceptedPrefixes = []string{"config.providers.", "producer.", "consumer.", "admin.", "internal.", "log4j."}

// Parse reads worker properties. Every malformed value and every unknown key is reported,
// each as an error wrapping ErrConfig that names the key.
func Parse(props map[string]string) (*Config, error) {
	c := &Config{
		Brokers: []string{"localhost:9092"}, ClientID: "connectless", GroupID: "connect-cluster", DynamoDBTableCreate: true,
		KeyConverter:         workerprops.JSONConverter,
		ValueConverter:       workerprops.JSONConverter,
		HeaderConverter:      workerprops.SimpleHeaderConverter,
		KeyConverterProps:    map[string]string{},
		ValueConverterProps:  map[string]string{},
		HeaderConverterProps: map[string]string{},
		SliceLength:          10 * time.Second, LeaseTimeout: 30 * time.Second,
		PollInterval: 500 * time.Millisecond, ShutdownTimeout: 5 * time.Second,
		Backend: BackendBolt, DynamoDBTable: "connectless",
		ConfigTopic: "connect-configs", OffsetsTopic: "connect-offsets", StatusTopic: "connect-status",
		ReplicationFactor: 3, Raw: maps.Clone(props),
	}
	problems := workerprops.NewProblems(ErrConfig)
	bad, ms := problems.Bad, problems.Millis
	conv := workerprops.Converters{
		Key: &c.KeyConverter, Value: &c.ValueConverter, Header: &c.HeaderConverter,
		KeyProps: c.KeyConverterProps, ValueProps: c.ValueConverterProps, HeaderProps: c.HeaderConverterProps,
	}
	boolean := func(key, v string) bool {
		b, err := strconv.ParseBool(strings.TrimSpace(v))
		if err != nil {
			bad(key, "want true or false, got %q", v)
		}
		return b
	}
	listeners := "http://:8083"
	offsetFile := ""
	for _, key := range slices.Sorted(maps.Keys(props)) {
		v := props[key]
		tv := strings.TrimSpace(v)
		if conv.Set(key, v) {
			continue
		}
		switch key {
		case "bootstrap.servers":
			c.Brokers = workerprops.SplitList(v)
			if len(c.Brokers) == 0 {
				bad(key, "empty")
			}
		case "client.id":
			c.ClientID = tv
		case "group.id":
			c.GroupID = tv
		case "listeners":
			listeners = v
		case KeyTLSCert:
			c.TLSCert = tv
		case KeyTLSKey:
			c.TLSKey = tv
		case KeyBasicAuthFile:
			c.BasicAuthFile = tv
		case "rest.advertised.host.name":
			c.AdvertisedHost = tv
		case "rest.advertised.port":
			n, err := strconv.Atoi(tv)
			if err != nil || n <= 0 || n > 65535 {
				bad(key, "want a port number, got %q", v)
			}
			c.AdvertisedPort = n
		case "admin.listeners":
			c.AdminDisabled = tv == ""
		case "topic.tracking.enable":
			c.TopicTrackingDisabled = !boolean(key, v)
		case "topic.tracking.allow.reset":
			c.TopicResetDisabled = !boolean(key, v)
		case "ui.enable":
			c.UIDisabled = !boolean(key, v)
		case "topic.creation.enable":
			c.TopicCreationDisabled = !boolean(key, v)
		case "state.dynamodb.table.create":
			c.DynamoDBTableCreate = boolean(key, v)
		case "offset.flush.interval.ms":
			c.SliceLength = ms(key, v)
		case KeyLeaseTimeout:
			c.LeaseTimeout = ms(key, v)
		case KeyPollInterval:
			c.PollInterval = ms(key, v)
		case "task.shutdown.graceful.timeout.ms":
			c.ShutdownTimeout = ms(key, v)
		case KeyBackend:
			c.Backend = strings.ToLower(tv)
			if !slices.Contains([]string{BackendBolt, BackendDynamoDB, BackendKafka, BackendMemory}, c.Backend) {
				bad(key, "want bolt, dynamodb, kafka or memory, got %q", v)
			}
		case KeyBoltPath:
			c.BoltPath = tv
		case "offset.storage.file.filename":
			offsetFile = tv
		case KeyDynamoDBTable:
			c.DynamoDBTable = tv
			if tv == "" {
				bad(key, "empty")
			}
		case "config.storage.topic":
			c.ConfigTopic = tv
		case "offset.storage.topic":
			c.OffsetsTopic = tv
		case "status.storage.topic":
			c.StatusTopic = tv
		case "config.storage.replication.factor", "offset.storage.replication.factor", "status.storage.replication.factor":
			n, err := strconv.Atoi(tv)
			if err != nil || (n < 1 && n != -1) {
				bad(key, "want a positive integer or -1, got %q", v)
				continue
			}
			if key == "config.storage.replication.factor" || n < c.ReplicationFactor {
				c.ReplicationFactor = n
			}
			switch key {
			case "config.storage.replication.factor":
				c.ConfigReplicationFactor = n
			case "offset.storage.replication.factor":
				c.OffsetsReplicationFactor = n
			default:
				c.StatusReplicationFactor = n
			}
		case "offset.storage.partitions", "status.storage.partitions":
			n, err := strconv.Atoi(tv)
			if err != nil || (n < 1 && n != -1) {
				bad(key, "want a positive integer or -1, got %q", v)
				continue
			}
			if key == "offset.storage.partitions" {
				c.OffsetsPartitions = n
			} else {
				c.StatusPartitions = n
			}
		default:
			if !slices.Contains(accepted, key) && !slices.ContainsFunc(acceptedPrefixes, func(p string) bool { return strings.HasPrefix(key, p) }) {
				bad(key, "unknown property")
			}
		}
	}
	c.BoltPath = firstNonEmpty(c.BoltPath, offsetFile, "connectless.db")
	var err error
	if c.Listeners, err = parseListeners(listeners); err != nil {
		problems.Add(err)
	}
	for _, u := range c.Listeners {
		if u.Scheme == "https" && (c.TLSCert == "" || c.TLSKey == "") {
			bad("listeners", "%s needs %s and %s", u, KeyTLSCert, KeyTLSKey)
		}
	}
	return c, problems.Err()
}

// parseListeners reads Kafka's listeners list: http:// or https:// URLs with an optional host
// and a port.
func parseListeners(v string) ([]*url.URL, error) {
	var out []*url.URL
	for _, l := range workerprops.SplitList(v) {
		u, err := url.Parse(l)
		if err != nil {
			return nil, fmt.Errorf("%w: listeners: %q: %w", ErrConfig, l, err)
		}
		if u.Scheme != "http" && u.Scheme != "https" {
			return nil, fmt.Errorf("%w: listeners: %q: want http:// or https://", ErrConfig, l)
		}
		if _, port, err := net.SplitHostPort(u.Host); err != nil || port == "" {
			return nil, fmt.Errorf("%w: listeners: %q: want scheme://host:port", ErrConfig, l)
		}
		if u.Path != "" && u.Path != "/" {
			return nil, fmt.Errorf("%w: listeners: %q: a listener has no path", ErrConfig, l)
		}
		out = append(out, u)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%w: listeners: empty", ErrConfig)
	}
	return out, nil
}

func firstNonEmpty(vs ...string) string {
	for _, v := range vs {
		if v != "" {
			return v
		}
	}
	return ""
}

// FromEnv returns the worker properties carried by CONNECT_* environment variables, the
// Confluent images' convention: CONNECT_BOOTSTRAP_SERVERS is bootstrap.servers. It is the
// same mapping the Lambda functions use (serverless.FromEnv).
func FromEnv(environ []string) map[string]string { return serverless.FromEnv(environ) }

// Merge returns the properties of a worker file overridden by those from the environment.
func Merge(file, env map[string]string) map[string]string {
	out := maps.Clone(file)
	if out == nil {
		out = map[string]string{}
	}
	maps.Copy(out, env)
	return out
}
