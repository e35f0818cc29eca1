// Package migrate moves a connector's offsets between a Kafka Connect cluster and any
// store.Store, so a connector can leave a Kafka Connect cluster for connectless, or go back,
// without re-reading or re-sending data.
//
// Source connectors: Kafka Connect keeps their offsets in the offsets topic (connect-offsets
// by default, or the connector's own offsets.storage.topic), one record per source partition,
// key ["<connector>",{<partition>}] and value {<offset>}, a tombstone deleting it. Import reads
// the topic in full, keeps the last record of each of the connector's partitions and writes
// them with store.OffsetStore.AlterSourceOffsets. Export writes the store's offsets as such
// records, each to the partition Kafka's Java default partitioner picks (murmur2 of the key),
// reusing the key bytes of a partition already in the topic, since Kafka Connect looks
// offsets up by key bytes.
//
// Sink connectors: Kafka Connect keeps their offsets in the consumer group connect-<connector>
// (or consumer.override.group.id). Import fetches the group's committed offsets and writes
// them with AlterSinkOffsets; Export commits the store's offsets to the group.
//
// Connector configurations need no migration code: a kafkatopic.Store opened on the Kafka
// Connect cluster's own topics reads them (and writes them back) through store.ConfigStore.
//
// Stop the connector on both sides first (Kafka Connect's PUT /connectors/<c>/stop): a running
// task would overwrite what is migrated, and Kafka refuses offset commits to a group with
// active members.
package migrate
