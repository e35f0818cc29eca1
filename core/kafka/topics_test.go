package kafka

import (
	"maps"
	"strings"
	"testing"

	"github.com/twmb/franz-go/pkg/kfake"
)

func TestParseTopicCreation(t *testing.T) {
	if tc, err := ParseTopicCreation(map[string]string{"topic.creation.groups": "a", "topic": "x"}); tc != nil || err != nil {
		t.Fatalf("no topic.creation keys: got %+v, %v; want nil (not used)", tc, err)
	}
	// Kafka Connect's rules (TopicCreationConfig docs): exclusion wins over inclusion, a group
	// without partitions or replication factor takes the default group's, topics no group
	// matches fall to the default group.
	props := map[string]string{
		"topic.creation.groups":                     "compacted, inorder",
		"topic.creation.default.replication.factor": "3",
		"topic.creation.default.partitions":         "5",
		"topic.creation.default.compression.type":   "lz4",
		"topic.creation.inorder.include":            "status, orders.*",
		"topic.creation.inorder.partitions":         "1",
		"topic.creation.compacted.include":          "configurations.*",
		"topic.creation.compacted.exclude":          "configurations\\.big",
		"topic.creation.compacted.cleanup.policy":   "compact",
	}
	tc, err := ParseTopicCreation(props)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		topic       string
		group       string
		partitions  int
		replication int
		configs     map[string]string
	}{
		{"orders.eu", "inorder", 1, 3, map[string]string{}},
		{"status", "inorder", 1, 3, map[string]string{}},
		{"statuses", "default", 5, 3, map[string]string{"compression.type": "lz4"}},
		{"configurations.users", "compacted", 5, 3, map[string]string{"cleanup.policy": "compact"}},
		{"configurations.big", "default", 5, 3, map[string]string{"compression.type": "lz4"}},
	} {
		spec := tc.Spec(c.topic)
		if g := tc.Group(c.topic).Name; g != c.group || spec.Partitions != c.partitions || spec.ReplicationFactor != c.replication ||
			!maps.Equal(spec.Configs, c.configs) || spec.Name != c.topic {
			t.Errorf("%s: group %s, spec %+v; want group %s, %d partitions, rf %d, configs %v", c.topic, g, spec, c.group, c.partitions, c.replication, c.configs)
		}
	}
	for _, bad := range []struct {
		props map[string]string
		want  string
	}{
		{map[string]string{"topic.creation.default.partitions": "1"}, "topic.creation.default.replication.factor"},
		{map[string]string{"topic.creation.default.partitions": "0", "topic.creation.default.replication.factor": "1"}, "topic.creation.default.partitions"},
		{map[string]string{"topic.creation.default.partitions": "-1", "topic.creation.default.replication.factor": "-1",
			"topic.creation.groups": "g", "topic.creation.g.include": "("}, "topic.creation.g.include"},
	} {
		if _, err := ParseTopicCreation(bad.props); err == nil || !strings.Contains(err.Error(), bad.want) {
			t.Errorf("%v: error %v, want one naming %s", bad.props, err, bad.want)
		}
	}
}

func TestIntegrationEnsureTopic(t *testing.T) {
	c := newTestClient(t, 1)
	ctx := testContext(t)
	spec := TopicSpec{Name: "made", Partitions: 4, ReplicationFactor: 1, Configs: map[string]string{"cleanup.policy": "compact"}}
	if ok, err := c.TopicExists(ctx, "made"); ok || err != nil {
		t.Fatalf("exists before: %v %v", ok, err)
	}
	if created, err := c.EnsureTopic(ctx, spec); !created || err != nil {
		t.Fatalf("first ensure: %v %v", created, err)
	}
	if created, err := c.EnsureTopic(ctx, spec); created || err != nil {
		t.Fatalf("second ensure: %v %v, want an existing topic left alone", created, err)
	}
	if tps, err := c.Partitions(ctx, "made"); err != nil || len(tps) != 4 {
		t.Fatalf("partitions %v %v", tps, err)
	}
}

func TestClusterID(t *testing.T) {
	cluster, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.ClusterID("cluster-under-test"))
	if err != nil {
		t.Fatal(err)
	}
	defer cluster.Close()
	c, err := NewClient(Options{Brokers: cluster.ListenAddrs()})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if id, err := c.ClusterID(testContext(t)); err != nil || id != "cluster-under-test" {
		t.Fatalf("cluster id %q, %v", id, err)
	}
}
