// Package taskrun runs one task invocation end to end: take the task's lease, load its
// configuration and offsets, run one runtime slice, commit what the slice says is durable
// under the lease's fencing token, write the task's status and release the lease.
//
// It is what one Lambda invocation of the task function does once, and what the long-lived
// worker does in a loop; both callers only wire it. A second invocation of the same task (a
// retry, a zombie) cannot commit: either it does not get the lease (ErrSkipped), or its
// commit carries a stale token and the store refuses it (store.ErrFenced).
//
// Sink work is decided, not negotiated: Assign resolves a sink connector's topics (or
// topics.regex) to partitions, deals them over its tasks (schedule.AssignPartitions), and
// stores the assignment in each task's configuration under AssignmentKey, bumping the
// generation when the set changes.
//
// A slice that ends on an error time may fix (transient.Is: an outage of S3, a database,
// DynamoDB or a broker) commits nothing it does not cover, leaves the task RUNNING with
// "retrying since …" in its status trace, and keeps the lease for an exponential, jittered
// backoff so that no scheduler or worker runs it sooner; Run returns no error for it
// (Result.Retrying). Past the connector's task.retry.timeout.ms the task is FAILED with the
// last cause. Any other error fails the task at once.
package taskrun
