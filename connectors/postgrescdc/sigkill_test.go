package postgrescdc

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	jdbc "github.com/connectless/connectless/connectors/sqldb"
	workerconfig "github.com/connectless/connectless/core/config"
	"github.com/connectless/connectless/core/connect"
	"github.com/connectless/connectless/core/kafka"
	"github.com/connectless/connectless/core/schedule"
	"github.com/connectless/connectless/core/store"
	"github.com/connectless/connectless/core/store/bolt"
	"github.com/connectless/connectless/core/taskrun"
	"github.com/connectless/connectless/infra/devstack"
	"github.com/connectless/connectless/infra/devstack/devstacktest"
)

// Environment of a child invocation started by TestIntegrationSIGKILLedInvocations.
const (
	childStateEnv   = "CDC_KILL_STATE"
	childBrokersEnv = "CDC_KILL_BROKERS"
)

// TestKillChildInvocation is one invocation in a process of its own: it does nothing unless
// started by TestIntegrationSIGKILLedInvocations.
func TestKillChildInvocation(t *testing.T) {
	path := os.Getenv(childStateEnv)
	if path == "" {
		t.Skip("runs as a child process of TestIntegrationSIGKILLedInvocations")
	}
	st, err := bolt.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	client, err := kafka.NewClient(kafka.Options{Brokers: strings.Split(os.Getenv(childBrokersEnv), ",")})
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	reg, err := connect.NewRegistry(append(workerconfig.BuiltinPlugins(), Plugin, jdbc.SinkPlugin)...)
	if err != nil {
		t.Fatal(err)
	}
	env := &taskrun.Env{Store: st, Registry: reg, Kafka: client, Holder: fmt.Sprint(os.Getpid()), Margin: 300 * time.Millisecond,
		IdlePolls: 2, Pipeline: taskrun.DefaultPipeline(reg, nil), LeaseGrace: 500 * time.Millisecond}
	res, err := taskrun.Run(t.Context(), env, schedule.Payload{Connector: "cdc"}, time.Now().Add(2*time.Second))
	if err != nil {
		fmt.Printf("WRITTEN=-1\n") // e.g. the lease of a killed invocation has not expired yet
		t.Log(err)
		return
	}
	fmt.Printf("WRITTEN=%d\n", res.Written)
}

// TestIntegrationSIGKILLedInvocations runs each invocation as a process of its own on a shared
// state file, SIGKILLs it at a random moment while a writer commits changes (1,000; 3,000 with
// -long), and checks that every change arrives, in order per key, and that the slot never
// confirms past the stored offsets.
func TestIntegrationSIGKILLedInvocations(t *testing.T) {
	// The shorter run writes more slowly, so that several invocations are killed while the
	// writer still commits.
	changes, keys, pause := 1000, 20, 8*time.Millisecond
	if *long {
		changes, keys, pause = 3000, 30, 2*time.Millisecond
	}
	e := newPgEnv(t, "sigkill")
	e.exec(t, "CREATE TABLE sigkill.c (id INT PRIMARY KEY, v INT NOT NULL)")
	topic := "sk.sigkill.c"
	k := devstacktest.Kafka(t, devstack.KafkaOptions{Partitions: 1, Topics: []string{topic, "__debezium-heartbeat.sk"}})
	path := filepath.Join(t.TempDir(), "state.db")
	st, err := bolt.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	cfg := e.props("sk", MaxBatchSizeConfig, "200")
	for key, v := range jsonConverters {
		cfg[key] = v
	}
	c := &Connector{}
	if err := c.Start(t.Context(), cfg); err != nil {
		t.Fatal(err)
	}
	tasks, _ := c.TaskConfigs(1)
	if err := st.CreateConnector(t.Context(), "cdc", cfg, store.TargetRunning); err != nil {
		t.Fatal(err)
	}
	if _, err := st.PutTaskConfigs(t.Context(), "cdc", tasks); err != nil {
		t.Fatal(err)
	}
	st.Close()

	child := func(killAfter time.Duration) (written int, killed bool) {
		cmd := exec.Command(os.Args[0], "-test.run=^TestKillChildInvocation$", "-test.v")
		cmd.Env = append(os.Environ(), childStateEnv+"="+path, childBrokersEnv+"="+strings.Join(k.Brokers(), ","))
		var out bytes.Buffer
		cmd.Stdout = &out
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		if killAfter > 0 {
			select {
			case <-done:
			case <-time.After(killAfter):
				cmd.Process.Signal(syscall.SIGKILL)
				<-done
				killed = true
			}
		} else {
			<-done
		}
		for _, line := range strings.Split(out.String(), "\n") {
			if n, ok := strings.CutPrefix(line, "WRITTEN="); ok {
				written, _ = strconv.Atoi(strings.TrimSpace(n))
			}
		}
		return written, killed
	}
	check := func() {
		s, err := bolt.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		offs, err := s.SourceOffsets(t.Context(), "cdc")
		if err != nil {
			t.Fatal(err)
		}
		confirmed := e.confirmedFlush(t)
		for _, o := range offs {
			p, _, _ := parsePosition(o.Offset)
			if confirmed > p.commit {
				t.Fatalf("confirmed_flush_lsn %d passes the stored offset %d", confirmed, p.commit)
			}
		}
	}
	for n, _ := child(0); n < 0; n, _ = child(0) { // creates the slot, snapshot of the empty table
	}
	writerDone := make(chan error, 1)
	go func() {
		ctx := context.Background()
		for i := 0; i < changes; i++ {
			stmt := "UPDATE sigkill.c SET v = v + 1 WHERE id = $1"
			if i < keys {
				stmt = "INSERT INTO sigkill.c VALUES ($1, 1)"
			}
			if _, err := e.pgExecOwn(ctx, stmt, i%keys); err != nil {
				writerDone <- err
				return
			}
			time.Sleep(pause)
		}
		writerDone <- nil
	}()
	rng := rand.New(rand.NewPCG(3, 4))
	kills := 0
	for writing := true; writing; {
		select {
		case err := <-writerDone:
			if err != nil {
				t.Fatal(err)
			}
			writing = false
		default:
		}
		if _, killed := child(time.Duration(300+rng.IntN(1500)) * time.Millisecond); killed {
			kills++
		}
		check()
	}
	for i := 0; i < 40; i++ {
		n, _ := child(0)
		if n == 0 {
			break
		}
		if n < 0 {
			time.Sleep(500 * time.Millisecond)
		}
	}
	check()

	client, err := kafka.NewClient(kafka.Options{Brokers: k.Brokers()})
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	last, seen := map[int]int{}, map[[2]int]bool{}
	for off := int64(0); ; {
		res, err := client.Fetch(t.Context(), connect.TopicPartition{Topic: topic}, off, kafka.FetchOptions{MaxBytes: 4 << 20, MaxWait: 100 * time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range res.Messages {
			var v struct {
				Payload struct {
					After *struct{ ID, V int } `json:"after"`
				} `json:"payload"`
			}
			if err := json.Unmarshal(m.Value, &v); err != nil || v.Payload.After == nil {
				t.Fatalf("record %d: %s", m.Offset, m.Value)
			}
			a := v.Payload.After
			if prev, ok := last[a.ID]; ok && a.V > prev+1 {
				t.Fatalf("key %d: %d after %d: a change is missing", a.ID, a.V, prev)
			}
			last[a.ID], seen[[2]int{a.ID, a.V}] = a.V, true
		}
		off = res.Next
		if off >= res.HighWatermark {
			break
		}
	}
	if len(seen) != changes {
		t.Fatalf("%d distinct changes arrived, want %d", len(seen), changes)
	}
	t.Logf("%d changes through %d SIGKILLed invocation processes", changes, kills)
	if kills < 2 {
		t.Errorf("only %d invocations were killed while the writer committed", kills)
	}
}
