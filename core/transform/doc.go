// Package transform holds Kafka Connect's built-in single message transforms (SMTs) and
// predicates, and the per-connector chain that applies them.
//
// Every transform and predicate is configured with the same keys, defaults and error messages
// as its Apache Kafka counterpart (org.apache.kafka.connect.transforms.*), and is selected by
// the same class name or short alias:
//
//	transforms=addTopic,dropTombstones
//	transforms.addTopic.type=org.apache.kafka.connect.transforms.InsertField$Value
//	transforms.addTopic.topic.field=kafka_topic
//	transforms.dropTombstones.type=Filter
//	transforms.dropTombstones.predicate=isTombstone
//	predicates=isTombstone
//	predicates.isTombstone.type=org.apache.kafka.connect.transforms.predicates.RecordIsTombstone
//
// NewChain builds a Chain from such a connector configuration; Chain.Apply runs a record
// through it and returns nil when a transform drops the record. Plugins lists every transform
// and predicate for /connector-plugins, and Lookup finds one by class name or alias.
//
// Transforms never change the maps, slices or structs of the record they are given: they
// copy before changing. Schemaless values are the JSON-like Go values of connect.Schema;
// schema'd values are *connect.Struct and the other Go types connect.Schema documents.
// Errors carry the Java exception class and message Kafka would give (see Error).
package transform
