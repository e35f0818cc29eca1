package herder

import (
	"github.com/connectless/connectless/core/restapi"
	"github.com/connectless/connectless/core/store"
)

// The REST entities the herder answers with; package restapi defines them.
type (
	// ConnectorTaskID names one task.
	ConnectorTaskID = restapi.ConnectorTaskID
	// ConnectorInfo is a connector's name, stored configuration, tasks and type.
	ConnectorInfo = restapi.ConnectorInfo
	// ConnectorState is the connector part of a status.
	ConnectorState = restapi.ConnectorState
	// TaskState is one task's status.
	TaskState = restapi.TaskState
	// ConnectorStateInfo is GET /connectors/{c}/status.
	ConnectorStateInfo = restapi.ConnectorStateInfo
	// TaskInfo is one entry of GET /connectors/{c}/tasks.
	TaskInfo = restapi.TaskInfo
	// ActiveTopics is one connector's entry of GET /connectors/{c}/topics.
	ActiveTopics = restapi.ActiveTopics
	// ConnectorOffset is one partition's offset.
	ConnectorOffset = restapi.ConnectorOffset
	// SinkPartition is a sink connector's partition.
	SinkPartition = restapi.SinkPartition
	// SinkOffset is a sink connector's offset.
	SinkOffset = restapi.SinkOffset
	// ConnectorOffsets is GET /connectors/{c}/offsets and the PATCH body.
	ConnectorOffsets = restapi.ConnectorOffsets
	// Message is the answer of the offsets PATCH and DELETE.
	Message = restapi.Message
	// PluginInfo is one entry of GET /connector-plugins.
	PluginInfo = restapi.PluginInfo
	// ConnectorSchedule is a connector's entry of GET /connectors?expand=schedule.
	ConnectorSchedule = restapi.ConnectorSchedule
)

// TargetState is the state a connector is asked to be in, as Kafka Connect's TargetState;
// CreateConnector takes it as initial state.
type TargetState = store.TargetState

// Target states.
const (
	TargetRunning = store.TargetRunning
	TargetPaused  = store.TargetPaused
	TargetStopped = store.TargetStopped
)
