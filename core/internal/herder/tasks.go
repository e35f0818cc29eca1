package herder

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"runtime/debug"
	"strconv"
	"strings"

	"github.com/connectless/connectless/core/config/provider"
	"github.com/connectless/connectless/core/connect"
)

// ErrTooManyTasks is returned when a connector generates more task configs than tasks.max.
var ErrTooManyTasks = errors.New("too many task configs")

// generateTasks starts the connector once with the resolved configuration, asks it for
// tasks.max task configs and stops it. The task configs are redacted back to config-provider
// references, and so is the error.
func (h *Herder) generateTasks(ctx context.Context, name string, config map[string]string) (tasks []map[string]string, err error) {
	plugin, err := h.cfg.Plugins.Lookup(config[KeyConnectorClass])
	if err != nil {
		return nil, fmt.Errorf("connector %s: %w", name, err)
	}
	maxTasks := 1
	if v, ok := config[KeyTasksMax]; ok {
		n, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil || n < 1 {
			return nil, fmt.Errorf("connector %s: tasks.max %q is not a positive integer", name, v)
		}
		maxTasks = n
	}
	resolved, secrets, err := h.cfg.Resolver.ResolveSecrets(ctx, config)
	if err != nil {
		return nil, fmt.Errorf("connector %s: %w", name, err)
	}
	defer func() {
		if err != nil {
			err = errors.New(secrets.Redact(err.Error()))
		}
	}()
	ctx, cancel := context.WithTimeout(ctx, h.cfg.ConnectorTimeout)
	defer cancel()
	conn, err := runSafely(func() (connect.Connector, error) { return plugin.New(), nil })
	if err != nil {
		return nil, fmt.Errorf("connector %s: new: %w", name, err)
	}
	if _, err := runSafely(func() (struct{}, error) { return struct{}{}, conn.Start(ctx, maps.Clone(resolved)) }); err != nil {
		_, _ = runSafely(func() (struct{}, error) { return struct{}{}, conn.Stop() })
		return nil, fmt.Errorf("connector %s: start: %w", name, err)
	}
	tasks, err = runSafely(func() ([]map[string]string, error) { return conn.TaskConfigs(maxTasks) })
	if _, serr := runSafely(func() (struct{}, error) { return struct{}{}, conn.Stop() }); serr != nil {
		h.log.WarnContext(ctx, "connector stop", "connector", name, "error", secrets.Redact(serr.Error()))
	}
	if err != nil {
		return nil, fmt.Errorf("connector %s: task configs: %w", name, err)
	}
	if len(tasks) > maxTasks && config[KeyTasksMaxEnforce] != "false" {
		return nil, fmt.Errorf("%w: the connector %s has generated %d tasks, which is greater than %d, the maximum number of tasks it is configured to create", ErrTooManyTasks, name, len(tasks), maxTasks)
	}
	sink := plugin.Type == connect.PluginSink
	out := make([]map[string]string, len(tasks))
	for i, t := range tasks {
		tc := maps.Clone(t)
		if tc == nil {
			tc = map[string]string{}
		}
		// As Kafka's Worker.connectorTaskConfigs: every task config names the task class.
		tc[KeyTaskClass] = TaskClass(plugin.Class)
		if sink {
			// As Kafka's Worker.connectorTaskConfigs: sink tasks get the topics settings.
			for _, k := range []string{KeyTopics, KeyTopicsRegex} {
				if v, ok := resolved[k]; ok {
					tc[k] = v
				}
			}
		}
		out[i] = redactTaskConfig(tc, config, resolved, secrets)
	}
	return out, nil
}

// redactTaskConfig turns resolved values back into references: a key whose value equals the
// connector's resolved value gets the connector's raw value (Kafka's reverse transform), and
// any other occurrence of a resolved value is replaced by its reference.
func redactTaskConfig(task, raw, resolved map[string]string, secrets provider.Secrets) map[string]string {
	for k, v := range task {
		if rv, ok := raw[k]; ok && provider.HasReferences(rv) && resolved[k] == v {
			task[k] = rv
			continue
		}
		task[k] = secrets.Redact(v)
	}
	return task
}

// runSafely calls f, turning a panic into an error (connector code is not trusted to be
// panic-free, and a panic must not take the REST server down).
func runSafely[T any](f func() (T, error)) (out T, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("panic: %v\n%s", r, debug.Stack())
		}
	}()
	return f()
}

// KeyTaskClass is Kafka's TaskConfig.TASK_CLASS_CONFIG, added to every task configuration.
const KeyTaskClass = "task.class"

// TaskClass names a connector's task class as Kafka's connectors do: the connector class with
// its "Connector" suffix replaced by "Task" (FileStreamSourceConnector → FileStreamSourceTask),
// or "Task" appended.
func TaskClass(connectorClass string) string {
	return strings.TrimSuffix(connectorClass, "Connector") + "Task"
}
