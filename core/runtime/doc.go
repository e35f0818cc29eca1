// Package runtime runs one connector task for one bounded slice and returns what may be
// committed. The same functions serve one Lambda invocation (run once) and the long-lived
// worker (run in a loop):
//
//   - RunSinkSlice reads the task's assigned partitions by explicit assignment from the
//     committed offsets, converts, transforms and hands records to Put in batches, stops at
//     the deadline (minus a margin) or once caught up with the end offsets seen at slice
//     start, then flushes (or asks PreCommit) and returns the offsets that are durable.
//     MirrorSinkOffsets then copies committed offsets to the consumer group connect-<name>
//     so standard lag tools see progress.
//   - RunSourceSlice polls, transforms, converts and produces with acks=all, waits for the
//     acknowledgements and returns, per source partition, the latest source offset whose
//     records (and every record before them) Kafka acknowledged.
//
// Error handling follows Kafka Connect (errors.tolerance, errors.retry.timeout,
// errors.retry.delay.max.ms, errors.log.*, errors.deadletterqueue.*): see ErrorConfig,
// ParseErrorConfig and RecordError.
package runtime
