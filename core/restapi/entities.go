package restapi

// The REST entities, with Kafka Connect's JSON field names in its serialization order.

// ConnectorTaskID names one task: {"connector":"c","task":0}.
type ConnectorTaskID struct {
	Connector string `json:"connector"`
	Task      int    `json:"task"`
}

// ConnectorInfo is a connector's name, stored configuration, tasks and type.
type ConnectorInfo struct {
	Name   string            `json:"name"`
	Config map[string]string `json:"config"`
	Tasks  []ConnectorTaskID `json:"tasks"`
	Type   string            `json:"type"`
}

// ConnectorState is the connector part of a status.
type ConnectorState struct {
	State    string `json:"state"`
	WorkerID string `json:"worker_id"`
	Trace    string `json:"trace,omitempty"`
}

// TaskState is one task's status.
type TaskState struct {
	ID       int    `json:"id"`
	State    string `json:"state"`
	WorkerID string `json:"worker_id"`
	Trace    string `json:"trace,omitempty"`
}

// ConnectorStateInfo is GET /connectors/{c}/status (and the restart plan).
type ConnectorStateInfo struct {
	Name      string         `json:"name"`
	Connector ConnectorState `json:"connector"`
	Tasks     []TaskState    `json:"tasks"`
	Type      string         `json:"type"`
}

// TaskInfo is one entry of GET /connectors/{c}/tasks.
type TaskInfo struct {
	ID     ConnectorTaskID   `json:"id"`
	Config map[string]string `json:"config"`
}

// ActiveTopics is one connector's entry of GET /connectors/{c}/topics.
type ActiveTopics struct {
	Topics []string `json:"topics"`
}

// ConnectorOffset is one partition's offset. In requests Partition and Offset are
// map[string]any or nil (a nil Offset resets the partition); in responses sink connectors
// use SinkPartition and SinkOffset, which keep Kafka's key order.
type ConnectorOffset struct {
	Partition any `json:"partition"`
	Offset    any `json:"offset"`
}

// SinkPartition is a sink connector's partition: {"kafka_topic":"t","kafka_partition":0}.
type SinkPartition struct {
	KafkaTopic     string `json:"kafka_topic"`
	KafkaPartition int32  `json:"kafka_partition"`
}

// SinkOffset is a sink connector's offset: {"kafka_offset":5}.
type SinkOffset struct {
	KafkaOffset int64 `json:"kafka_offset"`
}

// ConnectorOffsets is GET /connectors/{c}/offsets and the PATCH body.
type ConnectorOffsets struct {
	Offsets []ConnectorOffset `json:"offsets"`
}

// Message is the answer of the offsets PATCH and DELETE.
type Message struct {
	Message string `json:"message"`
}

// PluginInfo is one entry of GET /connector-plugins.
type PluginInfo struct {
	Class   string `json:"class"`
	Type    string `json:"type"`
	Version string `json:"version,omitempty"`
}

// ConnectorSchedule is when a connector's tasks run: its entry under "schedule" in
// GET /connectors?expand=schedule, a connectless extension (Apache Kafka Connect ignores an
// expansion it does not know, so its answer simply lacks the key).
type ConnectorSchedule struct {
	// Schedule is the connector's schedule expression: continuous (the default),
	// rate(…) or cron(…).
	Schedule string `json:"schedule"`
	// LastFire is the schedule's latest firing at or before now, RFC 3339 in UTC; empty
	// for continuous.
	LastFire string `json:"last_fire,omitempty"`
	// LastSlice is when a task of the connector last wrote its status after a slice,
	// RFC 3339 in UTC; empty when none did yet. A task that runs continuously writes its
	// status when it changes, not after every idle slice.
	LastSlice string `json:"last_slice,omitempty"`
	// LastSliceState is that task's state then (RUNNING, FAILED, …).
	LastSliceState string `json:"last_slice_state,omitempty"`
	// LeasedTasks counts the tasks whose lease is held now: a slice is running, or a task
	// runs continuously, or waits out a retry's backoff.
	LeasedTasks int `json:"leased_tasks"`
}

// ErrorMessage is the body of every error answer, Kafka's ErrorMessage:
// {"error_code":404,"message":"..."}; a nil Message is JSON null.
type ErrorMessage struct {
	ErrorCode int     `json:"error_code"`
	Message   *string `json:"message"`
}
