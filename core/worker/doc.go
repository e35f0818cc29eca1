// Package worker is the long-lived connectless worker: the herder, the Kafka-Connect-compatible
// REST API and the task runners in one process, as `connectless worker` and `connectless
// standalone` run it.
//
// Tasks run as goroutines, slice after slice: each slice is one taskrun.Run (take the task's
// lease, run until caught up or until offset.flush.interval.ms has passed, commit under the
// lease's fencing token, write the status, release the lease). Several workers pointed at the
// same store share the tasks through those leases. A worker that dies without releasing its
// leases (SIGKILL, a crash, a lost host) has its tasks taken over by the others once the
// leases expire: within offset.flush.interval.ms plus task.lease.timeout.ms. A worker asked to
// stop (SIGTERM) starts no new slice, lets the running slices finish, commit and release
// their leases (for at most task.shutdown.graceful.timeout.ms), then exits.
//
// Target states are honoured between slices: a PAUSED connector's tasks get no more slices
// and are shown PAUSED; a STOPPED connector has no tasks; a task whose status is RESTARTING
// (a restart request recorded by the herder) gets a fresh slice; a FAILED task is not run
// again until it is restarted or new task configurations are stored.
//
// The worker's own lifecycle is an explicit state machine (State): new after New, which only
// checks the properties; then, in Run, starting (the listeners are bound, the Kafka client,
// the state backend and the herder are opened by core/startup, the builder the Lambda
// functions use too) → running → stopping → terminated, or failed from any of them.
//
// Configuration is Kafka Connect's worker properties (LoadProperties, FromEnv), read by
// core/config/workerprops, the one parser of the worker, standalone and the Lambda functions:
// see workerprops.Keys (and docs/worker.md) for every key, its default and the Kafka key it
// mirrors.
//
// The REST listeners also serve GET /metrics in the Prometheus text format, with Kafka
// Connect's metric names as the Prometheus JMX exporter spells them (see Metrics).
package worker
