// Package postgrescdc is a log-based PostgreSQL source with the class name, configuration keys,
// topics, record shapes and offsets of Debezium's PostgreSQL connector
// (io.debezium.connector.postgresql.PostgresConnector).
//
// The task reads the built-in pgoutput logical decoding plugin through a replication slot. Each
// invocation connects, resumes from the committed offset, streams until the slice ends or the
// log is drained, and stops; the slot's confirmed flush position is advanced only to what the
// committed offsets cover (at Start, for the previous slice, and in Commit, after the runtime
// stored this slice's offsets), so a killed invocation replays from the last commit and loses
// nothing. A first invocation creates the slot with an exported snapshot and reads the tables
// in that snapshot (REPEATABLE READ) before streaming from the slot's consistent point, so the
// snapshot and the stream neither miss nor repeat a change.
package postgrescdc
