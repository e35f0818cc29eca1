package datagen

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/connectless/connectless/core/connect"
	"github.com/connectless/connectless/core/connect/connecttest"
	"github.com/connectless/connectless/core/convert"
)

func TestConformance(t *testing.T) {
	for _, qs := range Quickstarts() {
		t.Run(qs, func(t *testing.T) {
			connecttest.Run(t, connecttest.Suite{
				Plugin: Plugin,
				Config: map[string]string{"kafka.topic": "gen", "quickstart": qs, "max.interval": "0", "iterations": "50", "random.seed": "7"},
			})
		})
	}
}

func startTask(t testing.TB, props map[string]string, offsets *connecttest.Offsets) *Task {
	t.Helper()
	task := &Task{}
	if err := task.Start(context.Background(), props, connecttest.SourceContext{Reader: offsets}); err != nil {
		t.Fatal(err)
	}
	return task
}

func pollN(t testing.TB, task *Task, n int) []connect.SourceRecord {
	t.Helper()
	var out []connect.SourceRecord
	for len(out) < n {
		recs, err := task.Poll(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if len(recs) == 0 {
			break
		}
		out = append(out, recs...)
	}
	return out
}

func props(qs string, extra ...string) map[string]string {
	p := map[string]string{"kafka.topic": "gen", "quickstart": qs, "max.interval": "0"}
	for i := 0; i+1 < len(extra); i += 2 {
		p[extra[i]] = extra[i+1]
	}
	return p
}

func TestQuickstartsProduceValidKeyedRecords(t *testing.T) {
	keyTypes := map[string]connect.Type{"applogs": connect.TypeString, "users": connect.TypeString,
		"orders": connect.TypeInt32, "pageviews": connect.TypeInt64, "clickstream": connect.TypeString}
	for _, qs := range Quickstarts() {
		t.Run(qs, func(t *testing.T) {
			recs := pollN(t, startTask(t, props(qs, "iterations", "200"), connecttest.NewOffsets()), 1000)
			if len(recs) != 200 {
				t.Fatalf("generated %d records with iterations=200", len(recs))
			}
			distinct := map[any]bool{}
			for i, r := range recs {
				if err := connect.ValidateValue(r.ValueSchema, r.Value); err != nil {
					t.Fatalf("record %d: value does not match its schema: %v", i, err)
				}
				if r.KeySchema == nil || r.KeySchema.Type != keyTypes[qs] {
					t.Fatalf("record %d: key schema %v, want %s", i, r.KeySchema, keyTypes[qs])
				}
				if err := connect.ValidateValue(r.KeySchema, r.Key); err != nil {
					t.Fatalf("record %d: key does not match its schema: %v", i, err)
				}
				if r.Topic != "gen" {
					t.Fatalf("record %d: topic %q", i, r.Topic)
				}
				if got := r.SourceOffset["current.iteration"]; got != int64(i+1) {
					t.Fatalf("record %d: offset %v, want current.iteration %d", i, r.SourceOffset, i+1)
				}
				distinct[r.Key] = true
			}
			if len(distinct) < 5 {
				t.Errorf("only %d distinct keys in 200 records", len(distinct))
			}
		})
	}
}

func TestSeedIsReproducibleAndResumable(t *testing.T) {
	p := props("applogs", "random.seed", "42")
	a := pollN(t, startTask(t, p, connecttest.NewOffsets()), 300)
	b := pollN(t, startTask(t, p, connecttest.NewOffsets()), 300)
	if !reflect.DeepEqual(a, b) {
		t.Fatal("two runs with the same seed differ")
	}
	c := pollN(t, startTask(t, props("applogs", "random.seed", "43"), connecttest.NewOffsets()), 300)
	if reflect.DeepEqual(a[0].Value, c[0].Value) {
		t.Fatal("different seeds gave the same first record")
	}
	// A restart from a committed offset continues with exactly the records a single run makes.
	offsets := connecttest.NewOffsets()
	if err := offsets.CommitRecords(a[:120]); err != nil {
		t.Fatal(err)
	}
	resumed := pollN(t, startTask(t, p, offsets), 180)
	if !reflect.DeepEqual(resumed[:180], a[120:300]) {
		t.Fatal("the resumed task did not continue where the committed offset left off")
	}
	// Tasks of one connector generate different streams.
	p["task.id"] = "1"
	other := pollN(t, startTask(t, p, connecttest.NewOffsets()), 1)
	if reflect.DeepEqual(other[0].Value, a[0].Value) {
		t.Fatal("task 1 generated task 0's first record")
	}
}

func TestAppLogsLooksLikeALogLine(t *testing.T) {
	conv := convert.NewJSONConverter()
	if err := conv.Configure(map[string]string{"schemas.enable": "false"}, false); err != nil {
		t.Fatal(err)
	}
	recs := pollN(t, startTask(t, props("applogs", "random.seed", "1"), connecttest.NewOffsets()), 2000)
	total, levels := 0, map[string]int{}
	for _, r := range recs {
		b, err := conv.FromConnect(r.Topic, r.ValueSchema, r.Value)
		if err != nil {
			t.Fatal(err)
		}
		total += len(b)
		v := r.Value.(*connect.Struct)
		lvl, _ := v.Get("level")
		levels[lvl.(string)]++
		host, _ := v.Get("host")
		svc, _ := v.Get("service")
		if r.Key != host || !strings.HasPrefix(host.(string), svc.(string)+"-") {
			t.Fatalf("key %v, host %v, service %v: want the key to be the service's host", r.Key, host, svc)
		}
		if ts, _ := v.Get("ts"); ts != r.Timestamp.UTC().Format("2006-01-02T15:04:05.000Z") {
			t.Fatalf("timestamp field %v, record timestamp %v", ts, r.Timestamp)
		}
		if id, _ := v.Get("trace_id"); len(id.(string)) != 16 {
			t.Fatalf("trace id %q is not 16 hex digits", id)
		}
	}
	if avg := total / len(recs); avg < 170 || avg > 240 {
		t.Errorf("average JSON line is %d bytes, want about 200", avg)
	}
	for _, l := range []string{"INFO", "DEBUG", "WARN", "ERROR"} {
		if levels[l] == 0 {
			t.Errorf("no %s line in %d records", l, len(recs))
		}
	}
	if levels["INFO"] < levels["ERROR"] {
		t.Errorf("levels %v: want INFO to dominate", levels)
	}
}

func TestMaxIntervalPacesOutput(t *testing.T) {
	task := startTask(t, props("users", "max.interval", "50"), connecttest.NewOffsets())
	recs, err := task.Poll(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) > 2 {
		t.Fatalf("first poll returned %d records with max.interval=50, want at most the one due now and maybe the next", len(recs))
	}
	unpaced := startTask(t, props("users"), connecttest.NewOffsets())
	if recs, _ := unpaced.Poll(context.Background()); len(recs) != batchMax {
		t.Fatalf("max.interval=0 returned %d records, want a full batch of %d", len(recs), batchMax)
	}
}

func TestIterationsStopTheTask(t *testing.T) {
	task := startTask(t, props("orders", "iterations", "5", "tasks.max", "2"), connecttest.NewOffsets())
	if got := len(pollN(t, task, 100)); got != 5 {
		t.Fatalf("generated %d records, want 5", got)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if recs, err := task.Poll(ctx); len(recs) != 0 || !errors.Is(err, context.Canceled) {
		t.Fatalf("poll after the last iteration = %d records, %v", len(recs), err)
	}
}

func TestConfigErrors(t *testing.T) {
	tests := []struct {
		name  string
		props map[string]string
		key   string // key the validation error is reported on
		want  string
	}{
		{"no template", map[string]string{"kafka.topic": "t"}, "quickstart", "set exactly one of"},
		{"two templates", map[string]string{"kafka.topic": "t", "quickstart": "users", "schema.string": `{"type":"record","name":"x","fields":[]}`}, "quickstart", "set exactly one of"},
		{"unknown quickstart", map[string]string{"kafka.topic": "t", "quickstart": "stock_trades"}, "quickstart", "unknown quickstart"},
		{"key field not in the schema", map[string]string{"kafka.topic": "t", "quickstart": "users", "schema.keyfield": "nope"}, "schema.keyfield", `"nope" is not a field`},
		{"missing topic", map[string]string{"quickstart": "users"}, "kafka.topic", "Missing required configuration"},
		{"negative interval", map[string]string{"kafka.topic": "t", "quickstart": "users", "max.interval": "-1"}, "max.interval", "Value must be at least 0"},
		{"missing schema file", map[string]string{"kafka.topic": "t", "schema.filename": "/nonexistent/schema.avsc"}, "schema.filename", "no such file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := &Connector{}
			err := c.Start(context.Background(), tt.props)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Start = %v, want an error saying %q", err, tt.want)
			}
			infos := connect.ValidateAll(Class, tt.props, c.Config())
			if err := c.Validate(context.Background(), tt.props, &infos); err != nil {
				t.Fatal(err)
			}
			found := false
			for _, ci := range infos.Configs {
				if ci.Value != nil && ci.Value.Name == tt.key {
					for _, e := range ci.Value.Errors {
						found = found || strings.Contains(e, tt.want)
					}
				}
			}
			if !found {
				t.Fatalf("validation did not report %q on %s: %v", tt.want, tt.key, infos.Err())
			}
		})
	}
}

// BenchmarkGenerate measures records generated per second by one task without pacing.
func BenchmarkGenerate(b *testing.B) {
	for _, qs := range Quickstarts() {
		b.Run(qs, func(b *testing.B) {
			task := startTask(b, props(qs, "iterations", "0", "random.seed", "1"), connecttest.NewOffsets())
			b.ReportAllocs()
			n := 0
			for n < b.N {
				recs, err := task.Poll(context.Background())
				if err != nil {
					b.Fatal(err)
				}
				n += len(recs)
			}
			b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "records/s")
		})
	}
}
