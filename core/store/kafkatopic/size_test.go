package kafkatopic

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/connectless/connectless/core/store"
)

// A record of exactly MaxRecordBytes is written and read back; the broker's own limit, when
// MaxRecordBytes is set above it, is reported as store.ErrTooLarge too.
func TestIntegrationRecordSizeLimits(t *testing.T) {
	brokers := startKafka(t)
	s := openStore(t, brokers)
	ctx := t.Context()
	l, err := s.Acquire(ctx, "big", 0, "w", time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	part := map[string]any{"f": "x"}
	key, _ := EncodeOffsetKey("big", part)
	overhead := len(key) + len(`{"blob":""}`)
	blob := strings.Repeat("y", DefaultMaxRecordBytes-overhead)
	if err := s.CommitSourceOffsets(ctx, l, []store.SourceOffset{{Partition: part, Offset: map[string]any{"blob": blob}}}); err != nil {
		t.Fatalf("record of exactly %d bytes: %v", DefaultMaxRecordBytes, err)
	}
	offs, err := openStore(t, brokers).SourceOffsets(ctx, "big")
	if err != nil || len(offs) != 1 || offs[0].Offset["blob"] != blob {
		t.Fatalf("read back the largest record: %d offsets, %v", len(offs), err)
	}
	err = s.CommitSourceOffsets(ctx, l, []store.SourceOffset{{Partition: part, Offset: map[string]any{"blob": blob + "y"}}})
	if !errors.Is(err, store.ErrTooLarge) {
		t.Fatalf("one byte more: %v, want ErrTooLarge", err)
	}

	loose := openStore(t, brokers, func(c *Config) { c.MaxRecordBytes = 4 << 20 })
	err = loose.AlterSourceOffsets(ctx, "big", []store.SourceOffset{{Partition: part, Offset: map[string]any{"blob": strings.Repeat("z", 2<<20)}}})
	if !errors.Is(err, store.ErrTooLarge) {
		t.Fatalf("a record above the broker's message.max.bytes: %v, want ErrTooLarge", err)
	}
	if offs, err := loose.SourceOffsets(ctx, "big"); err != nil || len(offs) != 1 || offs[0].Offset["blob"] != blob {
		t.Fatalf("the refused record changed the offsets: %v", err)
	}
}
