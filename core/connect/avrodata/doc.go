// Package avrodata maps Connect schemas and values to Avro and back, as Confluent's AvroData
// does: record names (ConnectDefault in namespace io.confluent.connect.avro for unnamed
// structs), the connect.* schema properties, optional values as unions with null, the Decimal,
// Date, Time and Timestamp logical types, maps with non-string keys as arrays of MapEntry
// records, and Avro enums and unions as Connect strings and structs.
//
// Schemas are built and parsed with hamba/avro, and values are encoded and decoded by it: this
// package only translates between Connect's representation and the generic one hamba/avro
// encodes. The Schema Registry converters and the S3 sink's Avro and Parquet formats share it.
package avrodata
