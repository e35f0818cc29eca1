// Package s3source is the S3 source connector: it restores into Kafka what the S3 sink
// (package s3sink, or Confluent's S3 sink with the same configuration) archived, for every
// partitioner and format the sink writes: JsonFormat and ByteArrayFormat (plain, .gz or
// .zst), AvroFormat and ParquetFormat, with the keys and headers files when they were
// stored. Class io.connectless.s3.S3SourceConnector; Confluent's
// io.confluent.connect.s3.source.S3SourceConnector is accepted as an alias, and the layout
// keys are the sink's (format.class, topics.dir, partitioner.class, path.format, …), so a
// restore is configured by copying the archive connector's configuration.
//
// # What is restored, and where
//
// Each archived Kafka partition is one source partition. A task lists the objects of its
// partitions once at Start (only the time buckets of restore.time.start/end when the
// partitioner is time-based), groups each value file with its .keys and .headers files,
// and reads the file sets in order of their start offset, record by record. Records keep
// their Kafka partition number (restore.keep.partitions) and go to the same topic, to
// topic.rename.format (e.g. ${topic}-restored) or to a fixed kafka.topic. Values and keys
// come back as the format stores them: JSON as schemaless values (maps, int64, float64…, as
// Kafka's JsonConverter with schemas.enable=false reads them), bytes as bytes, Avro and
// Parquet as Structs with their schemas; headers as strings (the headers files store
// Kafka's string form). With timestamp.extractor=RecordField a record's timestamp is read
// from timestamp.field of its value and set on the restored record; other extractors'
// timestamps are not in the files, so Kafka assigns new ones. With restore.json.raw, JSON
// values come back as the bytes of their archived line instead, so that
// value.converter=ByteArrayConverter restores them byte for byte.
//
// Within one Kafka partition the files of a partitioner that writes several directories at
// once (TimeBased with late records, Field) can hold interleaved offsets; the restore then
// keeps offset order within each file and orders files by their first offset.
//
// # Filters
//
// restore.offset.start/end select by archived offset (the file's start offset plus the
// record's position in it, exact for files of consecutive offsets). restore.time.start/end
// select by the record timestamp (RecordField), or else by the start of the record's time
// bucket, which is exact for ranges aligned to partition.duration.ms (an hour of an
// HourlyPartitioner archive).
//
// # Bad objects
//
// A missing bucket fails Start (ErrNoBucket). An object that cannot be read (corrupt,
// truncated, unknown extension, keys or headers file with another record count) fails the
// task with an error naming it and wrapping format.ErrFormat, after the records before it
// were produced; their offsets are committed, nothing after them. behavior.on.error=ignore
// logs and skips the object instead. S3 errors a retry may fix are retriable.
//
// # Resuming without duplicates
//
// A record's source offset is {object: <key of its value file>, index: <records of that
// file consumed, this one included>}; offsets are committed only for records Kafka
// acknowledged. A restarted task lists the bucket again, skips every file set that sorts
// before the committed object, and skips index records of that object: an interrupted
// restore resumes with no duplicate and no gap, as long as the archive did not change
// underneath (the S3 sink never rewrites an object).
package s3source
