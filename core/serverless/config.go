package serverless

import (
	"crypto/tls"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/segmentio/kafka-go/sasl"
	"github.com/segmentio/kafka-go/sasl/plain"
	"github.com/segmentio/kafka-go/sasl/scram"

	"github.com/connectless/connectless/core/config/workerprops"
	"github.com/connectless/connectless/core/store/backend"
)

// ErrConfig is wrapped by every error about a malformed or unknown worker property.
var ErrConfig = errors.New("invalid worker property")

// Backend names for state.backend.
const (
	BackendDynamoDB = backend.DynamoDB
	BackendKafka    = backend.Kafka
	BackendBolt     = backend.Bolt
	BackendMemory   = backend.Memory
)

// Config holds the worker properties the functions use. Keys are Kafka Connect's where one
// exists; the others are connectless's own.
type Config struct {
	// Brokers from bootstrap.servers. Required by the scheduler and task functions and by the
	// kafka backend. Mirrors Kafka Connect's bootstrap.servers.
	Brokers []string
	// ClientID from client.id. Default "connectless". Mirrors Kafka's client.id.
	ClientID string
	// SecurityProtocol from security.protocol: PLAINTEXT (default), SSL, SASL_PLAINTEXT or
	// SASL_SSL. Mirrors Kafka's security.protocol.
	SecurityProtocol string
	// SASLMechanism from sasl.mechanism: PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512 (default
	// SCRAM-SHA-512 when SASL is on). Mirrors Kafka's sasl.mechanism.
	SASLMechanism string
	// SASLUsername and SASLPassword come from sasl.jaas.config (username="…" password="…"),
	// after config providers are resolved. Mirrors Kafka's sasl.jaas.config.
	SASLUsername, SASLPassword string

	// Backend from state.backend: dynamodb (default), kafka, bolt or memory.
	Backend string
	// DynamoDBTable from state.dynamodb.table. Default "connectless".
	DynamoDBTable string
	// BoltPath from state.bolt.path. Default "/tmp/connectless.db".
	BoltPath string
	// ConfigTopic, OffsetsTopic and StatusTopic name the kafka backend's topics. Defaults
	// connect-configs, connect-offsets, connect-status. Mirror Kafka Connect's
	// config.storage.topic, offset.storage.topic and status.storage.topic.
	ConfigTopic, OffsetsTopic, StatusTopic string

	// KeyConverter, ValueConverter and HeaderConverter are the default converter classes of
	// connectors that set none, with their options (the keys after the prefix). Defaults
	// JsonConverter, JsonConverter and SimpleHeaderConverter. Mirror Kafka Connect's
	// key.converter, value.converter and header.converter.
	KeyConverter, ValueConverter, HeaderConverter string
	KeyConverterProps, ValueConverterProps        map[string]string
	HeaderConverterProps                          map[string]string

	// TaskFunction from task.function.name: the task function the scheduler invokes (name or
	// ARN). Required by the scheduler with the Lambda invoker.
	TaskFunction string
	// DispatchConcurrency from scheduler.dispatch.concurrency: invocations in flight at once.
	// Default 32.
	DispatchConcurrency int
	// SliceBudget from task.slice.max.ms: the longest slice the scheduler plans. Default
	// 840000 (14 minutes, under Lambda's 15).
	SliceBudget time.Duration
	// Margin from task.shutdown.margin.ms: kept free before the invocation's deadline for
	// flush, commit and status. Default 5000.
	Margin time.Duration
	// LeaseGrace from task.lease.grace.ms: added to the slice deadline to make the lease's
	// lifetime. Default 30000.
	LeaseGrace time.Duration
	// MetricsNamespace from metrics.namespace: the CloudWatch namespace of the EMF metrics.
	// Default "connectless".
	MetricsNamespace string

	// TopicTracking and TopicReset from topic.tracking.enable and topic.tracking.allow.reset.
	// Default true. Mirror Kafka Connect's keys of the same names.
	TopicTracking, TopicReset bool
	// TopicCreation from topic.creation.enable (default true) and DynamoDBTableCreate from
	// state.dynamodb.table.create (default true), as the worker's.
	TopicCreation, DynamoDBTableCreate bool

	// Raw holds every property as given; config providers (config.providers.*) read it.
	Raw map[string]string
}

// workerOnly are worker properties the functions accept and ignore, so that one set of
// environment variables serves both the functions and the long-lived worker.
var workerOnly = []string{
	"group.id", "listeners", "rest.advertised.host.name", "rest.advertised.port", "rest.advertised.listener",
	"offset.flush.interval.ms", "offset.storage.file.filename", "task.lease.timeout.ms", "plugin.path",
	"admin.listeners", "config.storage.replication.factor", "offset.storage.replication.factor",
	"status.storage.replication.factor", "offset.storage.partitions", "status.storage.partitions",
	"config.storage.partitions", "connector.client.config.override.policy", "exactly.once.source.support",
	"heartbeat.interval.ms", "plugin.discovery", "rest.host.name", "rest.port", "scheduled.rebalance.max.delay.ms",
	"session.timeout.ms", "task.poll.interval.ms", "task.shutdown.graceful.timeout.ms",
}

// prefixes of keys that are passed on (converter options, config providers, the worker's
// listener options).
var passPrefixes = []string{"key.converter.", "value.converter.", "header.converter.", "config.providers.", "listeners.", "basic.auth."}

// ParseConfig reads worker properties. A malformed value or an unknown key is an error
// naming the key; config-provider references must already be resolved in sasl.jaas.config.
func ParseConfig(props map[string]string) (*Config, error) {
	c := &Config{
		ClientID: "connectless", SecurityProtocol: "PLAINTEXT", Backend: BackendDynamoDB,
		DynamoDBTable: "connectless", BoltPath: "/tmp/connectless.db",
		ConfigTopic: "connect-configs", OffsetsTopic: "connect-offsets", StatusTopic: "connect-status",
		KeyConverter: workerprops.JSONConverter, ValueConverter: workerprops.JSONConverter,
		HeaderConverter:   workerprops.SimpleHeaderConverter,
		KeyConverterProps: map[string]string{}, ValueConverterProps: map[string]string{}, HeaderConverterProps: map[string]string{},
		DispatchConcurrency: 32, SliceBudget: 14 * time.Minute, Margin: 5 * time.Second, LeaseGrace: 30 * time.Second,
		MetricsNamespace: "connectless", TopicTracking: true, TopicReset: true, TopicCreation: true, DynamoDBTableCreate: true, Raw: props,
	}
	keys := make([]string, 0, len(props))
	for k := range props {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	problems := workerprops.NewProblems(ErrConfig)
	bad, ms := problems.Bad, problems.Millis
	conv := workerprops.Converters{
		Key: &c.KeyConverter, Value: &c.ValueConverter, Header: &c.HeaderConverter,
		KeyProps: c.KeyConverterProps, ValueProps: c.ValueConverterProps, HeaderProps: c.HeaderConverterProps,
	}
	for _, key := range keys {
		v := props[key]
		tv := strings.TrimSpace(v)
		if conv.Set(key, v) {
			continue
		}
		switch key {
		case "bootstrap.servers":
			c.Brokers = workerprops.SplitList(v)
		case "client.id":
			c.ClientID = tv
		case "security.protocol":
			c.SecurityProtocol = strings.ToUpper(tv)
			if !slices.Contains([]string{"PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"}, c.SecurityProtocol) {
				bad(key, "want PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL, got %q", v)
			}
		case "sasl.mechanism":
			c.SASLMechanism = strings.ToUpper(tv)
			if !slices.Contains([]string{"PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"}, c.SASLMechanism) {
				bad(key, "want PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512, got %q", v)
			}
		case "sasl.jaas.config":
			u, p, err := parseJAAS(v)
			if err != nil {
				bad(key, "%v", err)
			}
			c.SASLUsername, c.SASLPassword = u, p
		case "state.backend":
			c.Backend = strings.ToLower(tv)
			if !slices.Contains([]string{BackendDynamoDB, BackendKafka, BackendBolt, BackendMemory}, c.Backend) {
				bad(key, "want dynamodb, kafka, bolt or memory, got %q", v)
			}
		case "state.dynamodb.table":
			c.DynamoDBTable = tv
		case "state.bolt.path":
			c.BoltPath = tv
		case "config.storage.topic":
			c.ConfigTopic = tv
		case "offset.storage.topic":
			c.OffsetsTopic = tv
		case "status.storage.topic":
			c.StatusTopic = tv
		case "task.function.name":
			c.TaskFunction = tv
		case "scheduler.dispatch.concurrency":
			n, err := strconv.Atoi(tv)
			if err != nil || n <= 0 {
				bad(key, "want a positive integer, got %q", v)
			}
			c.DispatchConcurrency = n
		case "task.slice.max.ms":
			c.SliceBudget = ms(key, v)
		case "task.shutdown.margin.ms":
			c.Margin = ms(key, v)
		case "task.lease.grace.ms":
			c.LeaseGrace = ms(key, v)
		case "metrics.namespace":
			c.MetricsNamespace = tv
		case "topic.tracking.enable", "topic.tracking.allow.reset", "topic.creation.enable", "state.dynamodb.table.create":
			b, err := strconv.ParseBool(tv)
			if err != nil {
				bad(key, "want true or false, got %q", v)
			}
			switch key {
			case "topic.tracking.enable":
				c.TopicTracking = b
			case "topic.tracking.allow.reset":
				c.TopicReset = b
			case "topic.creation.enable":
				c.TopicCreation = b
			default:
				c.DynamoDBTableCreate = b
			}
		case "config.providers":
		default:
			if !slices.Contains(workerOnly, key) && !slices.ContainsFunc(passPrefixes, func(p string) bool { return strings.HasPrefix(key, p) }) {
				bad(key, "unknown property")
			}
		}
	}
	if strings.HasPrefix(c.SecurityProtocol, "SASL_") {
		if c.SASLMechanism == "" {
			c.SASLMechanism = "SCRAM-SHA-512"
		}
		if c.SASLUsername == "" {
			bad("sasl.jaas.config", "security.protocol %s needs a username and password", c.SecurityProtocol)
		}
	}
	if c.Backend == BackendDynamoDB && c.DynamoDBTable == "" {
		bad("state.dynamodb.table", "empty")
	}
	if c.Backend == BackendKafka && len(c.Brokers) == 0 {
		bad("bootstrap.servers", "state.backend=kafka needs brokers")
	}
	return c, problems.Err()
}

var jaasOption = regexp.MustCompile(`(\w+)\s*=\s*"((?:[^"\\]|\\.)*)"`)

// parseJAAS reads username and password from a JAAS login module line such as
// org.apache.kafka.common.security.scram.ScramLoginModule required username="u" password="p";
func parseJAAS(s string) (user, pass string, err error) {
	for _, m := range jaasOption.FindAllStringSubmatch(s, -1) {
		val := strings.NewReplacer(`\"`, `"`, `\\`, `\`).Replace(m[2])
		switch m[1] {
		case "username":
			user = val
		case "password":
			pass = val
		}
	}
	if user == "" || pass == "" {
		return "", "", errors.New(`want username="…" password="…"`)
	}
	return user, pass, nil
}

// tlsAndSASL returns the Kafka client's TLS configuration and SASL mechanism.
func (c *Config) tlsAndSASL() (*tls.Config, sasl.Mechanism, error) {
	var tc *tls.Config
	if c.SecurityProtocol == "SSL" || c.SecurityProtocol == "SASL_SSL" {
		tc = &tls.Config{MinVersion: tls.VersionTLS12}
	}
	if !strings.HasPrefix(c.SecurityProtocol, "SASL_") {
		return tc, nil, nil
	}
	switch c.SASLMechanism {
	case "PLAIN":
		return tc, plain.Mechanism{Username: c.SASLUsername, Password: c.SASLPassword}, nil
	case "SCRAM-SHA-256", "SCRAM-SHA-512":
		algo := scram.SHA512
		if c.SASLMechanism == "SCRAM-SHA-256" {
			algo = scram.SHA256
		}
		m, err := scram.Mechanism(algo, c.SASLUsername, c.SASLPassword)
		if err != nil {
			return nil, nil, fmt.Errorf("sasl %s: %w", c.SASLMechanism, err)
		}
		return tc, m, nil
	}
	return nil, nil, fmt.Errorf("%w: sasl.mechanism: %q", ErrConfig, c.SASLMechanism)
}
