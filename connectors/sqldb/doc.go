// Package sqldb holds JDBC-style connectors for PostgreSQL and MySQL/MariaDB, configured with
// the keys of Confluent's JDBC connectors so existing configurations keep working.
//
// The source (io.confluent.connect.jdbc.JdbcSourceConnector) copies tables, or the result of
// one query, into Kafka. mode picks how it finds new rows: bulk re-reads everything each
// poll.interval.ms; incrementing follows a strictly increasing column (new rows only);
// timestamp follows one or more last-modified columns (new and updated rows);
// timestamp+incrementing orders by (timestamp, id) so that rows sharing a timestamp are never
// skipped. Rows are only read once their timestamp is older than the database's current time
// minus timestamp.delay.interval.ms, so a transaction that commits late, with an earlier
// timestamp, is still read as long as it commits within that delay. Offsets use Confluent's
// format: partition {"table":"name"} (or {"query":"query"}) and offset {"incrementing":42}
// or {"timestamp":millis,"timestamp_nanos":nanos,"incrementing":42}, so offsets written by a
// Kafka Connect cluster can be resumed from. Tables are dealt over tasks.max tasks. As in
// Confluent's connector, incrementing mode alone may skip a row whose transaction commits
// after one with a higher id was read; timestamp+incrementing with a delay does not.
//
// A task keeps at most one result open between polls (batch.max.rows at a time), not tied to
// the context of the Poll that opened it; Stop closes it.
//
// The sink (io.confluent.connect.jdbc.JdbcSinkConnector) writes struct records into tables
// named by table.name.format. With insert.mode=upsert (ON CONFLICT … DO UPDATE on PostgreSQL,
// ON DUPLICATE KEY UPDATE on MySQL/MariaDB) a replay of records already written leaves the
// rows as they were, which turns at-least-once delivery into exactly-once rows. Consecutive
// records of the same shape go into one multi-row INSERT (the last record of a key winning,
// as one upsert per record would). It creates
// missing tables (auto.create), adds missing optional columns (auto.evolve) and deletes rows
// on tombstones (delete.enabled with pk.mode=record_key). Each Put is written in one
// transaction, so nothing is half written when a batch fails.
//
// connection.url takes a PostgreSQL URL (postgres://…, postgresql://…), a go-sql-driver MySQL
// DSN (user:pass@tcp(host:port)/db) or a JDBC URL (jdbc:postgresql://host:port/db,
// jdbc:mysql://host:port/db, jdbc:mariadb://host:port/db); connection.user and
// connection.password override the credentials in the URL.
package sqldb
