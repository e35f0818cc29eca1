package taskslice

import (
	"context"
	"errors"
	"sync/atomic"
	"time"

	"github.com/connectless/connectless/core/connect"
	"github.com/connectless/connectless/core/kafka"
	"github.com/connectless/connectless/core/store"
)

// sourceDepth bounds the polled batches on their way to Kafka at once: one being produced
// and the ones polled meanwhile. The task polls while a batch is produced, as Kafka
// Connect's task thread does beside its producer, and never gets further ahead than this.
const sourceDepth = 3

// sourceGrace is how long the batches handed to the producer may still take once the
// slice's context is done: they finish (are acknowledged or fail) rather than being cut
// off half-sent, whose records Kafka may hold without the slice knowing it. Mirrors
// Kafka Connect's offset.flush.timeout.ms default (5 s), the time its task gets to flush
// outstanding records.
const sourceGrace = 5 * time.Second

// errNotProduced is the outcome of a record queued behind a failed one: it was not written.
var errNotProduced = errors.New("not produced after an earlier record of the slice failed")

// sourceBatch is the records of one poll on their way to Kafka.
type sourceBatch struct {
	items []sourceItem
	msgs  []kafka.Message // the produced items' messages; items[i].msg indexes it
	// failErr ended the batch early (tolerance none) at its last item; the items before it
	// are still produced.
	failErr error
}

// produced is a produced batch and the outcome of its messages.
type produced struct {
	batch   *sourceBatch
	results []kafka.ProduceResult
}

// sourcePipeline produces a slice's polled batches in a goroutine of its own, one batch
// per Produce call, one call at a time and in poll order, so that records of a source
// partition reach their Kafka partition in order and a batch is only written once the one
// before it was acknowledged or failed. The slice's goroutine hands it batches (send) and
// settles their outcomes (acknowledgements, CommitRecord hooks, error tolerance,
// committable offsets) in poll order.
type sourcePipeline struct {
	r *sourceRun
	// cancel ends the producer's context: the slice's without its cancellation, ended
	// sourceGrace after the slice's context is done, or at close.
	cancel    context.CancelFunc
	stopGrace func() bool
	queue     chan *sourceBatch
	done      chan produced
	pending   int         // batches sent and not yet settled
	stop      atomic.Bool // a batch failed: the queued ones are not written
	err       error       // the first failure settled
}

func (r *sourceRun) startPipeline(ctx context.Context) *sourcePipeline {
	p := &sourcePipeline{r: r, queue: make(chan *sourceBatch, sourceDepth), done: make(chan produced, sourceDepth)}
	pctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	p.cancel = cancel
	p.stopGrace = context.AfterFunc(ctx, func() {
		t := time.AfterFunc(sourceGrace, cancel)
		context.AfterFunc(pctx, func() { t.Stop() })
	})
	go p.produce(pctx)
	return p
}

// produce writes the queued batches one Produce call each, as they were polled: a batch
// is written alone, so that which records share a record batch (and fail together when
// Kafka refuses one) does not depend on how fast Kafka answers.
func (p *sourcePipeline) produce(ctx context.Context) {
	defer close(p.done)
	for b := range p.queue {
		pr := produced{batch: b}
		if p.stop.Load() {
			pr.results = make([]kafka.ProduceResult, len(b.msgs))
			for i := range pr.results {
				pr.results[i] = kafka.ProduceResult{Partition: b.msgs[i].Partition, Offset: -1, Err: errNotProduced}
			}
		} else {
			pr.results = p.r.writer.Produce(ctx, b.msgs)
		}
		p.done <- pr
	}
}

// send hands a prepared batch to the producer, first settling what was produced meanwhile
// and waiting while sourceDepth batches are on their way. It returns the first failure
// settled (the batch is then dropped: nothing of it was written).
func (p *sourcePipeline) send(ctx context.Context, b *sourceBatch) error {
	if err := p.drain(ctx); err != nil {
		return err
	}
	for p.pending >= sourceDepth {
		p.settle(ctx, <-p.done)
	}
	if p.err != nil {
		return p.err
	}
	p.queue <- b
	p.pending++
	return nil
}

// drain settles what was produced by now without waiting, and returns the first failure.
func (p *sourcePipeline) drain(ctx context.Context) error {
	for p.pending > 0 {
		select {
		case pr := <-p.done:
			p.settle(ctx, pr)
		default:
			return p.err
		}
	}
	return p.err
}

// flush waits for every batch sent to be produced, settles them, and returns the first
// failure.
func (p *sourcePipeline) flush(ctx context.Context) error {
	for p.pending > 0 {
		p.settle(ctx, <-p.done)
	}
	return p.err
}

// close waits for every batch sent to be produced, settles them, and returns the first
// failure.
func (p *sourcePipeline) close(ctx context.Context) error {
	close(p.queue)
	for pr := range p.done {
		p.settle(ctx, pr)
	}
	p.stopGrace()
	p.cancel()
	return p.err
}

func (p *sourcePipeline) settle(ctx context.Context, pr produced) {
	p.pending--
	if err := p.r.settle(ctx, pr.batch, pr.results); err != nil && p.err == nil {
		p.err = err
		p.stop.Store(true)
	}
}

// prepareBatch transforms and converts one polled batch. A record that fails with tolerance
// none ends the batch there (failErr): the records before it are still produced.
func (r *sourceRun) prepareBatch(ctx context.Context, recs []connect.SourceRecord) *sourceBatch {
	b := &sourceBatch{items: make([]sourceItem, 0, len(recs)), msgs: make([]kafka.Message, 0, len(recs))}
	for i := range recs {
		rec := &recs[i]
		b.items = append(b.items, sourceItem{rec: rec, key: r.keys.key(rec.SourcePartition), msg: -1})
		it := &b.items[len(b.items)-1]
		b.msgs = append(b.msgs, kafka.Message{})
		ok, err := r.prepare(ctx, it, &b.msgs[len(b.msgs)-1])
		if ok {
			it.msg = len(b.msgs) - 1
		} else {
			b.msgs = b.msgs[:len(b.msgs)-1]
		}
		if err != nil {
			it.state = itemFailed
			b.failErr = err
			break
		}
	}
	return b
}

// settle takes the outcome of a produced batch (results[i] is that of b.msgs[i]): it runs
// the CommitRecord hooks, applies the error tolerance to records Kafka refused and advances
// the committable offsets. It returns the batch's first failure.
func (r *sourceRun) settle(ctx context.Context, b *sourceBatch, results []kafka.ProduceResult) error {
	failErr := b.failErr
	rc, _ := r.s.Task.(connect.RecordCommitter)
	for i := range b.items {
		it := &b.items[i]
		if it.msg < 0 {
			if it.state == itemDone && rc != nil {
				r.commitRecord(ctx, rc, it.rec, nil)
			}
			continue
		}
		res := results[it.msg]
		if res.Err == nil {
			it.state = itemDone
			r.res.Produced++
			if rc != nil {
				r.commitRecord(ctx, rc, it.rec, &connect.RecordMetadata{Topic: it.topic, Partition: res.Partition, Offset: res.Offset, Timestamp: res.Time})
			}
			continue
		}
		if ctx.Err() != nil || !kafka.IsRecordError(res.Err) {
			// Not a bad record but an unreachable or unavailable Kafka: never skipped,
			// whatever the tolerance; the records are polled again from the committed
			// offsets.
			it.state = itemFailed
			if failErr == nil {
				failErr = res.Err
			}
			continue
		}
		f := failure{stage: StageKafkaProduce, class: producerClass, err: res.Err, topic: it.topic, partition: res.Partition, offset: -1, rec: &it.rec.Record}
		if err := r.h.fail(f); err != nil {
			it.state = itemFailed
			if failErr == nil {
				failErr = err
			}
			continue
		}
		it.state = itemDone // skipped with tolerance all, as Kafka Connect (KIP-779)
		if rc != nil {
			r.commitRecord(ctx, rc, it.rec, nil)
		}
	}
	r.advance(b.items)
	return failErr
}

// advance moves each source partition's committable offset to its latest settled record
// that follows no failed one; a failed record blocks its source partition for the rest of
// the slice. A batch's records mostly share their source partition: each run of one
// partition costs a few map operations, not a few per record.
func (r *sourceRun) advance(items []sourceItem) {
	for i := 0; i < len(items); {
		key := items[i].key
		j := i + 1
		for j < len(items) && items[j].key == key {
			j++
		}
		if !r.seen[key] {
			r.seen[key] = true
			r.order = append(r.order, key)
		}
		if !r.blocked[key] {
			var latest *connect.SourceRecord
			for k := i; k < j; k++ {
				it := &items[k]
				if it.state == itemFailed {
					r.blocked[key] = true
					break
				}
				if it.state == itemDone && it.rec.SourceOffset != nil {
					latest = it.rec
				}
			}
			if latest != nil {
				r.latest[key] = store.SourceOffset{Partition: latest.SourcePartition, Offset: latest.SourceOffset}
			}
		}
		i = j
	}
}
