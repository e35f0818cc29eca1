package herder

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/connectless/connectless/core/store"
)

// RawConfig is a connector configuration as a request carries it: a nil value is JSON null
// (an error in POST and PUT, "remove this key" in PATCH).
type RawConfig map[string]*string

// CreateConnector creates a connector (POST /connectors). name is the request's top-level
// name; a "name" key in config must equal it. The returned info has no tasks, as Kafka's.
func (h *Herder) CreateConnector(ctx context.Context, name string, config RawConfig, initial store.TargetState) (ConnectorInfo, error) {
	if initial == "" {
		initial = store.TargetRunning
	}
	cfg, err := withName(name, config)
	if err != nil {
		return ConnectorInfo{}, err
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	props, err := h.checkedConfig(ctx, cfg)
	if err != nil {
		return ConnectorInfo{}, err
	}
	if err := h.cfg.Store.CreateConnector(ctx, name, props, initial); err != nil {
		if errors.Is(err, store.ErrExists) {
			return ConnectorInfo{}, &Error{Kind: ErrConflict, Message: fmt.Sprintf("Connector %s already exists", name), Err: err}
		}
		return ConnectorInfo{}, storeErr("create connector", name, err)
	}
	h.log.InfoContext(ctx, "connector created", "connector", name, "target_state", string(initial))
	h.applyConfig(ctx, name, initial)
	return ConnectorInfo{Name: name, Config: props, Tasks: []ConnectorTaskID{}, Type: h.connectorType(props)}, nil
}

// PutConnectorConfig creates or replaces a connector's configuration (PUT
// /connectors/{c}/config). created reports a creation; the returned info lists the tasks as
// they were before the update, as Kafka's distributed herder does.
func (h *Herder) PutConnectorConfig(ctx context.Context, name string, config RawConfig) (info ConnectorInfo, created bool, err error) {
	cfg, err := withName(name, config)
	if err != nil {
		return ConnectorInfo{}, false, err
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.putConfig(ctx, name, cfg)
}

// PatchConnectorConfig merges patch into an existing configuration (PATCH
// /connectors/{c}/config): each key is set, or removed when its value is nil.
func (h *Herder) PatchConnectorConfig(ctx context.Context, name string, patch RawConfig) (ConnectorInfo, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	c, err := h.connector(ctx, name, "Connector %s not found")
	if err != nil {
		return ConnectorInfo{}, err
	}
	merged := RawConfig{}
	for k, v := range c.Config {
		merged[k] = &v
	}
	for k, v := range patch {
		if v == nil {
			delete(merged, k)
		} else {
			merged[k] = v
		}
	}
	info, _, err := h.putConfig(ctx, name, merged)
	return info, err
}

func (h *Herder) putConfig(ctx context.Context, name string, cfg RawConfig) (ConnectorInfo, bool, error) {
	props, err := h.checkedConfig(ctx, cfg)
	if err != nil {
		return ConnectorInfo{}, false, err
	}
	old, err := h.cfg.Store.Connector(ctx, name)
	created := errors.Is(err, store.ErrNotFound)
	if err != nil && !created {
		return ConnectorInfo{}, false, storeErr("read connector", name, err)
	}
	if err := h.cfg.Store.PutConnectorConfig(ctx, name, props); err != nil {
		return ConnectorInfo{}, false, storeErr("put connector config", name, err)
	}
	target := old.TargetState
	if created {
		target = store.TargetRunning
		h.log.InfoContext(ctx, "connector created", "connector", name)
	} else {
		h.log.InfoContext(ctx, "connector config updated", "connector", name)
	}
	h.applyConfig(ctx, name, target)
	return ConnectorInfo{Name: name, Config: props, Tasks: taskIDs(name, len(old.Tasks)), Type: h.connectorType(props)}, created, nil
}

// applyConfig computes and stores task configs for a new or changed configuration and writes
// the connector status. Connector failures end up in the status, not in the caller's error.
func (h *Herder) applyConfig(ctx context.Context, name string, target store.TargetState) {
	if target == store.TargetStopped {
		h.putConnectorStatus(ctx, name, store.StateStopped, "")
		return
	}
	if err := h.reconfigure(ctx, name, true); err != nil {
		return
	}
	if target == store.TargetPaused {
		h.putConnectorStatus(ctx, name, store.StatePaused, "")
	} else {
		h.putConnectorStatus(ctx, name, store.StateRunning, "")
	}
}

// reconfigure runs the connector to compute its task configs and stores them under a new
// generation (always when force, otherwise only if they changed). A connector failure is
// written as status FAILED and returned.
func (h *Herder) reconfigure(ctx context.Context, name string, force bool) error {
	c, err := h.cfg.Store.Connector(ctx, name)
	if err != nil {
		h.log.ErrorContext(ctx, "read connector for task configs", "connector", name, "error", err)
		return err
	}
	tasks, err := h.generateTasks(ctx, name, c.Config)
	if err != nil {
		h.log.WarnContext(ctx, "connector failed", "connector", name, "error", err)
		h.putConnectorStatus(ctx, name, store.StateFailed, trace(err))
		return err
	}
	if !force && sameTasks(c.Tasks, tasks) {
		return nil
	}
	gen, err := h.cfg.Store.PutTaskConfigs(ctx, name, tasks)
	if err != nil {
		h.log.ErrorContext(ctx, "store task configs", "connector", name, "error", err)
		h.putConnectorStatus(ctx, name, store.StateFailed, trace(err))
		return err
	}
	h.log.InfoContext(ctx, "task configs stored", "connector", name, "tasks", len(tasks), "generation", gen)
	return nil
}

func sameTasks(a, b []map[string]string) bool {
	return slices.EqualFunc(a, b, func(x, y map[string]string) bool { return maps.Equal(x, y) })
}

// DeleteConnector removes a connector, its task configs and statuses; offsets stay.
func (h *Herder) DeleteConnector(ctx context.Context, name string) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	if err := h.cfg.Store.DeleteConnector(ctx, name); err != nil {
		if errors.Is(err, store.ErrNotFound) || errors.Is(err, store.ErrInvalid) {
			return &Error{Kind: ErrNotFound, Message: fmt.Sprintf("Connector %s not found", name), Err: err}
		}
		return storeErr("delete connector", name, err)
	}
	h.log.InfoContext(ctx, "connector deleted", "connector", name)
	return nil
}

// PauseConnector sets the target state PAUSED (PUT /connectors/{c}/pause).
func (h *Herder) PauseConnector(ctx context.Context, name string) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	if _, err := h.connector(ctx, name, "Unknown connector %s"); err != nil {
		return err
	}
	if err := h.cfg.Store.PutTargetState(ctx, name, store.TargetPaused); err != nil {
		return storeErr("pause connector", name, err)
	}
	if !h.connectorFailed(ctx, name) {
		h.putConnectorStatus(ctx, name, store.StatePaused, "")
	}
	h.log.InfoContext(ctx, "connector paused", "connector", name)
	return nil
}

// ResumeConnector sets the target state RUNNING (PUT /connectors/{c}/resume); a STOPPED
// connector, or one without tasks, gets its task configs computed again.
func (h *Herder) ResumeConnector(ctx context.Context, name string) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	c, err := h.connector(ctx, name, "Unknown connector %s")
	if err != nil {
		return err
	}
	if err := h.cfg.Store.PutTargetState(ctx, name, store.TargetRunning); err != nil {
		return storeErr("resume connector", name, err)
	}
	h.log.InfoContext(ctx, "connector resumed", "connector", name)
	if c.TargetState == store.TargetStopped || len(c.Tasks) == 0 {
		if err := h.reconfigure(ctx, name, true); err != nil {
			return nil
		}
	} else if h.connectorFailed(ctx, name) {
		return nil
	}
	h.putConnectorStatus(ctx, name, store.StateRunning, "")
	return nil
}

// StopConnector removes the tasks and sets the target state STOPPED (PUT
// /connectors/{c}/stop); offsets can then be altered.
func (h *Herder) StopConnector(ctx context.Context, name string) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	if _, err := h.connector(ctx, name, "Unknown connector %s"); err != nil {
		return err
	}
	if _, err := h.cfg.Store.PutTaskConfigs(ctx, name, nil); err != nil {
		return storeErr("stop connector", name, err)
	}
	if err := h.cfg.Store.PutTargetState(ctx, name, store.TargetStopped); err != nil {
		return storeErr("stop connector", name, err)
	}
	h.putConnectorStatus(ctx, name, store.StateStopped, "")
	h.log.InfoContext(ctx, "connector stopped", "connector", name)
	return nil
}

// RestartConnector restarts a connector (POST /connectors/{c}/restart). With both flags
// false it restarts the connector only and returns a nil plan (HTTP 204); otherwise it
// returns the plan (HTTP 202): the connector and tasks to restart are shown RESTARTING.
// Task restarts are recorded as task status RESTARTING for runners to act on.
func (h *Herder) RestartConnector(ctx context.Context, name string, includeTasks, onlyFailed bool) (*ConnectorStateInfo, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	c, err := h.connector(ctx, name, "Unknown connector: %s")
	if err != nil {
		return nil, err
	}
	if !includeTasks && !onlyFailed {
		h.log.InfoContext(ctx, "connector restart", "connector", name)
		h.restartConnector(ctx, c)
		return nil, nil
	}
	statuses, err := h.cfg.Store.Statuses(ctx, name)
	if err != nil {
		return nil, storeErr("read statuses", name, err)
	}
	connSt, tasks := splitStatuses(statuses, len(c.Tasks))
	if connSt == nil {
		return nil, notFound("Status for connector %s not found", name)
	}
	plan := &ConnectorStateInfo{Name: name, Type: h.connectorType(c.Config), Tasks: []TaskState{}}
	restartConn := !onlyFailed || connSt.State == store.StateFailed
	redact := h.traceRedactor(ctx, c.Config)
	plan.Connector = ConnectorState{State: string(connSt.State), WorkerID: connSt.WorkerID, Trace: redact(connSt.Trace)}
	if restartConn {
		plan.Connector.State = string(store.StateRestarting)
	}
	var restartTasks []store.Status
	for _, t := range tasks {
		ts := TaskState{ID: t.Task, State: string(t.State), WorkerID: t.WorkerID, Trace: redact(t.Trace)}
		if includeTasks && (!onlyFailed || t.State == store.StateFailed) {
			ts.State = string(store.StateRestarting)
			restartTasks = append(restartTasks, t)
		}
		plan.Tasks = append(plan.Tasks, ts)
	}
	h.log.InfoContext(ctx, "connector restart", "connector", name, "include_tasks", includeTasks, "only_failed", onlyFailed,
		"restart_connector", restartConn, "restart_tasks", len(restartTasks))
	for _, t := range restartTasks {
		t.State, t.Trace, t.Updated = store.StateRestarting, "", h.cfg.Now()
		if err := h.cfg.Store.PutStatus(ctx, t); err != nil {
			return nil, storeErr("record task restart", name, err)
		}
	}
	if restartConn {
		h.restartConnector(ctx, c)
	}
	return plan, nil
}

// restartConnector runs the connector again and writes its status.
func (h *Herder) restartConnector(ctx context.Context, c store.Connector) {
	h.putConnectorStatus(ctx, c.Name, store.StateRestarting, "")
	switch c.TargetState {
	case store.TargetStopped:
		h.putConnectorStatus(ctx, c.Name, store.StateStopped, "")
		return
	}
	if err := h.reconfigure(ctx, c.Name, false); err != nil {
		return
	}
	if c.TargetState == store.TargetPaused {
		h.putConnectorStatus(ctx, c.Name, store.StatePaused, "")
	} else {
		h.putConnectorStatus(ctx, c.Name, store.StateRunning, "")
	}
}

// RestartTask records a restart request for one task (POST /connectors/{c}/tasks/{t}/restart).
func (h *Herder) RestartTask(ctx context.Context, name string, task int) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	c, err := h.connector(ctx, name, "Unknown connector: %s")
	if err != nil {
		return err
	}
	if task < 0 || task >= len(c.Tasks) {
		return notFound("Unknown task: %s-%d", name, task)
	}
	st := store.Status{Connector: name, Task: task, State: store.StateRestarting, WorkerID: h.cfg.WorkerID, Generation: c.Generation, Updated: h.cfg.Now()}
	if statuses, err := h.cfg.Store.Statuses(ctx, name); err == nil {
		for _, s := range statuses {
			if s.Task == task {
				st.WorkerID = s.WorkerID
			}
		}
	}
	if err := h.cfg.Store.PutStatus(ctx, st); err != nil {
		return storeErr("record task restart", name, err)
	}
	h.log.InfoContext(ctx, "task restart requested", "connector", name, "task", task)
	return nil
}

func (h *Herder) connectorFailed(ctx context.Context, name string) bool {
	statuses, err := h.cfg.Store.Statuses(ctx, name)
	if err != nil {
		return false
	}
	for _, s := range statuses {
		if s.Task == -1 {
			return s.State == store.StateFailed
		}
	}
	return false
}

func (h *Herder) putConnectorStatus(ctx context.Context, name string, state store.State, trace string) {
	gen := int64(0)
	if c, err := h.cfg.Store.Connector(ctx, name); err == nil {
		gen = c.Generation
	}
	st := store.Status{Connector: name, Task: -1, State: state, WorkerID: h.cfg.WorkerID, Trace: trace, Generation: gen, Updated: h.cfg.Now()}
	if err := h.cfg.Store.PutStatus(ctx, st); err != nil {
		h.log.ErrorContext(ctx, "write connector status", "connector", name, "state", string(state), "error", err)
	}
}

// withName applies Kafka's name rules: a "name" key must equal name; it is set otherwise.
func withName(name string, config RawConfig) (RawConfig, error) {
	out := make(RawConfig, len(config)+1)
	maps.Copy(out, config)
	if v, ok := config[KeyName]; ok && v != nil && *v != name {
		return nil, badRequest("Connector name configuration (%s) doesn't match connector name in the URL (%s)", *v, name)
	}
	n := name
	out[KeyName] = &n
	return out, nil
}

func taskIDs(name string, n int) []ConnectorTaskID {
	ids := make([]ConnectorTaskID, n)
	for i := range ids {
		ids[i] = ConnectorTaskID{Connector: name, Task: i}
	}
	return ids
}

func storeErr(op, name string, err error) error {
	if errors.Is(err, store.ErrTooLarge) || errors.Is(err, store.ErrInvalid) {
		return &Error{Kind: ErrBadRequest, Message: fmt.Sprintf("%s %s: %v", op, name, err), Err: err}
	}
	return fmt.Errorf("%s %q: %w", op, name, err)
}

// trace renders an error as a status trace.
func trace(err error) string {
	return strings.TrimSpace(err.Error())
}
