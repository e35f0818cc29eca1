package s3source

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/hamba/avro/v2"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/sr"

	"github.com/connectless/connectless/connectors/s3sink"
	"github.com/connectless/connectless/core/config"
	"github.com/connectless/connectless/core/connect"
	"github.com/connectless/connectless/core/convert"
	"github.com/connectless/connectless/core/kafka"
	"github.com/connectless/connectless/core/schedule"
	"github.com/connectless/connectless/core/store"
	"github.com/connectless/connectless/core/store/memory"
	"github.com/connectless/connectless/core/taskrun"
	"github.com/connectless/connectless/infra/devstack"
	"github.com/connectless/connectless/infra/devstack/devstacktest"
)

// logLine is a restored value as an independent consumer reads it: franz-go's Serde with
// hamba/avro, under the schema the registry holds.
type logLine struct {
	Service string  `avro:"service"`
	Level   string  `avro:"level"`
	Seq     int64   `avro:"seq"`
	TS      int64   `avro:"ts"`
	Message *string `avro:"message"`
}

// logLineAvro is logSchema as a producer's Avro schema.
const logLineAvro = `{"type":"record","name":"LogLine","namespace":"com.example","fields":[
 {"name":"service","type":"string"},{"name":"level","type":"string"},{"name":"seq","type":"long"},
 {"name":"ts","type":"long"},{"name":"message","type":["null","string"],"default":null}]}`

// TestIntegrationAvroTopicArchivedAndRestored: an Avro topic written by franz-go's Serde with
// hamba/avro is archived by the S3 sink (AvroConverter, AvroFormat) through taskrun, restored
// by the S3 source with value.converter=AvroConverter, and the restored topic read with Serde
// and hamba/avro: the values equal those produced, and the schema is registered under the
// restored topic's <topic>-value subject (TopicNameStrategy).
func TestIntegrationAvroTopicArchivedAndRestored(t *testing.T) {
	s := startS3(t)
	s.bucket(t, "archive")
	reg := devstacktest.SchemaRegistry(t, devstack.SchemaRegistryOptions{})
	k := devstacktest.Kafka(t, devstack.KafkaOptions{Partitions: 2, Topics: []string{"app-logs", restored}})
	client, err := kafka.NewClient(kafka.Options{Brokers: k.Brokers(), Timeout: 10 * time.Second, DialTimeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { client.Close() })
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()

	// The Avro topic, as an independent producer writes it.
	id, _, err := reg.Registry().RegisterSchema("app-logs-value", sr.Schema{Schema: logLineAvro, Type: sr.TypeAvro})
	if err != nil {
		t.Fatal(err)
	}
	hs := avro.MustParse(logLineAvro)
	var producer sr.Serde
	producer.Register(id, logLine{}, sr.EncodeFn(func(v any) ([]byte, error) { return avro.Marshal(hs, v) }))
	kc, err := kgo.NewClient(kgo.SeedBrokers(k.Addr()), kgo.RecordPartitioner(kgo.ManualPartitioner()))
	if err != nil {
		t.Fatal(err)
	}
	defer kc.Close()
	sent := map[string]logLine{}
	for i := range 18 {
		l := logLine{Service: []string{"api", "db"}[i%2], Level: "INFO", Seq: int64(i), TS: base.Add(time.Duration(i) * time.Minute).UnixMilli()}
		if i%3 != 0 {
			msg := fmt.Sprintf("line %d", i)
			l.Message = &msg
		}
		b, err := producer.Encode(l)
		if err != nil {
			t.Fatal(err)
		}
		key := fmt.Sprintf("k%d", i)
		if err := kc.ProduceSync(ctx, &kgo.Record{Topic: "app-logs", Partition: int32(i % 2), Key: []byte(key), Value: b}).FirstErr(); err != nil {
			t.Fatal(err)
		}
		sent[key] = l
	}

	// Archive it with the S3 sink through taskrun, as a worker runs it.
	sp := sinkProps(s, "archive", partitionerCases[0], formatCases[5]) // default partitioner, Avro deflate
	sp["tasks.max"], sp["store.kafka.headers"] = "1", "false"
	sp["key.converter"] = "org.apache.kafka.connect.storage.StringConverter"
	sp["value.converter"], sp["value.converter.schema.registry.url"] = "io.confluent.connect.avro.AvroConverter", reg.URL()
	plugins, err := connect.NewRegistry(append(config.BuiltinPlugins(), s3sink.Plugin)...)
	if err != nil {
		t.Fatal(err)
	}
	st := memory.New()
	if err := st.CreateConnector(ctx, "lake", sp, store.TargetRunning); err != nil {
		t.Fatal(err)
	}
	conn := s3sink.Plugin.New().(connect.SinkConnector)
	if err := conn.Start(ctx, sp); err != nil {
		t.Fatal(err)
	}
	tasks, err := conn.TaskConfigs(1)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.PutTaskConfigs(ctx, "lake", tasks); err != nil {
		t.Fatal(err)
	}
	sc, err := st.Connector(ctx, "lake")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := taskrun.Assign(ctx, st, plugins, client, sc); err != nil {
		t.Fatal(err)
	}
	env := &taskrun.Env{Store: st, Registry: plugins, Kafka: client, Holder: "test", Margin: 200 * time.Millisecond, IdlePolls: 1,
		Pipeline: taskrun.DefaultPipeline(plugins, nil)}
	if sc, err = st.Connector(ctx, "lake"); err != nil {
		t.Fatal(err)
	}
	res, err := taskrun.Run(ctx, env, schedule.Payload{Connector: "lake", Task: 0, Generation: sc.Generation}, time.Now().Add(20*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	if res.Written != len(sent) {
		t.Fatalf("archived %d records, want %d", res.Written, len(sent))
	}

	// Restore it with the S3 source and AvroConverter.
	key, err := convert.New("org.apache.kafka.connect.storage.StringConverter", nil, true)
	if err != nil {
		t.Fatal(err)
	}
	value, err := convert.New("io.confluent.connect.avro.AvroConverter", map[string]string{"schema.registry.url": reg.URL()}, false)
	if err != nil {
		t.Fatal(err)
	}
	header, err := convert.NewHeader("org.apache.kafka.connect.storage.SimpleHeaderConverter", nil)
	if err != nil {
		t.Fatal(err)
	}
	rres, err := runSliceWith(ctx, t, client, NewTask(nil), sourceProps(sp, nil), newOffsets(), 0, taskrun.Converters{Key: key, Value: value, Header: header})
	if err != nil {
		t.Fatal(err)
	}
	if rres.Produced != len(sent) {
		t.Fatalf("restored %d, want %d", rres.Produced, len(sent))
	}

	// Read the restored topic with Serde and hamba/avro, under the schema the registry holds
	// for the restored topic's subject.
	rc, err := sr.NewClient(sr.URLs(reg.URL()))
	if err != nil {
		t.Fatal(err)
	}
	ss, err := rc.SchemaByVersion(ctx, restored+"-value", -1)
	if err != nil {
		t.Fatalf("subject %s-value: %v", restored, err)
	}
	rs, err := avro.Parse(ss.Schema.Schema)
	if err != nil {
		t.Fatalf("registered schema %s: %v", ss.Schema.Schema, err)
	}
	if r, ok := rs.(*avro.RecordSchema); !ok || r.FullName() != "com.example.LogLine" {
		t.Errorf("registered schema %s: want record com.example.LogLine", ss.Schema.Schema)
	}
	var consumer sr.Serde
	consumer.Register(ss.ID, logLine{}, sr.DecodeFn(func(b []byte, v any) error { return avro.Unmarshal(rs, b, v) }))
	n := 0
	for p := range int32(2) {
		last := int64(-1)
		for _, m := range fetchAll(ctx, t, client, connect.TopicPartition{Topic: restored, Partition: p}) {
			var l logLine
			if err := consumer.Decode(m.Value, &l); err != nil {
				t.Fatalf("partition %d offset %d: %v", p, m.Offset, err)
			}
			w, ok := sent[string(m.Key)]
			if !ok {
				t.Fatalf("partition %d offset %d: unexpected key %q", p, m.Offset, m.Key)
			}
			sameMsg := (l.Message == nil) == (w.Message == nil) && (l.Message == nil || *l.Message == *w.Message)
			if !sameMsg || l.Service != w.Service || l.Level != w.Level || l.Seq != w.Seq || l.TS != w.TS {
				t.Errorf("key %s: restored %+v, produced %+v", m.Key, l, w)
			}
			if int32(l.Seq%2) != p || l.Seq <= last {
				t.Errorf("key %s (partition %d) restored to partition %d after seq %d: want its partition, in order", m.Key, l.Seq%2, p, last)
			}
			last = l.Seq
			delete(sent, string(m.Key))
			n++
		}
	}
	if n != rres.Produced || len(sent) != 0 {
		t.Fatalf("read %d restored records, %d produced ones missing", n, len(sent))
	}
}

// fetchAll reads a partition from its start to its end offset.
func fetchAll(ctx context.Context, t *testing.T, c *kafka.Client, tp connect.TopicPartition) []kafka.Message {
	t.Helper()
	ends, err := c.EndOffsets(ctx, []connect.TopicPartition{tp})
	if err != nil {
		t.Fatal(err)
	}
	var out []kafka.Message
	for next := int64(0); next < ends[tp]; {
		fr, err := c.Fetch(ctx, tp, next, kafka.FetchOptions{})
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, fr.Messages...)
		next = fr.Next
	}
	return out
}
