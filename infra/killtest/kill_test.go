package killtest

import (
	"bufio"
	"compress/gzip"
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/connectless/connectless/core/connect"
)

// TestIntegrationKilledTaskProcesses archives the topic while task processes are SIGKILLed
// at random moments (fetching, encoding, uploading, committing) and re-dispatched by the
// scheduler once their leases expire; every offset must end up in exactly one object.
func TestIntegrationKilledTaskProcesses(t *testing.T) {
	n, target := sizes()
	e := setup(t, n)
	d := newDriver(e, killMode, target, 1)
	e.drive(d)
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
	e.drive(d)
	if d.races < target {
		t.Errorf("%d races between two invocations of one task, want at least %d", d.races, target)
	}
	e.verify()
}

// drive runs scheduler ticks, dispatching task processes through d, until the kills or
// races are done, every record is committed, and no task process is left.
func (e *env) drive(d *driver) {
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
		caught := e.caughtUp(ctx)
		d.mu.Lock()
		d.working = !caught
		done, failures := d.inflicted() >= d.target, d.failures
		inflicted := d.inflicted()
		d.mu.Unlock()
		if len(failures) > 0 {
			t.Fatalf("task process failed:\n%s", strings.Join(failures, "\n"))
		}
		if caught && !done && d.mode == killMode {
			t.Fatalf("every record archived after %d of %d kills: raise -records", inflicted, d.target)
		}
		if caught && (done || d.mode == raceMode) {
			d.step(true)
			if d.live() == 0 {
				break
			}
		}
		if time.Since(start) > limit {
			t.Fatalf("not caught up after %s: %d of %d inflicted, %d invocations", limit, inflicted, d.target, d.invocations)
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

// verify reads every object of the bucket back and checks that each offset of each
// partition is in exactly one object, at its place: a file starting at offset s holds
// s, s+1, … in order.
func (e *env) verify() {
	t := e.t
	ctx := context.Background()
	start := time.Now()
	var keys []string
	p := s3.NewListObjectsV2Paginator(e.s3c, &s3.ListObjectsV2Input{Bucket: aws.String(bucket)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range page.Contents {
			keys = append(keys, aws.ToString(o.Key))
		}
	}
	seen := make([][]uint8, partitions)
	for i := range seen {
		seen[i] = make([]uint8, e.perPartition)
	}
	var (
		mu    sync.Mutex
		wg    sync.WaitGroup
		errs  []string
		total int64
		work  = make(chan string)
	)
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for key := range work {
				part, first, seqs, err := e.readObject(ctx, key)
				mu.Lock()
				if err != nil {
					errs = append(errs, err.Error())
				}
				for i, s := range seqs {
					switch {
					case s != first+int64(i):
						errs = append(errs, fmt.Sprintf("%s: record %d has seq %d, want %d", key, i, s, first+int64(i)))
					case s < 0 || s >= e.perPartition:
						errs = append(errs, fmt.Sprintf("%s: seq %d out of range", key, s))
					default:
						if seen[part][s] < 255 {
							seen[part][s]++
						}
					}
				}
				total += int64(len(seqs))
				mu.Unlock()
			}
		}()
	}
	for _, k := range keys {
		work <- k
	}
	close(work)
	wg.Wait()
	if len(errs) > 0 {
		t.Errorf("%d bad objects or records, first: %s", len(errs), strings.Join(errs[:min(len(errs), 5)], "; "))
	}
	var lost, dup int64
	for p := range seen {
		for s, c := range seen[p] {
			switch {
			case c == 0:
				if lost < 5 {
					t.Errorf("partition %d offset %d is in no object", p, s)
				}
				lost++
			case c > 1:
				if dup < 5 {
					t.Errorf("partition %d offset %d is in %d objects", p, s, c)
				}
				dup++
			}
		}
	}
	t.Logf("bucket: %d objects, %d records read back in %s; %d offsets lost, %d duplicated (of %d)",
		len(keys), total, time.Since(start).Round(time.Millisecond), lost, dup, e.n)
	if total != int64(e.n) || lost != 0 || dup != 0 {
		t.Errorf("bucket holds %d records for %d produced: %d lost, %d duplicated", total, e.n, lost, dup)
	}
}

// readObject returns the Kafka partition and start offset named by an archive key
// (…/app-logs+3+0000001200.json.gz) and the seq of each record in the object.
func (e *env) readObject(ctx context.Context, key string) (part int, first int64, seqs []int64, err error) {
	base := key[strings.LastIndexByte(key, '/')+1:]
	fields := strings.Split(strings.TrimSuffix(base, ".json.gz"), "+")
	if len(fields) != 3 || fields[0] != topic {
		return 0, 0, nil, fmt.Errorf("unexpected key %q", key)
	}
	if part, err = strconv.Atoi(fields[1]); err != nil || part < 0 || part >= partitions {
		return 0, 0, nil, fmt.Errorf("key %q: bad partition", key)
	}
	if first, err = strconv.ParseInt(fields[2], 10, 64); err != nil {
		return 0, 0, nil, fmt.Errorf("key %q: bad start offset: %w", key, err)
	}
	obj, err := e.s3c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
	if err != nil {
		return 0, 0, nil, fmt.Errorf("get %s: %w", key, err)
	}
	defer obj.Body.Close()
	zr, err := gzip.NewReader(obj.Body)
	if err != nil {
		return 0, 0, nil, fmt.Errorf("gunzip %s: %w", key, err)
	}
	sc := bufio.NewScanner(zr)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		s, ok := parseSeq(sc.Bytes())
		if !ok {
			return 0, 0, nil, fmt.Errorf("%s: line without seq: %.80s", key, sc.Text())
		}
		seqs = append(seqs, s)
	}
	if err := sc.Err(); err != nil {
		return 0, 0, nil, fmt.Errorf("read %s: %w", key, err)
	}
	return part, first, seqs, nil
}
