// Package s3sink is the S3 sink connector: it archives Kafka topics to S3 with the same
// configuration keys, defaults, object keys and (for JsonFormat and ByteArrayFormat) the same
// decompressed bytes as Confluent's S3 sink (class io.confluent.connect.s3.S3SinkConnector),
// and with exactly-once files under crashes and zombie invocations.
//
// # Layout and formats
//
// The layout (partitioners, path formats, object keys) is package connectors/archive/layout
// and the formats are package connectors/archive/format, which the S3 source reads with; this
// package is the sink task: files per partition, rotation, uploads and recovery.
//
// Object keys follow Confluent's template
//
//	<topics.dir>/<topic>/<encoded partition>/<topic>+<kafka partition>+<start offset padded to 10>.<ext>
//
// for example topics/app-logs/partition=3/app-logs+3+0000001200.json.gz. Partitioners:
// Default, Field, TimeBased (Joda-Time path.format, Java long-division bucketing, zone rules
// as Joda), Daily and Hourly, with the Wallclock, Record and RecordField timestamp extractors,
// the schema-name affix and the tombstone partition. Formats: JsonFormat (a Struct through
// JsonConverter rules, anything else through Jackson rules: Java HashMap key order for
// schemaless maps, Java number formatting, Jackson escaping), ByteArrayFormat, AvroFormat
// (object container, codecs null/deflate/snappy) and ParquetFormat; JSON and bytes may be
// gzip-compressed (.gz, as Confluent) or zstd-compressed (.zst, ours). Keys and headers files
// (.keys/.headers) are written in lock-step with the value file.
//
// Schemaless maps reach the sink as Go maps, which have no order. A value that implements
// javacompat.OrderedMap keeps its insertion order, so the Java HashMap order is reproduced exactly; for
// a plain map[string]any the sorted key order stands in for the insertion order (the order
// only differs from Confluent's when two keys share a hash bucket). json.map.key.order=input
// writes insertion (or sorted) order instead.
//
// When nothing needs the Connect value (JsonFormat, no transformation, no FieldPartitioner, no
// timestamp.extractor=RecordField) the task takes values JsonConverter with
// schemas.enable=false checked but did not build (connect.JSONBytes), and JsonFormat writes
// them from their bytes: one scan, the top-level members copied in HashMap order, the value
// built only when its bytes are not already Jackson's encoding. json.write.as.read writes such
// values as they were read instead (not Confluent's output).
//
// # Exactly-once files
//
// Each Kafka partition has at most one open file per encoded partition; all of them are
// uploaded together when a rotation rule fires, as in Confluent's S3 sink: flush.size records,
// rotate.interval.ms of record time, rotate.schedule.interval.ms of wall-clock time, or a schema
// change. The argument that a re-run writes no duplicate record and leaves no gap, for every
// partitioner:
//
//  1. Deterministic keys. A file's key is a function of its encoded partition P and the
//     offset of its first record. Within one Kafka partition, the files of P hold P's records
//     contiguously: a file [s..e] holds every record of P with an offset in s..e, and the next
//     file of P starts at the first record of P after e. This holds for one run because all
//     open files rotate together, and across runs by points 3 and 4.
//  2. Conditional create. The value file (the keys file for a tombstone-only file) is created
//     with If-None-Match: *, and carries its first offset, last offset and record count as
//     object metadata. A 412 means the key exists: if the existing object has our last offset
//     and count it holds our records and counts as written; otherwise a racing run cut the file
//     elsewhere, and the partition is rewound (open files dropped, ResetOffsets to the durable
//     offset) and re-learns the bucket through point 3. Keys and headers files are uploaded
//     before their value file and overwrite: the value file arbitrates, and its winner checks
//     the companions' offsets metadata afterwards and rewrites them if a loser replaced them.
//  3. Recovery by lookup. Whenever a run is about to open a new file for P at offset o, it
//     first looks the key up (HeadObject). If it exists with last offset e, the records of P up
//     to e are already stored: they are skipped, and the next record of P repeats the lookup.
//     A crashed run's files are therefore found file by file, in the order that run wrote
//     them, whatever the number of directories one Kafka partition writes to (TimeBased, Field):
//     no listing is needed. Once a lookup misses, that run never uploaded later files of P.
//  4. Offsets follow objects. PreCommit returns, per partition, the offset below which every
//     record is in an uploaded object or was deliberately dropped (errant, ignored null): never
//     past the first record of an open file, and never inside an object that is still being
//     skipped through, so a committed offset is always a file boundary for every P.
//
// A re-run from the committed offset thus meets, for each P, either the crashed run's next
// file (found and skipped) or a key that was never created (written now). Records are never
// stored twice, and none is skipped without being in an object. Rotation rules that depend on
// record contents (flush.size, rotate.interval.ms with Record/RecordField, schema changes)
// reproduce the same cuts; cuts that depend on time (slice ends, rotate.schedule.interval.ms)
// are recovered from the bucket by point 3 instead of being reproduced.
//
// The Wallclock extractor (the default of the time-based partitioners) also makes the
// directory depend on time, so point 3 alone would look in the wrong directory. A writer then
// first lists the time directories of the last s3.recovery.lookback.ms (default one day) for
// objects of its Kafka partition starting at or after its first offset; wall-clock
// directories only move forward, so each such object holds every record of its offset range,
// and those ranges are skipped (and never committed into). A killed slice re-run after the
// lookback, or Wallclock combined with s3.schema.partition.affix.type (schemas interleave
// within an hour), falls back to point 3 alone and may store records again.
//
// # Rotation and slice ends
//
// flush.size counts the records written to all open files of a Kafka partition since the last
// upload; rotate.interval.ms (time-based partitioners) rotates on record time and on a change
// of encoded partition; rotate.schedule.interval.ms rotates on wall-clock boundaries aligned to
// local midnight, checked per record and after every Put, so idle partitions flush too. On top
// of these, Flush (called at the end of every slice and before Stop) and PreCommit upload every
// open file when s3.flush.on.slice.end is true (the default): a partition that went quiet is
// archived at the end of the invocation instead of waiting for new data. The next slice starts
// new files; by point 3 a re-run of a killed slice finds where the earlier slice cut. With
// s3.flush.on.slice.end=false only the data-driven and scheduled rules rotate (Confluent's
// behaviour): open files stay open, PreCommit holds the offsets back to their first records,
// and a task that ends drops them, so the next slice reads those records again.
//
// # Memory
//
// Records are encoded as they arrive and appended to one spool per open file. A spool holds
// its bytes in memory while the task's budget lasts (a sixteenth of the Go memory limit the
// process runs with, at most 32 MiB; 16 MiB without a limit), then moves to a local file (in
// s3.spill.dir, /tmp on Lambda) written through a 32 KiB buffer. Compression and container
// framing happen at upload time, one file at a time: into memory when the spool was in memory
// and the budget holds the object too (an uncompressed JsonFormat or ByteArrayFormat spool in
// memory is the object itself), otherwise into a second local file; the object goes up
// with one PutObject (up to s3.part.size) or a multipart upload in s3.part.size parts. Memory
// therefore stays bounded by the budget plus a 32 KiB buffer per open file on disk (and no file
// descriptor) plus, for the file being uploaded, one 64 KiB Avro block or one 64 KiB page per
// Parquet column (finished pages wait on disk for the footer), whatever the number of partitions and
// open files. BenchmarkIntegrationOpenFiles reports the heap per open file.
//
// # Manifest
//
// With s3.manifest.enabled, every Flush/PreCommit that uploaded objects also writes one JSON
// manifest under s3.manifest.prefix listing each object with topic, partition, first and last
// offset, record count, byte size and min/max record timestamp.
//
// # Notifications
//
// With s3.notification.topic set, the sink sends one JSON record (Notification; key: the
// object key) per object it writes, value files and keys/headers companions alike, to that
// Kafka topic on s3.notification.bootstrap.servers, acknowledged by all in-sync replicas.
// Notifications of the objects uploaded since the last Flush are sent before Flush and
// PreCommit return, and PreCommit never reports an offset past the first offset of an object
// whose notification is not acknowledged; a notification that cannot be sent fails Flush and
// PreCommit with a retriable error wrapping ErrNotification, and stays queued. A committed
// object therefore always has a notification. They are at-least-once: an object a killed run
// uploaded is found by the re-run (points 3 and Wallclock listing above) and notified again
// from its metadata (offsets, count, size, and the min/max timestamps the sink records as
// object metadata), so consumers deduplicate by object key. An object of a killed run that was
// never uploaded is never notified.
package s3sink
