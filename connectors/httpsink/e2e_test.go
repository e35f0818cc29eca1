package httpsink_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	nethttp "net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	kafkago "github.com/segmentio/kafka-go"
	"github.com/twmb/franz-go/pkg/kfake"

	httpsink "github.com/connectless/connectless/connectors/httpsink"
	"github.com/connectless/connectless/core/connect"
	"github.com/connectless/connectless/core/convert"
	"github.com/connectless/connectless/core/kafka"
	"github.com/connectless/connectless/core/schedule"
	"github.com/connectless/connectless/core/store"
	"github.com/connectless/connectless/core/store/memory"
	"github.com/connectless/connectless/core/taskrun"
)

// ingest is a local endpoint that refuses (400) any batch holding a value with "bad": true and
// answers the first request 503.
type ingest struct {
	*httptest.Server
	mu       sync.Mutex
	requests int
	accepted []int
}

func newIngest(t *testing.T) *ingest {
	in := &ingest{}
	in.Server = httptest.NewServer(nethttp.HandlerFunc(func(w nethttp.ResponseWriter, r *nethttp.Request) {
		body, _ := io.ReadAll(r.Body)
		var values []struct {
			N   int  `json:"n"`
			Bad bool `json:"bad"`
		}
		in.mu.Lock()
		defer in.mu.Unlock()
		in.requests++
		if in.requests == 1 {
			w.WriteHeader(nethttp.StatusServiceUnavailable)
			return
		}
		if err := json.Unmarshal(body, &values); err != nil {
			nethttp.Error(w, err.Error(), nethttp.StatusBadRequest)
			return
		}
		for _, v := range values {
			if v.Bad {
				nethttp.Error(w, fmt.Sprintf("record %d is invalid", v.N), nethttp.StatusBadRequest)
				return
			}
		}
		for _, v := range values {
			in.accepted = append(in.accepted, v.N)
		}
		w.WriteHeader(nethttp.StatusNoContent)
	}))
	t.Cleanup(in.Close)
	return in
}

func TestIntegrationHTTPSinkDeadLetterQueue(t *testing.T) {
	ctx := context.Background()
	cluster, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(1, "events", "events-dlq"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cluster.Close)
	bad := map[int]bool{4: true, 31: true}
	w := &kafkago.Writer{Addr: kafkago.TCP(cluster.ListenAddrs()...), Topic: "events", BatchTimeout: time.Millisecond, RequiredAcks: kafkago.RequireAll}
	var msgs []kafkago.Message
	for i := range 50 {
		msgs = append(msgs, kafkago.Message{Value: fmt.Appendf(nil, `{"n":%d,"bad":%t}`, i, bad[i])})
	}
	if err := w.WriteMessages(ctx, msgs...); err != nil {
		t.Fatal(err)
	}
	w.Close()

	client, err := kafka.NewClient(kafka.Options{Brokers: cluster.ListenAddrs()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { client.Close() })
	reg, err := connect.NewRegistry(httpsink.Plugin)
	if err != nil {
		t.Fatal(err)
	}
	st := memory.New()
	env := &taskrun.Env{Store: st, Registry: reg, Kafka: client, Holder: "test", Margin: 200 * time.Millisecond,
		Pipeline: func(cfg map[string]string) (taskrun.Pipeline, error) {
			value, err := convert.New("org.apache.kafka.connect.json.JsonConverter", map[string]string{"schemas.enable": "false"}, false)
			if err != nil {
				return taskrun.Pipeline{}, err
			}
			key, err := convert.New("org.apache.kafka.connect.storage.StringConverter", nil, true)
			return taskrun.Pipeline{Converters: taskrun.Converters{Key: key, Value: value}}, err
		}}

	for _, tc := range []struct {
		name      string
		tolerance string
	}{{"strict", "none"}, {"tolerant", "all"}} {
		in := newIngest(t)
		cfg := map[string]string{"connector.class": httpsink.Class, "topics": "events", "http.api.url": in.URL,
			"batch.max.size": "16", "retry.backoff.ms": "1", "errors.tolerance": tc.tolerance}
		if tc.tolerance == "all" {
			cfg["errors.deadletterqueue.topic.name"] = "events-dlq"
			cfg["errors.deadletterqueue.context.headers.enable"] = "true"
		}
		if err := st.CreateConnector(ctx, tc.name, cfg, store.TargetRunning); err != nil {
			t.Fatal(err)
		}
		if _, err := st.PutTaskConfigs(ctx, tc.name, []map[string]string{cfg}); err != nil {
			t.Fatal(err)
		}
		c, _ := st.Connector(ctx, tc.name)
		if c, err = taskrun.Assign(ctx, st, reg, client, c); err != nil {
			t.Fatal(err)
		}
		res, err := taskrun.Run(ctx, env, schedule.Payload{Connector: tc.name, Task: 0, Generation: c.Generation}, time.Now().Add(15*time.Second))
		offs, _ := st.SinkOffsets(ctx, tc.name)
		committed := offs[connect.TopicPartition{Topic: "events"}]
		in.mu.Lock()
		accepted := slices.Clone(in.accepted)
		in.mu.Unlock()

		switch tc.tolerance {
		case "none":
			// The first refused record fails the task; nothing past what the server accepted is committed.
			if err == nil || !strings.Contains(err.Error(), "400") || res.Committed {
				t.Fatalf("strict run = %+v, %v; want a failure with the 400 answer and no commit", res, err)
			}
			if committed > 0 {
				t.Fatalf("strict run committed offset %d", committed)
			}
		case "all":
			if err != nil {
				t.Fatal(err)
			}
			if committed != 50 {
				t.Fatalf("committed offset %d, want 50", committed)
			}
			var want []int
			for i := range 50 {
				if !bad[i] {
					want = append(want, i)
				}
			}
			if !slices.Equal(accepted, want) {
				t.Fatalf("server accepted %v, want every good record once, in order", accepted)
			}
			dlq, err := client.Fetch(ctx, connect.TopicPartition{Topic: "events-dlq"}, 0, kafka.FetchOptions{MaxWait: time.Second})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, m := range dlq.Messages {
				got = append(got, string(m.Value))
				hasReason := false
				for _, h := range m.Headers {
					hasReason = hasReason || strings.Contains(string(h.Value), "400")
				}
				if !hasReason {
					t.Errorf("DLQ record %s has no header carrying the 400 answer: %+v", m.Value, m.Headers)
				}
			}
			if want := []string{`{"n":4,"bad":true}`, `{"n":31,"bad":true}`}; !slices.Equal(got, want) {
				t.Fatalf("DLQ holds %v, want %v", got, want)
			}
		}
	}
}
