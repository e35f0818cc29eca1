// Package jsonschemaconv is Confluent's io.confluent.connect.json.JsonSchemaConverter:
// Connect records to JSON in the Schema Registry wire format (magic byte 0, 4-byte schema id,
// the JSON text) with a JSON Schema registered for them, and back. Schemas map as
// Confluent's JsonSchemaData maps them (connect.type, connect.index, connect.version,
// connect.parameters, title for the schema name, oneOf with null for optional values);
// with json.fail.invalid.schema=true every value is validated against its schema with
// santhosh-tekuri/jsonschema/v6.
package jsonschemaconv
