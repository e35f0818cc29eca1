package taskslice

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/connectless/connectless/core/connect"
	"github.com/connectless/connectless/core/kafka"
	"github.com/connectless/connectless/core/store"
	"github.com/connectless/connectless/infra/devstack"
	"github.com/connectless/connectless/infra/devstack/devstacktest"
)

// srec is a source record read from file at position pos.
func srec(file string, pos int64, topic, value string) connect.SourceRecord {
	return connect.SourceRecord{
		Record: connect.Record{Topic: topic, KeySchema: bytesSchema, Key: []byte(file), ValueSchema: bytesSchema, Value: []byte(value),
			Timestamp: time.UnixMilli(1_700_000_000_000 + pos)},
		SourcePartition: map[string]any{"file": file},
		SourceOffset:    map[string]any{"position": pos},
	}
}

type committedRecord struct {
	value string
	meta  *connect.RecordMetadata
}

// scriptSource returns its batches from successive polls, then nothing.
type scriptSource struct {
	mu         sync.Mutex
	batches    [][]connect.SourceRecord
	retriable  int            // polls failing with a RetriableError first
	fatal      error          // returned by the poll after the batches
	beforePoll func(call int) // runs at each poll
	polls      int
	records    []committedRecord
	commits    int
	started    int
	stopped    int
	reader     connect.OffsetReader
}

func (s *scriptSource) Start(_ context.Context, _ map[string]string, tctx connect.SourceTaskContext) error {
	s.started++
	s.reader = tctx.OffsetReader()
	return nil
}

func (s *scriptSource) Poll(context.Context) ([]connect.SourceRecord, error) {
	s.polls++
	if s.beforePoll != nil {
		s.beforePoll(s.polls)
	}
	if s.retriable > 0 {
		s.retriable--
		return nil, connect.Retriable(errors.New("source busy"))
	}
	if len(s.batches) > 0 {
		b := s.batches[0]
		s.batches = s.batches[1:]
		return b, nil
	}
	if s.fatal != nil {
		return nil, s.fatal
	}
	return nil, nil
}

func (s *scriptSource) CommitRecord(_ context.Context, rec connect.SourceRecord, meta *connect.RecordMetadata) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.records = append(s.records, committedRecord{string(rec.Value.([]byte)), meta})
	return nil
}

func (s *scriptSource) Commit(context.Context) error { s.commits++; return nil }

func (s *scriptSource) Stop() error { s.stopped++; return nil }

// dropTransform drops records whose value is "drop".
type dropTransform struct{}

func (dropTransform) Apply(r *connect.Record) (*connect.Record, error) {
	if b, _ := r.Value.([]byte); string(b) == "drop" {
		return nil, nil
	}
	return r, nil
}

func offsetsOf(offs []store.SourceOffset) []string {
	out := make([]string, len(offs))
	for i, o := range offs {
		out[i] = fmt.Sprintf("%v=%v", o.Partition["file"], o.Offset["position"])
	}
	return out
}

func TestIntegrationSourceSliceCommitsAcknowledgedOffsets(t *testing.T) {
	c := newKafka(t, 3, "out")
	ctx := testContext(t)
	two := int32(2)
	explicit := srec("b", 1, "out", "b1")
	explicit.Partition = &two
	task := &scriptSource{batches: [][]connect.SourceRecord{
		{srec("a", 0, "out", "a0"), srec("a", 1, "out", "a1"), srec("b", 0, "out", "b0")},
		{srec("a", 2, "out", "a2"), explicit},
	}}
	var committed []store.SourceOffset
	res, err := RunSourceSlice(ctx, nil, SourceSlice{Task: task, Client: c, IdlePolls: 2, Converters: byteConverters(),
		ConnectorName: "gen", Commit: func(_ context.Context, offs []store.SourceOffset) error {
			committed = offs
			return nil
		}})
	if err != nil {
		t.Fatal(err)
	}
	if got := offsetsOf(res.Committable); !slices.Equal(got, []string{"a=2", "b=1"}) {
		t.Fatalf("committable %v, want a=2 b=1", got)
	}
	if !slices.Equal(offsetsOf(committed), offsetsOf(res.Committable)) || task.commits != 1 || task.stopped != 1 {
		t.Fatalf("commit callback got %v, task commits %d stopped %d", offsetsOf(committed), task.commits, task.stopped)
	}
	if off, err := task.reader.Offset(ctx, map[string]any{"file": "a"}); err != nil || off != nil {
		t.Fatalf("offset reader of a slice without one: %v, %v", off, err)
	}
	if res.Polled != 5 || res.Produced != 5 {
		t.Fatalf("result %+v", res)
	}
	// Every CommitRecord names where Kafka put the record.
	var inKafka []string
	for p := range int32(3) {
		for _, m := range readAll(t, c, connect.TopicPartition{Topic: "out", Partition: p}) {
			inKafka = append(inKafka, fmt.Sprintf("%s@%d/%d", m.Value, p, m.Offset))
		}
	}
	var hooked []string
	for _, r := range task.records {
		if r.meta == nil || r.meta.Topic != "out" {
			t.Fatalf("record %s committed without metadata", r.value)
		}
		hooked = append(hooked, fmt.Sprintf("%s@%d/%d", r.value, r.meta.Partition, r.meta.Offset))
	}
	if !slices.Equal(sortedCopy(hooked), sortedCopy(inKafka)) || len(hooked) != 5 {
		t.Fatalf("CommitRecord saw %v, Kafka holds %v", hooked, inKafka)
	}
	for _, r := range task.records {
		if r.value == "b1" && r.meta.Partition != 2 {
			t.Fatalf("record with explicit partition 2 went to partition %d", r.meta.Partition)
		}
	}
}

func TestIntegrationSourceProduceFailsHalfWay(t *testing.T) {
	batches := func() [][]connect.SourceRecord {
		return [][]connect.SourceRecord{
			{srec("a", 0, "small", "a0"), srec("a", 1, "small", "a1"), srec("b", 0, "other", "b0")},
			{srec("a", 2, "small", "a2 "+strings.Repeat("x", 2000)), srec("a", 3, "small", "a3"), srec("b", 1, "other", "b1")},
		}
	}
	tests := []struct {
		name      string
		tolerance Tolerance
		want      []string
		wantErr   bool
	}{
		{"tolerance none returns the acknowledged prefix", ToleranceNone, []string{"a=1", "b=1"}, true},
		{"tolerance all skips the record Kafka refused", ToleranceAll, []string{"a=3", "b=1"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newKafka(t, 1, "other")
			ctx := testContext(t)
			if err := c.CreateTopics(ctx, kafka.TopicSpec{Name: "small", Partitions: 1, Configs: map[string]string{"max.message.bytes": "1000"}}); err != nil {
				t.Fatal(err)
			}
			task := &scriptSource{batches: batches()}
			errs := DefaultErrorConfig()
			errs.Tolerance = tt.tolerance
			var committed []store.SourceOffset
			res, err := RunSourceSlice(ctx, nil, SourceSlice{Task: task, Client: c, IdlePolls: 1, Converters: byteConverters(),
				Errors: errs, Commit: func(_ context.Context, offs []store.SourceOffset) error { committed = offs; return nil }})
			if tt.wantErr {
				var re *RecordError
				if !errors.As(err, &re) || re.Stage != StageKafkaProduce || re.Topic != "small" {
					t.Fatalf("got %v, want a KAFKA_PRODUCE RecordError on topic small", err)
				}
				if task.commits != 0 {
					t.Fatal("the task's commit hook ran after a failed slice")
				}
			} else if err != nil {
				t.Fatal(err)
			}
			if got := offsetsOf(res.Committable); !slices.Equal(got, tt.want) {
				t.Fatalf("committable %v, want %v", got, tt.want)
			}
			if !slices.Equal(offsetsOf(committed), tt.want) || task.stopped != 1 {
				t.Fatalf("commit callback got %v, stopped %d", offsetsOf(committed), task.stopped)
			}
			small := valuesOf(readAll(t, c, connect.TopicPartition{Topic: "small"}))
			if len(small) < 2 || small[0] != "a0" || small[1] != "a1" {
				t.Fatalf("topic small holds %v", small)
			}
		})
	}
}

func TestIntegrationSourceBrokerGoneHalfWay(t *testing.T) {
	for _, tolerance := range []Tolerance{ToleranceNone, ToleranceAll} {
		t.Run(string(tolerance), func(t *testing.T) { testSourceBrokerGone(t, tolerance) })
	}
}

// testSourceBrokerGone: whatever the tolerance, records Kafka could not take because it was
// unavailable are never skipped.
func testSourceBrokerGone(t *testing.T, tolerance Tolerance) {
	k := devstacktest.Kafka(t, devstack.KafkaOptions{Partitions: 1, Topics: []string{"out"}})
	c := newClient(t, k)
	w := c.NewWriter(kafka.WriterOptions{MaxAttempts: 2})
	defer w.Close()
	task := &scriptSource{
		// The slice polls while a batch is produced; an empty poll settles what is on its
		// way first, so the broker goes away after the first batch was acknowledged.
		batches: [][]connect.SourceRecord{
			{srec("a", 0, "out", "a0"), srec("a", 1, "out", "a1")},
			nil,
			{srec("a", 2, "out", "a2"), srec("a", 3, "out", "a3")},
		},
		beforePoll: func(call int) {
			if call == 3 {
				_ = k.Close()
			}
		},
	}
	errs := DefaultErrorConfig()
	errs.Tolerance = tolerance
	res, err := RunSourceSlice(testContext(t), nil, SourceSlice{Task: task, Writer: w, IdlePolls: 2, Converters: byteConverters(), Errors: errs})
	if err == nil {
		t.Fatal("the slice succeeded with the broker gone")
	}
	if got := offsetsOf(res.Committable); !slices.Equal(got, []string{"a=1"}) {
		t.Fatalf("committable %v, want a=1 (the records acknowledged before the broker went away)", got)
	}
}

func TestIntegrationSourceRecordErrors(t *testing.T) {
	c := newKafka(t, 1, "out")
	tests := []struct {
		name      string
		task      *scriptSource
		tolerance Tolerance
		transform Transformer
		want      []string
		wantStage Stage
		wantErr   string
		produced  int
	}{
		{name: "poll retried after RetriableError", task: &scriptSource{retriable: 2, batches: [][]connect.SourceRecord{{srec("a", 0, "out", "a0")}}},
			want: []string{"a=0"}, produced: 1},
		{name: "non-retriable poll error fails", task: &scriptSource{batches: [][]connect.SourceRecord{{srec("a", 0, "out", "a0")}}, fatal: errors.New("file vanished")},
			want: []string{"a=0"}, wantErr: "poll: file vanished", produced: 1},
		{name: "dropped record is committable", transform: dropTransform{},
			task: &scriptSource{batches: [][]connect.SourceRecord{{srec("a", 0, "out", "a0"), srec("a", 1, "out", "drop")}}},
			want: []string{"a=1"}, produced: 1},
		{name: "converter failure with tolerance none keeps the prefix",
			task: &scriptSource{batches: [][]connect.SourceRecord{{srec("a", 0, "out", "a0"), srec("b", 0, "out", "b0"), srec("a", 1, "out", "poison"), srec("a", 2, "out", "a2")}}},
			want: []string{"a=0", "b=0"}, wantStage: StageValueConverter, produced: 2},
		{name: "converter failure with tolerance all is skipped", tolerance: ToleranceAll,
			task: &scriptSource{batches: [][]connect.SourceRecord{{srec("a", 0, "out", "a0"), srec("a", 1, "out", "poison"), srec("a", 2, "out", "a2")}}},
			want: []string{"a=2"}, produced: 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			errs := DefaultErrorConfig()
			errs.Tolerance = tt.tolerance
			errs.RetryDelayMax = time.Millisecond
			res, err := RunSourceSlice(testContext(t), nil, SourceSlice{Task: tt.task, Client: c, IdlePolls: 1,
				Converters: byteConverters(), Transform: tt.transform, Errors: errs})
			switch {
			case tt.wantStage != "":
				var re *RecordError
				if !errors.As(err, &re) || re.Stage != tt.wantStage || re.Partition != -1 || re.Offset != -1 || re.Topic != "out" {
					t.Fatalf("got %v, want a %s RecordError", err, tt.wantStage)
				}
			case tt.wantErr != "":
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("got %v, want %q", err, tt.wantErr)
				}
			case err != nil:
				t.Fatal(err)
			}
			if got := offsetsOf(res.Committable); !slices.Equal(got, tt.want) || res.Produced != tt.produced {
				t.Fatalf("committable %v produced %d, want %v and %d", got, res.Produced, tt.want, tt.produced)
			}
			if tt.task.started != 1 || tt.task.stopped != 1 {
				t.Fatalf("started %d stopped %d", tt.task.started, tt.task.stopped)
			}
		})
	}
}

func TestRunSourceSliceRejectsIncompleteSlice(t *testing.T) {
	c, err := kafka.NewClient(kafka.Options{Brokers: []string{"127.0.0.1:1"}})
	if err != nil {
		t.Fatal(err)
	}
	tests := []SourceSlice{
		{Client: c, Converters: byteConverters(), IdlePolls: 1},
		{Task: &scriptSource{}, Converters: byteConverters(), IdlePolls: 1},
		{Task: &scriptSource{}, Client: c, IdlePolls: 1},
		{Task: &scriptSource{}, Client: c, Converters: byteConverters()},
	}
	for i, s := range tests {
		if _, err := RunSourceSlice(t.Context(), nil, s); !errors.Is(err, ErrBadSlice) {
			t.Errorf("slice %d: got %v, want ErrBadSlice", i, err)
		}
	}
}
