package worker

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	kafkago "github.com/segmentio/kafka-go"

	"github.com/connectless/connectless/core/store/dynamo"
	"github.com/connectless/connectless/infra/devstack/devstacktest"
)

// workerProc is a worker running as a child process.
type workerProc struct {
	id     string
	cmd    *exec.Cmd
	stderr *bytes.Buffer
	client *client
}

// startWorkerProcess runs this test binary as a worker process with env (CONNECT_*
// properties and the AWS variables).
func startWorkerProcess(t *testing.T, env []string) *workerProc {
	t.Helper()
	port := freePort(t)
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), childEnv+"=1",
		"CONNECT_LISTENERS=http://127.0.0.1:"+strconv.Itoa(port),
		"CONNECT_REST_ADVERTISED_HOST_NAME=127.0.0.1")
	cmd.Env = append(cmd.Env, env...)
	p := &workerProc{id: "127.0.0.1:" + strconv.Itoa(port), cmd: cmd, stderr: &bytes.Buffer{}}
	cmd.Stderr = p.stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
		}
		if t.Failed() {
			t.Logf("worker %s log:\n%s", p.id, p.stderr)
		}
	})
	p.client = &client{t: t, base: "http://" + p.id}
	return p
}

// TestIntegrationWorkerFailover runs three worker processes on one DynamoDB (dynalite)
// store, kills the one holding a task's lease with SIGKILL while records flow, and checks
// that its tasks run on the other workers within the lease timeout and that the idempotent
// sink ends with every record exactly once. A SIGTERM of a second worker then releases its
// leases at once.
func TestIntegrationWorkerFailover(t *testing.T) {
	ddb := devstacktest.DynamoDB(t)
	ctx := context.Background()
	dc, err := ddb.NewClient(ctx)
	if err != nil {
		t.Fatal(err)
	}
	const table = "connectless-failover"
	if err := dynamo.CreateTable(ctx, dc, table); err != nil {
		t.Fatal(err)
	}
	st := dynamo.New(dc, table)
	brokers := newKafka(t, "events", 6)
	out := t.TempDir()

	const slice, lease = 1000 * time.Millisecond, 2000 * time.Millisecond
	env := append(ddb.Env(),
		"CONNECT_BOOTSTRAP_SERVERS="+strings.Join(brokers, ","),
		"CONNECT_STATE_BACKEND=dynamodb",
		"CONNECT_STATE_DYNAMODB_TABLE="+table,
		"CONNECT_KEY_CONVERTER=org.apache.kafka.connect.storage.StringConverter",
		"CONNECT_VALUE_CONVERTER=org.apache.kafka.connect.storage.StringConverter",
		"CONNECT_OFFSET_FLUSH_INTERVAL_MS="+strconv.Itoa(int(slice.Milliseconds())),
		"CONNECT_TASK_LEASE_TIMEOUT_MS="+strconv.Itoa(int(lease.Milliseconds())),
		"CONNECT_TASK_POLL_INTERVAL_MS=100",
		"CONNECT_TASK_SHUTDOWN_GRACEFUL_TIMEOUT_MS=5000",
	)
	var procs []*workerProc
	for range 3 {
		procs = append(procs, startWorkerProcess(t, env))
	}
	for _, p := range procs {
		eventually(t, 20*time.Second, "worker "+p.id+" healthy", func() bool {
			code, _ := p.client.tryGet("/health")
			return code == 200
		})
	}
	const tasks = 6
	c := procs[0].client
	if code, body := c.do("POST", "/connectors", map[string]any{"name": "arch", "config": map[string]string{
		"connector.class": fileSinkClass, "topics": "events", "tasks.max": strconv.Itoa(tasks), "dir": out, "put.delay.ms": "50"}}); code != 201 {
		t.Fatalf("create: %d %v", code, body)
	}
	vals := func(from, n int) []string {
		v := make([]string, n)
		for i := range v {
			v[i] = fmt.Sprintf("v%05d", from+i)
		}
		return v
	}
	const first = 300
	produce(t, brokers, "events", vals(0, first)...)
	eventually(t, 30*time.Second, "first batch written", func() bool { return countRecords(t, out) == first })

	// Records keep flowing while a worker dies: each slice has data, and each Put takes
	// put.delay.ms, so a worker holds leases most of the time.
	stopProducing := make(chan struct{})
	produced := make(chan int, 1)
	var stopOnce sync.Once
	stop := func() { stopOnce.Do(func() { close(stopProducing) }) }
	// A test that ends early (a failed wait) stops the producer before it returns, so the
	// producer never reports after the test has completed.
	producerDone := make(chan struct{})
	t.Cleanup(func() {
		stop()
		<-producerDone
	})
	go func() {
		defer close(producerDone)
		w := &kafkago.Writer{Addr: kafkago.TCP(brokers...), Topic: "events", Balancer: &kafkago.RoundRobin{}, BatchTimeout: time.Millisecond, RequiredAcks: kafkago.RequireAll}
		defer w.Close()
		n := first
		for {
			select {
			case <-stopProducing:
				produced <- n
				return
			case <-time.After(20 * time.Millisecond):
			}
			var msgs []kafkago.Message
			for _, v := range vals(n, 6) {
				msgs = append(msgs, kafkago.Message{Value: []byte(v)})
			}
			if err := w.WriteMessages(context.Background(), msgs...); err != nil {
				t.Errorf("produce: %v", err)
				produced <- n
				return
			}
			n += len(msgs)
		}
	}()

	// Kill a worker in the middle of a slice: the leases it holds are orphaned, nobody
	// releases them.
	// A worker seen holding a fresh lease is frozen (SIGSTOP) before its leases are read
	// again, so that it cannot end its slice and release them between that read and the
	// kill; one that released them before it froze is thawed and another is looked for.
	var victim *workerProc
	var killed time.Time
	held := map[int]time.Time{}
	eventually(t, 20*time.Second, "a worker killed in the middle of a slice", func() bool {
		victim = nil
		for task := range tasks {
			l, err := st.CurrentLease(ctx, "arch", task)
			if err != nil || time.Until(l.Expires) < lease+slice/2 {
				continue
			}
			for _, p := range procs {
				if p.id == l.Holder {
					victim = p
				}
			}
			if victim != nil {
				break
			}
		}
		if victim == nil {
			return false
		}
		if err := victim.cmd.Process.Signal(syscall.SIGSTOP); err != nil {
			t.Fatal(err)
		}
		now := time.Now()
		for task := range tasks {
			if l, err := st.CurrentLease(ctx, "arch", task); err == nil && l.Holder == victim.id && l.Expires.After(now) {
				held[task] = l.Expires
			}
		}
		if len(held) == 0 {
			_ = victim.cmd.Process.Signal(syscall.SIGCONT)
			return false
		}
		if err := victim.cmd.Process.Signal(syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		killed = time.Now()
		return true
	})
	_ = victim.cmd.Wait()
	t.Logf("killed %s holding the leases of tasks %v", victim.id, held)

	var survivor *workerProc
	for _, p := range procs {
		if p != victim {
			survivor = p
			break
		}
	}
	// Every task the victim held runs elsewhere once its lease expired (at most one slice
	// plus the lease timeout after the kill); a task's status is written when a slice ends,
	// so it shows RUNNING on the new worker at most one slice later (plus the poll interval
	// and slack for store latency on a loaded machine).
	bound := 2*slice + lease + 4*time.Second
	eventually(t, bound, "the victim's tasks RUNNING on other workers", func() bool {
		sts, err := st.Statuses(ctx, "arch")
		if err != nil {
			return false
		}
		after := map[int]bool{}
		for _, s := range sts {
			if s.Task >= 0 && s.Updated.After(held[s.Task]) && s.WorkerID != victim.id && s.State == "RUNNING" {
				after[s.Task] = true
			}
		}
		for task := range held {
			if !after[task] { // a slice that started after the orphaned lease expired and ended
				return false
			}
		}
		_, body := survivor.client.do("GET", "/connectors/arch/status", nil)
		states, workers := taskStates(body)
		for task := range held {
			if states[task] != "RUNNING" || workers[task] == victim.id {
				return false
			}
		}
		return len(states) == tasks
	})
	took := time.Since(killed)
	t.Logf("tasks taken over %v after SIGKILL", took.Round(10*time.Millisecond))
	stop()
	total := <-produced
	eventually(t, 30*time.Second, "every record written", func() bool { return countRecords(t, out) == total })
	checkRecords(t, out, 6, total)

	// SIGTERM: the worker finishes its slices and releases its leases before it exits.
	term := survivor
	if err := term.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	waitErr := make(chan error, 1)
	go func() { waitErr <- term.cmd.Wait() }()
	select {
	case err := <-waitErr:
		if err != nil {
			t.Errorf("worker exit after SIGTERM: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("worker did not exit within 10s of SIGTERM")
	}
	for task := range tasks {
		l, err := st.CurrentLease(ctx, "arch", task)
		if err == nil && l.Holder == term.id && l.Expires.After(time.Now()) {
			t.Errorf("task %d: lease still held by the SIGTERMed worker until %v", task, l.Expires)
		}
	}
	if !strings.Contains(term.stderr.String(), "to=terminated") {
		t.Errorf("SIGTERMed worker did not log its terminated state")
	}
}

// tryGet is a GET that reports connection errors as status 0.
func (c *client) tryGet(path string) (int, error) {
	resp, err := httpClient.Get(c.base + path)
	if err != nil {
		return 0, err
	}
	resp.Body.Close()
	return resp.StatusCode, nil
}

var httpClient = &http.Client{Timeout: 2 * time.Second}

// countRecords counts the record files the idempotent sink wrote.
func countRecords(t *testing.T, dir string) int {
	t.Helper()
	m, err := filepath.Glob(filepath.Join(dir, "events-*"))
	if err != nil {
		t.Fatal(err)
	}
	return len(m)
}

// checkRecords checks that the sink holds each offset of each partition once, with values
// that are all distinct and cover v00000..v(n-1).
func checkRecords(t *testing.T, dir string, partitions, n int) {
	t.Helper()
	seen := map[string]bool{}
	total := 0
	for p := range partitions {
		for off := 0; ; off++ {
			b, err := os.ReadFile(filepath.Join(dir, fmt.Sprintf("events-%d-%d", p, off)))
			if os.IsNotExist(err) {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
			if seen[string(b)] {
				t.Errorf("value %s written at two offsets", b)
			}
			seen[string(b)] = true
			total++
		}
	}
	if total != n {
		t.Errorf("sink holds %d records in contiguous offsets, want %d (a gap means a lost record)", total, n)
	}
	for i := range n {
		if v := fmt.Sprintf("v%05d", i); !seen[v] {
			t.Errorf("record %s lost", v)
		}
	}
	log, _ := os.ReadFile(filepath.Join(dir, "deliveries.log"))
	t.Logf("%d deliveries for %d records (redeliveries after the kill are absorbed by the idempotent sink)", bytes.Count(log, []byte("\n")), n)
}
