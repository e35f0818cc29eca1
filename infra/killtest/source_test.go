package killtest

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/connectless/connectless/connectors/file"
	"github.com/connectless/connectless/core/connect"
	"github.com/connectless/connectless/core/kafka"
)

const (
	// sourceConnector is the FileStreamSource connector of the source test.
	sourceConnector = "app-logs-tail"
	// sourceTopic has one partition: FileStreamSource's records have no key, so the writer
	// deals them round-robin over a topic's partitions, and only on one partition is the
	// topic's order the file's order.
	sourceTopic = "app-logs-lines"
	// sourceBatch is the source's batch.size: small, so that a slice produces many batches
	// and the pipeline has several of them in flight when a kill lands.
	sourceBatch = 500
	// lineDigits is the width of the line number each line starts with.
	lineDigits = 9
)

// sourceSizes returns the line count and the number of kills of a source run: 100,000
// lines and 20 kills, 1,000,000 and 100 with -long; -records and -chaos override.
func sourceSizes() (n, target int) { return scaled(100000, 20, 1000000, 100) }

// TestIntegrationKilledSourceTaskProcesses reads a file into a topic with FileStreamSource
// while task processes are SIGKILLed at random moments (polling, producing with batches in
// flight, committing) and re-dispatched once their leases expire, until the committed
// source offset covers the whole file. The topic must then hold every line, in file order
// once re-sent lines are dropped, and the only duplicates must be re-sends after a kill
// (at-least-once, as Kafka Connect's source tasks): each restart goes back no further than
// the start of the run of lines it repeats, and there are no more restarts than kills.
func TestIntegrationKilledSourceTaskProcesses(t *testing.T) {
	n, target := sourceSizes()
	e := startRuntime(t)
	ctx := context.Background()
	if err := e.rt.Kafka.CreateTopics(ctx, kafka.TopicSpec{Name: sourceTopic, Partitions: 1}); err != nil {
		t.Fatal(err)
	}
	f := &sourceFile{e: e, path: filepath.Join(t.TempDir(), "app.log")}
	if err := f.appendLines(n / 10); err != nil {
		t.Fatal(err)
	}
	e.createConnector(sourceConnector, map[string]string{
		"connector.class":    file.SourceClass,
		"tasks.max":          "1",
		file.FileConfig:      f.path,
		file.TopicConfig:     sourceTopic,
		file.BatchSizeConfig: strconv.Itoa(sourceBatch),
		"key.converter":      "org.apache.kafka.connect.storage.StringConverter",
		"value.converter":    "org.apache.kafka.connect.storage.StringConverter",
	})
	f.startFeed(n-n/10, time.Duration(target)*killCost)
	d := newDriver(e, killMode, target, 5)
	e.drive(d, f)
	if d.kills < target {
		t.Errorf("%d task processes killed while lines remained, want at least %d", d.kills, target)
	}
	f.verify(ctx, d.kills)
}

// killCost is about what one kill takes: the killed invocation's run up to the kill, then
// its lease running out at its slice's end plus the grace, then the next tick; and a share
// of the invocations that are not killed, in between.
const killCost = 2200 * time.Millisecond

// feedStep is how often the feed appends the lines due by then.
const feedStep = 20 * time.Millisecond

// sourceFile is the source test's workload: a file of numbered lines, line i (from 0)
// starting with i in lineDigits digits, that grows while it is read, as a log does.
type sourceFile struct {
	e    *env
	path string

	mu      sync.Mutex
	lines   int           // lines written
	size    int64         // bytes written
	feeding bool          // the feed has lines left to append
	pace    time.Duration // the feed's time per line
}

// startFeed appends n lines at an even pace over d in a goroutine of its own, so that the
// task always has lines left to read while the kills land; the test's cleanup stops it.
func (f *sourceFile) startFeed(n int, d time.Duration) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	f.e.t.Cleanup(func() { cancel(); <-done })
	f.mu.Lock()
	f.feeding, f.pace = true, d/time.Duration(max(n, 1))
	f.mu.Unlock()
	go func() {
		defer close(done)
		if err := f.feed(ctx, n, d); err != nil && ctx.Err() == nil {
			f.e.t.Errorf("feed the source file: %v", err)
		}
	}()
}

// feed appends n lines at an even pace over d.
func (f *sourceFile) feed(ctx context.Context, n int, d time.Duration) error {
	defer func() {
		f.mu.Lock()
		f.feeding = false
		f.mu.Unlock()
	}()
	tick := time.NewTicker(feedStep)
	defer tick.Stop()
	start := time.Now()
	for written := 0; written < n; {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-tick.C:
		}
		due := min(n, int(int64(n)*int64(time.Since(start))/int64(d)))
		if err := f.appendLines(due - written); err != nil {
			return err
		}
		written = due
	}
	return nil
}

// appendLines appends n more numbered lines to the file.
func (f *sourceFile) appendLines(n int) error {
	if n <= 0 {
		return nil
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	out, err := os.OpenFile(f.path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return fmt.Errorf("open source file: %w", err)
	}
	w := bufio.NewWriterSize(out, 1<<20)
	for i := f.lines; i < f.lines+n; i++ {
		k, err := fmt.Fprintf(w, "%0*d %s INFO request completed path=/v1/items/%d latency_ms=%d\n",
			lineDigits, i, services[i%len(services)], i%9973, i%250)
		if err != nil {
			out.Close()
			return fmt.Errorf("write source file: %w", err)
		}
		f.size += int64(k)
	}
	if err := w.Flush(); err != nil {
		out.Close()
		return fmt.Errorf("write source file: %w", err)
	}
	f.lines += n
	if err := out.Close(); err != nil {
		return fmt.Errorf("close source file: %w", err)
	}
	return nil
}

// grow feeds a tenth more lines to the file at the pace of the first feed, as an
// application keeps logging.
func (f *sourceFile) grow(context.Context) string {
	f.mu.Lock()
	extra, pace := max(f.lines/10, 1000), f.pace
	f.mu.Unlock()
	d := time.Duration(extra) * pace
	f.startFeed(extra, d)
	return fmt.Sprintf("%d more lines fed to the file over %s", extra, d.Round(time.Millisecond))
}

// caughtUp reports whether the feed is done and the committed source offset of the file is
// its end.
func (f *sourceFile) caughtUp(ctx context.Context) bool {
	f.mu.Lock()
	size, feeding := f.size, f.feeding
	f.mu.Unlock()
	offs, err := f.e.rt.Store.SourceOffsets(ctx, sourceConnector)
	if err != nil {
		f.e.t.Fatalf("source offsets: %v", err)
	}
	for _, o := range offs {
		if o.Partition[file.FilenameField] != f.path {
			continue
		}
		pos, ok := connect.OffsetInt(o.Offset[file.PositionField])
		if !ok {
			f.e.t.Fatalf("source offset %v: no position", o.Offset)
		}
		if pos > size {
			f.e.t.Fatalf("committed position %d is past the end of the file (%d bytes)", pos, size)
		}
		return !feeding && pos == size
	}
	return false
}

// progress says how far into the file the committed source offset is.
func (f *sourceFile) progress(ctx context.Context) string {
	f.mu.Lock()
	size := f.size
	f.mu.Unlock()
	offs, err := f.e.rt.Store.SourceOffsets(ctx, sourceConnector)
	if err != nil {
		return fmt.Sprintf("source offsets: %v", err)
	}
	for _, o := range offs {
		if o.Partition[file.FilenameField] == f.path {
			return fmt.Sprintf("committed position %v of %d bytes", o.Offset[file.PositionField], size)
		}
	}
	return fmt.Sprintf("no committed position, %d bytes in the file", size)
}

// verify reads the topic back and checks its lines against the file (see checkResends);
// a restart is a killed invocation's uncommitted lines sent again, so there are at most
// kills of them.
func (f *sourceFile) verify(ctx context.Context, kills int) {
	t := f.e.t
	start := time.Now()
	seqs, err := readLines(ctx, f.e.rt.Kafka, connect.TopicPartition{Topic: sourceTopic})
	if err != nil {
		t.Fatal(err)
	}
	rs := checkResends(seqs, f.lines)
	t.Logf("topic: %d records read back in %s for %d lines; %d lost, %d duplicates in %d restarts (largest re-send %d lines) after %d kills",
		len(seqs), time.Since(start).Round(time.Millisecond), f.lines, rs.lost, rs.duplicates, rs.restarts, rs.largest, kills)
	if len(rs.problems) > 0 {
		t.Errorf("%d problems, first: %v", len(rs.problems), rs.problems[:min(len(rs.problems), 10)])
	}
	if rs.lost != 0 {
		t.Errorf("%d of %d lines lost", rs.lost, f.lines)
	}
	if rs.restarts > kills {
		t.Errorf("%d restarts (runs of lines sent again) for %d kills: duplicates that no kill explains", rs.restarts, kills)
	}
}
