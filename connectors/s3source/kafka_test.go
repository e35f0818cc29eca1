package s3source

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/connectless/connectless/connectors/archive/format"
	"github.com/connectless/connectless/core/connect"
	"github.com/connectless/connectless/core/convert"
	"github.com/connectless/connectless/core/kafka"
	"github.com/connectless/connectless/core/store"
	"github.com/connectless/connectless/core/taskrun"
	"github.com/connectless/connectless/infra/devstack"
	"github.com/connectless/connectless/infra/devstack/devstacktest"
)

const restored = "app-logs-restored"

func startKafka(t *testing.T) *kafka.Client {
	t.Helper()
	k := devstacktest.Kafka(t, devstack.KafkaOptions{Partitions: 2, Topics: []string{restored}})
	c, err := kafka.NewClient(kafka.Options{Brokers: k.Brokers(), Timeout: 10 * time.Second, DialTimeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// jsonConverters are what a restore of a JSON archive of string keys uses.
func jsonConverters(t *testing.T) taskrun.Converters {
	t.Helper()
	k, err := convert.New("org.apache.kafka.connect.storage.StringConverter", nil, true)
	if err != nil {
		t.Fatal(err)
	}
	v, err := convert.New("org.apache.kafka.connect.json.JsonConverter", map[string]string{"schemas.enable": "false"}, false)
	if err != nil {
		t.Fatal(err)
	}
	h, err := convert.NewHeader("org.apache.kafka.connect.storage.SimpleHeaderConverter", nil)
	if err != nil {
		t.Fatal(err)
	}
	return taskrun.Converters{Key: k, Value: v, Header: h}
}

// runSlice runs one source slice that commits into offs (nil: dropped without commit).
func runSlice(ctx context.Context, t *testing.T, client *kafka.Client, task connect.SourceTask, props map[string]string, offs *offsets, maxRecords int) (taskrun.SourceResult, error) {
	t.Helper()
	return runSliceWith(ctx, t, client, task, props, offs, maxRecords, jsonConverters(t))
}

func runSliceWith(ctx context.Context, t *testing.T, client *kafka.Client, task connect.SourceTask, props map[string]string, offs *offsets, maxRecords int, conv taskrun.Converters) (taskrun.SourceResult, error) {
	t.Helper()
	s := taskrun.SourceSlice{
		Task: task, TaskConfig: props, Client: client, MaxRecords: maxRecords, IdlePolls: 2,
		Converters: conv, ConnectorName: "restore", Errors: taskrun.DefaultErrorConfig(),
	}
	if offs != nil {
		s.OffsetReader, s.Commit = offs, offs.commit
	}
	return taskrun.RunSourceSlice(ctx, nil, s)
}

// restoredSeqs reads a restored partition and returns each record's seq field, checking
// its key and headers against it.
func restoredSeqs(t *testing.T, c *kafka.Client, p int32) []int64 {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	tp := connect.TopicPartition{Topic: restored, Partition: p}
	ends, err := c.EndOffsets(ctx, []connect.TopicPartition{tp})
	if err != nil {
		t.Fatal(err)
	}
	var out []int64
	for next := int64(0); next < ends[tp]; {
		fr, err := c.Fetch(ctx, tp, next, kafka.FetchOptions{})
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range fr.Messages {
			var v struct{ Seq int64 }
			if err := json.Unmarshal(m.Value, &v); err != nil {
				t.Fatalf("offset %d: %v", m.Offset, err)
			}
			if want := fmt.Sprintf("k%d", v.Seq); string(m.Key) != want {
				t.Fatalf("offset %d: key %q, want %q", m.Offset, m.Key, want)
			}
			if len(m.Headers) != 2 || m.Headers[0].Key != "trace" || string(m.Headers[0].Value) != fmt.Sprintf("t-%d", v.Seq) {
				t.Fatalf("offset %d: headers %v", m.Offset, m.Headers)
			}
			out = append(out, v.Seq)
		}
		next = fr.Next
	}
	return out
}

func seqs(in []connect.SinkRecord, p int32) []int64 {
	var out []int64
	for _, r := range in {
		if r.KafkaPartition() == p {
			out = append(out, r.KafkaOffset())
		}
	}
	return out
}

func TestIntegrationRestoreOneHourIntoKafka(t *testing.T) {
	s := startS3(t)
	s.bucket(t, "archive")
	client := startKafka(t)
	sp := sinkProps(s, "archive", partitionerCases[2], formatCases[1]) // hourly, JSON gzip
	in := logs(mapValues, 2, 30)
	archive(t, sp, in)
	from, to := base.Add(2*time.Hour), base.Add(3*time.Hour)
	props := sourceProps(sp, map[string]string{"restore.time.start": from.Format(time.RFC3339), "restore.time.end": to.Format(time.RFC3339)})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	offs := newOffsets()
	res, err := runSlice(ctx, t, client, NewTask(nil), props, offs, 0)
	if err != nil {
		t.Fatal(err)
	}
	want := between(in, from, to)
	if res.Produced != len(want) {
		t.Fatalf("produced %d, want %d", res.Produced, len(want))
	}
	for p := range int32(2) {
		if got, w := restoredSeqs(t, client, p), seqs(want, p); !slices.Equal(got, w) {
			t.Errorf("partition %d restored %v, want %v", p, got, w)
		}
	}
	// A second run after the commit restores nothing more.
	res, err = runSlice(ctx, t, client, NewTask(nil), props, offs, 0)
	if err != nil || res.Produced != 0 {
		t.Fatalf("second run produced %d (%v), want 0", res.Produced, err)
	}
}

// cancelTask cancels the slice's context at its n-th poll, as a kill between two produce
// calls. (A kill in the middle of a produce call may leave records Kafka acknowledged after
// the committed offset: those come again on resume, as for any source connector.)
type cancelTask struct {
	*Task
	polls  int
	cancel context.CancelFunc
}

func (c *cancelTask) Poll(ctx context.Context) ([]connect.SourceRecord, error) {
	c.polls--
	if c.polls == 0 {
		c.cancel()
		return nil, ctx.Err()
	}
	return c.Task.Poll(ctx)
}

func TestIntegrationInterruptedRestoreResumes(t *testing.T) {
	s := startS3(t)
	s.bucket(t, "archive")
	client := startKafka(t)
	sp := sinkProps(s, "archive", partitionerCases[0], formatCases[2]) // default, JSON zstd
	in := logs(mapValues, 2, 25)
	archive(t, sp, in)
	props := sourceProps(sp, map[string]string{BatchSizeConfig: "3"})
	offs := newOffsets()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	// Slice 1 stops after 7 records (its time is up) and commits.
	if res, err := runSlice(ctx, t, client, NewTask(nil), props, offs, 7); err != nil || res.Produced < 7 {
		t.Fatalf("slice 1: produced %d, %v", res.Produced, err)
	}
	// Slice 2 is cancelled at its fourth poll: it commits what Kafka acknowledged.
	sctx, scancel := context.WithCancel(ctx)
	res, err := runSlice(sctx, t, client, &cancelTask{Task: NewTask(nil), polls: 4, cancel: scancel}, props, offs, 0)
	scancel()
	if res.Produced != 9 {
		t.Fatalf("slice 2 produced %d before the interruption, want 3 polls of 3 (%v)", res.Produced, err)
	}
	// Slice 3 finishes.
	if _, err := runSlice(ctx, t, client, NewTask(nil), props, offs, 0); err != nil {
		t.Fatalf("slice 3: %v", err)
	}
	for p := range int32(2) {
		if got, w := restoredSeqs(t, client, p), seqs(in, p); !slices.Equal(got, w) {
			t.Errorf("partition %d restored %v, want %v (no duplicate, no gap)", p, got, w)
		}
	}
}

// TestIntegrationResumeFromEveryRecord commits the source offset of each restored record in
// turn and checks that a new task resumes exactly after it, across file boundaries.
func TestIntegrationResumeFromEveryRecord(t *testing.T) {
	s := startS3(t)
	s.bucket(t, "archive")
	sp := sinkProps(s, "archive", partitionerCases[3], formatCases[5]) // time-based RecordField, Avro
	archive(t, sp, logs(structValues, 1, 13))
	props := sourceProps(sp, nil)
	full := restoreAll(t, props, nil)
	if len(full) != 13 {
		t.Fatalf("restored %d, want 13", len(full))
	}
	for i, r := range full {
		offs := newOffsets()
		if err := offs.commit(context.Background(), []store.SourceOffset{{Partition: r.SourcePartition, Offset: r.SourceOffset}}); err != nil {
			t.Fatal(err)
		}
		rest := restoreAll(t, props, offs)
		var got, want []any
		for _, x := range rest {
			got = append(got, normal(x.Value))
		}
		for _, x := range full[i+1:] {
			want = append(want, normal(x.Value))
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("resumed after record %d (%v): got %d records %v, want %d", i, r.SourceOffset, len(got), got, len(want))
		}
	}
}

func TestIntegrationBadInput(t *testing.T) {
	s := startS3(t)
	s.bucket(t, "archive")
	client := startKafka(t)
	sp := sinkProps(s, "archive", partitionerCases[0], formatCases[1]) // default, JSON gzip
	archive(t, sp, logs(mapValues, 1, 12))
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	t.Run("missing bucket", func(t *testing.T) {
		offs := newOffsets()
		_, err := runSlice(ctx, t, client, NewTask(nil), sourceProps(sp, map[string]string{"s3.bucket.name": "no-such-bucket"}), offs, 0)
		if !errors.Is(err, ErrNoBucket) {
			t.Fatalf("error %v, want ErrNoBucket", err)
		}
		if len(offs.m) != 0 {
			t.Fatalf("committed %v", offs.m)
		}
	})
	t.Run("unknown format", func(t *testing.T) {
		err := NewTask(nil).Start(ctx, sourceProps(sp, map[string]string{"format.class": "com.example.CsvFormat"}), nil)
		if !errors.Is(err, ErrConfig) {
			t.Fatalf("error %v, want ErrConfig", err)
		}
	})
	t.Run("corrupt object", func(t *testing.T) {
		s.put(t, "archive", "topics/app-logs/partition=0/app-logs+0+0000000004.json.gz", []byte("this is not gzip"))
		offs := newOffsets()
		res, err := runSlice(ctx, t, client, NewTask(nil), sourceProps(sp, nil), offs, 0)
		if !errors.Is(err, format.ErrFormat) {
			t.Fatalf("error %v, want ErrFormat", err)
		}
		if res.Produced != 4 {
			t.Fatalf("produced %d, want the 4 records before the corrupt object", res.Produced)
		}
		off, _ := offs.Offset(ctx, sourcePartition(connect.TopicPartition{Topic: "app-logs", Partition: 0}))
		if off[ObjectField] != "topics/app-logs/partition=0/app-logs+0+0000000000.json.gz" || off[IndexField] != float64(4) {
			t.Fatalf("committed %v, want the end of the first object", off)
		}
		if got := restoredSeqs(t, client, 0); !slices.Equal(got, []int64{0, 1, 2, 3}) {
			t.Fatalf("restored %v", got)
		}
	})
	t.Run("corrupt object ignored", func(t *testing.T) {
		out := restoreAll(t, sourceProps(sp, map[string]string{BehaviorOnErrorConfig: "ignore"}), nil)
		var got []int64
		for _, r := range out {
			got = append(got, normal(r.Value).(map[string]any)["seq"].(int64))
		}
		if !slices.Equal(got, []int64{0, 1, 2, 3, 8, 9, 10, 11}) {
			t.Fatalf("restored %v, want every record but the corrupt object's", got)
		}
	})
}

// TestIntegrationS3GoesAway stops the S3 store after the listing: polls fail with a
// retriable error (the runtime backs off and polls again) that does not stick, and
// nothing is returned for the file sets that could not be read.
func TestIntegrationS3GoesAway(t *testing.T) {
	startS3(t) // skips (or fails under CI=true) when versitygw is missing
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	d, err := devstack.StartS3(ctx, devstack.S3Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	c, err := d.NewClient(ctx)
	if err != nil {
		t.Fatal(err)
	}
	s := &testS3{S3: d, client: c}
	s.bucket(t, "archive")
	sp := sinkProps(s, "archive", partitionerCases[0], formatCases[1])
	archive(t, sp, logs(mapValues, 1, 8))
	task := NewTask(nil)
	if err := task.Start(ctx, sourceProps(sp, nil), nil); err != nil {
		t.Fatal(err)
	}
	defer task.Stop()
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		recs, err := task.Poll(ctx)
		if !connect.IsRetriable(err) || len(recs) != 0 {
			t.Fatalf("poll: %d records, error %v; want a retriable error and none", len(recs), err)
		}
	}
}
