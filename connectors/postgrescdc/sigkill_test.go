package postgrescdc

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
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
	"github.com/jackc/pgx/v5"
)

// Environment of a child invocation started by TestIntegrationSIGKILLedInvocations.
const (
	childStateEnv   = "CDC_KILL_STATE"
	childBrokersEnv = "CDC_KILL_BROKERS"
	// childKillAfterStoreEnv set makes the child SIGKILL itself as soon as it stored its
	// offsets: before the task lets the slot confirm them.
	childKillAfterStoreEnv = "CDC_KILL_AFTER_STORE"
)

// killAfterStore is a store whose invocation process SIGKILLs itself once source offsets
// are committed.
type killAfterStore struct{ store.Store }

func (s killAfterStore) CommitSourceOffsets(ctx context.Context, lease store.Lease, offs []store.SourceOffset) error {
	err := s.Store.CommitSourceOffsets(ctx, lease, offs)
	if err == nil && len(offs) > 0 {
		syscall.Kill(os.Getpid(), syscall.SIGKILL)
	}
	return err
}

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
	var envStore store.Store = st
	if os.Getenv(childKillAfterStoreEnv) != "" {
		envStore = killAfterStore{st}
	}
	env := &taskrun.Env{Store: envStore, Registry: reg, Kafka: client, Holder: fmt.Sprint(os.Getpid()), Margin: 300 * time.Millisecond,
		IdlePolls: 2, Pipeline: taskrun.DefaultPipeline(reg, nil), LeaseGrace: childGrace}
	res, err := taskrun.Run(t.Context(), env, schedule.Payload{Connector: "cdc"}, time.Now().Add(childSlice))
	if err != nil {
		fmt.Printf("WRITTEN=-1\n") // e.g. the lease of a killed invocation has not expired yet
		t.Log(err)
		return
	}
	fmt.Printf("WRITTEN=%d\n", res.Written)
}

// Timings of the SIGKILL test's invocations: a child's slice, and the grace after it before
// its lease expires (so that the invocation after a killed one waits that long at most).
const (
	childSlice = 1500 * time.Millisecond
	childGrace = 300 * time.Millisecond
)

// TestIntegrationSIGKILLedInvocations runs each invocation as a process of its own on a shared
// state file while a writer commits 20,000 changes (60,000 with -long): half of them are
// SIGKILLed at a random moment, a quarter SIGKILL themselves right after storing their
// offsets, before the slot confirms them. It checks that every change arrives, in order per
// key, that the slot never confirms past the stored offsets, and that invocations were killed
// after producing records and after storing offsets.
func TestIntegrationSIGKILLedInvocations(t *testing.T) {
	changes, keys := 20000, 40 // keys: a multiple of writers, so that each key has one writer
	if *long {
		changes = 60000
	}
	e := newPgEnv(t, "sigkill")
	e.exec(t, "CREATE TABLE sigkill.c (id INT PRIMARY KEY, v INT NOT NULL)")
	topic := "sk.sigkill.c"
	k := devstacktest.Kafka(t, devstack.KafkaOptions{Partitions: 1, Topics: []string{topic, "__debezium-heartbeat.sk"}})
	client, err := kafka.NewClient(kafka.Options{Brokers: k.Brokers()})
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	path := filepath.Join(t.TempDir(), "state.db")
	st, err := bolt.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	cfg := e.props("sk", MaxBatchSizeConfig, "500")
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

	// child runs one invocation; killAfter > 0 SIGKILLs it after that long if it still runs.
	// written is -1 when the invocation could not take the lease (a killed one still holds it).
	child := func(killAfter time.Duration, afterStore bool) (written int, killed bool) {
		cmd := exec.Command(os.Args[0], "-test.run=^TestKillChildInvocation$", "-test.v")
		cmd.Env = append(os.Environ(), childStateEnv+"="+path, childBrokersEnv+"="+strings.Join(k.Brokers(), ","))
		if afterStore {
			cmd.Env = append(cmd.Env, childKillAfterStoreEnv+"=1")
		}
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
		if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); ok && ws.Signaled() && ws.Signal() == syscall.SIGKILL {
			killed = true // also when it killed itself
		}
		for _, line := range strings.Split(out.String(), "\n") {
			if n, ok := strings.CutPrefix(line, "WRITTEN="); ok {
				written, _ = strconv.Atoi(strings.TrimSpace(n))
			}
		}
		return written, killed
	}
	end := func() int64 {
		tp := connect.TopicPartition{Topic: topic}
		offs, err := client.EndOffsets(t.Context(), []connect.TopicPartition{tp})
		if err != nil {
			t.Fatal(err)
		}
		return offs[tp]
	}
	// check returns the stored position, after checking that the slot does not confirm past it.
	check := func() uint64 {
		s, err := bolt.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		offs, err := s.SourceOffsets(t.Context(), "cdc")
		if err != nil {
			t.Fatal(err)
		}
		confirmed, stored := e.confirmedFlush(t), uint64(0)
		for _, o := range offs {
			p, _, _ := parsePosition(o.Offset)
			if confirmed > p.commit {
				t.Fatalf("confirmed_flush_lsn %d passes the stored offset %d", confirmed, p.commit)
			}
			stored = max(stored, p.commit)
		}
		return stored
	}
	for n, _ := child(0, false); n < 0; n, _ = child(0, false) { // creates the slot, snapshot of the empty table
	}
	// Writers on connections of their own commit one change per transaction, each to keys
	// of its own, so that their transactions interleave in the log while each key's changes
	// keep their order. They spread the changes over writeSpan at least, so that several
	// invocations are killed while they commit.
	const writers, writeSpan = 4, 15 * time.Second
	writeStart := time.Now()
	writerErr := make(chan error, writers)
	var wg sync.WaitGroup
	for w := 0; w < writers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ctx := context.Background()
			conn, err := pgx.Connect(ctx, e.pg.DSN)
			if err != nil {
				writerErr <- err
				return
			}
			defer conn.Close(ctx)
			for i := w; i < changes; i += writers {
				time.Sleep(time.Until(writeStart.Add(writeSpan * time.Duration(i) / time.Duration(changes))))
				stmt := "UPDATE sigkill.c SET v = v + 1 WHERE id = $1"
				if i < keys {
					stmt = "INSERT INTO sigkill.c VALUES ($1, 1)"
				}
				if _, err := conn.Exec(ctx, stmt, i%keys); err != nil {
					writerErr <- err
					return
				}
			}
		}()
	}
	writerDone := make(chan error, 1)
	go func() {
		wg.Wait()
		close(writerErr)
		writerDone <- <-writerErr
	}()
	// In turn: an invocation runs to its end (so that the stream advances while the writer
	// commits), one is SIGKILLed at a random moment (starting, streaming or producing), one
	// kills itself right after storing its offsets (before the slot confirms them), one is
	// SIGKILLed at random again.
	rng := rand.New(rand.NewPCG(3, 4))
	var kills, producing, afterStore int
	started, stored := time.Now(), check()
	for i, writing := 0, true; writing; i++ {
		select {
		case err := <-writerDone:
			if err != nil {
				t.Fatal(err)
			}
			writing = false
		default:
		}
		var killAfter time.Duration
		selfKill := false
		switch i % 4 {
		case 0: // runs to its end
		case 2: // kills itself once it stored its offsets, before the slot confirms them
			selfKill = true
		default:
			killAfter = time.Duration(200+rng.IntN(1600)) * time.Millisecond
		}
		before, t0 := end(), time.Now()
		n, killed := child(killAfter, selfKill)
		now := check()
		switch {
		case killed:
			kills++
			if end() > before {
				producing++
			}
			if now > stored {
				afterStore++ // killed once its offsets were stored: before or after the slot confirmed them
			}
			// The killed invocation's lease ends childSlice+childGrace after its start; the
			// next one would only be refused before (plus the killed process's start-up).
			time.Sleep(time.Until(t0.Add(childSlice + childGrace + 200*time.Millisecond)))
		case n < 0:
			time.Sleep(50 * time.Millisecond)
		}
		stored = now
	}
	writeTime := time.Since(started)
	for i := 0; i < 40; i++ {
		n, _ := child(0, false)
		if n == 0 {
			break
		}
		if n < 0 {
			time.Sleep(200 * time.Millisecond)
		}
	}
	check()

	seen, records := readCounterChanges(t, client, topic)
	if len(seen) != changes {
		t.Fatalf("%d distinct changes arrived, want %d", len(seen), changes)
	}
	t.Logf("%d changes written in %v; %d records (replays included); %d invocation processes SIGKILLed, %d after producing records, %d after storing offsets",
		changes, writeTime.Round(time.Millisecond), records, kills, producing, afterStore)
	if producing < 2 || afterStore < 1 {
		t.Errorf("%d invocations were killed after producing records, %d after storing offsets, while the writer committed (%d killed); want 2 and 1",
			producing, afterStore, kills)
	}
}
