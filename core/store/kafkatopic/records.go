package kafkatopic

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/connectless/connectless/core/connect/javacompat"
	"github.com/connectless/connectless/core/store"
)

// ErrBadRecord reports a record whose key or value does not follow Kafka Connect's format.
var ErrBadRecord = errors.New("malformed internal topic record")

// Key prefixes of the config topic (KafkaConfigBackingStore) and the status topic
// (KafkaStatusBackingStore). The lease prefix is ours; Kafka Connect workers log and skip it.
const (
	prefixTargetState = "target-state-"
	prefixConnector   = "connector-"
	prefixTask        = "task-"
	prefixCommit      = "commit-"
	prefixStatusConn  = "status-connector-"
	prefixStatusTask  = "status-task-"
	prefixStatusTopic = "status-topic-"
	sepStatusTopic    = ":connector-"
	prefixLeaseTask   = "connectless-lease-task-"
	targetStarted     = "STARTED"
	targetPausedJava  = "PAUSED"
	targetStoppedJava = "STOPPED"
)

// Record headers connectless adds to Kafka Connect's records. Kafka Connect reads only keys and
// values, so the headers leave its formats untouched.
const (
	// HeaderGeneration on a commit-<name> record carries the task-config generation it commits,
	// in decimal. Without it (records written by Kafka Connect) each commit adds one.
	HeaderGeneration = "connectless.generation"
	// HeaderUpdated on a status record carries store.Status.Updated in Unix nanoseconds, empty
	// for the zero time. Without it the record timestamp is used.
	HeaderUpdated = "connectless.updated"
)

// TopicStatusKey is the status topic key of a topic a connector used (KIP-558):
// status-topic-<topic>:connector-<name>.
func TopicStatusKey(topic, connector string) string {
	return prefixStatusTopic + topic + sepStatusTopic + connector
}

// ConnectorKey is the config topic key of a connector configuration.
func ConnectorKey(name string) string { return prefixConnector + name }

// TargetStateKey is the config topic key of a connector's target state.
func TargetStateKey(name string) string { return prefixTargetState + name }

// TaskKey is the config topic key of one task configuration.
func TaskKey(name string, task int) string { return prefixTask + name + "-" + strconv.Itoa(task) }

// CommitKey is the config topic key of the record that commits a connector's task configurations.
func CommitKey(name string) string { return prefixCommit + name }

// ConnectorStatusKey is the status topic key of a connector's status.
func ConnectorStatusKey(name string) string { return prefixStatusConn + name }

// TaskStatusKey is the status topic key of a task's status.
func TaskStatusKey(name string, task int) string {
	return prefixStatusTask + name + "-" + strconv.Itoa(task)
}

// LeaseKey is the status topic key of a task's lease record.
func LeaseKey(name string, task int) string { return prefixLeaseTask + name + "-" + strconv.Itoa(task) }

// splitTaskKey splits "<name>-<n>" (after a prefix) the way Kafka Connect does: the last dash
// separates the task number, so connector names may contain dashes.
func splitTaskKey(rest string) (string, int, bool) {
	i := strings.LastIndexByte(rest, '-')
	if i <= 0 {
		return "", 0, false
	}
	n, err := strconv.Atoi(rest[i+1:])
	if err != nil || n < 0 {
		return "", 0, false
	}
	return rest[:i], n, true
}

type propertiesValue struct {
	Properties map[string]string `json:"properties"`
}

// EncodeConnectorConfig encodes a connector-<name> or task-<name>-<n> value:
// {"properties":{...}} with keys sorted.
func EncodeConnectorConfig(props map[string]string) ([]byte, error) {
	if props == nil {
		props = map[string]string{}
	}
	return store.CompactJSON(propertiesValue{Properties: props})
}

// DecodeProperties decodes a {"properties":{...}} value.
func DecodeProperties(value []byte) (map[string]string, error) {
	var v struct {
		Properties map[string]any `json:"properties"`
	}
	if err := json.Unmarshal(value, &v); err != nil {
		return nil, fmt.Errorf("decode properties: %w: %w", ErrBadRecord, err)
	}
	if v.Properties == nil {
		return nil, fmt.Errorf("decode properties: %w: no \"properties\" object", ErrBadRecord)
	}
	out := make(map[string]string, len(v.Properties))
	for k, val := range v.Properties {
		switch x := val.(type) {
		case string:
			out[k] = x
		case nil:
			out[k] = ""
		default:
			return nil, fmt.Errorf("decode properties: %w: property %q is not a string", ErrBadRecord, k)
		}
	}
	return out, nil
}

type targetStateValue struct {
	State   string `json:"state"`
	StateV2 string `json:"state.v2"`
}

// EncodeTargetState encodes a target-state-<name> value: {"state":..,"state.v2":..}. STOPPED is
// written as PAUSED in "state" for workers older than 3.5, as Kafka Connect does.
func EncodeTargetState(s store.TargetState) ([]byte, error) {
	var v targetStateValue
	switch s {
	case store.TargetRunning, "":
		v = targetStateValue{State: targetStarted, StateV2: targetStarted}
	case store.TargetPaused:
		v = targetStateValue{State: targetPausedJava, StateV2: targetPausedJava}
	case store.TargetStopped:
		v = targetStateValue{State: targetPausedJava, StateV2: targetStoppedJava}
	default:
		return nil, fmt.Errorf("encode target state %q: %w", s, ErrBadRecord)
	}
	return store.CompactJSON(v)
}

// DecodeTargetState decodes a target-state value, preferring "state.v2" over "state".
func DecodeTargetState(value []byte) (store.TargetState, error) {
	var v map[string]any
	if err := json.Unmarshal(value, &v); err != nil {
		return "", fmt.Errorf("decode target state: %w: %w", ErrBadRecord, err)
	}
	s, _ := v["state.v2"].(string)
	if s == "" {
		s, _ = v["state"].(string)
	}
	switch s {
	case targetStarted:
		return store.TargetRunning, nil
	case targetPausedJava:
		return store.TargetPaused, nil
	case targetStoppedJava:
		return store.TargetStopped, nil
	}
	return "", fmt.Errorf("decode target state %q: %w", s, ErrBadRecord)
}

type commitValue struct {
	Tasks int `json:"tasks"`
}

// EncodeCommit encodes a commit-<name> value: {"tasks":N}.
func EncodeCommit(tasks int) ([]byte, error) { return store.CompactJSON(commitValue{Tasks: tasks}) }

// DecodeCommit decodes a commit-<name> value.
func DecodeCommit(value []byte) (int, error) {
	var v struct {
		Tasks *int64 `json:"tasks"`
	}
	if err := json.Unmarshal(value, &v); err != nil || v.Tasks == nil || *v.Tasks < 0 {
		return 0, fmt.Errorf("decode commit %s: %w", value, ErrBadRecord)
	}
	return int(*v.Tasks), nil
}

type statusValue struct {
	State      string  `json:"state"`
	Trace      *string `json:"trace"`
	WorkerID   string  `json:"worker_id"`
	Generation int32   `json:"generation"`
}

// EncodeStatus encodes a status-connector-/status-task- value:
// {"state":..,"trace":..|null,"worker_id":..,"generation":N}. The generation is an int32 in
// Kafka Connect's schema; larger values are refused.
func EncodeStatus(st store.Status) ([]byte, error) {
	if st.Generation > 1<<31-1 || st.Generation < -1<<31 {
		return nil, fmt.Errorf("encode status generation %d: %w: does not fit an int32", st.Generation, ErrBadRecord)
	}
	v := statusValue{State: string(st.State), WorkerID: st.WorkerID, Generation: int32(st.Generation)}
	if st.Trace != "" {
		v.Trace = &st.Trace
	}
	return store.CompactJSON(v)
}

// DecodeStatus decodes a status value into st's State, Trace, WorkerID and Generation.
func DecodeStatus(value []byte, st *store.Status) error {
	var v struct {
		State      string  `json:"state"`
		Trace      *string `json:"trace"`
		WorkerID   string  `json:"worker_id"`
		Generation int64   `json:"generation"`
	}
	if err := json.Unmarshal(value, &v); err != nil || v.State == "" {
		return fmt.Errorf("decode status %s: %w", value, ErrBadRecord)
	}
	st.State = store.State(v.State)
	st.WorkerID = v.WorkerID
	st.Generation = v.Generation
	st.Trace = ""
	if v.Trace != nil {
		st.Trace = *v.Trace
	}
	return nil
}

// EncodeOffsetKey encodes a connect-offsets key: ["<connector>",{<partition>}], as Kafka's
// OffsetStorageWriter has JsonConverter (schemas.enable=false) write it: the partition's keys
// in java.util.HashMap order, numbers as Java prints them.
func EncodeOffsetKey(connector string, partition map[string]any) ([]byte, error) {
	return encodeSchemaless([]any{connector, longs(partition)})
}

// EncodeOffsetValue encodes a connect-offsets value; a nil offset is a tombstone (nil bytes).
func EncodeOffsetValue(offset map[string]any) ([]byte, error) {
	if offset == nil {
		return nil, nil
	}
	return encodeSchemaless(longs(offset))
}

// longs returns m with its integral float64 values as int64. Offsets kept in a store that
// holds JSON come back as float64 whatever the connector stored; an integral one was a Long
// (a position, a timestamp), and Kafka Connect must read it back as one, written 100 not 100.0.
func longs(m map[string]any) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		if f, ok := v.(float64); ok && f == math.Trunc(f) && math.Abs(f) < 1<<63 {
			v = int64(f)
		}
		out[k] = v
	}
	return out
}

// encodeSchemaless writes v as Kafka's JsonConverter does without a schema.
func encodeSchemaless(v any) ([]byte, error) {
	b, err := javacompat.Encoder{}.AppendConnect(nil, nil, v)
	if err != nil {
		return nil, fmt.Errorf("encode offset: %w: %w", ErrBadRecord, err)
	}
	return b, nil
}

// DecodeOffsetKey decodes a connect-offsets key. ok is false for keys Kafka Connect ignores
// (OffsetUtils.processPartitionKey): not a 2-element list of a string and an object.
func DecodeOffsetKey(key []byte) (connector string, partition map[string]any, ok bool) {
	var parts []json.RawMessage
	if err := json.Unmarshal(key, &parts); err != nil || len(parts) != 2 {
		return "", nil, false
	}
	if err := json.Unmarshal(parts[0], &connector); err != nil {
		return "", nil, false
	}
	m, err := decodeJSONMap(parts[1])
	if err != nil || m == nil {
		return "", nil, false
	}
	return connector, m, true
}

// DecodeOffsetValue decodes a connect-offsets value; nil bytes (a tombstone) give a nil map.
func DecodeOffsetValue(value []byte) (map[string]any, error) {
	if value == nil {
		return nil, nil
	}
	m, err := decodeJSONMap(value)
	if err != nil || m == nil {
		return nil, fmt.Errorf("decode offset %s: %w", value, ErrBadRecord)
	}
	return m, nil
}

// decodeJSONMap decodes a JSON object, turning integral numbers into int64 and the others into
// float64, as Kafka's JsonConverter gives Long and Double.
func decodeJSONMap(b []byte) (map[string]any, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		return nil, err
	}
	for k, v := range m {
		m[k] = normalizeNumber(v)
	}
	return m, nil
}

func normalizeNumber(v any) any {
	switch x := v.(type) {
	case json.Number:
		if i, err := x.Int64(); err == nil {
			return i
		}
		f, _ := x.Float64()
		return f
	case map[string]any:
		for k, e := range x {
			x[k] = normalizeNumber(e)
		}
	case []any:
		for i, e := range x {
			x[i] = normalizeNumber(e)
		}
	}
	return v
}

// topicStatusValue is a status-topic- value, Kafka's TopicStatus schema (a map with one
// entry "topic" holding a struct).
type topicStatusValue struct {
	Topic struct {
		Name       string `json:"name"`
		Connector  string `json:"connector"`
		Task       int32  `json:"task"`
		Discovered int64  `json:"discoverTimestamp"`
	} `json:"topic"`
}

// EncodeTopicStatus encodes a status-topic- value:
// {"topic":{"name":..,"connector":..,"task":N,"discoverTimestamp":ms}}.
func EncodeTopicStatus(ts store.TopicStatus) ([]byte, error) {
	var v topicStatusValue
	v.Topic.Name, v.Topic.Connector, v.Topic.Task = ts.Topic, ts.Connector, int32(ts.Task)
	v.Topic.Discovered = ts.Discovered.UnixMilli()
	return store.CompactJSON(v)
}

// DecodeTopicStatus decodes a status-topic- value.
func DecodeTopicStatus(value []byte) (store.TopicStatus, error) {
	var v topicStatusValue
	if err := json.Unmarshal(value, &v); err != nil || v.Topic.Name == "" || v.Topic.Connector == "" {
		return store.TopicStatus{}, fmt.Errorf("decode topic status %s: %w", value, ErrBadRecord)
	}
	return store.TopicStatus{Topic: v.Topic.Name, Connector: v.Topic.Connector, Task: int(v.Topic.Task),
		Discovered: time.UnixMilli(v.Topic.Discovered)}, nil
}
