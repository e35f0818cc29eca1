// Package convert holds the converters that turn record keys, values and headers into bytes
// and back, compatible with Kafka Connect's: JSONConverter (org.apache.kafka.connect.json.JsonConverter,
// with or without the schema envelope, byte-compatible with Kafka's output), StringConverter,
// ByteArrayConverter and SimpleHeaderConverter. New and NewHeader resolve Java class names and
// aliases; ForConnector applies the worker's converters unless the connector overrides them.
//
// Values are written by javacompat.Encoder: schemaless maps in the iteration order of the
// java.util.HashMap Kafka would hold (javacompat.HashMapOrder), so that output is
// byte-identical to Kafka's where the insertion order is known, and deterministic where it is
// not (a Go map: keys are taken in sorted order); numbers and strings as Jackson writes them.
package convert
