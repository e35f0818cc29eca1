package killtest

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/connectless/connectless/connectors"
	"github.com/connectless/connectless/core/kafka"
	"github.com/connectless/connectless/core/serverless"
	"github.com/connectless/connectless/core/startup"
	"github.com/connectless/connectless/core/store/dynamo"
	"github.com/connectless/connectless/infra/devstack"
	"github.com/connectless/connectless/infra/devstack/devstacktest"
)

var (
	long    = flag.Bool("long", false, "long mode: 1,000,000 records, 100 kills and 100 races")
	records = flag.Int("records", 0, "records to archive (default 200000, 1000000 with -long)")
	chaos   = flag.Int("chaos", 0, "kills, or races, to inflict (default 20, 100 with -long)")
)

const (
	topic      = "app-logs"
	partitions = 4
	tasks      = 2
	connector  = "app-logs-archive"
	bucket     = "archive"
	table      = "connectless"
	// Short slices keep a killed invocation's lease short: it expires at the slice deadline
	// plus the grace, and only then can the scheduler dispatch the task again.
	sliceMs = 1500
	graceMs = 300
)

// sizes returns the record count and the number of kills (or races) of this run.
func sizes() (n, target int) {
	n, target = scaled(200000, 20, 1000000, 100)
	return n - n%partitions, target
}

// scaled returns the size of a run and the kills or races to inflict: n and target, longN
// and longTarget with -long, -records and -chaos overriding either.
func scaled(n, target, longN, longTarget int) (int, int) {
	if *long {
		n, target = longN, longTarget
	}
	if *records > 0 {
		n = *records
	}
	if *chaos > 0 {
		target = *chaos
	}
	return n, target
}

// env is one test's services, runtime and topic.
type env struct {
	t     *testing.T
	rt    *serverless.Runtime
	s3c   *s3.Client
	props map[string]string // the task processes' worker properties
	// perPartition is the number of records, and so the end offset, of each partition.
	perPartition int64
	n            int
	// base and step place record seq of a partition at base + seq*step.
	base time.Time
	step time.Duration
}

// setup starts dynalite, versitygw and an out-of-process kfake broker, writes n records to
// app-logs and creates the archive connector.
func setup(t *testing.T, n int) *env {
	t.Helper()
	e, s := startServices(t, n)
	e.createConnector(connector, map[string]string{
		"connector.class":                "io.confluent.connect.s3.S3SinkConnector",
		"topics":                         topic,
		"tasks.max":                      strconv.Itoa(tasks),
		"storage.class":                  "io.confluent.connect.s3.storage.S3Storage",
		"format.class":                   "io.confluent.connect.s3.format.json.JsonFormat",
		"s3.compression.type":            "gzip",
		"flush.size":                     "3000",
		"s3.bucket.name":                 bucket,
		"s3.region":                      s.Region,
		"store.url":                      s.Endpoint,
		"s3.path.style.access.enabled":   "true",
		"aws.access.key.id":              s.AccessKey,
		"aws.secret.access.key":          s.SecretKey,
		"s3.part.retries":                "1",
		"s3.spill.dir":                   t.TempDir(),
		"partitioner.class":              "io.confluent.connect.storage.partitioner.TimeBasedPartitioner",
		"path.format":                    "'dt'=YYYY-MM-dd/'hour'=HH",
		"partition.duration.ms":          "3600000",
		"locale":                         "en-US",
		"timezone":                       "UTC",
		"timestamp.extractor":            "RecordField",
		"timestamp.field":                "ts",
		"key.converter":                  "org.apache.kafka.connect.storage.StringConverter",
		"value.converter":                "org.apache.kafka.connect.json.JsonConverter",
		"value.converter.schemas.enable": "false",
	})
	return e
}

// createConnector creates a connector of the test, name, with cfg.
func (e *env) createConnector(name string, cfg map[string]string) {
	raw := startup.RawConfig{}
	for k, v := range cfg {
		raw[k] = &v
	}
	if _, err := e.rt.Herder.CreateConnector(context.Background(), name, raw, ""); err != nil {
		e.t.Fatal(err)
	}
}

// startServices starts dynalite, versitygw (with the bucket) and an out-of-process kfake
// broker, opens the scheduler's runtime and writes n records to app-logs.
func startServices(t *testing.T, n int) (*env, *devstack.S3) {
	t.Helper()
	ctx := context.Background()
	s := devstacktest.S3(t)
	e := startRuntime(t, topic)
	if err := s.CreateBucket(ctx, bucket); err != nil {
		t.Fatal(err)
	}
	e.n, e.perPartition = n, int64(n/partitions)
	e.base = time.Now().Add(-4 * time.Hour).Truncate(time.Hour).Add(17 * time.Minute).UTC()
	e.step = 4 * time.Hour / time.Duration(e.perPartition)
	var err error
	if e.s3c, err = s.NewClient(ctx); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	e.produce(ctx, 0, e.perPartition)
	t.Logf("produced %d records over %d partitions in %s", n, partitions, time.Since(start).Round(time.Millisecond))
	return e, s
}

// startRuntime starts dynalite (with the state table) and an out-of-process kfake broker
// holding topics (of partitions partitions each), and opens the scheduler's runtime.
func startRuntime(t *testing.T, topics ...string) *env {
	t.Helper()
	ctx := context.Background()
	d := devstacktest.DynamoDB(t)
	k := devstacktest.Kafka(t, devstack.KafkaOptions{OutOfProcess: true, Partitions: partitions, Topics: topics})
	// The scheduler here and the task processes reach DynamoDB through the standard SDK
	// environment; the task processes inherit it.
	for _, kv := range d.Env() {
		key, value, _ := strings.Cut(kv, "=")
		t.Setenv(key, value)
	}
	dc, err := d.NewClient(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := dynamo.CreateTable(ctx, dc, table); err != nil {
		t.Fatal(err)
	}
	e := &env{t: t}
	e.props = map[string]string{
		"bootstrap.servers":       k.Addr(),
		"state.backend":           serverless.BackendDynamoDB,
		"state.dynamodb.table":    table,
		"task.slice.max.ms":       strconv.Itoa(sliceMs),
		"task.lease.timeout.ms":   strconv.Itoa(graceMs),
		"task.shutdown.margin.ms": "300",
	}
	reg, err := connectors.Registry()
	if err != nil {
		t.Fatal(err)
	}
	e.rt, err = serverless.Open(ctx, e.props, serverless.Options{Registry: reg, Logger: slog.New(slog.DiscardHandler), WorkerID: "killtest-scheduler"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.rt.Close() })
	return e
}

// services and levels give the log lines some variety.
var (
	services = []string{"checkout", "payments", "catalog", "search", "auth", "shipping"}
	levels   = []string{"INFO", "INFO", "INFO", "DEBUG", "WARN", "ERROR"}
)

// produce writes the records from seq up to end to each partition; record seq of a
// partition is at offset seq and carries "seq":seq, at time base + seq*step (the first
// perPartition records span four hours).
func (e *env) produce(ctx context.Context, from, end int64) {
	w := e.rt.Kafka.NewWriter(kafka.WriterOptions{BatchSize: 4000})
	defer w.Close()
	const batch = 20000
	msgs := make([]kafka.Message, 0, batch)
	flush := func() {
		for i, r := range w.Produce(ctx, msgs) {
			if r.Err != nil {
				e.t.Fatalf("produce: %v", r.Err)
			}
			if r.Offset >= 0 && msgs[i].Partition == r.Partition && r.Offset != seqOf(msgs[i]) {
				e.t.Fatalf("record seq %d of partition %d landed at offset %d", seqOf(msgs[i]), r.Partition, r.Offset)
			}
		}
		msgs = msgs[:0]
	}
	for seq := from; seq < end; seq++ {
		at := e.base.Add(time.Duration(seq) * e.step)
		for p := range int32(partitions) {
			svc := services[(seq+int64(p))%int64(len(services))]
			host := fmt.Sprintf("%s-%d", svc, seq%4)
			value := fmt.Sprintf(`{"seq":%d,"ts":"%s","level":"%s","service":"%s","host":"%s","trace_id":"%016x","msg":"request completed","http":{"method":"GET","path":"/v1/%s/%d","status":200,"latency_ms":%d}}`,
				seq, at.Format("2006-01-02T15:04:05.000Z"), levels[seq%int64(len(levels))], svc, host, uint64(seq)*2654435761+uint64(p), svc, seq%9973, seq%250)
			msgs = append(msgs, kafka.Message{Topic: topic, Partition: p, Key: []byte(host), Value: []byte(value), Time: at})
			if len(msgs) == batch {
				flush()
			}
		}
	}
	if len(msgs) > 0 {
		flush()
	}
}

// seqOf reads the seq field of a produced value.
func seqOf(m kafka.Message) int64 {
	n, _ := parseSeq(m.Value)
	return n
}

// parseSeq reads "seq":N from a JSON line.
func parseSeq(line []byte) (int64, bool) {
	i := bytes.Index(line, []byte(`"seq":`))
	if i < 0 {
		return 0, false
	}
	var n int64
	j := i + len(`"seq":`)
	start := j
	for ; j < len(line) && line[j] >= '0' && line[j] <= '9'; j++ {
		n = n*10 + int64(line[j]-'0')
	}
	return n, j > start
}
