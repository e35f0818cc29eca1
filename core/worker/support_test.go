package worker

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	kafkago "github.com/segmentio/kafka-go"
	"github.com/twmb/franz-go/pkg/kfake"

	"github.com/connectless/connectless/core/config"
	"github.com/connectless/connectless/core/connect"
)

// childEnv marks a test binary started as a worker process by the failover test.
const childEnv = "CONNECTLESS_TEST_WORKER_CHILD"

func TestMain(m *testing.M) {
	if os.Getenv(childEnv) == "1" {
		os.Exit(runChild())
	}
	os.Exit(m.Run())
}

// runChild runs a worker from CONNECT_* variables with the test plugins until SIGTERM.
func runChild() int {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	w, err := New(ctx, FromEnv(os.Environ()), Options{Registry: testRegistry(&collector{}), Logger: log})
	if err != nil {
		fmt.Fprintln(os.Stderr, "worker:", err)
		return 1
	}
	if err := w.Run(ctx); err != nil {
		fmt.Fprintln(os.Stderr, "worker:", err)
		return 1
	}
	return 0
}

// delivery is one record a test sink received.
type delivery struct {
	Topic     string
	Partition int32
	Offset    int64
	Value     string
}

// collector is the external system of the in-process test sink.
type collector struct {
	mu        sync.Mutex
	delivered []delivery
	// failNext makes the next Put fail once.
	failNext bool
}

func (c *collector) all() []delivery {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]delivery(nil), c.delivered...)
}

// Test plugin classes.
const (
	collectSinkClass = "test.CollectSinkConnector"
	fileSinkClass    = "test.IdempotentFileSinkConnector"
	fileSourceClass  = "org.apache.kafka.connect.file.FileStreamSourceConnector"
	fileStreamSink   = "org.apache.kafka.connect.file.FileStreamSinkConnector"
)

func testRegistry(col *collector) *connect.Registry {
	reg, err := connect.NewRegistry(append([]connect.Plugin{
		connect.Plugin{Class: collectSinkClass, Type: connect.PluginSink, Version: "1",
			New: func() connect.Connector {
				return &testSink{newTask: func(map[string]string) connect.SinkTask { return &collectTask{c: col} }}
			}},
		connect.Plugin{Class: fileSinkClass, Type: connect.PluginSink, Version: "1",
			New: func() connect.Connector {
				return &testSink{newTask: func(map[string]string) connect.SinkTask { return &fileTask{} }}
			}},
		// Stand-ins for Kafka's FileStream connectors, for the REST documentation examples.
		connect.Plugin{Class: fileSourceClass, Type: connect.PluginSource, Version: "3.9.0",
			New: func() connect.Connector { return &docSource{} }},
		connect.Plugin{Class: fileStreamSink, Type: connect.PluginSink, Version: "3.9.0",
			New: func() connect.Connector {
				return &testSink{newTask: func(map[string]string) connect.SinkTask { return &collectTask{c: &collector{}} }}
			}},
	}, config.BuiltinPlugins()...)...)
	if err != nil {
		panic(err)
	}
	return reg
}

// testSink is a sink connector with one task config per task and a "file" key.
type testSink struct {
	newTask func(map[string]string) connect.SinkTask
	props   map[string]string
}

func (*testSink) Version() string { return "1" }
func (*testSink) Config() *connect.ConfigDef {
	return connect.NewConfigDef().
		Define(connect.ConfigKey{Name: "file", Type: connect.ConfigString, Default: "", Importance: connect.High, Doc: "Output file."}).
		Define(connect.ConfigKey{Name: "dir", Type: connect.ConfigString, Default: "", Importance: connect.High, Doc: "Output directory."}).
		Define(connect.ConfigKey{Name: "fail.with", Type: connect.ConfigPassword, Default: "", Importance: connect.Low, Doc: "Start fails quoting this."}).
		Define(connect.ConfigKey{Name: "put.delay.ms", Type: connect.ConfigString, Default: "", Importance: connect.Low, Doc: "Put duration."})
}
func (s *testSink) Start(_ context.Context, props map[string]string) error {
	s.props = props
	return nil
}
func (s *testSink) TaskConfigs(n int) ([]map[string]string, error) {
	out := make([]map[string]string, n)
	for i := range out {
		out[i] = map[string]string{"dir": s.props["dir"], "put.delay.ms": s.props["put.delay.ms"], "fail.with": s.props["fail.with"]}
	}
	return out, nil
}
func (*testSink) Stop() error                 { return nil }
func (s *testSink) NewTask() connect.SinkTask { return s.newTask(nil) }

// collectTask appends what it is given to the collector.
type collectTask struct {
	c       *collector
	pending []delivery
}

func (t *collectTask) Start(_ context.Context, props map[string]string, _ connect.SinkTaskContext) error {
	if v := props["fail.with"]; v != "" {
		return fmt.Errorf("cannot log in with password %s", v)
	}
	return nil
}
func (t *collectTask) Put(_ context.Context, recs []connect.SinkRecord) error {
	t.c.mu.Lock()
	defer t.c.mu.Unlock()
	if t.c.failNext && len(recs) > 0 {
		t.c.failNext = false
		return errors.New("test sink refuses this batch")
	}
	for _, r := range recs {
		v, _ := r.Value.(string)
		t.pending = append(t.pending, delivery{r.OriginalTopic, r.OriginalPartition, r.OriginalOffset, v})
	}
	return nil
}
func (t *collectTask) Flush(context.Context, map[connect.TopicPartition]int64) error {
	t.c.mu.Lock()
	defer t.c.mu.Unlock()
	t.c.delivered = append(t.c.delivered, t.pending...)
	t.pending = nil
	return nil
}
func (t *collectTask) Stop() error { return nil }

// fileTask is an idempotent sink: each record becomes the file dir/topic-partition-offset
// (a second delivery rewrites the same file with the same content), and each delivery is
// also appended to dir/deliveries.log. put.delay.ms makes each Put take that long.
type fileTask struct {
	dir   string
	delay time.Duration
}

func (t *fileTask) Start(_ context.Context, props map[string]string, _ connect.SinkTaskContext) error {
	t.dir = props["dir"]
	if t.dir == "" {
		return errors.New("dir is required")
	}
	if v := props["put.delay.ms"]; v != "" {
		ms, err := strconv.Atoi(v)
		if err != nil {
			return fmt.Errorf("put.delay.ms: %w", err)
		}
		t.delay = time.Duration(ms) * time.Millisecond
	}
	return nil
}
func (t *fileTask) Put(_ context.Context, recs []connect.SinkRecord) error {
	if len(recs) == 0 {
		return nil
	}
	time.Sleep(t.delay)
	var log bytes.Buffer
	for _, r := range recs {
		v, _ := r.Value.(string)
		name := fmt.Sprintf("%s-%d-%d", r.OriginalTopic, r.OriginalPartition, r.OriginalOffset)
		// Written aside and renamed: a record file is never seen half written.
		tmp := filepath.Join(t.dir, ".tmp-"+name)
		if err := os.WriteFile(tmp, []byte(v), 0o644); err != nil {
			return err
		}
		if err := os.Rename(tmp, filepath.Join(t.dir, name)); err != nil {
			return err
		}
		fmt.Fprintln(&log, name)
	}
	f, err := os.OpenFile(filepath.Join(t.dir, "deliveries.log"), os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = f.Write(log.Bytes())
	return err
}
func (t *fileTask) Flush(context.Context, map[connect.TopicPartition]int64) error { return nil }
func (t *fileTask) Stop() error                                                   { return nil }

// docSource is a source connector that polls nothing, with FileStreamSource's keys.
type docSource struct{}

func (docSource) Version() string { return "3.9.0" }
func (docSource) Config() *connect.ConfigDef {
	return connect.NewConfigDef().
		Define(connect.ConfigKey{Name: "file", Type: connect.ConfigString, Default: "", Importance: connect.High, Doc: "Source file."}).
		Define(connect.ConfigKey{Name: "topic", Type: connect.ConfigString, Default: "", Importance: connect.High, Doc: "Topic."})
}
func (docSource) Start(context.Context, map[string]string) error { return nil }
func (docSource) TaskConfigs(n int) ([]map[string]string, error) {
	return []map[string]string{{}}, nil
}
func (docSource) Stop() error                 { return nil }
func (docSource) NewTask() connect.SourceTask { return idleSourceTask{} }

type idleSourceTask struct{}

func (idleSourceTask) Start(context.Context, map[string]string, connect.SourceTaskContext) error {
	return nil
}
func (idleSourceTask) Poll(ctx context.Context) ([]connect.SourceRecord, error) {
	select {
	case <-ctx.Done():
		return nil, ctx.Err()
	case <-time.After(10 * time.Millisecond):
		return nil, nil
	}
}
func (idleSourceTask) Stop() error { return nil }

// newKafka starts an in-process kfake broker with the given topic.
func newKafka(t *testing.T, topic string, partitions int) []string {
	t.Helper()
	c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(int32(partitions), topic))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return c.ListenAddrs()
}

// produce writes values to topic, spread over its partitions.
func produce(t *testing.T, brokers []string, topic string, values ...string) {
	t.Helper()
	w := &kafkago.Writer{Addr: kafkago.TCP(brokers...), Topic: topic, Balancer: &kafkago.RoundRobin{}, BatchTimeout: time.Millisecond, RequiredAcks: kafkago.RequireAll}
	defer w.Close()
	msgs := make([]kafkago.Message, len(values))
	for i, v := range values {
		msgs[i] = kafkago.Message{Value: []byte(v)}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := w.WriteMessages(ctx, msgs...); err != nil {
		t.Fatal(err)
	}
}

// client calls a worker's REST API.
type client struct {
	t    *testing.T
	base string
	http *http.Client
	user string
	pass string
}

// do sends a request and returns the status and the decoded JSON body (nil when empty).
func (c *client) do(method, path string, body any) (int, any) {
	c.t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			c.t.Fatal(err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, c.base+path, rd)
	if err != nil {
		c.t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.user != "" {
		req.SetBasicAuth(c.user, c.pass)
	}
	hc := c.http
	if hc == nil {
		hc = http.DefaultClient
	}
	resp, err := hc.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var out any
	if len(bytes.TrimSpace(raw)) > 0 && strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		if err := json.Unmarshal(raw, &out); err != nil {
			c.t.Fatalf("%s %s: decode %q: %v", method, path, raw, err)
		}
	} else if len(raw) > 0 {
		out = string(raw)
	}
	return resp.StatusCode, out
}

// eventually polls cond every 50ms until it holds or the timeout passes.
func eventually(t *testing.T, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	end := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(end) {
			t.Fatalf("timed out after %v waiting for %s", timeout, what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// taskStates returns the task states of a status body, by task id, with worker ids.
func taskStates(body any) (states map[int]string, workers map[int]string) {
	states, workers = map[int]string{}, map[int]string{}
	m, _ := body.(map[string]any)
	tasks, _ := m["tasks"].([]any)
	for _, x := range tasks {
		tm, _ := x.(map[string]any)
		id, _ := tm["id"].(float64)
		states[int(id)], _ = tm["state"].(string)
		workers[int(id)], _ = tm["worker_id"].(string)
	}
	return states, workers
}

func connectorState(body any) string {
	m, _ := body.(map[string]any)
	c, _ := m["connector"].(map[string]any)
	s, _ := c["state"].(string)
	return s
}

// freePort returns a port that was free a moment ago.
func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// startWorker runs an in-process worker until the test ends and returns it with a client.
func startWorker(t *testing.T, props map[string]string, reg *connect.Registry) (*Worker, *client) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	w, err := New(ctx, props, Options{Registry: reg, Logger: slog.New(slog.DiscardHandler), Version: "test"})
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- w.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("worker run: %v", err)
		}
		if s := w.State(); s != StateTerminated {
			t.Errorf("worker state after stop = %s, want terminated", s)
		}
	})
	scheme := "http"
	if w.Config().Listeners[0].Scheme == "https" {
		scheme = "https"
	}
	c := &client{t: t, base: scheme + "://" + waitReady(t, w)[0].String()}
	return w, c
}
