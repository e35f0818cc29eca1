package killtest

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/connectless/connectless/core/connect"
)

// TestIntegrationKilledTaskProcesses archives the topic while task processes are SIGKILLed
// at random moments (fetching, encoding, uploading, committing) and re-dispatched by the
// scheduler once their leases expire; every offset must end up in exactly one object.
func TestIntegrationKilledTaskProcesses(t *testing.T) {
	n, target := sizes()
	e := setup(t, n)
	d := newDriver(e, killMode, target, 1)
	e.drive(d, e)
	if d.kills < target {
		t.Errorf("%d task processes killed while records remained, want at least %d", d.kills, target)
	}
	e.verify()
}

// TestIntegrationRacingInvocations archives the topic while invocations of the same task run
// at once: a task process is frozen (SIGSTOP) past its lease, a new invocation takes the
// task over, and the frozen one resumes (SIGCONT) while the new one runs, flushing its open
// files into the bucket before its commit is fenced. Every offset must end up in exactly
// one object.
func TestIntegrationRacingInvocations(t *testing.T) {
	n, target := sizes()
	e := setup(t, n)
	d := newDriver(e, raceMode, target, 2)
	e.drive(d, e)
	if d.races < target {
		t.Errorf("%d races between two invocations of one task, want at least %d", d.races, target)
	}
	e.verify()
}

// workload is the work a driven run goes through, as its ground truth tells: the sink tests'
// topic (env itself), the source test's file.
type workload interface {
	// caughtUp reports whether the tasks committed all the work there is; it ends the test
	// on a commit past the end of the work.
	caughtUp(ctx context.Context) bool
	// progress says how much of the work is committed, for a run that does not catch up.
	progress(ctx context.Context) string
	// grow adds a tenth more work and says what it added.
	grow(ctx context.Context) string
}

// drive runs scheduler ticks, dispatching task processes through d, until the kills or
// races are done, all of w is committed, and no task process is left. When all of w is
// committed before the kills or races are done, w grows (a tenth more each time), as logs
// keep coming in production.
func (e *env) drive(d *driver, w workload) {
	t := e.t
	ctx := context.Background()
	t.Cleanup(d.stopAll)
	start := time.Now()
	limit := 3 * time.Minute
	if *long {
		limit = 25 * time.Minute
	}
	lastLog := time.Now()
	for tick := 0; ; tick++ {
		caught := w.caughtUp(ctx)
		d.mu.Lock()
		d.working = !caught
		done, failures := d.inflicted() >= d.target, d.failures
		inflicted := d.inflicted()
		d.mu.Unlock()
		if len(failures) > 0 {
			t.Fatalf("task process failed:\n%s", strings.Join(failures, "\n"))
		}
		if caught && !done {
			// The logs keep coming: the work ran out before the kills or races did.
			t.Logf("all work committed after %d of %d inflicted: %s", inflicted, d.target, w.grow(ctx))
			caught = false
			d.mu.Lock()
			d.working = true // a kill from now on lands while the new work remains
			d.mu.Unlock()
		}
		if caught {
			d.step(true)
			if d.live() == 0 {
				break
			}
		}
		if time.Since(start) > limit {
			ran, skipped, fenced := d.outcome()
			t.Fatalf("not caught up after %s: %d of %d inflicted, %d invocations (%d ran to the end, %d skipped, %d fenced); %s; the last to end: %s",
				limit, inflicted, d.target, d.invocations, ran, skipped, fenced, w.progress(ctx), d.lastEnded())
		}
		if _, err := e.rt.Schedule(ctx, time.Now(), d); err != nil {
			t.Fatalf("scheduler tick: %v", err)
		}
		d.step(done)
		if time.Since(lastLog) > 10*time.Second {
			lastLog = time.Now()
			t.Logf("%s: %d invocations, %d of %d inflicted, %d task processes running", time.Since(start).Round(time.Second), d.invocations, inflicted, d.target, d.live())
		}
		time.Sleep(100 * time.Millisecond)
	}
	d.wg.Wait()
	ran, skipped, fenced := d.outcome()
	t.Logf("caught up in %s: %d invocations (%d ran to the end, %d skipped: lease held, %d fenced: lease lost), %d kills, %d races",
		time.Since(start).Round(time.Millisecond), d.invocations, ran, skipped, fenced, d.kills, d.races)
	if d.mode == raceMode && fenced == 0 {
		t.Errorf("no invocation was fenced: the races never overlapped")
	}
}

// grow produces a tenth more records to each partition of the topic.
func (e *env) grow(ctx context.Context) string {
	extra := max(e.perPartition/10, 1000)
	e.produce(ctx, e.perPartition, e.perPartition+extra)
	e.perPartition += extra
	e.n += int(extra) * partitions
	return fmt.Sprintf("%d more records produced", extra*partitions)
}

// caughtUp reports whether every partition's committed offset is its end offset.
func (e *env) caughtUp(ctx context.Context) bool {
	offs, err := e.rt.Store.SinkOffsets(ctx, connector)
	if err != nil {
		e.t.Fatalf("sink offsets: %v", err)
	}
	for p := range int32(partitions) {
		off := offs[connect.TopicPartition{Topic: topic, Partition: p}]
		if off > e.perPartition {
			e.t.Fatalf("partition %d committed %d, past its end %d", p, off, e.perPartition)
		}
		if off != e.perPartition {
			return false
		}
	}
	return true
}

// progress lists each partition's committed offset against its end offset.
func (e *env) progress(ctx context.Context) string {
	offs, err := e.rt.Store.SinkOffsets(ctx, connector)
	if err != nil {
		return fmt.Sprintf("sink offsets: %v", err)
	}
	parts := make([]string, 0, partitions)
	for p := range int32(partitions) {
		parts = append(parts, fmt.Sprintf("partition %d at %d", p, offs[connect.TopicPartition{Topic: topic, Partition: p}]))
	}
	return fmt.Sprintf("%s of %d each", strings.Join(parts, ", "), e.perPartition)
}

// verify reads every object of the bucket back and checks that each offset of each
// partition is in exactly one object, at its place.
func (e *env) verify() {
	t := e.t
	start := time.Now()
	sc, err := scanBucket(context.Background(), e.s3c, bucket, e.perPartition)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("bucket: %d objects, %d records read back in %s; %d offsets lost, %d duplicated (of %d)",
		sc.objects, sc.records, time.Since(start).Round(time.Millisecond), sc.lost, sc.duplicated, e.n)
	if len(sc.problems) > 0 {
		t.Errorf("%d problems, first: %s", len(sc.problems), strings.Join(sc.problems[:min(len(sc.problems), 10)], "; "))
	}
	if sc.records != int64(e.n) || sc.lost != 0 || sc.duplicated != 0 {
		t.Errorf("bucket holds %d records for %d produced: %d lost, %d duplicated", sc.records, e.n, sc.lost, sc.duplicated)
	}
}
