package schedule

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/connectless/connectless/core/connect"
)

func TestAssignPartitions(t *testing.T) {
	tp := func(topic string, p int32) connect.TopicPartition {
		return connect.TopicPartition{Topic: topic, Partition: p}
	}
	in := []connect.TopicPartition{tp("b", 1), tp("a", 2), tp("a", 0), tp("b", 0), tp("a", 1), tp("a", 0)}
	got := AssignPartitions(in, 2)
	want := [][]connect.TopicPartition{
		{tp("a", 0), tp("a", 2), tp("b", 1)},
		{tp("a", 1), tp("b", 0)},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("AssignPartitions = %v, want %v", got, want)
	}
	if got := AssignPartitions(in[:1], 3); len(got) != 3 || len(got[0]) != 1 || got[1] != nil || got[2] != nil {
		t.Errorf("more tasks than partitions: %v", got)
	}
	if got := AssignPartitions(in, 0); got != nil {
		t.Errorf("zero tasks: %v", got)
	}
}

func TestDispatchBoundedConcurrency(t *testing.T) {
	var inFlight, peak atomic.Int32
	var mu sync.Mutex
	seen := map[string]bool{}
	inv := InvokerFunc(func(ctx context.Context, p Payload) error {
		n := inFlight.Add(1)
		defer inFlight.Add(-1)
		for {
			old := peak.Load()
			if n <= old || peak.CompareAndSwap(old, n) {
				break
			}
		}
		time.Sleep(time.Millisecond)
		mu.Lock()
		seen[fmt.Sprintf("%s/%d", p.Connector, p.Task)] = true
		mu.Unlock()
		if p.Task == 7 {
			return errors.New("throttled")
		}
		return nil
	})
	var payloads []Payload
	for i := range 100 {
		payloads = append(payloads, Payload{Connector: "c", Task: i})
	}
	sent, err := Dispatch(context.Background(), inv, payloads, 8)
	if sent != 99 {
		t.Errorf("sent = %d, want 99", sent)
	}
	if err == nil || !strings.Contains(err.Error(), "invoke c/7: throttled") || len(seen) != 100 {
		t.Errorf("err = %v, seen %d", err, len(seen))
	}
	if p := peak.Load(); p > 8 || p < 2 {
		t.Errorf("peak concurrency = %d, want 2..8", p)
	}
}
