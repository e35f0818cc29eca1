// Package layout is the object layout of an archive written as Confluent's S3 sink writes
// it: partitioners (Default, Field, TimeBased, Daily, Hourly, with the timestamp extractors,
// the schema-name affix and the tombstone partition), Joda-Time path formats and time
// buckets, and object keys
//
//	<topics.dir>/<topic>/<encoded partition>/<topic>+<kafka partition>+<start offset>.<ext>
//
// built and taken apart. The S3 sink writes with it and the S3 source reads with it.
package layout
