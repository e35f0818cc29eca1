package kafka

import (
	"cmp"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"sort"
	"time"

	kafkago "github.com/segmentio/kafka-go"
	"github.com/segmentio/kafka-go/sasl"

	"github.com/connectless/connectless/core/connect"
)

// ErrNoBrokers is returned when a client is built without any bootstrap broker.
var ErrNoBrokers = errors.New("no kafka brokers given")

// Options configure a Client.
type Options struct {
	// Brokers are the bootstrap broker addresses ("host:port"). Required. Mirrors Kafka's
	// bootstrap.servers.
	Brokers []string
	// ClientID identifies this client to the brokers. Default "connectless". Mirrors Kafka's
	// client.id.
	ClientID string
	// Timeout bounds each request. Default 30s. Mirrors Kafka's request.timeout.ms.
	Timeout time.Duration
	// DialTimeout bounds each connection attempt. Default 10s.
	DialTimeout time.Duration
	// TLS, when set, encrypts connections. Mirrors Kafka's security.protocol=SSL.
	TLS *tls.Config
	// SASL, when set, authenticates connections. Mirrors Kafka's sasl.mechanism.
	SASL sasl.Mechanism
	// Producer and Consumer, when set, secure the writers' and the fetches' connections
	// differently from the admin calls (the producer.* and consumer.* worker keys). Nil
	// means TLS and SASL above.
	Producer, Consumer *Endpoint
	// Security is the parsed configuration TLS and SASL were built from; Explain uses it to
	// name the key to fix in connection errors.
	Security Security
}

// Endpoint is how one role's connections are secured.
type Endpoint struct {
	TLS  *tls.Config
	SASL sasl.Mechanism
	// Security is the parsed configuration TLS and SASL were built from.
	Security Security
}

// Client talks to one Kafka cluster. It is safe for concurrent use; Close releases its
// connections.
type Client struct {
	kc        *kafkago.Client
	transport *kafkago.Transport
	// fetchKC and produce are the consumer's and producer's connections; the admin ones
	// (kc, transport) unless Options.Consumer or Options.Producer say otherwise.
	fetchKC *kafkago.Client
	produce *kafkago.Transport
	addr    net.Addr
	brokers []string
	opts    Options
	// base and build are what Open built the client from, for ForConnector.
	base  *ClientConfig
	build BuildOptions
}

// NewClient returns a client for the cluster behind opts.Brokers. It does not connect until
// the first call.
func NewClient(opts Options) (*Client, error) {
	if len(opts.Brokers) == 0 {
		return nil, ErrNoBrokers
	}
	if opts.ClientID == "" {
		opts.ClientID = "connectless"
	}
	if opts.Timeout <= 0 {
		opts.Timeout = 30 * time.Second
	}
	if opts.DialTimeout <= 0 {
		opts.DialTimeout = 10 * time.Second
	}
	transport := opts.NewTransport()
	addr := kafkago.TCP(opts.Brokers...)
	c := &Client{
		kc:        &kafkago.Client{Addr: addr, Timeout: opts.Timeout, Transport: transport},
		transport: transport,
		addr:      addr,
		brokers:   append([]string(nil), opts.Brokers...),
		opts:      opts,
	}
	c.fetchKC, c.produce = c.kc, transport
	if opts.Consumer != nil {
		c.fetchKC = &kafkago.Client{Addr: addr, Timeout: opts.Timeout, Transport: opts.roleTransport(opts.Consumer)}
	}
	if opts.Producer != nil {
		c.produce = opts.roleTransport(opts.Producer)
	}
	return c, nil
}

// NewTransport returns a kafka-go transport to the cluster, secured as the admin calls are
// (TLS and SASL). Packages that speak kafka-go's API directly (the Kafka-topic state store,
// its group membership, offsets migration) build their connections with it, so that every
// Kafka connection is made here.
func (o Options) NewTransport() *kafkago.Transport {
	return o.roleTransport(&Endpoint{TLS: o.TLS, SASL: o.SASL})
}

func (o Options) roleTransport(e *Endpoint) *kafkago.Transport {
	return &kafkago.Transport{
		ClientID:    cmp.Or(o.ClientID, "connectless"),
		DialTimeout: cmp.Or(o.DialTimeout, 10*time.Second),
		IdleTimeout: 30 * time.Second,
		MetadataTTL: 5 * time.Second,
		TLS:         e.TLS,
		SASL:        e.SASL,
	}
}

// ProducerTransport returns the transport the client's writers use: kafka-go's
// RoundTripper for a kafka-go Writer of one's own (a task's notification topic).
func (c *Client) ProducerTransport() kafkago.RoundTripper { return c.produce }

// Ping asks the cluster for its metadata, so that a wrong address, protocol, trust store or
// password shows at start. Its error names the key to fix when one does (Security.Explain).
func (c *Client) Ping(ctx context.Context) error {
	check := func(kc *kafkago.Client, explain func(error) error) error {
		if _, err := kc.Metadata(ctx, &kafkago.MetadataRequest{Topics: []string{}}); err != nil {
			return fmt.Errorf("kafka %v: %w", c.brokers, explain(err))
		}
		return nil
	}
	if err := check(c.kc, explainer(c.opts.Security, c.opts.SASL)); err != nil {
		return err
	}
	if e := c.opts.Consumer; e != nil {
		if err := check(c.fetchKC, explainer(e.Security, e.SASL)); err != nil {
			return err
		}
	}
	if e := c.opts.Producer; e != nil {
		kc := &kafkago.Client{Addr: c.addr, Timeout: c.opts.Timeout, Transport: c.produce}
		if err := check(kc, explainer(e.Security, e.SASL)); err != nil {
			return err
		}
	}
	return nil
}

// metadata asks the cluster for fresh metadata. The client's own transport answers
// metadata requests from a cache refreshed every few seconds (enough to route requests);
// listing topics and partitions must see changes made by others at once, so it uses a
// short-lived transport.
func (c *Client) metadata(ctx context.Context, topics []string) (*kafkago.MetadataResponse, error) {
	t := c.opts.NewTransport()
	defer t.CloseIdleConnections()
	kc := &kafkago.Client{Addr: c.addr, Timeout: c.opts.Timeout, Transport: t}
	return kc.Metadata(ctx, &kafkago.MetadataRequest{Topics: topics})
}

// Brokers returns the bootstrap brokers the client was built with.
func (c *Client) Brokers() []string { return append([]string(nil), c.brokers...) }

// Close closes the client's idle connections.
func (c *Client) Close() error {
	c.transport.CloseIdleConnections()
	if t, ok := c.fetchKC.Transport.(*kafkago.Transport); ok {
		t.CloseIdleConnections()
	}
	c.produce.CloseIdleConnections()
	return nil
}

// TopicSpec describes a topic to create.
type TopicSpec struct {
	Name string
	// Partitions is the number of partitions; 0 or less means the broker's default.
	Partitions int
	// ReplicationFactor is the number of replicas; 0 or less means the broker's default.
	ReplicationFactor int
	// Configs are topic-level configs such as cleanup.policy or max.message.bytes.
	Configs map[string]string
}

// CreateTopics creates the topics. A topic that already exists is not an error.
func (c *Client) CreateTopics(ctx context.Context, specs ...TopicSpec) error {
	if len(specs) == 0 {
		return nil
	}
	req := &kafkago.CreateTopicsRequest{Topics: make([]kafkago.TopicConfig, len(specs))}
	for i, s := range specs {
		tc := kafkago.TopicConfig{Topic: s.Name, NumPartitions: s.Partitions, ReplicationFactor: s.ReplicationFactor}
		if tc.NumPartitions <= 0 {
			tc.NumPartitions = -1
		}
		if tc.ReplicationFactor <= 0 {
			tc.ReplicationFactor = -1
		}
		keys := make([]string, 0, len(s.Configs))
		for k := range s.Configs {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			tc.ConfigEntries = append(tc.ConfigEntries, kafkago.ConfigEntry{ConfigName: k, ConfigValue: s.Configs[k]})
		}
		req.Topics[i] = tc
	}
	resp, err := c.kc.CreateTopics(ctx, req)
	if err != nil {
		return fmt.Errorf("create topics: %w", err)
	}
	var errs []error
	for _, s := range specs {
		if e := resp.Errors[s.Name]; e != nil && !errors.Is(e, kafkago.TopicAlreadyExists) {
			errs = append(errs, fmt.Errorf("create topic %q: %w", s.Name, e))
		}
	}
	return errors.Join(errs...)
}

// DeleteTopics deletes the topics. A topic that does not exist is not an error.
func (c *Client) DeleteTopics(ctx context.Context, topics ...string) error {
	if len(topics) == 0 {
		return nil
	}
	resp, err := c.kc.DeleteTopics(ctx, &kafkago.DeleteTopicsRequest{Topics: topics})
	if err != nil {
		return fmt.Errorf("delete topics: %w", err)
	}
	var errs []error
	for _, t := range topics {
		if e := resp.Errors[t]; e != nil && !errors.Is(e, kafkago.UnknownTopicOrPartition) {
			errs = append(errs, fmt.Errorf("delete topic %q: %w", t, e))
		}
	}
	return errors.Join(errs...)
}

// Topics returns the names of every non-internal topic, sorted.
func (c *Client) Topics(ctx context.Context) ([]string, error) {
	resp, err := c.metadata(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("list topics: %w", err)
	}
	var names []string
	for _, t := range resp.Topics {
		if t.Error == nil && !t.Internal {
			names = append(names, t.Name)
		}
	}
	sort.Strings(names)
	return names, nil
}

// Partitions returns every partition of the given topics, sorted by topic then partition.
// A topic that does not exist yields an error wrapping kafka-go's UnknownTopicOrPartition.
func (c *Client) Partitions(ctx context.Context, topics ...string) ([]connect.TopicPartition, error) {
	if len(topics) == 0 {
		return nil, nil
	}
	resp, err := c.metadata(ctx, topics)
	if err != nil {
		return nil, fmt.Errorf("list partitions of %q: %w", topics, err)
	}
	var tps []connect.TopicPartition
	seen := map[string]bool{}
	for _, t := range resp.Topics {
		if t.Error != nil {
			return nil, fmt.Errorf("list partitions of %q: %w", t.Name, t.Error)
		}
		seen[t.Name] = true
		for _, p := range t.Partitions {
			tps = append(tps, connect.TopicPartition{Topic: t.Name, Partition: int32(p.ID)})
		}
	}
	for _, t := range topics {
		if !seen[t] {
			return nil, fmt.Errorf("list partitions of %q: %w", t, kafkago.UnknownTopicOrPartition)
		}
	}
	SortPartitions(tps)
	return tps, nil
}

// SortPartitions sorts topic-partitions by topic, then partition.
func SortPartitions(tps []connect.TopicPartition) {
	sort.Slice(tps, func(i, j int) bool {
		if tps[i].Topic != tps[j].Topic {
			return tps[i].Topic < tps[j].Topic
		}
		return tps[i].Partition < tps[j].Partition
	})
}

// EndOffsets returns the log end offset (high watermark: the offset the next record will
// get) of each partition.
func (c *Client) EndOffsets(ctx context.Context, tps []connect.TopicPartition) (map[connect.TopicPartition]int64, error) {
	return c.listOffsets(ctx, tps, kafkago.LastOffset)
}

// StartOffsets returns the log start offset (the earliest offset still readable) of each
// partition.
func (c *Client) StartOffsets(ctx context.Context, tps []connect.TopicPartition) (map[connect.TopicPartition]int64, error) {
	return c.listOffsets(ctx, tps, kafkago.FirstOffset)
}

func (c *Client) listOffsets(ctx context.Context, tps []connect.TopicPartition, which int64) (map[connect.TopicPartition]int64, error) {
	out := make(map[connect.TopicPartition]int64, len(tps))
	if len(tps) == 0 {
		return out, nil
	}
	req := &kafkago.ListOffsetsRequest{Topics: map[string][]kafkago.OffsetRequest{}}
	for _, tp := range tps {
		req.Topics[tp.Topic] = append(req.Topics[tp.Topic], kafkago.OffsetRequest{Partition: int(tp.Partition), Timestamp: which})
	}
	resp, err := c.kc.ListOffsets(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("list offsets: %w", err)
	}
	for topic, parts := range resp.Topics {
		for _, p := range parts {
			tp := connect.TopicPartition{Topic: topic, Partition: int32(p.Partition)}
			if p.Error != nil {
				return nil, fmt.Errorf("list offsets of %s: %w", FormatPartition(tp), p.Error)
			}
			if which == kafkago.FirstOffset {
				out[tp] = p.FirstOffset
			} else {
				out[tp] = p.LastOffset
			}
		}
	}
	for _, tp := range tps {
		if _, ok := out[tp]; !ok {
			return nil, fmt.Errorf("list offsets of %s: %w", FormatPartition(tp), kafkago.UnknownTopicOrPartition)
		}
	}
	return out, nil
}

// FormatPartition formats a topic-partition as Kafka does: "topic-partition".
func FormatPartition(tp connect.TopicPartition) string {
	return fmt.Sprintf("%s-%d", tp.Topic, tp.Partition)
}

// CommitGroupOffsets commits offsets (next offset to read, per partition) for a consumer
// group without joining it (generation -1, no member id), as Kafka's admin
// alterConsumerGroupOffsets does. The brokers accept it only while the group has no active
// members.
func (c *Client) CommitGroupOffsets(ctx context.Context, group string, offsets map[connect.TopicPartition]int64) error {
	if len(offsets) == 0 {
		return nil
	}
	req := &kafkago.OffsetCommitRequest{GroupID: group, GenerationID: -1, Topics: map[string][]kafkago.OffsetCommit{}}
	for tp, off := range offsets {
		req.Topics[tp.Topic] = append(req.Topics[tp.Topic], kafkago.OffsetCommit{Partition: int(tp.Partition), Offset: off})
	}
	resp, err := c.kc.OffsetCommit(ctx, req)
	if err != nil {
		return fmt.Errorf("commit offsets of group %q: %w", group, err)
	}
	var errs []error
	for topic, parts := range resp.Topics {
		for _, p := range parts {
			if p.Error != nil {
				errs = append(errs, fmt.Errorf("commit offset of group %q on %s-%d: %w", group, topic, p.Partition, p.Error))
			}
		}
	}
	return errors.Join(errs...)
}

// FetchGroupOffsets returns a consumer group's committed offsets for the partitions; a
// partition with no committed offset is absent from the result.
func (c *Client) FetchGroupOffsets(ctx context.Context, group string, tps []connect.TopicPartition) (map[connect.TopicPartition]int64, error) {
	if len(tps) == 0 {
		return map[connect.TopicPartition]int64{}, nil
	}
	return FetchCommittedOffsets(ctx, c.kc, group, tps)
}

// FetchCommittedOffsets returns a consumer group's committed offsets (OffsetFetch) for the
// partitions, or for every partition the group committed when tps is empty; a group that never
// committed, and a partition with no committed offset, are absent from the result.
func FetchCommittedOffsets(ctx context.Context, kc *kafkago.Client, group string, tps []connect.TopicPartition) (map[connect.TopicPartition]int64, error) {
	req := &kafkago.OffsetFetchRequest{GroupID: group}
	if len(tps) > 0 {
		req.Topics = map[string][]int{}
		for _, tp := range tps {
			req.Topics[tp.Topic] = append(req.Topics[tp.Topic], int(tp.Partition))
		}
	}
	resp, err := kc.OffsetFetch(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("fetch offsets of group %q: %w", group, err)
	}
	out := make(map[connect.TopicPartition]int64, len(tps))
	if errors.Is(resp.Error, kafkago.GroupIdNotFound) {
		return out, nil // a group that never committed has no offsets
	}
	if resp.Error != nil {
		return nil, fmt.Errorf("fetch offsets of group %q: %w", group, resp.Error)
	}
	for topic, parts := range resp.Topics {
		for _, p := range parts {
			if p.Error != nil {
				return nil, fmt.Errorf("fetch offset of group %q on %s-%d: %w", group, topic, p.Partition, p.Error)
			}
			if p.CommittedOffset >= 0 {
				out[connect.TopicPartition{Topic: topic, Partition: int32(p.Partition)}] = p.CommittedOffset
			}
		}
	}
	return out, nil
}
