package taskslice

import (
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/connectless/connectless/core/connect"
	"github.com/connectless/connectless/core/kafka"
)

// seed writes n records per partition, values "p<partition>-<i>".
func seed(t *testing.T, c *kafka.Client, topic string, partitions, n int) []string {
	t.Helper()
	var msgs []kafka.Message
	var want []string
	for p := range partitions {
		for i := range n {
			v := fmt.Sprintf("p%d-%02d", p, i)
			msgs = append(msgs, kafka.Message{Topic: topic, Partition: int32(p), Key: []byte("k"), Value: []byte(v),
				Headers: []kafka.Header{{Key: "trace", Value: []byte(v)}}})
			want = append(want, v)
		}
	}
	produce(t, c, msgs...)
	return want
}

func assignment(topic string, n int) []connect.TopicPartition {
	var tps []connect.TopicPartition
	for p := range n {
		tps = append(tps, connect.TopicPartition{Topic: topic, Partition: int32(p)})
	}
	return tps
}

func TestIntegrationSinkSlicesResumeWithoutGapOrDuplicate(t *testing.T) {
	c := newKafka(t, 3, "logs")
	ctx := testContext(t)
	want := seed(t, c, "logs", 3, 20)
	out := &collector{}
	committed := map[connect.TopicPartition]int64{}

	tests := []struct {
		name  string
		slice func(s *SinkSlice, task *memSink)
	}{
		// 12 Puts of 5 records at 40ms each cannot fit in 150ms: the first slice hits its deadline.
		{"deadline", func(s *SinkSlice, task *memSink) {
			s.Deadline = time.Now().Add(200 * time.Millisecond)
			s.Margin = 50 * time.Millisecond
			s.BatchSize = 5
			task.putDelay = 40 * time.Millisecond
		}},
		{"max records", func(s *SinkSlice, _ *memSink) { s.MaxRecords = 7 }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			*out = collector{}
			clear(committed)
			n := 0
			for caughtUp := false; !caughtUp; n++ {
				if n > 40 {
					t.Fatal("no progress after 40 slices")
				}
				task := &memSink{out: out}
				s := SinkSlice{Task: task, Client: c, Assignment: assignment("logs", 3), Start: maps.Clone(committed),
					Converters: byteConverters(), Errors: DefaultErrorConfig(), ConnectorName: "archive"}
				tt.slice(&s, task)
				res, err := RunSinkSlice(ctx, nil, s)
				if err != nil {
					t.Fatalf("slice %d: %v", n, err)
				}
				if task.started != 1 || task.stopped != 1 || task.opened != 1 || task.closed != 1 {
					t.Fatalf("slice %d: started %d stopped %d", n, task.started, task.stopped)
				}
				if !maps.Equal(res.Committable, out.flushed) {
					t.Fatalf("slice %d: committable %v, flushed %v", n, res.Committable, out.flushed)
				}
				maps.Copy(committed, res.Committable)
				caughtUp = res.CaughtUp
			}
			if n < 2 {
				t.Fatalf("caught up in %d slice, the test needs the slice to end early", n)
			}
			got := out.values()
			if !slices.Equal(sortedCopy(got), want) {
				t.Fatalf("after %d slices got %d records %v, want each of %d exactly once", n, len(got), got, len(want))
			}
			for _, tp := range assignment("logs", 3) {
				if committed[tp] != 20 {
					t.Errorf("%v committed at %d, want 20", tp, committed[tp])
				}
			}
		})
	}

	// The mirrored consumer group shows the committed offsets to lag tools.
	if err := MirrorSinkOffsets(ctx, c, "archive", committed); err != nil {
		t.Fatal(err)
	}
	got, err := c.FetchGroupOffsets(ctx, "connect-archive", assignment("logs", 3))
	if err != nil || !maps.Equal(got, committed) {
		t.Fatalf("group connect-archive has %v (%v), want %v", got, err, committed)
	}
}

func TestIntegrationSinkSliceStopsAtEndOffsetsSeenAtStart(t *testing.T) {
	c := newKafka(t, 1, "t")
	ctx := testContext(t)
	seed(t, c, "t", 1, 10)
	out := &collector{}
	lateArrivals := func() {
		produce(t, c, kafka.Message{Topic: "t", Partition: 0, Value: []byte("late")})
	}
	task := &memSink{out: out, onPut: lateArrivals}
	res, err := RunSinkSlice(ctx, nil, SinkSlice{Task: task, Client: c, Assignment: assignment("t", 1),
		Converters: byteConverters(), BatchSize: 3, Fetch: kafka.FetchOptions{MaxBytes: 64}})
	if err != nil {
		t.Fatal(err)
	}
	tp := connect.TopicPartition{Topic: "t", Partition: 0}
	if !res.CaughtUp || res.Committable[tp] != 10 || res.EndOffsets[tp] != 10 || res.Records != 10 {
		t.Fatalf("result %+v, want caught up at the end offset 10 seen at start", res)
	}
	if slices.Contains(out.values(), "late") {
		t.Fatalf("records produced after the slice started were delivered: %v", out.values())
	}
}

func TestIntegrationSinkPoisonRecordToleranceNone(t *testing.T) {
	c := newKafka(t, 2, "in")
	ctx := testContext(t)
	produce(t, c,
		kafka.Message{Topic: "in", Partition: 1, Value: []byte("ok-0")},
		kafka.Message{Topic: "in", Partition: 1, Value: []byte("ok-1")},
		kafka.Message{Topic: "in", Partition: 1, Value: []byte("poison pill")},
		kafka.Message{Topic: "in", Partition: 1, Value: []byte("ok-3")},
	)
	out := &collector{}
	task := &memSink{out: out}
	res, err := RunSinkSlice(ctx, nil, SinkSlice{Task: task, Client: c, Assignment: assignment("in", 2),
		Converters: byteConverters(), Errors: DefaultErrorConfig(), ConnectorName: "s"})
	var re *RecordError
	if !errors.As(err, &re) || !errors.Is(err, ErrToleranceExceeded) {
		t.Fatalf("got %v, want a RecordError", err)
	}
	if re.Topic != "in" || re.Partition != 1 || re.Offset != 2 || re.Stage != StageValueConverter {
		t.Fatalf("record error %+v, want in-1@2 at VALUE_CONVERTER", re)
	}
	for _, s := range []string{"in-1@2", "VALUE_CONVERTER"} {
		if !strings.Contains(err.Error(), s) {
			t.Errorf("error %q does not name %s", err, s)
		}
	}
	if res.Committable != nil || task.stopped != 1 {
		t.Fatalf("failed slice: committable %v, stopped %d; want nothing committable and the task stopped", res.Committable, task.stopped)
	}
}

// dlqSlice runs a sink slice with tolerance all and a dead-letter queue over a partition
// holding good, poison (converter failure) and bad (reported by the task) records.
func dlqSlice(t *testing.T, tolerance Tolerance) (*kafka.Client, SinkResult, *collector, error) {
	t.Helper()
	c := newKafka(t, 1, "in")
	ctx := testContext(t)
	ts := time.UnixMilli(1_700_000_000_123)
	produce(t, c,
		kafka.Message{Topic: "in", Partition: 0, Key: []byte("k0"), Value: []byte("good-0")},
		kafka.Message{Topic: "in", Partition: 0, Key: []byte("k1"), Value: []byte("poison pill"), Time: ts,
			Headers: []kafka.Header{{Key: "origin", Value: []byte("app")}}},
		kafka.Message{Topic: "in", Partition: 0, Key: []byte("k2"), Value: []byte("good-2")},
		kafka.Message{Topic: "in", Partition: 0, Key: []byte("k3"), Value: []byte("bad-3")},
		kafka.Message{Topic: "in", Partition: 0, Key: []byte("k4"), Value: []byte("good-4")},
	)
	errs := DefaultErrorConfig()
	errs.Tolerance = tolerance
	errs.DLQTopic = "dlq"
	errs.DLQReplicationFactor = 1
	errs.DLQContextHeaders = true
	errs.LogEnable = true
	out := &collector{}
	res, err := RunSinkSlice(ctx, nil, SinkSlice{Task: &memSink{out: out, report: true}, Client: c, Assignment: assignment("in", 1),
		Converters: byteConverters(), Errors: errs, ConnectorName: "archive", TaskID: 2})
	return c, res, out, err
}

func TestIntegrationSinkPoisonRecordGoesToDeadLetterQueue(t *testing.T) {
	c, res, out, err := dlqSlice(t, ToleranceAll)
	if err != nil {
		t.Fatal(err)
	}
	if got := out.values(); !slices.Equal(got, []string{"good-0", "good-2", "good-4"}) {
		t.Fatalf("delivered %v", got)
	}
	tp := connect.TopicPartition{Topic: "in", Partition: 0}
	if res.Committable[tp] != 5 || res.Skipped != 2 || res.DeadLettered != 2 {
		t.Fatalf("result %+v, want committable 5, 2 skipped, 2 dead-lettered", res)
	}
	dead := readAll(t, c, connect.TopicPartition{Topic: "dlq", Partition: 0})
	if len(dead) != 2 {
		t.Fatalf("dead-letter topic holds %d records, want 2", len(dead))
	}
	want := []struct {
		key, value, offset, stage, class, exception string
		origin                                      bool
	}{
		{"k1", "poison pill", "1", "VALUE_CONVERTER", "org.apache.kafka.connect.converters.ByteArrayConverter", dataExceptionClass, true},
		{"k3", "bad-3", "3", "TASK_PUT", "org.apache.kafka.connect.sink.SinkTask", dataExceptionClass, false},
	}
	for i, w := range want {
		m := dead[i]
		if string(m.Key) != w.key || string(m.Value) != w.value {
			t.Errorf("dead letter %d: key %q value %q, want the original bytes %q %q", i, m.Key, m.Value, w.key, w.value)
		}
		h := map[string]string{}
		var keys []string
		for _, hd := range m.Headers {
			h[hd.Key] = string(hd.Value)
			keys = append(keys, hd.Key)
		}
		wantHeaders := map[string]string{
			HeaderTopic: "in", HeaderPartition: "0", HeaderOffset: w.offset, HeaderConnectorName: "archive",
			HeaderTaskID: "2", HeaderStage: w.stage, HeaderClassName: w.class, HeaderExceptionClass: w.exception,
		}
		for k, v := range wantHeaders {
			if h[k] != v {
				t.Errorf("dead letter %d: header %s = %q, want %q", i, k, h[k], v)
			}
		}
		if h[HeaderExceptionMessage] == "" || !strings.HasPrefix(h[HeaderExceptionStack], w.exception+": ") {
			t.Errorf("dead letter %d: message %q stacktrace %q", i, h[HeaderExceptionMessage], h[HeaderExceptionStack])
		}
		if w.origin {
			if keys[0] != "origin" || h["origin"] != "app" || !m.Time.Equal(time.UnixMilli(1_700_000_000_123)) {
				t.Errorf("dead letter %d: original headers/timestamp not kept: %v %v", i, keys, m.Time)
			}
		}
	}

	// The same headers read by a standard Kafka client.
	kcat, lookErr := exec.LookPath("kcat")
	if lookErr != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("kcat not installed (apt-get install kcat)")
		}
		t.Skip("kcat not installed (apt-get install kcat); skipping the kcat read-back")
	}
	cmd := exec.Command(kcat, "-C", "-b", strings.Join(c.Brokers(), ","), "-t", "dlq", "-o", "beginning", "-e", "-q", "-f", "%k|%s|%h\n")
	b, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("kcat: %v: %s", err, b)
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if len(lines) != 2 {
		t.Fatalf("kcat read %d records: %s", len(lines), b)
	}
	for i, w := range want {
		for _, s := range []string{w.key + "|" + w.value + "|", "__connect.errors.topic=in", "__connect.errors.offset=" + w.offset,
			"__connect.errors.stage=" + w.stage, "__connect.errors.connector.name=archive", "__connect.errors.task.id=2"} {
			if !strings.Contains(lines[i], s) {
				t.Errorf("kcat line %d %q lacks %q", i, lines[i], s)
			}
		}
	}
}

func TestIntegrationSinkToleranceNoneStillReportsToDeadLetterQueue(t *testing.T) {
	c, res, out, err := dlqSlice(t, ToleranceNone)
	var re *RecordError
	if !errors.As(err, &re) || re.Offset != 1 || re.Stage != StageValueConverter {
		t.Fatalf("got %v, want the poison record's RecordError", err)
	}
	if res.Committable != nil {
		t.Fatalf("failed slice returned committable %v", res.Committable)
	}
	dead := readAll(t, c, connect.TopicPartition{Topic: "dlq", Partition: 0})
	if len(dead) != 1 || string(dead[0].Value) != "poison pill" {
		t.Fatalf("dead-letter topic: %v, want the poison record reported before failing", valuesOf(dead))
	}
	if got := out.values(); !slices.Equal(got, []string{}) && !slices.Equal(got, []string{"good-0"}) {
		t.Fatalf("delivered %v", got)
	}
}

func TestIntegrationSinkRetries(t *testing.T) {
	c := newKafka(t, 1, "in")
	ctx := testContext(t)
	produce(t, c,
		kafka.Message{Topic: "in", Partition: 0, Value: []byte("a")},
		kafka.Message{Topic: "in", Partition: 0, Value: []byte("flaky b")},
		kafka.Message{Topic: "in", Partition: 0, Value: []byte("c")},
	)
	tests := []struct {
		name         string
		retryTimeout time.Duration
		flaky, puts  int
		wantErr      bool
	}{
		{"converter retried within errors.retry.timeout", 5 * time.Second, 2, 0, false},
		{"converter not retried with errors.retry.timeout 0", 0, 1, 0, true},
		{"put redelivered after RetriableError", 0, 0, 2, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := &collector{}
			cv := byteConverters()
			cv.Value.(*bytesConverter).flaky = tt.flaky
			errs := DefaultErrorConfig()
			errs.RetryTimeout = tt.retryTimeout
			errs.RetryDelayMax = 5 * time.Millisecond
			res, err := RunSinkSlice(ctx, nil, SinkSlice{Task: &memSink{out: out, retriable: tt.puts}, Client: c,
				Assignment: assignment("in", 1), Converters: cv, Errors: errs})
			if tt.wantErr {
				var re *RecordError
				if !errors.As(err, &re) || re.Offset != 1 || !connect.IsRetriable(err) {
					t.Fatalf("got %v, want the retriable failure of record 1", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := out.values(); !slices.Equal(got, []string{"a", "flaky b", "c"}) {
				t.Fatalf("delivered %v, want each record once", got)
			}
			if res.Committable[connect.TopicPartition{Topic: "in"}] != 3 {
				t.Fatalf("committable %v", res.Committable)
			}
		})
	}
}

func TestIntegrationSinkOffsetsAndPreCommit(t *testing.T) {
	c := newKafka(t, 2, "in")
	ctx := testContext(t)
	seed(t, c, "in", 2, 10)
	p0, p1 := connect.TopicPartition{Topic: "in", Partition: 0}, connect.TopicPartition{Topic: "in", Partition: 1}
	tests := []struct {
		name      string
		start     map[connect.TopicPartition]int64
		reset     string
		task      func(*memSink) connect.SinkTask
		wantFirst map[connect.TopicPartition]string
		want      map[connect.TopicPartition]int64
		wantErr   error
	}{
		{name: "committed offsets", start: map[connect.TopicPartition]int64{p0: 4, p1: 10},
			wantFirst: map[connect.TopicPartition]string{p0: "p0-04"}, want: map[connect.TopicPartition]int64{p0: 10, p1: 10}},
		{name: "missing offset starts at earliest", start: map[connect.TopicPartition]int64{p1: 9},
			wantFirst: map[connect.TopicPartition]string{p0: "p0-00", p1: "p1-09"}, want: map[connect.TopicPartition]int64{p0: 10, p1: 10}},
		{name: "missing offset with latest", reset: " Latest ", start: map[connect.TopicPartition]int64{p1: 8},
			wantFirst: map[connect.TopicPartition]string{p1: "p1-08"}, want: map[connect.TopicPartition]int64{p0: 10, p1: 10}},
		{name: "offset past the end resets", start: map[connect.TopicPartition]int64{p0: 99, p1: 10},
			wantFirst: map[connect.TopicPartition]string{p0: "p0-00"}, want: map[connect.TopicPartition]int64{p0: 10, p1: 10}},
		{name: "missing offset with none", reset: ResetNone, start: map[connect.TopicPartition]int64{p1: 0}, wantErr: ErrNoOffset},
		{name: "task resets at start", start: map[connect.TopicPartition]int64{p0: 0, p1: 0},
			task: func(m *memSink) connect.SinkTask {
				m.resetAtStart = map[connect.TopicPartition]int64{p0: 7, p1: 10}
				return m
			},
			wantFirst: map[connect.TopicPartition]string{p0: "p0-07"}, want: map[connect.TopicPartition]int64{p0: 10, p1: 10}},
		{name: "pre-commit trails and is clamped", start: map[connect.TopicPartition]int64{p0: 0, p1: 0},
			task: func(m *memSink) connect.SinkTask {
				m.preCommit = func(map[connect.TopicPartition]int64) map[connect.TopicPartition]int64 {
					return map[connect.TopicPartition]int64{p0: 6, p1: 50, {Topic: "other"}: 3}
				}
				return preCommitSink{m}
			},
			wantFirst: map[connect.TopicPartition]string{p0: "p0-00", p1: "p1-00"}, want: map[connect.TopicPartition]int64{p0: 6, p1: 10}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := &collector{}
			m := &memSink{out: out}
			var task connect.SinkTask = m
			if tt.task != nil {
				task = tt.task(m)
			}
			res, err := RunSinkSlice(ctx, nil, SinkSlice{Task: task, Client: c, Assignment: []connect.TopicPartition{p0, p1, p0},
				Start: tt.start, OffsetReset: tt.reset, Converters: byteConverters()})
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("got %v, want %v", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !maps.Equal(res.Committable, tt.want) {
				t.Fatalf("committable %v, want %v", res.Committable, tt.want)
			}
			first := map[connect.TopicPartition]string{}
			for _, r := range out.got {
				tp := connect.TopicPartition{Topic: r.OriginalTopic, Partition: r.OriginalPartition}
				if _, ok := first[tp]; !ok {
					first[tp] = string(r.Value.([]byte))
				}
				if r.Headers[0].Key != "trace" || string(r.Headers[0].Value.([]byte)) != string(r.Value.([]byte)) || r.TimestampType != connect.CreateTime {
					t.Fatalf("record %v lost its header or timestamp type", r)
				}
			}
			if !maps.Equal(first, tt.wantFirst) {
				t.Fatalf("first records %v, want %v", first, tt.wantFirst)
			}
		})
	}
}

func TestRunSinkSliceRejectsIncompleteSlice(t *testing.T) {
	c, err := kafka.NewClient(kafka.Options{Brokers: []string{"127.0.0.1:1"}})
	if err != nil {
		t.Fatal(err)
	}
	tests := []SinkSlice{
		{Client: c, Converters: byteConverters()},
		{Task: &memSink{}, Converters: byteConverters()},
		{Task: &memSink{}, Client: c},
		{Task: &memSink{}, Client: c, Converters: byteConverters(), OffsetReset: "smallest"},
	}
	for i, s := range tests {
		if _, err := RunSinkSlice(t.Context(), nil, s); !errors.Is(err, ErrBadSlice) {
			t.Errorf("slice %d: got %v, want ErrBadSlice", i, err)
		}
	}
}

func TestIntegrationSinkErrantRecordReporter(t *testing.T) {
	c := newKafka(t, 1, "in")
	produce(t, c,
		kafka.Message{Topic: "in", Partition: 0, Key: []byte("k0"), Value: []byte("good-0")},
		kafka.Message{Topic: "in", Partition: 0, Key: []byte("k1"), Value: []byte("bad-1")},
		kafka.Message{Topic: "in", Partition: 0, Key: []byte("k2"), Value: []byte("good-2")},
	)
	tests := []struct {
		name        string
		tolerance   Tolerance
		logMessages bool
		wantLog     []string
		wantErr     bool
	}{
		{name: "tolerance none fails the task", tolerance: ToleranceNone, wantErr: true},
		{name: "tolerance all logs and skips", tolerance: ToleranceAll, logMessages: true,
			wantLog: []string{`"stage":"TASK_PUT"`, `"class":"org.apache.kafka.connect.sink.SinkTask"`, `"offset":1`, `"key":"k1"`, `"value":"bad-1"`, `"connector":"c"`}},
		{name: "messages stay out of the log unless asked", tolerance: ToleranceAll,
			wantLog: []string{`"stage":"TASK_PUT"`, `"offset":1`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var logs strings.Builder
			logger := slog.New(slog.NewJSONHandler(&logs, nil))
			errs := DefaultErrorConfig()
			errs.Tolerance = tt.tolerance
			errs.LogEnable = true
			errs.LogIncludeMessages = tt.logMessages
			out := &collector{}
			res, err := RunSinkSlice(testContext(t), logger, SinkSlice{Task: &memSink{out: out, report: true}, Client: c,
				Assignment: assignment("in", 1), Converters: byteConverters(), Errors: errs, ConnectorName: "c"})
			if tt.wantErr {
				var re *RecordError
				if !errors.As(err, &re) || re.Stage != StageTaskPut || re.Offset != 1 || re.Class != sinkTaskClass {
					t.Fatalf("got %v, want a TASK_PUT RecordError at offset 1", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := out.values(); !slices.Equal(got, []string{"good-0", "good-2"}) || res.Committable[connect.TopicPartition{Topic: "in"}] != 3 || res.Skipped != 1 {
				t.Fatalf("delivered %v, result %+v", got, res)
			}
			for _, w := range tt.wantLog {
				if !strings.Contains(logs.String(), w) {
					t.Errorf("log lacks %s: %s", w, logs.String())
				}
			}
			if !tt.logMessages && strings.Contains(logs.String(), "bad-1") {
				t.Errorf("log includes the record although errors.log.include.messages is false: %s", logs.String())
			}
		})
	}
}

func TestIntegrationSinkTaskResetsOffsetsDuringPut(t *testing.T) {
	c := newKafka(t, 2, "in")
	seed(t, c, "in", 2, 5)
	p0, p1 := connect.TopicPartition{Topic: "in", Partition: 0}, connect.TopicPartition{Topic: "in", Partition: 1}
	out := &collector{}
	task := &memSink{out: out}
	task.onPut = func() {
		if task.puts == 1 { // while p0's first batch is being written, p1 is fetched from 0 already
			task.tctx.ResetOffsets(map[connect.TopicPartition]int64{p1: 3})
		}
	}
	res, err := RunSinkSlice(testContext(t), nil, SinkSlice{Task: task, Client: c, Assignment: []connect.TopicPartition{p0, p1},
		Converters: byteConverters(), BatchSize: 2})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"p0-00", "p0-01", "p0-02", "p0-03", "p0-04", "p1-03", "p1-04"}
	if got := out.values(); !slices.Equal(sortedCopy(got), want) {
		t.Fatalf("delivered %v, want %v", got, want)
	}
	if res.Committable[p0] != 5 || res.Committable[p1] != 5 || !res.CaughtUp {
		t.Fatalf("result %+v", res)
	}
}

// smtError is a transformation error naming the SMT that failed, as a chain's stage error.
type smtError struct{ class, exception string }

func (e *smtError) Error() string { return "Unknown field: level" }

// explodingTransform fails on values starting with "explode" and drops "drop".
type explodingTransform struct{}

func (explodingTransform) Apply(r *connect.Record) (*connect.Record, error) {
	b, _ := r.Value.([]byte)
	switch {
	case strings.HasPrefix(string(b), "explode"):
		return nil, &smtError{"org.apache.kafka.connect.transforms.Cast$Value", "java.lang.IllegalArgumentException"}
	case string(b) == "drop":
		return nil, nil
	}
	out := *r
	out.Value = append([]byte("t:"), b...)
	return &out, nil
}

func TestIntegrationSinkTransformationFailure(t *testing.T) {
	c := newKafka(t, 1, "in")
	produce(t, c,
		kafka.Message{Topic: "in", Partition: 0, Value: []byte("a")},
		kafka.Message{Topic: "in", Partition: 0, Value: []byte("explode")},
		kafka.Message{Topic: "in", Partition: 0, Value: []byte("drop")},
		kafka.Message{Topic: "in", Partition: 0, Value: []byte("b")},
	)
	classify := func(err error) (string, string) {
		var se *smtError
		if errors.As(err, &se) {
			return se.class, se.exception
		}
		return "", ""
	}
	errs := DefaultErrorConfig()
	errs.Tolerance, errs.DLQTopic, errs.DLQReplicationFactor, errs.DLQContextHeaders = ToleranceAll, "dlq", 1, true
	out := &collector{}
	res, err := RunSinkSlice(testContext(t), nil, SinkSlice{Task: &memSink{out: out}, Client: c, Assignment: assignment("in", 1),
		Converters: byteConverters(), Transform: explodingTransform{}, ClassifyError: classify, Errors: errs})
	if err != nil {
		t.Fatal(err)
	}
	if got := out.values(); !slices.Equal(got, []string{"t:a", "t:b"}) || res.Filtered != 1 || res.Skipped != 1 || res.Committable[connect.TopicPartition{Topic: "in"}] != 4 {
		t.Fatalf("delivered %v, result %+v", got, res)
	}
	dead := readAll(t, c, connect.TopicPartition{Topic: "dlq"})
	if len(dead) != 1 || string(dead[0].Value) != "explode" {
		t.Fatalf("dead letters %v", valuesOf(dead))
	}
	h := map[string]string{}
	for _, hd := range dead[0].Headers {
		h[hd.Key] = string(hd.Value)
	}
	if h[HeaderStage] != "TRANSFORMATION" || h[HeaderClassName] != "org.apache.kafka.connect.transforms.Cast$Value" ||
		h[HeaderExceptionClass] != "java.lang.IllegalArgumentException" || h[HeaderExceptionMessage] != "Unknown field: level" {
		t.Fatalf("headers %v", h)
	}
}

func TestIntegrationSinkTaskFailures(t *testing.T) {
	c := newKafka(t, 1, "in")
	seed(t, c, "in", 1, 3)
	denied := errors.New("access denied")
	tests := []struct {
		name string
		task *memSink
		want []string
	}{
		{"start fails", &memSink{startErr: denied}, []string{"start sink task", "access denied"}},
		{"put fails", &memSink{putErr: denied}, []string{"put 3 records in-0@0..2", "access denied"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.task.out = &collector{}
			res, err := RunSinkSlice(testContext(t), nil, SinkSlice{Task: tt.task, Client: c, Assignment: assignment("in", 1), Converters: byteConverters()})
			if !errors.Is(err, denied) {
				t.Fatalf("got %v, want the task's error", err)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
			if res.Committable != nil || tt.task.stopped != 1 || tt.task.out.flushed != nil {
				t.Fatalf("committable %v, stopped %d, flushed %v: want nothing committed, the task stopped, no flush", res.Committable, tt.task.stopped, tt.task.out.flushed)
			}
		})
	}
}
