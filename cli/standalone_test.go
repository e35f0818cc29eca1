package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"
)

// syncBuffer is a bytes.Buffer safe for the worker's logging goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// runInBackground runs the CLI until the returned stop is called; stop returns the exit code.
func runInBackground(t *testing.T, args ...string) (stop func() int, stderr *syncBuffer) {
	t.Helper()
	e := newEnv()
	stderr = &syncBuffer{}
	e.stdout, e.stderr = &bytes.Buffer{}, stderr
	e.getenv = func(string) string { return "" }
	e.configDir = t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	go func() { done <- run(ctx, append([]string{"connectless"}, args...), e) }()
	return func() int {
		cancel()
		select {
		case code := <-done:
			return code
		case <-time.After(20 * time.Second):
			t.Fatalf("connectless %s did not stop", strings.Join(args, " "))
			return -1
		}
	}, stderr
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	end := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(end) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func lines(t *testing.T, path string) []string {
	t.Helper()
	b, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	return strings.Fields(string(b))
}

// TestStandaloneFileConnectors runs `connectless standalone` with Kafka's FileStream source
// and sink given as a properties and a JSON file: lines go from one file to the other
// through Kafka; a second run on the same state file updates the connectors and resumes from
// the stored offsets, with no line copied twice.
func TestStandaloneFileConnectors(t *testing.T) {
	cluster, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(1, "lines"))
	if err != nil {
		t.Fatal(err)
	}
	defer cluster.Close()
	dir := t.TempDir()
	in, out := filepath.Join(dir, "in.txt"), filepath.Join(dir, "out.txt")
	writeFile(t, dir, "in.txt", "one\ntwo\nthree\n")
	port := freeTCPPort(t)
	wp := writeFile(t, dir, "worker.properties", strings.Join([]string{
		"bootstrap.servers=" + strings.Join(cluster.ListenAddrs(), ","),
		"listeners=http://127.0.0.1:" + strconv.Itoa(port),
		"offset.storage.file.filename=" + filepath.Join(dir, "standalone.offsets"),
		"key.converter=org.apache.kafka.connect.storage.StringConverter",
		"value.converter=org.apache.kafka.connect.storage.StringConverter",
		"offset.flush.interval.ms=1000",
		"task.poll.interval.ms=50",
	}, "\n"))
	src := writeFile(t, dir, "source.properties", "name=local-file-source\nconnector.class=FileStreamSource\ntasks.max=1\nfile="+in+"\ntopic=lines\n")
	sinkJSON, _ := json.Marshal(map[string]any{"name": "local-file-sink", "config": map[string]string{
		"connector.class": "FileStreamSink", "tasks.max": "1", "file": out, "topics": "lines"}})
	sink := writeFile(t, dir, "sink.json", string(sinkJSON))

	stop, stderr := runInBackground(t, "standalone", wp, src, sink)
	waitFor(t, "three lines copied", func() bool { return len(lines(t, out)) == 3 })
	resp, err := http.Get(fmt.Sprintf("http://127.0.0.1:%d/connectors", port))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	_ = json.NewDecoder(resp.Body).Decode(&names)
	resp.Body.Close()
	if strings.Join(names, ",") != "local-file-sink,local-file-source" {
		t.Errorf("GET /connectors = %v", names)
	}
	if code := stop(); code != 0 {
		t.Fatalf("standalone exit %d:\n%s", code, stderr)
	}

	// Second run: more lines, same state file; the source resumes after "three".
	f, err := os.OpenFile(in, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprint(f, "four\nfive\n")
	f.Close()
	stop, stderr = runInBackground(t, "standalone", wp, src, sink)
	waitFor(t, "five lines copied", func() bool { return len(lines(t, out)) >= 5 })
	time.Sleep(500 * time.Millisecond)
	if code := stop(); code != 0 {
		t.Fatalf("second standalone exit %d:\n%s", code, stderr)
	}
	if got := strings.Join(lines(t, out), ","); got != "one,two,three,four,five" {
		t.Errorf("sink file = %s, want each line once, in order", got)
	}
}

func TestStandaloneBadInput(t *testing.T) {
	dir := t.TempDir()
	wp := writeFile(t, dir, "w.properties", "listeners=http://127.0.0.1:0\nstate.bolt.path="+filepath.Join(dir, "s.db")+"\n")
	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"no worker file", []string{"standalone"}, exitUsage, "needs a worker properties file"},
		{"other backend", []string{"standalone", writeFile(t, dir, "d.properties", "state.backend=dynamodb\n")}, exitUsage, "state.backend"},
		{"malformed worker key", []string{"worker", writeFile(t, dir, "u.properties", "offset.flush.interval.ms=soon\n")}, exitError, "offset.flush.interval.ms"},
		{"missing connector file", []string{"standalone", wp, filepath.Join(dir, "nope.properties")}, exitError, "nope.properties"},
		{"connector without name", []string{"standalone", wp, writeFile(t, dir, "c.properties", "connector.class=FileStreamSink\n")}, exitError, "is missing the mandatory 'name' configuration"},
		{"two worker files", []string{"worker", wp, wp}, exitUsage, "at most one"},
		// JSON told by content, not by the extension; Kafka's message for a name mismatch.
		{"name mismatch in a .conf file", []string{"standalone", wp, writeFile(t, dir, "m.conf", `{"name":"a","config":{"name":"b","connector.class":"FileStreamSink"}}`)},
			exitError, "Connector name configuration in 'config' doesn't match the one specified in 'name' at '"},
		{"bad initial_state", []string{"standalone", wp, writeFile(t, dir, "s.txt", `{"name":"a","config":{"connector.class":"FileStreamSink"},"initial_state":"SLEEPING"}`)},
			exitError, "initial_state"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv()
			var errb bytes.Buffer
			e.stdout, e.stderr = &bytes.Buffer{}, &errb
			e.getenv = func(string) string { return "" }
			code := run(context.Background(), append([]string{"connectless"}, tc.args...), e)
			if code != tc.code || !strings.Contains(errb.String(), tc.want) {
				t.Errorf("exit %d, stderr %q; want exit %d mentioning %q", code, errb.String(), tc.code, tc.want)
			}
		})
	}
}

func freeTCPPort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// TestStandaloneInitialState: a JSON connector file (named .txt: told by its content) with
// initial_state PAUSED and STOPPED creates the connectors in those states, as Kafka 3.5+'s
// connect-standalone does.
func TestStandaloneInitialState(t *testing.T) {
	cluster, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(1, "lines"))
	if err != nil {
		t.Fatal(err)
	}
	defer cluster.Close()
	dir := t.TempDir()
	port := freeTCPPort(t)
	wp := writeFile(t, dir, "worker.properties", "bootstrap.servers="+strings.Join(cluster.ListenAddrs(), ",")+
		"\nlisteners=http://127.0.0.1:"+strconv.Itoa(port)+"\noffset.storage.file.filename="+filepath.Join(dir, "offsets")+"\n")
	paused := writeFile(t, dir, "paused.txt", `{"name":"p","config":{"connector.class":"FileStreamSink","topics":"lines","file":"`+
		filepath.Join(dir, "p.out")+`"},"initial_state":"paused"}`)
	stopped := writeFile(t, dir, "stopped.txt", `{"name":"s","config":{"connector.class":"FileStreamSink","topics":"lines","file":"`+
		filepath.Join(dir, "s.out")+`"},"initial_state":"STOPPED"}`)
	stop, stderr := runInBackground(t, "standalone", wp, paused, stopped)
	base := fmt.Sprintf("http://127.0.0.1:%d", port)
	for name, want := range map[string]string{"p": "PAUSED", "s": "STOPPED"} {
		waitFor(t, name+" "+want, func() bool {
			resp, err := http.Get(base + "/connectors/" + name + "/status")
			if err != nil {
				return false
			}
			defer resp.Body.Close()
			var st struct {
				Connector struct{ State string } `json:"connector"`
			}
			_ = json.NewDecoder(resp.Body).Decode(&st)
			return st.Connector.State == want
		})
	}
	if code := stop(); code != 0 {
		t.Fatalf("standalone exit %d:\n%s", code, stderr)
	}
}
