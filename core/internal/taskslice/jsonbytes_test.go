package taskslice

import (
	"context"
	"errors"
	"reflect"
	"testing"

	"github.com/connectless/connectless/core/connect"
	"github.com/connectless/connectless/core/convert"
	"github.com/connectless/connectless/core/kafka"
)

// jsonBytesSink is a memSink that takes values checked but not built when takes is set.
type jsonBytesSink struct {
	*memSink
	takes bool
}

func (s jsonBytesSink) TakesJSONBytes() bool { return s.takes }

// identityChain is a chain of one transformation that changes nothing.
type identityChain struct{}

func (identityChain) Apply(r *connect.Record) (*connect.Record, error) { return r, nil }
func (identityChain) Len() int                                         { return 1 }

// builtValue is a delivered record's Connect value, built when the runtime left it unbuilt.
func builtValue(t *testing.T, r connect.SinkRecord) any {
	t.Helper()
	jb, ok := r.Value.(*connect.JSONBytes)
	if !ok {
		return r.Value
	}
	if string(jb.Data) != string(r.RawValue) {
		t.Fatalf("JSONBytes data %q, RawValue %q", jb.Data, r.RawValue)
	}
	v, err := jb.Build()
	if err != nil {
		t.Fatalf("build %q: %v", jb.Data, err)
	}
	return v
}

// TestIntegrationSinkJSONBytes runs the same records through a task that takes unbuilt JSON
// values and one that does not: the first gets *connect.JSONBytes for what the converter
// checked and built values for the rest, both deliver the same values once built, and a
// malformed value fails at the converter stage with the same dead letter either way.
func TestIntegrationSinkJSONBytes(t *testing.T) {
	values := []string{`{"b":1,"a":[2,"x"]}`, `null`, `{"broken":`, `007`, `"text"`, ``, `{"n":1.50}`}
	wantUnbuilt := []bool{true, false, false, true, false, true} // of the records delivered: all but the broken one
	run := func(t *testing.T, takes bool, chain Transformer) ([]connect.SinkRecord, []kafka.Message, SinkResult) {
		c := newKafka(t, 1, "in")
		msgs := make([]kafka.Message, len(values))
		for i, v := range values {
			msgs[i] = kafka.Message{Topic: "in", Partition: 0, Value: []byte(v)}
		}
		produce(t, c, msgs...)
		vc := convert.NewJSONConverter()
		if err := vc.Configure(map[string]string{convert.SchemasEnable: "false"}, false); err != nil {
			t.Fatal(err)
		}
		errs := DefaultErrorConfig()
		errs.Tolerance, errs.DLQTopic, errs.DLQReplicationFactor, errs.DLQContextHeaders = ToleranceAll, "dlq", 1, true
		out := &collector{}
		res, err := RunSinkSlice(testContext(t), nil, SinkSlice{Task: jsonBytesSink{&memSink{out: out}, takes}, Client: c,
			Assignment: assignment("in", 1), Converters: Converters{Key: &bytesConverter{}, Value: vc, ValueClass: convert.JSONConverterClass},
			Transform: chain, Errors: errs, ConnectorName: "archive"})
		if err != nil {
			t.Fatal(err)
		}
		return out.got, readAll(t, c, connect.TopicPartition{Topic: "dlq"}), res
	}
	fast, fastDead, fastRes := run(t, true, nil)
	slow, slowDead, slowRes := run(t, false, nil)
	chained, _, _ := run(t, true, identityChain{})

	if len(fast) != len(values)-1 || len(slow) != len(fast) || len(chained) != len(fast) {
		t.Fatalf("delivered %d, %d and %d records, want %d each", len(fast), len(slow), len(chained), len(values)-1)
	}
	for i := range fast {
		if _, unbuilt := fast[i].Value.(*connect.JSONBytes); unbuilt != wantUnbuilt[i] {
			t.Errorf("record %d (%q): unbuilt %v, want %v", i, fast[i].RawValue, unbuilt, wantUnbuilt[i])
		}
		for name, recs := range map[string][]connect.SinkRecord{"not taking them": slow, "with a transformation": chained} {
			if _, unbuilt := recs[i].Value.(*connect.JSONBytes); unbuilt {
				t.Errorf("record %d: unbuilt value handed to a task %s", i, name)
			}
		}
		if got, want := builtValue(t, fast[i]), slow[i].Value; !reflect.DeepEqual(got, want) {
			t.Errorf("record %d: value %#v once built, the converter gives %#v", i, got, want)
		}
		if fast[i].ValueSchema != nil {
			t.Errorf("record %d: schema %v, want none", i, fast[i].ValueSchema)
		}
	}
	if fastRes.Skipped != 1 || slowRes.Skipped != 1 || len(fastDead) != 1 || len(slowDead) != 1 {
		t.Fatalf("skipped %d/%d, dead letters %d/%d; want the malformed value skipped and dead-lettered once either way",
			fastRes.Skipped, slowRes.Skipped, len(fastDead), len(slowDead))
	}
	headers := func(m kafka.Message) map[string]string {
		h := map[string]string{}
		for _, hd := range m.Headers {
			h[hd.Key] = string(hd.Value)
		}
		return h
	}
	fh, sh := headers(fastDead[0]), headers(slowDead[0])
	if string(fastDead[0].Value) != `{"broken":` || fh[HeaderStage] != string(StageValueConverter) ||
		fh[HeaderClassName] != convert.JSONConverterClass || !reflect.DeepEqual(fh, sh) {
		t.Errorf("dead letter %q with headers %v; without the check: %v", fastDead[0].Value, fh, sh)
	}
}

// lateReporter keeps the records of Put and reports the first one at Flush, after its Put
// returned: the runtime then rebuilds the record's bytes instead of finding them.
type lateReporter struct {
	jsonBytesSink
	kept []connect.SinkRecord
}

func (s *lateReporter) Put(_ context.Context, recs []connect.SinkRecord) error {
	s.kept = append(s.kept, recs...)
	return nil
}

func (s *lateReporter) Flush(ctx context.Context, _ map[connect.TopicPartition]int64) error {
	if len(s.kept) == 0 {
		return nil
	}
	rec := s.kept[0]
	s.kept = nil
	return s.tctx.Reporter().Report(ctx, rec, errors.New("rejected late"))
}

// TestIntegrationSinkJSONBytesReportedLate checks that a record a task reports in Flush
// reaches the dead-letter queue (it was left pending before), with its bytes as read when
// its value was never built.
func TestIntegrationSinkJSONBytesReportedLate(t *testing.T) {
	c := newKafka(t, 1, "in")
	raw := `{"b":1, "a":"x"}`
	produce(t, c, kafka.Message{Topic: "in", Partition: 0, Value: []byte(raw)})
	vc := convert.NewJSONConverter()
	if err := vc.Configure(map[string]string{convert.SchemasEnable: "false"}, false); err != nil {
		t.Fatal(err)
	}
	errs := DefaultErrorConfig()
	errs.Tolerance, errs.DLQTopic, errs.DLQReplicationFactor = ToleranceAll, "dlq", 1
	task := &lateReporter{jsonBytesSink: jsonBytesSink{&memSink{out: &collector{}}, true}}
	if res, err := RunSinkSlice(testContext(t), nil, SinkSlice{Task: task, Client: c, Assignment: assignment("in", 1),
		Converters: Converters{Key: &bytesConverter{}, Value: vc}, Errors: errs, ConnectorName: "archive"}); err != nil || res.DeadLettered != 1 {
		t.Fatalf("slice: %v; %d dead-lettered, want the record reported at Flush", err, res.DeadLettered)
	}
	dead := readAll(t, c, connect.TopicPartition{Topic: "dlq"})
	if len(dead) != 1 || string(dead[0].Value) != raw {
		t.Fatalf("dead letters %v, want the value as read %q", valuesOf(dead), raw)
	}
}
