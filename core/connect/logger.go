package connect

import "log/slog"

// Log attributes that name a task, as Kafka Connect's connector context ("[name|task-0]")
// names it in every log line of the task.
const (
	LogConnector = "connector"
	LogTask      = "task"
)

// TaskLogger returns base with the attributes that name one task of a connector; a nil base
// discards. The runtime gives tasks this logger through their task context.
func TaskLogger(base *slog.Logger, connector string, task int) *slog.Logger {
	if base == nil {
		base = slog.New(slog.DiscardHandler)
	}
	return base.With(LogConnector, connector, LogTask, task)
}
