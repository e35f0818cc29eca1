// Package bolt is the embedded store.Store: one bbolt file, held by one process at a time
// (bbolt takes an exclusive file lock; a second Open fails after the lock timeout with
// ErrLocked). It is the default for standalone mode, the demo and laptops.
//
// # File layout
//
// Top-level buckets hold one sub-bucket per connector name:
//
//	connectors/<name>      "connector"          {"config":{...},"target_state":"RUNNING","generation":2,"tasks":[{...}]}
//	status/<name>          "connector"          {"state":"RUNNING","worker_id":"w1","trace":"","generation":2,"updated":"RFC 3339"}
//	                       "task-0000000003"    the same for task 3
//	leases/<name>          "task-0000000003"    {"holder":"w1","token":7,"expires":"RFC 3339"}
//	source_offsets/<name>  <partition JSON>     <offset JSON>, e.g. {"filename":"/tmp/in.txt"} → {"position":42}
//	sink_offsets/<name>    "<topic>/<partition>" next offset to read, decimal
//	topics/<name>          <topic>              {"task":0,"discovered":"RFC 3339"}, a topic the connector used
//	meta                   "format"             "1"
//
// Partition JSON is store.PartitionKey's canonical form (compact, keys sorted): the partition
// part of a Kafka Connect connect-offsets key, so offsets move between backends unchanged.
// Deleting a connector removes its connectors/, status/ and topics/ buckets; offsets stay (as in Kafka
// Connect) and so do leases, so that fencing tokens keep growing if the name is used again.
//
// # Fencing
//
// Every bbolt write transaction is serializable, so a commit checks the task's lease token and
// writes its offsets in the same transaction: a commit or task status carrying a token other
// than the stored one is refused with store.ErrFenced, including right after a takeover before
// the new holder wrote anything. Lease expiry is read from the clock given with WithClock.
//
// # Limits
//
// One stored value (a connector with its task configs, one commit's offsets, a status) may
// not exceed the WithMaxValueSize limit (default store.DefaultMaxValueSize, 1 MiB); larger
// ones are refused with store.ErrTooLarge and nothing is written.
package bolt
