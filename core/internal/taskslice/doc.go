// Package taskslice runs one connector task for one bounded slice and returns what may be
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
//     records (and every record before them) Kafka acknowledged. It polls the next batches
//     while one is produced (at most sourceDepth batches on their way; an empty poll waits
//     for them); batches are produced one at a time in poll order and settled in poll
//     order. Once the slice's context is done nothing new is sent, and the batches on
//     their way get sourceGrace to finish.
//
// A retry in progress when the slice's time runs out (a Put or poll answered with a
// RetriableError, fetches failing retriably, a converter retried) is reported in the
// result's Interrupted, next to what may still be committed, so that the caller can show
// the task as retrying rather than healthy.
//
// Error handling follows Kafka Connect (errors.tolerance, errors.retry.timeout,
// errors.retry.delay.max.ms, errors.log.*, errors.deadletterqueue.*): see ErrorConfig,
// ParseErrorConfig and RecordError.
package taskslice
