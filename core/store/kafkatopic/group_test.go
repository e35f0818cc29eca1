package kafkatopic

import (
	"cmp"
	"errors"
	"maps"
	"slices"
	"testing"
	"time"

	"github.com/segmentio/kafka-go"

	"github.com/connectless/connectless/core/connect"
	"github.com/connectless/connectless/core/store"
)

func TestTaskBalancerAssignGroups(t *testing.T) {
	tasks := []Task{{"b", 1}, {"a", 0}, {"b", 0}, {"a", 1}, {"a", 2}, {"a", 0}} // unsorted, one duplicate
	members := func(ids ...string) []kafka.GroupMember {
		out := make([]kafka.GroupMember, len(ids))
		for i, id := range ids {
			out[i] = kafka.GroupMember{ID: id}
		}
		return out
	}
	cases := []struct {
		name    string
		members []kafka.GroupMember
		tasks   []Task
		want    kafka.GroupMemberAssignments
	}{
		{"no members", nil, tasks, kafka.GroupMemberAssignments{}},
		{"one member takes all", members("m1"), tasks, kafka.GroupMemberAssignments{"m1": {"a": {0, 1, 2}, "b": {0, 1}}}},
		{"round robin over sorted members", members("m2", "m1"), tasks,
			kafka.GroupMemberAssignments{"m1": {"a": {0, 2}, "b": {1}}, "m2": {"a": {1}, "b": {0}}}},
		{"more members than tasks", members("m3", "m1", "m2"), []Task{{"a", 0}},
			kafka.GroupMemberAssignments{"m1": {"a": {0}}, "m2": {}, "m3": {}}},
		{"no tasks", members("m1"), nil, kafka.GroupMemberAssignments{"m1": {}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := TaskBalancer{Tasks: func() []Task { return c.tasks }}.AssignGroups(c.members, nil)
			if !maps.EqualFunc(got, c.want, func(x, y map[string][]int) bool { return maps.EqualFunc(x, y, slices.Equal) }) {
				t.Fatalf("got %v, want %v", got, c.want)
			}
		})
	}
}

func nextAssignment(t *testing.T, m *Member, minGen int) Assignment {
	t.Helper()
	deadline := time.After(15 * time.Second)
	for {
		select {
		case a := <-m.Assignments():
			if a.Generation >= minGen {
				return a
			}
		case <-deadline:
			t.Fatalf("no assignment of generation >= %d", minGen)
		}
	}
}

// Workers in one group share the tasks; a joining or leaving worker rebalances them under a
// new generation, and claims of the old generation are fenced by the new one.
func TestIntegrationGroupDealsTasksAndFencesOldGenerations(t *testing.T) {
	brokers := startKafka(t)
	s := openStore(t, brokers)
	ctx := t.Context()
	all := []Task{{"logs", 0}, {"logs", 1}, {"logs", 2}, {"orders", 0}}
	join := func() *Member {
		m, err := JoinGroup(GroupConfig{Brokers: brokers, GroupID: "workers", Balancer: TaskBalancer{Tasks: func() []Task { return all }},
			SessionTimeout: 6 * time.Second, RebalanceTimeout: 5 * time.Second, HeartbeatInterval: 20 * time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = m.Close() })
		return m
	}
	// settle waits until every member has an assignment of one same generation and checks that
	// they split the tasks.
	settle := func(minGen int, ms ...*Member) []Assignment {
		t.Helper()
		as := make([]Assignment, len(ms))
		target := minGen
		for {
			for i, m := range ms {
				if as[i].Generation < target {
					as[i] = nextAssignment(t, m, target)
				}
				target = max(target, as[i].Generation)
			}
			if !slices.ContainsFunc(as, func(a Assignment) bool { return a.Generation != target }) {
				break
			}
		}
		var got []Task
		for _, a := range as {
			got = append(got, a.Tasks...)
		}
		slices.SortFunc(got, func(x, y Task) int {
			return cmp.Or(cmp.Compare(x.Connector, y.Connector), cmp.Compare(x.ID, y.ID))
		})
		if !slices.Equal(got, all) {
			t.Fatalf("generation %d: members hold %v, want every task once: %v", as[0].Generation, got, all)
		}
		return as
	}

	m1, m2 := join(), join()
	g1 := settle(1, m1, m2)
	if len(g1[0].Tasks) != 2 || len(g1[1].Tasks) != 2 {
		t.Fatalf("two members should hold two tasks each: %+v", g1)
	}
	leases := map[Task]store.Lease{}
	for _, a := range g1 {
		for _, tk := range a.Tasks {
			l, err := s.AcquireAssigned(ctx, a.Generation, tk.Connector, tk.ID, a.MemberID, time.Minute)
			if err != nil {
				t.Fatalf("claim %v in generation %d: %v", tk, a.Generation, err)
			}
			leases[tk] = l
		}
	}

	m3 := join()
	g2 := settle(g1[0].Generation+1, m1, m2, m3)
	for _, a := range g2 {
		for _, tk := range a.Tasks {
			if _, err := s.AcquireAssigned(ctx, a.Generation, tk.Connector, tk.ID, a.MemberID, time.Minute); err != nil {
				t.Fatalf("claim %v in generation %d: %v", tk, a.Generation, err)
			}
		}
	}
	// Every lease of the first generation is fenced now, whoever holds the task.
	for tk, old := range leases {
		err := s.CommitSinkOffsets(ctx, old, map[connect.TopicPartition]int64{{Topic: "t", Partition: 0}: 1})
		if !errors.Is(err, store.ErrFenced) {
			t.Fatalf("commit of %v under generation %d: %v, want ErrFenced", tk, g1[0].Generation, err)
		}
		if _, err := s.AcquireAssigned(ctx, g1[0].Generation, tk.Connector, tk.ID, "late", time.Minute); !errors.Is(err, store.ErrFenced) {
			t.Fatalf("late claim of %v with generation %d: %v, want ErrFenced", tk, g1[0].Generation, err)
		}
	}
	// A claimed task is held: an invocation's Acquire must wait for its expiry.
	if _, err := s.Acquire(ctx, "logs", 0, "invocation", time.Minute); !errors.Is(err, store.ErrLeaseHeld) {
		t.Fatalf("acquire of an assigned task: %v, want ErrLeaseHeld", err)
	}

	// A member leaving hands its tasks to the others at once.
	if err := m3.Close(); err != nil {
		t.Fatal(err)
	}
	g3 := settle(g2[0].Generation+1, m1, m2)
	if g3[0].Generation <= g2[0].Generation {
		t.Fatalf("generation after leave %d, want > %d", g3[0].Generation, g2[0].Generation)
	}
}

func TestJoinGroupRefusesBadConfig(t *testing.T) {
	for _, c := range []GroupConfig{
		{GroupID: "g", Balancer: TaskBalancer{}},
		{Brokers: []string{"127.0.0.1:1"}, Balancer: TaskBalancer{}},
		{Brokers: []string{"127.0.0.1:1"}, GroupID: "g"},
	} {
		if _, err := JoinGroup(c); !errors.Is(err, store.ErrInvalid) {
			t.Errorf("JoinGroup(%+v): %v, want ErrInvalid", c, err)
		}
	}
	s := &Store{}
	for _, gen := range []int{0, -1} {
		if _, err := s.AcquireAssigned(t.Context(), gen, "c", 0, "h", time.Second); !errors.Is(err, store.ErrInvalid) {
			t.Errorf("AcquireAssigned with generation %d: %v, want ErrInvalid", gen, err)
		}
	}
}

// kafka-go v0.4.51 swaps the throttle time and error code of heartbeat responses; the error
// code is recovered from the low 16 bits of the throttle, and a real throttle is not an error.
func TestHeartbeatError(t *testing.T) {
	for _, c := range []struct {
		res  kafka.HeartbeatResponse
		want error
	}{
		{kafka.HeartbeatResponse{}, nil},
		{kafka.HeartbeatResponse{Throttle: 27 * time.Millisecond}, kafka.RebalanceInProgress},
		{kafka.HeartbeatResponse{Throttle: 25 * time.Millisecond}, kafka.UnknownMemberId},
		{kafka.HeartbeatResponse{Throttle: time.Duration(3<<16) * time.Millisecond}, nil}, // a 3 ms throttle, no error
		{kafka.HeartbeatResponse{Error: kafka.IllegalGeneration}, kafka.IllegalGeneration},
	} {
		if got := heartbeatError(&c.res); !errors.Is(got, c.want) || (got == nil) != (c.want == nil) {
			t.Errorf("heartbeatError(%+v) = %v, want %v", c.res, got, c.want)
		}
	}
}
