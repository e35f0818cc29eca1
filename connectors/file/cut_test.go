package file_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/connectless/connectless/connectors/file"
	"github.com/connectless/connectless/core/connect"
	"github.com/connectless/connectless/core/connect/connecttest"
	"github.com/connectless/connectless/core/kafka"
	"github.com/connectless/connectless/core/store"
	"github.com/connectless/connectless/core/taskrun"
	"github.com/connectless/connectless/infra/devstack"
)

// TestIntegrationFileSourceCutShort runs FileStreamSource slices whose context is cancelled
// at random moments, while batches are being polled, converted and produced. Half of the
// cut slices lose their commit (as a killed process would); the others commit what they
// report. Whenever offsets are committed, every line before the committed position is in
// Kafka; a last slice reads to the end; the topic then holds every line, and the first
// copy of each line comes in file order.
func TestIntegrationFileSourceCutShort(t *testing.T) {
	const n = 30_000
	var b strings.Builder
	pos := map[int64]int{} // position after a line -> lines up to it
	for i := range n {
		fmt.Fprintf(&b, "line %06d %s\n", i, strings.Repeat("x", i%150))
		pos[int64(b.Len())] = i + 1
	}
	path := filepath.Join(t.TempDir(), "in.log")
	if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	c, conv := sliceSetup(t, devstack.KafkaOptions{Partitions: 1, Topics: []string{"lines"}})
	tp := connect.TopicPartition{Topic: "lines"}
	inKafka := func() []string {
		var out []string
		ends, err := c.EndOffsets(context.Background(), []connect.TopicPartition{tp})
		if err != nil {
			t.Fatal(err)
		}
		for next := int64(0); next < ends[tp]; {
			fr, err := c.Fetch(context.Background(), tp, next, kafka.FetchOptions{})
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range fr.Messages {
				out = append(out, string(m.Value))
			}
			next = fr.Next
		}
		return out
	}
	offsets := connecttest.NewOffsets()
	rng := rand.New(rand.NewPCG(1, 2))
	committed := 0 // lines up to the committed position
	const slices = 40
	for slice := range slices {
		cut := slice < slices-1
		ctx, cancel := context.WithCancel(context.Background())
		if cut {
			time.AfterFunc(time.Duration(500+rng.IntN(3500))*time.Microsecond, cancel)
		}
		keep := !cut || slice%2 == 0
		res, err := taskrun.RunSourceSlice(ctx, nil, taskrun.SourceSlice{
			Task: (&file.SourceConnector{}).NewTask(), TaskConfig: map[string]string{file.FileConfig: path, file.TopicConfig: "lines", file.BatchSizeConfig: "500"},
			OffsetReader: offsets, Client: c, IdlePolls: 1, Converters: conv,
			Commit: func(_ context.Context, offs []store.SourceOffset) error {
				if !keep || len(offs) == 0 {
					return nil
				}
				p, _ := connect.OffsetInt(offs[0].Offset[file.PositionField])
				upTo, ok := pos[p]
				if !ok || upTo < committed {
					t.Fatalf("slice %d commits position %d (line %d) after line %d", slice, p, upTo, committed)
				}
				have := map[string]bool{}
				for _, v := range inKafka() {
					have[v] = true
				}
				for i := range upTo {
					if want := fmt.Sprintf("line %06d %s", i, strings.Repeat("x", i%150)); !have[want] {
						t.Fatalf("slice %d commits line %d, but line %d is not in Kafka", slice, upTo, i)
					}
				}
				committed = upTo
				return offsets.Commit(offs[0].Partition, offs[0].Offset)
			},
		})
		cancel()
		t.Logf("slice %d: polled %d, produced %d, commit kept %v, lines committed %d, error %v", slice, res.Polled, res.Produced, keep, committed, err)
	}
	if committed != n {
		t.Fatalf("the last slice committed line %d of %d", committed, n)
	}
	seen := map[string]bool{}
	next := 0
	for _, v := range inKafka() {
		if seen[v] {
			continue
		}
		seen[v] = true
		if want := fmt.Sprintf("line %06d %s", next, strings.Repeat("x", next%150)); v != want {
			t.Fatalf("first copy of line %d is %.12q, want %.12q", next, v, want)
		}
		next++
	}
	if next != n {
		t.Fatalf("the topic holds %d distinct lines, want %d", next, n)
	}
}
