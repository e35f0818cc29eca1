package taskslice

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/connectless/connectless/core/connect"
	"github.com/connectless/connectless/core/kafka"
)

// batchSink writes down what each Put holds and which memory each batch was in; with
// releases it keeps nothing of a batch (connect.BatchReleaser).
type batchSink struct {
	releases bool
	got      []string
	memory   map[*connect.SinkRecord]bool
	puts     int
	first    []connect.SinkRecord // the first batch itself, kept when the task does not release
	firstGot []string
}

func (*batchSink) Start(context.Context, map[string]string, connect.SinkTaskContext) error {
	return nil
}

func (s *batchSink) Put(_ context.Context, recs []connect.SinkRecord) error {
	s.puts++
	s.memory[&recs[0]] = true
	for i := range recs {
		s.got = append(s.got, describe(&recs[i]))
	}
	if s.first == nil && !s.releases {
		s.first, s.firstGot = recs, slices.Clone(s.got)
	}
	return nil
}

func (*batchSink) Flush(context.Context, map[connect.TopicPartition]int64) error { return nil }
func (*batchSink) Stop() error                                                   { return nil }
func (s *batchSink) ReleasesBatches() bool                                       { return s.releases }

// describe is a record's partition, offset, value and value as read.
func describe(r *connect.SinkRecord) string {
	return fmt.Sprintf("%d@%d=%s/%s", r.KafkaPartition(), r.KafkaOffset(), r.Value, r.RawValue)
}

// TestIntegrationSinkBatchReuse checks that a task that releases its batches gets the same
// records in one batch's memory refilled, and that a task that does not gets a batch of
// its own for every Put, which later Puts leave as it was.
func TestIntegrationSinkBatchReuse(t *testing.T) {
	c := newKafka(t, 2, "in")
	var msgs []kafka.Message
	var want []string
	for i := range 45 {
		p := int32(i % 2)
		msgs = append(msgs, kafka.Message{Topic: "in", Partition: p, Value: fmt.Appendf(nil, "v%d", i)})
		want = append(want, fmt.Sprintf("%d@%d=v%d/v%d", p, i/2, i, i))
	}
	produce(t, c, msgs...)
	slices.Sort(want)
	for _, releases := range []bool{false, true} {
		t.Run(fmt.Sprint("releases=", releases), func(t *testing.T) {
			s := &batchSink{releases: releases, memory: map[*connect.SinkRecord]bool{}}
			res, err := RunSinkSlice(testContext(t), nil, SinkSlice{Task: s, Client: c, Assignment: assignment("in", 2),
				Converters: byteConverters(), BatchSize: 10})
			if err != nil || res.Records != 45 {
				t.Fatalf("slice read %d records: %v", res.Records, err)
			}
			got := slices.Sorted(slices.Values(s.got))
			if !slices.Equal(got, want) {
				t.Fatalf("records\n%q\nwant\n%q", got, want)
			}
			if s.puts < 5 {
				t.Fatalf("%d Puts of at most 10 records", s.puts)
			}
			if releases && len(s.memory) != 1 {
				t.Errorf("%d Puts in %d batches' memory, want 1", s.puts, len(s.memory))
			}
			if !releases {
				if len(s.memory) != s.puts {
					t.Errorf("%d Puts in %d batches' memory, want one each", s.puts, len(s.memory))
				}
				for i := range s.first {
					if d := describe(&s.first[i]); d != s.firstGot[i] {
						t.Errorf("kept record %d is %q after later Puts, was %q", i, d, s.firstGot[i])
					}
				}
			}
		})
	}
}
