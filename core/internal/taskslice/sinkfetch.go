package taskslice

import (
	"context"
	"errors"

	"github.com/connectless/connectless/core/connect"
	"github.com/connectless/connectless/core/kafka"
)

// FetchRoundBytes is what one round of fetches reads over the pending partitions when
// SinkSlice.Fetch.MaxBytes is 0.
const FetchRoundBytes = 4 << 20

// Bounds of one partition's fetch in a round when SinkSlice.Fetch.MaxBytes is 0.
const (
	minPartitionFetch = 64 << 10
	maxPartitionFetch = 1 << 20
)

// fetchOptions returns the options of one round over n partitions.
func (r *sinkRun) fetchOptions(n int) kafka.FetchOptions {
	opts := r.s.Fetch
	if opts.MaxBytes == 0 && n > 0 {
		opts.MaxBytes = min(max(FetchRoundBytes/n, minPartitionFetch), maxPartitionFetch)
	}
	return opts
}

// round picks the partitions one round fetches. With the default budget (Fetch.MaxBytes 0)
// a round reads at most FetchRoundBytes: when the pending partitions are more than that
// budget holds at minPartitionFetch each, the round takes that many of them, starting
// where the previous partial round stopped, so memory stays flat in partition count and
// every partition gets its turn.
func (r *sinkRun) round(pending []connect.TopicPartition) []connect.TopicPartition {
	n := FetchRoundBytes / minPartitionFetch
	if r.s.Fetch.MaxBytes != 0 || len(pending) <= n {
		return pending
	}
	start := r.nextRound % len(pending)
	out := make([]connect.TopicPartition, 0, n)
	for i := range n {
		out = append(out, pending[(start+i)%len(pending)])
	}
	r.nextRound = start + n
	return out
}

// fetch reads every pending partition concurrently, bounded by the slice's end.
func (r *sinkRun) fetch(ctx context.Context, tps []connect.TopicPartition) (map[connect.TopicPartition]kafka.FetchResult, error) {
	fctx := ctx
	if !r.stopAt.IsZero() {
		var cancel context.CancelFunc
		fctx, cancel = context.WithDeadline(ctx, r.stopAt)
		defer cancel()
	}
	type out struct {
		tp  connect.TopicPartition
		fr  kafka.FetchResult
		err error
	}
	ch := make(chan out, len(tps))
	opts := r.fetchOptions(len(tps))
	for _, tp := range tps {
		go func() {
			fr, err := r.s.Client.Fetch(fctx, tp, r.pos[tp], opts)
			ch <- out{tp, fr, err}
		}()
	}
	results := make(map[connect.TopicPartition]kafka.FetchResult, len(tps))
	var errs []error
	retriable := 0
	for range tps {
		o := <-ch
		switch {
		case o.err == nil:
			results[o.tp] = o.fr
		case ctx.Err() != nil:
			errs = append(errs, ctx.Err())
		case fctx.Err() != nil:
			// the slice's time is over: stop quietly
		case errors.Is(o.err, kafka.ErrOffsetOutOfRange) && r.s.OffsetReset != ResetNone:
			r.resetOutOfRange(ctx, o.tp, o.err)
		case kafka.IsRetriable(o.err):
			retriable++
			r.interrupted = o.err
			r.logger.Warn("fetch failed, retrying", attrTopic, o.tp.Topic, attrPartition, o.tp.Partition, attrError, o.err)
		default:
			errs = append(errs, o.err)
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	if len(results) == 0 && retriable > 0 {
		r.fetchFailures++
		if err := sleep(ctx, wait(nil, r.fetchFailures, r.s.Errors.RetryDelayMax), r.stopAt); err != nil && !errors.Is(err, errSliceOver) {
			return nil, err
		}
	} else {
		r.fetchFailures = 0
		if retriable == 0 {
			r.interrupted = nil
		}
	}
	return results, nil
}

// resetOutOfRange moves a partition whose position left the log (retention) as the reset
// policy says.
func (r *sinkRun) resetOutOfRange(ctx context.Context, tp connect.TopicPartition, cause error) {
	get := r.s.Client.StartOffsets
	if r.s.OffsetReset == ResetLatest {
		get = r.s.Client.EndOffsets
	}
	offs, err := get(ctx, []connect.TopicPartition{tp})
	if err != nil {
		r.logger.Warn("reset offset", attrTopic, tp.Topic, attrPartition, tp.Partition, attrError, err)
		return
	}
	r.logger.Warn("offset out of range, resetting", attrTopic, tp.Topic, attrPartition, tp.Partition,
		attrOffset, r.pos[tp], "reset_to", offs[tp], attrError, cause)
	r.pos[tp] = offs[tp]
	r.current[tp] = offs[tp]
}
