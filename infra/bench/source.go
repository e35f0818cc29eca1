package bench

import (
	"bufio"
	"cmp"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sync/atomic"
	"time"

	kafkago "github.com/segmentio/kafka-go"

	"github.com/connectless/connectless/core/kafka"
)

// isSource reports whether a job kind writes to Kafka (P7) rather than to a bucket.
func isSource(kind string) bool { return kind == KindSourceCeiling || kind == KindSourceWorker }

// source is P7: SourceRecords log lines in a file, written to a fresh topic per run by the
// plain loop and by FileStreamSource through the worker path; the topic's end offsets are
// the ground truth.
func (r *runner) source(ctx context.Context) error {
	n := r.opts.SourceRecords
	if n < 0 || !r.wants("source") {
		return nil
	}
	dir, err := os.MkdirTemp("", "connectless-bench-source-")
	if err != nil {
		return fmt.Errorf("P7: %w", err)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "logs.txt")
	size, err := writeLogFile(path, n, r.opts.RecordSize)
	if err != nil {
		return fmt.Errorf("P7: %w", err)
	}
	r.rep.SourceRecords, r.rep.SourceValueBytes = n, size
	r.progress("P7: %d log lines, %.1f MB, in a file", n, float64(size)/1e6)
	group := []variantJob{
		{"ceiling/source", Job{Kind: KindSourceCeiling, File: path}},
		{"worker/source-file", Job{Kind: KindSourceWorker, File: path, Tasks: 1, MemoryMB: r.taskMemoryMB(KindWorker)}},
	}
	r.rep.Source, err = r.interleave(ctx, "P7", group, n, size)
	return err
}

// writeLogFile writes n log lines of about size bytes to path, one per line, and returns
// the bytes of the lines without their newlines.
func writeLogFile(path string, n, size int) (int64, error) {
	f, err := os.Create(path)
	if err != nil {
		return 0, fmt.Errorf("log file: %w", err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	rng := rand.New(rand.NewPCG(7, 20240105))
	from := time.Now().Add(-time.Hour)
	var (
		total int64
		line  []byte
	)
	for i := range n {
		line = logLine(line[:0], rng, from.Add(time.Duration(i)*time.Millisecond), size)
		total += int64(len(line))
		w.Write(line)
		w.WriteByte('\n')
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return 0, fmt.Errorf("log file: %w", err)
	}
	return total, f.Close()
}

// newSourceTopic creates the fresh topic of one P7 run.
func (r *runner) newSourceTopic(ctx context.Context) (string, error) {
	topic := fmt.Sprintf("bench-source-%03d", r.seq)
	if err := r.svc.kc.CreateTopics(ctx, kafka.TopicSpec{Name: topic, Partitions: r.opts.Partitions, ReplicationFactor: 1}); err != nil {
		return "", fmt.Errorf("P7 topic: %w", err)
	}
	return topic, r.waitPartitions(ctx, topic, r.opts.Partitions)
}

// countTopic returns the records in topic: the sum of its partitions' end offsets.
func (r *runner) countTopic(ctx context.Context, topic string) (BucketCount, error) {
	tps, err := r.svc.kc.Partitions(ctx, topic)
	if err != nil {
		return BucketCount{}, fmt.Errorf("count %s: %w", topic, err)
	}
	ends, err := r.svc.kc.EndOffsets(ctx, tps)
	if err != nil {
		return BucketCount{}, fmt.Errorf("count %s: %w", topic, err)
	}
	c := BucketCount{Objects: len(tps)}
	for _, off := range ends {
		c.Records += off
	}
	return c, nil
}

// runSourceCeiling writes the file's lines to the topic with a plain kafka-go writer: the
// lines are read in chunks of 10,000, and a goroutine writes each chunk (WriteMessages waits
// for its acknowledgements) while the next ones are read, at most two chunks waiting.
func runSourceCeiling(ctx context.Context, j Job) (JobResult, error) {
	if len(j.Brokers) == 0 {
		return JobResult{}, errors.New("source ceiling: no brokers")
	}
	f, err := os.Open(j.File)
	if err != nil {
		return JobResult{}, fmt.Errorf("source ceiling: %w", err)
	}
	defer f.Close()
	tr := &kafkago.Transport{}
	defer tr.CloseIdleConnections()
	w := &kafkago.Writer{
		Transport: tr, Addr: kafkago.TCP(j.Brokers...), Topic: j.Topic, Balancer: &kafkago.RoundRobin{},
		BatchSize: 1000, BatchBytes: 1 << 20, BatchTimeout: 2 * time.Millisecond, RequiredAcks: kafkago.RequireAll,
	}
	defer w.Close()
	start := time.Now()
	const chunk = 10000
	var written atomic.Int64
	chunks := make(chan []kafkago.Message, 2)
	werr := make(chan error, 1)
	go func() {
		var err error
		for msgs := range chunks {
			if err != nil {
				continue // the rest is read and dropped
			}
			if err = w.WriteMessages(ctx, msgs...); err != nil {
				err = fmt.Errorf("produce to %s: %w", j.Topic, firstWriteError(err))
				continue
			}
			written.Add(int64(len(msgs)))
		}
		werr <- err
	}()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 1<<20), 16<<20)
	var (
		msgs = make([]kafkago.Message, 0, chunk)
		buf  []byte
	)
	for sc.Scan() {
		s := len(buf)
		buf = append(buf, sc.Bytes()...)
		msgs = append(msgs, kafkago.Message{Value: buf[s:len(buf):len(buf)]})
		if len(msgs) == chunk {
			chunks <- msgs
			msgs, buf = make([]kafkago.Message, 0, chunk), nil
		}
	}
	if len(msgs) > 0 {
		chunks <- msgs
	}
	close(chunks)
	err = cmp.Or(sc.Err(), <-werr)
	return JobResult{Records: written.Load(), Seconds: since(start)}, err
}
