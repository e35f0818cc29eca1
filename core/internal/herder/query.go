package herder

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/connectless/connectless/core/connect"
	"github.com/connectless/connectless/core/store"
)

// Connectors returns every connector name, sorted.
func (h *Herder) Connectors(ctx context.Context) ([]string, error) {
	names, err := h.cfg.Store.Connectors(ctx)
	if err != nil {
		return nil, fmt.Errorf("list connectors: %w", err)
	}
	if names == nil {
		names = []string{}
	}
	return names, nil
}

// ConnectorInfo returns a connector's stored configuration (references unresolved) and tasks.
func (h *Herder) ConnectorInfo(ctx context.Context, name string) (ConnectorInfo, error) {
	c, err := h.connector(ctx, name, "Connector %s not found")
	if err != nil {
		return ConnectorInfo{}, err
	}
	return h.info(c), nil
}

func (h *Herder) info(c store.Connector) ConnectorInfo {
	cfg := c.Config
	if cfg == nil {
		cfg = map[string]string{}
	}
	return ConnectorInfo{Name: c.Name, Config: cfg, Tasks: taskIDs(c.Name, len(c.Tasks)), Type: h.connectorType(cfg)}
}

// ConnectorConfig returns exactly the stored configuration.
func (h *Herder) ConnectorConfig(ctx context.Context, name string) (map[string]string, error) {
	info, err := h.ConnectorInfo(ctx, name)
	return info.Config, err
}

// splitStatuses returns the connector status and the statuses of tasks 0..tasks-1.
func splitStatuses(statuses []store.Status, tasks int) (*store.Status, []store.Status) {
	var conn *store.Status
	var out []store.Status
	for i := range statuses {
		s := statuses[i]
		if s.State == store.StateDestroyed {
			continue
		}
		switch {
		case s.Task == -1:
			conn = &s
		case s.Task >= 0 && s.Task < tasks:
			out = append(out, s)
		}
	}
	slices.SortFunc(out, func(a, b store.Status) int { return a.Task - b.Task })
	return conn, out
}

// ConnectorStatus returns the status of a connector and its tasks, tasks by id.
func (h *Herder) ConnectorStatus(ctx context.Context, name string) (ConnectorStateInfo, error) {
	c, err := h.connector(ctx, name, "No status found for connector %s")
	if err != nil {
		return ConnectorStateInfo{}, err
	}
	statuses, err := h.cfg.Store.Statuses(ctx, name)
	if err != nil {
		return ConnectorStateInfo{}, fmt.Errorf("read statuses of %q: %w", name, err)
	}
	conn, tasks := splitStatuses(statuses, len(c.Tasks))
	if conn == nil {
		return ConnectorStateInfo{}, notFound("No status found for connector %s", name)
	}
	redact := h.traceRedactor(ctx, c.Config)
	out := ConnectorStateInfo{
		Name:      name,
		Connector: ConnectorState{State: string(conn.State), WorkerID: conn.WorkerID, Trace: redact(conn.Trace)},
		Tasks:     make([]TaskState, 0, len(tasks)),
		Type:      h.connectorType(c.Config),
	}
	for _, t := range tasks {
		out.Tasks = append(out.Tasks, TaskState{ID: t.Task, State: string(t.State), WorkerID: t.WorkerID, Trace: redact(t.Trace)})
	}
	return out, nil
}

// TaskStatus returns one task's status.
func (h *Herder) TaskStatus(ctx context.Context, name string, task int) (TaskState, error) {
	missing := notFound("No status found for task %s-%d", name, task)
	c, err := h.cfg.Store.Connector(ctx, name)
	if err != nil {
		return TaskState{}, missing
	}
	statuses, err := h.cfg.Store.Statuses(ctx, name)
	if err != nil {
		return TaskState{}, fmt.Errorf("read statuses of %q: %w", name, err)
	}
	_, tasks := splitStatuses(statuses, len(c.Tasks))
	for _, t := range tasks {
		if t.Task == task {
			return TaskState{ID: t.Task, State: string(t.State), WorkerID: t.WorkerID, Trace: h.traceRedactor(ctx, c.Config)(t.Trace)}, nil
		}
	}
	return TaskState{}, missing
}

// InternalKeyPrefix starts the keys connectless adds to task configurations for its own use
// (such as a sink task's partition assignment); GET /connectors/{c}/tasks does not show them.
const InternalKeyPrefix = "connectless."

// Tasks returns the task configurations (references unresolved), without internal keys.
func (h *Herder) Tasks(ctx context.Context, name string) ([]TaskInfo, error) {
	c, err := h.connector(ctx, name, "Connector %s not found")
	if err != nil {
		return nil, err
	}
	out := make([]TaskInfo, len(c.Tasks))
	for i, t := range c.Tasks {
		shown := make(map[string]string, len(t))
		for k, v := range t {
			if !strings.HasPrefix(k, InternalKeyPrefix) {
				shown[k] = v
			}
		}
		out[i] = TaskInfo{ID: ConnectorTaskID{Connector: name, Task: i}, Config: shown}
	}
	return out, nil
}

// TasksConfig returns the task configurations keyed "<connector>-<task>".
func (h *Herder) TasksConfig(ctx context.Context, name string) (map[string]map[string]string, error) {
	tasks, err := h.Tasks(ctx, name)
	if err != nil {
		return nil, err
	}
	out := make(map[string]map[string]string, len(tasks))
	for _, t := range tasks {
		out[fmt.Sprintf("%s-%d", name, t.ID.Task)] = t.Config
	}
	return out, nil
}

// ActiveTopics returns the topics a connector used; there is no existence check, as in Kafka.
func (h *Herder) ActiveTopics(ctx context.Context, name string) (map[string]ActiveTopics, error) {
	if h.cfg.TopicTrackingDisabled {
		return nil, newErr(ErrForbidden, "Topic tracking is disabled.")
	}
	topics, err := h.cfg.Store.ActiveTopics(ctx, name)
	if err != nil {
		return nil, fmt.Errorf("read active topics of %q: %w", name, err)
	}
	return map[string]ActiveTopics{name: {Topics: topics}}, nil
}

// ResetActiveTopics forgets the topics a connector used.
func (h *Herder) ResetActiveTopics(ctx context.Context, name string) error {
	if h.cfg.TopicTrackingDisabled {
		return newErr(ErrForbidden, "Topic tracking is disabled.")
	}
	if h.cfg.TopicResetDisabled {
		return newErr(ErrForbidden, "Topic tracking reset is disabled.")
	}
	if err := h.cfg.Store.ResetActiveTopics(ctx, name); err != nil {
		return fmt.Errorf("reset active topics of %q: %w", name, err)
	}
	return nil
}

// Plugins lists the plugins: sinks, then sources, then (unless connectorsOnly)
// transformations, predicates, converters and header converters, each sorted by class.
func (h *Herder) Plugins(connectorsOnly bool) []PluginInfo {
	var all []PluginInfo
	for _, p := range h.cfg.Plugins.Plugins() {
		if connectorsOnly && !p.Type.IsConnector() {
			continue
		}
		all = append(all, PluginInfo{Class: p.Class, Type: string(p.Type), Version: pluginVersion(p.Version)})
	}
	slices.SortStableFunc(all, func(a, b PluginInfo) int {
		if d := connect.PluginType(a.Type).Order() - connect.PluginType(b.Type).Order(); d != 0 {
			return d
		}
		if d := strings.Compare(a.Class, b.Class); d != 0 {
			return d
		}
		return strings.Compare(a.Version, b.Version)
	})
	if all == nil {
		all = []PluginInfo{}
	}
	return all
}

func pluginVersion(v string) string {
	if v == "undefined" {
		return ""
	}
	return v
}

// PluginConfig lists a plugin's config keys (GET /connector-plugins/{plugin}/config).
func (h *Herder) PluginConfig(ctx context.Context, name string) ([]connect.ConfigKeyInfo, error) {
	if p, err := h.cfg.Plugins.Lookup(name); err == nil {
		if h.cfg.PluginConfig == nil {
			return []connect.ConfigKeyInfo{}, nil
		}
		keys, err := h.cfg.PluginConfig(ctx, p)
		if err != nil {
			return nil, fmt.Errorf("config of plugin %s: %w", p.Class, err)
		}
		if keys == nil {
			keys = []connect.ConfigKeyInfo{}
		}
		return keys, nil
	}
	if p, err := h.cfg.Plugins.Find(name); err == nil {
		return append([]connect.ConfigKeyInfo{}, p.ConfigDef().Infos()...), nil
	}
	return nil, notFound("Unknown plugin %s.", name)
}
