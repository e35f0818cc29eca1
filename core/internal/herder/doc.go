// Package herder manages the connector lifecycle as Kafka Connect's herder does: create,
// update (PUT and PATCH), delete, pause, resume, stop, restart, validation, task
// configurations, status and offsets. It keeps everything in a store.Store and never runs
// tasks itself: runners (the long-lived worker, the Lambda task function) read the stored
// target states, task configurations and statuses and act on them.
//
// The herder does play the connector's part: on create, update, resume and restart it starts
// the connector once (Start, TaskConfigs(tasks.max), Stop) to compute the task
// configurations, stores them under a new generation and writes the connector's status
// (RUNNING, PAUSED, STOPPED, or FAILED with a trace). Restart requests for tasks are recorded
// as task status RESTARTING, which runners treat as "restart this task".
//
// Stored configurations keep config-provider references (${env:X}) unresolved. The connector
// is started with resolved values; its task configurations, validation results and error
// traces are redacted back to the references before they are stored or returned, so a
// resolved value never leaves the process except to the connector and its tasks.
//
// Errors carry Kafka Connect's messages; *Error gives the kind (ErrNotFound, ErrBadRequest,
// ErrConflict, ErrForbidden) that the REST layer maps to an HTTP status.
package herder
