// Package format holds the file formats of an archive written as Confluent's S3 sink writes
// it, for writing and reading: JsonFormat (a Struct through JsonConverter rules, anything else
// through Jackson rules, with the Java-compatible primitives of javacompat), ByteArrayFormat,
// AvroFormat (object container files, codecs null, deflate and snappy) and ParquetFormat (the
// columns parquet-avro writes for the record's Avro schema), and the gzip and zstd compression
// of JSON and byte files. Avro and Parquet go through the shared Connect <-> Avro mapping
// (core/connect/avrodata) and hamba/avro; map entries are written in key order, so the same
// records always give the same bytes.
//
// A Format encodes each record into a spool (a local append-only file) as it arrives and
// turns the spool into the object at upload time; a Reader gives the records of an object
// back. Keys and headers files use the same formats, headers as HeadersRecord builds them.
package format
