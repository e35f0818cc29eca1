package bench

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	kafkago "github.com/segmentio/kafka-go"
)

// Log line vocabulary: services, levels and messages of an application's logs.
var (
	serviceNames = [...]string{"checkout", "payments", "search", "catalog", "auth", "cart", "shipping", "inventory"}
	levels       = [...]string{"DEBUG", "INFO", "INFO", "INFO", "WARN", "ERROR"}
	messages     = [...]string{
		"request served", "cache miss for product", "payment authorised", "user signed in",
		"slow query on orders", "retrying upstream call", "session expired", "stock level updated",
	}
)

// logLine appends one JSON log line of about size bytes to b: timestamp, level, service,
// host, trace id, latency and a message padded to size.
func logLine(b []byte, rng *rand.Rand, at time.Time, size int) []byte {
	start := len(b)
	b = append(b, `{"ts":"`...)
	b = at.UTC().AppendFormat(b, "2006-01-02T15:04:05.000Z")
	b = append(b, `","level":"`...)
	b = append(b, levels[rng.IntN(len(levels))]...)
	b = append(b, `","service":"`...)
	svc := serviceNames[rng.IntN(len(serviceNames))]
	b = append(b, svc...)
	b = append(b, `","host":"`...)
	b = append(b, svc...)
	b = append(b, '-')
	b = strconv.AppendInt(b, int64(rng.IntN(16)), 10)
	b = append(b, `","trace_id":"`...)
	b = strconv.AppendUint(b, rng.Uint64(), 16)
	b = append(b, `","latency_ms":`...)
	b = strconv.AppendInt(b, int64(rng.IntN(2000)), 10)
	b = append(b, `,"msg":"`...)
	b = append(b, messages[rng.IntN(len(messages))]...)
	for len(b)-start < size-2 {
		b = append(b, ' ', 'a'+byte(rng.IntN(26)))
	}
	return append(b, `"}`...)
}

// load writes n log lines of about size bytes to topic, spread round-robin over its
// partitions, and returns the value bytes written.
func load(ctx context.Context, brokers []string, topic string, n, size int) (int64, error) {
	return produce(ctx, brokers, topic, n, func(b []byte, rng *rand.Rand, at time.Time) ([]byte, error) {
		return logLine(b, rng, at, size), nil
	})
}

// firstWriteError shortens kafka-go's per-message errors to the first one and a count.
func firstWriteError(err error) error {
	var we kafkago.WriteErrors
	if !errors.As(err, &we) {
		return err
	}
	for _, e := range we {
		if e != nil {
			return fmt.Errorf("%d of %d messages failed, first: %w", we.Count(), len(we), e)
		}
	}
	return err
}

// produceLine appends one value to b.
type produceLine func(b []byte, rng *rand.Rand, at time.Time) ([]byte, error)

// produce writes n values made by line to topic, spread round-robin over its partitions,
// with record times over the last hour, and returns the value bytes written.
func produce(ctx context.Context, brokers []string, topic string, n int, line produceLine) (int64, error) {
	const chunk = 20000
	// A transport of its own: the default one caches metadata from before the topic existed.
	tr := &kafkago.Transport{}
	defer tr.CloseIdleConnections()
	w := &kafkago.Writer{
		Transport: tr,
		Addr:      kafkago.TCP(brokers...), Topic: topic, Balancer: &kafkago.RoundRobin{},
		BatchSize: 4000, BatchBytes: 1 << 20, BatchTimeout: 5 * time.Millisecond,
		RequiredAcks: kafkago.RequireOne,
	}
	defer w.Close()
	var (
		next  atomic.Int64
		total atomic.Int64
		wg    sync.WaitGroup
		errMu sync.Mutex
		first error
	)
	fail := func(err error) {
		errMu.Lock()
		first = cmpErr(first, err)
		errMu.Unlock()
	}
	from := time.Now().Add(-time.Hour)
	for g := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(g), 20240105))
			msgs := make([]kafkago.Message, 0, chunk)
			for {
				lo := next.Add(chunk) - chunk
				if lo >= int64(n) {
					return
				}
				hi := min(lo+chunk, int64(n))
				msgs = msgs[:0]
				var buf []byte
				for i := lo; i < hi; i++ {
					at := from.Add(time.Duration(int64(time.Hour) * i / int64(n)))
					s := len(buf)
					var err error
					if buf, err = line(buf, rng, at); err != nil {
						fail(fmt.Errorf("value for %s: %w", topic, err))
						return
					}
					msgs = append(msgs, kafkago.Message{Value: buf[s:len(buf):len(buf)], Time: at})
					total.Add(int64(len(buf) - s))
				}
				if err := w.WriteMessages(ctx, msgs...); err != nil {
					fail(fmt.Errorf("produce to %s: %w", topic, firstWriteError(err)))
					return
				}
			}
		}()
	}
	wg.Wait()
	return total.Load(), first
}

func cmpErr(first, err error) error {
	if first != nil {
		return first
	}
	return err
}
