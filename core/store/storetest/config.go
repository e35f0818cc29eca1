package storetest

import (
	"slices"
	"time"

	"github.com/connectless/connectless/core/connect"
	"github.com/connectless/connectless/core/store"
)

func testConfigCRUD(e *env) {
	t, s := e.t, e.s
	a, b := e.name("b-second"), e.name("a-first")
	cfgA := map[string]string{"connector.class": "FileStreamSource", "file": "/tmp/in.txt", "tasks.max": "1"}
	must(t, s.CreateConnector(ctx(t), a, cfgA, store.TargetPaused), "create a")
	must(t, s.CreateConnector(ctx(t), b, map[string]string{"k": "v"}, store.TargetRunning), "create b")

	got, err := s.Connector(ctx(t), a)
	must(t, err, "get a")
	wantConnector(t, got, store.Connector{Name: a, Config: cfgA, TargetState: store.TargetPaused})

	// The returned config is a copy: changing it changes nothing stored.
	got.Config["file"] = "changed"
	again, err := s.Connector(ctx(t), a)
	must(t, err, "get a again")
	if again.Config["file"] != "/tmp/in.txt" {
		t.Fatalf("stored config changed through a returned map: %v", again.Config)
	}

	// PutConnectorConfig replaces the config, keeps target state and tasks.
	tasks := []map[string]string{{"task": "0"}}
	gen, err := s.PutTaskConfigs(ctx(t), a, tasks)
	must(t, err, "put task configs")
	cfgA2 := map[string]string{"connector.class": "FileStreamSource", "file": "/tmp/other.txt"}
	must(t, s.PutConnectorConfig(ctx(t), a, cfgA2), "put config a")
	got, err = s.Connector(ctx(t), a)
	must(t, err, "get a after put")
	wantConnector(t, got, store.Connector{Name: a, Config: cfgA2, TargetState: store.TargetPaused, Generation: gen, Tasks: tasks})

	// PutConnectorConfig creates a missing connector as RUNNING with no tasks.
	c := e.name("c-put-created")
	must(t, s.PutConnectorConfig(ctx(t), c, map[string]string{"x": "1"}), "put config c")
	got, err = s.Connector(ctx(t), c)
	must(t, err, "get c")
	wantConnector(t, got, store.Connector{Name: c, Config: map[string]string{"x": "1"}, TargetState: store.TargetRunning})

	// Target states.
	for _, st := range []store.TargetState{store.TargetStopped, store.TargetRunning, store.TargetPaused} {
		must(t, s.PutTargetState(ctx(t), b, st), "put target state")
		got, err = s.Connector(ctx(t), b)
		must(t, err, "get b")
		if got.TargetState != st {
			t.Fatalf("target state: got %q, want %q", got.TargetState, st)
		}
	}

	names, err := s.Connectors(ctx(t))
	must(t, err, "list")
	if !slices.IsSorted(names) {
		t.Fatalf("connector names not sorted: %v", names)
	}
	if !containsAll(names, []string{a, b, c}) {
		t.Fatalf("connector names %v miss one of %q %q %q", names, a, b, c)
	}

	must(t, s.DeleteConnector(ctx(t), b), "delete b")
	_, err = s.Connector(ctx(t), b)
	wantErr(t, err, store.ErrNotFound, "get deleted connector")
	names, err = s.Connectors(ctx(t))
	must(t, err, "list after delete")
	if slices.Contains(names, b) || !containsAll(names, []string{a, c}) {
		t.Fatalf("after deleting %q, names are %v", b, names)
	}
	// The name can be used again.
	must(t, s.CreateConnector(ctx(t), b, map[string]string{"k": "v2"}, store.TargetStopped), "re-create b")
	got, err = s.Connector(ctx(t), b)
	must(t, err, "get re-created b")
	wantConnector(t, got, store.Connector{Name: b, Config: map[string]string{"k": "v2"}, TargetState: store.TargetStopped})
}

func testConfigErrors(e *env) {
	t, s := e.t, e.s
	a := e.name("a")
	missing := e.name("missing")
	must(t, s.CreateConnector(ctx(t), a, map[string]string{"k": "v"}, store.TargetRunning), "create")
	err := s.CreateConnector(ctx(t), a, map[string]string{"k": "other"}, store.TargetRunning)
	wantErr(t, err, store.ErrExists, "create twice")
	got, err := s.Connector(ctx(t), a)
	must(t, err, "get after failed create")
	if got.Config["k"] != "v" {
		t.Fatalf("a refused create changed the config: %v", got.Config)
	}

	_, err = s.Connector(ctx(t), missing)
	wantErr(t, err, store.ErrNotFound, "get missing")
	wantErr(t, s.PutTargetState(ctx(t), missing, store.TargetPaused), store.ErrNotFound, "target state of missing")
	_, err = s.PutTaskConfigs(ctx(t), missing, []map[string]string{{}})
	wantErr(t, err, store.ErrNotFound, "task configs of missing")
	wantErr(t, s.DeleteConnector(ctx(t), missing), store.ErrNotFound, "delete missing")

	cases := []struct {
		what string
		err  error
	}{
		{"create with empty name", s.CreateConnector(ctx(t), "", map[string]string{}, store.TargetRunning)},
		{"create with bad target state", s.CreateConnector(ctx(t), e.name("bad"), map[string]string{}, "SLEEPING")},
		{"put config with empty name", s.PutConnectorConfig(ctx(t), "", map[string]string{})},
		{"put bad target state", s.PutTargetState(ctx(t), a, "SLEEPING")},
	}
	for _, c := range cases {
		wantErr(t, c.err, store.ErrInvalid, c.what)
	}
	_, err = s.Connector(ctx(t), e.name("bad"))
	wantErr(t, err, store.ErrNotFound, "connector refused for its target state")
	got, err = s.Connector(ctx(t), a)
	must(t, err, "get after bad target state")
	if got.TargetState != store.TargetRunning {
		t.Fatalf("a refused target state changed it to %q", got.TargetState)
	}
}

func testTaskConfigGenerations(e *env) {
	t, s := e.t, e.s
	a := e.name("gen")
	must(t, s.CreateConnector(ctx(t), a, map[string]string{"tasks.max": "3"}, store.TargetRunning), "create")
	var last int64
	for i, tasks := range [][]map[string]string{
		{{"t": "0"}, {"t": "1"}, {"t": "2"}},
		{{"t": "0", "files": "a,b"}},
		{}, // a stopped connector has no tasks
		{{"t": "0"}, {"t": "1"}},
	} {
		gen, err := s.PutTaskConfigs(ctx(t), a, tasks)
		must(t, err, "put task configs")
		if gen != last+1 {
			t.Fatalf("round %d: generation %d, want %d", i, gen, last+1)
		}
		last = gen
		got, err := s.Connector(ctx(t), a)
		must(t, err, "get")
		wantConnector(t, got, store.Connector{Name: a, Config: map[string]string{"tasks.max": "3"},
			TargetState: store.TargetRunning, Generation: gen, Tasks: tasks})
	}
}

func testDeleteKeepsOffsetsAndLeases(e *env) {
	t, s := e.t, e.s
	a := e.name("del")
	must(t, s.CreateConnector(ctx(t), a, map[string]string{"k": "v"}, store.TargetRunning), "create")
	_, err := s.PutTaskConfigs(ctx(t), a, []map[string]string{{"t": "0"}})
	must(t, err, "task configs")
	l, err := s.Acquire(ctx(t), a, 0, "w1", time.Minute)
	must(t, err, "acquire")
	must(t, s.CommitSourceOffsets(ctx(t), l, []store.SourceOffset{{Partition: part("f"), Offset: off(7)}}), "commit source")
	must(t, s.CommitSinkOffsets(ctx(t), l, map[connect.TopicPartition]int64{tp("t", 0): 5}), "commit sink")
	must(t, s.PutStatus(ctx(t), store.Status{Connector: a, Task: -1, State: store.StateRunning, WorkerID: "w1"}), "connector status")
	must(t, s.PutTaskStatus(ctx(t), l, store.Status{State: store.StateRunning, WorkerID: "w1"}), "task status")
	must(t, s.Release(ctx(t), l), "release")

	must(t, s.DeleteConnector(ctx(t), a), "delete")
	sts, err := s.Statuses(ctx(t), a)
	must(t, err, "statuses after delete")
	if len(sts) != 0 {
		t.Fatalf("statuses after delete: %+v", sts)
	}
	wantSource(t, s, a, map[string]string{`{"filename":"f"}`: `{"position":7}`})
	wantSink(t, s, a, map[connect.TopicPartition]int64{tp("t", 0): 5})

	// Re-created, the connector starts over with generations but its task tokens keep growing.
	must(t, s.CreateConnector(ctx(t), a, map[string]string{"k": "v"}, store.TargetRunning), "re-create")
	got, err := s.Connector(ctx(t), a)
	must(t, err, "get re-created")
	if len(got.Tasks) != 0 {
		t.Fatalf("re-created connector has old task configs: %v", got.Tasks)
	}
	l2, err := s.Acquire(ctx(t), a, 0, "w2", time.Minute)
	must(t, err, "acquire after re-create")
	if l2.Token <= l.Token {
		t.Fatalf("token after delete and re-create: %d, want > %d", l2.Token, l.Token)
	}
}
