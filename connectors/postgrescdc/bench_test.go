package postgrescdc

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/connectless/connectless/core/connect"
	"github.com/connectless/connectless/core/connect/connecttest"
	"github.com/connectless/connectless/core/kafka"
	"github.com/jackc/pgx/v5"
)

var figures = flag.Bool("figures", false, "measure the CDC figures (capture rate, CPU, latency, slot lag) and log them")

func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// pgbenchLoad runs pgbench's TPC-B-like transaction (three updates and an insert) on
// clients connections until stop closes; it counts committed row changes.
func pgbenchLoad(ctx context.Context, t *testing.T, dsn string, clients int, stop <-chan struct{}, changes *atomic.Int64) *sync.WaitGroup {
	var wg sync.WaitGroup
	for c := 0; c < clients; c++ {
		wg.Add(1)
		go func(seed uint64) {
			defer wg.Done()
			conn, err := pgx.Connect(ctx, dsn)
			if err != nil {
				t.Error(err)
				return
			}
			defer conn.Close(context.Background())
			rng := rand.New(rand.NewPCG(seed, 7))
			for {
				select {
				case <-stop:
					return
				default:
				}
				aid, tid, bid, delta := 1+rng.IntN(10000), 1+rng.IntN(10), 1, rng.IntN(10000)-5000
				b := &pgx.Batch{}
				b.Queue("BEGIN")
				b.Queue("UPDATE bench.accounts SET abalance = abalance + $1 WHERE aid = $2", delta, aid)
				b.Queue("UPDATE bench.tellers SET tbalance = tbalance + $1 WHERE tid = $2", delta, tid)
				b.Queue("UPDATE bench.branches SET bbalance = bbalance + $1 WHERE bid = $2", delta, bid)
				b.Queue("INSERT INTO bench.history (tid, bid, aid, delta, mtime) VALUES ($1, $2, $3, $4, now())", tid, bid, aid, delta)
				b.Queue("COMMIT")
				if err := conn.SendBatch(ctx, b).Close(); err != nil {
					if ctx.Err() == nil {
						t.Error(err)
					}
					return
				}
				changes.Add(4)
			}
		}(uint64(c))
	}
	return &wg
}

// TestIntegrationFigures measures, with -figures: changes per second captured while a
// pgbench-style load runs, CPU seconds per million changes captured, the latency from commit
// to the record in Kafka for a task that polls continuously, and the slot lag on a schedule.
func TestIntegrationFigures(t *testing.T) {
	if !*figures {
		t.Skip("run with -figures")
	}
	e := newPgEnv(t, "bench")
	e.exec(t, "CREATE TABLE bench.accounts (aid INT PRIMARY KEY, bid INT, abalance INT, filler CHAR(84))",
		"CREATE TABLE bench.tellers (tid INT PRIMARY KEY, bid INT, tbalance INT, filler CHAR(84))",
		"CREATE TABLE bench.branches (bid INT PRIMARY KEY, bbalance INT, filler CHAR(88))",
		"CREATE TABLE bench.history (hid BIGSERIAL PRIMARY KEY, tid INT, bid INT, aid INT, delta INT, mtime TIMESTAMP, filler CHAR(22))",
		"INSERT INTO bench.accounts SELECT g, 1, 0, '' FROM generate_series(1, 10000) g",
		"INSERT INTO bench.tellers SELECT g, 1, 0, '' FROM generate_series(1, 10) g", "INSERT INTO bench.branches VALUES (1, 0, '')")
	props := e.props("b", SnapshotModeConfig, SnapshotNoData)
	offsets := connecttest.NewOffsets()
	slice(t, props, offsets)
	ctx := t.Context()

	// 1. A backlog: the load runs 15 s with no reader, then a task drains it alone.
	var written atomic.Int64
	stop := make(chan struct{})
	wg := pgbenchLoad(ctx, t, e.pg.DSN, 4, stop, &written)
	time.Sleep(15 * time.Second)
	close(stop)
	wg.Wait()
	task := &Task{}
	if err := task.Start(ctx, props, connecttest.SourceContext{Reader: offsets}); err != nil {
		t.Fatal(err)
	}
	cpu1, t1 := cpuTime(), time.Now()
	backlog := 0
	for idle := 0; idle < 2; {
		recs, err := task.Poll(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(recs) == 0 {
			idle++
		}
		backlog += len(recs)
	}
	drainCPU, drainTime := cpuTime()-cpu1, time.Since(t1)-time.Second // the two idle polls
	t.Logf("backlog of %d changes (4 pgbench clients, 15 s) drained alone in %s: %.0f changes/s, %.1f CPU-s per million changes "+
		"(decode, convert, build records; no Kafka)", backlog, drainTime.Round(time.Millisecond), float64(backlog)/drainTime.Seconds(),
		drainCPU.Seconds()/float64(backlog)*1e6)

	// 2. Capture while the load runs: the task polls for 20 s.
	written.Store(0)
	stop = make(chan struct{})
	wg = pgbenchLoad(ctx, t, e.pg.DSN, 4, stop, &written)
	t0 := time.Now()
	captured := 0
	for time.Since(t0) < 20*time.Second {
		recs, err := task.Poll(ctx)
		if err != nil {
			t.Fatal(err)
		}
		captured += len(recs)
	}
	close(stop)
	wg.Wait()
	elapsed := time.Since(t0)
	t.Logf("under load (4 pgbench clients on the same 2 cores): %d changes committed, %d captured in %s: %.0f changes/s captured",
		written.Load(), captured, elapsed.Round(time.Millisecond), float64(captured)/elapsed.Seconds())
	task.Stop()

	// 3. Commit -> Kafka latency: a runtime slice of 30 s polls continuously, a consumer reads
	// the topic; each row carries its commit time in source.ts_ms.
	topic := "b.bench.tellers"
	r := newRunEnv(t, topic, "b.bench.accounts", "b.bench.branches", "b.bench.history", "__debezium-heartbeat.b")
	r.env.IdlePolls = 1 << 30 // a continuous slice: it ends at its deadline only
	r.create(t, "lat", e.props("b", SnapshotModeConfig, SnapshotNoData, SlotNameConfig, e.slot+"_lat"))
	sliceCtx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		taskrunRun(sliceCtx, r, "lat", 40*time.Second)
	}()
	time.Sleep(3 * time.Second)
	var lat []time.Duration
	var off int64
	go func() {
		for i := 0; i < 200; i++ {
			e.pgExecOwn(ctx, "UPDATE bench.tellers SET tbalance = tbalance + 1 WHERE tid = $1", 1+i%10)
			time.Sleep(50 * time.Millisecond)
		}
	}()
	deadline := time.Now().Add(25 * time.Second)
	for len(lat) < 200 && time.Now().Before(deadline) {
		res, err := r.client.Fetch(ctx, connect.TopicPartition{Topic: topic}, off, kafka.FetchOptions{MaxWait: 20 * time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		now := time.Now()
		for _, m := range res.Messages {
			var v struct {
				Payload struct {
					Source struct {
						TsUs int64 `json:"ts_us"`
					} `json:"source"`
				} `json:"payload"`
			}
			if json.Unmarshal(m.Value, &v) == nil && v.Payload.Source.TsUs > 0 {
				lat = append(lat, now.Sub(time.UnixMicro(v.Payload.Source.TsUs)))
			}
		}
		off = res.Next
	}
	cancel()
	<-done
	slices.Sort(lat)
	if len(lat) > 0 {
		t.Logf("commit -> Kafka latency, continuous slice, %d changes at 20/s: p50 %s, p99 %s, max %s", len(lat),
			lat[len(lat)/2].Round(time.Millisecond), lat[len(lat)*99/100].Round(time.Millisecond), lat[len(lat)-1].Round(time.Millisecond))
	}

	// 4. Slot lag on a schedule: a load of 2 clients for 30 s, an invocation every 10 s.
	written.Store(0)
	stop = make(chan struct{})
	wg = pgbenchLoad(ctx, t, e.pg.DSN, 2, stop, &written)
	lag := func() int64 {
		n, err := slotLag(ctx, e.conn, e.slot+"_lat")
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	for i := 0; i < 3; i++ {
		time.Sleep(10 * time.Second)
		before := lag()
		t2 := time.Now()
		res, err := r.invoke(ctx, "lat")
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("schedule rate(10s), run %d: slot lag %s before the invocation, %s after; %d changes in %s", i+1,
			mib(before), mib(lag()), res.Written, time.Since(t2).Round(time.Millisecond))
	}
	close(stop)
	wg.Wait()
}

func mib(n int64) string { return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20)) }

func taskrunRun(ctx context.Context, r *runEnv, name string, d time.Duration) {
	r.env.Margin = time.Second
	_, _ = r.invoke2(ctx, name, d)
}
