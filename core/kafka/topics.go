package kafka

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	kafkago "github.com/segmentio/kafka-go"
)

// Topic creation keys of a source connector (KIP-158), as Kafka Connect's SourceConnectorConfig.
const (
	// KeyTopicCreationGroups lists the topic creation groups besides "default".
	KeyTopicCreationGroups = "topic.creation.groups"
	// TopicCreationPrefix starts every topic creation key: topic.creation.<group>.<key>.
	TopicCreationPrefix = "topic.creation."
	// DefaultTopicCreationGroup is the group every topic falls back to.
	DefaultTopicCreationGroup = "default"
)

// ErrTopicCreation reports a topic the broker did not create and that does not exist.
var ErrTopicCreation = errors.New("topic creation failed")

// TopicGroup is one topic creation group: the topics it matches and how to create them.
type TopicGroup struct {
	Name string
	// Include and Exclude match whole topic names; a topic matches when an Include pattern
	// matches and no Exclude pattern does (exclusion wins).
	Include, Exclude []*regexp.Regexp
	// Partitions and ReplicationFactor; -1 means the broker's default.
	Partitions, ReplicationFactor int
	// Configs are the group's other keys, passed to the broker as topic configs
	// (cleanup.policy, compression.type, ...).
	Configs map[string]string
}

// Matches reports whether the group creates topic.
func (g TopicGroup) Matches(topic string) bool {
	in := false
	for _, re := range g.Include {
		in = in || re.MatchString(topic)
	}
	for _, re := range g.Exclude {
		if re.MatchString(topic) {
			return false
		}
	}
	return in
}

// TopicCreation is a source connector's topic creation rules: its groups in the order
// topic.creation.groups lists them, the default group last.
type TopicCreation struct {
	Groups []TopicGroup
}

// ParseTopicCreation reads the topic.creation.* keys of a source connector's configuration
// as Kafka Connect does. It returns nil when the configuration has no topic.creation key
// besides topic.creation.groups: the connector does not use topic creation. The default
// group needs replication.factor and partitions; other groups take the default's when they
// leave them out; include and exclude are lists of regular expressions matched against the
// whole topic name.
func ParseTopicCreation(props map[string]string) (*TopicCreation, error) {
	uses := false
	for k := range props {
		uses = uses || (strings.HasPrefix(k, TopicCreationPrefix) && k != KeyTopicCreationGroups)
	}
	if !uses {
		return nil, nil
	}
	def, err := parseTopicGroup(props, DefaultTopicCreationGroup, nil)
	if err != nil {
		return nil, err
	}
	tc := &TopicCreation{}
	seen := map[string]bool{DefaultTopicCreationGroup: true}
	for _, name := range splitList(props[KeyTopicCreationGroups]) {
		if seen[name] {
			continue
		}
		seen[name] = true
		g, err := parseTopicGroup(props, name, &def)
		if err != nil {
			return nil, err
		}
		tc.Groups = append(tc.Groups, g)
	}
	tc.Groups = append(tc.Groups, def)
	return tc, nil
}

func parseTopicGroup(props map[string]string, name string, def *TopicGroup) (TopicGroup, error) {
	prefix := TopicCreationPrefix + name + "."
	g := TopicGroup{Name: name, Configs: map[string]string{}}
	if def == nil {
		g.Include = []*regexp.Regexp{regexp.MustCompile(`^(?:.*)$`)}
	}
	for k, v := range props {
		key, ok := strings.CutPrefix(k, prefix)
		if !ok {
			continue
		}
		switch key {
		case "include", "exclude":
			var res []*regexp.Regexp
			for _, p := range splitList(v) {
				re, err := regexp.Compile(`^(?:` + p + `)$`)
				if err != nil {
					return g, fmt.Errorf("%s: invalid regular expression %q: %w", k, p, err)
				}
				res = append(res, re)
			}
			if key == "include" {
				g.Include = res
			} else {
				g.Exclude = res
			}
		case "replication.factor", "partitions":
		default:
			g.Configs[key] = v
		}
	}
	var err error
	if g.ReplicationFactor, err = groupCount(props, prefix+"replication.factor", def, func(d *TopicGroup) int { return d.ReplicationFactor }); err != nil {
		return g, err
	}
	if g.Partitions, err = groupCount(props, prefix+"partitions", def, func(d *TopicGroup) int { return d.Partitions }); err != nil {
		return g, err
	}
	return g, nil
}

// groupCount reads a replication factor or partition count: a positive number or -1; a
// group other than the default takes the default's when the key is absent.
func groupCount(props map[string]string, key string, def *TopicGroup, inherit func(*TopicGroup) int) (int, error) {
	v, ok := props[key]
	if !ok || strings.TrimSpace(v) == "" {
		if def != nil {
			return inherit(def), nil
		}
		return 0, fmt.Errorf("missing required configuration %q which has no default value", key)
	}
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil || (n < 1 && n != -1) {
		return 0, fmt.Errorf("invalid value %s for configuration %s: must be positive, or -1 to use the broker's default", v, key)
	}
	return n, nil
}

func splitList(v string) []string {
	var out []string
	for _, s := range strings.Split(v, ",") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// Group returns the first group that matches topic, the default group when none does.
func (tc *TopicCreation) Group(topic string) TopicGroup {
	for _, g := range tc.Groups[:len(tc.Groups)-1] {
		if g.Matches(topic) {
			return g
		}
	}
	return tc.Groups[len(tc.Groups)-1]
}

// Spec returns how topic is created: its group's partitions, replication factor and configs.
func (tc *TopicCreation) Spec(topic string) TopicSpec {
	g := tc.Group(topic)
	return TopicSpec{Name: topic, Partitions: g.Partitions, ReplicationFactor: g.ReplicationFactor, Configs: g.Configs}
}

// TopicExists asks the cluster whether the topic exists, without creating it.
func (c *Client) TopicExists(ctx context.Context, topic string) (bool, error) {
	resp, err := c.metadata(ctx, []string{topic})
	if err != nil {
		return false, fmt.Errorf("describe topic %q: %w", topic, err)
	}
	for _, t := range resp.Topics {
		if t.Name != topic {
			continue
		}
		if errors.Is(t.Error, kafkago.UnknownTopicOrPartition) {
			return false, nil
		}
		if t.Error != nil {
			return false, fmt.Errorf("describe topic %q: %w", topic, t.Error)
		}
		return true, nil
	}
	return false, nil
}

// EnsureTopic creates the topic through the admin API unless it exists, as Kafka Connect's
// source tasks do before their first record to a topic. created is true when this call
// created it.
func (c *Client) EnsureTopic(ctx context.Context, spec TopicSpec) (created bool, err error) {
	exists, err := c.TopicExists(ctx, spec.Name)
	if err != nil || exists {
		return false, err
	}
	if err := c.CreateTopics(ctx, spec); err != nil {
		return false, fmt.Errorf("%w: %w", ErrTopicCreation, err)
	}
	return true, nil
}

// ClusterID returns the cluster id the brokers report (Kafka Connect's kafka_cluster_id).
func (c *Client) ClusterID(ctx context.Context) (string, error) {
	resp, err := c.metadata(ctx, []string{})
	if err != nil {
		return "", fmt.Errorf("read cluster id: %w", err)
	}
	return resp.ClusterID, nil
}
