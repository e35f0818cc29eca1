// Package schedule decides when connector tasks run and spreads work over them.
//
// A connector's `schedule` key takes the EventBridge Scheduler syntax: `rate(1 hour)`,
// `rate(5 minutes)`, `cron(5 * * * ? *)`, or `continuous` (due at every tick, the default).
// Schedules are evaluated in UTC. Rate schedules are anchored at the Unix epoch, so the same
// expression fires at the same instants on every scheduler: `rate(1 hour)` fires on the hour.
//
// A task is due at a tick when the schedule fired at or before the tick and the task has not
// started a slice since that firing, and nobody holds a valid lease on it. Missed ticks (a
// scheduler that did not run) therefore delay a run but never lose one.
//
// Sink work is decided, not negotiated: the topic-partitions a sink connector reads are sorted
// and dealt round-robin over its tasks (AssignPartitions), so every scheduler and worker
// computes the same assignment for the same set.
//
// A task also waits while a retry backoff holds its lease (see Policy.RetryDelay), and a
// FAILED task is due again only under task.restart.policy=on-failure, after its restart
// backoff and within its hourly cap (Policy, ParsePolicy). Note is the retry and restart
// state a task's status trace carries from one slice to the next.
package schedule
