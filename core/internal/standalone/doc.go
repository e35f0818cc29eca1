// Package standalone is the state store of `connectless standalone`, which behaves as Kafka
// Connect's connect-standalone: connector configurations, task configurations, statuses,
// leases and active topics live in memory for the run (the connectors given on the command
// line, plus those created over REST while it runs), and only offsets are kept on disk, in a
// bolt file (offset.storage.file.filename), so that a restarted run resumes where the last
// one stopped.
//
// A Kafka Connect FileOffsetBackingStore file (Java serialization, starting with the bytes
// 0xACED) is never opened as a bolt file: Open reads its offsets and imports them, once,
// into a connectless offsets file beside it (the same name plus ".connectless"), leaving
// the Kafka Connect file unchanged. A file that is neither is refused with an error saying
// what was found.
package standalone
