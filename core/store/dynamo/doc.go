// Package dynamo is the store.Store for AWS deployments: one DynamoDB table, single-item
// conditional writes only (no transactions, which DynamoDB Local emulators such as dynalite
// lack and which the design does not need).
//
// Create the table with CreateTable (on-demand billing, waits until ACTIVE) or mirror
// KeySchema and AttributeDefinitions in an infrastructure template; open it with New.
//
// # Table layout
//
// Key: pk (S, HASH) and sk (S, RANGE). Every item of a connector shares pk = "C#<name>", so
// one Query reads any slice of it. Sort keys, in their sort order:
//
//	sk                                  what                        attributes
//	CONFIG                              connector                   config (M of S), target_state (S), generation (N),
//	                                                                task_count (N), next_generation (N)
//	CONFIG#TASK#<gen:20>#<task:10>      one task's config           config (M of S), generation (N), task (N)
//	OFFSETS                             offsets admin + sequence    seq (N), reset_seq (N), source_offsets (M), sink_offsets (M)
//	STATUS                              connector status            status (M)
//	TASK#<task:10>                      one task: lease, status,    task (N), lease_token (N), lease_holder (S),
//	                                    committed offsets           lease_expires (N, Unix ms), lease_released (BOOL), status (M),
//	                                                                source_offsets (M), sink_offsets (M), offsets_version (N)
//	TOPIC#<topic>                       a topic the connector used  task (N), discovered (N, Unix ms)
//
// status is {state, worker_id, trace (absent when empty), generation, updated (Unix ms)}.
// source_offsets maps a source partition's canonical JSON (store.PartitionKey: compact, keys
// sorted, as in the partition part of Kafka Connect's connect-offsets keys) to {o: offset JSON (S), or NULL
// for a tombstone; q: commit sequence (N)}. sink_offsets maps "topic/partition" to {o: next
// offset (N), -1 for a tombstone written by AlterSinkOffsets; q: commit sequence (N)}.
// Numbers in the <gen:20> and <task:10> fields are zero-padded so that sort keys order by them.
// The golden file testdata/items.golden shows every item kind as DynamoDB JSON.
//
// # Fencing
//
// A task's lease and everything its holder writes live in the same item, TASK#<task>, so a
// single conditional write both checks the lease and stores the data:
//
//   - Acquire is one UpdateItem: lease_token = lease_token + 1 on condition that
//     lease_expires is absent or not after now. Tokens only grow, per task; Release sets
//     lease_expires to now and lease_released (BOOL) to true and keeps the token; Acquire
//     and Renew remove lease_released, and Acquire's answer (the attributes as they were)
//     tells a lease left to expire from a released one (store.Lease.TookOver);
//     DeleteConnector keeps task items, so a re-created connector's tokens keep growing too.
//   - A commit or a task status write is an UpdateItem on condition lease_token = :token. A
//     holder whose lease was taken over is refused (store.ErrFenced) from the moment the new
//     holder's Acquire succeeds, whether or not the new holder has written anything yet.
//
// Offsets are committed per task item, while readers want them per connector (source
// offsets per source partition, sink offsets per topic-partition), and partitions move
// between tasks when task configurations change. Each entry therefore carries a commit
// sequence q, taken from the connector's OFFSETS item by an atomic counter (UpdateItem SET
// seq = seq + 1) just before the write, and readers merge all task items and the OFFSETS item
// keeping, per key, the entry with the highest q: the last committer of a partition wins,
// whichever task it ran as, and a source tombstone hides older entries in other items.
// AlterSourceOffsets and AlterSinkOffsets write into the OFFSETS item under a new sequence
// (optimistic read-modify-write on seq), so they win over earlier commits. ResetOffsets sets
// reset_seq to a new sequence in the OFFSETS item; readers ignore entries at or below it and
// later commits drop them from task items. No operation writes more than one item to stay
// consistent.
//
// A commit reads the task item and takes a sequence (both requests at once), merges the new
// entries into the stored map, checks the resulting item size, then writes the whole map back
// on condition of the token and of offsets_version (concurrent commits under the same lease
// retry instead of losing each other's entries).
//
// # Sizes
//
// DynamoDB items are at most 400 KB (MaxItemSize), counted as attribute names plus values.
// Every write computes the item it will produce and refuses it with store.ErrTooLarge, giving
// the size and the limit, before sending it; nothing is truncated. A task item holds the
// committed offsets of that task (about 60 bytes per sink partition; partition JSON plus
// offset JSON plus about 10 bytes per source partition) besides its lease and status: a few
// thousand partitions per task fit. Source partition JSON and config keys are DynamoDB
// attribute names, at most 64 KB each. Task configs have one item each, so a connector's total
// task configuration is not bounded by one item. A status whose trace does not fit beside the
// task's offsets is refused by DynamoDB and reported as store.ErrTooLarge as well.
//
// # Access patterns
//
//	CreateConnector      PutItem CONFIG, condition attribute_not_exists(pk)
//	PutConnectorConfig   UpdateItem CONFIG (config set, other attributes if_not_exists)
//	PutTaskConfigs       UpdateItem CONFIG next_generation+1 (reserve), BatchWriteItem task config items,
//	                     UpdateItem CONFIG generation = reserved if greater, Query + BatchWriteItem delete of
//	                     older generations
//	PutTargetState       UpdateItem CONFIG, condition attribute_exists(pk)
//	Connector            Query pk, sk BETWEEN "CONFIG" AND "CONFIG#TASK#~" (consistent)
//	Connectors           Scan, filter sk = "CONFIG", projection pk (consistent; cost grows with the table)
//	DeleteConnector      GetItem CONFIG; REMOVE status per task item; DeleteItem STATUS, task config items,
//	                     active topic items, then CONFIG (conditional), so an interrupted delete can run again
//	Acquire              UpdateItem TASK#t (conditional on expiry), returns the new token
//	Renew, Release       UpdateItem TASK#t lease_expires, condition lease_token = :t
//	CurrentLease         GetItem TASK#t (consistent, projected)
//	Commit*Offsets       GetItem TASK#t ∥ UpdateItem OFFSETS seq+1; UpdateItem TASK#t, condition token and version
//	SourceOffsets,
//	SinkOffsets          Query pk, sk BETWEEN "OFFSETS" AND "TASK#~" (consistent, projected), merged by q
//	Alter*Offsets,
//	ResetOffsets         GetItem OFFSETS; UpdateItem OFFSETS, condition seq unchanged
//	PutStatus            PutItem STATUS (task -1) or UpdateItem TASK#t status (no lease)
//	PutTaskStatus        UpdateItem TASK#t status, condition lease_token = :t
//	Statuses             Query pk, sk BETWEEN "STATUS" AND "TASK#~" (consistent, projected)
//	RecordActiveTopic    PutItem TOPIC#<topic>, condition attribute_not_exists(pk)
//	ActiveTopics         Query pk, sk BETWEEN "TOPIC#" AND "TOPIC$" (consistent, projected)
//	ResetActiveTopics    Query as ActiveTopics, then BatchWriteItem deletes (also done by DeleteConnector)
//
// One task invocation (acquire, load config and offsets, commit, status, release) is seven
// requests; BenchmarkIntegrationRoundTrip measures it.
//
// Lease expiry compares lease_expires with the caller's clock (WithClock), so processes need
// roughly synchronised clocks; choose lease durations well above the expected skew. The
// fencing guarantee does not depend on clocks: only the token decides whether a write lands.
package dynamo
