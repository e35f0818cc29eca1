package file_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	kafkago "github.com/segmentio/kafka-go"
	"github.com/twmb/franz-go/pkg/kfake"

	"github.com/connectless/connectless/connectors/file"
	"github.com/connectless/connectless/core/connect"
	"github.com/connectless/connectless/core/convert"
	"github.com/connectless/connectless/core/kafka"
	"github.com/connectless/connectless/core/schedule"
	"github.com/connectless/connectless/core/store"
	"github.com/connectless/connectless/core/store/memory"
	"github.com/connectless/connectless/core/taskrun"
)

// pipeline is a harness: a kfake broker, a memory store and the file connectors, run one
// invocation at a time through taskrun as the worker and the Lambda function do.
type pipeline struct {
	t   *testing.T
	env *taskrun.Env
	st  *memory.Store
}

func newPipeline(t *testing.T, topics ...string) *pipeline {
	t.Helper()
	cluster, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(1, topics...))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cluster.Close)
	client, err := kafka.NewClient(kafka.Options{Brokers: cluster.ListenAddrs()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { client.Close() })
	reg, err := connect.NewRegistry(file.SourcePlugin, file.SinkPlugin)
	if err != nil {
		t.Fatal(err)
	}
	st := memory.New()
	env := &taskrun.Env{
		Store: st, Registry: reg, Kafka: client, Holder: "test", Margin: 200 * time.Millisecond, IdlePolls: 2,
		Pipeline: func(cfg map[string]string) (taskrun.Pipeline, error) {
			key, err := convert.New("org.apache.kafka.connect.storage.StringConverter", nil, true)
			if err != nil {
				return taskrun.Pipeline{}, err
			}
			valueClass := cfg["value.converter"]
			if valueClass == "" {
				valueClass = "org.apache.kafka.connect.storage.StringConverter"
			}
			value, err := convert.New(valueClass, nil, false)
			if err != nil {
				return taskrun.Pipeline{}, err
			}
			return taskrun.Pipeline{Converters: taskrun.Converters{Key: key, Value: value}}, nil
		},
	}
	return &pipeline{t: t, env: env, st: st}
}

// create stores a connector and its task configurations, as the herder does.
func (p *pipeline) create(name string, plugin connect.Plugin, config map[string]string) {
	p.t.Helper()
	ctx := context.Background()
	config["connector.class"] = plugin.Class
	c := plugin.New()
	if err := c.Start(ctx, config); err != nil {
		p.t.Fatal(err)
	}
	tasks, err := c.TaskConfigs(1)
	if err != nil {
		p.t.Fatal(err)
	}
	if err := p.st.CreateConnector(ctx, name, config, store.TargetRunning); err != nil {
		p.t.Fatal(err)
	}
	if _, err := p.st.PutTaskConfigs(ctx, name, tasks); err != nil {
		p.t.Fatal(err)
	}
	if plugin.Type == connect.PluginSink {
		sc, _ := p.st.Connector(ctx, name)
		if _, err := taskrun.Assign(ctx, p.st, p.env.Registry, p.env.Kafka, sc); err != nil {
			p.t.Fatal(err)
		}
	}
}

// run runs one invocation of task 0.
func (p *pipeline) run(name string) (taskrun.Result, error) {
	p.t.Helper()
	c, err := p.st.Connector(context.Background(), name)
	if err != nil {
		p.t.Fatal(err)
	}
	return taskrun.Run(context.Background(), p.env, schedule.Payload{Connector: name, Task: 0, Generation: c.Generation}, time.Now().Add(15*time.Second))
}

func lines(from, to int) string {
	var b strings.Builder
	for i := from; i < to; i++ {
		fmt.Fprintf(&b, "2024-05-01T12:00:%02d INFO request %d served\n", i%60, i)
	}
	return b.String()
}

func appendTo(t *testing.T, path, s string) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteString(s); err != nil {
		t.Fatal(err)
	}
}

func TestIntegrationFileRoundTripWithRestarts(t *testing.T) {
	dir := t.TempDir()
	in, out := filepath.Join(dir, "in.log"), filepath.Join(dir, "out.log")
	p := newPipeline(t, "lines")
	p.create("tail", file.SourcePlugin, map[string]string{"file": in, "topic": "lines", "batch.size": "40"})
	p.create("archive", file.SinkPlugin, map[string]string{"file": out, "topics": "lines"})

	appendTo(t, in, lines(0, 100)+"an unfinished li")
	for _, step := range []struct {
		name        string
		appendAfter string
		wantRecords int
	}{
		{"first slice reads every complete line", "ne\n" + lines(100, 150), 100},
		{"restart resumes from the committed position", "", 51},
		{"restart with nothing new reads nothing", "", 0},
	} {
		res, err := p.run("tail")
		if err != nil {
			t.Fatalf("%s: %v", step.name, err)
		}
		if res.Records != step.wantRecords || res.Written != step.wantRecords {
			t.Fatalf("%s: polled %d, wrote %d; want %d", step.name, res.Records, res.Written, step.wantRecords)
		}
		// The sink runs between source slices: its restarts resume from committed offsets.
		if _, err := p.run("archive"); err != nil {
			t.Fatalf("%s: sink: %v", step.name, err)
		}
		appendTo(t, in, step.appendAfter)
	}

	want := lines(0, 100) + "an unfinished line\n" + lines(100, 150)
	got, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != want {
		t.Fatalf("sink file differs from the source file:\n%s", got)
	}

	// Source offsets are Kafka's FileStreamSource format.
	offs, err := p.st.SourceOffsets(context.Background(), "tail")
	if err != nil {
		t.Fatal(err)
	}
	if len(offs) != 1 {
		t.Fatalf("source offsets %+v, want one partition", offs)
	}
	pj, _ := json.Marshal(offs[0].Partition)
	oj, _ := json.Marshal(offs[0].Offset)
	if wantP, wantO := fmt.Sprintf(`{"filename":%q}`, in), fmt.Sprintf(`{"position":%d}`, len(want)); string(pj) != wantP || string(oj) != wantO {
		t.Fatalf("offset %s -> %s, want %s -> %s", pj, oj, wantP, wantO)
	}
	sink, err := p.st.SinkOffsets(context.Background(), "archive")
	if err != nil {
		t.Fatal(err)
	}
	if got := sink[connect.TopicPartition{Topic: "lines", Partition: 0}]; got != 151 {
		t.Fatalf("sink committed offset %d, want 151", got)
	}
}

func TestIntegrationFileBadInput(t *testing.T) {
	dir := t.TempDir()
	p := newPipeline(t, "lines")

	// A file truncated below the committed position fails the task instead of skipping data.
	in := filepath.Join(dir, "in.log")
	appendTo(t, in, lines(0, 10))
	p.create("tail", file.SourcePlugin, map[string]string{"file": in, "topic": "lines"})
	if res, err := p.run("tail"); err != nil || res.Written != 10 {
		t.Fatalf("first run = %+v, %v", res, err)
	}
	if err := os.WriteFile(in, []byte("short\n"), 0o644); err != nil {
		t.Fatal(err)
	}

	missing := filepath.Join(dir, "missing.log")
	p.create("missing", file.SourcePlugin, map[string]string{"file": missing, "topic": "lines"})
	p.create("nodir", file.SinkPlugin, map[string]string{"file": filepath.Join(dir, "no", "such", "dir.txt"), "topics": "lines"})
	for _, tc := range []struct{ name, want string }{
		{"tail", "past the end of the file"},
		{"missing", missing},
		{"nodir", "no/such/dir.txt"},
	} {
		res, err := p.run(tc.name)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Fatalf("%s: run = %+v, %v; want an error saying %s", tc.name, res, err, tc.want)
		}
		if res.Committed {
			t.Errorf("%s: committed offsets after failing", tc.name)
		}
		sts, _ := p.st.Statuses(context.Background(), tc.name)
		if len(sts) == 0 || sts[len(sts)-1].State != store.StateFailed || !strings.Contains(sts[len(sts)-1].Trace, tc.want) {
			t.Errorf("%s: statuses %+v, want FAILED with a trace saying %s", tc.name, sts, tc.want)
		}
	}
	offs, _ := p.st.SourceOffsets(context.Background(), "tail")
	if len(offs) != 1 || fmt.Sprint(offs[0].Offset["position"]) != fmt.Sprint(len(lines(0, 10))) {
		t.Errorf("source offsets %+v moved after the failure", offs)
	}
	if sink, _ := p.st.SinkOffsets(context.Background(), "nodir"); len(sink) != 0 {
		t.Errorf("failed sink committed %v", sink)
	}
}

func TestIntegrationFileSinkUnwritableRecord(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	p := newPipeline(t, "lines", "lines-dlq")
	w := &kafkago.Writer{Addr: kafkago.TCP(p.env.Kafka.Brokers()...), Topic: "lines", BatchTimeout: time.Millisecond, RequiredAcks: kafkago.RequireAll}
	if err := w.WriteMessages(ctx, kafkago.Message{Value: []byte("one")}, kafkago.Message{Value: []byte("two\xff\xfe")},
		kafkago.Message{Value: []byte("five\nsix")}, kafkago.Message{Value: []byte("four")}); err != nil {
		t.Fatal(err)
	}
	w.Close()

	strict, tolerant := filepath.Join(dir, "strict.txt"), filepath.Join(dir, "tolerant.txt")
	// Bytes pass as they are: the record that is not UTF-8 cannot be a line of text.
	const bytesConv = "org.apache.kafka.connect.converters.ByteArrayConverter"
	p.create("strict", file.SinkPlugin, map[string]string{"file": strict, "topics": "lines", "value.converter": bytesConv})
	p.create("tolerant", file.SinkPlugin, map[string]string{"file": tolerant, "topics": "lines", "value.converter": bytesConv,
		"errors.tolerance": "all", "errors.deadletterqueue.topic.name": "lines-dlq"})

	// errors.tolerance=none: the task fails on the record and commits nothing.
	if res, err := p.run("strict"); err == nil || !strings.Contains(err.Error(), "not UTF-8") || res.Committed {
		t.Fatalf("strict run = %+v, %v; want a failure about the text that is not UTF-8 and no commit", res, err)
	}
	if offs, _ := p.st.SinkOffsets(ctx, "strict"); len(offs) != 0 {
		t.Fatalf("strict sink committed %v", offs)
	}
	// errors.tolerance=all: the record goes to the dead-letter queue and the rest is written.
	if _, err := p.run("tolerant"); err != nil {
		t.Fatal(err)
	}
	// A line break inside a value is written as Kafka's FileStreamSinkTask prints it.
	if got, _ := os.ReadFile(tolerant); string(got) != "one\nfive\nsix\nfour\n" {
		t.Fatalf("tolerant sink wrote %q", got)
	}
	dlq, err := p.env.Kafka.Fetch(ctx, connect.TopicPartition{Topic: "lines-dlq"}, 0, kafka.FetchOptions{MaxWait: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if len(dlq.Messages) != 1 || string(dlq.Messages[0].Value) != "two\xff\xfe" {
		t.Fatalf("dead-letter queue holds %+v, want the record that is not UTF-8", dlq.Messages)
	}
	if offs, _ := p.st.SinkOffsets(ctx, "tolerant"); offs[connect.TopicPartition{Topic: "lines"}] != 4 {
		t.Fatalf("tolerant sink committed %v, want offset 4", offs)
	}
}
