package taskrun

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	kafkago "github.com/segmentio/kafka-go"
	"github.com/twmb/franz-go/pkg/kfake"

	"github.com/connectless/connectless/core/connect"
	"github.com/connectless/connectless/core/internal/taskslice"
	"github.com/connectless/connectless/core/kafka"
	"github.com/connectless/connectless/core/schedule"
	"github.com/connectless/connectless/core/store"
	"github.com/connectless/connectless/core/store/memory"
)

// topicsSource writes one record to each topic named in its "topics" task config, once.
type topicsSource struct{}

func (topicsSource) Version() string                                { return "1" }
func (topicsSource) Config() *connect.ConfigDef                     { return connect.NewConfigDef() }
func (topicsSource) Start(context.Context, map[string]string) error { return nil }
func (topicsSource) TaskConfigs(int) ([]map[string]string, error)   { return nil, nil }
func (topicsSource) Stop() error                                    { return nil }
func (topicsSource) NewTask() connect.SourceTask                    { return &topicsSourceTask{} }

type topicsSourceTask struct {
	topics []string
	done   bool
}

func (t *topicsSourceTask) Start(_ context.Context, props map[string]string, _ connect.SourceTaskContext) error {
	t.topics = strings.Split(props["topics"], ",")
	return nil
}

func (t *topicsSourceTask) Poll(context.Context) ([]connect.SourceRecord, error) {
	if t.done {
		return nil, nil
	}
	t.done = true
	var out []connect.SourceRecord
	for i, topic := range t.topics {
		out = append(out, connect.SourceRecord{Record: connect.Record{Topic: topic, Value: []byte("v")},
			SourcePartition: map[string]any{"p": "x"}, SourceOffset: map[string]any{"n": i}})
	}
	return out, nil
}

func (t *topicsSourceTask) Stop() error { return nil }

// TestRunSourceCreatesTopics runs a source slice against a broker that auto-creates topics
// with 1 partition: with KIP-158 settings the topics are created through the admin API with
// their group's partitions (groups tried in order, default last); without them, or with
// topic.creation.enable=false on the worker, the broker's auto-creation makes them. The topics
// written are recorded as the connector's active topics unless topic tracking is off.
func TestRunSourceCreatesTopics(t *testing.T) {
	cluster, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.AllowAutoTopicCreation(), kfake.DefaultNumPartitions(1))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cluster.Close)
	client, err := kafka.NewClient(kafka.Options{Brokers: cluster.ListenAddrs(), Timeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { client.Close() })
	reg, err := connect.NewRegistry(connect.Plugin{Class: "test.TopicsSourceConnector", Type: connect.PluginSource,
		New: func() connect.Connector { return topicsSource{} }})
	if err != nil {
		t.Fatal(err)
	}
	creation := map[string]string{
		"topic.creation.groups":                     "compacted",
		"topic.creation.default.replication.factor": "1",
		"topic.creation.default.partitions":         "3",
		"topic.creation.compacted.include":          "state\\..*",
		"topic.creation.compacted.exclude":          "state\\.big",
		"topic.creation.compacted.partitions":       "2",
		"topic.creation.compacted.cleanup.policy":   "compact",
	}
	for _, tc := range []struct {
		name                         string
		creation, disabled, untraced bool
		want                         map[string]int // topic → partitions
	}{
		{name: "kip-158", creation: true, want: map[string]int{"state.users": 2, "state.big": 3, "plain": 3}},
		{name: "broker auto-creation", want: map[string]int{"state.users": 1, "state.big": 1, "plain": 1}},
		{name: "disabled on the worker", creation: true, disabled: true, untraced: true, want: map[string]int{"state.users": 1, "state.big": 1, "plain": 1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			var topics []string
			for topic := range tc.want {
				topics = append(topics, tc.name[:4]+"."+topic)
			}
			slices.Sort(topics)
			cfg := map[string]string{"connector.class": "test.TopicsSourceConnector"}
			if tc.creation {
				for k, v := range creation {
					cfg[k] = strings.ReplaceAll(v, "state\\.", tc.name[:4]+"\\.state\\.")
				}
			}
			st := memory.New()
			if err := st.CreateConnector(ctx, "src", cfg, store.TargetRunning); err != nil {
				t.Fatal(err)
			}
			if _, err := st.PutTaskConfigs(ctx, "src", []map[string]string{{"topics": strings.Join(topics, ",")}}); err != nil {
				t.Fatal(err)
			}
			env := &Env{Store: st, Registry: reg, Kafka: client, Holder: "w", Margin: 100 * time.Millisecond, IdlePolls: 1,
				TopicCreationDisabled: tc.disabled, TopicTrackingDisabled: tc.untraced,
				Pipeline: func(map[string]string) (Pipeline, error) {
					return Pipeline{Converters: taskslice.Converters{Key: bytesConverter{}, Value: bytesConverter{}}}, nil
				}}
			res, err := Run(ctx, env, schedule.Payload{Connector: "src", Task: 0}, time.Now().Add(20*time.Second))
			if err != nil || res.Written != len(topics) {
				t.Fatalf("run: %+v, %v", res, err)
			}
			for topic, n := range tc.want {
				name := tc.name[:4] + "." + topic
				tps, err := client.Partitions(ctx, name)
				if err != nil || len(tps) != n {
					t.Errorf("%s: %d partitions (%v), want %d", name, len(tps), err, n)
				}
			}
			// The group's other keys are the created topic's configs.
			policy := cleanupPolicy(t, cluster.ListenAddrs(), tc.name[:4]+".state.users")
			if want := map[bool]string{true: "compact", false: "delete"}[tc.creation && !tc.disabled]; policy != want {
				t.Errorf("cleanup.policy of the compacted group's topic = %q, want %q", policy, want)
			}
			active, err := st.ActiveTopics(ctx, "src")
			if err != nil {
				t.Fatal(err)
			}
			if want := topics; tc.untraced {
				if len(active) != 0 {
					t.Errorf("topic tracking off, active topics %v", active)
				}
			} else if !slices.Equal(active, want) {
				t.Errorf("active topics %v, want %v", active, want)
			}
		})
	}
}

func cleanupPolicy(t *testing.T, brokers []string, topic string) string {
	t.Helper()
	kc := &kafkago.Client{Addr: kafkago.TCP(brokers...)}
	res, err := kc.DescribeConfigs(context.Background(), &kafkago.DescribeConfigsRequest{Resources: []kafkago.DescribeConfigRequestResource{
		{ResourceType: kafkago.ResourceTypeTopic, ResourceName: topic, ConfigNames: []string{"cleanup.policy"}}}})
	if err != nil || len(res.Resources) != 1 {
		t.Fatalf("describe %s: %v", topic, err)
	}
	for _, e := range res.Resources[0].ConfigEntries {
		if e.ConfigName == "cleanup.policy" {
			return e.ConfigValue
		}
	}
	return ""
}
