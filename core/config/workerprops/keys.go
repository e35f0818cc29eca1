package workerprops

import (
	"fmt"
	"net"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/connectless/connectless/core/kafka"
)

// Worker property keys that are connectless's own (Kafka's keys are used as Kafka spells them).
const (
	KeyBackend       = "state.backend"
	KeyBoltPath      = "state.bolt.path"
	KeyDynamoDBTable = "state.dynamodb.table"
	KeyLeaseTimeout  = "task.lease.timeout.ms"
	KeyPollInterval  = "task.poll.interval.ms"
	KeyTLSCert       = "listeners.https.ssl.certificate.location"
	KeyTLSKey        = "listeners.https.ssl.key.location"
	KeyBasicAuthFile = "basic.auth.file"
	KeyLogLevel      = "log.level"
	// KeyIcebergTaskFunction names the task function of the Iceberg sink's tasks.
	KeyIcebergTaskFunction = "iceberg.task.function.name"
	// KeyTaskFunction names the task function of every other connector's tasks.
	KeyTaskFunction = "task.function.name"
)

// Scope says which programs read a key.
type Scope int

// Scopes.
const (
	// Both: the worker, standalone and the functions.
	Both Scope = iota
	// WorkerOnly: the long-lived worker and standalone; the functions ignore it.
	WorkerOnly
	// FunctionsOnly: the Lambda functions; the worker ignores it.
	FunctionsOnly
)

func (s Scope) in(m Mode) bool {
	return s == Both || (s == WorkerOnly && m == Worker) || (s == FunctionsOnly && m == Functions)
}

// String names the scope as docs/worker.md does.
func (s Scope) String() string {
	return [...]string{"all", "worker", "functions"}[s]
}

// noDefault as a Key's FunctionsDefault means the functions have no default for the key.
const noDefault = "\x00"

// Key is one worker property: its name, default, meaning and how it is read. docs/worker.md
// is generated from Keys.
type Key struct {
	Name string
	// Default is the value used when the key is absent (read as if given); "" means none.
	Default string
	// FunctionsDefault, when set, is the functions' default instead (noDefault: none).
	FunctionsDefault string
	// DefaultDoc replaces Default in the docs when the default is not a plain value.
	DefaultDoc string
	// Kafka names the Kafka or Confluent key it mirrors ("" when connectless's own).
	Kafka string
	Scope Scope
	Doc   string
	set   func(c *Config, st *parseState, key, v string, p *Problems)
}

func (k Key) defaultFor(m Mode) (string, bool) {
	d := k.Default
	if m == Functions && k.FunctionsDefault != "" {
		d = k.FunctionsDefault
	}
	return d, d != "" && d != noDefault
}

const kafkaConnect = "Kafka Connect's key of the same name"

// setters

// origins sets access.control.allow.origin: `*` or origins of the form scheme://host[:port].
func origins(c *Config, _ *parseState, key, v string, p *Problems) {
	c.AllowOrigins = strings.TrimSpace(v)
	for _, o := range strings.Split(c.AllowOrigins, ",") {
		o = strings.TrimSpace(o)
		if o == "" || o == "*" {
			continue
		}
		if u, err := url.Parse(o); err != nil || u.Scheme == "" || u.Host == "" || (u.Path != "" && u.Path != "/") || u.RawQuery != "" {
			p.Bad(key, "%q is not an origin (scheme://host[:port]) or *", o)
		}
	}
}
func str(f func(c *Config) *string) func(*Config, *parseState, string, string, *Problems) {
	return func(c *Config, _ *parseState, _, v string, _ *Problems) { *f(c) = strings.TrimSpace(v) }
}

func nonEmpty(f func(c *Config) *string) func(*Config, *parseState, string, string, *Problems) {
	return func(c *Config, _ *parseState, key, v string, p *Problems) {
		if *f(c) = strings.TrimSpace(v); *f(c) == "" {
			p.Bad(key, "empty")
		}
	}
}

func millis(f func(c *Config) *time.Duration) func(*Config, *parseState, string, string, *Problems) {
	return func(c *Config, _ *parseState, key, v string, p *Problems) { *f(c) = p.Millis(key, v) }
}

func boolean(f func(c *Config) *bool, negate bool) func(*Config, *parseState, string, string, *Problems) {
	return func(c *Config, _ *parseState, key, v string, p *Problems) {
		b, err := strconv.ParseBool(strings.TrimSpace(v))
		if err != nil {
			p.Bad(key, "want true or false, got %q", v)
		}
		*f(c) = b != negate
	}
}

func positive(f func(c *Config) *int) func(*Config, *parseState, string, string, *Problems) {
	return func(c *Config, _ *parseState, key, v string, p *Problems) {
		n, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil || n <= 0 {
			p.Bad(key, "want a positive integer, got %q", v)
		}
		*f(c) = n
	}
}

// partitions reads a partition count: positive, or -1 for the broker's default.
func partitions(f func(c *Config) *int) func(*Config, *parseState, string, string, *Problems) {
	return func(c *Config, _ *parseState, key, v string, p *Problems) {
		n, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil || (n < 1 && n != -1) {
			p.Bad(key, "want a positive integer or -1, got %q", v)
		}
		*f(c) = n
	}
}

func replication(c *Config, st *parseState, key, v string, p *Problems) {
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil || (n < 1 && n != -1) {
		p.Bad(key, "want a positive integer or -1, got %q", v)
		return
	}
	switch key {
	case "config.storage.replication.factor":
		c.ConfigReplicationFactor = n
	case "offset.storage.replication.factor":
		c.OffsetsReplicationFactor = n
	default:
		c.StatusReplicationFactor = n
	}
	if !st.rfSet || n < c.ReplicationFactor {
		c.ReplicationFactor, st.rfSet = n, true
	}
}

func none(*Config, *parseState, string, string, *Problems) {}

// Keys are the worker properties, in documentation order.
var Keys = []Key{
	{Name: "bootstrap.servers", Default: "localhost:9092", FunctionsDefault: noDefault, Kafka: kafkaConnect,
		Doc: "Kafka brokers, comma-separated `host:port`. The functions have no default: the scheduler and task functions and `state.backend=kafka` need it.",
		set: func(c *Config, st *parseState, key, v string, p *Problems) {
			if c.Brokers = SplitList(v); len(c.Brokers) == 0 && st.mode == Worker {
				p.Bad(key, "empty")
			}
		}},
	{Name: "client.id", Default: "connectless", Kafka: "Kafka's client.id", Doc: "Kafka client id.", set: str(func(c *Config) *string { return &c.ClientID })},
	{Name: kafka.KeySecurityProtocol, Default: "PLAINTEXT", Kafka: "Kafka's client key", Doc: "`PLAINTEXT`, `SSL`, `SASL_PLAINTEXT` or `SASL_SSL`. See Secured clusters.", set: none},
	{Name: kafka.KeySASLMechanism, DefaultDoc: "— (Kafka's GSSAPI is refused)", Kafka: "Kafka's client key", Doc: "`PLAIN`, `SCRAM-SHA-256`, `SCRAM-SHA-512` or `AWS_MSK_IAM`.", set: none},
	{Name: kafka.KeySASLJAASConfig, Kafka: "Kafka's client key", Doc: "`PlainLoginModule` or `ScramLoginModule` line with `username` and `password` (config providers resolve it); `IAMLoginModule required;` for `AWS_MSK_IAM`.", set: none},
	{Name: kafka.KeySASLCallbackHandler, Kafka: "Kafka's client key", Doc: "Only `software.amazon.msk.auth.iam.IAMClientCallbackHandler`, with `AWS_MSK_IAM`.", set: none},
	{Name: kafka.KeyTruststoreLocation, DefaultDoc: "the system's CAs", Kafka: "Kafka's client key", Doc: "PEM file of the CA certificates the brokers' certificates chain to.", set: none},
	{Name: kafka.KeyTruststoreType, DefaultDoc: "PEM", Kafka: "Kafka's client key (default JKS there)", Doc: "Only `PEM`; JKS and PKCS12 are refused with the command that converts them.", set: none},
	{Name: kafka.KeyKeystoreLocation, Kafka: "Kafka's client key", Doc: "PEM file with the client's private key and certificate chain, for mutual TLS.", set: none},
	{Name: kafka.KeyKeystoreType, DefaultDoc: "PEM", Kafka: "Kafka's client key (default JKS there)", Doc: "Only `PEM`.", set: none},
	{Name: kafka.KeyKeyPassword, Kafka: "Kafka's client key", Doc: "Decrypts a legacy encrypted PEM key (`Proc-Type: 4,ENCRYPTED`); encrypted PKCS#8 keys are refused.", set: none},
	{Name: kafka.KeyEndpointIdentification, Default: "https", Kafka: "Kafka's client key", Doc: "`https` checks the broker's host name against its certificate; empty skips that check (the chain is still verified).", set: none},
	{Name: kafka.KeyOverridePolicy, Default: "All", Kafka: kafkaConnect + " (default All since Kafka 3.0, KIP-722)",
		Doc: "Which client keys a connector may override with `producer.override.*`, `consumer.override.*` and `admin.override.*`: `None`, `Principal` (`security.protocol`, `sasl.mechanism`, `sasl.jaas.config`) or `All`. Only the security keys can be overridden.",
		set: func(c *Config, _ *parseState, _, v string, p *Problems) {
			pol, err := kafka.ParsePolicy(v)
			p.Add(err)
			c.OverridePolicy = pol
		}},
	{Name: "group.id", Default: "connect-cluster", Kafka: kafkaConnect, Doc: "Name of the worker group (logs). Workers share tasks through the store's leases, not a consumer group. With `config.storage.topic` and no `state.backend` it selects the kafka backend.", set: str(func(c *Config) *string { return &c.GroupID })},
	{Name: "listeners", Default: "http://:8083", Kafka: kafkaConnect, Scope: WorkerOnly, Doc: "REST listeners, comma-separated `http://host:port` or `https://host:port`.",
		set: func(_ *Config, st *parseState, _, v string, _ *Problems) { st.listeners = v }},
	{Name: KeyTLSCert, Scope: WorkerOnly, Doc: "PEM certificate (chain) of the https listeners. Required with an https listener.", set: str(func(c *Config) *string { return &c.TLSCert })},
	{Name: KeyTLSKey, Scope: WorkerOnly, Doc: "PEM private key of the https listeners. Required with an https listener.", set: str(func(c *Config) *string { return &c.TLSKey })},
	{Name: KeyBasicAuthFile, Scope: WorkerOnly, Doc: "File of `user:bcrypt-hash` lines (`htpasswd -B -c users alice`). When set, every request (the API, `/health`, `/metrics`) needs HTTP basic credentials; without valid ones the answer is 401 with a `WWW-Authenticate` challenge.", set: str(func(c *Config) *string { return &c.BasicAuthFile })},
	{Name: "access.control.allow.origin", Kafka: kafkaConnect, Scope: WorkerOnly, Doc: "Comma-separated origins (`https://console.example.com`) allowed to call the REST API from a browser page, or `*` for any: they get CORS answers (`Access-Control-Allow-Origin`, preflights). Empty, as in Kafka Connect, allows only the API's own origin: a state-changing request a browser marks as coming from another origin is refused with 403.", set: origins},
	{Name: "access.control.allow.methods", DefaultDoc: "GET,POST,HEAD", Kafka: kafkaConnect, Scope: WorkerOnly, Doc: "Comma-separated methods a preflight from an allowed origin may ask for (`Access-Control-Allow-Methods`).", set: str(func(c *Config) *string { return &c.AllowMethods })},
	{Name: "rest.advertised.host.name", DefaultDoc: "the host name", Kafka: kafkaConnect, Scope: WorkerOnly, Doc: "Host of the worker id `host:port` shown as `worker_id` in statuses and held in leases.", set: str(func(c *Config) *string { return &c.AdvertisedHost })},
	{Name: "rest.advertised.port", DefaultDoc: "the first listener's port", Kafka: kafkaConnect, Scope: WorkerOnly, Doc: "Port of the worker id.",
		set: func(c *Config, _ *parseState, key, v string, p *Problems) {
			n, err := strconv.Atoi(strings.TrimSpace(v))
			if err != nil || n <= 0 || n > 65535 {
				p.Bad(key, "want a port number, got %q", v)
			}
			c.AdvertisedPort = n
		}},
	{Name: "admin.listeners", DefaultDoc: "(admin on)", Kafka: kafkaConnect, Scope: WorkerOnly, Doc: "Set and empty: `/admin/*` answers 404.",
		set: func(c *Config, _ *parseState, _, v string, _ *Problems) { c.AdminDisabled = strings.TrimSpace(v) == "" }},
	{Name: "ui.enable", Default: "true", Scope: WorkerOnly, Doc: "Serve the web console under `/ui/` on the REST listeners (behind `basic.auth.file` when set).", set: boolean(func(c *Config) *bool { return &c.UIDisabled }, true)},
	{Name: "topic.tracking.enable", Default: "true", Kafka: kafkaConnect, Doc: "Tasks record the topics they use (`GET /connectors/{name}/topics`, in every backend; `status-topic-<topic>:connector-<name>` records on `state.backend=kafka`).", set: boolean(func(c *Config) *bool { return &c.TopicTrackingDisabled }, true)},
	{Name: "topic.tracking.allow.reset", Default: "true", Kafka: kafkaConnect, Doc: "Allow `PUT /connectors/{name}/topics/reset`.", set: boolean(func(c *Config) *bool { return &c.TopicResetDisabled }, true)},
	{Name: "key.converter", Default: JSONConverter, Kafka: kafkaConnect, Doc: "Key converter of connectors that set none; its options are `key.converter.*`.", set: str(func(c *Config) *string { return &c.KeyConverter })},
	{Name: "value.converter", Default: JSONConverter, Kafka: kafkaConnect, Doc: "Value converter of connectors that set none; its options are `value.converter.*`.", set: str(func(c *Config) *string { return &c.ValueConverter })},
	{Name: "header.converter", Default: SimpleHeaderConverter, Kafka: kafkaConnect, Doc: "Header converter of connectors that set none; its options are `header.converter.*`.", set: str(func(c *Config) *string { return &c.HeaderConverter })},
	{Name: "offset.flush.interval.ms", Default: "10000", Kafka: kafkaConnect + " (default 60000 there)", Scope: WorkerOnly, Doc: "Longest slice: how long a task runs before it commits and releases its lease (shorter gives faster takeover).", set: millis(func(c *Config) *time.Duration { return &c.SliceLength })},
	{Name: KeyLeaseTimeout, Default: "30000", Doc: "How long a task's lease outlives the slice it was taken for: a worker or invocation that dies has its tasks taken over this long after its slice's end.", set: millis(func(c *Config) *time.Duration { return &c.LeaseTimeout })},
	{Name: "task.lease.grace.ms", Doc: "Former name of `task.lease.timeout.ms` in the functions; refused with a message naming the new key.",
		set: func(_ *Config, _ *parseState, key, _ string, p *Problems) {
			p.Bad(key, "renamed %s; use that key", KeyLeaseTimeout)
		}},
	{Name: KeyPollInterval, Default: "500", Scope: WorkerOnly, Doc: "How often the worker looks for due tasks.", set: millis(func(c *Config) *time.Duration { return &c.PollInterval })},
	{Name: "task.shutdown.graceful.timeout.ms", Default: "5000", Kafka: kafkaConnect, Scope: WorkerOnly, Doc: "How long a stopping worker waits for its slices.", set: millis(func(c *Config) *time.Duration { return &c.ShutdownTimeout })},
	{Name: KeyBackend, Default: BackendBolt, FunctionsDefault: BackendDynamoDB, DefaultDoc: "`bolt` (functions: `dynamodb`); `kafka` when `group.id` and `config.storage.topic` are set",
		Doc: "`bolt` (one file, one process), `dynamodb`, `kafka` (Kafka Connect's internal topics) or `memory`. When unset, the worker logs which backend it chose and why.",
		set: func(c *Config, _ *parseState, key, v string, p *Problems) {
			c.Backend = strings.ToLower(strings.TrimSpace(v))
			if !slices.Contains([]string{BackendBolt, BackendDynamoDB, BackendKafka, BackendMemory}, c.Backend) {
				p.Bad(key, "want bolt, dynamodb, kafka or memory, got %q", v)
			}
		}},
	{Name: KeyBoltPath, DefaultDoc: "`offset.storage.file.filename`, else `connectless.db` (functions: `/tmp/connectless.db`)", Doc: "The bolt state file.", set: str(func(c *Config) *string { return &c.BoltPath })},
	{Name: "offset.storage.file.filename", Kafka: kafkaConnect, Doc: "Standalone's offsets file: the bolt state file when `state.bolt.path` is unset.", set: func(_ *Config, st *parseState, _, v string, _ *Problems) { st.offsetFile = strings.TrimSpace(v) }},
	{Name: KeyDynamoDBTable, Default: "connectless", Doc: "DynamoDB table (the SAM template creates it in AWS). Endpoint, region and credentials come from the AWS SDK's chain (`AWS_REGION`, `AWS_ENDPOINT_URL_DYNAMODB`, profiles, roles).", set: nonEmpty(func(c *Config) *string { return &c.DynamoDBTable })},
	{Name: "config.storage.topic", Default: "connect-configs", Kafka: kafkaConnect, Doc: "Configurations topic of `state.backend=kafka`.", set: str(func(c *Config) *string { return &c.ConfigTopic })},
	{Name: "offset.storage.topic", Default: "connect-offsets", Kafka: kafkaConnect, Doc: "Offsets topic of `state.backend=kafka`.", set: str(func(c *Config) *string { return &c.OffsetsTopic })},
	{Name: "status.storage.topic", Default: "connect-status", Kafka: kafkaConnect, Doc: "Status topic of `state.backend=kafka`.", set: str(func(c *Config) *string { return &c.StatusTopic })},
	{Name: "config.storage.replication.factor", DefaultDoc: "3", Kafka: kafkaConnect, Doc: "Replication factor of the configurations topic when the kafka backend creates it (compacted, one partition); -1 is the broker's default.", set: replication},
	{Name: "offset.storage.replication.factor", DefaultDoc: "3", Kafka: kafkaConnect, Doc: "Replication factor of the offsets topic when created; -1 is the broker's default.", set: replication},
	{Name: "status.storage.replication.factor", DefaultDoc: "3", Kafka: kafkaConnect, Doc: "Replication factor of the status topic when created; -1 is the broker's default.", set: replication},
	{Name: "offset.storage.partitions", Default: "25", Kafka: kafkaConnect, Doc: "Partitions of the offsets topic when created; -1 is the broker's default.", set: partitions(func(c *Config) *int { return &c.OffsetsPartitions })},
	{Name: "status.storage.partitions", Default: "5", Kafka: kafkaConnect, Doc: "Partitions of the status topic when created; -1 is the broker's default.", set: partitions(func(c *Config) *int { return &c.StatusPartitions })},
	{Name: "topic.creation.enable", Default: "true", Kafka: kafkaConnect + " (KIP-158)", Doc: "Source connectors' `topic.creation.*` groups create their topics through the admin API before the first record; otherwise the broker's auto-creation applies.", set: boolean(func(c *Config) *bool { return &c.TopicCreationDisabled }, true)},
	{Name: "preflight.enable", Default: "true", Doc: "Validation, create and update check live what a connector's configuration points at (its bucket, database or URL, the Kafka brokers and topics, the Schema Registry) and refuse it with a 400 naming the key to change; `false` turns the checks off for every connector (offline use), and each task then runs them when it starts. A connector's own `preflight.enable=false` does the same for it alone.", set: boolean(func(c *Config) *bool { return &c.PreflightDisabled }, true)},
	{Name: "preflight.timeout.ms", Default: "5000", Doc: "How long the live checks of one configuration may take, all together.", set: millis(func(c *Config) *time.Duration { return &c.PreflightTimeout })},
	{Name: "state.dynamodb.table.create", Default: "true", Doc: "Create a missing state table at start (on-demand billing); off, or refused (IAM), the worker and the functions fail at start with one line naming the table, region, endpoint and fix.", set: boolean(func(c *Config) *bool { return &c.DynamoDBTableCreate }, false)},
	{Name: "exactly.once.source.support", Default: "disabled", Kafka: kafkaConnect, Doc: "Only `disabled`: exactly-once source delivery (KIP-618) is not implemented, and `enabled` or `preparing` stop the start.",
		set: func(_ *Config, _ *parseState, key, v string, p *Problems) {
			if s := strings.ToLower(strings.TrimSpace(v)); s != "disabled" {
				p.Bad(key, "%q is not supported: exactly-once source delivery is not implemented; remove the key or set disabled", v)
			}
		}},
	{Name: "config.providers", Kafka: kafkaConnect, Doc: "Config providers (`env`, `file`, `secretsmanager`), with `config.providers.<name>.class` and `config.providers.<name>.param.*`; values may then use `${env:X}`, `${file:path:key}`, `${secretsmanager:id:key}`.", set: none},
	{Name: KeyTaskFunction, Scope: FunctionsOnly, Doc: "The task function the scheduler invokes (name or ARN) for every connector but the Iceberg sink (see iceberg.task.function.name). Required by the scheduler with the Lambda invoker.", set: str(func(c *Config) *string { return &c.TaskFunction })},
	{Name: KeyIcebergTaskFunction, Scope: FunctionsOnly, Doc: "The task function that runs the Iceberg sink's tasks (name or ARN): the one built with iceberg-go, which the other functions leave out for their start-up time and size. Required by the scheduler with the Lambda invoker once an Iceberg sink connector runs; until then its ticks report the connector's tasks as not sent. The REST function invokes it for the Iceberg sink's catalog checks at validation, create and update; unset, those report a finding on connector.class.", set: str(func(c *Config) *string { return &c.IcebergTaskFunction })},
	{Name: "scheduler.dispatch.concurrency", Default: "32", Scope: FunctionsOnly, Doc: "Task invocations in flight at once.", set: positive(func(c *Config) *int { return &c.DispatchConcurrency })},
	{Name: "task.slice.max.ms", Default: "840000", Scope: FunctionsOnly, Doc: "Longest slice the scheduler plans (14 minutes, under Lambda's 15).", set: millis(func(c *Config) *time.Duration { return &c.SliceBudget })},
	{Name: "task.shutdown.margin.ms", Default: "5000", Scope: FunctionsOnly, Doc: "Kept free before the invocation's deadline for flush, commit and status.", set: millis(func(c *Config) *time.Duration { return &c.Margin })},
	{Name: KeyLogLevel, Default: "INFO", Scope: FunctionsOnly, Doc: "Log level of the functions' JSON logs: `DEBUG`, `INFO`, `WARN` or `ERROR` (the worker's levels are set through `/admin/loggers`).", set: none},
	{Name: "metrics.namespace", Default: "connectless", Scope: FunctionsOnly, Doc: "CloudWatch namespace of the functions' EMF metrics.", set: str(func(c *Config) *string { return &c.MetricsNamespace })},
}

// keyIndex finds a Key by name.
var keyIndex = func() map[string]Key {
	m := make(map[string]Key, len(Keys))
	for _, k := range Keys {
		m[k.Name] = k
	}
	return m
}()

// passPrefixes are prefixes read elsewhere: converter options and config providers.
var passPrefixes = []string{"key.converter.", "value.converter.", "header.converter.", "config.providers."}

// NoEffect lists Kafka Connect worker keys (or prefixes, ending in '.') that are accepted
// and have no effect here, with the reason; each is logged as a warning when given.
var NoEffect = []struct{ Key, Why string }{
	{"plugin.path", "connectors are compiled into the binary"},
	{"plugin.discovery", "connectors are compiled into the binary"},
	{"rest.host.name", "deprecated in Kafka since 1.1; use listeners"},
	{"rest.port", "deprecated in Kafka since 1.1; use listeners"},
	{"rest.advertised.listener", "the worker id is rest.advertised.host.name:rest.advertised.port"},
	{"rest.extension.classes", "REST extensions are Java classes"},
	{"response.http.headers.config", "custom response headers are not implemented"},
	{"scheduled.rebalance.max.delay.ms", "workers share tasks through leases, not a group protocol"},
	{"session.timeout.ms", "workers share tasks through leases, not a group protocol"},
	{"heartbeat.interval.ms", "workers share tasks through leases, not a group protocol"},
	{"rebalance.timeout.ms", "workers share tasks through leases, not a group protocol"},
	{"worker.sync.timeout.ms", "workers share tasks through leases, not a group protocol"},
	{"worker.unsync.backoff.ms", "workers share tasks through leases, not a group protocol"},
	{"connect.protocol", "workers share tasks through leases, not a group protocol"},
	{"inter.worker.key.generation.algorithm", "workers do not call each other"},
	{"offset.flush.timeout.ms", "a slice commits its offsets when it ends (offset.flush.interval.ms bounds it)"},
	{"metric.reporters", "metrics are served at GET /metrics (and EMF in the functions)"},
	{"metrics.num.samples", "metrics are served at GET /metrics"},
	{"metrics.sample.window.ms", "metrics are served at GET /metrics"},
	{"metrics.recording.level", "metrics are served at GET /metrics"},
	{"auto.include.jmx.reporter", "there is no JMX"},
	{"internal.", "the internal converters were removed in Kafka 3.0; the internal topics are always JSON"},
	{"log4j.", "logging is log/slog; levels are set through /admin/loggers"},
	{"listeners.", "only listeners.https.ssl.certificate.location and listeners.https.ssl.key.location are read"},
	{"producer.", "only the client security keys are read under this prefix"},
	{"consumer.", "only the client security keys are read under this prefix"},
	{"admin.", "only the client security keys are read under this prefix"},
}

// noEffect returns why key has no effect, or "" when it is unknown.
func noEffect(key string) string {
	for _, n := range NoEffect {
		if n.Why != "" && (key == n.Key || (strings.HasSuffix(n.Key, ".") && strings.HasPrefix(key, n.Key))) {
			return n.Why
		}
	}
	return ""
}

// parseListeners reads Kafka's listeners list: http:// or https:// URLs with an optional host
// and a port.
func parseListeners(v string) ([]*url.URL, error) {
	var out []*url.URL
	for _, l := range SplitList(v) {
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
