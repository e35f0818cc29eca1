package kafkatopic

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/segmentio/kafka-go"

	kafkaclient "github.com/connectless/connectless/core/kafka"
	"github.com/connectless/connectless/core/store"
)

// Config configures a Store. Zero values take the defaults given on each field.
type Config struct {
	// Brokers are the bootstrap brokers, host:port. Required. Mirrors Kafka Connect's bootstrap.servers.
	Brokers []string
	// Client secures the connections (TLS, SASL), as the worker's Kafka client factory built
	// it. The zero value is plaintext.
	Client kafkaclient.Options
	// ConfigTopic holds connector and task configurations and target states. Default
	// "connect-configs". Mirrors Kafka Connect's config.storage.topic.
	ConfigTopic string
	// OffsetsTopic holds source offsets. Default "connect-offsets". Mirrors Kafka Connect's
	// offset.storage.topic.
	OffsetsTopic string
	// StatusTopic holds connector and task statuses, and task leases. Default "connect-status".
	// Mirrors Kafka Connect's status.storage.topic.
	StatusTopic string
	// OffsetsPartitions is the partition count used when the offsets topic is created. Default 25.
	// Mirrors Kafka Connect's offset.storage.partitions.
	OffsetsPartitions int
	// StatusPartitions is the partition count used when the status topic is created. Default 5.
	// Mirrors Kafka Connect's status.storage.partitions.
	StatusPartitions int
	// ReplicationFactor is used when a topic is created; -1 means the broker default. Default 3.
	// Mirrors Kafka Connect's config/offset/status.storage.replication.factor.
	ReplicationFactor int
	// ConfigReplicationFactor, OffsetsReplicationFactor and StatusReplicationFactor, when
	// not 0, replace ReplicationFactor for one topic. Mirror Kafka Connect's
	// config.storage.replication.factor, offset.storage.replication.factor and
	// status.storage.replication.factor.
	ConfigReplicationFactor, OffsetsReplicationFactor, StatusReplicationFactor int
	// MaxRecordBytes is the largest record (key plus value) written; larger ones are refused
	// with store.ErrTooLarge. Default DefaultMaxRecordBytes, which leaves room for the record
	// and batch headers under Kafka's default message.max.bytes (1048588).
	MaxRecordBytes int
	// Timeout bounds each request to Kafka. Default 10s.
	Timeout time.Duration
	// Now is the clock for lease times. Default time.Now.
	Now func() time.Time
	// Logger receives warnings about records that cannot be parsed. Default slog.Default().
	Logger *slog.Logger
}

func (c *Config) defaults() error {
	if c.ConfigTopic == "" {
		c.ConfigTopic = "connect-configs"
	}
	if c.OffsetsTopic == "" {
		c.OffsetsTopic = "connect-offsets"
	}
	if c.StatusTopic == "" {
		c.StatusTopic = "connect-status"
	}
	if c.OffsetsPartitions == 0 {
		c.OffsetsPartitions = 25
	}
	if c.StatusPartitions == 0 {
		c.StatusPartitions = 5
	}
	if c.ReplicationFactor == 0 {
		c.ReplicationFactor = 3
	}
	if c.MaxRecordBytes == 0 {
		c.MaxRecordBytes = DefaultMaxRecordBytes
	}
	if c.Timeout == 0 {
		c.Timeout = 10 * time.Second
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	if len(c.Brokers) == 0 {
		return fmt.Errorf("kafkatopic config: no brokers: %w", store.ErrInvalid)
	}
	return nil
}

// DefaultMaxRecordBytes is the default Config.MaxRecordBytes: 1,000,000 bytes of key and value.
const DefaultMaxRecordBytes = 1_000_000

// Store keeps connectless state in Kafka Connect's three internal topics. It is safe for
// concurrent use; operations are serialized inside one Store.
type Store struct {
	cfg       Config
	client    *kafka.Client
	transport *kafka.Transport
	log       *slog.Logger

	mu      sync.Mutex // guards everything below and serializes reads of the logs
	configs *topicLog
	offsets *topicLog
	status  *topicLog
	v       *view
}

var _ store.Store = (*Store)(nil)

// Open connects to Kafka, creates the three topics when missing (compacted), checks existing
// ones are compacted, and reads all of them to the end.
func Open(ctx context.Context, cfg Config) (*Store, error) {
	if err := cfg.defaults(); err != nil {
		return nil, err
	}
	s := &Store{cfg: cfg, log: cfg.Logger, transport: cfg.Client.NewTransport()}
	s.client = &kafka.Client{Addr: kafka.TCP(cfg.Brokers...), Timeout: cfg.Timeout, Transport: s.transport}
	s.v = newView(s.log)
	parts, err := s.ensureTopics(ctx)
	if err != nil {
		s.transport.CloseIdleConnections()
		return nil, err
	}
	s.configs = newTopicLog(s.client, cfg.ConfigTopic, parts[0], cfg.MaxRecordBytes*2, s.v.applyConfig)
	s.offsets = newTopicLog(s.client, cfg.OffsetsTopic, parts[1], cfg.MaxRecordBytes*2, s.v.applyOffset)
	s.status = newTopicLog(s.client, cfg.StatusTopic, parts[2], cfg.MaxRecordBytes*2, s.v.applyStatus)
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, l := range []*topicLog{s.configs, s.offsets, s.status} {
		if err := l.readToEnd(ctx); err != nil {
			s.transport.CloseIdleConnections()
			return nil, fmt.Errorf("open kafkatopic store: %w", err)
		}
	}
	return s, nil
}

// Close releases idle connections. Records already written stay in Kafka.
func (s *Store) Close() error {
	s.transport.CloseIdleConnections()
	return nil
}

// TopicSpec is how Store creates one internal topic.
type TopicSpec struct {
	Name              string
	Partitions        int
	ReplicationFactor int
	Configs           map[string]string
}

// TopicSpecs returns the topics Open creates when they are missing: all compacted, the config
// topic with one partition, as Kafka Connect's KafkaTopicBasedBackingStore does.
func (c Config) TopicSpecs() []TopicSpec {
	_ = c.defaults()
	compact := map[string]string{"cleanup.policy": "compact"}
	return []TopicSpec{
		{Name: c.ConfigTopic, Partitions: 1, ReplicationFactor: cmp.Or(c.ConfigReplicationFactor, c.ReplicationFactor), Configs: compact},
		{Name: c.OffsetsTopic, Partitions: c.OffsetsPartitions, ReplicationFactor: cmp.Or(c.OffsetsReplicationFactor, c.ReplicationFactor), Configs: compact},
		{Name: c.StatusTopic, Partitions: c.StatusPartitions, ReplicationFactor: cmp.Or(c.StatusReplicationFactor, c.ReplicationFactor), Configs: compact},
	}
}

// ErrTopicNotCompacted reports an existing internal topic whose cleanup.policy is not compact.
var ErrTopicNotCompacted = errors.New("internal topic is not compact-only")

// ensureTopics creates missing topics and returns the partition counts of config, offsets and
// status topics as they are in the cluster.
func (s *Store) ensureTopics(ctx context.Context) ([3]int, error) {
	var out [3]int
	specs := s.cfg.TopicSpecs()
	names := []string{specs[0].Name, specs[1].Name, specs[2].Name}
	md, err := s.client.Metadata(ctx, &kafka.MetadataRequest{Topics: names})
	if err != nil {
		return out, fmt.Errorf("describe internal topics: %w", err)
	}
	have := map[string]int{}
	for _, t := range md.Topics {
		if t.Error == nil && len(t.Partitions) > 0 {
			have[t.Name] = len(t.Partitions)
		}
	}
	var create []kafka.TopicConfig
	for _, sp := range specs {
		if _, ok := have[sp.Name]; ok {
			continue
		}
		tc := kafka.TopicConfig{Topic: sp.Name, NumPartitions: sp.Partitions, ReplicationFactor: sp.ReplicationFactor}
		for k, v := range sp.Configs {
			tc.ConfigEntries = append(tc.ConfigEntries, kafka.ConfigEntry{ConfigName: k, ConfigValue: v})
		}
		create = append(create, tc)
	}
	if len(create) > 0 {
		res, err := s.client.CreateTopics(ctx, &kafka.CreateTopicsRequest{Topics: create})
		if err != nil {
			return out, fmt.Errorf("create internal topics: %w", err)
		}
		for name, e := range res.Errors {
			if e != nil && !errors.Is(e, kafka.TopicAlreadyExists) {
				return out, fmt.Errorf("create topic %q: %w", name, e)
			}
		}
		for _, tc := range create {
			have[tc.Topic] = tc.NumPartitions
		}
	}
	if err := s.checkCompacted(ctx, names); err != nil {
		return out, err
	}
	for i, n := range names {
		out[i] = have[n]
	}
	if out[0] != 1 {
		return out, fmt.Errorf("config topic %q has %d partitions, must have 1: %w", names[0], out[0], store.ErrInvalid)
	}
	return out, nil
}

func (s *Store) checkCompacted(ctx context.Context, names []string) error {
	req := &kafka.DescribeConfigsRequest{}
	for _, n := range names {
		req.Resources = append(req.Resources, kafka.DescribeConfigRequestResource{
			ResourceType: kafka.ResourceTypeTopic, ResourceName: n, ConfigNames: []string{"cleanup.policy"}})
	}
	res, err := s.client.DescribeConfigs(ctx, req)
	if err != nil {
		return fmt.Errorf("describe internal topic configs: %w", err)
	}
	for _, r := range res.Resources {
		if r.Error != nil {
			return fmt.Errorf("describe config of topic %q: %w", r.ResourceName, r.Error)
		}
		for _, e := range r.ConfigEntries {
			if e.ConfigName == "cleanup.policy" && e.ConfigValue != "compact" {
				return fmt.Errorf("topic %q has cleanup.policy=%s: %w", r.ResourceName, e.ConfigValue, ErrTopicNotCompacted)
			}
		}
	}
	return nil
}

// write sends records to a topic, grouped per partition, in batches that stay under
// MaxRecordBytes, and returns the offset of the last record written per partition.
func (s *Store) write(ctx context.Context, l *topicLog, recs []record) (map[int]int64, error) {
	byPart := map[int][]record{}
	var order []int
	for _, r := range recs {
		if _, ok := byPart[r.partition]; !ok {
			order = append(order, r.partition)
		}
		byPart[r.partition] = append(byPart[r.partition], r)
	}
	last := map[int]int64{}
	for _, p := range order {
		rs := byPart[p]
		for len(rs) > 0 {
			n, size := 0, 0
			for n < len(rs) && (n == 0 || size+len(rs[n].key)+len(rs[n].value) <= s.cfg.MaxRecordBytes) {
				size += len(rs[n].key) + len(rs[n].value)
				n++
			}
			base, err := produce(ctx, s.client, l.topic, p, rs[:n])
			if err != nil {
				return last, err
			}
			last[p] = base + int64(n) - 1
			rs = rs[n:]
		}
	}
	return last, nil
}

// newRecord builds a record for topic l, partitioned by murmur2 of the key, and refuses it when
// larger than MaxRecordBytes.
func (s *Store) newRecord(l *topicLog, what string, key string, value []byte) (record, error) {
	return s.newRawRecord(l, what, []byte(key), value)
}

func (s *Store) newRawRecord(l *topicLog, what string, key, value []byte) (record, error) {
	if n := len(key) + len(value); n > s.cfg.MaxRecordBytes {
		return record{}, store.TooLargeError(what, n, s.cfg.MaxRecordBytes)
	}
	return record{partition: PartitionFor(key, l.partitions), key: key, value: value, time: s.cfg.Now()}, nil
}
