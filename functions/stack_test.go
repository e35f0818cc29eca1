package functions_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	kafkago "github.com/segmentio/kafka-go"

	"github.com/connectless/connectless/connectors"
	"github.com/connectless/connectless/connectors/s3sink"
	"github.com/connectless/connectless/core/config/workerprops"
	"github.com/connectless/connectless/core/schedule"
	"github.com/connectless/connectless/core/serverless"
	"github.com/connectless/connectless/core/startup"
	"github.com/connectless/connectless/core/store"
	"github.com/connectless/connectless/core/store/dynamo"
	"github.com/connectless/connectless/core/taskrun"
	"github.com/connectless/connectless/infra/devstack"
	"github.com/connectless/connectless/infra/devstack/devstacktest"
)

// bootstraps holds the function binaries built once for the whole test binary; buildMu
// keeps parallel tests from building the same one twice.
var (
	bootstraps string
	buildMu    sync.Mutex
)

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "connectless-functions-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	bootstraps = dir
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// bootstrap builds functions/<name> for this machine with the Lambda build tags, once.
func bootstrap(t testing.TB, name string) string {
	t.Helper()
	buildMu.Lock()
	defer buildMu.Unlock()
	out := filepath.Join(bootstraps, name, "bootstrap")
	if _, err := os.Stat(out); err == nil {
		return out
	}
	cmd := exec.Command("go", "build", "-tags", "lambda.norpc", "-o", out, "./"+name)
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("build %s: %v\n%s", name, err, b)
	}
	return out
}

const (
	topic  = "logs"
	bucket = "archive"
	table  = "connectless"
)

// stack is Kafka (kfake), S3 (versitygw) and DynamoDB (dynalite) with a state table and a
// bucket, the environment the functions get, and a runtime of the same properties for the
// test's own reads and writes.
type stack struct {
	kafka *devstack.Kafka
	s3    *devstack.S3
	s3c   *s3.Client
	env   []string
	rt    *serverless.Runtime
}

func newStack(t testing.TB, partitions int) *stack {
	t.Helper()
	ctx := context.Background()
	k := devstacktest.Kafka(t, devstack.KafkaOptions{Partitions: partitions, Topics: []string{topic}})
	s := devstacktest.S3(t)
	d := devstacktest.DynamoDB(t)
	if err := s.CreateBucket(ctx, bucket); err != nil {
		t.Fatal(err)
	}
	dc, err := d.NewClient(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := dynamo.CreateTable(ctx, dc, table); err != nil {
		t.Fatal(err)
	}
	s3c, err := s.NewClient(ctx)
	if err != nil {
		t.Fatal(err)
	}
	props := map[string]string{
		"bootstrap.servers":              strings.Join(k.Brokers(), ","),
		"state.backend":                  "dynamodb",
		"state.dynamodb.table":           table,
		"value.converter":                "org.apache.kafka.connect.json.JsonConverter",
		"value.converter.schemas.enable": "false",
		"key.converter":                  "org.apache.kafka.connect.storage.StringConverter",
		"task.shutdown.margin.ms":        "500",
		"task.lease.timeout.ms":          "1000",
		"scheduler.dispatch.concurrency": "1",
		"task.function.name":             "function",
	}
	env := []string{
		"AWS_ENDPOINT_URL_DYNAMODB=" + d.Endpoint,
		"AWS_ENDPOINT_URL_S3=" + s.Endpoint,
		"AWS_ACCESS_KEY_ID=" + s.AccessKey,
		"AWS_SECRET_ACCESS_KEY=" + s.SecretKey,
		"AWS_REGION=" + s.Region,
	}
	for k, v := range props {
		env = append(env, workerprops.EnvName(k)+"="+v)
	}
	reg, err := connectors.Registry()
	if err != nil {
		t.Fatal(err)
	}
	rt, err := serverless.Open(ctx, props, serverless.Options{Registry: reg, WorkerID: "test", Logger: slog.New(slog.DiscardHandler),
		AWSConfig: func(ctx context.Context) (aws.Config, error) {
			c, err := d.AWSConfig(ctx)
			c.BaseEndpoint = aws.String(d.Endpoint)
			return c, err
		}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { rt.Close() })
	return &stack{kafka: k, s3: s, s3c: s3c, env: env, rt: rt}
}

// produce writes values {"n":from}…{"n":to-1} round-robin over the topic's partitions.
func (s *stack) produce(t testing.TB, from, to int) {
	t.Helper()
	w := &kafkago.Writer{Addr: kafkago.TCP(s.kafka.Brokers()...), Topic: topic, Balancer: &kafkago.RoundRobin{},
		BatchSize: 500, BatchTimeout: time.Millisecond, RequiredAcks: kafkago.RequireAll}
	defer w.Close()
	msgs := make([]kafkago.Message, 0, to-from)
	for i := from; i < to; i++ {
		msgs = append(msgs, kafkago.Message{Value: fmt.Appendf(nil, `{"n":%d}`, i)})
	}
	if err := w.WriteMessages(context.Background(), msgs...); err != nil {
		t.Fatal(err)
	}
}

// createSink creates an S3 sink connector through the herder, as the REST function would.
func (s *stack) createSink(t testing.TB, name string, flushSize int, extra map[string]string) {
	t.Helper()
	cfg := map[string]string{
		"connector.class":                     s3sink.ConnectorClass,
		"tasks.max":                           "1",
		"topics":                              topic,
		"storage.class":                       s3sink.StorageClass,
		"format.class":                        s3sink.JSONFormatClass,
		"flush.size":                          strconv.Itoa(flushSize),
		"s3.bucket.name":                      bucket,
		"s3.region":                           s.s3.Region,
		"s3.part.retries":                     "1",
		"schedule":                            "continuous",
		"consumer.override.auto.offset.reset": "earliest",
		// The endpoint and credentials are the functions' environment, not this process's:
		// the task function runs the live checks when the task starts.
		"preflight.enable": "false",
	}
	for k, v := range extra {
		cfg[k] = v
	}
	raw := startup.RawConfig{}
	for k, v := range cfg {
		raw[k] = &v
	}
	if _, err := s.rt.Herder.CreateConnector(context.Background(), name, raw, store.TargetRunning); err != nil {
		t.Fatal(err)
	}
}

// assign deals the partitions as the scheduler does and returns the payload of task 0.
func (s *stack) assign(t testing.TB, name string, notAfter time.Time) schedule.Payload {
	t.Helper()
	ctx := context.Background()
	c, err := s.rt.Store.Connector(ctx, name)
	if err != nil {
		t.Fatal(err)
	}
	c, err = taskrun.Assign(ctx, s.rt.Store, s.rt.Registry, s.rt.Kafka, c)
	if err != nil {
		t.Fatal(err)
	}
	return schedule.Payload{Connector: name, Task: 0, Generation: c.Generation, NotAfter: notAfter}
}

// archived reads every object of the bucket and counts each record value's n.
func (s *stack) archived(t testing.TB) (counts map[int]int, objects int) {
	t.Helper()
	ctx := context.Background()
	counts = map[int]int{}
	p := s3.NewListObjectsV2Paginator(s.s3c, &s3.ListObjectsV2Input{Bucket: aws.String(bucket)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range page.Contents {
			objects++
			g, err := s.s3c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: o.Key})
			if err != nil {
				t.Fatal(err)
			}
			body, err := io.ReadAll(g.Body)
			g.Body.Close()
			if err != nil {
				t.Fatal(err)
			}
			sc := bufio.NewScanner(bytes.NewReader(body))
			for sc.Scan() {
				var v struct{ N *int }
				if err := json.Unmarshal(sc.Bytes(), &v); err != nil || v.N == nil {
					t.Fatalf("object %s: line %q: %v", *o.Key, sc.Text(), err)
				}
				counts[*v.N]++
			}
		}
	}
	return counts, objects
}

// exactlyOnce reports records 0…n-1 that are missing or duplicated.
func exactlyOnce(t testing.TB, counts map[int]int, n int) {
	t.Helper()
	var missing, dup []int
	for i := range n {
		switch c := counts[i]; {
		case c == 0:
			missing = append(missing, i)
		case c > 1:
			dup = append(dup, i)
		}
	}
	if len(missing) > 0 || len(dup) > 0 || len(counts) != n {
		t.Errorf("archive holds %d distinct records, want %d; missing %v; duplicated %v", len(counts), n, head(missing), head(dup))
	}
}

func head(s []int) []int { return s[:min(len(s), 10)] }

// invokeTask invokes the task function under RIE and decodes its result.
func invokeTask(t testing.TB, r *devstack.RIE, p schedule.Payload) (serverless.TaskResult, error) {
	t.Helper()
	body, _ := json.Marshal(p)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	out, err := r.Invoke(ctx, body)
	if err != nil {
		return serverless.TaskResult{}, err
	}
	var res struct {
		serverless.TaskResult
		ErrorMessage string `json:"errorMessage"`
	}
	if err := json.Unmarshal(out, &res); err != nil {
		return serverless.TaskResult{}, fmt.Errorf("response %q: %w", out, err)
	}
	if res.ErrorMessage != "" {
		return res.TaskResult, fmt.Errorf("function error: %s", res.ErrorMessage)
	}
	return res.TaskResult, nil
}

// pidOf finds the running process whose executable is path.
func pidOf(path string) (int, bool) {
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if exe, err := os.Readlink(filepath.Join("/proc", e.Name(), "exe")); err == nil && exe == path {
			return pid, true
		}
	}
	return 0, false
}

// sigkill kills the process running path.
func sigkill(t testing.TB, path string) {
	t.Helper()
	pid, ok := pidOf(path)
	if !ok {
		t.Fatalf("no process runs %s", path)
	}
	if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
}

// waitFor polls cond every 5ms until it holds or d passes.
func waitFor(t testing.TB, d time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}
