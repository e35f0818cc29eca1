// Package kafkatopic is the store.Store backend for users who already run Kafka Connect: state
// lives in Kafka Connect's three internal topics, in Kafka Connect's own record formats, so a
// Kafka Connect cluster's configs, offsets and statuses can be read here, and the reverse.
//
// # Topics and records
//
// Open creates the topics when they are missing, compacted (cleanup.policy=compact), with
// Kafka Connect's worker defaults: connect-configs with 1 partition, connect-offsets with 25,
// connect-status with 5, replication factor 3 (see Config). An existing topic must be
// compact-only and the config topic must have one partition.
//
//	connect-configs   connector-<c>          {"properties":{...}}            tombstone on delete
//	                  target-state-<c>       {"state":"PAUSED","state.v2":"STOPPED"}
//	                  task-<c>-<n>           {"properties":{...}}
//	                  commit-<c>             {"tasks":N}
//	connect-offsets   ["<c>",{<partition>}]  {<offset>}                      tombstone = deleted
//	connect-status    status-connector-<c>   {"state":..,"trace":..,"worker_id":..,"generation":N}
//	                  status-task-<c>-<n>    same; DESTROYED and deleted connectors are tombstones
//	                  status-topic-<t>:connector-<c>  {"topic":{"name":..,"connector":..,"task":N,"discoverTimestamp":ms}}
//	                                         a topic the connector used (KIP-558); reset and delete write tombstones
//
// Values are compact JSON as Kafka's JsonConverter writes them (schemas.enable=false), struct
// fields in Kafka's order. Source partitions and offsets are written as Kafka's
// OffsetStorageWriter writes a java.util.HashMap of them (javacompat: HashMap key order, Java's
// number forms); connector properties, whose Java order is the REST request's, are written
// sorted. Every record goes to the partition Kafka's Java default partitioner picks,
// toPositive(murmur2(key)) % partitions (PartitionFor, on kafka-go's Murmur2Balancer). Offsets keys already in the topic are reused byte for byte when an offset is
// written again, because Kafka Connect looks offsets up by key bytes.
//
// Task configurations follow Kafka Connect's commit rule: task records are buffered and
// applied only when a commit-<c> record is read and finds task records 0..N-1; otherwise the
// connector is inconsistent and shows no tasks until the next commit. Deleting a connector
// tombstones connector-<c> and target-state-<c> (task and commit records stay, as in Kafka
// Connect) and its statuses; offsets and leases stay.
//
// connectless adds two record headers, which Kafka Connect never reads: connectless.generation
// on commit records (store.Connector.Generation; records written by Kafka Connect count one
// generation per commit) and connectless.updated on status records (store.Status.Updated,
// exactly; otherwise the record timestamp).
//
// Sink offsets live where Kafka Connect keeps them: the consumer group connect-<c>, written
// with simple (generation -1) offset commits. Kafka refuses commits for topics that do not
// exist, and refuses simple commits while the group has active members.
//
// # Reading
//
// Like Kafka Connect's KafkaBasedLog, a Store reads every partition of the three topics from
// the beginning by explicit partition fetches (no consumer group) into an in-memory view, and
// every read first reads to the end offsets the partitions had when it started (the readToEnd
// barrier), so a Store sees every write acknowledged before the call began, its own or
// another process's. Operations inside one Store are serialized. Reads are uncommitted: when
// Kafka Connect writes the config topic in transactions (exactly.once.source.support), records
// of an aborted transaction are read like the others, since kafka-go does not filter them;
// transaction markers are skipped.
//
// # Leases and fencing
//
// Kafka has no conditional write, so leases are decided by log order. A task's lease records
// (key connectless-lease-task-<c>-<n> in the status topic, which Kafka Connect workers log and
// skip) all land in one partition, and every reader replays them with the same rule:
//
//   - acquire (holder, token T, time at, expiry): accepted only if T is the current token
//     plus one and the current lease had expired (or been released) at time at;
//   - renew and release: accepted only if they carry the current token;
//   - assign (a worker group's claim, see below): accepted only if its token is above the
//     current one, expired or not.
//
// Acquire reads the partition to its end, refuses with store.ErrLeaseHeld if the lease is
// live, appends its claim, reads to the end again and has won only if the lease state was set
// by its own record (matched by offset). Of two racing claims for the same token, the one
// earlier in the log wins and the other is refused with store.ErrLeaseHeld: exactly one winner,
// across any number of processes. Tokens only grow.
//
// A commit, sink commit or task status write carrying a lease is checked against the lease
// partition read to its end just before the write; a token that is not current gives
// store.ErrFenced. Guarantees and limits:
//
//   - The check and the write are two steps: a holder that stalls between them for longer
//     than its lease can still land one write after a takeover. This is the window Kafka
//     Connect itself has without exactly-once support; keep lease TTLs well above the time one
//     commit takes. A transactional (fencing) producer would close it; kafka-go has none.
//   - Lease expiry compares the claimant's clock with the holder's: clock skew between
//     processes shortens or lengthens leases by the skew.
//   - After log compaction a reader that starts fresh takes the first lease record it sees as
//     the state. If the last record of a lease key is a losing claim, such a reader reports
//     the loser as holder with the correct current token, so fencing is unaffected.
//   - CreateConnector's existence check and PutTaskConfigs' generation are read-then-write:
//     two processes doing them at once for the same connector may both succeed, the later
//     record winning, as with two Kafka Connect leaders. Within one Store they are serialized.
//
// # Worker groups
//
// Kafka Connect distributes tasks by group membership, the group generation being the fencing
// token. Long-lived workers can do the same here: each joins a worker group with JoinGroup and
// a TaskBalancer (a kafka.GroupBalancer that deals tasks round robin, carried in the group
// protocol's assignment as connector name and task ids), receives its tasks per generation
// from Member.Assignments, and claims each with AcquireAssigned, whose token is
// GenerationToken(generation). A claim of a newer generation takes a task over at once, live
// lease or not, so every writer of an older generation is fenced (store.ErrFenced) from then
// on; a claim of an older generation is refused. Tokens stay comparable with Acquire's: the
// generation sits in the high 32 bits.
//
// store.LeaseStore itself (Acquire, Renew, Release) does not go through the group: it hands
// out one task at a time to short invocations, with expiry on the caller's clock (ttl), while a
// group member holds all its tasks at once, every join or leave rebalances the whole group,
// and members expire on the coordinator's session timeout. A group per task would make every
// Acquire a rebalance and still not honour the ttl. Both kinds of claim use the same lease
// records and the same check before every write.
package kafkatopic
