// Package store defines where connectless keeps its state: connector and task configurations,
// source and sink offsets, connector and task status, and task leases with fencing tokens.
// Backends live in subpackages (dynamo, kafkatopic, bolt, memory) and all pass the
// conformance suite in storetest.
package store

import (
	"context"
	"errors"
	"time"

	"github.com/connectless/connectless/core/connect"
)

// Sentinel errors shared by every backend; backends wrap them with context.
var (
	// ErrNotFound: no such connector (or task, or lease).
	ErrNotFound = errors.New("not found")
	// ErrExists: a connector with that name already exists.
	ErrExists = errors.New("already exists")
	// ErrLeaseHeld: another holder has an unexpired lease on the task.
	ErrLeaseHeld = errors.New("lease held by another holder")
	// ErrFenced: the write carried a fencing token older than the task's current one.
	ErrFenced = errors.New("fenced: stale lease token")
	// ErrTooLarge: a value would exceed what the backend can store in one item or record.
	ErrTooLarge = errors.New("value too large")
)

// TargetState is a connector's desired state, as Kafka Connect's TargetState.
type TargetState string

// Target states.
const (
	TargetRunning TargetState = "RUNNING"
	TargetPaused  TargetState = "PAUSED"
	TargetStopped TargetState = "STOPPED"
)

// Connector is a connector's stored configuration.
type Connector struct {
	Name        string
	Config      map[string]string // as the user gave it, config-provider references unresolved
	TargetState TargetState
	// Generation grows by one each time the task configurations are replaced.
	Generation int64
	// Tasks are the task configurations of Generation; empty when none were computed yet
	// or the connector is STOPPED.
	Tasks []map[string]string
}

// ConfigStore keeps connector configurations, task configurations and target states.
type ConfigStore interface {
	// CreateConnector stores a new connector; ErrExists if the name is taken.
	CreateConnector(ctx context.Context, name string, config map[string]string, state TargetState) error
	// PutConnectorConfig creates or replaces a connector's configuration, keeping its target
	// state (RUNNING for a new one) and tasks.
	PutConnectorConfig(ctx context.Context, name string, config map[string]string) error
	// PutTaskConfigs replaces the task configurations and returns the new generation.
	PutTaskConfigs(ctx context.Context, name string, tasks []map[string]string) (generation int64, err error)
	// PutTargetState sets the target state; ErrNotFound for an unknown connector.
	PutTargetState(ctx context.Context, name string, state TargetState) error
	// Connector returns one connector; ErrNotFound if unknown.
	Connector(ctx context.Context, name string) (Connector, error)
	// Connectors returns every connector name, sorted.
	Connectors(ctx context.Context) ([]string, error)
	// DeleteConnector removes the connector, its task configs and its status; offsets stay
	// (as in Kafka Connect). ErrNotFound if unknown.
	DeleteConnector(ctx context.Context, name string) error
}

// SourceOffset is one source partition's offset; a nil Offset deletes it (a tombstone).
type SourceOffset struct {
	Partition map[string]any
	Offset    map[string]any
}

// OffsetStore keeps committed offsets. Commits carry the lease they were made under and are
// refused with ErrFenced when that lease's token is no longer current.
type OffsetStore interface {
	// SourceOffsets returns every committed source offset of a connector.
	SourceOffsets(ctx context.Context, connector string) ([]SourceOffset, error)
	// CommitSourceOffsets commits source offsets under a lease.
	CommitSourceOffsets(ctx context.Context, lease Lease, offsets []SourceOffset) error
	// SinkOffsets returns every committed sink offset of a connector (next offset to read).
	SinkOffsets(ctx context.Context, connector string) (map[connect.TopicPartition]int64, error)
	// CommitSinkOffsets commits sink offsets under a lease.
	CommitSinkOffsets(ctx context.Context, lease Lease, offsets map[connect.TopicPartition]int64) error
	// AlterSourceOffsets writes or (nil Offset) deletes source offsets outside any lease, for
	// the offsets REST API on a STOPPED connector.
	AlterSourceOffsets(ctx context.Context, connector string, offsets []SourceOffset) error
	// AlterSinkOffsets writes sink offsets outside any lease; a negative offset deletes.
	AlterSinkOffsets(ctx context.Context, connector string, offsets map[connect.TopicPartition]int64) error
	// ResetOffsets deletes every offset of a connector.
	ResetOffsets(ctx context.Context, connector string) error
}

// State is a runtime state as the status API spells it.
type State string

// Runtime states.
const (
	StateUnassigned State = "UNASSIGNED"
	StateRunning    State = "RUNNING"
	StatePaused     State = "PAUSED"
	StateFailed     State = "FAILED"
	StateRestarting State = "RESTARTING"
	StateStopped    State = "STOPPED"
	StateDestroyed  State = "DESTROYED"
)

// Status is the runtime status of a connector (Task = -1) or one of its tasks.
type Status struct {
	Connector  string
	Task       int // -1 for the connector itself
	State      State
	WorkerID   string // worker id (host:port) or invocation id
	Trace      string // error trace when FAILED
	Generation int64
	Updated    time.Time
}

// StatusStore keeps runtime status.
type StatusStore interface {
	// PutStatus writes a connector status (Task -1) without a lease.
	PutStatus(ctx context.Context, st Status) error
	// PutTaskStatus writes a task's status under its lease; ErrFenced when stale.
	PutTaskStatus(ctx context.Context, lease Lease, st Status) error
	// Statuses returns the connector status (Task -1) and every task status of a connector,
	// connector first, then tasks by id.
	Statuses(ctx context.Context, connector string) ([]Status, error)
}

// Lease is the right to run one task for a while. Token is the fencing token: it grows with
// every acquisition of the same task, and writes carrying an older token are refused.
type Lease struct {
	Connector string
	Task      int
	Holder    string
	Token     int64
	Expires   time.Time
	// TookOver is set on a lease Acquire returns when the task's previous lease was not
	// released: it expired (or, for a group assignment, was revoked) while its holder may
	// still be running. The state store fences that holder's writes by token; a task that
	// writes elsewhere (the Iceberg sink's tables) fences them there.
	TookOver bool
}

// LeaseStore hands out task leases.
type LeaseStore interface {
	// Acquire takes the task's lease for ttl if it is free or expired; ErrLeaseHeld otherwise.
	Acquire(ctx context.Context, connector string, task int, holder string, ttl time.Duration) (Lease, error)
	// Renew extends a held lease; ErrFenced if it was taken over.
	Renew(ctx context.Context, lease Lease, ttl time.Duration) (Lease, error)
	// Release gives a lease up early; releasing a lease that was taken over is not an error.
	Release(ctx context.Context, lease Lease) error
	// CurrentLease returns the task's lease as stored (possibly expired); ErrNotFound if none.
	CurrentLease(ctx context.Context, connector string, task int) (Lease, error)
}

// TopicStatus says that a task of a connector used a topic: produced to it (source) or
// consumed from it (sink). Kafka Connect's TopicStatus (KIP-558 active topics).
type TopicStatus struct {
	Topic     string
	Connector string
	Task      int
	// Discovered is when the topic was first used.
	Discovered time.Time
}

// TopicStore keeps the topics each connector used, for GET /connectors/{name}/topics.
type TopicStore interface {
	// RecordActiveTopic notes a topic a task used. A topic already recorded for the
	// connector stays as it was, and nothing is written.
	RecordActiveTopic(ctx context.Context, ts TopicStatus) error
	// ActiveTopics returns the topics recorded for a connector, sorted; none for a
	// connector the store does not know.
	ActiveTopics(ctx context.Context, connector string) ([]string, error)
	// ResetActiveTopics forgets every topic recorded for a connector.
	ResetActiveTopics(ctx context.Context, connector string) error
}

// Store is a complete state backend. DeleteConnector also forgets the connector's active
// topics.
type Store interface {
	ConfigStore
	OffsetStore
	StatusStore
	LeaseStore
	TopicStore
	Close() error
}
