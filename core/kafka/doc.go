// Package kafka is connectless's Kafka client plumbing, on github.com/segmentio/kafka-go.
//
// It offers what the task runtime, the schedulers and the Kafka-topic store need and nothing
// more: explicit partition reads (Client.Fetch, no consumer-group membership), a writer that
// reports the outcome of every message (Writer.Produce, acks=all by default), and admin calls
// (create and delete topics, list partitions and end offsets, commit and fetch consumer-group
// offsets without joining the group).
//
// Offsets follow Kafka's convention everywhere: a committed offset is the next offset to read.
package kafka
