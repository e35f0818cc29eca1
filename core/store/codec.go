package store

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"strconv"
	"time"

	"github.com/connectless/connectless/core/connect"
)

// ErrInvalid: an argument is malformed (an empty connector name, a negative task id, a
// non-positive lease duration, a source partition that is not JSON-encodable).
var ErrInvalid = errors.New("invalid argument")

// ValidateConnector checks a connector name: it must be non-empty valid text without NUL.
func ValidateConnector(name string) error {
	if name == "" {
		return fmt.Errorf("connector name is empty: %w", ErrInvalid)
	}
	if bytes.IndexByte([]byte(name), 0) >= 0 {
		return fmt.Errorf("connector name %q contains NUL: %w", name, ErrInvalid)
	}
	return nil
}

// ValidateTask checks a connector name and a task id (0 or more).
func ValidateTask(connector string, task int) error {
	if err := ValidateConnector(connector); err != nil {
		return err
	}
	if task < 0 {
		return fmt.Errorf("connector %q: task id %d is negative: %w", connector, task, ErrInvalid)
	}
	return nil
}

// ValidateAcquire checks the arguments of LeaseStore.Acquire: a valid connector name and
// task id, and a positive ttl.
func ValidateAcquire(connector string, task int, ttl time.Duration) error {
	if err := ValidateTask(connector, task); err != nil {
		return fmt.Errorf("acquire lease: %w", err)
	}
	if ttl <= 0 {
		return fmt.Errorf("acquire lease of %q task %d: ttl %v is not positive: %w", connector, task, ttl, ErrInvalid)
	}
	return nil
}

// ValidateRenew checks the ttl given to LeaseStore.Renew for lease: it must be positive.
func ValidateRenew(lease Lease, ttl time.Duration) error {
	if ttl <= 0 {
		return fmt.Errorf("renew lease of %q task %d: ttl %v is not positive: %w", lease.Connector, lease.Task, ttl, ErrInvalid)
	}
	return nil
}

// ValidateTargetState checks that s is one of the three target states.
func ValidateTargetState(s TargetState) error {
	switch s {
	case TargetRunning, TargetPaused, TargetStopped:
		return nil
	}
	return fmt.Errorf("target state %q is not RUNNING, PAUSED or STOPPED: %w", s, ErrInvalid)
}

// PartitionKey returns the canonical encoding of a source partition: compact JSON with map
// keys sorted and no HTML escaping (as Jackson writes '<', '>' and '&'). Two partitions that
// JSON-decode to the same value have the same key, whatever their Go number types.
func PartitionKey(partition map[string]any) (string, error) {
	if partition == nil {
		return "", fmt.Errorf("source partition is nil: %w", ErrInvalid)
	}
	b, err := CompactJSON(partition)
	if err != nil {
		return "", fmt.Errorf("encode source partition: %v: %w", err, ErrInvalid)
	}
	// Round-trip so that equal values spelled with different Go types encode alike.
	var v map[string]any
	if err := json.Unmarshal(b, &v); err != nil {
		return "", fmt.Errorf("decode source partition: %w", err)
	}
	b, err = CompactJSON(v)
	if err != nil {
		return "", fmt.Errorf("encode source partition: %w", err)
	}
	return string(b), nil
}

// CompactJSON is json.Marshal without HTML escaping and without the trailing newline: the
// form of every JSON value the stores write (Kafka Connect's converters escape no HTML).
func CompactJSON(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// EncodeOffset encodes a source offset as compact JSON without HTML escaping; nil encodes
// as "null".
func EncodeOffset(offset map[string]any) (string, error) {
	if offset == nil {
		return "null", nil
	}
	b, err := CompactJSON(offset)
	if err != nil {
		return "", fmt.Errorf("encode source offset: %v: %w", err, ErrInvalid)
	}
	return string(b), nil
}

// DecodeMap decodes a JSON object written by PartitionKey or EncodeOffset; "null" gives nil.
// Numbers come back as float64, as encoding/json decodes them.
func DecodeMap(s string) (map[string]any, error) {
	var v map[string]any
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		return nil, fmt.Errorf("decode %q: %w", s, err)
	}
	return v, nil
}

// TopicPartitionKey encodes a topic-partition as "topic/partition". Topic names never
// contain '/', so the last '/' splits it unambiguously.
func TopicPartitionKey(tp connect.TopicPartition) string {
	return tp.Topic + "/" + strconv.FormatInt(int64(tp.Partition), 10)
}

// ParseTopicPartitionKey reverses TopicPartitionKey.
func ParseTopicPartitionKey(s string) (connect.TopicPartition, error) {
	i := bytes.LastIndexByte([]byte(s), '/')
	if i < 0 {
		return connect.TopicPartition{}, fmt.Errorf("topic-partition key %q has no '/'", s)
	}
	p, err := strconv.ParseInt(s[i+1:], 10, 32)
	if err != nil {
		return connect.TopicPartition{}, fmt.Errorf("topic-partition key %q: %w", s, err)
	}
	return connect.TopicPartition{Topic: s[:i], Partition: int32(p)}, nil
}

// ValidateTopicPartition checks a sink offset's topic-partition.
func ValidateTopicPartition(tp connect.TopicPartition) error {
	if tp.Topic == "" || bytes.IndexByte([]byte(tp.Topic), '/') >= 0 {
		return fmt.Errorf("topic %q is empty or contains '/': %w", tp.Topic, ErrInvalid)
	}
	if tp.Partition < 0 {
		return fmt.Errorf("topic %q: partition %d is negative: %w", tp.Topic, tp.Partition, ErrInvalid)
	}
	return nil
}

// CloneConfig copies a configuration map (nil stays nil).
func CloneConfig(m map[string]string) map[string]string {
	if m == nil {
		return nil
	}
	return maps.Clone(m)
}

// CloneConnector deep-copies a Connector.
func CloneConnector(c Connector) Connector {
	c.Config = CloneConfig(c.Config)
	if c.Tasks != nil {
		tasks := make([]map[string]string, len(c.Tasks))
		for i, t := range c.Tasks {
			tasks[i] = CloneConfig(t)
		}
		c.Tasks = tasks
	}
	return c
}

// TooLargeError builds the ErrTooLarge error every backend returns: what was refused, its
// size and the limit.
func TooLargeError(what string, size, limit int) error {
	return fmt.Errorf("%s: %d bytes exceeds the limit of %d bytes: %w", what, size, limit, ErrTooLarge)
}

// DefaultMaxValueSize is the largest stored value (a connector with its task configurations,
// a commit's offsets, a status) the memory and bolt backends accept by default: 1 MiB, Kafka's
// default message.max.bytes, so that state kept there also fits Kafka Connect's topics.
const DefaultMaxValueSize = 1 << 20

// ValidateTopicStatus checks the arguments of TopicStore.RecordActiveTopic: a valid connector
// name, a task id of 0 or more and a non-empty topic without NUL.
func ValidateTopicStatus(ts TopicStatus) error {
	if err := ValidateTask(ts.Connector, ts.Task); err != nil {
		return fmt.Errorf("record active topic: %w", err)
	}
	if ts.Topic == "" || bytes.IndexByte([]byte(ts.Topic), 0) >= 0 {
		return fmt.Errorf("record active topic of %q: topic %q is empty or contains NUL: %w", ts.Connector, ts.Topic, ErrInvalid)
	}
	return nil
}
