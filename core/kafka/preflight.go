package kafka

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	kafkago "github.com/segmentio/kafka-go"

	"github.com/connectless/connectless/core/connect"
)

// Keys the Kafka preflight reports on.
const (
	// KeyBootstrapServers is the worker property naming the cluster; an unreachable cluster
	// is reported on it.
	KeyBootstrapServers = "bootstrap.servers"
	keyTopics           = "topics"
	keyTopicsRegex      = "topics.regex"
	autoCreateConfig    = "auto.create.topics.enable"
)

// SourceTopicKeys are the keys of a source connector's configuration that name the one
// topic it writes to; the preflight checks that topic exists or will be created.
var SourceTopicKeys = []string{"topic", "kafka.topic"}

// Preflight checks what only the cluster can tell about a connector's configuration: that
// the brokers answer with the client settings of c (the connector's client, see
// ForConnector), that a sink's topics exist (or that topics.regex matches one), and that a
// source's named topic exists or will be created (topicCreation is the worker's
// topic.creation.enable). Each problem is one finding on the key to change.
func (c *Client) Preflight(ctx context.Context, t connect.PluginType, props map[string]string, topicCreation bool) []connect.PreflightFinding {
	if err := c.Ping(ctx); err != nil {
		return []connect.PreflightFinding{{Key: KeyBootstrapServers, Message: c.unreachable(ctx, err)}}
	}
	var out []connect.PreflightFinding
	var err error
	switch t {
	case connect.PluginSink:
		out, err = c.preflightSink(ctx, props)
	case connect.PluginSource:
		out, err = c.preflightSource(ctx, props, topicCreation)
	}
	if err != nil {
		out = append(out, connect.PreflightFinding{Key: KeyBootstrapServers, Message: c.unreachable(ctx, err)})
	}
	return out
}

// unreachable is the one line for a cluster that did not answer.
func (c *Client) unreachable(ctx context.Context, err error) string {
	what := "did not answer"
	if ctx.Err() != nil {
		what = "did not answer in time"
	}
	return fmt.Sprintf("Kafka at %s %s: %v; check the worker's bootstrap.servers and security settings (and the connector's *.override.* keys), and that the brokers run",
		strings.Join(c.brokers, ","), what, err)
}

func (c *Client) preflightSink(ctx context.Context, props map[string]string) ([]connect.PreflightFinding, error) {
	var topics []string
	for _, s := range strings.Split(props[keyTopics], ",") {
		if s = strings.TrimSpace(s); s != "" {
			topics = append(topics, s)
		}
	}
	// A missing topic is a problem only when nothing will create it: with the brokers'
	// auto.create.topics.enable on (or unknown), a producer, a source connector or the sink's
	// own consumer creates it, as in Kafka's quickstart, where the sink is created first.
	if auto, known := c.autoCreate(ctx); !known || auto {
		return nil, nil
	}
	var out []connect.PreflightFinding
	if len(topics) > 0 {
		missing, err := c.missingTopics(ctx, topics)
		if err != nil {
			return nil, err
		}
		for _, t := range missing {
			out = append(out, connect.PreflightFinding{Key: keyTopics, Message: fmt.Sprintf(
				"topic %q does not exist in Kafka at %s, whose brokers do not create topics (%s=false); create it, or correct topics",
				t, strings.Join(c.brokers, ","), autoCreateConfig)})
		}
	}
	if expr := strings.TrimSpace(props[keyTopicsRegex]); expr != "" {
		re, err := regexp.Compile("^(?:" + expr + ")$")
		if err != nil {
			return out, nil // validation reports the pattern
		}
		all, err := c.Topics(ctx)
		if err != nil {
			return nil, err
		}
		if !slices.ContainsFunc(all, re.MatchString) {
			out = append(out, connect.PreflightFinding{Key: keyTopicsRegex, Message: fmt.Sprintf(
				"no topic in Kafka at %s matches topics.regex %q, and its brokers do not create topics (%s=false); correct the pattern, or create a matching topic (or set %s=false to create the connector before its topics)",
				strings.Join(c.brokers, ","), expr, autoCreateConfig, connect.KeyPreflightEnable)})
		}
	}
	return out, nil
}

// missingTopics returns the topics of the list the cluster does not know, in order.
func (c *Client) missingTopics(ctx context.Context, topics []string) ([]string, error) {
	resp, err := c.metadata(ctx, topics)
	if err != nil {
		return nil, fmt.Errorf("describe topics: %w", err)
	}
	known := map[string]bool{}
	for _, t := range resp.Topics {
		if t.Error == nil {
			known[t.Name] = true
		} else if !errors.Is(t.Error, kafkago.UnknownTopicOrPartition) {
			return nil, fmt.Errorf("describe topic %q: %w", t.Name, t.Error)
		}
	}
	var missing []string
	for _, t := range topics {
		if !known[t] {
			missing = append(missing, t)
		}
	}
	return missing, nil
}

func (c *Client) preflightSource(ctx context.Context, props map[string]string, topicCreation bool) ([]connect.PreflightFinding, error) {
	var out []connect.PreflightFinding
	for _, key := range SourceTopicKeys {
		topic := strings.TrimSpace(props[key])
		if topic == "" || strings.Contains(topic, "${") {
			continue // unset, or a template filled per record
		}
		missing, err := c.missingTopics(ctx, []string{topic})
		if err != nil {
			return out, err
		}
		if len(missing) == 0 {
			continue
		}
		if f, ok := c.creatable(ctx, key, topic, props, topicCreation); !ok {
			out = append(out, f)
		}
	}
	return out, nil
}

// creatable reports whether a missing topic will be created when the first record is
// written: by the connector's topic.creation groups, else by the broker's
// auto.create.topics.enable. When it will not, the finding says why.
func (c *Client) creatable(ctx context.Context, key, topic string, props map[string]string, topicCreation bool) (connect.PreflightFinding, bool) {
	if topicCreation {
		tc, err := ParseTopicCreation(props)
		if err == nil && tc != nil {
			g := tc.Group(topic)
			if f, ok := c.groupFits(ctx, topic, g); !ok {
				return f, false
			}
			return connect.PreflightFinding{}, true
		}
	}
	auto, known := c.autoCreate(ctx)
	if !known || auto {
		return connect.PreflightFinding{}, true
	}
	return connect.PreflightFinding{Key: key, Message: fmt.Sprintf(
		"topic %q does not exist and will not be created: Kafka at %s has %s=false and no topic.creation group applies; create the topic, or set topic.creation.default.replication.factor and topic.creation.default.partitions",
		topic, strings.Join(c.brokers, ","), autoCreateConfig)}, false
}

// groupFits checks the one thing a topic creation group can ask that the cluster surely
// refuses: more replicas than it has brokers. (A validate-only CreateTopics would say more,
// but kafka-go waits for the topic it did not create to appear.)
func (c *Client) groupFits(ctx context.Context, topic string, g TopicGroup) (connect.PreflightFinding, bool) {
	if g.ReplicationFactor <= 0 {
		return connect.PreflightFinding{}, true
	}
	md, err := c.metadata(ctx, []string{})
	if err != nil || len(md.Brokers) == 0 || g.ReplicationFactor <= len(md.Brokers) {
		return connect.PreflightFinding{}, true
	}
	key := TopicCreationPrefix + g.Name + ".replication.factor"
	return connect.PreflightFinding{Key: key, Message: fmt.Sprintf(
		"topic %q does not exist and topic.creation group %q would create it with %d replicas, but Kafka at %s has %d broker(s); set %s to at most %d, or -1 for the broker's default",
		topic, g.Name, g.ReplicationFactor, strings.Join(c.brokers, ","), len(md.Brokers), key, len(md.Brokers))}, false
}

// autoCreate reads the brokers' auto.create.topics.enable; known is false when the cluster
// does not say (no permission to describe broker configs, an old broker).
func (c *Client) autoCreate(ctx context.Context) (enabled, known bool) {
	md, err := c.metadata(ctx, []string{})
	if err != nil || len(md.Brokers) == 0 {
		return false, false
	}
	resp, err := c.kc.DescribeConfigs(ctx, &kafkago.DescribeConfigsRequest{Resources: []kafkago.DescribeConfigRequestResource{{
		ResourceType: kafkago.ResourceTypeBroker, ResourceName: strconv.Itoa(md.Brokers[0].ID), ConfigNames: []string{autoCreateConfig}}}})
	if err != nil {
		return false, false
	}
	for _, r := range resp.Resources {
		if r.Error != nil {
			return false, false
		}
		for _, e := range r.ConfigEntries {
			if e.ConfigName == autoCreateConfig {
				b, err := strconv.ParseBool(e.ConfigValue)
				return b, err == nil
			}
		}
	}
	return false, false
}
