package storetest

import (
	"slices"
	"testing"

	"github.com/connectless/connectless/core/store"
)

func wantTopics(t *testing.T, s store.Store, connector string, want ...string) {
	t.Helper()
	got, err := s.ActiveTopics(ctx(t), connector)
	must(t, err, "active topics")
	if want == nil {
		want = []string{}
	}
	if got == nil || !slices.Equal(got, want) {
		t.Fatalf("active topics of %q: got %#v, want %#v", connector, got, want)
	}
}

func testActiveTopics(e *env) {
	t, s := e.t, e.s
	a, b := e.name("a"), e.name("b")
	must(t, s.CreateConnector(ctx(t), a, map[string]string{"k": "v"}, store.TargetRunning), "create a")
	rec := func(connector, topic string, task int) {
		t.Helper()
		must(t, s.RecordActiveTopic(ctx(t), store.TopicStatus{Topic: topic, Connector: connector, Task: task, Discovered: e.clock.Now()}), "record "+topic)
	}
	wantTopics(t, s, a)
	rec(a, "orders", 0)
	rec(a, "audit.log", 1)
	rec(a, "orders", 2) // known already: no second entry
	rec(b, "orders", 0) // b has no configuration: topics are kept all the same, as in Kafka
	wantTopics(t, s, a, "audit.log", "orders")
	wantTopics(t, s, b, "orders")
	wantTopics(t, s, e.name("unknown"))

	for _, bad := range []store.TopicStatus{
		{Topic: "", Connector: a},
		{Topic: "x", Connector: ""},
		{Topic: "x", Connector: a, Task: -1},
	} {
		wantErr(t, s.RecordActiveTopic(ctx(t), bad), store.ErrInvalid, "record invalid topic status")
	}

	must(t, s.ResetActiveTopics(ctx(t), a), "reset a")
	wantTopics(t, s, a)
	wantTopics(t, s, b, "orders")
	must(t, s.ResetActiveTopics(ctx(t), a), "reset a again")
	rec(a, "orders", 0)
	wantTopics(t, s, a, "orders")

	must(t, s.DeleteConnector(ctx(t), a), "delete a")
	wantTopics(t, s, a)
	rec(a, "after-delete", 0)

	must(t, s.Close(), "close")
	s2 := e.reopen(t)
	defer s2.Close()
	wantTopics(t, s2, a, "after-delete")
	wantTopics(t, s2, b, "orders")
}
