package taskslice

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/connectless/connectless/core/connect"
	"github.com/connectless/connectless/core/store"
)

// TestIntegrationSourcePipelineKeepsPollOrder: the slice polls while earlier batches are
// produced, yet each Kafka partition holds its records in poll order, CommitRecord sees
// every record in poll order and the committable offsets are the last ones; an empty poll
// settles what was on its way.
func TestIntegrationSourcePipelineKeepsPollOrder(t *testing.T) {
	c := newKafka(t, 2, "out")
	var (
		batches    [][]connect.SourceRecord
		want       [2][]string
		polled     []string
		partitions = map[string]int32{"a": 0, "b": 1}
	)
	for b := range 40 {
		var batch []connect.SourceRecord
		for i := range 25 {
			file := []string{"a", "b"}[(b+i)%2]
			pos := int64(b*25 + i)
			rec := srec(file, pos, "out", fmt.Sprintf("%s%d", file, pos))
			p := partitions[file]
			rec.Partition = &p
			batch = append(batch, rec)
			want[p] = append(want[p], string(rec.Value.([]byte)))
			polled = append(polled, string(rec.Value.([]byte)))
		}
		batches = append(batches, batch)
		if b == 19 {
			batches = append(batches, nil) // poll 21 finds nothing
		}
	}
	task := &scriptSource{batches: batches}
	settled := map[int]int{} // CommitRecord calls before polls 2 and 22
	task.beforePoll = func(call int) {
		if call == 2 || call == 22 {
			task.mu.Lock()
			settled[call] = len(task.records)
			task.mu.Unlock()
		}
	}
	res, err := RunSourceSlice(testContext(t), nil, SourceSlice{Task: task, Client: c, IdlePolls: 2, Converters: byteConverters()})
	if err != nil {
		t.Fatal(err)
	}
	if res.Polled != 1000 || res.Produced != 1000 {
		t.Fatalf("result %+v", res)
	}
	// The second poll runs before the first batch is settled; after an empty poll every
	// batch polled before it is.
	if settled[2] != 0 || settled[22] != 500 {
		t.Fatalf("records settled before poll 2: %d, want 0; before poll 22: %d, want 500", settled[2], settled[22])
	}
	for p := range int32(2) {
		if got := valuesOf(readAll(t, c, connect.TopicPartition{Topic: "out", Partition: p})); !slices.Equal(got, want[p]) {
			t.Fatalf("partition %d holds %d records out of poll order", p, len(got))
		}
	}
	var hooked []string
	for _, r := range task.records {
		hooked = append(hooked, r.value)
	}
	if !slices.Equal(hooked, polled) {
		t.Fatalf("CommitRecord saw %d records out of poll order", len(hooked))
	}
	if got := offsetsOf(res.Committable); !slices.Equal(got, []string{"a=998", "b=999"}) {
		t.Fatalf("committable %v, want a=998 b=999", got)
	}
}

// TestSourceAdvance: a source partition's committable offset is its last settled record
// before its first failed one, over runs of one partition and across batches.
func TestSourceAdvance(t *testing.T) {
	item := func(file string, pos int64, state itemState) sourceItem {
		rec := srec(file, pos, "out", "v")
		if pos < 0 {
			rec.SourceOffset = nil
		}
		return sourceItem{rec: &rec, key: partitionKey(rec.SourcePartition), state: state}
	}
	r := &sourceRun{latest: map[string]store.SourceOffset{}, blocked: map[string]bool{}, seen: map[string]bool{}}
	r.advance([]sourceItem{
		item("a", 1, itemDone), item("a", 2, itemDone), item("b", 1, itemDone),
		item("a", 3, itemFailed), item("a", 4, itemDone), item("c", -1, itemDone), item("b", 2, itemDone), item("b", -1, itemDone),
	})
	r.advance([]sourceItem{item("a", 5, itemDone), item("d", 1, itemFailed), item("d", 2, itemDone), item("b", 3, itemDone)})
	if got := offsetsOf(r.committable()); !slices.Equal(got, []string{"a=2", "b=3"}) {
		t.Fatalf("committable %v, want a=2 b=3", got)
	}
	if !slices.Equal(r.order, []string{`{"file":"a"}`, `{"file":"b"}`, `{"file":"c"}`, `{"file":"d"}`}) {
		t.Fatalf("source partitions in order %v", r.order)
	}
}

// TestIntegrationSourceCancelled: a slice cancelled while it polls sends nothing new, and
// the batches handed to the producer before finish and are committable.
func TestIntegrationSourceCancelled(t *testing.T) {
	c := newKafka(t, 1, "out")
	ctx, cancel := context.WithCancel(testContext(t))
	defer cancel()
	task := &scriptSource{
		batches: [][]connect.SourceRecord{
			{srec("a", 0, "out", "a0"), srec("a", 1, "out", "a1")},
			{srec("a", 2, "out", "a2")},
		},
		beforePoll: func(call int) {
			if call == 2 {
				cancel()
			}
		},
	}
	res, err := RunSourceSlice(ctx, nil, SourceSlice{Task: task, Client: c, IdlePolls: 1, Converters: byteConverters()})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v, want context.Canceled", err)
	}
	if got := offsetsOf(res.Committable); res.Produced != 2 || !slices.Equal(got, []string{"a=1"}) {
		t.Fatalf("produced %d, committable %v; want the first batch, a=1", res.Produced, got)
	}
	if got := valuesOf(readAll(t, c, connect.TopicPartition{Topic: "out"})); !slices.Equal(got, []string{"a0", "a1"}) {
		t.Fatalf("Kafka holds %v, want a0 a1", got)
	}
}
