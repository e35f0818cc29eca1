// Package avroconv is Confluent's io.confluent.connect.avro.AvroConverter: Connect records
// to Avro in the Schema Registry wire format (magic byte 0, 4-byte schema id, Avro binary)
// and back, with schemas mapped by package avrodata and registered through package
// schemaregistry.
package avroconv
