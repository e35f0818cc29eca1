package client

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"

	"github.com/connectless/connectless/core/connect"
	"github.com/connectless/connectless/core/restapi"
)

// REST entities, as package restapi and core/connect define them.
type (
	// ConnectorInfo is a connector's name, stored configuration, tasks and type.
	ConnectorInfo = restapi.ConnectorInfo
	// ConnectorStateInfo is a connector's status with its tasks'.
	ConnectorStateInfo = restapi.ConnectorStateInfo
	// TaskState is one task's status.
	TaskState = restapi.TaskState
	// TaskInfo is one task's id and configuration.
	TaskInfo = restapi.TaskInfo
	// ConnectorOffsets is a connector's offsets.
	ConnectorOffsets = restapi.ConnectorOffsets
	// ConnectorOffset is one partition's offset.
	ConnectorOffset = restapi.ConnectorOffset
	// PluginInfo is one connector plugin.
	PluginInfo = restapi.PluginInfo
	// ConfigInfos is a validation result.
	ConfigInfos = connect.ConfigInfos
	// ConfigKeyInfo is one config key's definition.
	ConfigKeyInfo = connect.ConfigKeyInfo
)

// ServerInfo is GET /.
type ServerInfo struct {
	Version        string  `json:"version"`
	Commit         string  `json:"commit"`
	KafkaClusterID *string `json:"kafka_cluster_id"`
}

// Expanded is one connector's entry of GET /connectors?expand=status&expand=info.
type Expanded struct {
	Status *ConnectorStateInfo `json:"status,omitempty"`
	Info   *ConnectorInfo      `json:"info,omitempty"`
}

// LoggerLevel is one logger's level; LastModified is epoch milliseconds, nil when the level
// was never set through the API.
type LoggerLevel struct {
	Level        string `json:"level"`
	LastModified *int64 `json:"last_modified"`
}

// Target states for CreateConnector (Kafka's initial_state).
const (
	InitialRunning = "RUNNING"
	InitialPaused  = "PAUSED"
	InitialStopped = "STOPPED"
)

// ServerInfo returns the worker's version and Kafka cluster id.
func (c *Client) ServerInfo(ctx context.Context) (ServerInfo, error) {
	var out ServerInfo
	_, err := c.call(ctx, http.MethodGet, "/", nil, nil, &out)
	return out, err
}

// Connectors lists connector names.
func (c *Client) Connectors(ctx context.Context) ([]string, error) {
	var out []string
	_, err := c.call(ctx, http.MethodGet, p("connectors"), nil, nil, &out)
	return out, err
}

// ConnectorsExpanded lists connectors with their status and configuration in one request.
func (c *Client) ConnectorsExpanded(ctx context.Context) (map[string]Expanded, error) {
	out := map[string]Expanded{}
	_, err := c.call(ctx, http.MethodGet, p("connectors"), url.Values{"expand": {"status", "info"}}, nil, &out)
	return out, err
}

// Connector returns a connector's configuration and tasks.
func (c *Client) Connector(ctx context.Context, name string) (ConnectorInfo, error) {
	var out ConnectorInfo
	_, err := c.call(ctx, http.MethodGet, p("connectors", name), nil, nil, &out)
	return out, err
}

// ConnectorConfig returns exactly the stored configuration.
func (c *Client) ConnectorConfig(ctx context.Context, name string) (map[string]string, error) {
	var out map[string]string
	_, err := c.call(ctx, http.MethodGet, p("connectors", name, "config"), nil, nil, &out)
	return out, err
}

// CreateConnector creates a connector (POST /connectors); initialState is "" (RUNNING),
// InitialRunning, InitialPaused or InitialStopped.
func (c *Client) CreateConnector(ctx context.Context, name string, config map[string]string, initialState string) (ConnectorInfo, error) {
	body := map[string]any{"name": name, "config": config}
	if initialState != "" {
		body["initial_state"] = initialState
	}
	var out ConnectorInfo
	_, err := c.call(ctx, http.MethodPost, p("connectors"), nil, body, &out)
	return out, err
}

// PutConnectorConfig creates or replaces a connector's configuration; created tells which.
func (c *Client) PutConnectorConfig(ctx context.Context, name string, config map[string]string) (info ConnectorInfo, created bool, err error) {
	resp, err := c.call(ctx, http.MethodPut, p("connectors", name, "config"), nil, config, &info)
	if err != nil {
		return info, false, err
	}
	return info, resp.status == http.StatusCreated, nil
}

// PatchConnectorConfig sets the keys of patch and removes those whose value is nil.
func (c *Client) PatchConnectorConfig(ctx context.Context, name string, patch map[string]*string) (ConnectorInfo, error) {
	var out ConnectorInfo
	_, err := c.call(ctx, http.MethodPatch, p("connectors", name, "config"), nil, patch, &out)
	return out, err
}

// DeleteConnector deletes a connector.
func (c *Client) DeleteConnector(ctx context.Context, name string) error {
	_, err := c.call(ctx, http.MethodDelete, p("connectors", name), nil, nil, nil)
	return err
}

// ConnectorStatus returns a connector's status and its tasks'.
func (c *Client) ConnectorStatus(ctx context.Context, name string) (ConnectorStateInfo, error) {
	var out ConnectorStateInfo
	_, err := c.call(ctx, http.MethodGet, p("connectors", name, "status"), nil, nil, &out)
	return out, err
}

// RestartConnector restarts a connector, and its tasks with includeTasks; onlyFailed limits
// the restart to failed instances. The plan is nil when the server answers 204 (both false).
func (c *Client) RestartConnector(ctx context.Context, name string, includeTasks, onlyFailed bool) (*ConnectorStateInfo, error) {
	q := url.Values{}
	if includeTasks {
		q.Set("includeTasks", "true")
	}
	if onlyFailed {
		q.Set("onlyFailed", "true")
	}
	var out ConnectorStateInfo
	resp, err := c.call(ctx, http.MethodPost, p("connectors", name, "restart"), q, nil, &out)
	if err != nil || resp.status == http.StatusNoContent {
		return nil, err
	}
	return &out, nil
}

// PauseConnector pauses a connector and its tasks.
func (c *Client) PauseConnector(ctx context.Context, name string) error {
	_, err := c.call(ctx, http.MethodPut, p("connectors", name, "pause"), nil, nil, nil)
	return err
}

// ResumeConnector resumes a paused or stopped connector.
func (c *Client) ResumeConnector(ctx context.Context, name string) error {
	_, err := c.call(ctx, http.MethodPut, p("connectors", name, "resume"), nil, nil, nil)
	return err
}

// StopConnector stops a connector and removes its tasks (Kafka 3.5+).
func (c *Client) StopConnector(ctx context.Context, name string) error {
	_, err := c.call(ctx, http.MethodPut, p("connectors", name, "stop"), nil, nil, nil)
	return err
}

// Tasks returns the task configurations.
func (c *Client) Tasks(ctx context.Context, name string) ([]TaskInfo, error) {
	var out []TaskInfo
	_, err := c.call(ctx, http.MethodGet, p("connectors", name, "tasks"), nil, nil, &out)
	return out, err
}

// TaskStatus returns one task's status.
func (c *Client) TaskStatus(ctx context.Context, name string, task int) (TaskState, error) {
	var out TaskState
	_, err := c.call(ctx, http.MethodGet, p("connectors", name, "tasks", strconv.Itoa(task), "status"), nil, nil, &out)
	return out, err
}

// RestartTask restarts one task.
func (c *Client) RestartTask(ctx context.Context, name string, task int) error {
	_, err := c.call(ctx, http.MethodPost, p("connectors", name, "tasks", strconv.Itoa(task), "restart"), nil, nil, nil)
	return err
}

// Topics returns the topics a connector has used.
func (c *Client) Topics(ctx context.Context, name string) ([]string, error) {
	var out map[string]struct {
		Topics []string `json:"topics"`
	}
	if _, err := c.call(ctx, http.MethodGet, p("connectors", name, "topics"), nil, nil, &out); err != nil {
		return nil, err
	}
	return out[name].Topics, nil
}

// ResetTopics forgets the topics a connector has used.
func (c *Client) ResetTopics(ctx context.Context, name string) error {
	_, err := c.call(ctx, http.MethodPut, p("connectors", name, "topics", "reset"), nil, nil, nil)
	return err
}

// Offsets returns a connector's committed offsets. Partitions and offsets decode as
// map[string]any with json.Number values.
func (c *Client) Offsets(ctx context.Context, name string) (ConnectorOffsets, error) {
	var out ConnectorOffsets
	resp, err := c.do(ctx, http.MethodGet, p("connectors", name, "offsets"), nil, nil)
	if err != nil {
		return out, err
	}
	return out, decodeNumbers(resp.body, &out)
}

// AlterOffsets writes offsets of a stopped connector; a nil Offset resets that partition.
// It returns the server's message.
func (c *Client) AlterOffsets(ctx context.Context, name string, offsets ConnectorOffsets) (string, error) {
	var out struct {
		Message string `json:"message"`
	}
	_, err := c.call(ctx, http.MethodPatch, p("connectors", name, "offsets"), nil, offsets, &out)
	return out.Message, err
}

// ResetOffsets deletes every offset of a stopped connector and returns the server's message.
func (c *Client) ResetOffsets(ctx context.Context, name string) (string, error) {
	var out struct {
		Message string `json:"message"`
	}
	_, err := c.call(ctx, http.MethodDelete, p("connectors", name, "offsets"), nil, nil, &out)
	return out.Message, err
}

// Plugins lists connector plugins; with all, also transformations, predicates and converters.
func (c *Client) Plugins(ctx context.Context, all bool) ([]PluginInfo, error) {
	var out []PluginInfo
	_, err := c.call(ctx, http.MethodGet, p("connector-plugins"), url.Values{"connectorsOnly": {strconv.FormatBool(!all)}}, nil, &out)
	return out, err
}

// PluginConfig lists a plugin's config keys.
func (c *Client) PluginConfig(ctx context.Context, plugin string) ([]ConfigKeyInfo, error) {
	var out []ConfigKeyInfo
	_, err := c.call(ctx, http.MethodGet, p("connector-plugins", plugin, "config"), nil, nil, &out)
	return out, err
}

// Validate validates a connector configuration against its plugin (config's
// connector.class). The answer lists errors per key; it is not an error when invalid.
func (c *Client) Validate(ctx context.Context, config map[string]string) (ConfigInfos, error) {
	var out ConfigInfos
	plugin := config["connector.class"]
	if plugin == "" {
		plugin = "unknown"
	}
	_, err := c.call(ctx, http.MethodPut, p("connector-plugins", plugin, "config", "validate"), nil, config, &out)
	return out, err
}

// Loggers lists the loggers with an explicit level.
func (c *Client) Loggers(ctx context.Context) (map[string]LoggerLevel, error) {
	var out map[string]LoggerLevel
	_, err := c.call(ctx, http.MethodGet, p("admin", "loggers"), nil, nil, &out)
	return out, err
}

// Logger returns one logger's level.
func (c *Client) Logger(ctx context.Context, name string) (LoggerLevel, error) {
	var out LoggerLevel
	_, err := c.call(ctx, http.MethodGet, p("admin", "loggers", name), nil, nil, &out)
	return out, err
}

// SetLogger sets a logger's level; scope is "" or "worker" (the answer lists the loggers
// changed) or "cluster" (no list).
func (c *Client) SetLogger(ctx context.Context, name, level, scope string) ([]string, error) {
	var q url.Values
	if scope != "" {
		q = url.Values{"scope": {scope}}
	}
	var out []string
	_, err := c.call(ctx, http.MethodPut, p("admin", "loggers", name), q, map[string]string{"level": level}, &out)
	return out, err
}

func decodeNumbers(data []byte, out any) error {
	if len(data) == 0 {
		return nil
	}
	dec := json.NewDecoder(bytesReader(data))
	dec.UseNumber()
	return dec.Decode(out)
}
