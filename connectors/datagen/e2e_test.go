package datagen_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"

	"github.com/connectless/connectless/connectors/datagen"
	"github.com/connectless/connectless/core/connect"
	"github.com/connectless/connectless/core/convert"
	"github.com/connectless/connectless/core/kafka"
	"github.com/connectless/connectless/core/schedule"
	"github.com/connectless/connectless/core/store"
	"github.com/connectless/connectless/core/store/memory"
	"github.com/connectless/connectless/core/taskrun"
)

func TestIntegrationDatagenToKafka(t *testing.T) {
	ctx := context.Background()
	cluster, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(1, "app-logs"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cluster.Close)
	client, err := kafka.NewClient(kafka.Options{Brokers: cluster.ListenAddrs()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { client.Close() })
	reg, err := connect.NewRegistry(datagen.Plugin)
	if err != nil {
		t.Fatal(err)
	}
	st := memory.New()
	env := &taskrun.Env{Store: st, Registry: reg, Kafka: client, Holder: "test", Margin: 200 * time.Millisecond, IdlePolls: 1,
		Pipeline: func(map[string]string) (taskrun.Pipeline, error) {
			key, err := convert.New("org.apache.kafka.connect.storage.StringConverter", nil, true)
			if err != nil {
				return taskrun.Pipeline{}, err
			}
			value, err := convert.New("org.apache.kafka.connect.json.JsonConverter", map[string]string{"schemas.enable": "false"}, false)
			return taskrun.Pipeline{Converters: taskrun.Converters{Key: key, Value: value}}, err
		}}
	cfg := map[string]string{"connector.class": "DatagenConnector", "kafka.topic": "app-logs", "quickstart": "applogs",
		"max.interval": "0", "iterations": "1000", "random.seed": "9"}
	if err := st.CreateConnector(ctx, "gen", cfg, store.TargetRunning); err != nil {
		t.Fatal(err)
	}
	// Two invocations: the second, with iterations raised to 1500, resumes from the first's offset.
	for _, step := range []struct {
		iterations string
		want       int
	}{{"1000", 1000}, {"1500", 500}} {
		cfg["iterations"] = step.iterations
		c := &datagen.Connector{}
		if err := c.Start(ctx, cfg); err != nil {
			t.Fatal(err)
		}
		tasks, _ := c.TaskConfigs(1)
		gen, err := st.PutTaskConfigs(ctx, "gen", tasks)
		if err != nil {
			t.Fatal(err)
		}
		res, err := taskrun.Run(ctx, env, schedule.Payload{Connector: "gen", Task: 0, Generation: gen}, time.Now().Add(10*time.Second))
		if err != nil {
			t.Fatal(err)
		}
		if res.Written != step.want || !res.Committed {
			t.Fatalf("iterations=%s: wrote %d records (committed %v), want %d", step.iterations, res.Written, res.Committed, step.want)
		}
	}
	offs, err := st.SourceOffsets(ctx, "gen")
	if err != nil || len(offs) != 1 {
		t.Fatalf("source offsets %+v, %v", offs, err)
	}
	pj, _ := json.Marshal(offs[0].Partition)
	oj, _ := json.Marshal(offs[0].Offset)
	if string(pj) != `{"task.id":0}` || string(oj) != `{"current.iteration":1500}` {
		t.Fatalf("offset %s -> %s, want Confluent's {\"task.id\":0} -> {\"current.iteration\":1500}", pj, oj)
	}
	tp := connect.TopicPartition{Topic: "app-logs"}
	var got []kafka.Message
	for next := int64(0); ; {
		res, err := client.Fetch(ctx, tp, next, kafka.FetchOptions{MaxWait: 200 * time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Messages) == 0 {
			break
		}
		got = append(got, res.Messages...)
		next = res.Next
	}
	if len(got) != 1500 {
		t.Fatalf("topic holds %d records, want exactly 1500 across the slices", len(got))
	}
	for i, m := range got {
		var v struct {
			Host, TraceID string
			HTTP          struct{ Status int }
		}
		if err := json.Unmarshal(m.Value, &v); err != nil || v.Host == "" || v.HTTP.Status == 0 {
			t.Fatalf("record %d: %s: %v", i, m.Value, err)
		}
		if string(m.Key) != v.Host {
			t.Fatalf("record %d: key %q, want the host %q", i, m.Key, v.Host)
		}
	}
	want := time.Date(2024, 1, 1, 0, 0, 14, 990_000_000, time.UTC) // record 1499 on the seeded clock
	if last := got[len(got)-1].Time; !last.Equal(want) {
		t.Errorf("last record timestamp %v, want %v", last, want)
	}
	t.Logf("first record: %s", got[0].Value)
}
