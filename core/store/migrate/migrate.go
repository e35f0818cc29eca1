package migrate

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/segmentio/kafka-go"

	"github.com/connectless/connectless/core/connect"
	kafkaclient "github.com/connectless/connectless/core/kafka"
	"github.com/connectless/connectless/core/store"
	"github.com/connectless/connectless/core/store/kafkatopic"
)

// ErrNoBrokers reports a Cluster without bootstrap brokers.
var ErrNoBrokers = errors.New("no kafka brokers")

// Cluster is the Kafka Connect side of a migration.
type Cluster struct {
	// Brokers are the Kafka cluster's bootstrap brokers. Required. Mirrors bootstrap.servers.
	Brokers []string
	// Client secures the connections (TLS, SASL), as the Kafka client factory built it. The
	// zero value is plaintext.
	Client kafkaclient.Options
	// OffsetsTopic holds source offsets. Default "connect-offsets". Mirrors Kafka Connect's
	// offset.storage.topic (or the connector's own offsets.storage.topic).
	OffsetsTopic string
	// SinkGroup is the sink connector's consumer group. Default "connect-<connector>". Mirrors
	// the connector's consumer.override.group.id.
	SinkGroup string
	// Timeout bounds each request to Kafka. Default 10s.
	Timeout time.Duration
}

func (c Cluster) client() (*kafka.Client, error) {
	if len(c.Brokers) == 0 {
		return nil, ErrNoBrokers
	}
	timeout := c.Timeout
	if timeout == 0 {
		timeout = 10 * time.Second
	}
	return &kafka.Client{Addr: kafka.TCP(c.Brokers...), Timeout: timeout, Transport: c.Client.NewTransport()}, nil
}

func (c Cluster) offsetsTopic() string {
	if c.OffsetsTopic == "" {
		return "connect-offsets"
	}
	return c.OffsetsTopic
}

func (c Cluster) sinkGroup(connector string) string {
	if c.SinkGroup == "" {
		return kafkatopic.SinkGroupID(connector)
	}
	return c.SinkGroup
}

// Options select what a migration moves.
type Options struct {
	// Source moves source offsets (the offsets topic).
	Source bool
	// Sink moves sink offsets (the consumer group).
	Sink bool
	// Replace also deletes, on the receiving side, the connector's offsets the sending side
	// does not have. Without it, offsets are only added or overwritten.
	Replace bool
}

// Result counts what a migration wrote.
type Result struct {
	SourceWritten int // source partitions written
	SourceDeleted int // source partitions deleted (Replace)
	SinkWritten   int // topic-partitions written
	SinkDeleted   int // topic-partitions deleted (Replace)
}

type sourceEntry struct {
	rawKey []byte
	offset store.SourceOffset
}

// readSource reads the connector's live source partitions from the offsets topic, keyed by
// store.PartitionKey, and returns the topic's partition count.
func readSource(ctx context.Context, client *kafka.Client, topic, connector string) (map[string]sourceEntry, int, error) {
	out := map[string]sourceEntry{}
	var bad error
	n, err := kafkatopic.ReadTopic(ctx, client, topic, func(r kafkatopic.Record) {
		name, partition, ok := kafkatopic.DecodeOffsetKey(r.Key)
		if !ok || name != connector || bad != nil {
			return // not a key of this connector; Kafka Connect ignores malformed keys too
		}
		pk, err := store.PartitionKey(partition)
		if err != nil {
			bad = fmt.Errorf("%s/%d@%d: %w", topic, r.Partition, r.Offset, err)
			return
		}
		if r.Value == nil {
			delete(out, pk)
			return
		}
		off, err := kafkatopic.DecodeOffsetValue(r.Value)
		if err != nil {
			bad = fmt.Errorf("%s/%d@%d: %w", topic, r.Partition, r.Offset, err)
			return
		}
		out[pk] = sourceEntry{rawKey: r.Key, offset: store.SourceOffset{Partition: partition, Offset: off}}
	})
	if err != nil {
		return nil, 0, err
	}
	if bad != nil {
		return nil, 0, bad
	}
	return out, n, nil
}

// ReadSourceOffsets returns a connector's source offsets as the Kafka Connect cluster holds
// them, sorted by partition. Numbers come back as int64 when integral, float64 otherwise.
func ReadSourceOffsets(ctx context.Context, c Cluster, connector string) ([]store.SourceOffset, error) {
	client, err := c.client()
	if err != nil {
		return nil, fmt.Errorf("read source offsets of %q: %w", connector, err)
	}
	m, _, err := readSource(ctx, client, c.offsetsTopic(), connector)
	if err != nil {
		return nil, fmt.Errorf("read source offsets of %q: %w", connector, err)
	}
	return sortedOffsets(m), nil
}

func sortedOffsets(m map[string]sourceEntry) []store.SourceOffset {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	out := make([]store.SourceOffset, len(keys))
	for i, k := range keys {
		out[i] = m[k].offset
	}
	return out
}

// ReadSinkOffsets returns a sink connector's committed consumer-group offsets.
func ReadSinkOffsets(ctx context.Context, c Cluster, connector string) (map[connect.TopicPartition]int64, error) {
	client, err := c.client()
	if err != nil {
		return nil, fmt.Errorf("read sink offsets of %q: %w", connector, err)
	}
	out, err := kafkatopic.FetchGroupOffsets(ctx, client, c.sinkGroup(connector))
	if err != nil {
		return nil, fmt.Errorf("read sink offsets of %q: %w", connector, err)
	}
	return out, nil
}

// Import copies a connector's offsets from a Kafka Connect cluster into dst.
func Import(ctx context.Context, c Cluster, dst store.OffsetStore, connector string, opts Options) (Result, error) {
	var res Result
	if err := store.ValidateConnector(connector); err != nil {
		return res, fmt.Errorf("import offsets: %w", err)
	}
	if opts.Source {
		offs, err := ReadSourceOffsets(ctx, c, connector)
		if err != nil {
			return res, fmt.Errorf("import offsets: %w", err)
		}
		if opts.Replace {
			have, err := dst.SourceOffsets(ctx, connector)
			if err != nil {
				return res, fmt.Errorf("import offsets of %q: read destination: %w", connector, err)
			}
			dels, err := missingSource(have, offs)
			if err != nil {
				return res, fmt.Errorf("import offsets of %q: %w", connector, err)
			}
			res.SourceDeleted = len(dels)
			offs = append(offs, dels...)
		}
		if len(offs) > 0 {
			if err := dst.AlterSourceOffsets(ctx, connector, offs); err != nil {
				return res, fmt.Errorf("import source offsets of %q: %w", connector, err)
			}
		}
		res.SourceWritten = len(offs) - res.SourceDeleted
	}
	if opts.Sink {
		offs, err := ReadSinkOffsets(ctx, c, connector)
		if err != nil {
			return res, fmt.Errorf("import offsets: %w", err)
		}
		res.SinkWritten = len(offs)
		if opts.Replace {
			have, err := dst.SinkOffsets(ctx, connector)
			if err != nil {
				return res, fmt.Errorf("import offsets of %q: read destination: %w", connector, err)
			}
			for tp := range have {
				if _, ok := offs[tp]; !ok {
					offs[tp] = -1
					res.SinkDeleted++
				}
			}
		}
		if len(offs) > 0 {
			if err := dst.AlterSinkOffsets(ctx, connector, offs); err != nil {
				return res, fmt.Errorf("import sink offsets of %q: %w", connector, err)
			}
		}
	}
	return res, nil
}

// missingSource returns tombstones for the partitions of have that want lacks.
func missingSource(have, want []store.SourceOffset) ([]store.SourceOffset, error) {
	keep := map[string]bool{}
	for _, o := range want {
		k, err := store.PartitionKey(o.Partition)
		if err != nil {
			return nil, err
		}
		keep[k] = true
	}
	var out []store.SourceOffset
	for _, o := range have {
		k, err := store.PartitionKey(o.Partition)
		if err != nil {
			return nil, err
		}
		if !keep[k] {
			out = append(out, store.SourceOffset{Partition: o.Partition})
		}
	}
	return out, nil
}

// Export writes a connector's offsets from src to a Kafka Connect cluster: source offsets as
// offsets topic records, sink offsets as commits to the connector's consumer group.
func Export(ctx context.Context, src store.OffsetStore, c Cluster, connector string, opts Options) (Result, error) {
	var res Result
	if err := store.ValidateConnector(connector); err != nil {
		return res, fmt.Errorf("export offsets: %w", err)
	}
	client, err := c.client()
	if err != nil {
		return res, fmt.Errorf("export offsets of %q: %w", connector, err)
	}
	if opts.Source {
		offs, err := src.SourceOffsets(ctx, connector)
		if err != nil {
			return res, fmt.Errorf("export offsets of %q: read source store: %w", connector, err)
		}
		topic := c.offsetsTopic()
		existing, partitions, err := readSource(ctx, client, topic, connector)
		if err != nil {
			return res, fmt.Errorf("export offsets of %q: %w", connector, err)
		}
		recs, written, err := exportRecords(connector, offs, existing, opts.Replace)
		if err != nil {
			return res, fmt.Errorf("export offsets of %q: %w", connector, err)
		}
		if err := kafkatopic.WriteRecords(ctx, client, topic, partitions, recs); err != nil {
			return res, fmt.Errorf("export offsets of %q: %w", connector, err)
		}
		res.SourceWritten, res.SourceDeleted = written, len(recs)-written
	}
	if opts.Sink {
		offs, err := src.SinkOffsets(ctx, connector)
		if err != nil {
			return res, fmt.Errorf("export offsets of %q: read source store: %w", connector, err)
		}
		res.SinkWritten = len(offs)
		group := c.sinkGroup(connector)
		if opts.Replace {
			have, err := kafkatopic.FetchGroupOffsets(ctx, client, group)
			if err != nil {
				return res, fmt.Errorf("export offsets of %q: %w", connector, err)
			}
			for tp := range have {
				if _, ok := offs[tp]; !ok {
					offs[tp] = -1
					res.SinkDeleted++
				}
			}
		}
		if err := kafkatopic.CommitGroupOffsets(ctx, client, group, offs); err != nil {
			return res, fmt.Errorf("export offsets of %q: %w", connector, err)
		}
	}
	return res, nil
}

// exportRecords builds the offsets topic records for offs, reusing the key bytes of partitions
// already in the topic, plus tombstones for the other existing ones when replace is set. It
// returns the records and how many of them are not tombstones.
func exportRecords(connector string, offs []store.SourceOffset, existing map[string]sourceEntry, replace bool) ([]kafkatopic.Record, int, error) {
	var recs []kafkatopic.Record
	seen := map[string]bool{}
	written := 0
	for _, o := range offs {
		pk, err := store.PartitionKey(o.Partition)
		if err != nil {
			return nil, 0, err
		}
		seen[pk] = true
		key := existing[pk].rawKey
		if key == nil {
			if key, err = kafkatopic.EncodeOffsetKey(connector, o.Partition); err != nil {
				return nil, 0, fmt.Errorf("partition %s: %w", pk, err)
			}
		}
		val, err := kafkatopic.EncodeOffsetValue(o.Offset)
		if err != nil {
			return nil, 0, fmt.Errorf("partition %s: %w", pk, err)
		}
		if val != nil {
			written++
		}
		recs = append(recs, kafkatopic.Record{Key: key, Value: val})
	}
	if replace {
		keys := make([]string, 0, len(existing))
		for pk := range existing {
			if !seen[pk] {
				keys = append(keys, pk)
			}
		}
		slices.Sort(keys)
		for _, pk := range keys {
			recs = append(recs, kafkatopic.Record{Key: existing[pk].rawKey})
		}
	}
	return recs, written, nil
}
