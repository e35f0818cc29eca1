package kafkatopic_test

import (
	"context"
	"fmt"
	"time"

	"github.com/connectless/connectless/core/store/kafkatopic"
)

// A store on a Kafka Connect cluster's own topics, and a task's state round trip on it.
func Example() {
	ctx := context.Background()
	s, err := kafkatopic.Open(ctx, kafkatopic.Config{Brokers: []string{"kafka-1:9092"}}) // connect-configs, -offsets, -status
	if err != nil {
		fmt.Println(err)
		return
	}
	defer s.Close()
	lease, err := s.Acquire(ctx, "my-connector", 0, "invocation-42", time.Minute)
	if err != nil {
		fmt.Println(err) // store.ErrLeaseHeld: another invocation runs the task
		return
	}
	defer s.Release(ctx, lease)
	offsets, err := s.SourceOffsets(ctx, "my-connector") // what Kafka Connect committed, too
	fmt.Println(len(offsets), err)
}

// Long-lived workers share tasks through a worker group; the generation fences old owners.
func ExampleJoinGroup() {
	ctx := context.Background()
	s, err := kafkatopic.Open(ctx, kafkatopic.Config{Brokers: []string{"kafka-1:9092"}})
	if err != nil {
		fmt.Println(err)
		return
	}
	m, err := kafkatopic.JoinGroup(kafkatopic.GroupConfig{Brokers: []string{"kafka-1:9092"}, GroupID: "connectless-workers",
		Balancer: kafkatopic.TaskBalancer{Tasks: func() []kafkatopic.Task { return []kafkatopic.Task{{Connector: "my-connector", ID: 0}} }}})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer m.Close()
	for a := range m.Assignments() {
		for _, t := range a.Tasks {
			lease, err := s.AcquireAssigned(ctx, a.Generation, t.Connector, t.ID, a.MemberID, time.Minute)
			fmt.Println(lease.Token, err) // commits under this lease fail with store.ErrFenced after the next rebalance
		}
	}
}
