// Package preflight runs the live checks of a connector configuration, the part of
// validation that only a connection can see: the connector's own (connect.Preflighter: a
// bucket, a database, a URL), the Kafka cluster's (the brokers answer with the connector's
// security settings, its topics exist or will be created) and the Schema Registry's of its
// converters (the registry answers with the configured auth). The herder runs them when a
// configuration is validated, created or updated; with preflight.enable=false the task runner
// runs them when a task starts instead. A program that does not link a connector has the
// connector's own checks run where it is linked (Checker.Elsewhere: the REST function's
// Iceberg sink, in the Iceberg task function).
package preflight
