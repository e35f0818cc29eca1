package taskrun

import (
	"context"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/connectless/connectless/core/connect"
	"github.com/connectless/connectless/core/kafka"
	"github.com/connectless/connectless/core/schedule"
	"github.com/connectless/connectless/core/store"
)

// AssignmentKey is the task configuration key holding the topic-partitions a sink task
// reads, as "topic:partition" joined by commas. It is written by Assign, never by users.
const AssignmentKey = "connectless.task.assignment"

// FormatAssignment renders an assignment for AssignmentKey.
func FormatAssignment(tps []connect.TopicPartition) string {
	parts := make([]string, len(tps))
	for i, tp := range tps {
		parts[i] = tp.Topic + ":" + strconv.Itoa(int(tp.Partition))
	}
	return strings.Join(parts, ",")
}

// ParseAssignment reads an AssignmentKey value.
func ParseAssignment(s string) ([]connect.TopicPartition, error) {
	if strings.TrimSpace(s) == "" {
		return nil, nil
	}
	var out []connect.TopicPartition
	for _, part := range strings.Split(s, ",") {
		i := strings.LastIndexByte(part, ':')
		if i <= 0 {
			return nil, fmt.Errorf("parse assignment %q: want topic:partition", part)
		}
		p, err := strconv.ParseInt(part[i+1:], 10, 32)
		if err != nil {
			return nil, fmt.Errorf("parse assignment %q: %w", part, err)
		}
		out = append(out, connect.TopicPartition{Topic: part[:i], Partition: int32(p)})
	}
	return out, nil
}

// SinkPartitions resolves a sink connector's topics or topics.regex to its current
// topic-partitions.
func SinkPartitions(ctx context.Context, client *kafka.Client, config map[string]string) ([]connect.TopicPartition, error) {
	var topics []string
	for _, t := range strings.Split(config["topics"], ",") {
		if t = strings.TrimSpace(t); t != "" {
			topics = append(topics, t)
		}
	}
	if re := strings.TrimSpace(config["topics.regex"]); re != "" {
		rx, err := regexp.Compile("^(?:" + re + ")$")
		if err != nil {
			return nil, fmt.Errorf("topics.regex %q: %w", re, err)
		}
		all, err := client.Topics(ctx)
		if err != nil {
			return nil, fmt.Errorf("list topics: %w", err)
		}
		for _, t := range all {
			if rx.MatchString(t) {
				topics = append(topics, t)
			}
		}
	}
	if len(topics) == 0 {
		return nil, nil
	}
	slices.Sort(topics)
	tps, err := client.Partitions(ctx, slices.Compact(topics)...)
	if err != nil {
		return nil, fmt.Errorf("partitions of %v: %w", topics, err)
	}
	return tps, nil
}

// Assign deals a RUNNING sink connector's current partitions over its tasks and stores a
// new generation of task configurations when the assignment changed. It returns the
// connector as stored afterwards. Source connectors, and connectors without tasks, are
// returned unchanged.
func Assign(ctx context.Context, st store.Store, reg *connect.Registry, client *kafka.Client, c store.Connector) (store.Connector, error) {
	if len(c.Tasks) == 0 || c.TargetState != store.TargetRunning {
		return c, nil
	}
	plugin, err := reg.Lookup(c.Config["connector.class"])
	if err != nil {
		return c, fmt.Errorf("connector %q: %w", c.Name, err)
	}
	if plugin.Type != connect.PluginSink {
		return c, nil
	}
	tps, err := SinkPartitions(ctx, client, c.Config)
	if err != nil {
		return c, fmt.Errorf("connector %q: %w", c.Name, err)
	}
	dealt := schedule.AssignPartitions(tps, len(c.Tasks))
	changed := false
	tasks := make([]map[string]string, len(c.Tasks))
	for i, tc := range c.Tasks {
		want := FormatAssignment(dealt[i])
		tasks[i] = maps.Clone(tc)
		if tc[AssignmentKey] != want {
			tasks[i][AssignmentKey] = want
			changed = true
		}
	}
	if !changed {
		return c, nil
	}
	gen, err := st.PutTaskConfigs(ctx, c.Name, tasks)
	if err != nil {
		return c, fmt.Errorf("store assignment of %q: %w", c.Name, err)
	}
	c.Tasks, c.Generation = tasks, gen
	return c, nil
}
