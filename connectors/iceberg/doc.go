// Package iceberg is an Apache Iceberg sink connector with the Apache Iceberg Kafka Connect
// sink's class name and keys (org.apache.iceberg.connect.IcebergSinkConnector,
// iceberg.tables, iceberg.catalog.*, iceberg.tables.auto-create-enabled, …), built on
// github.com/apache/iceberg-go: metadata, manifests and Parquet data files are iceberg-go's.
//
// Exactly once without a coordinator: each commit appends one snapshot per table whose
// summary carries, per topic, kafka.connect.offsets.<topic>.<group-id> = {"partition":
// next offset} for every partition written to the table so far, the commit id and the
// task lease's fencing token. The commit is conditioned on the snapshot the task based its
// work on (iceberg-go's AssertRefSnapshotID requirement, checked by the catalog's atomic
// metadata swap). When it loses the race, the task reloads the table: if the offsets of its
// own partitions moved, another invocation committed them and this one fails with ErrFenced
// having made nothing visible (its data files are orphans); if only other partitions moved
// (another task on the same table), it retries on the new snapshot.
//
// Every commit also records the newest lease token of each task (connectless.lease.tokens.
// <group-id>). A task whose lease was taken over from a holder that did not release it
// commits a fencing snapshot (one data file without rows, offsets unchanged) to each table
// it opens, so that a commit the previous holder prepared conflicts, finds a newer token of
// its task since its base snapshot and fails with ErrFenced; a slice that opens a table
// already holding a newer token of its task asks the state store whether its lease is still
// current and fails with ErrFenced when it is not.
//
// A starting task reads the tables' latest snapshots: with a fixed table list it resumes each
// partition at the lowest offset the tables hold, and every table skips the records below its
// own offset, so records between the state store's offset and the table's are neither lost
// nor doubled. PreCommit returns per partition only what every table has committed: the
// state store follows the tables, never leads them.
//
// Schemas come from Connect schemas (JsonConverter with schemas, Avro, Protobuf and JSON
// Schema converters) or are inferred from schemaless JSON (see inferType); with
// iceberg.tables.evolve-schema-enabled new fields become optional columns. A record that does
// not fit its table goes to error handling with ErrSchema.
package iceberg
