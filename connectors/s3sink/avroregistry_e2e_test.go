package s3sink_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/hamba/avro/v2"
	"github.com/parquet-go/parquet-go"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/sr"

	"github.com/connectless/connectless/connectors/s3sink"
	"github.com/connectless/connectless/core/config"
	"github.com/connectless/connectless/core/connect"
	"github.com/connectless/connectless/core/kafka"
	"github.com/connectless/connectless/core/schedule"
	"github.com/connectless/connectless/core/store"
	"github.com/connectless/connectless/core/store/memory"
	"github.com/connectless/connectless/core/taskrun"
	"github.com/connectless/connectless/infra/devstack"
	"github.com/connectless/connectless/infra/devstack/devstacktest"
)

// order is a record as an independent producer writes it: franz-go's Serde with hamba/avro.
type order struct {
	ID       int64     `avro:"id"`
	Customer string    `avro:"customer"`
	Note     *string   `avro:"note"`
	Qty      int32     `avro:"qty"`
	Placed   time.Time `avro:"placed"`
}

const orderAvro = `{"type":"record","name":"Order","namespace":"com.example","fields":[
 {"name":"id","type":"long"},{"name":"customer","type":"string"},
 {"name":"note","type":["null","string"],"default":null},{"name":"qty","type":"int"},
 {"name":"placed","type":{"type":"long","logicalType":"timestamp-millis"}}]}`

// orderRow is the same record as parquet-go reads it from the archived file.
type orderRow struct {
	ID       int64   `parquet:"id"`
	Customer string  `parquet:"customer"`
	Note     *string `parquet:"note,optional"`
	Qty      int32   `parquet:"qty"`
	Placed   int64   `parquet:"placed"`
}

type avroArchive struct {
	reg    *devstack.SchemaRegistry
	kafka  *devstack.Kafka
	s3     *s3.Client
	st     *memory.Store
	env    *taskrun.Env
	serde  sr.Serde
	sent   []order
	client *kgo.Client
}

func startAvroArchive(t *testing.T, topic string, ropts devstack.SchemaRegistryOptions, extra map[string]string) *avroArchive {
	t.Helper()
	a := &avroArchive{
		reg:   devstacktest.SchemaRegistry(t, ropts),
		kafka: devstacktest.Kafka(t, devstack.KafkaOptions{Topics: []string{topic}}),
	}
	d := devstacktest.S3(t)
	ctx := context.Background()
	var err error
	if a.s3, err = d.NewClient(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := a.s3.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("lake")}); err != nil {
		t.Fatal(err)
	}
	id, _, err := a.reg.Registry().RegisterSchema(topic+"-value", sr.Schema{Schema: orderAvro, Type: sr.TypeAvro})
	if err != nil {
		t.Fatal(err)
	}
	hs := avro.MustParse(orderAvro)
	a.serde.Register(id, order{}, sr.EncodeFn(func(v any) ([]byte, error) { return avro.Marshal(hs, v) }))
	if a.client, err = kgo.NewClient(kgo.SeedBrokers(a.kafka.Addr())); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(a.client.Close)

	kc, err := kafka.NewClient(kafka.Options{Brokers: a.kafka.Brokers()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { kc.Close() })
	plugins, err := connect.NewRegistry(append(config.BuiltinPlugins(), s3sink.Plugin)...)
	if err != nil {
		t.Fatal(err)
	}
	cfg := map[string]string{
		"connector.class": s3sink.ConnectorClass, "topics": topic, "tasks.max": "1",
		"storage.class": s3sink.StorageClass, "format.class": s3sink.ParquetFormatClass, "flush.size": "10",
		"s3.bucket.name": "lake", "s3.region": d.Region, "store.url": d.Endpoint,
		"aws.access.key.id": d.AccessKey, "aws.secret.access.key": d.SecretKey,
		"key.converter":                       "org.apache.kafka.connect.storage.StringConverter",
		"value.converter":                     "io.confluent.connect.avro.AvroConverter",
		"value.converter.schema.registry.url": a.reg.URL(),
	}
	for k, v := range extra {
		cfg[k] = v
	}
	a.st = memory.New()
	if err := a.st.CreateConnector(ctx, "lake", cfg, store.TargetRunning); err != nil {
		t.Fatal(err)
	}
	conn := s3sink.Plugin.New().(connect.SinkConnector)
	if err := conn.Start(ctx, cfg); err != nil {
		t.Fatal(err)
	}
	tasks, err := conn.TaskConfigs(1)
	if err != nil {
		t.Fatal(err)
	}
	if _, err = a.st.PutTaskConfigs(ctx, "lake", tasks); err != nil {
		t.Fatal(err)
	}
	a.env = &taskrun.Env{Store: a.st, Registry: plugins, Kafka: kc, Holder: "test", Margin: 200 * time.Millisecond, IdlePolls: 1,
		Pipeline: taskrun.DefaultPipeline(plugins, nil)}
	sc, err := a.st.Connector(ctx, "lake")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := taskrun.Assign(ctx, a.st, plugins, kc, sc); err != nil {
		t.Fatal(err)
	}
	return a
}

func (a *avroArchive) produce(t *testing.T, topic string, from, n int) {
	t.Helper()
	base := time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC)
	for i := from; i < from+n; i++ {
		o := order{ID: int64(i), Customer: fmt.Sprintf("c%d", i%7), Qty: int32(i % 5), Placed: base.Add(time.Duration(i) * time.Second)}
		if i%3 == 0 {
			note := fmt.Sprintf("note %d", i)
			o.Note = &note
		}
		b, err := a.serde.Encode(o)
		if err != nil {
			t.Fatal(err)
		}
		if err := a.client.ProduceSync(context.Background(), &kgo.Record{Topic: topic, Key: []byte(fmt.Sprint(i)), Value: b}).FirstErr(); err != nil {
			t.Fatal(err)
		}
		a.sent = append(a.sent, o)
	}
}

func (a *avroArchive) run(t *testing.T) (taskrun.Result, error) { return a.runFor(t, 15*time.Second) }

// runFor runs one slice of task 0 lasting at most d.
func (a *avroArchive) runFor(t *testing.T, d time.Duration) (taskrun.Result, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	c, err := a.st.Connector(ctx, "lake")
	if err != nil {
		t.Fatal(err)
	}
	return taskrun.Run(ctx, a.env, schedule.Payload{Connector: "lake", Task: 0, Generation: c.Generation}, time.Now().Add(d))
}

// rows reads every archived Parquet file with parquet-go, independently of the sink's reader.
func (a *avroArchive) rows(t *testing.T) map[int64]orderRow {
	t.Helper()
	ctx := context.Background()
	out := map[int64]orderRow{}
	list, err := a.s3.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String("lake")})
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range list.Contents {
		if !strings.HasSuffix(*o.Key, ".parquet") {
			continue
		}
		obj, err := a.s3.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("lake"), Key: o.Key})
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(obj.Body)
		obj.Body.Close()
		rows, err := parquet.Read[orderRow](bytes.NewReader(body), int64(len(body)))
		if err != nil {
			t.Fatalf("%s: %v", *o.Key, err)
		}
		for _, r := range rows {
			if _, dup := out[r.ID]; dup {
				t.Errorf("id %d archived twice", r.ID)
			}
			out[r.ID] = r
		}
	}
	return out
}

func (a *avroArchive) check(t *testing.T) {
	t.Helper()
	got := a.rows(t)
	if len(got) != len(a.sent) {
		t.Fatalf("archived %d records, sent %d", len(got), len(a.sent))
	}
	for _, o := range a.sent {
		r := got[o.ID]
		noteOK := (o.Note == nil) == (r.Note == nil) && (o.Note == nil || *o.Note == *r.Note)
		if r.Customer != o.Customer || r.Qty != o.Qty || r.Placed != o.Placed.UnixMilli() || !noteOK {
			t.Errorf("id %d: archived %+v, sent %+v", o.ID, r, o)
		}
	}
}

// TestIntegrationAvroTopicToParquet archives an Avro topic, written by franz-go's Serde, with
// the S3 sink's ParquetFormat through AvroConverter, and reads the files back with parquet-go.
func TestIntegrationAvroTopicToParquet(t *testing.T) {
	a := startAvroArchive(t, "orders", devstack.SchemaRegistryOptions{}, nil)
	a.produce(t, "orders", 0, 30)
	res, err := a.run(t)
	if err != nil {
		t.Fatal(err)
	}
	if res.Written != 30 {
		t.Fatalf("wrote %d records, want 30", res.Written)
	}
	a.check(t)
}

// TestIntegrationAvroRegistryDownThenBack runs a slice while the registry is unreachable: the
// converter's error is retriable, so the slice ends retrying, the task is not FAILED and
// nothing is committed; once the registry is back every record is archived exactly once.
func TestIntegrationAvroRegistryDownThenBack(t *testing.T) {
	a := startAvroArchive(t, "orders", devstack.SchemaRegistryOptions{}, nil)
	a.produce(t, "orders", 0, 20)
	if err := a.reg.Pause(); err != nil {
		t.Fatal(err)
	}
	res, err := a.runFor(t, 2*time.Second)
	t.Logf("slice while the registry is down: %+v, %v", res, err)
	if res.Committed && res.Written > 0 {
		t.Fatalf("committed %d records without their schema", res.Written)
	}
	sts, serr := a.st.Statuses(context.Background(), "lake")
	if serr != nil {
		t.Fatal(serr)
	}
	for _, s := range sts {
		if s.Task == 0 && s.State == store.StateFailed {
			t.Fatalf("task FAILED while the registry was down: %s", s.Trace)
		}
	}
	if len(a.rows(t)) != 0 {
		t.Fatal("records archived without their schema")
	}
	if err := a.reg.Resume(); err != nil {
		t.Fatal(err)
	}
	// The task holds its lease through the retry backoff; later slices run once it is over.
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		res, err = a.run(t)
		if errors.Is(err, taskrun.ErrSkipped) {
			time.Sleep(100 * time.Millisecond)
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		if res.CaughtUp && res.Committed {
			break
		}
	}
	a.check(t)
}

// TestIntegrationAvroWrongBasicAuth: a refused password fails the task once, with a message
// that names the converter's basic auth keys and not the password.
func TestIntegrationAvroWrongBasicAuth(t *testing.T) {
	ropts := devstack.SchemaRegistryOptions{}
	ropts.BasicAuth.User, ropts.BasicAuth.Password = "lake", "s3cret"
	a := startAvroArchive(t, "orders", ropts, map[string]string{
		"value.converter.basic.auth.credentials.source": "USER_INFO",
		"value.converter.basic.auth.user.info":          "lake:wrong-password",
	})
	a.produce(t, "orders", 0, 5)
	_, err := a.run(t)
	if err == nil {
		t.Fatal("slice succeeded with a wrong registry password")
	}
	msg := err.Error()
	t.Logf("error: %s", msg)
	if !strings.Contains(msg, "403") || !strings.Contains(msg, "basic.auth") || strings.Contains(msg, "wrong-password") {
		t.Fatalf("error %q: want the 403, the keys to check, and no password", msg)
	}
	if n := strings.Count(msg, "HTTP 403"); n != 1 {
		t.Errorf("error repeats the cause %d times: %s", n, msg)
	}
	if len(a.rows(t)) != 0 {
		t.Fatal("records archived")
	}
}

// TestIntegrationAvroRegistryRefusalToDLQ: a record whose schema id the registry does not know
// (404) is a record error: with errors.tolerance=all it goes to the dead letter queue with the
// registry's answer, and the other records are archived.
func TestIntegrationAvroRegistryRefusalToDLQ(t *testing.T) {
	a := startAvroArchive(t, "orders", devstack.SchemaRegistryOptions{}, map[string]string{
		"errors.tolerance": "all", "errors.deadletterqueue.topic.name": "orders-dlq",
		"errors.deadletterqueue.topic.replication.factor": "1", "errors.deadletterqueue.context.headers.enable": "true",
	})
	a.produce(t, "orders", 0, 4)
	// Written with schema id 4242, which was never registered.
	if err := a.client.ProduceSync(context.Background(), &kgo.Record{Topic: "orders", Value: []byte{0, 0, 0, 0x10, 0x92, 2, 'x'}}).FirstErr(); err != nil {
		t.Fatal(err)
	}
	a.produce(t, "orders", 4, 6)
	res, err := a.run(t)
	if err != nil {
		t.Fatal(err)
	}
	if res.DeadLettered != 1 || res.Written != 10 {
		t.Fatalf("result %+v: want 10 written, 1 dead-lettered", res)
	}
	a.check(t)
	cl, err := kgo.NewClient(kgo.SeedBrokers(a.kafka.Addr()), kgo.ConsumeTopics("orders-dlq"), kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	fs := cl.PollFetches(ctx)
	recs := fs.Records()
	if len(recs) != 1 {
		t.Fatalf("dead letter queue holds %d records, want 1 (%v)", len(recs), fs.Errors())
	}
	var msg string
	for _, h := range recs[0].Headers {
		if h.Key == "__connect.errors.exception.message" {
			msg = string(h.Value)
		}
	}
	if !strings.Contains(msg, "HTTP 404") || !strings.Contains(msg, "4242") {
		t.Errorf("dead letter exception message %q: want the registry's 404 for schema id 4242", msg)
	}
}
