package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/twmb/franz-go/pkg/kfake"

	"github.com/connectless/connectless/core/kafka"
)

// quickstartFile returns the path of one of Apache Kafka's config files kept unchanged in
// testdata/kafka-quickstart (see its README for where each comes from).
func quickstartFile(t *testing.T, name string) string {
	t.Helper()
	p, err := filepath.Abs(filepath.Join("testdata", "kafka-quickstart", name))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func getJSON(t *testing.T, url string, v any) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d %s", url, resp.StatusCode, b)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("GET %s: %v: %s", url, err, b)
	}
}

// TestKafkaQuickstartStandalone runs step 7 of Kafka's quickstart ("Import/export your data as
// streams of events with Kafka Connect") with Kafka's own files, unchanged:
// connect-standalone.properties, connect-file-source.properties and
// connect-file-sink.properties, against a broker that auto-creates topics, and no topic
// created by hand. Only what points at this machine comes from CONNECT_* variables. The
// lines of test.txt reach test.sink.txt through the auto-created connect-test topic, both
// connectors report it as their active topic, and a second run given only the source runs only
// the source and resumes from the offsets file.
func TestKafkaQuickstartStandalone(t *testing.T) {
	cluster, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.AllowAutoTopicCreation(), kfake.DefaultNumPartitions(1),
		kfake.ClusterID("quickstart-cluster"))
	if err != nil {
		t.Fatal(err)
	}
	defer cluster.Close()
	worker := quickstartFile(t, "connect-standalone.properties")
	source, sink := quickstartFile(t, "connect-file-source.properties"), quickstartFile(t, "connect-file-sink.properties")
	dir := t.TempDir()
	t.Chdir(dir) // the connector files name test.txt and test.sink.txt, relative, as in the quickstart
	port := freeTCPPort(t)
	base := "http://127.0.0.1:" + strconv.Itoa(port)
	t.Setenv("CONNECT_BOOTSTRAP_SERVERS", strings.Join(cluster.ListenAddrs(), ","))
	t.Setenv("CONNECT_LISTENERS", base)
	t.Setenv("CONNECT_OFFSET_STORAGE_FILE_FILENAME", filepath.Join(dir, "connect.offsets"))
	writeFile(t, dir, "test.txt", "foo\nbar\n") // echo -e "foo\nbar" > test.txt
	stop, stderr := runInBackground(t, "standalone", worker, source, sink)
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("worker log:\n%s", stderr)
		}
	})
	waitFor(t, "test.sink.txt to hold foo and bar", func() bool { return len(lines(t, "test.sink.txt")) == 2 })
	if got := strings.Join(lines(t, "test.sink.txt"), ","); got != "foo,bar" {
		t.Fatalf("test.sink.txt = %q", got)
	}
	var root struct {
		Version, Commit string
		Cluster         *string `json:"kafka_cluster_id"`
	}
	getJSON(t, base+"/", &root)
	if root.Cluster == nil || *root.Cluster != "quickstart-cluster" || root.Version == "" || root.Commit == "" {
		t.Errorf("GET / = %+v, want the broker's cluster id, a version and a commit", root)
	}
	var names []string
	getJSON(t, base+"/connectors", &names)
	if !slices.Equal(names, []string{"local-file-sink", "local-file-source"}) {
		t.Errorf("GET /connectors = %v", names)
	}
	for _, c := range []string{"local-file-source", "local-file-sink"} {
		waitFor(t, c+" to report connect-test as its active topic", func() bool {
			var topics map[string]struct{ Topics []string }
			getJSON(t, base+"/connectors/"+c+"/topics", &topics)
			return slices.Equal(topics[c].Topics, []string{"connect-test"})
		})
	}
	if code := stop(); code != 0 {
		t.Fatalf("standalone exit %d:\n%s", code, stderr)
	}

	// Second run with the source only: the sink of the first run is gone, as in Kafka's
	// connect-standalone, and the source resumes after "bar".
	f, err := os.OpenFile("test.txt", os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintln(f, "baz")
	f.Close()
	stop, stderr = runInBackground(t, "standalone", worker, source)
	waitFor(t, "the REST API", func() bool {
		resp, err := http.Get(base + "/connectors")
		if err == nil {
			resp.Body.Close()
		}
		return err == nil
	})
	getJSON(t, base+"/connectors", &names)
	if !slices.Equal(names, []string{"local-file-source"}) {
		t.Errorf("second run: GET /connectors = %v, want the source only", names)
	}
	waitFor(t, "the source to commit the position after baz", func() bool {
		var offs struct {
			Offsets []struct {
				Offset map[string]any `json:"offset"`
			} `json:"offsets"`
		}
		getJSON(t, base+"/connectors/local-file-source/offsets", &offs)
		return len(offs.Offsets) == 1 && fmt.Sprint(offs.Offsets[0].Offset["position"]) == "12"
	})
	if code := stop(); code != 0 {
		t.Fatalf("second standalone exit %d:\n%s", code, stderr)
	}
}

// TestKafkaQuickstartDistributed starts `connectless worker` on Kafka's
// connect-distributed.properties, unchanged (no state.backend: group.id and
// config.storage.topic select the kafka backend, and the worker says so in its log), against a
// broker that auto-creates topics: the worker creates Kafka Connect's three
// internal topics compacted, with the file's replication factor 1 and Kafka's default partition
// counts (config 1, offsets 25, status 5), and the quickstart's file connectors created over
// REST copy a line through the auto-created connect-test topic.
func TestKafkaQuickstartDistributed(t *testing.T) {
	cluster, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.AllowAutoTopicCreation(), kfake.DefaultNumPartitions(1))
	if err != nil {
		t.Fatal(err)
	}
	defer cluster.Close()
	worker := quickstartFile(t, "connect-distributed.properties")
	dir := t.TempDir()
	t.Chdir(dir)
	port := freeTCPPort(t)
	base := "http://127.0.0.1:" + strconv.Itoa(port)
	t.Setenv("CONNECT_BOOTSTRAP_SERVERS", strings.Join(cluster.ListenAddrs(), ","))
	t.Setenv("CONNECT_LISTENERS", base)
	writeFile(t, dir, "test.txt", "hello\n")
	stop, stderr := runInBackground(t, "worker", worker)
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("worker log:\n%s", stderr)
		}
	})
	waitFor(t, "the REST API", func() bool {
		resp, err := http.Get(base + "/connectors")
		if err == nil {
			resp.Body.Close()
		}
		return err == nil
	})
	client, err := kafka.NewClient(kafka.Options{Brokers: cluster.ListenAddrs()})
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	for topic, want := range map[string]int{"connect-configs": 1, "connect-offsets": 25, "connect-status": 5} {
		if tps, err := client.Partitions(t.Context(), topic); err != nil || len(tps) != want {
			t.Errorf("%s: %d partitions (%v), want %d", topic, len(tps), err, want)
		}
	}
	for _, body := range []string{
		`{"name":"local-file-source","config":{"connector.class":"FileStreamSource","tasks.max":"1","file":"test.txt","topic":"connect-test"}}`,
		`{"name":"local-file-sink","config":{"connector.class":"FileStreamSink","tasks.max":"1","file":"test.sink.txt","topics":"connect-test"}}`,
	} {
		resp, err := http.Post(base+"/connectors", "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusCreated {
			t.Fatalf("POST /connectors: %d", resp.StatusCode)
		}
	}
	waitFor(t, "test.sink.txt to hold hello", func() bool { return strings.Join(lines(t, "test.sink.txt"), ",") == "hello" })
	if log := stderr.String(); !strings.Contains(log, "state_backend=kafka") || !strings.Contains(log, "connect-distributed.properties") {
		t.Errorf("the worker log does not say why it chose the kafka backend:\n%s", log)
	}
	if code := stop(); code != 0 {
		t.Fatalf("worker exit %d:\n%s", code, stderr)
	}
}

// TestStandaloneSourceReadsStdin: in `connectless standalone`, a FileStreamSource with no
// file reads the process's standard input, as Kafka's connect-standalone does.
func TestStandaloneSourceReadsStdin(t *testing.T) {
	cluster, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.AllowAutoTopicCreation(), kfake.DefaultNumPartitions(1))
	if err != nil {
		t.Fatal(err)
	}
	defer cluster.Close()
	dir := t.TempDir()
	wp := writeFile(t, dir, "worker.properties", "bootstrap.servers="+strings.Join(cluster.ListenAddrs(), ",")+
		"\nlisteners=http://127.0.0.1:"+strconv.Itoa(freeTCPPort(t))+"\noffset.storage.file.filename="+filepath.Join(dir, "offsets")+
		"\nkey.converter=org.apache.kafka.connect.storage.StringConverter\nvalue.converter=org.apache.kafka.connect.storage.StringConverter\n")
	src := writeFile(t, dir, "console-source.properties", "name=console\nconnector.class=FileStreamSource\ntopic=typed\n")
	out := filepath.Join(dir, "out.txt")
	sink := writeFile(t, dir, "sink.properties", "name=sink\nconnector.class=FileStreamSink\ntopics=typed\nfile="+out+"\n")

	e := newEnv()
	stderr := &syncBuffer{}
	e.stdout, e.stderr, e.stdin = &bytes.Buffer{}, stderr, strings.NewReader("typed line 1\ntyped line 2\n")
	e.getenv = func(string) string { return "" }
	e.configDir = t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	go func() { done <- run(ctx, []string{"connectless", "standalone", wp, src, sink}, e) }()
	waitFor(t, "the typed lines in the sink file", func() bool { return len(lines(t, out)) == 6 })
	cancel()
	if code := <-done; code != 0 {
		t.Fatalf("standalone exit %d:\n%s", code, stderr)
	}
	b, _ := os.ReadFile(out)
	if string(b) != "typed line 1\ntyped line 2\n" {
		t.Fatalf("sink file %q", b)
	}
}
