package outage

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/connectless/connectless/infra/devstack"
	"github.com/connectless/connectless/infra/devstack/devstacktest"
)

// TestIntegrationHTTPSinkRidesOut503 points the HTTP sink at an endpoint that answers 503
// (then 429) past the sink's own retries: the slices end retrying, the task stays RUNNING,
// and once the endpoint accepts, every record is delivered.
func TestIntegrationHTTPSinkRidesOut503(t *testing.T) {
	k := devstacktest.Kafka(t, devstack.KafkaOptions{Topics: []string{"events"}, Partitions: 1})
	produce(t, k.Brokers(), "events", numbered(`{"n":%d}`, 30))
	var mu sync.Mutex
	refusals := []int{503, 503, 429}
	got := map[float64]int{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		if len(refusals) > 0 {
			w.WriteHeader(refusals[0])
			refusals = refusals[1:]
			return
		}
		b, _ := io.ReadAll(r.Body)
		var batch []map[string]float64
		if err := json.Unmarshal(b, &batch); err != nil {
			w.WriteHeader(400)
			return
		}
		for _, v := range batch {
			got[v["n"]]++
		}
	}))
	defer srv.Close()
	e := newSliceEnv(t, k.Brokers())
	e.create(t, "hook", map[string]string{
		"connector.class": "io.connectless.connect.http.HttpSinkConnector", "tasks.max": "1", "topics": "events",
		"http.api.url": srv.URL, "max.retries": "0", "errors.retry.delay.max.ms": "200",
		"value.converter": "org.apache.kafka.connect.json.JsonConverter", "value.converter.schemas.enable": "false",
	})
	if retries := e.runUntilSettled(t, "hook"); retries != 3 {
		t.Errorf("%d slices retried, want 3 (503, 503, 429)", retries)
	}
	mu.Lock()
	defer mu.Unlock()
	for n := range 30 {
		if got[float64(n)] < 1 {
			t.Errorf("record %d never delivered", n)
		}
	}
}
