package rest

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/connectless/connectless/core/store"
)

// TestListConnectorsExpandSchedule checks the connectless expansion expand=schedule: each
// connector's schedule, the schedule's latest firing, its latest task status and its leased
// tasks, alongside
// Kafka Connect's own expansions; an expansion Kafka Connect does not know stays ignored.
func TestListConnectorsExpandSchedule(t *testing.T) {
	f := newFixture(t, nil)
	for _, body := range []string{
		`{"name":"hourly","config":{"connector.class":"TestSource","tasks.max":"2","topic":"t","schedule":"rate(1 hour)"}}`,
		`{"name":"always","config":{"connector.class":"TestSource","tasks.max":"1","topic":"t"}}`,
	} {
		if rec := f.do(http.MethodPost, "/connectors", body, ""); rec.Code != http.StatusCreated {
			t.Fatalf("create: %d %s", rec.Code, rec.Body)
		}
	}
	// Task 1 of hourly wrote its status after a slice later than task 0 did, and holds its
	// lease.
	ctx := context.Background()
	for task, at := range []time.Time{fixedTime.Add(-50 * time.Minute), fixedTime.Add(-4 * time.Minute)} {
		state := store.StateRunning
		if task == 1 {
			state = store.StateFailed
		}
		l, err := f.store.Acquire(ctx, "hourly", task, "w", time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		if err := f.store.PutTaskStatus(ctx, l, store.Status{State: state, WorkerID: "w", Updated: at}); err != nil {
			t.Fatal(err)
		}
		if task == 0 { // its slice ended; task 1 still holds its lease
			if err := f.store.Release(ctx, l); err != nil {
				t.Fatal(err)
			}
		}
	}
	rec := f.do(http.MethodGet, "/connectors?expand=schedule&expand=status&expand=nonsense", "", "")
	if rec.Code != http.StatusOK {
		t.Fatalf("GET: %d %s", rec.Code, rec.Body)
	}
	var got map[string]map[string]json.RawMessage
	if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		// fixedTime is 03:04:05, so rate(1 hour) last fired at 03:00:00.
		"hourly": `{"schedule":"rate(1 hour)","last_fire":"2026-01-02T03:00:00Z","last_slice":"2026-01-02T03:00:05Z","last_slice_state":"FAILED","leased_tasks":1}`,
		"always": `{"schedule":"continuous","leased_tasks":0}`,
	}
	for name, w := range want {
		if s := string(got[name]["schedule"]); s != w {
			t.Errorf("%s schedule = %s, want %s", name, s, w)
		}
		if _, ok := got[name]["status"]; !ok || len(got[name]) != 2 {
			t.Errorf("%s expansions = %v, want schedule and status only", name, got[name])
		}
	}
	// Without expand=schedule the answer is Kafka Connect's.
	rec = f.do(http.MethodGet, "/connectors?expand=status", "", "")
	if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	if _, ok := got["hourly"]["schedule"]; ok {
		t.Errorf("expand=status answers a schedule: %s", rec.Body)
	}
}
